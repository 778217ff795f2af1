// AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", Algorithm 2): Adam whose
// weight decay shrinks the parameters directly instead of entering the gradient, in PyTorch's form
// (torch.optim.AdamW):   θ ← θ·(1 − η·λ), then the Adam step (adam.ts).
// Defaults are PyTorch's: η = 0.001, λ = 0.01, β1 = 0.9, β2 = 0.999, ε = 1e-8 (Keras: λ = 0.004).
// Like torch.optim.AdamW given model.parameters(), the decay applies to every parameter, biases too.
// It is separate from the network's L2 penalty (`weightDecay` on Network), which enters the cost.

import { Adam } from './adam.js';
import { readHyperParameters, type OptionsOf } from './optimizer.js';

/** What AdamW adds to Adam's hyper-parameters. */
const decoupled = {
  /** λ ≥ 0, the decoupled decay rate per unit learning rate; default 0.01 */
  weightDecay: { default: 0.01, min: 0 },
};

export type AdamWOptions = OptionsOf<typeof AdamW.hyperParameters>;

export class AdamW extends Adam {
  static override readonly hyperParameters = { ...Adam.hyperParameters, ...decoupled };
  override readonly name: string = 'adamw';
  readonly weightDecay: number;

  constructor(options: AdamWOptions = {}) {
    super(options);
    this.weightDecay = readHyperParameters(decoupled, options, AdamW.hyperParameters).weightDecay;
  }

  // the step is Adam's with θ ← θ·(1 − η·λ) first (kernels/optimizers.ts adamStep's decay)
  protected override get decoupledDecay(): number {
    return this.weightDecay;
  }
}
