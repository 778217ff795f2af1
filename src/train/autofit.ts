// autoFit(x, y, options): automatic model selection within a time budget. A grid of candidates
// (autofit-space.ts: the linear / logistic model, one and two hidden layers, tanh and relu, L2 over
// several decades, L-BFGS and Adam) scored by k-fold cross-validation (5 folds below 2,000 rows, one
// validation split of a fifth above), with successive halving: every candidate trains for a ninth of
// its epochs, the best third (two at least) for a third, the best third of those (two at least) in
// full (Adam stopping early on the fold each time, L-BFGS to convergence); each rung continues the runs
// the previous one cut (autofit-eval.ts RunState), with the bits of runs trained afresh. Ranked by
// mean fold score (R² or accuracy), then mean fold loss, then grid order.
//
// Determinism: a task (candidate, fold, epochs, seed) is pure, results are collected by task index,
// and the grid is fixed before any task runs — so the result is bit-identical for a seed whatever the
// number of workers. The budget acts once, up front: it keeps the longest prefix of the grid whose
// predicted time (cost units of autofit-space.ts at a fixed reference speed, `referenceSpeed`, never
// a clock) fits; the first six candidates always run. So the grid, and the result, depend on the
// data, the seed and the budget only — the same on every machine and under any load. The search's
// actual time is reported, not enforced.
//
// Rows: a table too large for the budget, or above maxSearchRows (the memory of tasks running at once),
// is searched on a seeded sample of its rows; the refit then trains on every row.
//
// Refit: the winner is trained again on all rows (no rows held back, no early stopping), as
// scikit-learn's GridSearchCV refits on all rows: Adam for the mean of its folds' best epochs, L-BFGS
// for its full iterations (it ran to convergence on the folds too) — within the budget: the budget
// covers the search and the refit (planRefit). The refit's epochs are capped by what the budget
// leaves after the search as it runs, both predicted at the reference speed, never read from a clock.
//
// Weights (sampleWeight, classWeight as fit takes them): every candidate trains with its folds' rows'
// weights, each fold is scored with its rows weighted as in the loss (autofit-eval.ts scoreWeights:
// with classWeight 'balanced', balanced accuracy), the baseline is the sample-weighted mean /
// majority scored the same way, and the refit uses them too; without them nothing changes.

import type { Task } from '../data/task.js';
import { OptionError, checkNumber, checkOptionNames, shown } from '../errors.js';
import { gatherRows, toMatrix, zeros, type Matrix, type MatrixLike } from '../matrix.js';
import { Random } from '../random.js';
import type { Network } from '../nn/network.js';
import { inferTask, oneHotLabels } from './auto.js';
import {
  candidateRun,
  scoreWeights,
  searchMetric,
  splitFold,
  type SearchData,
  type SearchTask,
  type TaskResult,
} from './autofit-eval.js';
import { SearchPool } from './autofit-pool.js';
import {
  assignFolds,
  candidateCost,
  candidateEpochs,
  candidateParams,
  describeCandidate,
  alwaysSearched,
  budgetReference,
  budgetRuns,
  searchGrid,
  type Candidate,
} from './autofit-space.js';
import { defaultBatchSize } from './fit-options.js';
import { autoChunks, autoThreads } from './parallel-auto.js';
import { isLarge, largeBudget, refitLarge, searchLarge, type LargeSettings } from './autofit-large.js';
import type { History } from './fit-types.js';
import { computeMetrics } from './metrics.js';
import {
  checkWeightOptions,
  weightedBaselinePredictions,
  type CheckedWeights,
  type WeightOptions,
} from './sample-weights.js';

export interface AutoFitOptions extends WeightOptions {
  /** overrides inferTask(y) */
  task?: Task;
  /**
   * seconds the search and the refit on all rows may take at the reference speed: sizes the grid (and
   * the search's sample) up front, then caps the refit's epochs (default defaultBudget(rows, inputs))
   */
  budget?: number;
  /** seed of the folds and of every candidate's weights and shuffles (default 42) */
  seed?: number;
  /** cross-validation folds (default 5 below 2,000 rows; 1 = one validation split of a fifth) */
  folds?: number;
  /**
   * worker threads of the search (default: up to 4 on the available cores when the search is predicted
   * to take over 2 s; 0 = this thread; at most the available cores). The result is the same with any number.
   */
  workers?: number;
  /** the grid to search, replacing the budget's choice of stages (epochs filled in when 0) */
  candidates?: Candidate[];
  /**
   * input columns that are 0/1 indicators (one-hot categories): a candidate with unscaledIndicators
   * leaves them as they are (mean 0 / std 1 in its scaling); others standardize them as every input
   */
  indicators?: readonly number[];
  /**
   * rows from which the table is searched as a large one (autofit-large.ts: a 2,000-row sample screened,
   * the best 3 promoted to 16,000 rows in mini-batches, the refit in mini-batches with early stopping on
   * a tenth held out); default 10,000
   */
  largeRows?: number;
  /** called as each successive-halving rung ends (a long search is not silent): its number from 1, of how many, and what it ran */
  onRung?: (rung: number, of: number, ran: SearchSettings['rungs'][number]) => void;
}

