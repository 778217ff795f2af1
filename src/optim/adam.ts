// Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1):
//   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²,
//   m̂ = m / (1 − β1ᵗ),   v̂ = v / (1 − β2ᵗ),   θ ← θ − η·m̂ / (√v̂ + ε).
// Defaults from the paper, also PyTorch's and Keras's (Keras ε = 1e-7): η = 0.001, β1 = 0.9,
// β2 = 0.999, ε = 1e-8. AdamW (adamw.ts) adds decoupled weight decay to this same step.

import { adamStep as adamKernel, type AdamStepOptions, type FloatArray } from '../kernels/index.js';
import { BaseOptimizer, positive, readHyperParameters, type OptionsOf } from './optimizer.js';

export type AdamOptions = OptionsOf<typeof Adam.hyperParameters>;

export class Adam extends BaseOptimizer {
  static readonly hyperParameters = {
    /** η > 0; default 0.001 */
    learningRate: positive(0.001),
    /** β1 in [0, 1): decay of the gradient average; default 0.9 */
    beta1: { default: 0.9, min: 0, max: 0.999999999 },
    /** β2 in [0, 1): decay of the squared-gradient average; default 0.999 */
    beta2: { default: 0.999, min: 0, max: 0.999999999 },
    /** ε > 0; default 1e-8 */
    epsilon: positive(1e-8),
  };
  override readonly name: string = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** m[P]: first moment (average gradient) */
  readonly #m = this.stateBuffer('m');
  /** v[P]: second moment (average squared gradient) */
  readonly #v = this.stateBuffer('v');
  /** the kernel's options, one object per optimizer so that a step allocates nothing */
  readonly #stepOptions: AdamStepOptions;

  constructor(options: AdamOptions = {}) {
    const { learningRate, beta1, beta2, epsilon } = readHyperParameters(
      Adam.hyperParameters,
      options,
      new.target.hyperParameters, // AdamW's options too
    );
    super(learningRate);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.#stepOptions = { learningRate, beta1, beta2, epsilon, step: 0, decay: 0 };
  }

  step(params: FloatArray, grads: FloatArray): void {
    this.beginStep(params);
    this.updateRange(params, grads, 0, params.length);
  }

  /** (SplitOptimizer, optimizer.ts) The step's count (t) and the moments; updateRange then applies it to a range. */
  beginStep(params: FloatArray): void {
    this.#m.get(params.length, params);
    this.#v.get(params.length, params);
    this.stepCount++;
  }

  /** The Adam update of [from, to), after θ ← θ·(1 − η·decay) when decay > 0 (AdamW). One loop over the buffers. */
  updateRange(params: FloatArray, grads: FloatArray, from: number, to: number): void {
    const n = params.length;
    const m = this.#m.get(n, params);
    const v = this.#v.get(n, params);
    // the loop itself is kernels/optimizers.ts adamStep (WebAssembly when every buffer lives in the
    // kernels' memory)
    const o = this.#stepOptions;
    o.step = this.stepCount;
    o.learningRate = this.learningRate;
    o.decay = this.decoupledDecay;
    adamKernel(params, grads, m, v, o, from, to);
  }

  /** AdamW's decoupled weight decay λ (adamw.ts); 0 for Adam */
  protected get decoupledDecay(): number {
    return 0;
  }
}
