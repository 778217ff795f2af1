// autoFit's search on a large table (at least `largeRows` rows, default 10,000): the grid of
// autofit-space.ts is screened on a small seeded sample, its best few are promoted to a larger sample
// trained the way the refit will train, and the winner is refitted in mini-batches on every row but a
// held-out tenth. Not the small-table search: below largeRows nothing here runs (autofit.ts).
//
// Why: the small-table search trains full-batch (L-BFGS, or Adam for hundreds of epochs) on up to
// maxSearchRows rows, and its refit runs full-batch on every row: on 100,000 rows × 10 inputs that
// took ~344 s of CPU and ~950 MB for a test R² of 0.960, where scikit-learn's MLPRegressor (Adam,
// batch 200, early stopping off) takes ~5 s. On a large table a mini-batch pass over the rows is
// worth many full-batch iterations, and ranking the grid needs no more than a few thousand rows.
//
// The stages (largeSearch's numbers):
// 1. screen: the small-table search (successive halving over the grid, one validation split of a fifth,
//    as autofit.ts does at 2,000 rows) on a seeded sample of `screenRows` rows;
// 2. promote: its best `promoted` candidates train on a seeded sample of `promoteRows` rows (a
//    stratified tenth held out) as the refit will — mini-batch Adam, batch `batchSize`, early stopping
//    with patience `patience`, the best weights restored — and the best held-out score wins (then the
//    lower held-out loss, then the screen's order). The tasks run on the search's pool: bit-identical
//    with any number of workers;
// 3. refit (autoFit, or the CLI's run): the winner as largeCandidate sets it on every row but a stratified
//    tenth held out (early stopping on it, best weights restored), the held-out score reported.
// Each mini-batch run: epochs = round(updates / batches per epoch) clamped to [minEpochs, maxEpochs]
// (about 40,000 updates, as many as 200 full-batch-equivalent epochs give a 16,000-row sample), and
// L2 λ·batchSize/rows: the penalty is λ/(2m)·Σw² per batch of m rows (README: Penalties), so a
// mini-batch run at λ·m/rows penalizes the weights per row as the full-batch run at λ did in the screen.
//
// Budget: the screen gets defaultBudget of its sample (or, with a budget given, what the budget leaves
// after the promote and refit stages as predicted); the stages after it are sized by rows alone. All of
// it is predicted at autofit.ts's fixed reference speed, never read from a clock: a seed gives the same
// model on any machine.

import type { Task } from '../data/task.js';
import { checkNumber } from '../errors.js';
import { toMatrix, type Matrix, type MatrixLike } from '../matrix.js';
import { inferTask, oneHotLabels } from './auto.js';
import {
  candidateRun,
  scoreWeights,
  searchMetric,
  splitFold,
  type SearchData,
  type TaskResult,
} from './autofit-eval.js';
import { SearchPool } from './autofit-pool.js';
import { assignFolds, budgetReference, describeCandidate, type Candidate } from './autofit-space.js';
import {
  availableCores,
  checkIndicators,
  defaultBudget,
  referenceSeconds,
  referenceThreads,
  sampleRows,
  searchSmall,
  searchWeights,
  type AutoFitOptions,
  type AutoFitResult,
  type LeaderboardEntry,
  type ModelSearch,
} from './autofit.js';
import { computeMetrics } from './metrics.js';

/** The large-table search's fixed numbers (see the top of this file). */
export const largeSearch = {
  /** rows from which a table is large (AutoFitOptions.largeRows) */
  rows: 10_000,
  screenRows: 2_000,
  promoteRows: 16_000,
  promoted: 3,
  batchSize: 64,
  patience: 10,
  /** updates a mini-batch run aims for, its epochs clamped to [minEpochs, maxEpochs] */
  updates: 40_000,
  minEpochs: 10,
  maxEpochs: 100,
  /** the share of rows held out to stop on and to score (promote stage and refit) */
  heldOut: 0.1,
  /** Adam's rate for a promoted candidate screened with L-BFGS */
  learningRate: 1e-3,
} as const;

