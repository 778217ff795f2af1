// Permutation importance (Breiman 2001; scikit-learn's permutation_importance): how much worse the
// model's metric gets when one original column is shuffled across the rows (all one-hot inputs of a
// text column moved together), repeated with several seeded shuffles. Use held-out rows.
//
// Every metric here is a sum of per-row terms, so the change is Σ_n c_n and its interval comes from
// the rows: c_n averaged over the repeats, Σ c_n ± 1.96·√N·sd(c), the normal 95% interval. It
// covers the uncertainty of both the shuffles and the choice of rows (an interval from the repeats
// alone shrinks with more repeats while the rows stay the same few).

import { OptionError, checkNumber, shown } from '../errors.js';
import type { Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';
import { Random } from '../random.js';
import { predictedClasses } from '../train/metrics.js';
import type { ColumnGroup } from './explain-columns.js';

/** r2 and accuracy: the drop; mse and logLoss: the rise — positive means the column helps. */
export type ImportanceMetric = 'r2' | 'mse' | 'accuracy' | 'logLoss';
export const importanceMetrics: readonly ImportanceMetric[] = ['r2', 'mse', 'accuracy', 'logLoss'];

export interface PermutationOptions {
  /** default: r2 for regression, accuracy for classification */
  metric?: ImportanceMetric;
  /** shuffles per column (default 5) */
  repeats?: number;
  /** seed of the shuffles (default 1) */
  seed?: number;
  /** a network of several regression targets: score this target column alone (default: all, averaged) */
  target?: number;
}

export interface ColumnImportance {
  column: string;
  /** how much worse the metric gets, averaged over the repeats (metric units) */
  mean: number;
  /** 95% interval (see the file comment) */
  low: number;
  high: number;
  /** the change of each repeat */
  repeats: number[];
}

export interface PermutationImportance {
  metric: ImportanceMetric;
  /** the metric on the rows as given */
  score: number;
  rows: number;
  repeats: number;
  seed: number;
  /** the target column scored, when one of several was chosen (PermutationOptions.target) */
  target?: number;
  /** most important first */
  columns: ColumnImportance[];
}

/** x [N×I] inputs and y [N×O] targets in original units (y as the encoding makes it: 0/1, one-hot). */
export function permutationImportance(
  network: Network,
  x: Matrix,
  y: Matrix,
  groups: readonly ColumnGroup[],
  options: PermutationOptions = {},
): PermutationImportance {
  const metric = options.metric ?? (network.loss.kind === 'regression' ? 'r2' : 'accuracy');
  if (!importanceMetrics.includes(metric))
    throw new OptionError(
      `metric must be one of ${importanceMetrics.join(', ')}, got ${shown(metric)}`,
      'metric',
    );
  if (network.loss.kind === 'regression' && (metric === 'accuracy' || metric === 'logLoss'))
    throw new OptionError(
      `metric ${metric} scores classes, and this network is a regression one: use r2 or mse`,
      'metric',
    );
  const repeats = checkNumber('repeats', options.repeats ?? 5, { integer: true, min: 1 });
  const seed = checkNumber('seed', options.seed ?? 1, { integer: true, min: 0 });
  if (x.rows < 2) throw new OptionError(`permutation importance needs at least 2 rows, got ${x.rows}`, 'x');
  const target = options.target;
  if (target !== undefined) checkNumber('target', target, { integer: true, min: 0, max: y.cols - 1 });
  const rowTerms = metricTerms(metric, target === undefined ? y : column(y, target), target);
  const base = rowTerms(network.predict(x));
  const random = new Random(seed);
  const shuffles = Array.from({ length: repeats }, () =>
    random.shuffle(Array.from({ length: x.rows }, (_, i) => i)),
  );
  const columns = groups.map((g) => {
    const perRow = new Float64Array(x.rows); // c_n averaged over the repeats
    const changes = shuffles.map((order) => {
      const terms = rowTerms(network.predict(permuted(x, g.inputs, order)));
      let change = 0;
      for (let n = 0; n < x.rows; n++) {
        const c = terms[n] - base[n];
        perRow[n] += c / repeats;
        change += c;
      }
      return change;
    });
    return { column: g.name, ...interval(perRow), repeats: changes };
  });
  columns.sort((a, b) => b.mean - a.mean);
  const score = metric === 'r2' || metric === 'accuracy' ? 1 - sum(base) : sum(base);
  return { metric, score, rows: x.rows, repeats, seed, ...(target !== undefined ? { target } : {}), columns };
}

/** Σ c_n and Σ c_n ± 1.96·√N·sd(c). */
function interval(c: Float64Array): { mean: number; low: number; high: number } {
  const N = c.length;
  const total = sum(c);
  const m = total / N;
  let ss = 0;
  for (const v of c) ss += (v - m) ** 2;
  const half = 1.96 * Math.sqrt(N) * Math.sqrt(ss / (N - 1));
  return { mean: total, low: total - half, high: total + half };
}

/** A copy of x with the given inputs' values taken from row order[n] into row n. */
function permuted(x: Matrix, inputs: readonly number[], order: readonly number[]): Matrix {
  const out = { rows: x.rows, cols: x.cols, data: Float64Array.from(x.data) };
  for (let n = 0; n < x.rows; n++)
    for (const i of inputs) out.data[n * x.cols + i] = x.data[order[n] * x.cols + i];
  return out;
}

/**
 * Per-row terms t_n of a loss-like quantity such that r2 = 1 − Σt, accuracy = 1 − Σt, mse = Σt and
 * logLoss = Σt, matching train/metrics.ts (r2: Σ over columns of squared error / SS_tot, averaged
 * over columns; logLoss: probabilities clipped to [1e-15, 1 − 1e-15]).
 */
/** Column k of m, as a matrix of one column. */
function column(m: Matrix, k: number): Matrix {
  return {
    rows: m.rows,
    cols: 1,
    data: Float64Array.from({ length: m.rows }, (_, n) => m.data[n * m.cols + k]),
  };
}

/** Per-row terms of the metric; `target`: predictions are scored on that column alone (y is already it). */
function metricTerms(metric: ImportanceMetric, y: Matrix, target?: number): (p: Matrix) => Float64Array {
  const terms = allTerms(metric, y);
  return target === undefined ? terms : (p) => terms(column(p, target));
}

function allTerms(metric: ImportanceMetric, y: Matrix): (p: Matrix) => Float64Array {
  const { rows: N, cols: K, data: t } = y;
  if (metric === 'r2') {
    const ssTot = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let mean = 0;
      for (let n = 0; n < N; n++) mean += t[n * K + k] / N;
      for (let n = 0; n < N; n++) ssTot[k] += (t[n * K + k] - mean) ** 2;
    }
    return perRow(N, (p, n) => {
      let s = 0;
      for (let k = 0; k < K; k++) s += (p[n * K + k] - t[n * K + k]) ** 2 / (ssTot[k] || 1);
      return s / K;
    });
  }
  if (metric === 'mse')
    return perRow(N, (p, n) => {
      let s = 0;
      for (let k = 0; k < K; k++) s += (p[n * K + k] - t[n * K + k]) ** 2;
      return s / (K * N);
    });
  const truth = predictedClasses(y);
  if (metric === 'accuracy') {
    return (p) => {
      const guess = predictedClasses(p);
      return Float64Array.from({ length: N }, (_, n) => (guess[n] === truth[n] ? 0 : 1 / N));
    };
  }
  const clip = (v: number) => Math.min(Math.max(v, 1e-15), 1 - 1e-15);
  return perRow(N, (p, n) => {
    if (K === 1) return -(t[n] * Math.log(clip(p[n])) + (1 - t[n]) * Math.log(1 - clip(p[n]))) / N;
    return -Math.log(clip(p[n * K + truth[n]])) / N;
  });
}

function perRow(N: number, term: (p: Matrix['data'], n: number) => number): (p: Matrix) => Float64Array {
  return (p) => Float64Array.from({ length: N }, (_, n) => term(p.data, n));
}

/** Σ a, in order. */
export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}
