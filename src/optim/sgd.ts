// Plain gradient descent: θ ← θ − η·g. With the whole training set as one batch this is the
// seed's full-batch gradient descent; with mini-batches it is stochastic gradient descent.

import { checkNumber } from '../errors.js';
import type { FloatArray } from '../kernels/index.js';
import type { Optimizer } from './optimizer.js';

export interface SGDOptions {
  learningRate?: number;
}

export class SGD implements Optimizer {
  readonly name = 'sgd';
  learningRate: number;

  constructor(options: SGDOptions = {}) {
    this.learningRate = checkNumber('learningRate', options.learningRate ?? 0.01, { min: 0, exclusiveMin: true });
  }

  step(params: FloatArray, grads: FloatArray): void {
    const lr = this.learningRate;
    for (let i = 0; i < params.length; i++) params[i] -= lr * grads[i];
  }

  reset(): void {}
}