/** How a large table was searched: saved in the model file (SearchSettings.large) and in --json. */
export interface LargeSettings {
  /** the largeRows threshold the table reached, and its rows */
  threshold: number;
  rows: number;
  screen: { rows: number; candidates: number; budget: number; seconds: number };
  promote: {
    rows: number;
    heldOut: number;
    batchSize: number;
    epochs: number;
    patience: number;
    seconds: number;
    /** each promoted candidate (its screened configuration), its held-out score and loss, its best epoch */
    results: { name: string; score: number; loss: number; bestEpoch: number }[];
  };
  /** the winner as screened (its λ the full-batch one); the refit trains largeCandidate of it */
  winner: Candidate;
  refit: { heldOut: number; batchSize: number; epochs: number; patience: number; weightDecay: number };
  /** predicted seconds of each stage at the reference speed */
  predicted: { screen: number; promote: number; refit: number };
}

/** True when a table of `rows` rows is searched as a large one (largeRows: default largeSearch.rows). */
export function isLarge(rows: number, largeRows?: number): boolean {
  const threshold = checkNumber('largeRows', largeRows ?? largeSearch.rows, { integer: true, min: 1 });
  return rows >= threshold;
}

/** Epochs of a mini-batch run on `rows` training rows: about largeSearch.updates updates, clamped. */
export function largeEpochs(rows: number): number {
  const { updates, batchSize, minEpochs, maxEpochs } = largeSearch;
  const batches = Math.ceil(rows / batchSize);
  return Math.min(maxEpochs, Math.max(minEpochs, Math.round(updates / batches)));
}

/**
 * Candidate c (as screened) trained in mini-batches on `rows` training rows: Adam (at c's rate, or
 * largeSearch.learningRate for an L-BFGS candidate), batch 64, early stopping, λ·64/rows.
 */
export function largeCandidate(c: Candidate, rows: number): Candidate {
  const { batchSize, patience } = largeSearch;
  return {
    layers: c.layers,
    activation: c.activation,
    weightDecay: (c.weightDecay * batchSize) / rows,
    optimizer: 'adam',
    learningRate:
      c.optimizer === 'adam' ? (c.learningRate ?? largeSearch.learningRate) : largeSearch.learningRate,
    epochs: largeEpochs(rows),
    batchSize,
    patience,
    ...(c.unscaledIndicators ? { unscaledIndicators: true } : {}),
  };
}

/** Rows a run on `rows` rows trains on once a tenth is held out. */
function trainPart(rows: number): number {
  return rows - Math.round(rows * largeSearch.heldOut);
}

/** Predicted seconds (reference speed) of the promote stage and the refit, for candidate c. */
function laterStages(c: Candidate, rows: number, inputs: number, outputs: number) {
  const promoteTrain = trainPart(Math.min(largeSearch.promoteRows, rows));
  const promoteOne = referenceSeconds(largeCandidate(c, promoteTrain), promoteTrain, inputs, outputs);
  const refitTrain = trainPart(rows);
  return {
    promote: (largeSearch.promoted * promoteOne) / referenceThreads,
    refit: referenceSeconds(largeCandidate(c, refitTrain), refitTrain, inputs, outputs),
  };
}

/**
 * The default budget of a large table: the screen's (defaultBudget of its sample) plus the promote
 * stage and the refit predicted for the grid's typical network (budgetReference, two tanh layers of 64)
 * at the reference speed. 138 s at 100,000 rows × 10 inputs, 176 s at 1,000,000.
 */
export function largeBudget(rows: number, inputs: number, outputs = 1): number {
  const screen = defaultBudget(Math.min(largeSearch.screenRows, rows), inputs);
  const later = laterStages(budgetReference, rows, inputs, outputs);
  return Math.round(screen + later.promote + later.refit);
}

