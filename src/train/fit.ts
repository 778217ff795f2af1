// fit(): trains a network to the end of its run and returns the history — a TrainingRun (run.ts)
// driven to completion. No console and no DOM here: progress goes to the onEpoch / onBatch callbacks.
// The options, their defaults (fit-options.ts) and the history are described in fit-types.ts.

import type { MatrixLike } from '../matrix.js';
import type { Network } from '../nn/network.js';
import type { FitOptions, History } from './fit-types.js';
import { TrainingRun } from './run.js';

export type {
  Baseline,
  BatchInfo,
  EarlyStoppingOptions,
  EpochInfo,
  FitCheckpoint,
  FitOptions,
  History,
  StepInfo,
} from './fit-types.js';
export { clipGradient } from './batches.js';
export { evaluate } from './fit-data.js';

/**
 * Trains `network` on x[N×inputs], y[N×outputs] with `options` (all optional; see FitOptions) and
 * returns the history. Throws DivergenceError, with the weights of the last finite loss restored,
 * when the loss stops being finite. With `resume` (a checkpoint of an interrupted run, the same
 * options and the network as it was then) the run ends bit-identical to an uninterrupted one.
 */
export function fit(network: Network, x: MatrixLike, y: MatrixLike, options: FitOptions = {}): History {
  return new TrainingRun(network, x, y, options).run();
}
