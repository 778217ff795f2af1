// The CLI's bridge to the training library: the settings of a run (flags → settings → fit options),
// the network they describe, and trainSteps, which drives a TrainingRun step by step and gives the
// event loop a turn every few milliseconds so Ctrl-C / SIGTERM are heard at any point of an epoch.
// Every step boundary is an exact resume point (TrainingRun.checkpoint(): epoch, batch, optimizer,
// shuffling generator, early stopping, history), which is what a checkpoint file stores: an
// interrupted and resumed run equals an uninterrupted one bit for bit.

import type { Network } from '../nn/network.js';
import type { ActivationName } from '../nn/activations.js';
import type { LossName } from '../nn/losses.js';
import type { InitializerName } from '../nn/initializers.js';
import type { OptimizerName } from '../optim/index.js';
import {
  createNetwork,
  defaultValidationSplit,
  fitDefaults,
  classWeightByLabel,
  type ClassWeight,
  holdoutPatience,
  type FitOptions,
  type Task,
  type TrainingRun,
} from '../train/index.js';
import type { Matrix } from '../matrix.js';
import { rowBlock } from '../train/score-blocks.js';
import { settingRows } from './options.js';
import { UsageError } from './errors.js';
import { weightColumn, type Encoding, type DataTable } from '../data/index.js';

/** Every setting of a run after defaults: stored in the model file, re-used by --resume. */
export interface TrainSettings {
  /** hidden sizes; undefined: createNetwork's default */
  layers?: number[];
  activation?: string;
  output?: string;
  loss?: string;
  init?: string;
  optimizer?: string;
  learningRate?: number;
  momentum?: number;
  epochs?: number;
  batchSize?: number;
  weightDecay: number;
  validationSplit?: number;
  /** the validation split was the default hold-out (holdout.ts), not --val-split */
  heldOutByDefault?: boolean;
  /** the split holds out each class in proportion (the default hold-out of classification) */
  stratify?: boolean;
  /** patience, or true for fit's default patience */
  earlyStopping?: number | true;
  scale: boolean;
  seed: number;
  /** --class-weight as given: 'balanced' or weights by class label */
  classWeight?: ClassWeight;
  /** --weight-column: the column of row weights */
  weightColumn?: string;
}

export interface TrainFlags {
  layers?: number[];
  activation?: string;
  output?: string;
  loss?: string;
  init?: string;
  optimizer?: string;
  lr?: number;
  momentum?: number;
  epochs?: number;
  batchSize?: number;
  weightDecay?: number;
  valSplit?: number;
  earlyStop?: number | true;
  scale?: boolean;
  seed?: number;
  classWeight?: ClassWeight;
  weightColumn?: string;
}

/** Flags → settings (settingRows). Left undefined, a setting takes the library's default (createNetwork, fit). */
export function resolveSettings(flags: TrainFlags, task: Task): TrainSettings {
  void task;
  const settings: Record<string, unknown> = {};
  for (const row of settingRows) {
    const value = flags[row.option];
    if (value !== undefined && row.key !== 'scale') settings[row.key] = value;
  }
  settings.weightDecay ??= 0;
  if (settings.earlyStopping === undefined && flags.valSplit) settings.earlyStopping = true;
  settings.scale = flags.scale !== false;
  settings.seed ??= fitDefaults.seed;
  return settings as unknown as TrainSettings;
}

/**
 * With no --val-split, hold out rows by holdout.ts's rule (20% from 50 rows; stratified for classes),
 * stop early on them and keep the best epoch's weights. `--val-split 0` trains on every row.
 */
export function holdOutByDefault(settings: TrainSettings, rows: number, task: Task): void {
  if (settings.validationSplit !== undefined) return;
  const split = defaultValidationSplit(rows);
  if (split === 0) return;
  settings.validationSplit = split;
  settings.heldOutByDefault = true;
  settings.earlyStopping ??= defaultHoldoutPatience(settings, rows - Math.round(rows * split));
  if (task !== 'regression') settings.stratify = true;
}

/** Patience of the default hold-out: half the epochs (auto.ts holdoutPatience, as trainNetwork). */
function defaultHoldoutPatience(settings: TrainSettings, trainRows: number): number {
  return holdoutPatience(trainRows, settings.epochs, settings.batchSize);
}