/** The held-out tenth of `y`'s rows as folds: 0 held out, -1 trained on (stratified by class). */
function heldOutFolds(y: Matrix, task: Task, seed: number): Int32Array {
  const parts = Math.round(1 / largeSearch.heldOut);
  return assignFolds(y, task, parts, seed).map((f) => (f === 0 ? 0 : -1));
}

/** The search of a large table (see the top of this file): the winner, as largeCandidate sets it for autoFit's refit. */
export async function searchLarge(X: Matrix, y: MatrixLike, options: AutoFitOptions): Promise<ModelSearch> {
  const started = performance.now();
  const Y = toMatrix(y, 'y');
  const task = options.task ?? inferTask(Y);
  const labels = oneHotLabels(Y, task);
  const seed = checkNumber('seed', options.seed ?? 42, { integer: true, min: 0 });
  const rows = X.rows;
  const outputs = labels.y.cols;
  const threshold = options.largeRows ?? largeSearch.rows;
  const screenRows = Math.min(largeSearch.screenRows, rows);
  const planned = laterStages(budgetReference, rows, X.cols, outputs);
  const budget =
    options.budget === undefined
      ? largeBudget(rows, X.cols, outputs)
      : checkNumber('budget', options.budget, { min: 0, exclusiveMin: true });
  const screenBudget =
    options.budget === undefined
      ? defaultBudget(screenRows, X.cols)
      : Math.max(1, budget - planned.promote - planned.refit);

  // 1. screen: the small-table search on a seeded sample, its labels and weights as given
  const given = options.sampleWeight;
  const raw = { x: X, y: Y, sampleWeight: given === undefined ? null : Float64Array.from(given) };
  const screenSample = sampleRows(raw, screenRows, seed);
  const screen = await searchSmall(screenSample.x, screenSample.y, {
    ...options,
    task,
    seed,
    budget: screenBudget,
    ...(screenSample.sampleWeight ? { sampleWeight: screenSample.sampleWeight } : {}),
  });

  // 2. promote: the best few trained as the refit will be, on a larger sample with a tenth held out
  const promoteStart = performance.now();
  const all = { x: X, y: labels.y, ...searchWeights(options, labels, task) };
  const promoteRows = Math.min(largeSearch.promoteRows, rows);
  const sample = promoteRows < rows ? sampleRows(all, promoteRows, seed) : all;
  const folds = heldOutFolds(sample.y, task, seed);
  const indicators = checkIndicators(options.indicators, X);
  const data: SearchData = { ...sample, task, folds, indicators };
  const trainRows = folds.reduce((n, f) => n + (f === -1 ? 1 : 0), 0);
  const finalists = screen.leaderboard.slice(0, largeSearch.promoted);
  const candidates = finalists.map((e) => largeCandidate(e.candidate, trainRows));
  const workers = Math.min(options.workers ?? Math.min(4, await availableCores()), candidates.length);
  const pool = await SearchPool.open(data, workers);
  let results: TaskResult[];
  try {
    results = await pool.run(
      candidates.map((candidate) => ({ candidate, fold: 0, epochs: candidate.epochs, seed })),
    );
  } finally {
    await pool.close();
  }
  const order = finalists
    .map((_, i) => i)
    .sort((a, b) => results[b].score - results[a].score || results[a].loss - results[b].loss || a - b);
  const promoteSeconds = (performance.now() - promoteStart) / 1000;

  const winner = finalists[order[0]].candidate;
  const chosen = largeCandidate(winner, trainPart(rows));
  const later = laterStages(winner, rows, X.cols, outputs);
  const board = largeBoard(finalists, candidates, results, order, screen.leaderboard);
  const large: LargeSettings = {
    threshold,
    rows,
    screen: {
      rows: screenRows,
      candidates: screen.search.candidates,
      budget: screenBudget,
      seconds: screen.search.seconds,
    },
    promote: {
      rows: promoteRows,
      heldOut: promoteRows - trainRows,
      batchSize: largeSearch.batchSize,
      epochs: largeEpochs(trainRows),
      patience: largeSearch.patience,
      seconds: promoteSeconds,
      results: finalists.map((e, i) => ({
        name: e.name,
        score: results[i].score,
        loss: results[i].loss,
        bestEpoch: results[i].bestEpoch,
      })),
    },
    winner,
    refit: {
      heldOut: largeSearch.heldOut,
      batchSize: largeSearch.batchSize,
      epochs: chosen.epochs,
      patience: largeSearch.patience,
      weightDecay: chosen.weightDecay,
    },
    predicted: { screen: screen.search.predicted, promote: later.promote, refit: later.refit },
  };
  const searched = screen.search.predicted + later.promote;
  return {
    ...screen,
    chosen,
    leaderboard: board,
    search: {
      ...screen.search,
      budget,
      seed,
      workers: Math.max(screen.search.workers, workers),
      predicted: searched,
      refit: `all rows but a held-out tenth, mini-batch Adam (batch ${largeSearch.batchSize}) for at most ${chosen.epochs} epochs, early stopping (patience ${largeSearch.patience}) with the best weights restored`,
      plan: {
        epochs: chosen.epochs,
        wanted: chosen.epochs,
        cap: chosen.epochs,
        search: searched,
        refit: later.refit,
      },
      seconds: (performance.now() - started) / 1000,
      large,
    },
  };
}

