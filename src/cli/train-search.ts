// `scratchnet train`'s model search: when no flag describes the network or its training, the library's
// searchModels (autoFit's cross-validated search) chooses the configuration on the training rows (all
// of them by default; with --val-split, those not held out), and the run then trains it like any other
// (progress, checkpoints, --resume). --no-search trains the given/default configuration (holding out
// a fifth by default, holdout.ts); --budget SECONDS sizes the search's grid. --class-weight and
// --weight-column weigh the search's folds as they weigh the run (and the refit on all rows).

import type { Command } from 'commander';
import type { Task } from '../data/task.js';
import type { Network } from '../nn/network.js';
import { indicatorInputs } from '../data/encoding.js';
import {
  TrainingRun,
  candidateScaling,
  createNetwork,
  defaultBudget,
  isLarge,
  largeCandidate,
  largeSearch,
  maxSearchRows,
  searchEarlyStopping,
  searchModels,
  type LargeSettings,
  type ModelSearch,
} from '../train/index.js';
import { UsageError } from './errors.js';
import { formatNumber } from './evaluation.js';
import { settingRows } from './options.js';
import type { TrainStart } from './train-resume.js';
import { buildNetwork, fitOptions, weightOptions, type TrainSettings } from './training.js';

/** Flags that may accompany the search (every other network or training flag means --no-search). */
const searchCompatible = new Set(['seed', 'valSplit', 'classWeight', 'weightColumn']);

/** Fewer training rows than this: no search (5 folds of 4 rows say little), the default network. */
export const minSearchRows = 20;

/** The network and training flags given on the command line that turn the search off. */
export function searchBlockers(command: Command): string[] {
  return settingRows
    .filter((row) => !searchCompatible.has(row.option) && command.getOptionValueSource(row.option) === 'cli')
    .map((row) => row.flag.split(' ')[0]);
}

/**
 * The training rows of the run `settings` describe (the held-out rows split off as TrainingRun will),
 * with their sample weights, and the run's classWeight (by class index).
 */
function trainingRows(start: TrainStart) {
  const { x, y } = start.data.encoded;
  const task = start.data.encoding.target.task;
  const probe = createNetwork(x, y, { task, layers: [] });
  const weights = weightOptions(start.settings, start.data);
  const options = { ...fitOptions(start.settings, task), ...weights, metrics: [] };
  const { data } = new TrainingRun(probe, x, y, options);
  const sample = data.weights.sample;
  const { classWeight } = weights;
  return {
    x: data.x,
    y: data.y,
    weights: {
      ...(sample ? { sampleWeight: sample } : {}),
      ...(classWeight !== undefined ? { classWeight } : {}),
    },
  };
}

/**
 * Searches on the training rows and returns the run's start with the chosen configuration in its
 * settings and network (null when there are too few rows to search).
 */
export async function searchStart(
  given: TrainStart,
  budget: number | undefined,
  log: (line: string) => void = () => {},
): Promise<{ start: TrainStart; search: ModelSearch } | null> {
  const task = given.data.encoding.target.task;
  // a large table (autofit-large.ts): its tenth is held out here, before the search, and the search
  // runs on the rest as a large one whatever their count (largeRows: the training rows themselves)
  const large = isLarge(given.data.encoded.x.rows);
  const start = large ? { ...given, settings: largeHoldout(given.settings, task) } : given;
  const rows = trainingRows(start);
  if (rows.x.rows < minSearchRows) return null;
  const indicators = indicatorInputs(start.data.encoding);
  const largeRows = large ? rows.x.rows : rows.x.rows + 1;
  log(budgetLine(budget, rows.x.rows, rows.x.cols, largeRows));
  log(
    'model search: running (a line as each of its rungs ends; --no-search trains the default network instead)',
  );
  const search = await searchModels(rows.x, rows.y, {
    task,
    seed: start.settings.seed,
    ...(budget !== undefined ? { budget } : {}),
    ...rows.weights,
    indicators,
    largeRows,
    onRung: (rung, of, ran) =>
      log(
        `model search: rung ${rung} of ${of} done, ${ran.candidates} candidates at ${ran.fraction === 1 ? 'full length' : `1/${Math.round(1 / ran.fraction)} of their epochs`} in ${ran.seconds.toFixed(1)} s`,
      ),
  });
  const settings = search.search.large
    ? largeSettings(start.settings, search, rows.x.rows)
    : chosenSettings(start.settings, search);
  const searched = search.search.large ? largeRecord(search, settings) : search;
  const network: Network = buildNetwork(settings, start.data.encoded.x, start.data.encoded.y, task);
  // the search chose 0/1 indicators: the run trains with its scaling (fitted on the training rows)
  if (search.chosen.unscaledIndicators) network.scaling = candidateScaling(rows, task, indicators);
  return { start: { ...start, settings, network }, search: searched };
}

