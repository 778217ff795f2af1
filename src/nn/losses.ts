// Loss functions, each with its value and its gradient side by side. Values are means: over all
// elements for mse, mae, huber and binaryCrossEntropy; over examples (rows) for softmaxCrossEntropy,
// whose row is a whole distribution. The cross-entropies take logits (pre-activations) and are
// written in log-sum-exp form, so they stay finite for logits of ±1000.
// With per-row weights w (sample × class weights) each value is the weighted mean Σ wᵣ·ℓᵣ / Σ wᵣ of
// the rows' losses ℓᵣ (a row's mean over its columns), as scikit-learn and Keras weight; without
// weights the original unweighted loops run unchanged (bit-identical training).

import { checkNumber, DataError, ShapeError, unknownName } from '../errors.js';
import type { FloatArray } from '../kernels/index.js';
import { sigmoidValue, type ActivationName } from './activations.js';

export type LossName = 'mse' | 'mae' | 'huber' | 'binaryCrossEntropy' | 'softmaxCrossEntropy';
export type LossSpec = LossName | { name: 'huber'; delta?: number };

export interface Loss {
  readonly name: LossName;
  readonly spec: LossSpec;
  /**
   * Set for losses computed from logits: the output activation they absorb. With that activation
   * (or linear) on the output layer, the network hands the loss the pre-activations z.
   */
  readonly logitsOf?: ActivationName;
  /** 'regression' losses compare values; 'classification' ones compare labels or probabilities. */
  readonly kind: 'regression' | 'classification';
  /**
   * The mean loss of predictions p[rows×cols] against targets t[rows×cols]; with weights w[rows],
   * the weighted mean Σ wᵣ·ℓᵣ / Σ wᵣ (0 when Σ wᵣ = 0).
   */
  value(p: FloatArray, t: FloatArray, rows: number, cols: number, w?: ArrayLike<number>): number;
  /** dP = ∂value/∂p (the 1/m of the mean, or the wᵣ / Σ w of the weighted mean, included). */
  gradient(
    dP: FloatArray,
    p: FloatArray,
    t: FloatArray,
    rows: number,
    cols: number,
    w?: ArrayLike<number>,
  ): void;
  /** true when value and gradient honour per-row weights (every built-in loss); fit refuses weights otherwise */
  readonly weighted?: boolean;
  /** Predictions p at which the gradient jumps, for target t (the gradient checker avoids them). */
  kinks(t: number): number[];
  /** Checks targets are valid for this loss; throws a DataError naming the argument, row and column. */
  checkTargets?(t: FloatArray, rows: number, cols: number, argument?: string): void;
}

/** The losses this file's factories made: a user-written Loss is never among them, even under a built-in's name. */
const builtins = new WeakSet<Loss>();

/** Whether `loss` is one of the built-in losses (the gradient checker and doctor trust them). */
export function isBuiltinLoss(loss: Loss): boolean {
  return builtins.has(loss);
}

function registered(loss: Loss): Loss {
  builtins.add(loss);
  return loss;
}

/** Σ w (the denominator of a weighted mean). */
export function weightSum(w: ArrayLike<number>, rows: number): number {
  let sum = 0;
  for (let r = 0; r < rows; r++) sum += w[r];
  return sum;
}

/**
 * Σᵣ wᵣ·(1/cols)·Σ_c f(p, t) / Σ wᵣ: the weighted mean of an element-wise loss f (its rows' means
 * over the columns, weighted). 0 when every weight is 0.
 */
function weightedMean(
  f: (p: number, t: number) => number,
  p: FloatArray,
  t: FloatArray,
  rows: number,
  cols: number,
  w: ArrayLike<number>,
): number {
  const total = weightSum(w, rows);
  if (total === 0) return 0;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    let row = 0;
    for (let c = 0; c < cols; c++) row += f(p[r * cols + c], t[r * cols + c]);
    sum += w[r] * row;
  }
  return sum / (cols * total);
}

/** dP of weightedMean: wᵣ / (cols·Σ w) · f'(p, t), f' the element-wise derivative df/dp. */
function weightedGradient(
  df: (p: number, t: number) => number,
  dP: FloatArray,
  p: FloatArray,
  t: FloatArray,
  rows: number,
  cols: number,
  w: ArrayLike<number>,
): void {
  const total = weightSum(w, rows);
  for (let r = 0; r < rows; r++) {
    const scale = total === 0 ? 0 : w[r] / (cols * total);
    for (let c = 0; c < cols; c++) dP[r * cols + c] = scale * df(p[r * cols + c], t[r * cols + c]);
  }
}

