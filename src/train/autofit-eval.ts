// One unit of autoFit's work: train a candidate on every fold but one and score it on that fold. Pure
// and self-contained (the seed, the fold and the epochs say everything), so a worker thread and the
// main thread give the same bits for the same task: that is what makes the search independent of
// the number of workers (autofit-pool.ts). With sample or class weights, each fold trains on its rows'
// weights and is scored by the metric with each of its rows weighted as in the loss (sampleWeight ×
// classWeight, the class weights those of the fold's training rows): with classWeight 'balanced' the
// fold's accuracy is its balanced accuracy, so the search ranks by what the weights ask for.

import type { Task } from '../data/task.js';
import { DivergenceError } from '../errors.js';
import { gatherRows, zeros, type Matrix } from '../matrix.js';
import {
  classWeights,
  gatherWeights,
  unlessConstant,
  withClassWeights,
  type CheckedWeights,
} from './sample-weights.js';
import { createNetwork } from './auto.js';
import type { Candidate } from './autofit-space.js';
import { computeMetrics, type MetricName } from './metrics.js';
import { fitScaling } from './scaling.js';
import { TrainingRun } from './run.js';
import { evaluateScaled } from './fit-data.js';
import type { Network } from '../nn/network.js';
import type { FitCheckpoint } from './fit-types.js';

/**
 * The data every task of a search shares: x[N×inputs], y[N×outputs] (one-hot for multiclass),
 * folds[N], the weights: sampleWeight[N] (null: unweighted), classWeight by class index, and the
 * indicator inputs (0/1 columns) a candidate with unscaledIndicators leaves unscaled.
 */
export interface SearchData extends CheckedWeights {
  x: Matrix;
  y: Matrix;
  task: Task;
  folds: Int32Array;
  indicators: readonly number[];
}

/** Rows of a search: x, y and their sample weights (absent: unweighted). */
export interface SearchRows {
  x: Matrix;
  y: Matrix;
  sampleWeight?: Float64Array;
}

/**
 * Train `candidate` for at most `epochs` epochs without fold `fold`, score it on that fold. A rung of
 * successive halving continues the run the previous rung cut (`resume`), which gives the same bits as
 * training afresh for the longer length: the run is the candidate's full-length run, cut at `epochs`.
 */
export interface SearchTask {
  candidate: Candidate;
  fold: number;
  epochs: number;
  seed: number;
  /** where the previous rung cut this run (absent: from the start) */
  resume?: RunState;
  /** return the run's state when it is cut at `epochs` before its end, for the next rung to continue */
  keep?: boolean;
}

/** A run cut before its end: its checkpoint and its current weights (plain JSON, sent to and from workers). */
export interface RunState {
  checkpoint: FitCheckpoint;
  params: number[];
}

export interface TaskResult {
  /** R² (regression) or accuracy on the fold, of the best epoch's weights */
  score: number;
  /** the fold's loss at the best epoch (ties of score are broken by it) */
  loss: number;
  /** the epoch early stopping kept (L-BFGS: the iterations run) */
  bestEpoch: number;
  seconds: number;
  /** the run ended (early stopping, convergence, divergence, or its full length): any longer cut gives this result */
  ended: boolean;
  /** the cut run's state, when the task asked to keep it */
  state?: RunState;
}

/** The score autoFit ranks by: R² for regression, accuracy for classification (greater is better). */
export function searchMetric(task: Task): MetricName {
  return task === 'regression' ? 'r2' : 'accuracy';
}

/** The rows of fold `fold` (validation) and of the others (training), weights following their rows. */
export function splitFold(data: SearchData, fold: number): { train: SearchRows; val: SearchRows } {
  const trainRows: number[] = [];
  const valRows: number[] = [];
  data.folds.forEach((f, r) => (f === fold ? valRows : trainRows).push(r));
  const take = (rows: number[]): SearchRows => {
    const w = gatherWeights(data.sampleWeight, rows, 0, rows.length);
    return {
      x: gatherRows(zeros(rows.length, data.x.cols), data.x, rows),
      y: gatherRows(zeros(rows.length, data.y.cols), data.y, rows),
      ...(w ? { sampleWeight: w } : {}),
    };
  };
  return { train: take(trainRows), val: take(valRows) };
}

/**
 * The weights a fold's rows are scored with: each row's loss weight (its sample weight × its class's
 * weight, classWeight counted on the training rows, as fit weighs validation rows); undefined: unweighted.
 */