/**
 * A large table's settings before its search: a tenth held out (stratified for classes) unless
 * --val-split says otherwise; the run then stops early on it and reports its scores.
 */
function largeHoldout(settings: TrainSettings, task: Task): TrainSettings {
  if (settings.validationSplit !== undefined) return settings;
  return {
    ...settings,
    validationSplit: largeSearch.heldOut,
    heldOutByDefault: true,
    ...(task !== 'regression' ? { stratify: true } : {}),
  };
}

/**
 * A large search's winner as the run trains it (autofit-large.ts largeCandidate on the run's training
 * rows): mini-batch Adam, batch 64, λ·64/rows, early stopping on the held-out rows with patience 10.
 */
function largeSettings(settings: TrainSettings, search: ModelSearch, trainRows: number): TrainSettings {
  const large = search.search.large;
  if (!large) return chosenSettings(settings, search);
  const c = largeCandidate(large.winner, trainRows);
  const out: TrainSettings = {
    ...settings,
    layers: c.layers,
    activation: c.activation,
    weightDecay: c.weightDecay,
    optimizer: c.optimizer,
    epochs: c.epochs,
    ...(c.learningRate !== undefined ? { learningRate: c.learningRate } : {}),
    ...(settings.batchSize === undefined && c.batchSize !== undefined ? { batchSize: c.batchSize } : {}),
  };
  delete out.earlyStopping;
  if (settings.validationSplit && c.patience !== undefined) out.earlyStopping = c.patience;
  return out;
}

/**
 * A large search as this run trains its winner: the library planned autoFit's refit (its own tenth held
 * out of the rows it was given); the run holds out before the search, so the winner trains on every
 * row the search saw — its epochs and λ·64/rows are the run's (largeSettings), and the threshold is
 * the default largeRows the whole table reached.
 */
function largeRecord(search: ModelSearch, settings: TrainSettings): ModelSearch {
  const s = search.search;
  if (!s.large) return search;
  const epochs = settings.epochs ?? search.chosen.epochs;
  const weightDecay = settings.weightDecay ?? search.chosen.weightDecay;
  return {
    ...search,
    chosen: { ...search.chosen, epochs, weightDecay },
    search: {
      ...s,
      plan: { ...s.plan, epochs, wanted: epochs, cap: epochs },
      large: { ...s.large, threshold: largeSearch.rows, refit: { ...s.large.refit, epochs, weightDecay } },
    },
  };
}

/**
 * The run's first line: the budget and what it covers. It is planned, not timed: the search's grid and
 * the refit's epochs are sized at a fixed reference speed (autofit.ts), so the model is the same on
 * every machine; a slower or busier one takes longer.
 */
function budgetLine(budget: number | undefined, rows: number, inputs: number, largeRows: number): string {
  const seconds = budget ?? defaultBudget(rows, inputs, largeRows);
  const why =
    budget === undefined
      ? `the default for ${rows.toLocaleString('en-US')} rows × ${inputs} inputs`
      : '--budget';
  return `budget ${seconds} s (${why}) for the model search and the refit on all rows, planned at a fixed reference speed: a busy or slower machine takes longer; reading and scoring come on top`;
}

