// fit's defaults, resolved in one place: the CLI and the doctor import these instead of restating them.
// resolveFitOptions validates every option where it enters (the bad value in the message) and
// returns plain settings; the data-dependent parts (the validation split, scaling) follow in fit-data.ts.
//
// Defaults (chosen so that naming only the data works): optimizer Adam (η = 0.001); batch: the whole
// training set when it has ≤ 1024 rows (small problems converge fastest and reproducibly with
// full-batch steps, as scikit-learn's L-BFGS and our seed's gradient descent do), else 32 (Keras's
// default); epochs 1000 for full batches, 200 for mini-batches (scikit-learn's max_iter); scale on:
// inputs and, for regression losses, targets standardized on the training rows (scaling.ts).

import { OptionError, checkBoolean, checkNumber, checkOptionNames, unknownName, shown } from '../errors.js';
import { getOptimizer, type Optimizer } from '../optim/index.js';
import type { EarlyStoppingOptions, FitOptions } from './fit-types.js';
import { checkMetrics, type MetricName } from './metrics.js';
import { checkWorkers, type WorkersOption } from './parallel-auto.js';

export const fitDefaults = {
  optimizer: 'adam',
  seed: 42,
  shuffle: true,
  warmup: 0,
  /** training sets up to this many rows train full-batch by default */
  fullBatchRows: 1024,
  miniBatchSize: 32,
  fullBatchEpochs: 1000,
  miniBatchEpochs: 200,
  minDelta: 0,
} as const;

/** Rows per update when batchSize is not given: all of them up to 1024 (or for L-BFGS), else 32. */
export function defaultBatchSize(rows: number, fullBatchOnly = false): number {
  return rows <= fitDefaults.fullBatchRows || fullBatchOnly ? rows : fitDefaults.miniBatchSize;
}

/** Epochs when not given: 1000 full-batch (one update each), 200 with mini-batches. */
export function defaultEpochs(batchesPerEpoch: number): number {
  return batchesPerEpoch === 1 ? fitDefaults.fullBatchEpochs : fitDefaults.miniBatchEpochs;
}

/** Early stopping's patience when not given: enough for 10 epochs and 100 updates (see EarlyStoppingOptions). */
export function defaultPatience(batchesPerEpoch: number): number {
  return Math.max(10, Math.ceil(100 / batchesPerEpoch));
}

export const fitOptionNames = [
  'optimizer',
  'learningRate',
  'optimizerOptions',
  'epochs',
  'batchSize',
  'workers',
  'shuffle',
  'seed',
  'clipNorm',
  'schedule',
  'warmup',
  'validationSplit',
  'stratify',
  'validationData',
  'sampleWeight',
  'classWeight',
  'earlyStopping',
  'metrics',
  'scale',
  'onEpoch',
  'onBatch',
  'resume',
];

/** Early stopping after defaults; `enabled` false still tracks the best epoch (History.bestEpoch). */
export interface EarlyStoppingSettings {
  enabled: boolean;
  patience: number;
  minDelta: number;
  monitor: 'valLoss' | 'loss';
  restoreBest: boolean;
}

/** Every setting of a run after defaults. */
export interface ResolvedFitOptions {
  optimizer: Optimizer;
  seed: number;
  shuffle: boolean;
  /** 0: no clipping */
  clipNorm: number;
  metrics: MetricName[];
  /** rows held out by validationSplit (0 with validationData or without validation) */
  splitRows: number;
  hasValidation: boolean;
  trainRows: number;
  batchSize: number;
  batches: number;
  workers: WorkersOption;
  epochs: number;
  warmup: number;
  earlyStopping: EarlyStoppingSettings;
}

/**
 * fit's options after validation and defaults, for `rows` rows of data (validation rows included).
 * A ready-made Optimizer object in options.optimizer is used as is.
 */
export function resolveFitOptions(options: FitOptions, rows: number): ResolvedFitOptions {
  if (typeof options !== 'object' || options === null)
    throw new OptionError(`fit options must be an object, got ${shown(options)}`, 'options');
  for (const key of Object.keys(options)) {
    if (key === 'doctor')
      throw new OptionError(
        "fit no longer runs the doctor: call fitWithDoctor (from scratchnet's check) with the same options",
        'doctor',
      );
    if (!fitOptionNames.includes(key)) unknownName('fit option', key, fitOptionNames, key);
  }
  const seed = checkNumber('seed', options.seed ?? fitDefaults.seed, { integer: true, min: 0 });
  const shuffle = checkBoolean('shuffle', options.shuffle ?? fitDefaults.shuffle);
  const clipNorm =
    options.clipNorm === undefined
      ? 0
      : checkNumber('clipNorm', options.clipNorm, { min: 0, exclusiveMin: true });
  const metrics = checkMetrics(options.metrics);
  for (const name of ['onEpoch', 'onBatch'] as const)
    if (options[name] !== undefined && typeof options[name] !== 'function')
      throw new OptionError(`${name} must be a function`, name);
  const optimizer = resolveOptimizer(options);
  const splitRows = validationRows(options, rows);
  const trainRows = rows - splitRows;
  const batchSize = resolveBatchSize(options, optimizer, trainRows, clipNorm);
  const batches = Math.ceil(trainRows / batchSize);
  const epochs = checkNumber('epochs', options.epochs ?? defaultEpochs(batches), { integer: true, min: 1 });
  const warmup = checkNumber('warmup', options.warmup ?? fitDefaults.warmup, { integer: true, min: 0 });
  const hasValidation = options.validationData !== undefined || splitRows > 0;
  return {
    optimizer,
    seed,
    shuffle,
    clipNorm,
    metrics,
    splitRows,
    hasValidation,
    trainRows,
    batchSize,
    batches,
    workers: checkWorkers(options.workers),
    epochs,
    warmup,
    earlyStopping: resolveEarlyStopping(options.earlyStopping, batches, hasValidation),
  };
}