/** One candidate's line of the leaderboard: its scores at the last rung it reached. */
export interface LeaderboardEntry {
  rank: number;
  name: string;
  candidate: Candidate;
  /** R² or accuracy on each fold */
  scores: number[];
  mean: number;
  std: number;
  /** mean loss on the folds at the best epochs (breaks ties of mean score) */
  loss: number;
  /** the epochs it trained for at its last rung, and the mean epoch early stopping kept */
  epochs: number;
  bestEpoch: number;
  /** seconds of training summed over its folds and rungs */
  seconds: number;
}

/** How the search ran: saved in model files beside the chosen configuration. */
export interface SearchSettings {
  metric: string;
  folds: number;
  budget: number;
  seed: number;
  workers: number;
  /** candidates in the grid, and how many the budget's stages left out */
  candidates: number;
  skipped: number;
  /** the search's seconds as predicted when the grid was chosen */
  predicted: number;
  /** epochs fraction, candidates and seconds (wall) of each successive-halving rung */
  rungs: { fraction: number; candidates: number; seconds: number }[];
  refit: string;
  /** the refit's epochs and the predicted seconds the budget was split into (planRefit) */
  plan: RefitPlan;
  seconds: number;
  /**
   * with indicator inputs (AutoFitOptions.indicators) and k > 1 folds: the winner scored again with them
   * 0/1 — the mean of its paired fold differences (0/1 minus standardized), the margin it had to exceed
   * (their standard error, at least indicatorFloor), and the inputs chosen
   */
  indicators?: { inputs: number; difference: number; margin: number; chosen: '0/1' | 'standardized' };
  /** with weights (fold scores then weight each row as the loss does): whether rows have their own weights, and the classWeight (by class index) */
  weighted?: { sampleWeight: boolean; classWeight?: WeightOptions['classWeight'] };
  /** when the search trained on a seeded sample of the rows (see searchRowCount): its rows, and all rows */
  sample?: { rows: number; of: number };
  /** a large table's search (autofit-large.ts): its stages and the refit it planned */
  large?: LargeSettings;
}

export interface AutoFitResult extends ModelSearch {
  /** the chosen candidate trained on all rows (a large table: all but its held-out tenth) */
  network: Network;
  history: History;
  /** a large table's refit: the metric on its held-out rows (the best epoch's weights), and their count */
  heldOut?: { metric: string; score: number; rows: number };
}

/** Rows from which one validation split replaces k-fold cross-validation. */
export const crossValidationRows = 2000;
const rungFractions = [1 / 9, 1 / 3, 1];

/** Candidates kept after a rung of n: the best third, but two at least (one finalist decides too early). */
function survivors(n: number): number {
  return Math.min(n, Math.max(2, Math.ceil(n / 3)));
}

/**
 * The share of the grid's full-length cost successive halving trains (for an average candidate), each
 * rung counted from the start: the budget's measure since before rungs continued their runs (which
 * train about three quarters of it), kept so that a budget keeps the same grid as before.
 */
function halvingShare(n: number): number {
  let alive = n;
  let share = 0;
  for (const [r, fraction] of rungFractions.entries()) {
    share += alive * fraction;
    if (r < rungFractions.length - 1) alive = survivors(alive);
  }
  return share / n;
}

/**
 * The default budget in seconds: rows × (inputs + 1) / 200, at least 10 and at most 300 — the cost of
 * a candidate grows with rows × inputs (10 s for 500 rows of one input, ~50 s for 800 rows of 12).
 * The floor of 10 s keeps the relu L-BFGS candidates on a small table of one input (18 of the grid
 * for 320 rows, 25 for 240): at 5 s it searched the first 10 (no relu), which lost bench:quality's
 * sawtooth (CV R² 0.933 for 64 tanh against 0.972 for 64 relu, λ = 0.01).
 * Wide tables: at most `budgetRuns` full-length runs of budgetReference on four fifths of the rows,
 * predicted at the reference speed. A candidate's cost grows with rows × parameters, and the
 * parameters of a 64-unit layer grow far slower than inputs + 1: 30 inputs had 25 such runs (all
 * 44 candidates, Adam's long full-batch runs the most of the time), 64 had 37, where 8–12 inputs
 * have 10–12. The cap binds from about 11 inputs on, so narrower tables keep their budget.
 * A table of at least `largeRows` rows (default 10,000) takes autofit-large.ts's largeBudget instead.
 */
