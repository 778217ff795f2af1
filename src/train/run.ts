// TrainingRun: the one training engine. It owns batching, the optimizer step, the learning-rate
// schedule, validation, early stopping, divergence detection (restoring the last weights with a
// finite loss), checkpoints and resume, and the onEpoch / onBatch callbacks. fit() runs one to the
// end; the CLI, the playground and the doctor's probes drive one a step at a time:
//   const run = new TrainingRun(network, x, y, options);
//   while (!run.done) run.step();      // one mini-batch, or one L-BFGS iteration (line search included)
//   run.epoch();                       // steps to the end of the epoch in progress
//   run.run(until?);                   // steps until done or until(run) is true; returns run.history
//   run.checkpoint();                  // plain JSON: a new TrainingRun with { resume } continues it exactly
// Each epoch: a seeded shuffle, then per mini-batch forward + backward, optional clipping and one
// optimizer step on the flat buffers; then validation, metrics, schedule and early stopping.
// L-BFGS takes the whole training set as one batch and one iteration per epoch. No console, no DOM.

import { DivergenceError, OptionError, checkBoolean, shown } from '../errors.js';
import {
  checkMatrix,
  checkSameRows,
  isMatrix,
  toMatrix,
  type FloatArray,
  type Matrix,
  type MatrixLike,
} from '../matrix.js';
import { weightSum } from '../nn/losses.js';
import type { LossTerms, Network } from '../nn/network.js';
import type { Optimizer } from '../optim/index.js';
import { Random } from '../random.js';
import { Batches, clipGradient } from './batches.js';
import { divergenceMessage, weightsFinite } from './divergence.js';
import { EarlyStopping } from './early-stopping.js';
import { baseline, evaluateScaled, prepareData, type TrainingData } from './fit-data.js';
import { resolveFitOptions, type ResolvedFitOptions } from './fit-options.js';
import type { EpochInfo, FitCheckpoint, FitOptions, History, StepInfo } from './fit-types.js';
import { BatchGradient, planWorkers } from './parallel-auto.js';
import { LearningRateSchedule } from './schedules.js';

export interface TrainingRunOptions extends FitOptions {
  /**
   * Treat a batch cost above this as divergence, like a non-finite one. Default: a million times the
   * largest of the run's first batch cost, the mean predictor's (History.baseline.loss) and 1 — a
   * loss that grows that far has diverged, whether or not it has overflowed yet. For probes that give up
   * on a run whose loss exploded, before the update that would follow.
   */
  maxLoss?: number;
  /**
   * Keep the per-epoch lists of History (default true). False keeps memory flat for endless runs
   * (the playground); early stopping and schedules still work, checkpoints then carry no history.
   */
  recordHistory?: boolean;
  /**
   * Train on x and y exactly as given and leave network.scaling alone, whatever it is (default
   * false): for probes on data already in the training space. `scale` is then ignored.
   */
  raw?: boolean;
}

export class TrainingRun {
  readonly network: Network;
  /** the training and validation rows, raw and scaled */
  readonly data: TrainingData;
  /** every option after defaults */
  readonly settings: ResolvedFitOptions;
  readonly optimizer: Optimizer;
  readonly history: History;
  /** total epochs (a resumed run counts the ones before it) */
  readonly epochs: number;
  /** batches per epoch */
  readonly batches: number;
  /** true once the run has ended (epochs, early stopping, convergence, a callback, divergence) */
  done = false;
  /** set when the run diverged (step() threw it); the weights are those of the last finite loss */
  diverged: DivergenceError | null = null;
  /** the cost of the weights divergence restores (those of the last finite batch loss) */
  lastGoodLoss = NaN;
  /** the last batch cost computed, finite or not */
  lastLoss = NaN;
  /** the run's first batch cost (NaN before it), for the default maxLoss */
  #firstLoss = Number.NaN;

