// Gradient descent with (heavy-ball) momentum, Polyak 1964, in PyTorch's form (torch.optim.SGD with
// momentum μ, dampening 0):   v ← μ·v + g,   θ ← θ − η·v.   (Keras writes v ← μv − ηg, θ ← θ + v,
// which is the same for a constant η.) Defaults: η = 0.01 (Keras), μ = 0.9 (the usual choice).

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

export interface MomentumOptions {
  learningRate?: number;
  /** μ in [0, 1); default 0.9 */
  momentum?: number;
}

export class Momentum implements Optimizer {
  readonly name: string = 'momentum';
  learningRate: number;
  readonly momentum: number;
  stepCount = 0;
  /** v[P]: the running sum of gradients */
  protected velocity: Float64Array | null = null;

  constructor(options: MomentumOptions = {}) {
    this.learningRate = checkNumber('learningRate', options.learningRate ?? 0.01, {
      min: 0,
      exclusiveMin: true,
    });
    this.momentum = checkNumber('momentum', options.momentum ?? 0.9, { min: 0, max: 0.999999 });
  }

  step(params: FloatArray, grads: FloatArray): void {
    const v = (this.velocity = stateBuffer(this.velocity, params.length, 'velocity'));
    const lr = this.learningRate;
    const mu = this.momentum;
    for (let i = 0; i < params.length; i++) {
      v[i] = mu * v[i] + grads[i];
      params[i] -= lr * v[i];
    }
    this.stepCount++;
  }

  reset(): void {
    this.velocity = null;
    this.stepCount = 0;
  }

  state(): OptimizerState {
    return {
      name: this.name,
      step: this.stepCount,
      learningRate: this.learningRate,
      buffers: { velocity: bufferToJSON(this.velocity) },
    };
  }

  setState(state: OptimizerState): void {
    this.stepCount = checkState(state, this.name).step;
    this.learningRate = state.learningRate;
    this.velocity = bufferFromJSON(state, 'velocity');
  }
}