/**
 * The leaderboard of a large search: the promoted candidates first, by their held-out score on the
 * promote sample (one score each), then the rest of the screen's board in its order.
 */
function largeBoard(
  finalists: LeaderboardEntry[],
  candidates: Candidate[],
  results: TaskResult[],
  order: number[],
  screened: LeaderboardEntry[],
): LeaderboardEntry[] {
  const promoted = order.map((i) => ({
    ...finalists[i],
    name: describeCandidate(finalists[i].candidate),
    candidate: candidates[i],
    scores: [results[i].score],
    mean: results[i].score,
    std: 0,
    loss: results[i].loss,
    epochs: candidates[i].epochs,
    bestEpoch: results[i].bestEpoch,
    seconds: finalists[i].seconds + results[i].seconds,
  }));
  return [...promoted, ...screened.slice(finalists.length)].map((e, i) => ({ ...e, rank: i + 1 }));
}

/**
 * autoFit's refit of a large search's winner (result.chosen): on every row but a stratified tenth held
 * out, mini-batch Adam with early stopping on it, the best weights restored; the held-out score
 * (its rows weighted as the search's folds are).
 */
export function refitLarge(
  X: Matrix,
  y: MatrixLike,
  result: ModelSearch,
  options: AutoFitOptions,
): Pick<AutoFitResult, 'network' | 'history' | 'heldOut'> {
  const { task } = result;
  const seed = result.search.seed;
  const labels = oneHotLabels(toMatrix(y, 'y'), task);
  const weights = searchWeights(options, labels, task);
  const folds = heldOutFolds(labels.y, task, seed);
  const data: SearchData = { x: X, y: labels.y, task, folds, indicators: [], ...weights };
  const { train, val } = splitFold(data, 0);
  const run = candidateRun(result.chosen, train, task, {
    epochs: result.chosen.epochs,
    seed,
    validation: val,
    ...(weights.classWeight !== undefined ? { classWeight: weights.classWeight } : {}),
    indicators: checkIndicators(options.indicators, X),
  });
  run.run();
  const metric = searchMetric(task);
  // weighted as the search's folds are (scoreWeights): with classWeight 'balanced', balanced accuracy
  const weighting = scoreWeights(data, train, val);
  const score = computeMetrics([metric], run.network.predict(val.x), val.y, weighting)[metric];
  return {
    network: run.network,
    history: run.history,
    heldOut: { metric, score, rows: val.x.rows },
  };
}
