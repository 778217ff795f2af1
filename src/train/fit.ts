// fit(): the training loop. No console and no DOM here: progress goes to callbacks.
// Each epoch: an optional seeded shuffle, then per mini-batch forward + backward, optional clipping
// and one optimizer step on the flat buffers; then validation, metrics, schedule and early stopping.
// L-BFGS takes the whole training set as one batch and one iteration (line search included) per epoch.
//
// Defaults (chosen so that naming only the data works): optimizer Adam (η = 0.001); batch: the whole
// training set when it has ≤ 1024 rows (small problems converge fastest and reproducibly with
// full-batch steps, as scikit-learn's L-BFGS and our seed's gradient descent do), else 32 (Keras's
// default); epochs 1000 for full batches, 200 for mini-batches (scikit-learn's max_iter); scale on:
// inputs and, for regression losses, targets standardized on the training rows (scaling.ts).

import { DivergenceError, OptionError, checkNumber, unknownName } from '../errors.js';
import { checkSameRows, gatherRows, toMatrix, zeros, type Matrix, type MatrixLike } from '../matrix.js';
import type { Network } from '../nn/network.js';
import {
  getOptimizer,
  type Optimizer,
  type OptimizerName,
  type OptimizerOptions,
  type OptimizerState,
} from '../optim/index.js';
import { Random } from '../random.js';
import { doctorCallback, type DoctorOptions, type DoctorReport, type Finding } from '../check/doctor.js';
import { baselinePredictions, checkMetrics, computeMetrics, type MetricName } from './metrics.js';
import { fitScaling, scaleInputs, scaleTargets, unscaleOutputs } from './scaling.js';
import { LearningRateSchedule, type ScheduleSpec, type ScheduleState } from './schedules.js';

export interface EarlyStoppingOptions {
  /**
   * epochs without improvement before stopping; default: enough for 10 epochs and 100 updates,
   * max(10, ⌈100 / batches per epoch⌉) — scikit-learn's n_iter_no_change is 10 epochs, but a full-batch
   * epoch is a single step, and 10 steps of Adam can sit on an early plateau (two spirals: stopped at
   * 64% accuracy with 10, 99.8% with 100)
   */
  patience?: number;
  /** an improvement must lower the monitored loss by more than this; default 0 (Keras) */
  minDelta?: number;
  /** default 'valLoss' when there is validation data, else 'loss' */
  monitor?: 'valLoss' | 'loss';
  /** put back the weights of the best epoch at the end (not when a callback stopped the run); default true */
  restoreBest?: boolean;
}

export interface EpochInfo {
  /** epochs completed (1-based) */
  epoch: number;
  loss: number;
  dataLoss: number;
  valLoss?: number;
  metrics: Record<string, number>;
  valMetrics: Record<string, number>;
  learningRate: number;
  /** milliseconds since training began (across resumes) */
  elapsed: number;
  history: History;
  /** the state to save for a resume (see FitOptions.resume) */
  checkpoint(): FitCheckpoint;
}

export interface BatchInfo {
  /** the epoch in progress (1-based) */
  epoch: number;
  /** batches completed in this epoch (1-based) and their number */
  batch: number;
  batches: number;
  /** the batch's cost before its update */
  loss: number;
  dataLoss: number;
  rows: number;
  learningRate: number;
  elapsed: number;
  checkpoint(): FitCheckpoint;
}

