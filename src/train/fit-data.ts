// The data side of a training run: the inputs checked against the network, the seeded validation
// split, the scaling decided (fitted on the training rows only, reused on warm start) and applied,
// the mean-predictor baseline, and evaluate() — the cost and metrics fit records, on any data.
// Sample and class weights (sample-weights.ts) follow their rows through the split.

import { OptionError, checkOptionNames, shown } from '../errors.js';
import { checkSameRows, gatherRows, toMatrix, zeros, type Matrix, type MatrixLike } from '../matrix.js';
import type { Network } from '../nn/network.js';
import type { Random } from '../random.js';
import type { ResolvedFitOptions } from './fit-options.js';
import type { Baseline, FitOptions } from './fit-types.js';
import {
  baselineMetrics,
  baselinePredictions,
  checkMetrics,
  computeMetrics,
  type MetricName,
} from './metrics.js';
import { stratifiedOrder } from './holdout.js';
import { forwardInBlocks, lossInBlocks } from './score-blocks.js';
import { fitScaling, scaleInputs, scaleTargets, unscaleOutputs } from './scaling.js';
import {
  checkSampleWeight,
  gatherWeights,
  rowWeights,
  unlessConstant,
  unweighted,
  withClassWeights,
  type ClassWeight,
  type RowWeights,
  type WeightOptions,
} from './sample-weights.js';

/** A run's data: training rows x[N×inputs], y[N×outputs] and validation rows, raw and scaled. */
export interface TrainingData {
  /** original units (metrics are computed against these) */
  x: Matrix;
  y: Matrix;
  validation: { x: Matrix; y: Matrix } | null;
  /** in the training space (network.scaling applied), in the network's dtype */
  xs: Matrix;
  ys: Matrix;
  validationScaled: { x: Matrix; y: Matrix } | null;
  /** whether the network had been trained before (its scaling was decided then) */
  trainedBefore: boolean;
  /** the training rows' loss and metric weights (null fields: unweighted) */
  weights: RowWeights;
  /** the validation rows' (class weights only for validationData) */
  validationWeights: RowWeights;
}

/**
 * Checks x, y (and validation data), splits off validation rows with `random`, sets and applies the
 * scaling (none when `raw`: the data is used as given and network.scaling left alone).
 */
export function prepareData(
  network: Network,
  X: Matrix,
  Y: Matrix,
  options: FitOptions,
  resolved: ResolvedFitOptions,
  random: Random,
  raw = false,
): TrainingData {
  const all = checkedWeights(network, options, Y);
  const parts: Parts =
    options.validationData !== undefined
      ? givenValidation(network, options.validationData, X, Y, all)
      : resolved.splitRows > 0
        ? heldOut(X, Y, resolved.splitRows, options.stratify === true, random, all)
        : { x: X, y: Y, validation: null, weights: all ?? unweighted, validationWeights: unweighted };
  const { x: trainX, y: trainY, validation } = parts;
  const trainedBefore = network.scaling !== undefined;
  if (!raw) decideScaling(network, options.scale, trainX, trainY);
  const { dtype } = network;
  const scaling = raw ? null : network.scaling;
  return {
    ...parts,
    xs: scaleInputs(scaling, trainX, dtype),
    ys: scaleTargets(scaling, trainY, dtype),
    validationScaled: validation && {
      x: scaleInputs(scaling, validation.x, dtype),
      y: scaleTargets(scaling, validation.y, dtype),
    },
    trainedBefore,
  };
}

/** The training and validation rows, unscaled, with their weights. */
type Parts = Pick<TrainingData, 'x' | 'y' | 'validation' | 'weights' | 'validationWeights'>;