/**
 * The network for these settings: train's createNetwork (task-aware output and loss), same seed. It
 * reads the data's shapes only (the targets are one-hot or one column): given the first row, it copies nothing.
 */
export function buildNetwork(settings: TrainSettings, x: Matrix, y: Matrix, task: Task): Network {
  return createNetwork(rowBlock(x, 0, 1), rowBlock(y, 0, 1), {
    task,
    ...(settings.layers ? { layers: settings.layers } : {}),
    ...(settings.activation ? { activation: settings.activation as ActivationName } : {}),
    ...(settings.output ? { output: settings.output as ActivationName } : {}),
    ...(settings.loss ? { loss: settings.loss as LossName } : {}),
    ...(settings.init ? { init: settings.init as InitializerName } : {}),
    ...(settings.optimizer === 'adamw' ? {} : { weightDecay: settings.weightDecay }),
    seed: settings.seed,
    onWarning: (m) => process.stderr.write(`scratchnet: warning: ${m}\n`),
  });
}

/**
 * fit's options for these settings — as trainNetwork sets them (early stopping on when there is
 * validation data) — the same on the first run and on resume, as a resumed TrainingRun requires.
 */
export function fitOptions(settings: TrainSettings, task: Task): FitOptions {
  const optimizerOptions = {
    ...(settings.momentum !== undefined ? { momentum: settings.momentum } : {}),
    ...(settings.optimizer === 'adamw' && settings.weightDecay ? { weightDecay: settings.weightDecay } : {}),
  };
  return {
    ...(settings.optimizer ? { optimizer: settings.optimizer as OptimizerName } : {}),
    ...(settings.learningRate !== undefined ? { learningRate: settings.learningRate } : {}),
    ...(Object.keys(optimizerOptions).length ? { optimizerOptions } : {}),
    ...(settings.epochs !== undefined ? { epochs: settings.epochs } : {}),
    ...(settings.batchSize !== undefined ? { batchSize: settings.batchSize } : {}),
    ...(settings.validationSplit !== undefined ? { validationSplit: settings.validationSplit } : {}),
    ...(settings.stratify ? { stratify: true } : {}),
    ...(settings.earlyStopping !== undefined
      ? { earlyStopping: settings.earlyStopping === true ? true : { patience: settings.earlyStopping } }
      : {}),
    scale: settings.scale,
    seed: settings.seed,
    metrics: task === 'regression' ? ['r2', 'rmse'] : ['accuracy', 'logLoss'],
  };
}

/**
 * fit's sampleWeight and classWeight for these settings on this data: the weight column's values for
 * the rows the encoding kept (data/weights.ts), and --class-weight with its labels turned into classes.
 */
export function weightOptions(
  settings: TrainSettings,
  data: { table: DataTable; encoding: Encoding; encoded: { rows: number[] } },
): Pick<FitOptions, 'sampleWeight' | 'classWeight'> {
  const { classWeight, weightColumn: column } = settings;
  const target = data.encoding.target;
  if (classWeight !== undefined && target.task === 'regression')
    throw new UsageError(
      `--class-weight applies to classification; ${target.columns.join(', ')} is a regression target (use --weight-column for row weights)`,
    );
  return {
    ...(column ? { sampleWeight: weightColumn(data.table, column, data.encoded.rows) } : {}),
    ...(classWeight !== undefined
      ? { classWeight: classWeightByLabel(classWeight, target.classes ?? [], '--class-weight') }
      : {}),
  };
}

/** How trainSteps stops before the run is done: asked between steps, about every `everyMs`. */
export interface StepControl {
  /** true ends training here, at a step boundary (the run's checkpoint() then resumes it exactly) */
  shouldStop(): boolean;
  everyMs?: number;
}

/**
 * Steps the run to its end at library speed, giving the event loop a turn (signal handlers, progress
 * output) about every `everyMs` milliseconds; returns 'interrupted' when shouldStop() said so.
 */
export async function trainSteps(run: TrainingRun, control: StepControl): Promise<'done' | 'interrupted'> {
  const everyMs = control.everyMs ?? 50;
  let next = performance.now() + everyMs;
  while (!run.done) {
    run.step();
    if (performance.now() >= next) {
      await new Promise((resolve) => setImmediate(resolve));
      if (control.shouldStop()) return 'interrupted';
      next = performance.now() + everyMs;
    }
  }
  return 'done';
}
