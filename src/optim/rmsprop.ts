// RMSprop (Hinton, Coursera "Neural Networks for Machine Learning", lecture 6e, 2012), in PyTorch's
// form (torch.optim.RMSprop, not centered, no momentum):
//   s ← α·s + (1 − α)·g²,   θ ← θ − η·g / (√s + ε).
// Defaults are PyTorch's: η = 0.01, α = 0.99, ε = 1e-8 (Keras: η = 0.001, ρ = 0.9, ε = 1e-7).

import type { FloatArray } from '../kernels/index.js';
import { BaseOptimizer, positive, readHyperParameters, type OptionsOf } from './optimizer.js';

export type RMSpropOptions = OptionsOf<typeof RMSprop.hyperParameters>;

export class RMSprop extends BaseOptimizer {
  static readonly hyperParameters = {
    /** η > 0; default 0.01 */
    learningRate: positive(0.01),
    /** α (Keras: rho), the decay of the squared-gradient average, in [0, 1); default 0.99 */
    alpha: { default: 0.99, min: 0, max: 0.999999999 },
    /** ε > 0 added to the root; default 1e-8 */
    epsilon: positive(1e-8),
  };
  override readonly name = 'rmsprop';
  readonly alpha: number;
  readonly epsilon: number;
  /** s[P]: running average of g² */
  readonly #square = this.stateBuffer('square');

  constructor(options: RMSpropOptions = {}) {
    const { learningRate, alpha, epsilon } = readHyperParameters(RMSprop.hyperParameters, options);
    super(learningRate);
    this.alpha = alpha;
    this.epsilon = epsilon;
  }

  step(params: FloatArray, grads: FloatArray): void {
    const s = this.#square.get(params.length);
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
}
