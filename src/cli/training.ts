// The CLI's bridge to the training library: builds the network from resolved settings, and runs
// fit() in short chunks so the event loop can deliver Ctrl-C / SIGTERM between them. A chunk
// boundary is fit's own resume point (FitCheckpoint: epoch, optimizer, shuffling generator, early
// stopping, history), which is also what a checkpoint file stores: an interrupted and resumed run
// equals an uninterrupted one bit for bit.

import type { Network } from '../nn/network.js';
import type { ActivationName } from '../nn/activations.js';
import type { LossName } from '../nn/losses.js';
import type { InitializerName } from '../nn/initializers.js';
import type { OptimizerName } from '../optim/index.js';
import {
  createNetwork,
  fit,
  type Task,
  type EpochInfo,
  type FitCheckpoint,
  type FitOptions,
  type History,
} from '../train/index.js';
import type { Matrix } from '../matrix.js';

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
  /** patience, or true for fit's default patience */
  earlyStopping?: number | true;
  scale: boolean;
  seed: number;
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
}

/** Flags → settings. Left undefined, a setting takes the library's default (createNetwork, fit). */
export function resolveSettings(flags: TrainFlags, task: Task): TrainSettings {
  void task;
  const set = <K extends string, V>(key: K, value: V | undefined) =>
    value === undefined ? {} : ({ [key]: value } as Record<K, V>);
  return {
    ...set('layers', flags.layers),
    ...set('activation', flags.activation),
    ...set('output', flags.output),
    ...set('loss', flags.loss),
    ...set('init', flags.init),
    ...set('optimizer', flags.optimizer),
    ...set('learningRate', flags.lr),
    ...set('momentum', flags.momentum),
    ...set('epochs', flags.epochs),
    ...set('batchSize', flags.batchSize),
    weightDecay: flags.weightDecay ?? 0,
    ...set('validationSplit', flags.valSplit),
    ...set('earlyStopping', flags.earlyStop ?? (flags.valSplit ? true : undefined)),
    scale: flags.scale !== false,
    seed: flags.seed ?? 42,
  } as TrainSettings;
}

/** The network for these settings: train's createNetwork (task-aware output and loss), same seed. */
export function buildNetwork(settings: TrainSettings, x: Matrix, y: Matrix, task: Task): Network {
  return createNetwork(x, y, {
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
 * validation data) — the same on every chunk and on resume, as fit requires.
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
    ...(settings.earlyStopping !== undefined
      ? { earlyStopping: settings.earlyStopping === true ? true : { patience: settings.earlyStopping } }
      : {}),
    scale: settings.scale,
    seed: settings.seed,
    metrics: task === 'regression' ? ['r2', 'rmse'] : ['accuracy', 'logLoss'],
  };
}

export interface RunHooks {
  /** after each epoch: 'stop' ends the run here (resumable), 'boundary' ends the chunk (see atBoundary) */
  onEpoch?: (info: EpochInfo, epochs: number) => 'stop' | 'boundary' | void;
  /** at a chunk boundary (an exact resume point): await signals, write checkpoints; false ends the run */
  atBoundary?: (checkpoint: FitCheckpoint) => Promise<boolean | void>;
}

export interface RunResult {
  history: History;
  /** 'interrupted': stopped by a hook; history.checkpoint resumes it */
  stopped: 'done' | 'interrupted';
}

/**
 * Runs fit in chunks of about `chunkMs` so signals can be handled between them. Each chunk resumes
 * from the last one's checkpoint, so the result equals one uninterrupted fit bit for bit.
 */
export async function runTraining(
  network: Network,
  x: Matrix,
  y: Matrix,
  settings: TrainSettings,
  task: Task,
  resume: FitCheckpoint | null,
  hooks: RunHooks,
  chunkMs = 250,
): Promise<RunResult> {
  const options = fitOptions(settings, task);
  let checkpoint = resume;
  for (;;) {
    const start = performance.now();
    let byHook = false;
    let boundary: FitCheckpoint | null = null;
    let weights: Float64Array | null = null;
    const history = fit(network, x, y, {
      ...options,
      ...(checkpoint ? { resume: checkpoint } : {}),
      onEpoch: (info) => {
        const go = hooks.onEpoch?.(info, totalEpochs(options, info));
        if (go !== undefined || performance.now() - start > chunkMs) {
          // Keep this epoch's exact state (fit keeps the current weights on a callback stop; the
          // copy makes the resume point independent of what fit does after the callback).
          boundary = info.checkpoint();
          weights = Float64Array.from(network.params);
          byHook = go === 'stop';
          return false;
        }
      },
      // Long epochs (many mini-batches) also end a chunk, mid-epoch: fit's checkpoint then records
      // the batch position, so Ctrl-C is handled within about chunkMs whatever the data size.
      onBatch: (info) => {
        if (info.batch < info.batches && performance.now() - start > chunkMs) {
          boundary = info.checkpoint();
          weights = Float64Array.from(network.params);
          return false;
        }
      },
    });
    if (boundary === null || history.stopReason !== 'callback') return { history, stopped: 'done' };
    network.params.set(weights!);
    checkpoint = boundary;
    history.checkpoint = boundary;
    if (byHook || (await hooks.atBoundary?.(boundary)) === false) return { history, stopped: 'interrupted' };
  }
}

/** The run's total epochs as fit resolves them (recorded after the first chunk). */
function totalEpochs(options: FitOptions, info: EpochInfo): number {
  return (
    options.epochs ??
    (info.history.batchSize > 0 && info.history.trainRows > info.history.batchSize ? 200 : 1000)
  );
}
