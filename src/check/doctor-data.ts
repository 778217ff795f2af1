// The doctor's look at the data alone (rules 6 and 10): missing values, constant features, identical
// inputs with conflicting targets, class imbalance, too few examples, unscaled columns; plus what
// the targets look like (labels or measurements) and the loss of the best constant prediction.

import { gatherRows, zeros, type Matrix } from '../matrix.js';
import type { Loss } from '../nn/losses.js';
import { columnMeans } from '../train/metrics.js';
import { columnStats as scalingStats, standardize } from '../train/scaling.js';
import { columnName, type DoctorOptions } from './doctor-options.js';
import { fmt, pct, type Finding } from './doctor-types.js';

/** What kind of targets these are. */
export interface TargetInfo {
  /** every target is 0 or 1 and both occur */
  binary: boolean;
  /** ≥ 2 columns, each row exactly one 1 and the rest 0 */
  oneHot: boolean;
  /** one column of a few (3–20) distinct integers: maybe class codes */
  integerCodes: number;
  /** share of targets strictly between 0 and 1 */
  fractional: number;
  distinct: number;
  min: number;
  max: number;
  /** per column */
  mean: number[];
  std: number[];
}

/** Per-column mean, standard deviation (population), minimum and maximum. */
export interface ColumnStats {
  mean: number[];
  std: number[];
  min: number[];
  max: number[];
}

export function columnStats(m: Matrix): ColumnStats {
  const { rows, cols, data } = m;
  const mean = Array.from(columnMeans(m));
  const std = new Array<number>(cols).fill(0);
  const min = new Array<number>(cols).fill(Infinity);
  const max = new Array<number>(cols).fill(-Infinity);
  for (let i = 0; i < data.length; i++) {
    const c = i % cols;
    const v = data[i];
    std[c] += (v - mean[c]) ** 2;
    if (v < min[c]) min[c] = v;
    if (v > max[c]) max[c] = v;
  }
  return { mean, std: std.map((s) => Math.sqrt(s / rows)), min, max };
}

export function targetInfo(y: Matrix): TargetInfo {
  const { rows, cols, data } = y;
  let zeroOne = true;
  let fractional = 0;
  let ones = 0;
  const seen = new Set<number>();
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== 0 && v !== 1) zeroOne = false;
    if (v > 0 && v < 1) fractional++;
    if (v === 1) ones++;
    if (seen.size <= 1000) seen.add(v);
  }
  let oneHot = cols >= 2 && zeroOne;
  if (oneHot) {
    for (let r = 0; r < rows && oneHot; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += data[r * cols + c];
      if (s !== 1) oneHot = false;
    }
  }
  const values = [...seen];
  const integerCodes =
    cols === 1 &&
    values.length >= 3 &&
    values.length <= 20 &&
    values.every((v) => Number.isInteger(v)) &&
    rows >= 4 * values.length
      ? values.length
      : 0;
  const s = columnStats(y);
  return {
    binary: zeroOne && ones > 0 && ones < data.length,
    oneHot,
    integerCodes,
    fractional: fractional / data.length,
    distinct: seen.size,
    min: Math.min(...s.min),
    max: Math.max(...s.max),
    mean: s.mean,
    std: s.std,
  };
}

/**
 * The loss of the best constant prediction: the mean for mse, the median for mae/huber (close
 * enough for huber), the class frequencies for the cross-entropies (as logits when the loss takes them).
 * With row weights w[rows]: the weighted mean, median and frequencies, and the weighted loss.
 */
export function baselineLoss(loss: Loss, y: Matrix, w?: Float64Array): number {
  const { rows, cols, data } = y;
  const p = zeros(rows, cols);
  const mean = w ? weightedMeans(y, w) : columnStats(y).mean;
  const constant = new Array<number>(cols);
  for (let c = 0; c < cols; c++) {
    if (loss.name === 'mae' || loss.name === 'huber') {
      const col = Array.from({ length: rows }, (_, r) => data[r * cols + c]).sort((a, b) => a - b);
      constant[c] = w ? weightedMedian(y, c, w) : col[Math.floor(rows / 2)];
    } else if (loss.name === 'binaryCrossEntropy') {
      const q = Math.min(Math.max(mean[c], 1e-12), 1 - 1e-12);
      constant[c] = Math.log(q / (1 - q));
    } else if (loss.name === 'softmaxCrossEntropy') {
      constant[c] = Math.log(Math.max(mean[c], 1e-300));
    } else {
      constant[c] = mean[c];
    }
  }
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) p.data[r * cols + c] = constant[c];
  return loss.value(p.data, data, rows, cols, w);
}