export function defaultBudget(rows: number, inputs: number, largeRows?: number): number {
  if (isLarge(rows, largeRows)) return largeBudget(rows, inputs);
  const trainRows = Math.round(rows * 0.8);
  const reference = { ...budgetReference, epochs: candidateEpochs(budgetReference, trainRows) };
  const runs = budgetRuns * referenceSeconds(reference, trainRows, inputs, 1);
  return Math.round(Math.min(300, Math.max(10, Math.min((rows * (inputs + 1)) / 200, runs))));
}

/** The search without the refit: what was chosen and why (autoFit, and the CLI, which refits its own way). */
export interface ModelSearch {
  task: Task;
  classes?: number[];
  /** the winner, with the epochs a refit on all rows trains for */
  chosen: Candidate;
  leaderboard: LeaderboardEntry[];
  search: SearchSettings;
  /** mean fold scores of the trivial baseline (training mean / class prior) and of the best linear candidate */
  reference: { baseline: number; linear: number | null };
}

/** Chooses a model for x → y by cross-validated search (see the top of this file) and refits it on all rows. */
export async function autoFit(
  x: MatrixLike,
  y: MatrixLike,
  options: AutoFitOptions = {},
): Promise<AutoFitResult> {
  const started = performance.now();
  const result = await searchModels(x, y, options);
  if (result.search.large) {
    const refit = refitLarge(toMatrix(x, 'x'), y, result, options);
    const search = { ...result.search, seconds: (performance.now() - started) / 1000 };
    return { ...result, ...refit, search };
  }
  const labels = oneHotLabels(toMatrix(y, 'y'), result.task);
  const weights = searchWeights(options, labels, result.task);
  const rows = {
    x: toMatrix(x, 'x'),
    y: labels.y,
    ...(weights.sampleWeight ? { sampleWeight: weights.sampleWeight } : {}),
  };
  const run = candidateRun(result.chosen, rows, result.task, {
    epochs: result.chosen.epochs,
    seed: result.search.seed,
    ...(weights.classWeight !== undefined ? { classWeight: weights.classWeight } : {}),
    indicators: checkIndicators(options.indicators, rows.x),
  });
  run.run();
  const search = { ...result.search, seconds: (performance.now() - started) / 1000 };
  return { ...result, network: run.network, history: run.history, search };
}

/**
 * The refit's rows per update: all rows when the folds (trainRows each) trained full-batch — always
 * for L-BFGS, a full-batch method — else the folds' mini-batch.
 */
function refitBatchSize(best: Candidate, trainRows: number, rows: number): number {
  if (best.optimizer === 'lbfgs') return rows;
  const folds = defaultBatchSize(trainRows);
  return folds === trainRows ? rows : folds;
}

/**
 * The winner's refit: its batch size and its plan (planRefit) — the epochs the search chose (Adam: the
 * folds' mean best epoch; L-BFGS: its full iterations), capped by the budget left after the search of
 * `grid` on k folds of trainRows rows as it runs.
 */
function winnerPlan(
  winner: LeaderboardEntry,
  grid: Candidate[],
  sizes: { k: number; trainRows: number; rows: number; inputs: number; outputs: number },
  budget: number,
): { plan: RefitPlan; batchSize: number } {
  const { k, trainRows, rows, inputs, outputs } = sizes;
  const best = winner.candidate;
  const wanted = best.optimizer === 'lbfgs' ? best.epochs : Math.max(1, Math.round(winner.bestEpoch));
  const batchSize = refitBatchSize(best, trainRows, rows);
  const searched = predictedSeconds(grid, k, trainRows, inputs, outputs, continuedShare) / referenceThreads;
  const plan = planRefit({ ...best, epochs: wanted, batchSize }, rows, inputs, outputs, {
    budget,
    search: searched,
  });
  return { plan, batchSize };
}

/**
 * The search of autoFit: the leaderboard and the chosen candidate, not trained on all rows yet. A table
 * of at least `largeRows` rows is searched by autofit-large.ts (a sample screened, the best promoted).
 */
export async function searchModels(
  x: MatrixLike,
  y: MatrixLike,
  options: AutoFitOptions = {},
): Promise<ModelSearch> {
  const checked = await checkAutoFitOptions(options);
  const X = toMatrix(x, 'x');
  if (isLarge(X.rows, checked.largeRows)) return searchLarge(X, y, checked);
  return searchSmall(X, y, checked);
}

/** Every AutoFitOptions name (the compiler keeps the list complete): autoFit refuses others. */
const autoFitOptionNames: Readonly<Record<keyof AutoFitOptions, true>> = {
  task: true,
  budget: true,
  seed: true,
  folds: true,
  workers: true,
  candidates: true,
  indicators: true,
  largeRows: true,
  onRung: true,
  sampleWeight: true,
  classWeight: true,
};

/**
 * The options with their names checked and `workers` an integer ≥ 0, at most the available cores: the
 * search is the same with any number of workers, so more threads than cores would only cost memory
 * (each holds the data and a WebAssembly runtime).
 */