/** Mean squared error: mean of (p − t)². */
export function mse(): Loss {
  return registered({
    name: 'mse',
    spec: 'mse',
    kind: 'regression',
    weighted: true,
    value(p, t, rows, cols, w) {
      if (w) return weightedMean((a, b) => (a - b) * (a - b), p, t, rows, cols, w);
      const n = rows * cols;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const d = p[i] - t[i];
        sum += d * d;
      }
      return sum / n;
    },
    gradient(dP, p, t, rows, cols, w) {
      if (w) return weightedGradient((a, b) => 2 * (a - b), dP, p, t, rows, cols, w);
      const n = rows * cols;
      const scale = 2 / n;
      for (let i = 0; i < n; i++) dP[i] = scale * (p[i] - t[i]);
    },
    kinks: () => [],
  });
}

/** Mean absolute error: mean of |p − t|; its gradient is sign(p − t) (0 at p = t). */
export function mae(): Loss {
  return registered({
    name: 'mae',
    spec: 'mae',
    kind: 'regression',
    weighted: true,
    value(p, t, rows, cols, w) {
      if (w) return weightedMean((a, b) => Math.abs(a - b), p, t, rows, cols, w);
      const n = rows * cols;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += Math.abs(p[i] - t[i]);
      return sum / n;
    },
    gradient(dP, p, t, rows, cols, w) {
      if (w) return weightedGradient((a, b) => Math.sign(a - b), dP, p, t, rows, cols, w);
      const n = rows * cols;
      for (let i = 0; i < n; i++) dP[i] = Math.sign(p[i] - t[i]) / n;
    },
    kinks: (t) => [t],
  });
}

/** Huber loss (Huber 1964): ½d² for |d| ≤ delta, delta·(|d| − ½delta) beyond; d = p − t. */
export function huber(delta = 1): Loss {
  checkNumber('huber delta', delta, { min: 0, exclusiveMin: true });
  const element = (p: number, t: number) => {
    const d = Math.abs(p - t);
    return d <= delta ? 0.5 * d * d : delta * (d - 0.5 * delta);
  };
  const derivative = (p: number, t: number) => {
    const d = p - t;
    return d > delta ? delta : d < -delta ? -delta : d;
  };
  return registered({
    name: 'huber',
    spec: delta === 1 ? 'huber' : { name: 'huber', delta },
    kind: 'regression',
    weighted: true,
    value(p, t, rows, cols, w) {
      if (w) return weightedMean(element, p, t, rows, cols, w);
      const n = rows * cols;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.abs(p[i] - t[i]);
        sum += d <= delta ? 0.5 * d * d : delta * (d - 0.5 * delta);
      }
      return sum / n;
    },
    gradient(dP, p, t, rows, cols, w) {
      if (w) return weightedGradient(derivative, dP, p, t, rows, cols, w);
      const n = rows * cols;
      for (let i = 0; i < n; i++) {
        const d = p[i] - t[i];
        dP[i] = (d > delta ? delta : d < -delta ? -delta : d) / n;
      }
    },
    // the first derivative is continuous; the second jumps at |d| = delta
    kinks: (t) => [t - delta, t + delta],
  });
}

/**
 * Binary cross-entropy from logits z, targets t in [0, 1]: mean of
 * −t·log σ(z) − (1 − t)·log(1 − σ(z)) = max(z, 0) − z·t + log(1 + e^−|z|)   (no overflow, no log 0).
 * Gradient: (σ(z) − t) / n.
 */
/** One element of binaryCrossEntropy: max(z, 0) − z·t + log(1 + e^−|z|). */
function logisticLoss(z: number, t: number): number {
  return Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
}

export function binaryCrossEntropy(): Loss {
  return registered({
    name: 'binaryCrossEntropy',
    spec: 'binaryCrossEntropy',
    kind: 'classification',
    logitsOf: 'sigmoid',
    weighted: true,
    value(z, t, rows, cols, w) {
      if (w) return weightedMean(logisticLoss, z, t, rows, cols, w);
      const n = rows * cols;
      let sum = 0;
      for (let i = 0; i < n; i++)
        sum += Math.max(z[i], 0) - z[i] * t[i] + Math.log1p(Math.exp(-Math.abs(z[i])));
      return sum / n;
    },
    gradient(dZ, z, t, rows, cols, w) {
      if (w) return weightedGradient((a, b) => sigmoidValue(a) - b, dZ, z, t, rows, cols, w);
      const n = rows * cols;
      for (let i = 0; i < n; i++) dZ[i] = (sigmoidValue(z[i]) - t[i]) / n;
    },
    kinks: () => [],
    checkTargets(t, rows, cols, argument = 'y') {
      for (let i = 0; i < rows * cols; i++) {
        if (!(t[i] >= 0 && t[i] <= 1)) {
          const r = Math.floor(i / cols),
            c = i % cols;
          throw new DataError(
            `binaryCrossEntropy needs targets in [0, 1], but ${argument}[${r}][${c}] is ${t[i]}`,
            argument,
            r,
            c,
          );
        }
      }
    },
  });
}