export function scoreWeights(data: SearchData, train: SearchRows, val: SearchRows): Float64Array | undefined {
  if (data.classWeight === undefined) return val.sampleWeight;
  const perClass = classWeights(data.classWeight, train.y);
  return unlessConstant(withClassWeights(val.sampleWeight ?? null, perClass, val.y)) ?? undefined;
}

/**
 * Early stopping in a search run: Adam stops on the fold with a patience of half the candidate's full
 * length, so a run cut at a rung's epochs is the start of the full-length run (successive halving
 * re-trains from scratch); L-BFGS runs to convergence or its iterations, regularized by λ alone, as
 * scikit-learn's lbfgs solver does (its iteration count does not transfer to a refit on more rows).
 * A candidate's own `patience` (a large table's mini-batch runs, autofit-large.ts) replaces the half.
 */
export function searchEarlyStopping(c: Candidate): false | { patience: number } {
  if (c.optimizer === 'lbfgs') return false;
  return { patience: c.patience ?? Math.max(10, Math.ceil(c.epochs / 2)) };
}

/**
 * When a search's L-BFGS run has converged: its cost fell by less than `relative` of its value over the
 * last `window` iterations. L-BFGS's own test (max |gradient| ≤ 1e-12) almost never ends a run, so
 * before this rule every L-BFGS fold ran its 500 iterations; a regularized one reaches its minimum in
 * 50–150 (bench:quality breast-cancer, 64-64 tanh λ=10: a cost of 0.14101 at 120 iterations and at
 * 452, the fold accuracy the same from the 50th). Relative, so the scale of the cost does not matter.
 * Read from the run's costs alone, so it stops at the same iteration wherever the rungs cut the run.
 */
export const lbfgsConvergence = { window: 10, relative: 1e-5 } as const;

/** True when `loss` (a run's cost per iteration) has settled by lbfgsConvergence. */
export function lbfgsSettled(loss: readonly number[]): boolean {
  const { window, relative } = lbfgsConvergence;
  const n = loss.length;
  if (n <= window) return false;
  const last = loss[n - 1];
  return loss[n - 1 - window] - last < relative * Math.abs(last);
}

/** What candidateRun takes besides the candidate, its training rows and the task. */
export interface CandidateRunOptions {
  epochs: number;
  seed: number;
  validation?: SearchRows;
  classWeight?: CheckedWeights['classWeight'];
  indicators?: readonly number[];
  resume?: RunState;
}

/**
 * Candidate c's network and TrainingRun on training rows x, y (validation rows optional), weighted as
 * given; with c.unscaledIndicators, the network's scaling is set beforehand (candidateScaling).
 */
export function candidateRun(
  c: Candidate,
  train: SearchRows,
  task: Task,
  options: CandidateRunOptions,
): TrainingRun {
  const network = createNetwork(train.x, train.y, {
    task,
    layers: c.layers,
    activation: c.activation,
    weightDecay: c.weightDecay,
    seed: options.seed,
  });
  if (c.unscaledIndicators) network.scaling = candidateScaling(train, task, options.indicators ?? []);
  if (options.resume) network.params.set(options.resume.params);
  return new TrainingRun(network, train.x, train.y, {
    ...(options.resume ? { resume: options.resume.checkpoint } : {}),
    ...runOptions(c, train, options),
  });
}

/** The TrainingRun options of candidate c on training rows `train`. */
function runOptions(c: Candidate, train: SearchRows, options: CandidateRunOptions) {
  return {
    optimizer: c.optimizer,
    ...(c.learningRate !== undefined ? { learningRate: c.learningRate } : {}),
    epochs: options.epochs,
    seed: options.seed,
    ...(c.batchSize !== undefined ? { batchSize: Math.min(c.batchSize, train.x.rows) } : {}),
    ...(train.sampleWeight ? { sampleWeight: train.sampleWeight } : {}),
    ...(options.classWeight !== undefined ? { classWeight: options.classWeight } : {}),
    ...(options.validation
      ? { validationData: options.validation, earlyStopping: searchEarlyStopping(c) }
      : {}),
  };
}

/**
 * The fold's loss at the network's weights, as a run with those validation rows records it
 * (History.valLoss: the rows scaled and weighted by TrainingRun, then evaluateScaled). L-BFGS
 * candidates train without validation rows — nothing in their run reads them (no early stopping), and
 * scoring them every iteration cost about a tenth of the run — and take the fold's loss once at the end.
 */
