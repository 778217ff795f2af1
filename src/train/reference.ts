// Reference scores beside a model's held-out score: the trivial baseline (the training mean, or the
// class prior / majority class) and a linear model (linear or logistic regression: no hidden layer,
// fitted by L-BFGS on standardized inputs with a small L2 penalty, as scikit-learn's Ridge and
// LogisticRegression defaults regularize). A network that does not beat the linear model on held-out
// rows is overfitting or too big; saying so is the point. With the run's weights both are fitted
// and scored as the run is, so model, baseline and linear model compare like with like.

import type { Matrix } from '../matrix.js';
import { createNetwork } from './auto.js';
import { fit } from './fit.js';
import { computeMetrics, type MetricName } from './metrics.js';
import { unweighted, weightedBaselinePredictions, type RowWeights } from './sample-weights.js';
import { predictInBlocks, rowBlock } from './score-blocks.js';
import { handOver, TrainingRun } from './run.js';
import { fitScaling, sameScaling, type Scaling } from './scaling.js';
import type { Network } from '../nn/network.js';
import type { Task } from '../data/task.js';

export interface ReferenceScores {
  /** the training mean (regression) or class prior (classification), scored on the held-out rows */
  baseline: Record<string, number>;
  /** a model without hidden layers, trained on the training rows, scored on the held-out rows */
  linear: Record<string, number>;
  /** with weights on the held-out rows: the same two scored with each row counted by its loss weight */
  weighted?: { baseline: Record<string, number>; linear: Record<string, number> };
}

/** L2 λ of the linear reference (our weightDecay, on standardized inputs) and its L-BFGS iterations */
export const linearReference = { weightDecay: 1e-3, epochs: 200 } as const;

/** The weights of the run the reference scores stand beside (TrainingData's weights and validationWeights). */
export interface ReferenceWeights {
  train: RowWeights;
  heldOut: RowWeights;
}

/** Training rows already standardized (a run's xs, ys) and the scaling that standardized them. */
export interface ScaledRows {
  x: Matrix;
  y: Matrix;
  scaling: Scaling;
}

/**
 * Whether `scaled` holds the training rows exactly as fit would scale them for this network (float64, by
 * the scaling fitScaling gives the same rows): then the model trains on them directly (raw, no copies;
 * at 800k rows × 19 inputs the copies took 250 MB), bit for bit as on train's own rows.
 */
function reusable(network: Network, train: { x: Matrix; y: Matrix }, scaled: ScaledRows): boolean {
  if (!(scaled.x.data instanceof Float64Array && scaled.y.data instanceof Float64Array)) return false;
  const regression = network.loss.kind === 'regression';
  return sameScaling(fitScaling(train.x, regression ? train.y : undefined), scaled.scaling);
}

/**
 * The baseline's and a linear model's metrics on the held-out rows, trained on the training rows.
 * With weights: the baseline is the mean / class prior weighted by the training rows' sample weights
 * (the weighted majority class: a constant's best weighted accuracy; class weights would make every
 * class weigh the same), the linear model is fitted with the run's loss weights (sample × class), and
 * both are also scored with each held-out row weighted as the loss weighs it (sample × class), as the
 * model itself is (and as the search scores its folds).
 */
export function referenceScores(
  train: { x: Matrix; y: Matrix },
  heldOut: { x: Matrix; y: Matrix },
  task: Task,
  metrics: readonly MetricName[],
  seed = 42,
  weights: ReferenceWeights = { train: unweighted, heldOut: unweighted },
  scaled?: ScaledRows,
): ReferenceScores {
  // createNetwork reads the shapes (one row: no copy)
  const network = createNetwork(rowBlock(train.x, 0, 1), rowBlock(train.y, 0, 1), {
    task,
    layers: [],
    weightDecay: linearReference.weightDecay,
    seed,
  });
  const lossWeights = weights.train.loss;
  const options = {
    optimizer: 'lbfgs',
    epochs: linearReference.epochs,
    seed,
    ...(lossWeights ? { sampleWeight: lossWeights } : {}),
  } as const;
  if (scaled && reusable(network, train, scaled)) {
    network.scaling = scaled.scaling;
    new TrainingRun(network, handOver(scaled.x), handOver(scaled.y), { ...options, raw: true }).run();
  } else fit(network, train.x, train.y, options);
  const predicted = {
    baseline: weightedBaselinePredictions(train.y, weights.train.sample, heldOut.y.rows),
    linear: predictInBlocks(network, heldOut.x),
  };
  const score = (w?: Float64Array) => ({
    baseline: computeMetrics(metrics, predicted.baseline, heldOut.y, w),
    linear: computeMetrics(metrics, predicted.linear, heldOut.y, w),
  });
  const scoring = weights.heldOut.loss; // each held-out row as the loss weighs it (sample × class weight)
  return { ...score(), ...(scoring ? { weighted: score(scoring) } : {}) };
}

/** The scores as the model file and --json keep them: baseline and linear, each with its weighted scores under `weighted`. */
export function referenceRecord(r: ReferenceScores) {
  const w = r.weighted;
  return {
    baseline: w ? { ...r.baseline, weighted: w.baseline } : r.baseline,
    linear: w ? { ...r.linear, weighted: w.linear } : r.linear,
  };
}
