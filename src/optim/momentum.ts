// Gradient descent with (heavy-ball) momentum, Polyak 1964, in PyTorch's form (torch.optim.SGD with
// momentum μ, dampening 0):   v ← μ·v + g,   θ ← θ − η·v.   (Keras writes v ← μv − ηg, θ ← θ + v,
// which is the same for a constant η.) Defaults: η = 0.01 (Keras), μ = 0.9 (the usual choice).

import { type FloatArray, momentumStep } from '../kernels/index.js';
import { BaseOptimizer, positive, readHyperParameters, type OptionsOf } from './optimizer.js';

export type MomentumOptions = OptionsOf<typeof Momentum.hyperParameters>;

export class Momentum extends BaseOptimizer {
  static readonly hyperParameters = {
    /** η > 0; default 0.01 */
    learningRate: positive(0.01),
    /** μ in [0, 1); default 0.9 */
    momentum: { default: 0.9, min: 0, max: 0.999999 },
  };
  override readonly name: string = 'momentum';
  readonly momentum: number;
  /** v[P]: the running sum of gradients */
  protected readonly velocity = this.stateBuffer('velocity');

  constructor(options: MomentumOptions = {}) {
    const { learningRate, momentum } = readHyperParameters(
      Momentum.hyperParameters,
      options,
      new.target.hyperParameters, // a subclass's options too
    );
    super(learningRate);
    this.momentum = momentum;
  }

  step(params: FloatArray, grads: FloatArray): void {
    this.beginStep(params);
    this.updateRange(params, grads, 0, params.length);
  }

  /** (SplitOptimizer, optimizer.ts) The step's count and the velocity; updateRange then applies it to a range. */
  beginStep(params: FloatArray): void {
    this.velocity.get(params.length, params);
    this.stepCount++;
  }

  updateRange(params: FloatArray, grads: FloatArray, from: number, to: number): void {
    const v = this.velocity.get(params.length, params);
    // the loop is kernels/optimizers.ts momentumStep (WebAssembly when every buffer is resident)
    momentumStep(params, grads, v, this.learningRate, this.momentum, this.nesterov, from, to);
  }

  /** Nesterov's look-ahead (nesterov.ts) */
  protected get nesterov(): boolean {
    return false;
  }
}
