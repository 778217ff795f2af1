// Adagrad (Duchi, Hazan & Singer 2011, "Adaptive Subgradient Methods…", JMLR 12), in PyTorch's form
// (torch.optim.Adagrad, no lr decay, initial accumulator 0):
//   G ← G + g²,   θ ← θ − η·g / (√G + ε).
// Defaults are PyTorch's: η = 0.01, ε = 1e-10 (Keras: η = 0.001, initial accumulator 0.1, ε = 1e-7).

import { checkNumber } from '../errors.js';
import type { FloatArray } from '../kernels/index.js';
import {
  bufferFromJSON,
  bufferToJSON,
  checkState,
  stateBuffer,
  type Optimizer,
  type OptimizerState,
} from './optimizer.js';

export interface AdagradOptions {
  learningRate?: number;
  /** ε > 0 added to the root; default 1e-10 */
  epsilon?: number;
}

export class Adagrad implements Optimizer {
  readonly name = 'adagrad';
  learningRate: number;
  readonly epsilon: number;
  stepCount = 0;
  /** G[P]: the sum of every g² so far */
  private sum: Float64Array | null = null;

  constructor(options: AdagradOptions = {}) {
    this.learningRate = checkNumber('learningRate', options.learningRate ?? 0.01, {
      min: 0,
      exclusiveMin: true,
    });
    this.epsilon = checkNumber('epsilon', options.epsilon ?? 1e-10, { min: 0, exclusiveMin: true });
  }

  step(params: FloatArray, grads: FloatArray): void {
    const G = (this.sum = stateBuffer(this.sum, params.length, 'sum'));
    const lr = this.learningRate;
    const eps = this.epsilon;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i];
      G[i] += g * g;
      params[i] -= (lr * g) / (Math.sqrt(G[i]) + eps);
    }
    this.stepCount++;
  }

  reset(): void {
    this.sum = null;
    this.stepCount = 0;
  }

  state(): OptimizerState {
    return {
      name: this.name,
      step: this.stepCount,
      learningRate: this.learningRate,
      buffers: { sum: bufferToJSON(this.sum) },
    };
  }

  setState(state: OptimizerState): void {
    this.stepCount = checkState(state, this.name).step;
    this.learningRate = state.learningRate;
    this.sum = bufferFromJSON(state, 'sum');
  }
}
