// Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1):
//   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²,
//   m̂ = m / (1 − β1ᵗ),   v̂ = v / (1 − β2ᵗ),   θ ← θ − η·m̂ / (√v̂ + ε).
// Defaults from the paper, also PyTorch's and Keras's (Keras ε = 1e-7): η = 0.001, β1 = 0.9,
// β2 = 0.999, ε = 1e-8. AdamW (adamw.ts) adds decoupled weight decay to this same step.

import { checkNumber } from '../errors.js';
import { adamStep as adamKernel, type AdamStepOptions, type FloatArray } from '../kernels/index.js';
import {
  bufferFromJSON,
  bufferToJSON,
  checkState,
  stateBuffer,
  type Optimizer,
  type OptimizerState,
} from './optimizer.js';

export interface AdamOptions {
  learningRate?: number;
  /** β1 in [0, 1): decay of the gradient average; default 0.9 */
  beta1?: number;
  /** β2 in [0, 1): decay of the squared-gradient average; default 0.999 */
  beta2?: number;
  /** ε > 0; default 1e-8 */
  epsilon?: number;
}

export class Adam implements Optimizer {
  readonly name: string = 'adam';
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  stepCount = 0;
  /** m[P]: first moment (average gradient) */
  protected m: Float64Array | null = null;
  /** v[P]: second moment (average squared gradient) */
  protected v: Float64Array | null = null;

  constructor(options: AdamOptions = {}) {
    this.learningRate = checkNumber('learningRate', options.learningRate ?? 0.001, {
      min: 0,
      exclusiveMin: true,
    });
    this.beta1 = checkNumber('beta1', options.beta1 ?? 0.9, { min: 0, max: 0.999999999 });
    this.beta2 = checkNumber('beta2', options.beta2 ?? 0.999, { min: 0, max: 0.999999999 });
    this.epsilon = checkNumber('epsilon', options.epsilon ?? 1e-8, { min: 0, exclusiveMin: true });
    Object.assign(this.stepOptions, { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon });
  }

  step(params: FloatArray, grads: FloatArray): void {
    this.adamStep(params, grads, 0);
  }

  /** The Adam update, after θ ← θ·(1 − decay) when decay > 0 (AdamW). One loop over the buffers. */
  protected adamStep(params: FloatArray, grads: FloatArray, decay: number): void {
    const n = params.length;
    const m = (this.m = stateBuffer(this.m, n, 'm'));
    const v = (this.v = stateBuffer(this.v, n, 'v'));
    // the loop itself is kernels/optimizers.ts adamStep (WebAssembly when every buffer lives in the
    // kernels' memory); one options object per optimizer, so a step allocates nothing
    const o = this.stepOptions;
    o.step = ++this.stepCount;
    o.learningRate = this.learningRate;
    o.decay = decay;
    adamKernel(params, grads, m, v, o);
  }

  private readonly stepOptions: AdamStepOptions = {
    learningRate: 0,
    beta1: 0,
    beta2: 0,
    epsilon: 0,
    step: 0,
    decay: 0,
  };

  reset(): void {
    this.m = null;
    this.v = null;
    this.stepCount = 0;
  }

  state(): OptimizerState {
    return {
      name: this.name,
      step: this.stepCount,
      learningRate: this.learningRate,
      buffers: { m: bufferToJSON(this.m), v: bufferToJSON(this.v) },
    };
  }

  setState(state: OptimizerState): void {
    this.stepCount = checkState(state, this.name).step;
    this.learningRate = state.learningRate;
    this.m = bufferFromJSON(state, 'm');
    this.v = bufferFromJSON(state, 'v');
  }
}
