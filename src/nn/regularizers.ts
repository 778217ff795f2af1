// Weight penalties. Each built-in is ONE definition — a per-weight value and its derivative — from
// which both the penalty added to the cost and its gradient are produced, so the two cannot drift
// apart (the seed's bug: Σw in the cost, nothing in the gradient). Biases are never penalized.
//
// Convention, with m the number of examples in the batch the cost is computed on:
//   L2: cost (λ / 2m)·Σ w²,  gradient (λ / m)·w
//   L1: cost (λ / m)·Σ |w|,  gradient (λ / m)·sign(w)
// Our L2 λ is scikit-learn MLP's `alpha` exactly (it adds 0.5·alpha·‖W‖² / batch size), and equals
// TensorFlow.js `regularizers.l2({ l2 })` with l2 = λ / (2m) (TF.js adds l2·Σ w² to the mean loss).
// Our L1 λ equals TF.js `l1` with l1 = λ / m.

import { checkNumber } from '../errors.js';
import type { FloatArray } from '../kernels/index.js';

export interface Regularizer {
  readonly name: string;
  /** The penalty on one weight buffer, for a batch of m examples. */
  penalty(weight: FloatArray, m: number): number;
  /** Adds ∂penalty/∂weight into dWeight. */
  addGradient(dWeight: FloatArray, weight: FloatArray, m: number): void;
  /** Weights at which the gradient jumps (the gradient checker avoids them). */
  readonly kinks: readonly number[];
  readonly lambda: number;
}

interface Definition {
  /** the per-weight penalty, before the λ/m factor */
  value(w: number): number;
  /** its derivative */
  der(w: number): number;
  kinks: number[];
}

/** The penalties made here: a user-written Regularizer is never among them, even named 'l2'. */
const builtins = new WeakSet<Regularizer>();

/** Whether `r` is a built-in penalty (l2, l1), whose gradient is tested here and trusted elsewhere. */
export function isBuiltinRegularizer(r: Regularizer): boolean {
  return builtins.has(r);
}

function fromDefinition(name: string, lambda: number, def: Definition): Regularizer {
  const { value, der } = def;
  const regularizer: Regularizer = {
    name,
    lambda,
    kinks: def.kinks,
    penalty(weight, m) {
      let sum = 0;
      for (let i = 0; i < weight.length; i++) sum += value(weight[i]);
      return (lambda / m) * sum;
    },
    addGradient(dWeight, weight, m) {
      const scale = lambda / m;
      for (let i = 0; i < weight.length; i++) dWeight[i] += scale * der(weight[i]);
    },
  };
  builtins.add(regularizer);
  return regularizer;
}

/** L2 weight decay: cost (λ/2m)·Σw², gradient (λ/m)·w. */
export function l2(lambda: number): Regularizer {
  checkNumber('weightDecay (L2 λ)', lambda, { min: 0 });
  return fromDefinition('l2', lambda, { value: (w) => 0.5 * w * w, der: (w) => w, kinks: [] });
}

/** L1 penalty: cost (λ/m)·Σ|w|, gradient (λ/m)·sign(w). */
export function l1(lambda: number): Regularizer {
  checkNumber('l1 (L1 λ)', lambda, { min: 0 });
  return fromDefinition('l1', lambda, { value: Math.abs, der: Math.sign, kinks: [0] });
}