  readonly #options: TrainingRunOptions;
  readonly #random: Random;
  readonly #batchList: Batches;
  /** the batches' gradients: the network, or chunks over worker threads (FitOptions.workers) */
  readonly #gradient: BatchGradient;
  readonly #schedule: LearningRateSchedule;
  readonly #earlyStopping: EarlyStopping;
  /** the weights of the last finite batch loss, of the network's precision (a float32 copy costs a quarter of a widening one) */
  #lastGood: FloatArray;
  /** the weights before a step the threads take (batchStep), swapped with lastGood once their loss is good */
  #spare: FloatArray | null = null;
  /** the learning rate the optimizer came with (the schedule overwrites it each epoch) */
  readonly #baseRate: number;
  readonly #start = performance.now();
  #elapsedBefore = 0;
  /** epochs completed; batches completed in the epoch in progress */
  #epochIndex = 0;
  #batchIndex = 0;
  /** whether the epoch in progress has begun (learning rate set, rows shuffled) */
  #inEpoch = false;
  /** the shuffling generator's state at the start of the epoch in progress */
  #epochRandom: number[];
  #learningRate = NaN;
  /** sums over the epoch in progress: cost·rows, data loss·rows, rows (with weights: ·Σ w, Σ w) */
  #sums: [number, number, number] = [0, 0, 0];
  /** a callback asked to stop */
  #stopped = false;
  /** L-BFGS: the cost and data loss at the current params, left by the last line-search evaluation */
  #closureTerms = { total: NaN, data: NaN };

