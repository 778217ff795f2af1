// The doctor's look at the data alone (rules 6 and 10): missing values, constant features, identical
// inputs with conflicting targets, class imbalance, too few examples, unscaled columns; plus what
// the targets look like (labels or measurements) and the loss of the best constant prediction.

import { zeros, type Matrix } from '../matrix.js';
import type { Loss } from '../nn/losses.js';
import { columnStats as scalingStats, standardize } from '../train/scaling.js';
import type { Finding } from './doctor-types.js';
import { fmt, pct } from './doctor-types.js';

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

export function columnStats(m: Matrix): { mean: number[]; std: number[]; min: number[]; max: number[] } {
  const { rows, cols, data } = m;
  const mean = new Array<number>(cols).fill(0);
  const std = new Array<number>(cols).fill(0);
  const min = new Array<number>(cols).fill(Infinity);
  const max = new Array<number>(cols).fill(-Infinity);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c];
      mean[c] += v;
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
    }
  }
  for (let c = 0; c < cols; c++) mean[c] /= rows;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) std[c] += (data[r * cols + c] - mean[c]) ** 2;
  for (let c = 0; c < cols; c++) std[c] = Math.sqrt(std[c] / rows);
  return { mean, std, min, max };
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
 */
export function baselineLoss(loss: Loss, y: Matrix): number {
  const { rows, cols, data } = y;
  const p = zeros(rows, cols);
  const { mean } = columnStats(y);
  const constant = new Array<number>(cols);
  for (let c = 0; c < cols; c++) {
    if (loss.name === 'mae' || loss.name === 'huber') {
      const col = Array.from({ length: rows }, (_, r) => data[r * cols + c]).sort((a, b) => a - b);
      constant[c] = col[Math.floor(rows / 2)];
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
  return loss.value(p.data, data, rows, cols);
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
    const out = zeros(keep.length, m.cols);
    keep.forEach((r, i) => out.data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
    return out as unknown as T;
  }
  return Array.from(raw as unknown as ArrayLike<unknown>).filter((_, r) => !skip.has(r)) as unknown as T;
}

export interface DataContext {
  x: Matrix;
  y: Matrix;
  loss: Loss;
  parameters: number;
  /** whether training standardizes the data (then raw scales do not matter) */
  scale: boolean;
}

/** Rule 10 (constant features, conflicting duplicates, imbalance, few examples) and rule 6 (scaling). */
export function dataFindings(ctx: DataContext, targets: TargetInfo): Finding[] {
  const { x, y, loss } = ctx;
  const found: Finding[] = [];
  const xs = columnStats(x);

  const constant = xs.std.map((s, c) => (s === 0 ? c : -1)).filter((c) => c >= 0);
  if (constant.length > 0 && x.rows > 1) {
    const big = constant.filter((c) => Math.abs(xs.mean[c]) > 10);
    found.push({
      rule: 'constant-features',
      severity: big.length > 0 && !ctx.scale ? 'warning' : 'info',
      observed:
        `input column${constant.length > 1 ? 's' : ''} ${constant.slice(0, 8).join(', ')} ${constant.length > 1 ? 'are' : 'is'} constant ` +
        `(${constant
          .slice(0, 3)
          .map((c) => `column ${c} = ${fmt(xs.mean[c])}`)
          .join(', ')}) over all ${x.rows} examples`,
      why:
        'a constant input carries no information; it only acts as an extra bias, and a large constant one makes the ' +
        'first layer badly conditioned (its weights need a much smaller learning rate than the others)',
      fix: `leave the column${constant.length > 1 ? 's' : ''} out (--features without ${constant.length > 1 ? 'them' : 'it'})`,
      fixOptions: { dropFeatures: constant },
    });
  }

  // identical inputs with different targets: the loss cannot go below their spread
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
    let differs = false;
    for (let c = 0; c < y.cols; c++) {
      let m = 0;
      for (const r of g) m += y.data[r * y.cols + c];
      m /= g.length;
      for (const r of g) {
        const d = y.data[r * y.cols + c] - m;
        if (d !== 0) differs = true;
        floor += d * d;
      }
    }
    if (differs) {
      conflicting += g.length;
      conflictGroups++;
    }
  }
  if (conflicting > 0) {
    const mseFloor = floor / (y.rows * y.cols);
    const share = conflicting / x.rows;
    found.push({
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
    });
  }

  // class imbalance
  if (loss.kind === 'classification' && (targets.binary || targets.oneHot)) {
    const counts = targets.oneHot
      ? targets.mean.map((m) => Math.round(m * y.rows))
      : [Math.round((1 - targets.mean[0]) * y.rows), Math.round(targets.mean[0] * y.rows)];
    const small = Math.min(...counts);
    const large = Math.max(...counts);
    if (small / large < 0.1) {
      const k = counts.indexOf(small);
      found.push({
        rule: 'class-imbalance',
        severity: 'warning',
        observed:
          `class ${k} has ${small} examples against ${large} for the largest class (${pct(small / y.rows)} of the data); ` +
          `always predicting the majority class is already ${pct(large / y.rows)} accurate`,
        why: 'the loss is dominated by the large class: the network can reach a low loss while ignoring the small one, and accuracy hides it',
        fix: 'oversample the small class (or collect more of it) and judge by per-class recall / balanced accuracy, not accuracy',
        fixOptions: { oversample: true },
        evidence: { smallest: small, largest: large },
      });
    }
  }

  // fewer examples than parameters: only a note — smooth low-dimensional fits are fine overparameterized
  if (x.rows * y.cols < ctx.parameters) {
    found.push({
      rule: 'too-few-examples',
      // a note, not a warning: without held-out evidence of overfitting nothing is wrong yet
      severity: 'info',
      observed:
        `${x.rows} examples × ${y.cols} output${y.cols > 1 ? 's' : ''} for ${ctx.parameters} parameters ` +
        `(${fmt(ctx.parameters / (x.rows * y.cols))} parameters per target value)`,
      why:
        'with more parameters than target values the network can memorize the training set; judge it on held-out data ' +
        '(a validation split) and prefer a smaller network or a penalty if the validation loss is much worse than the training loss',
      fix: 'hold out data with --val-split 0.2 and compare; if it overfits, use fewer hidden units or --weight-decay',
      fixOptions: { validationSplit: 0.2 },
      evidence: { examples: x.rows, parameters: ctx.parameters },
    });
  }

  if (!ctx.scale) {
    const bad: string[] = [];
    for (let c = 0; c < x.cols; c++) {
      if (xs.std[c] === 0) continue;
      const size = Math.sqrt(xs.mean[c] ** 2 + xs.std[c] ** 2);
      if (size > 20 || xs.std[c] < 1e-2)
        bad.push(`column ${c}: mean ${fmt(xs.mean[c])}, std ${fmt(xs.std[c])}`);
    }
    if (bad.length > 0) {
      found.push({
        rule: 'unscaled-inputs',
        severity: 'warning',
        observed: `scaling is off and ${bad.length} of ${x.cols} input columns are far from unit scale (${bad.slice(0, 3).join('; ')})`,
        why:
          "the first layer's weights multiply the raw values: large inputs saturate tanh/sigmoid units and make gradient " +
          'descent need a tiny learning rate, small ones learn slowly; standardizing each column to mean 0, std 1 avoids both',
        fix: 'turn scaling on (drop --no-scale; library: fit option scale: true)',
        fixOptions: { scale: true },
      });
    }
    if (loss.kind === 'regression') {
      const ys = columnStats(y);
      const badY: string[] = [];
      for (let c = 0; c < y.cols; c++) {
        const size = Math.sqrt(ys.mean[c] ** 2 + ys.std[c] ** 2);
        if (size > 20 || (ys.std[c] > 0 && ys.std[c] < 1e-3 && size < 1e-2))
          badY.push(`column ${c}: mean ${fmt(ys.mean[c])}, std ${fmt(ys.std[c])}`);
      }
      if (badY.length > 0) {
        found.push({
          rule: 'unscaled-targets',
          severity: 'warning',
          observed: `scaling is off and the targets are far from unit scale (${badY.slice(0, 3).join('; ')})`,
          why:
            'the loss and its gradient grow with the square of the target scale, so the learning rate that suits one ' +
            'scale diverges or crawls on another; standardized targets make the usual rates work',
          fix: 'turn scaling on (drop --no-scale; library: fit option scale: true)',
          fixOptions: { scale: true },
        });
      }
    }
  }
  return found;
}

/** A standardized copy, by train's scaling (std 0 columns are only centred). */
export function standardizeCopy(m: Matrix): Matrix {
  const { mean, std } = scalingStats(m);
  return standardize(m, mean, std);
}