async function checkAutoFitOptions(options: AutoFitOptions): Promise<AutoFitOptions> {
  if (options === null || typeof options !== 'object')
    throw new OptionError(`autoFit options must be an object, got ${shown(options)}`, 'options');
  checkOptionNames('autoFit option', options, autoFitOptionNames);
  if (options.workers === undefined) return options;
  const workers = checkNumber('workers', options.workers, { integer: true, min: 0 });
  return { ...options, workers: Math.min(workers, Math.max(1, await availableCores())) };
}

/** The search of a table below largeRows rows (and of a large table's screening sample). */
export async function searchSmall(
  X: Matrix,
  y: MatrixLike,
  options: AutoFitOptions = {},
): Promise<ModelSearch> {
  const started = performance.now();
  const task = options.task ?? inferTask(y);
  const labels = oneHotLabels(toMatrix(y, 'y'), task);
  const seed = checkNumber('seed', options.seed ?? 42, { integer: true, min: 0 });
  const k = resolveFolds(options.folds, X.rows);
  const budget = checkNumber('budget', options.budget ?? defaultBudget(X.rows, X.cols), {
    min: 0,
    exclusiveMin: true,
  });
  const all = { x: X, y: labels.y, ...searchWeights(options, labels, task) };
  const fitting = options.candidates ? X.rows : searchRowCount(X.rows, X.cols, labels.y.cols, k, budget);
  const n = Math.min(fitting, maxSearchRows);
  const { x: searchX, y: searchY, ...weights } = n < X.rows ? sampleRows(all, n, seed) : all;
  const folds = assignFolds(searchY, task, k, seed);
  const indicators = checkIndicators(options.indicators, X);
  const data: SearchData = { x: searchX, y: searchY, task, folds, indicators, ...weights };
  const trainRows = foldTrainRows(n, k);
  const cores = options.workers ?? Math.min(4, await availableCores());
  const grid = chooseGrid(data, k, budget, trainRows, options, cores);
  const pool = await SearchPool.open(data, grid.workers);
  let halved: Awaited<ReturnType<typeof halving>>;
  let check: IndicatorCheck | null = null;
  try {
    halved = await halving(pool, grid.candidates, k, seed, options.onRung);
    if (indicators.length > 0 && k > 1 && !grid.candidates.some((c) => c.unscaledIndicators))
      check = await indicatorCheck(pool, halved.board, k, seed);
  } finally {
    await pool.close();
  }
  const { rungs } = halved;
  const board = check ? withVariant(halved.board, check) : halved.board;
  const best = board[0].candidate;
  const sizes = { k, trainRows, rows: X.rows, inputs: X.cols, outputs: labels.y.cols };
  const { plan, batchSize } = winnerPlan(board[0], grid.candidates, sizes, budget);
  const { epochs, wanted } = plan;
  const search: SearchSettings = {
    metric: searchMetric(task),
    folds: k,
    budget,
    seed,
    workers: grid.workers,
    candidates: grid.candidates.length,
    skipped: grid.skipped,
    predicted: grid.predicted,
    rungs,
    refit: `all rows, ${epochs} ${best.optimizer === 'lbfgs' ? 'iterations at most' : 'epochs (the mean best epoch of the folds)'}${epochs < wanted ? ` (capped by the budget from ${wanted})` : ''}`,
    plan,
    seconds: (performance.now() - started) / 1000,
    ...weightedSettings(options, weights),
    ...(check ? { indicators: { inputs: indicators.length, ...check.settings } } : {}),
    ...(n < X.rows ? { sample: { rows: n, of: X.rows } } : {}),
  };
  return {
    task,
    ...(labels.classes ? { classes: labels.classes } : {}),
    chosen: { ...best, epochs, batchSize },
    leaderboard: board,
    search,
    reference: {
      baseline: baselineScore(data, k),
      linear: board.find((e) => e.candidate.layers.length === 0)?.mean ?? null,
    },
  };
}

/**
 * The trivial baseline's mean fold score: the training folds' (sample-weighted) mean or class prior,
 * scored on each fold as the candidates are (scoreWeights).
 */
function baselineScore(data: SearchData, k: number): number {
  const metric = searchMetric(data.task);
  let sum = 0;
  for (let fold = 0; fold < k; fold++) {
    const { train, val } = splitFold(data, fold);
    const predicted = weightedBaselinePredictions(train.y, train.sampleWeight ?? null, val.y.rows);
    sum += computeMetrics([metric], predicted, val.y, scoreWeights(data, train, val))[metric];
  }
  return sum / k;
}

/** The search's weights, checked: sampleWeight (null when constant), classWeight by class index (labels: y's classes). */
export function searchWeights(
  options: AutoFitOptions,
  labels: { y: Matrix; classes?: number[] },
  task: Task,
) {
  if (options.sampleWeight === undefined && options.classWeight === undefined) return { sampleWeight: null };
  const names = labels.classes?.map(String);
  return checkWeightOptions(options, labels.y, task !== 'regression', names);
}