/**
 * The run's settings with the chosen configuration. By default no rows are held out: the chosen
 * configuration trains on every row for the epochs the search chose (Adam: the folds' mean best
 * epoch; L-BFGS: to convergence), as GridSearchCV refits, and the cross-validated scores stand for
 * held-out ones. With --val-split, Adam trains its full length with early stopping on the held-out
 * rows (as on the folds) and L-BFGS to convergence.
 */
function chosenSettings(settings: TrainSettings, search: ModelSearch): TrainSettings {
  const c = search.chosen;
  const full = search.leaderboard[0].candidate.epochs;
  const out: TrainSettings = {
    ...settings,
    layers: c.layers,
    activation: c.activation,
    weightDecay: c.weightDecay,
    optimizer: c.optimizer,
    ...(c.learningRate !== undefined ? { learningRate: c.learningRate } : {}),
    // the budget's cap (planRefit) holds with --val-split too
    epochs: settings.validationSplit ? Math.min(full, search.search.plan.cap) : c.epochs,
  };
  // on every row, the folds' kind of batch (see Candidate.batchSize); with --val-split the rows left are the folds' size
  if (!settings.validationSplit && c.batchSize !== undefined && settings.batchSize === undefined)
    out.batchSize = c.batchSize;
  delete out.earlyStopping;
  const stop = searchEarlyStopping({ ...c, epochs: full });
  if (settings.validationSplit && stop) out.earlyStopping = stop.patience;
  return out;
}

/**
 * The cross-validated scores of a search, as metrics.heldOut / baseline / linear of a run without
 * held-out rows: each row scored by a model not trained on it (the chosen configuration's mean fold
 * score; slightly optimistic, since the same folds chose it), and the lines that say so.
 */
export function crossValidatedScores(search: ModelSearch, rows: number, trivial: string) {
  const s = search.search;
  const best = search.leaderboard[0];
  const m = s.metric;
  const how = s.folds === 1 ? 'one validation split of a fifth' : `${s.folds} folds`;
  const { baseline, linear } = search.reference;
  // a large table's search ran on a seeded sample of its rows (SearchSettings.sample)
  const scored = s.sample?.rows ?? rows;
  const which = s.sample ? `a seeded sample of ${scored} of the ${rows} rows` : `the ${rows} rows`;
  // weighted scores (each row weighted as in the loss) go under `weighted`, as other runs' weighted scores do
  const as = (scores: Record<string, number>) => (s.weighted ? { weighted: scores } : scores);
  return {
    metrics: {
      heldOut: {
        method: 'cross-validation',
        folds: s.folds,
        rows: scored,
        ...as({ [m]: best.mean, [`${m}Std`]: best.std }),
      },
      baseline: as({ [m]: baseline }),
      ...(linear !== null ? { linear: as({ [m]: linear }) } : {}),
    },
    lines: [
      s.folds === 1
        ? `held out in the search (${how} of ${which}, scored by a model not trained on it; the chosen configuration then trained on every row):`
        : `cross-validated (${how} of ${which}, each scored by a model not trained on it; the chosen configuration then trained on every row):`,
      `  ${m}${s.weighted ? ' (each row weighted as in the loss)' : ''}  ${formatNumber(best.mean)}${s.folds === 1 ? '' : ` ± ${formatNumber(best.std)}`}`,
      `  on the same ${s.folds === 1 ? 'rows' : 'folds'}, baseline (${trivial}): ${m} ${formatNumber(baseline)}`,
      ...(linear !== null
        ? [
            `  on the same ${s.folds === 1 ? 'rows' : 'folds'}, linear model (no hidden layer): ${m} ${formatNumber(linear)}`,
          ]
        : []),
    ],
  };
}

