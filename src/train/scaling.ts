// Standardization (z-scores), as scikit-learn's StandardScaler: per column, x' = (x − mean) / std
// with the population std (divide by n). Fitted on the training rows only, stored on the network
// (Network.scaling) and applied by predict(). A constant column (std 0) gets std 1, so it maps to 0
// instead of dividing by zero — scikit-learn does the same.

import type { DType, Matrix } from '../matrix.js';
import { zeros } from '../matrix.js';
import type { Scaling } from '../nn/network.js';
import { columnMeans } from './metrics.js';

export type { Scaling };

/**
 * Mean and population std of each column; std 1 for constant columns. Columns whose squares could
 * overflow (max |x| ≥ 1e150 / √rows) are computed on values divided by their largest magnitude, two
 * passes (mean, then centred squares), and scaled back: a cell of 1e300 gives a finite mean and std
 * instead of an infinite std. Other columns keep the plain two-pass arithmetic, bit for bit.
 */
export function columnStats(m: Matrix): { mean: number[]; std: number[] } {
  const mean = columnMeans(m);
  const variance = new Float64Array(m.cols);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) variance[c] += (m.data[r * m.cols + c] - mean[c]) ** 2;
  }
  const std = Array.from(variance, (v) => {
    const s = Math.sqrt(v / m.rows);
    return s > 0 && Number.isFinite(s) ? s : 1;
  });
  const safe = 1e150 / Math.sqrt(Math.max(1, m.rows));
  for (let c = 0; c < m.cols; c++) {
    const big = maxAbs(m, c);
    if (big >= safe && Number.isFinite(big)) [mean[c], std[c]] = scaledStats(m, c, big);
  }
  return { mean: Array.from(mean), std };
}

/** The largest |value| of column c. */
export function maxAbs(m: Matrix, c: number): number {
  let big = 0;
  for (let r = 0; r < m.rows; r++) big = Math.max(big, Math.abs(m.data[r * m.cols + c]));
  return big;
}

/** Column c's mean and Σ(x − mean)², both of the values divided by `unit` (two passes). */
export function columnMoments(m: Matrix, c: number, unit: number): [number, number] {
  let sum = 0;
  for (let r = 0; r < m.rows; r++) sum += m.data[r * m.cols + c] / unit;
  const mean = sum / m.rows;
  let squares = 0;
  for (let r = 0; r < m.rows; r++) squares += (m.data[r * m.cols + c] / unit - mean) ** 2;
  return [mean, squares];
}

/** Mean and std of column c computed on values / scale (all within [−1, 1]), then multiplied back. */
function scaledStats(m: Matrix, c: number, scale: number): [number, number] {
  const [mean, squares] = columnMoments(m, c, scale);
  const std = Math.sqrt(squares / m.rows) * scale;
  return [mean * scale, std > 0 && Number.isFinite(std) ? std : 1];
}

/**
 * Fits a Scaling to training inputs (and, when given, regression targets). Inputs listed in `unscaled`
 * (column indices, e.g. 0/1 indicators) get mean 0 / std 1: they enter the network as they are.
 */
export function fitScaling(x: Matrix, y?: Matrix, unscaled: readonly number[] = []): Scaling {
  const xs = columnStats(x);
  for (const c of unscaled) [xs.mean[c], xs.std[c]] = [0, 1];
  const scaling: Scaling = { inputMean: xs.mean, inputStd: xs.std };
  if (y) {
    const ys = columnStats(y);
    scaling.targetMean = ys.mean;
    scaling.targetStd = ys.std;
  }
  return scaling;
}

/** (m − mean) / std per column, as a new matrix. */
export function standardize(
  m: Matrix,
  mean: readonly number[],
  std: readonly number[],
  dtype: DType = 'float64',
): Matrix {
  const out = zeros(m.rows, m.cols, dtype);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) out.data[r * m.cols + c] = (m.data[r * m.cols + c] - mean[c]) / std[c];
  }
  return out;
}

/** m·std + mean per column, as a new matrix (the inverse of standardize). */
export function unstandardize(
  m: Matrix,
  mean: readonly number[],
  std: readonly number[],
  dtype: DType = 'float64',
): Matrix {
  const out = zeros(m.rows, m.cols, dtype);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) out.data[r * m.cols + c] = m.data[r * m.cols + c] * std[c] + mean[c];
  }
  return out;
}

/**
 * Inputs in the network's training space: scaled into a new matrix when the network has a scaling —
 * or, `inPlace`, over x's own values (x already in `dtype` and not needed unscaled afterwards); else
 * x itself when already in `dtype` (callers pass rows they own and nobody writes to), else a copy.
 */
export function scaleInputs(
  scaling: Scaling | null | undefined,
  x: Matrix,
  dtype: DType,
  inPlace = false,
): Matrix {
  if (!scaling) return inDtype(x, dtype);
  if (inPlace && inDtype(x, dtype) === x) return standardizeInPlace(x, scaling.inputMean, scaling.inputStd);
  return standardize(x, scaling.inputMean, scaling.inputStd, dtype);
}

/** (m − mean) / std per column over m's own values: standardize's arithmetic, without a second matrix. */
function standardizeInPlace(m: Matrix, mean: readonly number[], std: readonly number[]): Matrix {
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) m.data[r * m.cols + c] = (m.data[r * m.cols + c] - mean[c]) / std[c];
  }
  return m;
}

/** Targets in the network's training space: as scaleInputs, scaled when the network scales targets. */
export function scaleTargets(scaling: Scaling | null | undefined, y: Matrix, dtype: DType): Matrix {
  if (scaling?.targetMean && scaling.targetStd)
    return standardize(y, scaling.targetMean, scaling.targetStd, dtype);
  return inDtype(y, dtype);
}

/** m itself when its values are already of `dtype`, else a converted copy. */
function inDtype(m: Matrix, dtype: DType): Matrix {
  if (m.data instanceof (dtype === 'float32' ? Float32Array : Float64Array)) return m;
  const out = zeros(m.rows, m.cols, dtype);
  out.data.set(m.data);
  return out;
}

/** Whether two scalings hold the same numbers, bit for bit (so that they scale rows identically). */
export function sameScaling(a: Scaling, b: Scaling): boolean {
  const same = (p?: readonly number[], q?: readonly number[]) =>
    p === q || (!!p && !!q && p.length === q.length && p.every((v, i) => Object.is(v, q[i])));
  return (['inputMean', 'inputStd', 'targetMean', 'targetStd'] as const).every((k) => same(a[k], b[k]));
}

/** Network outputs back in original units. */
export function unscaleOutputs(scaling: Scaling | null | undefined, out: Matrix, dtype: DType): Matrix {
  if (scaling?.targetMean && scaling.targetStd)
    return unstandardize(out, scaling.targetMean, scaling.targetStd, dtype);
  const copy = zeros(out.rows, out.cols, dtype);
  copy.data.set(out.data);
  return copy;
}