/** SearchSettings.weighted: present when weights were given. */
export function weightedSettings(
  options: AutoFitOptions,
  weights: CheckedWeights,
): Pick<SearchSettings, 'weighted'> {
  if (options.sampleWeight === undefined && options.classWeight === undefined) return {};
  const { classWeight } = weights;
  return {
    weighted: {
      sampleWeight: weights.sampleWeight !== null,
      ...(classWeight !== undefined ? { classWeight } : {}),
    },
  };
}

/** AutoFitOptions.indicators checked: distinct column indices of x whose values are all 0 or 1. */
export function checkIndicators(indicators: readonly number[] | undefined, x: Matrix): number[] {
  const columns = [...(indicators ?? [])];
  columns.forEach((c, i) => {
    checkNumber(`indicators[${i}]`, c, { integer: true, min: 0, max: x.cols - 1 });
    if (columns.indexOf(c) !== i) throw new OptionError(`indicators names column ${c} twice`, 'indicators');
    for (let r = 0; r < x.rows; r++) {
      const v = x.data[r * x.cols + c];
      if (v !== 0 && v !== 1)
        throw new OptionError(
          `indicators names column ${c}, which holds ${v} (row ${r}): indicators hold 0 or 1 only`,
          'indicators',
        );
    }
  });
  return columns;
}

function resolveFolds(folds: number | undefined, rows: number): number {
  const k = checkNumber('folds', folds ?? (rows < crossValidationRows ? 5 : 1), { integer: true, min: 1 });
  if (rows < 2 * Math.max(k, 5))
    throw new OptionError(
      `autoFit needs at least ${2 * Math.max(k, 5)} rows for ${k} fold(s), got ${rows}`,
      'folds',
    );
  return k;
}

/**
 * Threads the budget is read for: a fixed two (the reference machine's cores), never this machine's
 * count or `workers`, so that the grid — and so the model — is the same on a 1-, 2- or 16-core machine
 * and with any number of workers; more cores finish the same grid sooner.
 */
export const referenceThreads = 2;

/**
 * The grid the budget allows: the longest prefix of searchGrid whose predicted search time on
 * referenceThreads fits (at least its first alwaysSearched candidates), and the workers:
 * `options.workers`, else the available cores (up to 4) when the prediction exceeds 2 s on one thread
 * (starting workers costs a few hundred milliseconds each).
 */
function chooseGrid(
  data: SearchData,
  k: number,
  budget: number,
  trainRows: number,
  options: AutoFitOptions,
  cores: number,
): { candidates: Candidate[]; skipped: number; workers: number; predicted: number } {
  const withEpochs = (c: Candidate) => ({ ...c, epochs: c.epochs || candidateEpochs(c, trainRows) });
  const predict = (cs: Candidate[], threads: number) =>
    predictedSeconds(cs, k, trainRows, data.x.cols, data.y.cols) / Math.max(1, threads);
  let candidates: Candidate[];
  let skipped = 0;
  if (options.candidates) candidates = options.candidates.map(withEpochs);
  else {
    const grid = searchGrid().map(withEpochs);
    let n = alwaysSearched;
    while (n < grid.length && predict(grid.slice(0, n + 1), referenceThreads) <= budget) n++;
    candidates = grid.slice(0, n);
    skipped = grid.length - n;
  }
  if (candidates.length === 0)
    throw new OptionError('candidates must hold at least one configuration', 'candidates');
  const workers = options.workers ?? (predict(candidates, 1) > 2 ? cores : 0);
  return { candidates, skipped, workers, predicted: predict(candidates, workers) };
}

/**
 * Predicted seconds of one reference thread for a search of `cs` on k folds of trainRows rows; `share`
 * is the part of the grid's full-length cost the search trains (halvingShare: the budget's measure of
 * the grid; continuedShare: as the search runs).
 */
export function predictedSeconds(
  cs: Candidate[],
  k: number,
  trainRows: number,
  inputs: number,
  outputs: number,
  share = halvingShare,
): number {
  const seconds = cs.reduce((s, c) => s + referenceSeconds(c, trainRows, inputs, outputs), 0);
  return k * seconds * share(cs.length);
}

/**
 * The share of the grid's full-length cost successive halving trains as it runs, each rung continuing
 * the runs the previous one cut (its survivors train fraction − the previous fraction): about three
 * quarters of halvingShare, the rest of the budget left for the refit.
 */
function continuedShare(n: number): number {
  let alive = n;
  let share = 0;
  let before = 0;
  for (const [r, fraction] of rungFractions.entries()) {
    share += alive * (fraction - before);
    before = fraction;
    if (r < rungFractions.length - 1) alive = survivors(alive);
  }
  return share / n;
}

/** The fewest epochs (L-BFGS: iterations) the budget's cap leaves a refit: a budget spent on the search still gets a model. */
export const minRefitEpochs = 10;
/**
 * A refit predicted to take at most this share of the budget is never capped (a 300 × 250 linear
 * model's 500 L-BFGS iterations, ~0.2 s, had been cut to 10 under a 5 s budget the search overran:
 * R² 0.86 on new rows against 0.99 uncapped, while the summary showed the search's 0.93).
 */
