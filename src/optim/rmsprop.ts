// RMSprop (Hinton, Coursera "Neural Networks for Machine Learning", lecture 6e, 2012), in PyTorch's
// form (torch.optim.RMSprop, not centered, no momentum):
//   s ← α·s + (1 − α)·g²,   θ ← θ − η·g / (√s + ε).
// Defaults are PyTorch's: η = 0.01, α = 0.99, ε = 1e-8 (Keras: η = 0.001, ρ = 0.9, ε = 1e-7).

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

export interface RMSpropOptions {
  learningRate?: number;
  /** α (Keras: rho), the decay of the squared-gradient average, in [0, 1); default 0.99 */
  alpha?: number;
  /** ε > 0 added to the root; default 1e-8 */
  epsilon?: number;
}

export class RMSprop implements Optimizer {
  readonly name = 'rmsprop';
  learningRate: number;
  readonly alpha: number;
  readonly epsilon: number;
  stepCount = 0;
  /** s[P]: running average of g² */
  private square: Float64Array | null = null;

  constructor(options: RMSpropOptions = {}) {
    this.learningRate = checkNumber('learningRate', options.learningRate ?? 0.01, {
      min: 0,
      exclusiveMin: true,
    });
    this.alpha = checkNumber('alpha', options.alpha ?? 0.99, { min: 0, max: 0.999999999 });
    this.epsilon = checkNumber('epsilon', options.epsilon ?? 1e-8, { min: 0, exclusiveMin: true });
  }

  step(params: FloatArray, grads: FloatArray): void {
    const s = (this.square = stateBuffer(this.square, params.length, 'square'));
    const lr = this.learningRate;
    const a = this.alpha;
    const eps = this.epsilon;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i];
      s[i] = a * s[i] + (1 - a) * g * g;
      params[i] -= (lr * g) / (Math.sqrt(s[i]) + eps);
    }
    this.stepCount++;
  }

  reset(): void {
    this.square = null;
    this.stepCount = 0;
  }

  state(): OptimizerState {
    return {
      name: this.name,
      step: this.stepCount,
      learningRate: this.learningRate,
      buffers: { square: bufferToJSON(this.square) },
    };
  }

  setState(state: OptimizerState): void {
    this.stepCount = checkState(state, this.name).step;
    this.learningRate = state.learningRate;
    this.square = bufferFromJSON(state, 'square');
  }
}