function resolveOptimizer(options: FitOptions): Optimizer {
  if (typeof options.optimizer === 'object' && options.optimizer !== null && options.optimizerOptions) {
    const given = Object.keys(options.optimizerOptions);
    if (given.length > 0)
      throw new OptionError(
        `optimizerOptions (${given.join(', ')}) apply to an optimizer fit makes by name, not a ready-made one: give them to its constructor (new ${options.optimizer.constructor.name}({ ${given[0]}: … }))`,
        'optimizerOptions',
      );
  }
  const optimizer = getOptimizer(options.optimizer ?? fitDefaults.optimizer, {
    ...(options.optimizerOptions ?? {}),
    learningRate: options.learningRate,
  });
  if (typeof options.optimizer === 'object' && options.learningRate !== undefined) {
    optimizer.learningRate = checkNumber('learningRate', options.learningRate, {
      min: 0,
      exclusiveMin: true,
    });
  }
  return optimizer;
}

/** The rows validationSplit holds out (0 without it), checked against the data's `rows`. */
function validationRows(options: FitOptions, rows: number): number {
  if (options.validationData !== undefined) {
    if (options.validationSplit)
      throw new OptionError('give validationSplit or validationData, not both', 'validationData');
    return 0;
  }
  if (options.validationSplit === undefined || options.validationSplit === 0) return 0;
  const split = checkNumber('validationSplit', options.validationSplit, { min: 0, max: 1 });
  if (split >= 1)
    throw new OptionError(
      `validationSplit must be < 1 (a fraction of the rows), got ${split}`,
      'validationSplit',
    );
  const nVal = Math.round(rows * split);
  if (nVal < 1 || rows - nVal < 1) {
    throw new OptionError(
      `validationSplit ${split} of ${rows} rows leaves ${nVal} validation and ${rows - nVal} training rows; each needs at least 1`,
      'validationSplit',
    );
  }
  return nVal;
}

function resolveBatchSize(options: FitOptions, optimizer: Optimizer, rows: number, clipNorm: number): number {
  const closureOptimizer = optimizer.needsClosure === true;
  const batchSize =
    options.batchSize === undefined
      ? defaultBatchSize(rows, closureOptimizer)
      : Math.min(checkNumber('batchSize', options.batchSize, { integer: true, min: 1 }), rows);
  if (closureOptimizer && batchSize !== rows) {
    throw new OptionError(
      `${optimizer.name} is a full-batch method: leave batchSize out (got ${options.batchSize} for ${rows} training rows)`,
      'batchSize',
    );
  }
  if (closureOptimizer && clipNorm)
    throw new OptionError(
      `clipNorm does not apply to ${optimizer.name}, whose line search picks the step length`,
      'clipNorm',
    );
  return batchSize;
}

const earlyStoppingNames: Readonly<Record<keyof EarlyStoppingOptions, true>> = {
  patience: true,
  minDelta: true,
  monitor: true,
  restoreBest: true,
};

function resolveEarlyStopping(
  es: FitOptions['earlyStopping'],
  batches: number,
  hasValidation: boolean,
): EarlyStoppingSettings {
  const enabled = es !== undefined && es !== false;
  if (es !== undefined && typeof es !== 'boolean' && (typeof es !== 'object' || es === null)) {
    throw new OptionError(
      `earlyStopping must be true, false or { patience, minDelta, monitor, restoreBest }, got ${shown(es)}`,
      'earlyStopping',
    );
  }
  const eso: EarlyStoppingOptions = typeof es === 'object' ? es : {};
  checkOptionNames('option', eso, earlyStoppingNames, 'earlyStopping.');
  const patience = checkNumber('earlyStopping.patience', eso.patience ?? defaultPatience(batches), {
    integer: true,
    min: 0,
  });
  const minDelta = checkNumber('earlyStopping.minDelta', eso.minDelta ?? fitDefaults.minDelta, { min: 0 });
  // early stopping watches the validation loss unless told otherwise; without it, the best epoch is by validation loss when there is some
  const monitor = eso.monitor ?? (enabled || hasValidation ? 'valLoss' : 'loss');
  if (monitor !== 'valLoss' && monitor !== 'loss')
    unknownName('earlyStopping.monitor', monitor, ['valLoss', 'loss'], 'earlyStopping');
  if (enabled && monitor === 'valLoss' && !hasValidation) {
    throw new OptionError(
      "earlyStopping watches the validation loss: give validationSplit or validationData (or earlyStopping: { monitor: 'loss' })",
      'earlyStopping',
    );
  }
  return { enabled, patience, minDelta, monitor, restoreBest: eso.restoreBest ?? true };
}