/** Column means of y with row r counted w[r] times. */
function weightedMeans(y: Matrix, w: Float64Array): number[] {
  const mean = new Array<number>(y.cols).fill(0);
  let total = 0;
  for (let r = 0; r < y.rows; r++) {
    total += w[r];
    for (let c = 0; c < y.cols; c++) mean[c] += w[r] * y.data[r * y.cols + c];
  }
  return mean.map((m) => m / total);
}

/** The value of column c at which the rows' weights, in sorted order, first reach half their total. */
function weightedMedian(y: Matrix, c: number, w: Float64Array): number {
  const order = Array.from({ length: y.rows }, (_, r) => r).sort(
    (a, b) => y.data[a * y.cols + c] - y.data[b * y.cols + c],
  );
  const half = w.reduce((s, v) => s + v, 0) / 2;
  let sum = 0;
  for (const r of order) {
    sum += w[r];
    if (sum >= half) return y.data[r * y.cols + c];
  }
  return y.data[order[order.length - 1] * y.cols + c];
}

/** Rows of raw user data holding a non-finite value (NaN, ±Infinity, null, text), before toMatrix. */
export function badRows(raw: unknown): { rows: number[]; cells: number; total: number } | null {
  if (!raw || typeof raw !== 'object' || !('length' in (raw as object))) return null;
  if ('rows' in (raw as object) && 'data' in (raw as object)) {
    const m = raw as Matrix;
    const rows: number[] = [];
    let cells = 0;
    for (let r = 0; r < m.rows; r++) {
      let bad = false;
      for (let c = 0; c < m.cols; c++) if (!Number.isFinite(m.data[r * m.cols + c])) (bad = true), cells++;
      if (bad) rows.push(r);
    }
    return { rows, cells, total: m.rows };
  }
  const arr = raw as ArrayLike<unknown>;
  const rows: number[] = [];
  let cells = 0;
  for (let r = 0; r < arr.length; r++) {
    const row = arr[r];
    let bad = false;
    if (typeof row === 'number') {
      if (!Number.isFinite(row)) (bad = true), cells++;
    } else if (row && typeof (row as ArrayLike<unknown>).length === 'number') {
      const a = row as ArrayLike<unknown>;
      for (let c = 0; c < a.length; c++)
        if (typeof a[c] !== 'number' || !Number.isFinite(a[c] as number)) (bad = true), cells++;
    } else {
      bad = true;
      cells++;
    }
    if (bad) rows.push(r);
  }
  return { rows, cells, total: arr.length };
}

/** Drops the given rows from raw user data (arrays or a Matrix). */
export function dropRows<T>(raw: T, drop: number[]): T {
  const skip = new Set(drop);
  if (raw && typeof raw === 'object' && 'rows' in (raw as object) && 'data' in (raw as object)) {
    const m = raw as unknown as Matrix;
    const keep = Array.from({ length: m.rows }, (_, r) => r).filter((r) => !skip.has(r));
    return gatherRows(zeros(keep.length, m.cols), m, keep) as unknown as T;
  }
  return Array.from(raw as unknown as ArrayLike<unknown>).filter((_, r) => !skip.has(r)) as unknown as T;
}

/** What the data rules read (a DoctorContext has all of it). */
export interface DataContext {
  /** the data as training sees it (standardized when scaling is on) */
  X: Matrix;
  Y: Matrix;
  loss: Loss;
  targets: TargetInfo;
  /** statistics of the data as given, for values in the caller's units */
  rawStats: { x: ColumnStats; y: ColumnStats };
  /** whether training standardizes the data (then raw scales do not matter) */
  o: { scale: boolean };
  network: { parameterCount: number };
  options: Pick<DoctorOptions, 'columns' | 'heldOut'>;
}