export interface FitOptions {
  /** Default 'adam'. A ready-made Optimizer object keeps its state across fit calls. */
  optimizer?: OptimizerName | Optimizer;
  /** Default: the optimizer's own (adam 0.001, sgd 0.01, lbfgs 1, …). */
  learningRate?: number;
  /** Further hyper-parameters (momentum, beta1, beta2, epsilon, weightDecay for adamw, memory …). */
  optimizerOptions?: Omit<OptimizerOptions, 'learningRate'>;
  /** Total epochs (a resumed run counts the ones before it). Default 1000 full-batch, 200 mini-batch. */
  epochs?: number;
  /** Rows per update. Default: all training rows when ≤ 1024, else 32. */
  batchSize?: number;
  /** Reshuffle the rows each epoch (seeded); default true. No effect with one batch. */
  shuffle?: boolean;
  /** Seed of the shuffles and of the validation split; default 42. */
  seed?: number;
  /** Rescale the gradient when its L2 norm exceeds this (PyTorch clip_grad_norm_). */
  clipNorm?: number;
  schedule?: ScheduleSpec;
  /** Epochs of linear warm-up of the learning rate; default 0. */
  warmup?: number;
  /** Fraction of rows held out (chosen by a seeded shuffle) to validate on, in [0, 1). */
  validationSplit?: number;
  /** A separate validation set (instead of validationSplit). */
  validationData?: { x: MatrixLike; y: MatrixLike } | [MatrixLike, MatrixLike];
  /** true (default patience: max(10, ⌈100 / batches⌉) epochs) or options; needs validation data unless monitor is 'loss'. */
  earlyStopping?: boolean | EarlyStoppingOptions;
  /** Metrics to record each epoch, on the training and validation sets, in original units. */
  metrics?: MetricName[];
  /**
   * Standardize inputs and (regression losses) targets on the training rows; default true. The
   * scaling is stored on the network (network.scaling), so predict() works in original units, and a
   * later fit reuses it (warm start). A network first trained unscaled stays unscaled.
   */
  scale?: boolean | { inputs?: boolean; targets?: boolean };
  /** After each epoch; return false to stop. (`loss` repeats info.loss for callers of the first fit, which passed (epoch, loss).) */
  onEpoch?: (info: EpochInfo, loss: number) => boolean | void;
  /** After each update; return false to stop (the checkpoint then records the batch position). */
  onBatch?: (info: BatchInfo) => boolean | void;
  /**
   * Continue a run from a checkpoint (EpochInfo/BatchInfo.checkpoint() or History.checkpoint), on the
   * network holding the weights it had then and with the same options: the run then ends
   * bit-identical to an uninterrupted one.
   */
  resume?: FitCheckpoint;
  /**
   * Run the doctor (check/doctor.ts): a diagnosis before training, the loss watched each epoch
   * (divergence, overfitting), the report in History.doctor. `onFinding` hears each new finding.
   */
  doctor?: boolean | (DoctorOptions & { onFinding?: (finding: Finding) => void });
}

export interface Baseline {
  /** 'mean': every row predicts the training targets' column means (class frequencies for classifiers) */
  predictor: 'mean';
  /** its cost in the training space (1 for standardized mse targets), comparable with History.loss */
  loss: number;
  valLoss?: number;
  metrics: Record<string, number>;
  valMetrics: Record<string, number>;
}

export interface History {
  /** the cost (data loss + penalties), one per epoch: before the update for a full batch, the mean over the epoch's batches otherwise */
  loss: number[];
  /** the data loss alone */
  dataLoss: number[];
  /** the cost on the validation set after each epoch (empty without validation) */
  valLoss: number[];
  /** training-set metrics per epoch (original units), by name */
  metrics: Record<string, number[]>;
  valMetrics: Record<string, number[]>;
  learningRate: number[];
  /** milliseconds since training began, at the end of each epoch */
  elapsed: number[];
  /** epochs completed in total */
  epochs: number;
  /** the epoch (1-based) with the best monitored loss; its weights are restored when early stopping restores */
  bestEpoch: number;
  bestLoss: number;
  stoppedEarly: boolean;
  stopReason: 'epochs' | 'earlyStopping' | 'callback' | 'converged';
  baseline: Baseline;
  batchSize: number;
  trainRows: number;
  validationRows: number;
  /** where the run ended, for a later resume */
  checkpoint: FitCheckpoint;
  /** the doctor's report, with fit's doctor option */
  doctor?: DoctorReport;
}

