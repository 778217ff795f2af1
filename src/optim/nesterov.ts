// Nesterov momentum (Nesterov 1983; for deep learning Sutskever et al. 2013), in PyTorch's form
// (torch.optim.SGD with nesterov=True):   v ← μ·v + g,   θ ← θ − η·(g + μ·v).
// The step looks ahead along the new velocity. Defaults, as momentum's: η = 0.01, μ = 0.9.

import type { FloatArray } from '../kernels/index.js';
import { Momentum, type MomentumOptions } from './momentum.js';

export type NesterovOptions = MomentumOptions;

export class Nesterov extends Momentum {
  override readonly name: string = 'nesterov';

  override step(params: FloatArray, grads: FloatArray): void {
    const v = this.velocity.get(params.length);
    const lr = this.learningRate;
    const mu = this.momentum;
    for (let i = 0; i < params.length; i++) {
      v[i] = mu * v[i] + grads[i];
      params[i] -= lr * (grads[i] + mu * v[i]);
    }
    this.stepCount++;
  }
}