function foldLoss(network: Network, c: Candidate, train: SearchRows, options: CandidateRunOptions): number {
  const probe = new TrainingRun(network, train.x, train.y, { ...runOptions(c, train, options), epochs: 1 });
  const { validation, validationScaled, validationWeights } = probe.data;
  if (!validation || !validationScaled) return Number.NaN;
  return evaluateScaled(network, validationScaled.x, validation.y, [], validationScaled.y, validationWeights)
    .loss;
}

/**
 * The scaling fit sets on training rows (inputs standardized, regression targets too), with the
 * `indicators` inputs left as they are (mean 0 / std 1): what a candidate with unscaledIndicators
 * trains with, and what predict and export then apply unchanged.
 */
export function candidateScaling(train: SearchRows, task: Task, indicators: readonly number[]) {
  return fitScaling(train.x, task === 'regression' ? train.y : undefined, indicators);
}

/**
 * Runs one task in this thread: the candidate's full-length run on the fold (continued from
 * task.resume), cut after task.epochs epochs. A cut run is scored as a run of task.epochs epochs ends:
 * on the best epoch's weights when early stopping keeps them (its state is taken before).
 */
export function runTask(data: SearchData, task: SearchTask): TaskResult {
  const start = performance.now();
  const { train, val } = splitFold(data, task.fold);
  const c = task.candidate;
  const options: CandidateRunOptions = {
    epochs: Math.max(c.epochs, task.epochs),
    seed: task.seed,
    validation: val,
    ...(data.classWeight !== undefined ? { classWeight: data.classWeight } : {}),
    indicators: data.indicators,
  };
  const stopped = searchEarlyStopping(c) !== false;
  // validation rows only where early stopping watches them (see foldLoss)
  const run = candidateRun(c, train, data.task, {
    ...options,
    ...(stopped ? {} : { validation: undefined }),
    ...(task.resume ? { resume: task.resume } : {}),
  });
  const lbfgs = c.optimizer === 'lbfgs';
  const settled = () => lbfgs && lbfgsSettled(run.history.loss);
  try {
    run.run((r) => r.position.epoch >= task.epochs || settled());
  } catch (e) {
    if (!(e instanceof DivergenceError)) throw e;
    const diverged = { score: Number.NEGATIVE_INFINITY, loss: Number.POSITIVE_INFINITY, bestEpoch: 0 };
    return { ...diverged, seconds: (performance.now() - start) / 1000, ended: true };
  }
  // a converged L-BFGS run has ended: any longer cut gives this result, so no rung continues it
  const ended = run.done || settled();
  let state: RunState | undefined;
  if (!ended) {
    const checkpoint = run.checkpoint();
    if (task.keep) state = { checkpoint, params: Array.from(run.network.params) };
    // what the run's end does (TrainingRun.finish): the best epoch's weights back, when kept
    const best = checkpoint.earlyStopping.bestParams;
    if (best) run.network.params.set(best);
  }
  const loss = stopped ? undefined : foldLoss(run.network, c, train, options);
  return {
    ...scoreRun(data, run, c, train, val, loss),
    seconds: (performance.now() - start) / 1000,
    ended,
    ...(state ? { state } : {}),
  };
}

/** A finished or cut run's fold score, its loss at the best epoch (given: `lastLoss`, the loss at its end), and that epoch. */
function scoreRun(
  data: SearchData,
  run: TrainingRun,
  c: Candidate,
  train: SearchRows,
  val: SearchRows,
  lastLoss?: number,
) {
  const metric = searchMetric(data.task);
  const score = computeMetrics([metric], run.network.predict(val.x), val.y, scoreWeights(data, train, val))[
    metric
  ];
  const { history } = run;
  const stopped = searchEarlyStopping(c) !== false;
  const best =
    (stopped ? history.valLoss[history.bestEpoch - 1] : undefined) ??
    lastLoss ??
    history.valLoss.at(-1) ??
    Number.NaN;
  return {
    score: Number.isFinite(score) ? score : Number.NEGATIVE_INFINITY,
    loss: Number.isFinite(best) ? best : Number.POSITIVE_INFINITY,
    bestEpoch: stopped ? history.bestEpoch : history.epochs,
  };
}