/** Rule 10a: rows holding NaN, Infinity or a non-number, found before toMatrix would refuse them. */
export function nanFinding(
  rawX: unknown,
  rawY: unknown,
): { finding: Finding; rows: number[]; total: number } | null {
  const bx = badRows(rawX);
  const by = badRows(rawY);
  const bad = [...new Set([...(bx?.rows ?? []), ...(by?.rows ?? [])])].sort((p, q) => p - q);
  if (bad.length === 0) return null;
  const total = bx?.total ?? by?.total ?? 0;
  const finding: Finding = {
    rule: 'data-nan',
    severity: 'error',
    observed:
      `${bad.length} of ${total} rows hold NaN, Infinity or a non-number (${(bx?.cells ?? 0) + (by?.cells ?? 0)} cells; ` +
      `rows ${bad.slice(0, 8).join(', ')}${bad.length > 8 ? ', …' : ''})`,
    why: 'one NaN in a batch makes the loss and every gradient NaN, and the weights are lost at the first step',
    fix: 'leave those rows out, or fill the missing values, before training',
    fixOptions: { dropMissing: true },
    evidence: { rows: bad.length },
  };
  return { finding, rows: bad, total };
}

/** Rule 10: constant input columns. */
export function constantFeaturesFinding(ctx: DataContext): Finding | null {
  const { X } = ctx;
  const xs = ctx.rawStats.x;
  const names = ctx.options.columns?.inputs;
  const constant = xs.std.map((s, c) => (s === 0 ? c : -1)).filter((c) => c >= 0);
  if (constant.length === 0 || X.rows <= 1) return null;
  const big = constant.filter((c) => Math.abs(xs.mean[c]) > 10);
  const several = constant.length > 1;
  return {
    rule: 'constant-features',
    severity: big.length > 0 && !ctx.o.scale ? 'warning' : 'info',
    observed:
      `input column${several ? 's' : ''} ${constant
        .slice(0, 8)
        .map((c) => names?.[c] ?? c)
        .join(', ')} ${several ? 'are' : 'is'} constant ` +
      `(${constant
        .slice(0, 3)
        .map((c) => `${columnName(names, c)} = ${fmt(xs.mean[c])}`)
        .join(', ')}) over all ${X.rows} examples`,
    why:
      'a constant input carries no information; it only acts as an extra bias, and a large constant one makes the ' +
      'first layer badly conditioned (its weights need a much smaller learning rate than the others)',
    fix: `leave the column${several ? 's' : ''} out of the inputs`,
    fixOptions: { dropFeatures: names ? constant.map((c) => columnName(names, c)) : constant },
  };
}

/** Rule 10: identical inputs with different targets — the loss cannot go below their spread. */
export function conflictingDuplicatesFinding(ctx: DataContext): Finding | null {
  const { X: x, Y: y, loss } = ctx;
  const groups = new Map<string, number[]>();
  for (let r = 0; r < x.rows; r++) {
    const key = Array.from(x.data.subarray(r * x.cols, (r + 1) * x.cols)).join(',');
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  let conflicting = 0;
  let conflictGroups = 0;
  let floor = 0; // for mse: Σ over conflicting groups of within-group squared deviations / (N·cols)
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const spread = withinGroupSpread(y, g);
    floor += spread;
    if (spread > 0) {
      conflicting += g.length;
      conflictGroups++;
    }
  }
  if (conflicting === 0) return null;
  const mseFloor = floor / (y.rows * y.cols);
  const share = conflicting / x.rows;
  return {
    rule: 'conflicting-duplicates',
    severity: share >= 0.05 ? 'warning' : 'info',
    observed:
      `${conflicting} of ${x.rows} examples (${pct(share)}) share their inputs with another example whose target differs ` +
      `(${conflictGroups} groups)` +
      (loss.name === 'mse' ? `; no network can get the mse below ${fmt(mseFloor)}` : ''),
    why:
      'the network gives one output per input, so identical inputs with different targets set a floor under the loss; ' +
      'a missing feature or label noise is the usual cause',
    fix: 'add the feature that tells these examples apart, or merge/remove the conflicting rows; no training option can fit them',
    fixOptions: {},
    evidence: { conflicting, lossFloor: mseFloor },
  };
}

/** Σ of squared deviations of the rows' targets from their group mean, over all target columns. */
function withinGroupSpread(y: Matrix, rows: number[]): number {
  let sum = 0;
  for (let c = 0; c < y.cols; c++) {
    let m = 0;
    for (const r of rows) m += y.data[r * y.cols + c];
    m /= rows.length;
    for (const r of rows) sum += (y.data[r * y.cols + c] - m) ** 2;
  }
  return sum;
}

