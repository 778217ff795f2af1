// Plain gradient descent: θ ← θ − η·g. With the whole training set as one batch this is the
// seed's full-batch gradient descent; with mini-batches it is stochastic gradient descent.
// Default η = 0.01, as Keras's SGD (PyTorch's torch.optim.SGD has lr 1e-3).

import { sgdStep, type FloatArray } from '../kernels/index.js';
import { BaseOptimizer, positive, readHyperParameters, type OptionsOf } from './optimizer.js';

export type SGDOptions = OptionsOf<typeof SGD.hyperParameters>;

export class SGD extends BaseOptimizer {
  static readonly hyperParameters = {
    /** η > 0; default 0.01 */
    learningRate: positive(0.01),
  };
  override readonly name = 'sgd';

  constructor(options: SGDOptions = {}) {
    super(readHyperParameters(SGD.hyperParameters, options).learningRate);
  }

  step(params: FloatArray, grads: FloatArray): void {
    this.beginStep();
    this.updateRange(params, grads, 0, params.length);
  }

  /** (SplitOptimizer, optimizer.ts) The step's count; updateRange then applies it to a range. */
  beginStep(): void {
    this.stepCount++;
  }

  updateRange(params: FloatArray, grads: FloatArray, from: number, to: number): void {
    sgdStep(params, grads, this.learningRate, from, to); // params[i] −= η·grads[i], in kernels/optimizers.ts
  }
}