/** validationData checked against the network; its rows take their sampleWeight and the training rows' class weights. */
function givenValidation(
  network: Network,
  v: NonNullable<FitOptions['validationData']>,
  X: Matrix,
  Y: Matrix,
  all: ReturnType<typeof checkedWeights>,
): Parts {
  const [vx, vy] = Array.isArray(v) ? v : [(v as { x: MatrixLike }).x, (v as { y: MatrixLike }).y];
  const validation = {
    x: toMatrix(vx, 'validationData.x', network.inputSize),
    y: toMatrix(vy, 'validationData.y', network.outputSize),
  };
  checkSameRows(validation.x, validation.y, 'validationData.x', 'validationData.y');
  network.loss.checkTargets?.(validation.y.data, validation.y.rows, validation.y.cols, 'validationData.y');
  const given = Array.isArray(v) ? undefined : v.sampleWeight;
  const sample =
    given === undefined ? null : checkSampleWeight(given, validation.y.rows, 'validationData.sampleWeight');
  const perClass = all?.perClass;
  const loss = perClass ? withClassWeights(sample, perClass, validation.y) : sample;
  const validationWeights = {
    loss: loss && unlessConstant(loss),
    sample: sample && unlessConstant(sample),
  };
  return { x: X, y: Y, validation, weights: all ?? unweighted, validationWeights };
}

/** The last nVal rows of a seeded shuffle (stratified when asked) held out, weights following their rows. */
function heldOut(
  X: Matrix,
  Y: Matrix,
  nVal: number,
  stratify: boolean,
  random: Random,
  all: ReturnType<typeof checkedWeights>,
): Parts {
  const shuffled = random.shuffle(Int32Array.from({ length: X.rows }, (_, i) => i));
  const order = stratify ? stratifiedOrder(shuffled, Y, nVal) : shuffled;
  const nTrain = X.rows - nVal;
  const part = (start: number, n: number): RowWeights =>
    all
      ? { loss: gatherWeights(all.loss, order, start, n), sample: gatherWeights(all.sample, order, start, n) }
      : unweighted;
  return {
    x: gatherRows(zeros(nTrain, X.cols), X, order, 0, nTrain),
    y: gatherRows(zeros(nTrain, Y.cols), Y, order, 0, nTrain),
    validation: {
      x: gatherRows(zeros(nVal, X.cols), X, order, nTrain, nVal),
      y: gatherRows(zeros(nVal, Y.cols), Y, order, nTrain, nVal),
    },
    weights: part(0, nTrain),
    validationWeights: part(nTrain, nVal),
  };
}

/** The rows' weights from sampleWeight and classWeight (null without), refused for a loss that ignores weights. */
function checkedWeights(network: Network, options: WeightOptions, Y: Matrix) {
  const w = rowWeights(options, Y, network.loss.kind === 'classification');
  if (w?.loss && !network.loss.weighted)
    throw new OptionError(
      `the loss ${network.loss.name} does not take per-row weights (Loss.weighted): leave sampleWeight and classWeight out`,
      options.sampleWeight !== undefined ? 'sampleWeight' : 'classWeight',
    );
  return w;
}

/** Sets network.scaling on a first fit (from the training rows), or checks that `scale` agrees with it. */
function decideScaling(network: Network, scale: FitOptions['scale'], x: Matrix, y: Matrix): void {
  const regression = network.loss.kind === 'regression';
  const scaleOption = scale ?? (network.scaling === null ? false : true);
  const scaleInputsToo = typeof scaleOption === 'object' ? (scaleOption.inputs ?? true) : scaleOption;
  const scaleTargetsToo =
    (typeof scaleOption === 'object' ? (scaleOption.targets ?? true) : scaleOption) && regression;
  if (typeof scaleOption !== 'boolean' && (typeof scaleOption !== 'object' || scaleOption === null)) {
    throw new OptionError(
      `scale must be true, false or { inputs, targets }, got ${shown(scaleOption)}`,
      'scale',
    );
  }
  checkOptionNames('option', scaleOption, ['inputs', 'targets'], 'scale.');
  if (network.scaling) {
    if (scaleOption === false) {
      throw new OptionError(
        'this network was trained with scaling (network.scaling is set); fit it again with scale left on, or set network.scaling = null to drop it',
        'scale',
      );
    }
  } else if (network.scaling === null && (scaleInputsToo || scaleTargetsToo) && scale !== undefined) {
    throw new OptionError(
      'this network was trained without scaling (network.scaling is null); continuing with scale: true would change what its weights mean',
      'scale',
    );
  } else if (network.scaling === undefined) {
    if (scaleInputsToo || scaleTargetsToo) {
      const s = fitScaling(x, scaleTargetsToo ? y : undefined);
      if (!scaleInputsToo) {
        s.inputMean = s.inputMean.map(() => 0);
        s.inputStd = s.inputStd.map(() => 1);
      }
      network.scaling = s;
    } else {
      network.scaling = null;
    }
  }
}

