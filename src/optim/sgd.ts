// Plain gradient descent: θ ← θ − η·g. With the whole training set as one batch this is the
// seed's full-batch gradient descent; with mini-batches it is stochastic gradient descent.
// Default η = 0.01, as Keras's SGD (PyTorch's torch.optim.SGD has lr 1e-3).

import { checkNumber } from '../errors.js';
import { sgdStep, type FloatArray } from '../kernels/index.js';
import { checkState, type Optimizer, type OptimizerState } from './optimizer.js';

export interface SGDOptions {
  learningRate?: number;
}

export class SGD implements Optimizer {
  readonly name = 'sgd';
  learningRate: number;
  stepCount = 0;

  constructor(options: SGDOptions = {}) {
    this.learningRate = checkNumber('learningRate', options.learningRate ?? 0.01, {
      min: 0,
      exclusiveMin: true,
    });
  }

  step(params: FloatArray, grads: FloatArray): void {
    sgdStep(params, grads, this.learningRate); // params[i] −= η·grads[i], in kernels/optimizers.ts
    this.stepCount++;
  }

  reset(): void {
    this.stepCount = 0;
  }

  state(): OptimizerState {
    return { name: this.name, step: this.stepCount, learningRate: this.learningRate, buffers: {} };
  }

  setState(state: OptimizerState): void {
    this.stepCount = checkState(state, this.name).step;
    this.learningRate = state.learningRate;
  }
}