/** Everything a resumed fit needs besides the network's weights and the options. Plain JSON. */
export interface FitCheckpoint {
  format: 'scratchnet-fit-checkpoint';
  version: 1;
  /** epochs completed */
  epoch: number;
  /** batches completed in the epoch in progress (0 at an epoch boundary) */
  batch: number;
  /** the shuffling generator's state at the start of the epoch in progress */
  random: number[];
  /** sums over the epoch in progress: cost·rows, data loss·rows, rows */
  partial: [number, number, number];
  optimizer: OptimizerState;
  schedule: ScheduleState;
  earlyStopping: { best: number | null; bestEpoch: number; wait: number; bestParams: number[] | null };
  history: Pick<
    History,
    'loss' | 'dataLoss' | 'valLoss' | 'metrics' | 'valMetrics' | 'learningRate' | 'elapsed'
  >;
}

const fitOptionNames = [
  'optimizer',
  'learningRate',
  'optimizerOptions',
  'epochs',
  'batchSize',
  'shuffle',
  'seed',
  'clipNorm',
  'schedule',
  'warmup',
  'validationSplit',
  'validationData',
  'earlyStopping',
  'metrics',
  'scale',
  'onEpoch',
  'onBatch',
  'resume',
  'doctor',
];

export function fit(network: Network, x: MatrixLike, y: MatrixLike, options: FitOptions = {}): History {
  const begin = performance.now();
  if (typeof options !== 'object' || options === null)
    throw new OptionError(`fit options must be an object, got ${JSON.stringify(options)}`, 'options');
  for (const key of Object.keys(options))
    if (!fitOptionNames.includes(key)) unknownName('fit option', key, fitOptionNames, key);
  const dtype = network.dtype;
  const X = toMatrix(x, 'x', network.inputSize);
  const Y = toMatrix(y, 'y', network.outputSize);
  checkSameRows(X, Y);
  network.loss.checkTargets?.(Y.data, Y.rows, Y.cols);
  const regression = network.loss.kind === 'regression';

  // --- options, each validated where it enters -------------------------------------------------
  const seed = checkNumber('seed', options.seed ?? 42, { integer: true, min: 0 });
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== 'boolean')
    throw new OptionError(`shuffle must be true or false, got ${JSON.stringify(shuffle)}`, 'shuffle');
  const clipNorm =
    options.clipNorm === undefined
      ? 0
      : checkNumber('clipNorm', options.clipNorm, { min: 0, exclusiveMin: true });
  const metricList = checkMetrics(options.metrics);
  if (options.onEpoch !== undefined && typeof options.onEpoch !== 'function')
    throw new OptionError('onEpoch must be a function', 'onEpoch');
  if (options.onBatch !== undefined && typeof options.onBatch !== 'function')
    throw new OptionError('onBatch must be a function', 'onBatch');
  const optimizer = getOptimizer(options.optimizer ?? 'adam', {
    ...(options.optimizerOptions ?? {}),
    learningRate: options.learningRate,
  });
  if (typeof options.optimizer === 'object' && options.learningRate !== undefined) {
    optimizer.learningRate = checkNumber('learningRate', options.learningRate, {
      min: 0,
      exclusiveMin: true,
    });
  }
  const closureOptimizer = optimizer.needsClosure === true;

  // --- validation split (seeded) ---------------------------------------------------------------
  const random = new Random(seed);
  let trainX = X;
  let trainY = Y;
  let valX: Matrix | null = null;
  let valY: Matrix | null = null;
  if (options.validationData !== undefined) {
    if (options.validationSplit)
      throw new OptionError('give validationSplit or validationData, not both', 'validationData');
    const v = options.validationData;
    const [vx, vy] = Array.isArray(v) ? v : [(v as { x: MatrixLike }).x, (v as { y: MatrixLike }).y];
    valX = toMatrix(vx, 'validationData.x', network.inputSize);
    valY = toMatrix(vy, 'validationData.y', network.outputSize);
    checkSameRows(valX, valY, 'validationData.x', 'validationData.y');
    network.loss.checkTargets?.(valY.data, valY.rows, valY.cols, 'validationData.y');
  } else if (options.validationSplit !== undefined && options.validationSplit !== 0) {
    const split = checkNumber('validationSplit', options.validationSplit, { min: 0, max: 1 });
    if (split >= 1)
      throw new OptionError(
        `validationSplit must be < 1 (a fraction of the rows), got ${split}`,
        'validationSplit',
      );
    const nVal = Math.round(X.rows * split);
    if (nVal < 1 || X.rows - nVal < 1) {
      throw new OptionError(
        `validationSplit ${split} of ${X.rows} rows leaves ${nVal} validation and ${X.rows - nVal} training rows; each needs at least 1`,
        'validationSplit',
      );
    }
    const order = random.shuffle(Int32Array.from({ length: X.rows }, (_, i) => i));
    const nTrain = X.rows - nVal;
    trainX = gatherRows(zeros(nTrain, X.cols), X, order, 0, nTrain);
    trainY = gatherRows(zeros(nTrain, Y.cols), Y, order, 0, nTrain);
    valX = gatherRows(zeros(nVal, X.cols), X, order, nTrain, nVal);
    valY = gatherRows(zeros(nVal, Y.cols), Y, order, nTrain, nVal);
  }
  const rows = trainX.rows;

  // --- scaling (fitted on the training rows only; reused on warm start) --------------------------
  const trainedBefore = network.scaling !== undefined;
  const scaleOption = options.scale ?? (network.scaling === null ? false : true);
  const scaleInputsToo = typeof scaleOption === 'object' ? (scaleOption.inputs ?? true) : scaleOption;
  const scaleTargetsToo =
    (typeof scaleOption === 'object' ? (scaleOption.targets ?? true) : scaleOption) && regression;
  if (typeof scaleOption !== 'boolean' && (typeof scaleOption !== 'object' || scaleOption === null)) {
    throw new OptionError(
      `scale must be true, false or { inputs, targets }, got ${JSON.stringify(scaleOption)}`,
      'scale',
    );
  }
  if (network.scaling) {
    if (scaleOption === false) {
      throw new OptionError(
        'this network was trained with scaling (network.scaling is set); fit it again with scale left on, or set network.scaling = null to drop it',
        'scale',
      );
    }
  } else if (network.scaling === null && (scaleInputsToo || scaleTargetsToo) && options.scale !== undefined) {
    throw new OptionError(
      'this network was trained without scaling (network.scaling is null); continuing with scale: true would change what its weights mean',
      'scale',
    );
  } else if (network.scaling === undefined) {
    if (scaleInputsToo || scaleTargetsToo) {
      const s = fitScaling(trainX, scaleTargetsToo ? trainY : undefined);
      if (!scaleInputsToo) {
        s.inputMean = s.inputMean.map(() => 0);
        s.inputStd = s.inputStd.map(() => 1);
      }
      network.scaling = s;
    } else {
      network.scaling = null;
    }
  }
  const scaling = network.scaling;
  const Xs = scaleInputs(scaling, trainX, dtype);
  const Ys = scaleTargets(scaling, trainY, dtype);
  const Xv = valX && scaleInputs(scaling, valX, dtype);
  const Yv = valY && scaleTargets(scaling, valY, dtype);

  // --- batches --------------------------------------------------------------------------------
  let batchSize: number;
  if (options.batchSize === undefined) batchSize = rows <= 1024 || closureOptimizer ? rows : 32;
  else batchSize = Math.min(checkNumber('batchSize', options.batchSize, { integer: true, min: 1 }), rows);
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
  const batches = Math.ceil(rows / batchSize);
  const epochs = checkNumber('epochs', options.epochs ?? (batches === 1 ? 1000 : 200), {
    integer: true,
    min: 1,
  });
  const schedule = new LearningRateSchedule(
    options.schedule,
    optimizer.learningRate,
    epochs,
    options.warmup ?? 0,
  );
  const indices = new Int32Array(rows);
  // mini-batch buffers, made once: [batchSize × cols] and one for the last, shorter batch
  const fullX = batches > 1 ? zeros(batchSize, X.cols, dtype) : Xs;
  const fullY = batches > 1 ? zeros(batchSize, Y.cols, dtype) : Ys;
  const rest = batches > 1 ? rows % batchSize : 0;
  const restX = rest ? zeros(rest, X.cols, dtype) : null;
  const restY = rest ? zeros(rest, Y.cols, dtype) : null;

  // --- early stopping ---------------------------------------------------------------------------
  const es = options.earlyStopping;
  const esOn = es !== undefined && es !== false;
  if (es !== undefined && typeof es !== 'boolean' && (typeof es !== 'object' || es === null)) {
    throw new OptionError(
      `earlyStopping must be true, false or { patience, minDelta, monitor, restoreBest }, got ${JSON.stringify(es)}`,
      'earlyStopping',
    );
  }
  const eso: EarlyStoppingOptions = typeof es === 'object' ? es : {};
  const patience = checkNumber(
    'earlyStopping.patience',
    eso.patience ?? Math.max(10, Math.ceil(100 / batches)),
    { integer: true, min: 0 },
  );
  const minDelta = checkNumber('earlyStopping.minDelta', eso.minDelta ?? 0, { min: 0 });
  // early stopping watches the validation loss unless told otherwise; without it, the best epoch is by validation loss when there is some
  const monitor = eso.monitor ?? (esOn || Xv ? 'valLoss' : 'loss');
  if (monitor !== 'valLoss' && monitor !== 'loss')
    unknownName('earlyStopping.monitor', monitor, ['valLoss', 'loss'], 'earlyStopping');
  if (esOn && monitor === 'valLoss' && !Xv) {
    throw new OptionError(
      "earlyStopping watches the validation loss: give validationSplit or validationData (or earlyStopping: { monitor: 'loss' })",
      'earlyStopping',
    );
  }
  const restoreBest = eso.restoreBest ?? true;
  let best = Infinity;
  let bestEpoch = 0;
  let wait = 0;
  let bestParams: Float64Array | null = null;

  // --- history ----------------------------------------------------------------------------------
  const history: History = {
    loss: [],
    dataLoss: [],
    valLoss: [],
    metrics: {},
    valMetrics: {},
    learningRate: [],
    elapsed: [],
    epochs: 0,
    bestEpoch: 0,
    bestLoss: NaN,
    stoppedEarly: false,
    stopReason: 'epochs',
    baseline: baseline(network, trainY, Ys, valY, Yv, metricList),
    batchSize,
    trainRows: rows,
    validationRows: valX ? valX.rows : 0,
    checkpoint: undefined as unknown as FitCheckpoint,
  };
  for (const m of metricList) {
    history.metrics[m] = [];
    if (Xv) history.valMetrics[m] = [];
  }

  // --- resume -----------------------------------------------------------------------------------
  let startEpoch = 0;
  let startBatch = 0;
  let sumCost = 0;
  let sumData = 0;
  let sumRows = 0;
  let elapsedBefore = 0;
  if (options.resume !== undefined) {
    const c = options.resume;
    if (!c || c.format !== 'scratchnet-fit-checkpoint' || c.version !== 1) {
      throw new OptionError(
        'resume needs a checkpoint written by fit (History.checkpoint or info.checkpoint())',
        'resume',
      );
    }
    if (
      c.optimizer.buffers &&
      Object.values(c.optimizer.buffers).some((b) => b.length !== 0 && b.length % network.params.length !== 0)
    ) {
      throw new OptionError('the checkpoint belongs to a network with another parameter count', 'resume');
    }
    startEpoch = c.epoch;
    startBatch = c.batch;
    if (!Number.isInteger(startBatch) || startBatch < 0 || startBatch > batches)
      throw new OptionError(
        `the checkpoint stopped after batch ${startBatch} but an epoch here has ${batches}: resume with the options of the interrupted run`,
        'resume',
      );
    random.setState(c.random);
    [sumCost, sumData, sumRows] = c.partial;
    optimizer.setState(c.optimizer);
    schedule.setState(c.schedule);
    best = c.earlyStopping.best ?? Infinity;
    bestEpoch = c.earlyStopping.bestEpoch;
    wait = c.earlyStopping.wait;
    bestParams = c.earlyStopping.bestParams ? Float64Array.from(c.earlyStopping.bestParams) : null;
    const h = structuredClone(c.history);
    Object.assign(history, h);
    history.epochs = startEpoch;
    elapsedBefore = h.elapsed.at(-1) ?? 0;
  }
  const elapsed = () => elapsedBefore + performance.now() - begin;

  let epochRandom = random.state();
  let epoch = startEpoch;
  let batch = startBatch;
  const checkpoint = (): FitCheckpoint => ({
    format: 'scratchnet-fit-checkpoint',
    version: 1,
    epoch,
    batch,
    random: epochRandom.slice(),
    partial: [sumCost, sumData, sumRows],
    optimizer: optimizer.state(),
    schedule: schedule.state(),
    earlyStopping: {
      best: Number.isFinite(best) ? best : null,
      bestEpoch,
      wait,
      bestParams: bestParams ? Array.from(bestParams) : null,
    },
    history: structuredClone({
      loss: history.loss,
      dataLoss: history.dataLoss,
      valLoss: history.valLoss,
      metrics: history.metrics,
      valMetrics: history.valMetrics,
      learningRate: history.learningRate,
      elapsed: history.elapsed,
    }),
  });

  const params = network.params;
  const grads = network.grads;
  const lastGood = new Float64Array(params.length); // the weights of the last finite loss
  lastGood.set(params); // (a first loss that is already non-finite keeps the starting weights)
  // the schedule writes optimizer.learningRate every epoch: give a reused optimizer its rate back
  const baseRate = optimizer.learningRate;
  const diverged = (value: number, b: number): never => {
    params.set(lastGood);
    optimizer.learningRate = baseRate;
    throw new DivergenceError(
      divergenceMessage(value, epoch + 1, b, batches, optimizer, trainY, scaling, regression),
      epoch + 1,
      b,
    );
  };
  // L-BFGS: the full-batch cost and gradient at the current params
  let closureTerms = { total: NaN, data: NaN };
  const closure = () => {
    const t = network.computeGradient(Xs, Ys);
    closureTerms = t;
    return t.total;
  };

  const doctor = options.doctor
    ? doctorCallback(
        network,
        { x: trainX, y: trainY },
        {
          optimizer: optimizer.name,
          learningRate: optimizer.learningRate,
          epochs,
          batchSize,
          scale: !!scaling,
          trained: trainedBefore,
          ...(valX && valY ? { validation: { x: valX, y: valY } } : {}),
          ...(typeof options.doctor === 'object' ? options.doctor : {}),
        },
      )
    : null;

  let stop = false;
  for (; epoch < epochs && !stop; epoch++) {
    const learningRate = schedule.rate(epoch);
    optimizer.learningRate = learningRate;
    epochRandom = random.state();
    for (let i = 0; i < rows; i++) indices[i] = i;
    if (shuffle && batches > 1) random.shuffle(indices);

    if (closureOptimizer) {
      // the last line-search evaluation left the cost and gradient at the current params
      const terms = Number.isNaN(closureTerms.total) ? network.computeGradient(Xs, Ys) : closureTerms;
      if (!Number.isFinite(terms.total)) diverged(terms.total, 1);
      lastGood.set(params);
      sumCost = terms.total * rows;
      sumData = terms.data * rows;
      sumRows = rows;
      optimizer.step(params, grads, closure, terms.total);
      if (!allFinite(params)) diverged(NaN, 1);
      batch = 1;
    }
    for (; batch < batches && !closureOptimizer; batch++) {
      const start = batch * batchSize;
      const count = Math.min(batchSize, rows - start);
      let bx = Xs;
      let by = Ys;
      if (batches > 1) {
        bx = gatherRows(count === batchSize ? fullX : restX!, Xs, indices, start, count);
        by = gatherRows(count === batchSize ? fullY : restY!, Ys, indices, start, count);
      }
      const terms = network.computeGradient(bx, by);
      if (!Number.isFinite(terms.total)) diverged(terms.total, batch + 1);
      lastGood.set(params);
      if (clipNorm) clipGradient(grads, clipNorm);
      optimizer.step(params, grads);
      // a step can overflow the weights even from a finite loss (the last step is checked by no later loss)
      if (!allFinite(params)) diverged(NaN, batch + 1);
      sumCost += terms.total * count;
      sumData += terms.data * count;
      sumRows += count;
      if (options.onBatch) {
        const done = batch + 1;
        const go = options.onBatch({
          epoch: epoch + 1,
          batch: done,
          batches,
          loss: terms.total,
          dataLoss: terms.data,
          rows: count,
          learningRate,
          elapsed: elapsed(),
          checkpoint: () => ({ ...checkpoint(), batch: done }),
        });
        if (go === false && done < batches) {
          batch = done;
          history.stopReason = 'callback';
          stop = true;
          break;
        }
        if (go === false) stop = true;
      }
    }
    if (batch < batches) break; // stopped mid-epoch: the checkpoint keeps the position

    // --- end of epoch: record, validate, schedule, early stopping ---------------------------------
    history.loss.push(sumCost / sumRows);
    history.dataLoss.push(sumData / sumRows);
    history.learningRate.push(learningRate);
    sumCost = sumData = sumRows = 0;
    batch = 0;
    let valLoss: number | undefined;
    const trainMetrics = metricList.length ? evaluateScaled(network, Xs, trainY, metricList).metrics : {};
    let valMetrics: Record<string, number> = {};
    if (Xv && Yv) {
      const ev = evaluateScaled(network, Xv, valY!, metricList, Yv);
      valLoss = ev.loss;
      valMetrics = ev.metrics;
      history.valLoss.push(valLoss);
    }
    for (const m of metricList) {
      history.metrics[m].push(trainMetrics[m]);
      if (Xv) history.valMetrics[m].push(valMetrics[m]);
    }
    history.elapsed.push(elapsed());
    history.epochs = epoch + 1;
    doctor?.onEpoch(epoch + 1, history.loss.at(-1)!, valLoss);
    const monitored = monitor === 'valLoss' && valLoss !== undefined ? valLoss : history.loss.at(-1)!;
    schedule.observe(monitored);
    if (monitored < best - minDelta) {
      best = monitored;
      bestEpoch = epoch + 1;
      wait = 0;
      // the weights this loss belongs to: after the epoch for the validation loss; for a full-batch
      // training loss, the ones before the update (it was computed there); for mini-batches, after
      if (esOn && restoreBest)
        (bestParams ??= new Float64Array(params.length)).set(
          monitor === 'loss' && batches === 1 ? lastGood : params,
        );
    } else if (esOn && ++wait >= patience) {
      history.stoppedEarly = true;
      history.stopReason = 'earlyStopping';
      stop = true;
    }
    if (optimizer.converged && !stop) {
      history.stopReason = 'converged';
      stop = true;
    }
    if (options.onEpoch) {
      const e = epoch + 1;
      const go = options.onEpoch(
        {
          epoch: e,
          loss: history.loss.at(-1)!,
          dataLoss: history.dataLoss.at(-1)!,
          valLoss,
          metrics: trainMetrics,
          valMetrics,
          learningRate,
          elapsed: elapsed(),
          history,
          checkpoint: () => ({ ...checkpoint(), epoch: e, batch: 0, random: random.state() }),
        },
        history.loss.at(-1)!,
      );
      if (go === false && !stop) {
        history.stopReason = 'callback';
        stop = true;
      }
    }
  }
  if (stop && history.stopReason === 'epochs') history.stopReason = 'callback';
  history.bestEpoch = bestEpoch;
  history.bestLoss = best;
  // a run stopped by a callback keeps its current weights, so that it can resume from its checkpoint
  if (esOn && restoreBest && bestParams && history.stopReason !== 'callback') params.set(bestParams);
  // at an epoch boundary the next epoch starts from the generator's current state
  if (batch === 0) epochRandom = random.state();
  history.checkpoint = checkpoint();
  optimizer.learningRate = baseRate;
  if (doctor) history.doctor = doctor.finish();
  return history;
}