/** Loss (in the training space) and metrics (in original units) of a network on already-scaled inputs. */
export function evaluateScaled(
  network: Network,
  xs: Matrix,
  y: Matrix,
  metricList: readonly MetricName[],
  ys?: Matrix,
  weights: RowWeights = unweighted,
): { loss: number; dataLoss: number; metrics: Record<string, number> } {
  if (!ys && !metricList.length) return { loss: NaN, dataLoss: NaN, metrics: {} };
  // in row blocks (score-blocks.ts): the layers' buffers hold one block, not every row
  const { out, lossInput } = forwardInBlocks(network, xs);
  const t = ys ? lossInBlocks(network, lossInput, ys, weights.loss ?? undefined) : null;
  let metrics: Record<string, number> = {};
  if (metricList.length) {
    const p = unscaleOutputs(network.scaling, out, 'float64');
    metrics = computeMetrics(metricList, p, y, weights.sample ?? undefined);
  }
  return { loss: t?.total ?? NaN, dataLoss: t?.data ?? NaN, metrics };
}

/**
 * The network's cost and metrics on (x, y) in original units, computed as fit computes History.valLoss
 * and valMetrics: inputs and targets go through network.scaling, the loss is in the training space.
 * sampleWeight weights the loss and the metrics; classWeight the loss alone (as in fit).
 */
export function evaluate(
  network: Network,
  x: MatrixLike,
  y: MatrixLike,
  options: { metrics?: MetricName[]; sampleWeight?: ArrayLike<number>; classWeight?: ClassWeight } = {},
): { loss: number; dataLoss: number; metrics: Record<string, number> } {
  checkOptionNames('evaluate option', options, ['metrics', 'sampleWeight', 'classWeight']);
  const X = toMatrix(x, 'x', network.inputSize);
  const Y = toMatrix(y, 'y', network.outputSize);
  checkSameRows(X, Y);
  const xs = scaleInputs(network.scaling, X, network.dtype, true); // X is this call's own copy
  const ys = scaleTargets(network.scaling, Y, network.dtype);
  const weights = checkedWeights(network, options, Y) ?? unweighted;
  return evaluateScaled(network, xs, Y, checkMetrics(options.metrics), ys, weights);
}

/** The mean predictor's cost (training space) and metrics (original units). */
export function baseline(network: Network, data: TrainingData, metricList: readonly MetricName[]): Baseline {
  const { y: trainY, ys: Ys } = data;
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
    return network.loss.value(p.data, target.data, target.rows, target.cols, w.loss ?? undefined);
  };
  let w = data.weights;
  const b: Baseline = {
    predictor: 'mean',
    loss: cost(Ys),
    metrics: baselineMetrics(metricList, trainY, trainY, w.sample ?? undefined),
    valMetrics: {},
  };
  if (data.validation && data.validationScaled) {
    const valY = data.validation.y;
    w = data.validationWeights;
    b.valLoss = cost(data.validationScaled.y);
    b.valMetrics = baselineMetrics(metricList, trainY, valY, w.sample ?? undefined);
  }
  return b;
}
