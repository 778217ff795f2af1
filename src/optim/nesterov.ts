// Nesterov momentum (Nesterov 1983; for deep learning Sutskever et al. 2013), in PyTorch's form
// (torch.optim.SGD with nesterov=True):   v ← μ·v + g,   θ ← θ − η·(g + μ·v).
// The step looks ahead along the new velocity. Defaults, as momentum's: η = 0.01, μ = 0.9.

import { Momentum, type MomentumOptions } from './momentum.js';

export type NesterovOptions = MomentumOptions;

export class Nesterov extends Momentum {
  override readonly name: string = 'nesterov';

  // the step is Momentum's with the look-ahead: kernels/optimizers.ts momentumStep(…, nesterov = true)
  protected override get nesterov(): boolean {
    return true;
  }
}
