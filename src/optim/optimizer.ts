// The optimizer interface: one step() over the flat parameter and gradient buffers.
// Optimizers know nothing of layers; they keep whatever state they need (velocities, moments)
// in buffers of the same length, made on the first step.

import type { FloatArray } from '../kernels/index.js';

export interface Optimizer {
  readonly name: string;
  /** The current learning rate (a schedule may change it between steps). */
  learningRate: number;
  /** params ← params − update(grads). */
  step(params: FloatArray, grads: FloatArray): void;
  /** Forgets accumulated state (moments, step count). */
  reset(): void;
}
