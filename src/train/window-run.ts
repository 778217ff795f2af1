// Training in passes over data larger than memory (`scratchnet train --stream`): each epoch a pass
// supplied by the caller hands windows of rows over one after another; each window trains as a
// TrainingRun of one epoch on its rows (scaled by network.scaling, shuffled within the window with a
// seed drawn from (seed, epoch, window)), every run stepping the SAME optimizer, whose state (Adam's
// moments and step count, momentum) carries across windows and epochs. After each epoch the held-out
// rows are scored, early stopping watches their loss and restores the best epoch's weights.
// Memory: one window (and its copies) plus the held-out rows, whatever the length of the data.
// No console, no files: the caller reads the windows and reports progress.

import type { Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';
import type { Optimizer } from '../optim/index.js';
import { EarlyStopping } from './early-stopping.js';
import { evaluate } from './fit-data.js';
import type { EarlyStoppingSettings } from './fit-options.js';
import type { History } from './fit-types.js';
import type { MetricName } from './metrics.js';
import { TrainingRun, emptyHistory } from './run.js';
import { scaleInputs, scaleTargets } from './scaling.js';

/** One epoch's windows: `pass` calls train(x, y) for each, in order, rows in original units. */
export type WindowPass = (train: (x: Matrix, y: Matrix) => void) => void;

export interface WindowRunOptions {
  /** the one optimizer of the run (a ready-made object: its state persists across windows) */
  optimizer: Optimizer;
  epochs: number;
  /** rows per update (a window's last batch may be shorter) */
  batchSize: number;
  seed: number;
  /** the held-out rows in original units; null: none (no early stopping) */
  validation: { x: Matrix; y: Matrix } | null;
  /** metrics of the held-out rows after each epoch */
  metrics: MetricName[];
  earlyStopping: EarlyStoppingSettings;
  /** after each window: its number in the epoch (from 1), rows and mean batch cost */
  onWindow?: (info: { epoch: number; window: number; rows: number; loss: number }) => void;
  /** after each epoch: the epoch's numbers and the history so far */
  onEpoch?: (info: WindowEpoch) => void;
}

export interface WindowEpoch {
  epoch: number;
  /** the mean batch cost over the epoch's windows (rows-weighted), in the training space */
  loss: number;
  valLoss?: number;
  valMetrics: Record<string, number>;
  history: History;
}

/** Trains `network` (its scaling already set) epoch by epoch over `pass`; returns the history. */
export function trainInWindows(network: Network, pass: WindowPass, options: WindowRunOptions): History {
  const history = windowHistory(options);
  const stopping = new EarlyStopping(options.earlyStopping);
  const start = performance.now();
  const { validation, metrics } = options;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const [loss, dataLoss] = trainEpoch(network, pass, options, epoch, history);
    const scored = validation && evaluate(network, validation.x, validation.y, { metrics });
    history.loss.push(loss);
    history.dataLoss.push(dataLoss);
    history.learningRate.push(options.optimizer.learningRate);
    history.elapsed.push(performance.now() - start);
    if (scored) {
      history.valLoss.push(scored.loss);
      for (const m of metrics) history.valMetrics[m].push(scored.metrics[m]);
    }
    history.epochs = epoch;
    const stop = stopping.observe(epoch, scored ? scored.loss : loss, network.params);
    history.bestEpoch = stopping.bestEpoch;
    history.bestLoss = stopping.best;
    const valScores = scored ? { valLoss: scored.loss, valMetrics: scored.metrics } : { valMetrics: {} };
    options.onEpoch?.({ epoch, loss, ...valScores, history });
    if (stop) {
      history.stoppedEarly = true;
      history.stopReason = 'earlyStopping';
      break;
    }
  }
  stopping.restore(network.params);
  return history;
}

/**
 * One pass: every window trained as a one-epoch TrainingRun on the shared optimizer; the epoch's mean
 * batch cost and data loss.
 */
function trainEpoch(
  network: Network,
  pass: WindowPass,
  options: WindowRunOptions,
  epoch: number,
  history: History,
): [number, number] {
  let window = 0;
  let sum = 0;
  let dataSum = 0;
  let rows = 0;
  pass((x, y) => {
    window++;
    if (x.rows === 0) return;
    const run = new TrainingRun(
      network,
      scaleInputs(network.scaling, x, network.dtype),
      scaleTargets(network.scaling, y, network.dtype),
      {
        raw: true,
        optimizer: options.optimizer,
        epochs: 1,
        batchSize: Math.min(options.batchSize, x.rows),
        seed: windowSeed(options.seed, epoch, window),
      },
    );
    const h = run.run();
    const loss = h.loss[0];
    sum += loss * x.rows;
    dataSum += h.dataLoss[0] * x.rows;
    rows += x.rows;
    options.onWindow?.({ epoch, window, rows: x.rows, loss });
  });
  if (epoch === 1) history.trainRows = rows;
  return [sum / rows, dataSum / rows];
}

/** The shuffling seed of a window: a hash of (seed, epoch, window), so that each is its own and repeatable. */
export function windowSeed(seed: number, epoch: number, window: number): number {
  let z =
    (Math.imul(seed | 0, 0x9e3779b9) ^ Math.imul(epoch, 0x85ebca6b) ^ Math.imul(window, 0xc2b2ae35)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d);
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A History to fill epoch by epoch (no training-set metrics: they would need another pass). */
function windowHistory(options: WindowRunOptions): History {
  return emptyHistory({
    metrics: [],
    valMetrics: options.validation ? options.metrics : [],
    baseline: { predictor: 'mean', loss: NaN, metrics: {}, valMetrics: {} },
    batchSize: options.batchSize,
    trainRows: 0,
    validationRows: options.validation?.x.rows ?? 0,
  });
}
