// Adagrad (Duchi, Hazan & Singer 2011, "Adaptive Subgradient Methods…", JMLR 12), in PyTorch's form
// (torch.optim.Adagrad, no lr decay, initial accumulator 0):
//   G ← G + g²,   θ ← θ − η·g / (√G + ε).
// Defaults are PyTorch's: η = 0.01, ε = 1e-10 (Keras: η = 0.001, initial accumulator 0.1, ε = 1e-7).

import type { FloatArray } from '../kernels/index.js';
import { BaseOptimizer, positive, readHyperParameters, type OptionsOf } from './optimizer.js';

export type AdagradOptions = OptionsOf<typeof Adagrad.hyperParameters>;

export class Adagrad extends BaseOptimizer {
  static readonly hyperParameters = {
    /** η > 0; default 0.01 */
    learningRate: positive(0.01),
    /** ε > 0 added to the root; default 1e-10 */
    epsilon: positive(1e-10),
  };
  override readonly name = 'adagrad';
  readonly epsilon: number;
  /** G[P]: the sum of every g² so far */
  readonly #sum = this.stateBuffer('sum');

  constructor(options: AdagradOptions = {}) {
    const { learningRate, epsilon } = readHyperParameters(Adagrad.hyperParameters, options);
    super(learningRate);
    this.epsilon = epsilon;
  }

  step(params: FloatArray, grads: FloatArray): void {
    const G = this.#sum.get(params.length);
    const lr = this.learningRate;
    const eps = this.epsilon;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i];
      G[i] += g * g;
      params[i] -= (lr * g) / (Math.sqrt(G[i]) + eps);
    }
    this.stepCount++;
  }
}