  constructor(network: Network, x: MatrixLike, y: MatrixLike, options: TrainingRunOptions = {}) {
    this.network = network;
    this.#options = options;
    const fitOptions = withoutRunOptions(options);
    const { maxLoss, recordHistory, raw } = fitOptions === options ? {} : options;
    const X = ownMatrix(x, 'x', network.inputSize);
    const Y = ownMatrix(y, 'y', network.outputSize);
    checkSameRows(X, Y);
    network.loss.checkTargets?.(Y.data, Y.rows, Y.cols);
    const settings = resolveFitOptions(fitOptions, X.rows);
    this.settings = settings;
    if (maxLoss !== undefined && !(typeof maxLoss === 'number' && maxLoss > 0))
      throw new OptionError(
        `maxLoss must be a number > 0 (Infinity: no limit), got ${shown(maxLoss)}`,
        'maxLoss',
      );
    if (raw && settings.metrics.length)
      throw new OptionError(
        'a raw run records no metrics (they are in original units): leave metrics out',
        'raw',
      );
    if (recordHistory !== undefined) checkBoolean('recordHistory', recordHistory);
    this.optimizer = settings.optimizer;
    this.epochs = settings.epochs;
    this.#random = new Random(settings.seed);
    this.data = prepareData(network, X, Y, fitOptions, settings, this.#random, raw === true);
    const { xs, ys, weights } = this.data;
    const runRows = this.epochs * xs.rows;
    const plan = planWorkers(weights.loss ? 1 : settings.workers, settings.batchSize, network, runRows);
    this.#gradient = new BatchGradient(network, plan, settings.batchSize);
    // with chunks over threads the batches are gathered where the workers read them in place
    const resident = plan.threads > 1;
    this.#batchList = new Batches(xs, ys, settings.batchSize, network.dtype, weights.loss, resident);
    this.batches = this.#batchList.count;
    this.#schedule = new LearningRateSchedule(
      fitOptions.schedule,
      this.optimizer.learningRate,
      this.epochs,
      settings.warmup,
    );
    this.#earlyStopping = new EarlyStopping(settings.earlyStopping);
    this.history = this.#emptyHistory();
    if (fitOptions.resume !== undefined) this.#resume(fitOptions.resume);
    this.#epochRandom = this.#random.state();
    this.#lastGood = network.params.slice(); // a first loss already non-finite keeps these
    this.#baseRate = this.optimizer.learningRate;
    if (this.#epochIndex >= this.epochs) this.#finish();
  }

  /** Where the run stands: epochs completed, and batches completed in the epoch in progress. */
  get position(): { epoch: number; batch: number } {
    return { epoch: this.#epochIndex, batch: this.#batchIndex };
  }

  /** Milliseconds since training began (across resumes). */
  elapsed(): number {
    return this.#elapsedBefore + performance.now() - this.#start;
  }

  /**
   * One update: a mini-batch, or one L-BFGS iteration; at the end of an epoch also validation,
   * schedule, early stopping and onEpoch. Returns null when there was nothing to update (done, or a
   * resumed epoch whose batches were all done). Throws DivergenceError (the run is then done).
   */
  step(): StepInfo | null {
    if (this.done) return null;
    try {
      return this.#advance();
    } catch (e) {
      this.#gradient.close(); // no worker outlives a failed step (a later step starts them again)
      throw e;
    }
  }

  #advance(): StepInfo | null {
    if (!this.#inEpoch) this.#beginEpoch();
    let info: StepInfo | null = null;
    if (this.#batchIndex < this.batches)
      info = this.settings.optimizer.needsClosure ? this.#closureStep() : this.#batchStep();
    if (this.#batchIndex === this.batches) this.#endEpoch();
    else if (this.#stopped) {
      this.history.stopReason = 'callback';
      this.#finish();
    }
    return info;
  }

  /** Steps to the end of the epoch in progress (or until the run stops). */
  epoch(): void {
    const target = this.#epochIndex + 1;
    while (!this.done && this.#epochIndex < target) this.step();
  }

  /** Steps until the run is done or `until(run)`, asked after each step, is true. Returns the history. */
  run(until?: (run: TrainingRun) => boolean): History {
    while (!this.done) {
      this.step();
      if (until?.(this)) break;
    }
    return this.history;
  }

  /**
   * The state to save for a resume (FitOptions.resume), plain JSON; the network holds the weights.
   * `history: false` leaves the history lists empty, for callers that store them apart (appending
   * each epoch once) and put them back before resuming.
   */
  checkpoint(options: { history?: boolean } = {}): FitCheckpoint {
    const h = options.history === false ? emptyLists(this.history) : this.history;
    return {
      format: 'scratchnet-fit-checkpoint',
      version: 1,
      epoch: this.#epochIndex,
      batch: this.#batchIndex,
      random: this.#inEpoch ? this.#epochRandom.slice() : this.#random.state(),
      partial: [this.#sums[0], this.#sums[1], this.#sums[2]],
      optimizer: this.optimizer.state(),
      schedule: this.#schedule.state(),
      earlyStopping: this.#earlyStopping.state(),
      history: structuredClone({
        loss: h.loss,
        dataLoss: h.dataLoss,
        valLoss: h.valLoss,
        metrics: h.metrics,
        valMetrics: h.valMetrics,
        learningRate: h.learningRate,
        elapsed: h.elapsed,
      }),
      batchSize: this.settings.batchSize,
      rows: this.data.x.rows,
      weights: fingerprint(this.network.params),
      ...(Number.isFinite(this.#firstLoss) ? { firstLoss: this.#firstLoss } : {}),
    };
  }

  #beginEpoch(): void {
    this.#learningRate = this.#schedule.rate(this.#epochIndex);
    this.optimizer.learningRate = this.#learningRate;
    this.#epochRandom = this.#random.state();
    this.#batchList.beginEpoch(this.#random, this.settings.shuffle);
    this.#inEpoch = true;
  }

  /** One mini-batch: forward + backward, clipping, one optimizer step; then onBatch. */
  #batchStep(): StepInfo {
    const { network, optimizer } = this;
    const b = this.#batchIndex;
    const { x, y, w } = this.#batchList.get(b);
    if (!w && !this.settings.clipNorm && this.#gradient.plan.chunks > 1) {
      // chunks over threads, which take the optimizer step too (BatchGradient.step): the weights
      // this batch's loss belongs to are kept before it
      const before = this.#spareWeights();
      before.set(network.params);
      const terms = this.#gradient.step(x, y, optimizer);
      this.#checkLoss(terms.total, b + 1, before);
      return this.#afterStep(terms, x.rows, w);
    }
    // weighted batches run whole on this thread (the workers' chunks carry no weights)
    const terms = w ? network.computeGradient(x, y, undefined, false, w) : this.#gradient.compute(x, y);
    this.#checkLoss(terms.total, b + 1);
    if (this.settings.clipNorm) clipGradient(network.grads, this.settings.clipNorm);
    optimizer.step(network.params, network.grads);
    return this.#afterStep(terms, x.rows, w);
  }

  /** A buffer as long as the weights (made once), for the weights before a step (batchStep). */
  #spareWeights(): FloatArray {
    this.#spare ??= this.network.params.slice();
    return this.#spare;
  }

  /** After a batch's optimizer step: the weights checked, the epoch's sums, onBatch. */
  #afterStep(terms: LossTerms, rows: number, w: Float64Array | undefined): StepInfo {
    const { network } = this;
    const b = this.#batchIndex;
    // a step can overflow the weights even from a finite loss (the last step is checked by no later loss)
    if (!weightsFinite(network.params)) this.#diverge(NaN, b + 1);
    this.#addToEpoch(terms.total, terms.data, w ? weightSum(w, w.length) : rows);
    this.#batchIndex = b + 1;
    const info = this.#stepInfo(terms.total, terms.data, rows);
    if (this.#options.onBatch) {
      const go = this.#options.onBatch({
        ...info,
        elapsed: this.elapsed(),
        checkpoint: () => this.checkpoint(),
      });
      if (go === false) this.#stopped = true;
    }
    return info;
  }

  /** One L-BFGS iteration over the whole training set; its line search re-evaluates the cost. */
  #closureStep(): StepInfo {
    const { network, optimizer, data } = this;
    const w = data.weights.loss ?? undefined;
    const closure = () => {
      const t = network.computeGradient(data.xs, data.ys, undefined, false, w);
      this.#closureTerms = t;
      return t.total;
    };
    // the last line-search evaluation left the cost and gradient at the current params
    const terms = Number.isNaN(this.#closureTerms.total)
      ? network.computeGradient(data.xs, data.ys, undefined, false, w)
      : this.#closureTerms;
    this.#checkLoss(terms.total, 1);
    const rows = data.xs.rows;
    this.#sums = [terms.total * rows, terms.data * rows, rows];
    optimizer.step(network.params, network.grads, closure, terms.total);
    if (!weightsFinite(network.params)) this.#diverge(NaN, 1);
    this.#batchIndex = 1;
    return this.#stepInfo(terms.total, terms.data, rows);
  }

  #stepInfo(loss: number, dataLoss: number, rows: number): StepInfo {
    const { batches } = this;
    const learningRate = this.#learningRate;
    return {
      epoch: this.#epochIndex + 1,
      batch: this.#batchIndex,
      batches,
      loss,
      dataLoss,
      rows,
      learningRate,
    };
  }

  #addToEpoch(cost: number, dataLoss: number, rows: number): void {
    this.#sums[0] += cost * rows;
    this.#sums[1] += dataLoss * rows;
    this.#sums[2] += rows;
  }