/** Loss (in the training space) and metrics (in original units) of a network on already-scaled inputs. */
function evaluateScaled(
  network: Network,
  xs: Matrix,
  y: Matrix,
  metricList: readonly MetricName[],
  ys?: Matrix,
): { loss: number; dataLoss: number; metrics: Record<string, number> } {
  let loss = NaN;
  let dataLoss = NaN;
  if (ys) {
    const t = network.computeLoss(xs, ys);
    loss = t.total;
    dataLoss = t.data;
  }
  let metrics: Record<string, number> = {};
  if (metricList.length) {
    const out = network.forward(xs);
    metrics = computeMetrics(metricList, unscaleOutputs(network.scaling, out, 'float64'), y);
  }
  return { loss, dataLoss, metrics };
}

/**
 * The network's cost and metrics on (x, y) in original units, computed as fit computes History.valLoss
 * and valMetrics: inputs and targets go through network.scaling, the loss is in the training space.
 */
export function evaluate(
  network: Network,
  x: MatrixLike,
  y: MatrixLike,
  options: { metrics?: MetricName[] } = {},
): { loss: number; dataLoss: number; metrics: Record<string, number> } {
  const X = toMatrix(x, 'x', network.inputSize);
  const Y = toMatrix(y, 'y', network.outputSize);
  checkSameRows(X, Y);
  const xs = scaleInputs(network.scaling, X, network.dtype);
  const ys = scaleTargets(network.scaling, Y, network.dtype);
  return evaluateScaled(network, xs, Y, checkMetrics(options.metrics), ys);
}