export const cheapRefitShare = 0.25;

/** How the budget is spent: the refit's epochs, and the seconds predicted for the search and the refit. */
export interface RefitPlan {
  /** epochs (L-BFGS: iterations at most) the refit trains: `wanted`, or `cap` when fewer */
  epochs: number;
  /** the epochs the search chose: Adam the folds' mean best epoch, L-BFGS its full iterations */
  wanted: number;
  /** the most epochs the budget left after the search holds (at least minRefitEpochs) */
  cap: number;
  /** predicted seconds at the reference speed: the search as it runs, and the refit of `epochs` */
  search: number;
  refit: number;
}

/**
 * The refit's plan: `c` (its epochs those the search chose, its batchSize the refit's) on `rows` rows,
 * its epochs capped by what the budget leaves after the search's predicted seconds — each epoch
 * predicted at the reference speed over the threads TrainingRun's 'auto' workers run its batches on
 * (two when a batch is large enough to cut and the run long enough, parallel-auto.ts; the problem
 * decides, not the machine). So the cap depends on the data, the candidate and the budget only,
 * never on a clock.
 */
export function planRefit(
  c: Candidate,
  rows: number,
  inputs: number,
  outputs: number,
  spent: { budget: number; search: number },
): RefitPlan {
  const params = candidateParams(c, inputs, outputs);
  const chunked = autoChunks(c.batchSize ?? rows, params);
  const left = spent.budget - spent.search;
  const plan = (threads: number) => {
    const perEpoch = referenceSeconds({ ...c, epochs: 1 }, rows, inputs, outputs) / threads;
    // a refit that costs little of the budget runs whole, whatever the search spent: capping it would
    // save little time and leave the model far from the one the search scored
    const cheap = c.epochs * perEpoch <= cheapRefitShare * spent.budget;
    const cap = cheap ? c.epochs : Math.max(minRefitEpochs, Math.floor(left / perEpoch));
    const epochs = Math.min(c.epochs, cap);
    return { epochs, wanted: c.epochs, cap, search: spent.search, refit: epochs * perEpoch };
  };
  // two threads when the run, as capped over them, is still long enough to start a worker
  const threaded = chunked ? plan(referenceThreads) : null;
  return threaded && autoThreads(threaded.epochs * rows, params) ? threaded : plan(1);
}

/** Rows each fold trains on: four fifths with one validation split, else all but one fold. */
function foldTrainRows(rows: number, k: number): number {
  return k === 1 ? Math.round(rows * 0.8) : rows - Math.ceil(rows / k);
}

/** The fewest rows a search samples down to (crossValidationRows: below it, k-fold rules apply). */
export const minSampleRows = crossValidationRows;

/**
 * Rows the search trains on: all of them when the grid's first alwaysSearched candidates fit the
 * budget on all rows (at the reference speed, on referenceThreads), else the most rows that fit —
 * at least minSampleRows — found by bisection. A large table (say 100,000 rows) is then searched on
 * a seeded sample, and the chosen candidate refitted on every row: the search keeps to its budget.
 */