  /**
   * A batch cost that is not finite (or above maxLoss) ends the run; a finite one marks the weights
   * it was computed at good: the network's, or `at` (the spare buffer, then swapped in: no copy).
   */
  #checkLoss(cost: number, batch: number, at: FloatArray = this.network.params): void {
    this.lastLoss = cost;
    if (Number.isNaN(this.#firstLoss)) this.#firstLoss = cost;
    if (!Number.isFinite(cost) || cost > this.#lossLimit()) this.#diverge(cost, batch);
    if (at === this.#spare) {
      this.#spare = this.#lastGood;
      this.#lastGood = at;
    } else this.#lastGood.set(at);
    this.lastGoodLoss = cost;
  }

  /**
   * options.maxLoss, else LOSS_GROWTH × the largest of the run's first batch cost (kept by checkpoints,
   * so a resumed run has the limit of the uninterrupted one), the mean predictor's cost and 1 (a warm
   * start on a network that already fits, or a constant target, starts near 0: noise is not divergence).
   */
  #lossLimit(): number {
    if (this.#options.maxLoss !== undefined) return this.#options.maxLoss;
    const base = this.history.baseline.loss;
    return LOSS_GROWTH * Math.max(this.#firstLoss, Number.isFinite(base) ? base : 0, 1);
  }

  #diverge(value: number, batch: number): never {
    const { network, optimizer, data } = this;
    network.params.set(this.#lastGood);
    optimizer.learningRate = this.#baseRate;
    const message = divergenceMessage(
      value,
      this.#epochIndex + 1,
      batch,
      this.batches,
      optimizer,
      data.y,
      network,
      Number.isFinite(value) ? this.#lossLimit() : undefined,
    );
    this.diverged = new DivergenceError(message, this.#epochIndex + 1, batch);
    this.done = true;
    this.#gradient.close();
    throw this.diverged;
  }

  /** End of an epoch: record, validate, schedule, early stopping, onEpoch. */
  #endEpoch(): void {
    const { history, network, data, settings } = this;
    const [cost, dataCost, rows] = this.#sums;
    const loss = cost / rows;
    const lossData = dataCost / rows;
    const record = this.#options.recordHistory !== false;
    if (record) {
      history.loss.push(loss);
      history.dataLoss.push(lossData);
      history.learningRate.push(this.#learningRate);
    }
    this.#sums = [0, 0, 0];
    this.#batchIndex = 0;
    this.#inEpoch = false;
    const metrics = settings.metrics;
    const trainMetrics = metrics.length
      ? evaluateScaled(network, data.xs, data.y, metrics, undefined, data.weights).metrics
      : {};
    let valLoss: number | undefined;
    let valMetrics: Record<string, number> = {};
    if (data.validation && data.validationScaled) {
      const ev = evaluateScaled(
        network,
        data.validationScaled.x,
        data.validation.y,
        metrics,
        data.validationScaled.y,
        data.validationWeights,
      );
      valLoss = ev.loss;
      valMetrics = ev.metrics;
      if (record) history.valLoss.push(valLoss);
    }
    if (record) {
      for (const m of metrics) {
        history.metrics[m].push(trainMetrics[m]);
        if (data.validation) history.valMetrics[m].push(valMetrics[m]);
      }
      history.elapsed.push(this.elapsed());
    }
    this.#epochIndex++;
    history.epochs = this.#epochIndex;
    this.#afterEpoch({ loss, dataLoss: lossData, valLoss, metrics: trainMetrics, valMetrics });
  }

  /** Schedule, early stopping, convergence and onEpoch, after an epoch's numbers are in. */
  #afterEpoch(e: Pick<EpochInfo, 'loss' | 'dataLoss' | 'valLoss' | 'metrics' | 'valMetrics'>): void {
    const { history, network } = this;
    const es = this.#earlyStopping;
    const monitored = es.settings.monitor === 'valLoss' && e.valLoss !== undefined ? e.valLoss : e.loss;
    this.#schedule.observe(monitored);
    // the weights this loss belongs to: after the epoch for the validation loss; for a full-batch
    // training loss, the ones before the update (it was computed there); for mini-batches, after
    const lossWeights =
      es.settings.monitor === 'loss' && this.batches === 1 ? this.#lastGood : network.params;
    let stop = this.#stopped;
    if (es.observe(this.#epochIndex, monitored, lossWeights)) {
      history.stoppedEarly = true;
      history.stopReason = 'earlyStopping';
      stop = true;
    }
    history.bestEpoch = es.bestEpoch;
    history.bestLoss = es.best;
    if (this.optimizer.converged && !stop) {
      history.stopReason = 'converged';
      stop = true;
    }
    if (this.#options.onEpoch) {
      const info: EpochInfo = {
        epoch: this.#epochIndex,
        ...e,
        learningRate: this.#learningRate,
        elapsed: this.elapsed(),
        history,
        checkpoint: () => this.checkpoint(),
      };
      const go = this.#options.onEpoch(info, e.loss);
      if (go === false && !stop) {
        history.stopReason = 'callback';
        stop = true;
      }
    }
    this.#stopped = stop;
    if (stop || this.#epochIndex >= this.epochs) this.#finish();
  }

  /** The end of the run: the best weights back (early stopping), the final checkpoint, the optimizer's rate. */
  #finish(): void {
    const history = this.history;
    if (this.#stopped && history.stopReason === 'epochs') history.stopReason = 'callback';
    history.bestEpoch = this.#earlyStopping.bestEpoch;
    history.bestLoss = this.#earlyStopping.best;
    // a run stopped by a callback keeps its current weights, so that it can resume from its checkpoint
    if (history.stopReason !== 'callback') this.#earlyStopping.restore(this.network.params);
    history.checkpoint = this.checkpoint();
    this.optimizer.learningRate = this.#baseRate;
    this.done = true;
    this.#gradient.close();
  }

  #emptyHistory(): History {
    const { settings, data } = this;
    return emptyHistory({
      metrics: settings.metrics,
      valMetrics: data.validation ? settings.metrics : [],
      baseline: baseline(this.network, data, settings.metrics),
      batchSize: settings.batchSize,
      trainRows: data.x.rows,
      validationRows: data.validation ? data.validation.x.rows : 0,
    });
  }

  /** Takes up a checkpoint's position and state (FitOptions.resume). */
  #resume(c: FitCheckpoint): void {
    if (!c || c.format !== 'scratchnet-fit-checkpoint' || c.version !== 1) {
      throw new OptionError(
        'resume needs a checkpoint written by fit (History.checkpoint or info.checkpoint())',
        'resume',
      );
    }
    const paramCount = this.network.params.length;
    if (
      c.optimizer.buffers &&
      Object.values(c.optimizer.buffers).some((b) => b.length !== 0 && b.length % paramCount !== 0)
    ) {
      throw new OptionError('the checkpoint belongs to a network with another parameter count', 'resume');
    }
    if (!Number.isInteger(c.batch) || c.batch < 0 || c.batch > this.batches)
      throw new OptionError(
        `the checkpoint stopped after batch ${c.batch} but an epoch here has ${this.batches}: resume with the options of the interrupted run`,
        'resume',
      );
    const again = 'resume with the network, data and options of the interrupted run';
    if (c.batchSize !== undefined && c.batchSize !== this.settings.batchSize)
      throw new OptionError(
        `the checkpoint was taken with batchSize ${c.batchSize} but this run's is ${this.settings.batchSize}: ${again}`,
        'resume',
      );
    if (c.rows !== undefined && c.rows !== this.data.x.rows)
      throw new OptionError(
        `the checkpoint was taken training on ${c.rows} rows but this run trains on ${this.data.x.rows}: ${again}`,
        'resume',
      );
    if (c.weights !== undefined && c.weights !== fingerprint(this.network.params))
      throw new OptionError(
        `the network's parameters are not those the checkpoint was taken with (a network saved at another time, or trained since): ${again}`,
        'resume',
      );
    this.#epochIndex = c.epoch;
    this.#batchIndex = c.batch;
    this.#random.setState(c.random);
    this.#sums = [c.partial[0], c.partial[1], c.partial[2]];
    this.optimizer.setState(c.optimizer);
    this.#schedule.setState(c.schedule);
    this.#earlyStopping.setState(c.earlyStopping);
    const h = structuredClone(c.history);
    Object.assign(this.history, h);
    this.history.epochs = c.epoch;
    this.#elapsedBefore = h.elapsed.at(-1) ?? 0;
    if (c.firstLoss !== undefined) this.#firstLoss = c.firstLoss;
  }
}

/** How far the batch cost may grow above its start (and the mean predictor's) before the run counts as diverged. */
export const LOSS_GROWTH = 1e6;

/** FNV-1a (32 bits) of the parameters' float64 bits, as 8 hex digits: equal for equal parameters. */
export function fingerprint(params: ArrayLike<number>): string {
  const word = new Float64Array(1);
  const bytes = new Uint8Array(word.buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < params.length; i++) {
    word[0] = params[i];
    for (let b = 0; b < 8; b++) h = Math.imul(h ^ bytes[b], 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Matrices handed over to the next TrainingRun that is given them (handOver). */
const handedOver = new WeakSet<Matrix>();

/**
 * Hands x or y over to the next TrainingRun given it, from a caller that no longer uses it otherwise:
 * the run checks it as usual but keeps it instead of copying it (a float64 matrix; others are copied).
 * The run never writes to it. Internal (the CLI and the linear reference, for memory at a million
 * rows): not exported from the package.
 */
export function handOver(m: Matrix): Matrix {
  handedOver.add(m);
  return m;
}

/** x or y as the run keeps it: a handed-over float64 matrix itself, checked; anything else copied by toMatrix. */
function ownMatrix(m: MatrixLike, argument: string, cols: number): Matrix {
  if (!isMatrix(m) || !handedOver.delete(m) || !(m.data instanceof Float64Array))
    return toMatrix(m, argument, cols);
  return checkMatrix(m, argument, cols);
}

/** The options fit knows (a non-object is passed on for resolveFitOptions to reject). */
function withoutRunOptions(options: TrainingRunOptions): FitOptions {
  if (typeof options !== 'object' || options === null) return options;
  const { maxLoss: _maxLoss, recordHistory: _recordHistory, raw: _raw, ...fitOptions } = options;
  return fitOptions;
}

/** History's per-epoch lists, empty (metric names kept). */
function emptyLists(h: History): FitCheckpoint['history'] {
  const names = (m: Record<string, number[]>) => Object.fromEntries(Object.keys(m).map((k) => [k, []]));
  return {
    loss: [],
    dataLoss: [],
    valLoss: [],
    metrics: names(h.metrics),
    valMetrics: names(h.valMetrics),
    learningRate: [],
    elapsed: [],
  };
}

/** A History before its first epoch: `metrics` and `valMetrics` name the series it will fill (in that order). */
export function emptyHistory(h: {
  metrics: readonly string[];
  valMetrics: readonly string[];
  baseline: History['baseline'];
  batchSize: History['batchSize'];
  trainRows: number;
  validationRows: number;
}): History {
  const series = (names: readonly string[]) => Object.fromEntries(names.map((m) => [m, [] as number[]]));
  return {
    loss: [],
    dataLoss: [],
    valLoss: [],
    metrics: series(h.metrics),
    valMetrics: series(h.valMetrics),
    learningRate: [],
    elapsed: [],
    epochs: 0,
    bestEpoch: 0,
    bestLoss: NaN,
    stoppedEarly: false,
    stopReason: 'epochs',
    baseline: h.baseline,
    batchSize: h.batchSize,
    trainRows: h.trainRows,
    validationRows: h.validationRows,
    checkpoint: undefined as unknown as FitCheckpoint, // filled as the run ends (a streamed run has none)
  };
}