/** The search as the model file and --json keep it: the chosen configuration, the top candidates, the settings. */
export function searchRecord(search: ModelSearch, top = 10) {
  return {
    chosen: search.chosen,
    leaderboard: search.leaderboard.slice(0, top).map((e) => ({
      rank: e.rank,
      name: e.name,
      mean: e.mean,
      std: e.std,
      scores: e.scores,
      epochs: e.epochs,
      seconds: e.seconds,
    })),
    settings: search.search,
  };
}

/** The search in a few lines: what was searched, how, and the top candidates with CV mean ± std and time. */
export function searchLines(search: ModelSearch, top = 5): string[] {
  const s = search.search;
  if (s.large) return largeLines(search, s.large, top);
  const how = s.folds === 1 ? 'one validation split of a fifth' : `${s.folds}-fold cross-validation`;
  const lines = [
    `model search: ${s.candidates} candidates${s.skipped ? ` (${s.skipped} more left out by the budget)` : ''}, ${how} on ${s.sample ? `a seeded sample of ${s.sample.rows.toLocaleString('en-US')} of the ${s.sample.of.toLocaleString('en-US')} training rows (${s.sample.rows === maxSearchRows ? 'the most a search trains on' : "the budget's size"})` : 'the training rows'}, successive halving${s.weighted ? ', rows weighted as in the run' : ''}; ${s.seconds.toFixed(1)} s (budget ${s.budget} s, ${s.workers || 'no'} worker threads)`,
    // one split has no spread to show (± 0 would read as certainty)
    `  rank  candidate                             ${s.folds === 1 ? `${s.metric} one split ` : `${s.metric} mean ± std`}      time`,
  ];
  for (const e of search.leaderboard.slice(0, top))
    lines.push(
      `  ${String(e.rank).padStart(4)}  ${e.name.padEnd(36)}  ${e.mean.toFixed(4)}${s.folds === 1 ? '         ' : ` ± ${e.std.toFixed(4)}`}  ${e.seconds.toFixed(1).padStart(6)} s${e.epochs < e.candidate.epochs ? `  (stopped at ${e.epochs} epochs)` : ''}`,
    );
  lines.push(
    `chosen: ${search.leaderboard[0].name} (--no-search trains the given or default network instead)`,
    refitLine(search),
  );
  return lines;
}

/** A large table's search (autofit-large.ts) in a few lines: its stages, the promoted candidates' held-out scores, the refit. */
function largeLines(search: ModelSearch, large: LargeSettings, top: number): string[] {
  const s = search.search;
  const n = (v: number) => v.toLocaleString('en-US');
  const p = large.promote;
  const r = large.refit;
  const lines = [
    `model search (${n(large.rows)} training rows, a large table from ${n(largeSearch.rows)}): ${large.screen.candidates} candidates screened on a seeded sample of ${n(large.screen.rows)} rows (one validation split of a fifth, successive halving${s.skipped ? `, ${s.skipped} more left out by the budget` : ''}), the best ${p.results.length} trained again on ${n(p.rows)} rows as the refit trains (mini-batch Adam, batch ${p.batchSize}, early stopping on ${n(p.heldOut)} held out); ${s.seconds.toFixed(1)} s (budget ${s.budget} s, ${s.workers || 'no'} worker threads)`,
    `  rank  candidate                             ${s.metric}      stage                      time`,
  ];
  for (const e of search.leaderboard.slice(0, top)) {
    const promoted = e.rank <= p.results.length;
    const stage = promoted
      ? `${n(p.rows)} rows, best epoch ${e.bestEpoch}`
      : `screen, ${n(large.screen.rows)} rows`;
    lines.push(
      `  ${String(e.rank).padStart(4)}  ${e.name.padEnd(36)}  ${e.mean.toFixed(4)}  ${stage.padEnd(25)}  ${e.seconds.toFixed(1).padStart(6)} s`,
    );
  }
  lines.push(
    `chosen: ${search.leaderboard[0].name} (--no-search trains the given or default network instead)`,
    `refit on the training rows: mini-batch Adam (batch ${r.batchSize}, lr ${search.chosen.learningRate}), at most ${r.epochs} epochs, λ ${formatNumber(r.weightDecay)} (λ·${r.batchSize}/rows), early stopping (patience ${r.patience}) on the held-out rows with the best weights restored (predicted at the reference speed: search ${s.plan.search.toFixed(0)} s, refit ${s.plan.refit.toFixed(0)} s)`,
  );
  return lines;
}