/** The mean predictor's cost (training space) and metrics (original units). */
function baseline(
  network: Network,
  trainY: Matrix,
  Ys: Matrix,
  valY: Matrix | null,
  Yv: Matrix | null,
  metricList: readonly MetricName[],
): Baseline {
  const cost = (target: Matrix) => {
    // predictions in the loss's own terms: values for regression, logits for the cross-entropies
    const p = baselinePredictions(Ys, target.rows);
    if (network.lossFromLogits) {
      const eps = 1e-15;
      for (let i = 0; i < p.data.length; i++) {
        const q = Math.min(Math.max(p.data[i], eps), 1 - eps);
        p.data[i] = network.loss.logitsOf === 'sigmoid' ? Math.log(q / (1 - q)) : Math.log(q);
      }
    }
    return network.loss.value(p.data, target.data, target.rows, target.cols);
  };
  const b: Baseline = {
    predictor: 'mean',
    loss: cost(Ys),
    metrics: computeMetrics(metricList, baselinePredictions(trainY, trainY.rows), trainY),
    valMetrics: {},
  };
  if (valY && Yv) {
    b.valLoss = cost(Yv);
    b.valMetrics = computeMetrics(metricList, baselinePredictions(trainY, valY.rows), valY);
  }
  return b;
}

/** Scales g so that ‖g‖₂ ≤ maxNorm (PyTorch's clip_grad_norm_ over all parameters). */
export function clipGradient(grads: Float64Array | Float32Array, maxNorm: number): number {
  let sum = 0;
  for (let i = 0; i < grads.length; i++) sum += grads[i] * grads[i];
  const norm = Math.sqrt(sum);
  if (norm > maxNorm) {
    const scale = maxNorm / norm;
    for (let i = 0; i < grads.length; i++) grads[i] *= scale;
  }
  return norm;
}

function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/** One sentence: where it diverged, and the likely cause with the option to change. */
function divergenceMessage(
  value: number,
  epoch: number,
  batch: number,
  batches: number,
  optimizer: Optimizer,
  y: Matrix,
  scaling: Network['scaling'],
  regression: boolean,
): string {
  let yMax = 0;
  for (let i = 0; i < y.data.length; i++) yMax = Math.max(yMax, Math.abs(y.data[i]));
  const unscaledTargets = regression && !scaling?.targetStd && yMax > 100;
  const where = batches > 1 ? `epoch ${epoch}, batch ${batch} of ${batches}` : `epoch ${epoch}`;
  const cause = unscaledTargets
    ? `the targets are unscaled (|y| up to ${yMax.toPrecision(3)}): leave scale on (the default) or standardize y, and lower the learning rate (now ${optimizer.learningRate})`
    : `the learning rate ${optimizer.learningRate} is too large for ${optimizer.name}: try ${optimizer.learningRate / 10}, or set clipNorm`;
  return `training diverged at ${where}: the loss became ${value}. The weights were restored to the last ones with a finite loss. Likely cause: ${cause}.`;
}