/** Rule 10: fewer target values than parameters — only a note: smooth low-dimensional fits are fine overparameterized. */
export function tooFewExamplesFinding(ctx: DataContext): Finding | null {
  const { X: x, Y: y } = ctx;
  const parameters = ctx.network.parameterCount;
  if (x.rows * y.cols >= parameters) return null;
  const heldOut = (ctx.options.heldOut?.validationSplit ?? 0) > 0; // the run holds rows out already
  return {
    rule: 'too-few-examples',
    // a note, not a warning: without held-out evidence of overfitting nothing is wrong yet
    severity: 'info',
    observed:
      `${x.rows} examples × ${y.cols} output${y.cols > 1 ? 's' : ''} for ${parameters} parameters ` +
      `(${fmt(parameters / (x.rows * y.cols))} parameters per target value)`,
    why:
      'with more parameters than target values the network can memorize the training set; only held-out data ' +
      '(a validation split) shows whether it does',
    ...(heldOut
      ? {
          fix: 'compare the score on the rows the run holds out with the training score; if it overfits, use fewer hidden units or a weight decay',
          fixOptions: {},
        }
      : {
          fix: 'hold out a fifth of the data (validationSplit: 0.2) and compare; if it overfits, use fewer hidden units or a weight decay',
          fixOptions: { validationSplit: 0.2 },
        }),
    evidence: { examples: x.rows, parameters },
  };
}

/** Columns far from unit scale: "name: mean m, std s" for each. */
function offScale(
  stats: ColumnStats,
  names: readonly string[] | undefined,
  far: (mean: number, std: number) => boolean,
): string[] {
  const bad: string[] = [];
  for (let c = 0; c < stats.mean.length; c++)
    if (far(stats.mean[c], stats.std[c]))
      bad.push(`${columnName(names, c)}: mean ${fmt(stats.mean[c])}, std ${fmt(stats.std[c])}`);
  return bad;
}

export const SCALE_FIX = 'turn scaling on (fit option scale: true)';

/** Rule 6: with scaling off, input columns far from unit scale. */
export function unscaledInputsFinding(ctx: DataContext): Finding | null {
  if (ctx.o.scale) return null;
  const bad = offScale(ctx.rawStats.x, ctx.options.columns?.inputs, (mean, std) => {
    const size = Math.sqrt(mean ** 2 + std ** 2);
    return std !== 0 && (size > 20 || std < 1e-2);
  });
  if (bad.length === 0) return null;
  return {
    rule: 'unscaled-inputs',
    severity: 'warning',
    observed: `scaling is off and ${bad.length} of ${ctx.X.cols} input columns are far from unit scale (${bad.slice(0, 3).join('; ')})`,
    why:
      "the first layer's weights multiply the raw values: large inputs saturate tanh/sigmoid units and make gradient " +
      'descent need a tiny learning rate, small ones learn slowly; standardizing each column to mean 0, std 1 avoids both',
    fix: SCALE_FIX,
    fixOptions: { scale: true },
  };
}

/** Rule 6: with scaling off, regression targets far from unit scale. */
export function unscaledTargetsFinding(ctx: DataContext): Finding | null {
  if (ctx.o.scale || ctx.loss.kind !== 'regression') return null;
  const bad = offScale(ctx.rawStats.y, ctx.options.columns?.targets, (mean, std) => {
    const size = Math.sqrt(mean ** 2 + std ** 2);
    return size > 20 || (std > 0 && std < 1e-3 && size < 1e-2);
  });
  if (bad.length === 0) return null;
  return {
    rule: 'unscaled-targets',
    severity: 'warning',
    observed: `scaling is off and the targets are far from unit scale (${bad.slice(0, 3).join('; ')})`,
    why:
      'the loss and its gradient grow with the square of the target scale, so the learning rate that suits one ' +
      'scale diverges or crawls on another; standardized targets make the usual rates work',
    fix: SCALE_FIX,
    fixOptions: { scale: true },
  };
}

/** A standardized copy, by train's scaling (std 0 columns are only centred). */
export function standardizeCopy(m: Matrix): Matrix {
  const { mean, std } = scalingStats(m);
  return standardize(m, mean, std);
}