/** The refit's plan in a line: its epochs, whether the budget capped them, the seconds predicted. */
function refitLine(search: ModelSearch): string {
  const p = search.search.plan;
  const unit = search.chosen.optimizer === 'lbfgs' ? 'iterations at most' : 'epochs';
  const predicted = `predicted at the reference speed: search ${p.search.toFixed(0)} s, refit ${p.refit.toFixed(0)} s`;
  if (p.epochs === p.wanted) return `refit on all rows: ${p.epochs} ${unit} (${predicted})`;
  return `refit on all rows: ${p.epochs} ${unit}, capped by the budget from the ${p.wanted} the search chose (${predicted}; --budget ${fullBudget(p)} would hold all ${p.wanted})`;
}

/** The budget (whole seconds) that would hold the search and the refit's wanted epochs, as planned. */
export function fullBudget(p: ModelSearch['search']['plan']): number {
  return Math.ceil(p.search + (p.refit / p.epochs) * p.wanted);
}

/**
 * The summary's line when the budget's cap ended the refit (it trained all its capped epochs, short of
 * those the search chose; null otherwise): the model is usable, but further training would change it.
 */
export function cappedRefitLine(
  search: ModelSearch,
  history: { epochs: number; stopReason: string },
): string | null {
  const p = search.search.plan;
  if (p.epochs === p.wanted || history.stopReason !== 'epochs') return null;
  const unit = search.chosen.optimizer === 'lbfgs' ? 'iterations' : 'epochs';
  return `note: the refit stopped at the budget's cap, after ${history.epochs} of the ${p.wanted} ${unit} the search chose${search.chosen.optimizer === 'lbfgs' ? ' (not converged)' : ''}: the scores the search gives are of the configuration trained to the end, and this model may score lower; --budget ${fullBudget(p)} would train them all`;
}

/** The flags that steer the search. */
export interface SearchFlags {
  /** false with --no-search */
  search: boolean;
  budget?: number;
  resume?: string;
}

/**
 * The search when it applies (a fresh run, --no-search not given, no flag describing the network or
 * its training, enough rows), its lines logged; else the start unchanged. --budget where no search
 * runs is a usage error rather than ignored.
 */
export async function maybeSearch(
  flags: SearchFlags,
  command: Command,
  start: TrainStart,
  log: (line: string) => void,
): Promise<{ start: TrainStart; search: ModelSearch | null }> {
  const blockers = searchBlockers(command);
  const why = flags.resume
    ? '--resume continues the configuration saved in the checkpoint'
    : !flags.search
      ? '--no-search turns the search off'
      : blockers.length
        ? `${blockers.join(', ')} ${blockers.length === 1 ? 'describes' : 'describe'} the network or its training, which turns the search off`
        : null;
  if (why !== null) {
    if (flags.budget !== undefined)
      throw new UsageError(`--budget sizes the model search, but ${why}: drop --budget`);
    return { start, search: null };
  }
  const found = await searchStart(start, flags.budget, log);
  if (!found) {
    log(
      `note: fewer than ${minSearchRows} training rows, too few for a model search or held-out scores: training the default network, whose scores on its own rows tell how well it fits them (it can memorize them), not how it predicts new rows`,
    );
    return { start, search: null };
  }
  for (const line of searchLines(found.search)) log(line);
  return found;
}