export function searchRowCount(
  rows: number,
  inputs: number,
  outputs: number,
  k: number,
  budget: number,
): number {
  const first = searchGrid().slice(0, alwaysSearched);
  const fits = (n: number) => {
    const t = foldTrainRows(n, k);
    const cs = first.map((c) => ({ ...c, epochs: c.epochs || candidateEpochs(c, t) }));
    return predictedSeconds(cs, k, t, inputs, outputs) / referenceThreads <= budget;
  };
  if (rows <= minSampleRows || fits(rows)) return rows;
  let lo = minSampleRows;
  let hi = rows;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The most rows a search trains on, whatever the budget: a larger table is searched on a seeded sample
 * of this many (then refitted on every row). A full-batch run keeps about 26 bytes per row and hidden
 * unit (forward values and gradients; 3.2 KB a row for 64-64), and the search runs several at once
 * (one per worker): at 100,000 rows two 64-64 tasks on their 80,000 training rows held 530 MB, the
 * search's peak 0.97 GB against the refit's 0.6 GB. At 32,000 rows a task holds at most about 85 MB
 * (64-64), so the search's peak no longer grows with the table; ranking candidates needs no more rows.
 */
export const maxSearchRows = 32_000;

/** n rows of x, y (and their sample weights) drawn without replacement by a seeded shuffle, in their order. */
export function sampleRows<T extends { x: Matrix; y: Matrix; sampleWeight: Float64Array | null }>(
  rows: T,
  n: number,
  seed: number,
): T {
  const order = new Random(seed).shuffle(Array.from({ length: rows.x.rows }, (_, i) => i));
  const picked = order.slice(0, n).sort((a, b) => a - b);
  const take = (m: Matrix) =>
    gatherRows(zeros(n, m.cols, m.data instanceof Float32Array ? 'float32' : 'float64'), m, picked);
  const w = rows.sampleWeight;
  return {
    ...rows,
    x: take(rows.x),
    y: take(rows.y),
    sampleWeight: w && Float64Array.from(picked, (i) => w[i]),
  };
}

/**
 * The reference speed the budget is read against, fixed so that the grid — and so the result — is the
 * same on every machine and under any load: seconds of one thread per cost unit, and per epoch of a
 * candidate (its fixed cost: batching, scaling, the optimizer's step). Calibrated on this project's
 * 2-core test machine by CPU time over one-layer tanh runs of 160–4,000 rows × 2–20 inputs (within
 * 1.5× of measured on each); a faster machine finishes the same search sooner.
 */
export const referenceSpeed = { secondsPerUnit: 8e-10, secondsPerEpoch: 1e-4 };

/** Predicted seconds of one thread for a full-length run of `c` at the reference speed. */
export function referenceSeconds(c: Candidate, rows: number, inputs: number, outputs: number): number {
  const epochs = c.epochs * (c.optimizer === 'lbfgs' ? 2 : 1);
  return (
    candidateCost(c, rows, inputs, outputs) * referenceSpeed.secondsPerUnit +
    epochs * referenceSpeed.secondsPerEpoch
  );
}

/** Cores for worker threads: node:os's availableParallelism, 1 where it is missing (browsers). */
export async function availableCores(): Promise<number> {
  const os = await import('node:os').catch(() => null);
  return os?.availableParallelism?.() ?? 1;
}

/**
 * Successive halving over `candidates` on k folds: the leaderboard, best first, and the rungs run.
 * Each rung continues its survivors' runs where the previous rung cut them (RunState), rather than
 * training them again from the start: the same results, for two thirds of a rung's epochs.
 */
async function halving(
  pool: SearchPool,
  candidates: Candidate[],
  k: number,
  seed: number,
  onRung?: AutoFitOptions['onRung'],
): Promise<{ board: LeaderboardEntry[]; rungs: SearchSettings['rungs'] }> {
  const entries = candidates.map((candidate) => newEntry(candidate, k));
  // per candidate and fold: the last rung's result, which holds the run's state when it was cut
  const last: (TaskResult | undefined)[][] = candidates.map(() => new Array(k));
  let alive = candidates.map((_, i) => i);
  const rungs: SearchSettings['rungs'] = [];
  for (const [r, fraction] of rungFractions.entries()) {
    const rungStart = performance.now();
    const final = r === rungFractions.length - 1;
    const epochs = alive.map((i) => Math.max(1, Math.round(candidates[i].epochs * fraction)));
    const results = await runRung(pool, candidates, alive, epochs, last, { k, seed, keep: !final });
    rungs.push({ fraction, candidates: alive.length, seconds: (performance.now() - rungStart) / 1000 });
    onRung?.(r + 1, rungFractions.length, rungs[r]);
    alive.forEach((i, a) => {
      last[i] = results.slice(a * k, (a + 1) * k);
      record(entries[i], last[i] as TaskResult[], epochs[a]);
    });
    alive = alive.sort((a, b) => compare(entries[a], entries[b]) || a - b);
    if (final) break;
    const kept = survivors(alive.length);
    for (const i of alive.slice(kept)) last[i] = [];
    alive = alive.slice(0, kept);
  }
  // candidates that reached later rungs rank above those stopped earlier
  const order = entries
    .map((e, i) => ({ e, i }))
    .sort(
      (a, b) =>
        b.e.epochs / b.e.candidate.epochs - a.e.epochs / a.e.candidate.epochs ||
        compare(a.e, b.e) ||
        a.i - b.i,
    );
  const board = order.map(({ e }, rank) => ({ ...e, rank: rank + 1 }));
  return { board, rungs };
}

/**
 * One rung: every alive candidate's fold runs continued to the rung's epochs, results in the order
 * (alive, fold). A run that already ended (early stopping, convergence, divergence) keeps its result
 * and trains no more; `keep` asks the tasks for the state the next rung continues from.
 */
async function runRung(
  pool: SearchPool,
  candidates: Candidate[],
  alive: number[],
  epochs: number[],
  last: (TaskResult | undefined)[][],
  options: { k: number; seed: number; keep: boolean },
): Promise<TaskResult[]> {
  const { k, seed, keep } = options;
  const slots = alive.flatMap((i, a) =>
    Array.from({ length: k }, (_, fold) => {
      const before = last[i][fold];
      if (before?.ended) return { result: { ...before, seconds: 0 } };
      const resume = before?.state;
      const task: SearchTask = { candidate: candidates[i], fold, epochs: epochs[a], seed: seed + fold };
      return { task: { ...task, ...(resume ? { resume } : {}), ...(keep ? { keep } : {}) } };
    }),
  );
  const tasks = slots.flatMap((s) => (s.task ? [s.task] : []));
  const results = await pool.run(tasks);
  let next = 0;
  return slots.map((s) => s.result ?? results[next++]);
}

/** The least mean fold gain (R² or accuracy) for which 0/1 indicators are chosen (0.5 points). */
export const indicatorFloor = 0.005;

/** The winner scored again with its indicator inputs 0/1 (its leaderboard entry), and what was chosen. */
interface IndicatorCheck {
  entry: LeaderboardEntry;
  settings: { difference: number; margin: number; chosen: '0/1' | 'standardized' };
}

/**
 * The indicator rule: the winner trains again on the same folds (same epochs and seeds) with the
 * indicator inputs left 0/1; that variant is chosen only when its mean paired fold difference
 * (0/1 minus standardized) exceeds its standard error (sd / √k) and `indicatorFloor`, so ties,
 * noise and differences too small to matter keep the inputs standardized. The tasks run on the
 * pool, so the choice is bit-identical for any number of workers.
 */
async function indicatorCheck(
  pool: SearchPool,
  board: LeaderboardEntry[],
  k: number,
  seed: number,
): Promise<IndicatorCheck> {
  const winner = board[0];
  const candidate: Candidate = { ...winner.candidate, unscaledIndicators: true };
  const tasks = Array.from({ length: k }, (_, fold) => ({
    candidate,
    fold,
    epochs: winner.epochs,
    seed: seed + fold,
  }));
  const entry = newEntry(candidate, k);
  record(entry, await pool.run(tasks), winner.epochs);
  const diffs = entry.scores.map((v, f) => v - winner.scores[f]);
  const difference = diffs.reduce((s, d) => s + d, 0) / k;
  const variance = diffs.reduce((s, d) => s + (d - difference) ** 2, 0) / (k - 1);
  const margin = Math.max(indicatorFloor, Math.sqrt(variance / k));
  const chosen = difference > margin ? '0/1' : 'standardized';
  return { entry, settings: { difference, margin, chosen } };
}

/** The leaderboard with the indicator variant just above the winner (chosen) or just below it. */
function withVariant(board: LeaderboardEntry[], check: IndicatorCheck): LeaderboardEntry[] {
  const [winner, ...rest] = board;
  const top = check.settings.chosen === '0/1' ? [check.entry, winner] : [winner, check.entry];
  return [...top, ...rest].map((e, i) => ({ ...e, rank: i + 1 }));
}

function newEntry(candidate: Candidate, k: number): LeaderboardEntry {
  return {
    rank: 0,
    name: describeCandidate(candidate),
    candidate,
    scores: new Array(k).fill(Number.NaN),
    mean: Number.NaN,
    std: Number.NaN,
    loss: Number.POSITIVE_INFINITY,
    epochs: 0,
    bestEpoch: 0,
    seconds: 0,
  };
}

function record(entry: LeaderboardEntry, results: TaskResult[], epochs: number): void {
  const scores = results.map((r) => r.score);
  const mean = scores.reduce((s, v) => s + v, 0) / scores.length;
  const variance =
    scores.length > 1 ? scores.reduce((s, v) => s + (v - mean) ** 2, 0) / (scores.length - 1) : 0;
  entry.scores = scores;
  entry.mean = mean;
  entry.std = Number.isFinite(variance) ? Math.sqrt(variance) : Number.NaN;
  entry.epochs = epochs;
  entry.bestEpoch = results.reduce((s, r) => s + r.bestEpoch, 0) / results.length;
  entry.seconds += results.reduce((s, r) => s + r.seconds, 0);
  entry.loss = results.reduce((s, r) => s + r.loss, 0) / results.length;
}

/**
 * Better first: higher mean score (NaN and -Infinity last); among equal scores the simpler model —
 * the larger λ, then the fewer hidden units — then the lower mean loss. Equal scores are common with
 * accuracy on small tables (one row is 1/n of it); the loss alone then favoured the least regularized
 * candidate, the most confident on the folds (bench:quality: classes-6 chose 64 tanh λ=1 over
 * 64-64 relu λ=10 at the same CV accuracy 0.885, 0.895 against 0.920 on the test rows).
 */
function compare(a: LeaderboardEntry, b: LeaderboardEntry): number {
  const sa = Number.isNaN(a.mean) ? Number.NEGATIVE_INFINITY : a.mean;
  const sb = Number.isNaN(b.mean) ? Number.NEGATIVE_INFINITY : b.mean;
  if (sa !== sb) return sb - sa;
  const simpler = b.candidate.weightDecay - a.candidate.weightDecay || hiddenUnits(a) - hiddenUnits(b);
  if (simpler !== 0) return simpler;
  return a.loss === b.loss ? 0 : a.loss < b.loss ? -1 : 1;
}

function hiddenUnits(e: LeaderboardEntry): number {
  return e.candidate.layers.reduce((s, n) => s + n, 0);
}
