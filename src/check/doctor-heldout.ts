// The doctor's held-out judgment: a seeded split of the probes' rows (stratified by class, as a
// validation split would be), short runs that train on one part and are scored on the other, and
// the range of learning rates the doctor may recommend for each optimizer.

import { gatherRows, zeros, type Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';
import { Random } from '../random.js';
import { rowClasses } from '../train/holdout.js';
import { baselineLoss } from './doctor-data.js';
import { preserving, train, type RateScan } from './doctor-probe.js';

/** The probes' rows split in two: `fit` to train on, `held` to judge by (with their loss weights, when weighted). */
export interface HeldOutSplit {
  fitX: Matrix;
  fitY: Matrix;
  heldX: Matrix;
  heldY: Matrix;
  fitW?: Float64Array;
  heldW?: Float64Array;
}

const gather = (m: Matrix, rows: number[]) => gatherRows(zeros(rows.length, m.cols), m, rows);

/**
 * Holds out `fraction` of the rows (at least one per class that has two or more), shuffled with
 * `seed`, within each class for classification. Null when fewer than 8 rows remain to train on.
 */
export function holdOut(
  x: Matrix,
  y: Matrix,
  classification: boolean,
  seed: number,
  fraction = 0.25,
  w?: Float64Array,
): HeldOutSplit | null {
  const byClass = new Map<number, number[]>();
  // a row's class for stratification: the one-hot column, the 0/1 label, or 0 for regression
  const classes = classification ? rowClasses(y) : null;
  for (let r = 0; r < x.rows; r++) {
    const c = classes ? classes[r] : 0;
    byClass.set(c, [...(byClass.get(c) ?? []), r]);
  }
  const random = new Random(seed + 7);
  const fit: number[] = [];
  const held: number[] = [];
  for (const rows of byClass.values()) {
    random.shuffle(rows);
    const n = rows.length < 2 ? 0 : Math.max(1, Math.round(rows.length * fraction));
    held.push(...rows.slice(0, n));
    fit.push(...rows.slice(n));
  }
  if (fit.length < 8 || held.length < 2) return null;
  fit.sort((a, b) => a - b);
  held.sort((a, b) => a - b);
  const weights = w && {
    fitW: Float64Array.from(fit, (r) => w[r]),
    heldW: Float64Array.from(held, (r) => w[r]),
  };
  return {
    fitX: gather(x, fit),
    fitY: gather(y, fit),
    heldX: gather(x, held),
    heldY: gather(y, held),
    ...weights,
  };
}

/** A run trained on the fit rows and scored on the held-out ones. */
export interface HeldOutRun {
  rate: number;
  steps: number;
  diverged: boolean;
  /** data loss on the fit rows at the end */
  fitLoss: number;
  /** data loss on the held-out rows at the end */
  held: number;
  /** the lowest held-out loss seen, and the step it was seen at (0 = before training) */
  heldBest: number;
  heldBestAt: number;
  /** the held-out loss every `every` steps, from step 0 */
  curve: number[];
  /** the fit loss at the same points */
  fitCurve: number[];
}

export function heldOutLoss(network: Network, split: HeldOutSplit): number {
  return network.computeLoss(split.heldX, split.heldY, dataTerm, split.heldW).data;
}

/** The data loss on the fit rows. */
function fitLoss(network: Network, split: HeldOutSplit): number {
  return network.computeLoss(split.fitX, split.fitY, dataTerm, split.fitW).data;
}

const dataTerm = { data: true, penalties: false };

/**
 * Trains `network` (restored afterwards) on the fit rows for `steps` full-batch steps at `rate`,
 * scoring the held-out rows about 50 times along the way.
 */
export function heldOutRun(
  network: Network,
  split: HeldOutSplit,
  optimizer: string,
  rate: number,
  steps: number,
): HeldOutRun {
  const every = Math.max(1, Math.floor(steps / 50));
  const curve = [heldOutLoss(network, split)];
  const fitCurve = [fitLoss(network, split)];
  const onStep = (s: number) => {
    if ((s + 1) % every !== 0) return;
    curve.push(heldOutLoss(network, split));
    fitCurve.push(fitLoss(network, split));
  };
  const p = preserving(network, () => {
    const run = train(network, split.fitX, split.fitY, optimizer, rate, steps, onStep, split.fitW);
    return { run, held: heldOutLoss(network, split) };
  });
  const diverged = p.run.diverged || !Number.isFinite(p.held);
  let bestAt = 0;
  for (let i = 1; i < curve.length; i++) if (curve[i] < curve[bestAt]) bestAt = i;
  return {
    rate,
    steps,
    diverged,
    fitLoss: p.run.finalData,
    held: diverged ? NaN : p.held,
    heldBest: curve[bestAt],
    heldBestAt: bestAt * every,
    curve,
    fitCurve,
  };
}

/** The loss of the best constant prediction on the held-out rows (their own mean: a slightly low bar). */
export function heldOutBaseline(network: Network, split: HeldOutSplit): number {
  return baselineLoss(network.loss, split.heldY, split.heldW);
}

/** The optimizers that scale each step by a running gradient size (their rate is a step length). */
export function isAdaptive(optimizer: string): boolean {
  return !['sgd', 'momentum', 'nesterov'].includes(optimizer);
}

/** The rates the doctor may recommend for an optimizer, and where the bounds come from. */
export interface RateRange {
  min: number;
  max: number;
  basis: string;
}

/**
 * Adaptive optimizers (Adam, AdamW, RMSprop, Adagrad): 1e-5 … 1e-1, the range their papers and
 * every library's defaults sit in (Kingma & Ba 2015 use 1e-3). Plain and momentum SGD: up to the
 * largest rate the scan found stable, an estimate of 2 / curvature of this loss on this data.
 */
export function rateRange(optimizer: string, scan: RateScan): RateRange {
  if (isAdaptive(optimizer)) return { min: 1e-5, max: 0.1, basis: `${optimizer}'s usual range 1e-5 … 0.1` };
  const stable = scan.probes.filter((p) => !p.diverged && !p.grew && !p.oscillating);
  const edge = stable.length ? Math.max(...stable.map((p) => p.rate)) : Number.POSITIVE_INFINITY;
  return {
    min: 1e-9,
    max: edge,
    basis: `the largest stable rate measured, ${edge} (about 2 / curvature of this loss)`,
  };
}

/** `rate` brought inside the range. */
export function clampRate(rate: number, range: RateRange): number {
  return Math.min(Math.max(rate, range.min), range.max);
}