/**
 * Softmax cross-entropy from logits z[rows×classes], targets t one-hot (or any distribution) per row:
 * mean over rows of Σ_j t_j·(logsumexp(z) − z_j), with logsumexp shifted by the row's max.
 * Gradient: (softmax(z)·Σ_j t_j − t) / rows.
 */
export function softmaxCrossEntropy(): Loss {
  return registered({
    name: 'softmaxCrossEntropy',
    spec: 'softmaxCrossEntropy',
    kind: 'classification',
    logitsOf: 'softmax',
    weighted: true,
    value(z, t, rows, cols, w) {
      if (w) return weightedSoftmaxValue(z, t, rows, cols, w);
      let total = 0;
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        const lse = logSumExp(z, o, cols);
        for (let c = 0; c < cols; c++) if (t[o + c] !== 0) total += t[o + c] * (lse - z[o + c]);
      }
      return total / rows;
    },
    gradient(dZ, z, t, rows, cols, w) {
      // weighted: row r's share is wᵣ / Σ w, i.e. divided by Σ w / wᵣ (by ∞, giving 0, when Σ w = 0)
      const total = w ? weightSum(w, rows) : rows;
      const divisor = (r: number) => (!w ? rows : total === 0 ? Infinity : total / w[r]);
      for (let r = 0; r < rows; r++) softmaxRowGradient(dZ, z, t, r * cols, cols, divisor(r));
    },
    kinks: () => [],
    checkTargets(t, rows, cols, argument = 'y') {
      if (cols < 2) {
        throw new ShapeError(
          `softmaxCrossEntropy needs at least 2 target columns in ${argument} (one per class, one-hot)`,
          argument,
        );
      }
      for (let i = 0; i < rows * cols; i++) {
        if (!(t[i] >= 0 && t[i] <= 1)) {
          const r = Math.floor(i / cols),
            c = i % cols;
          throw new DataError(
            `softmaxCrossEntropy needs one-hot targets in [0, 1], but ${argument}[${r}][${c}] is ${t[i]}`,
            argument,
            r,
            c,
          );
        }
      }
    },
  });
}

/** log Σ_c e^{z_c} over one row (z from offset o), shifted by the row's max. */
function logSumExp(z: FloatArray, o: number, cols: number): number {
  let max = -Infinity;
  for (let c = 0; c < cols; c++) if (z[o + c] > max) max = z[o + c];
  let sum = 0;
  for (let c = 0; c < cols; c++) sum += Math.exp(z[o + c] - max);
  return max + Math.log(sum);
}

/** One row's gradient (softmax(z)·Σ_j t_j − t) / divisor, z, t and dZ from offset o. */
function softmaxRowGradient(
  dZ: FloatArray,
  z: FloatArray,
  t: FloatArray,
  o: number,
  cols: number,
  divisor: number,
) {
  let max = -Infinity;
  let mass = 0;
  for (let c = 0; c < cols; c++) {
    if (z[o + c] > max) max = z[o + c];
    mass += t[o + c];
  }
  let sum = 0;
  for (let c = 0; c < cols; c++) sum += dZ[o + c] = Math.exp(z[o + c] - max);
  for (let c = 0; c < cols; c++) dZ[o + c] = ((dZ[o + c] / sum) * mass - t[o + c]) / divisor;
}

/** softmaxCrossEntropy's weighted mean Σ wᵣ·ℓᵣ / Σ wᵣ, ℓᵣ = Σ_c t_c·(logsumexp(z) − z_c). */
function weightedSoftmaxValue(
  z: FloatArray,
  t: FloatArray,
  rows: number,
  cols: number,
  w: ArrayLike<number>,
) {
  const total = weightSum(w, rows);
  if (total === 0) return 0;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    if (w[r] === 0) continue;
    const o = r * cols;
    const lse = logSumExp(z, o, cols);
    let row = 0;
    for (let c = 0; c < cols; c++) if (t[o + c] !== 0) row += t[o + c] * (lse - z[o + c]);
    sum += w[r] * row;
  }
  return sum / total;
}

const factories: Record<LossName, (delta?: number) => Loss> = {
  mse,
  mae,
  huber,
  binaryCrossEntropy,
  softmaxCrossEntropy,
};

export const lossNames = Object.keys(factories) as LossName[];

export function getLoss(spec: LossSpec | Loss, option = 'loss'): Loss {
  if (typeof spec === 'object' && spec !== null && 'value' in spec) return spec;
  const name = typeof spec === 'string' ? spec : spec?.name;
  if (typeof name !== 'string' || !Object.hasOwn(factories, name)) {
    return unknownName('loss', name ?? spec, lossNames, option);
  }
  return factories[name as LossName](typeof spec === 'object' ? spec.delta : undefined);
}
