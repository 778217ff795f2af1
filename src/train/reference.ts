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
import { predictInBlocks } from './score-blocks.js';
import type { Task } from '../data/task.js';

export interface ReferenceScores {
  /** the training mean (regression) or class prior (classification), scored on the held-out rows */
  baseline: Record<string, number>;
  /** a model without hidden layers, trained on the training rows, scored on the held-out rows */
  linear: Record<string, number>;
  /** with sample weights on the held-out rows: the same two scored with each row counted by its weight */
  weighted?: { baseline: Record<string, number>; linear: Record<string, number> };
}

/** L2 λ of the linear reference (our weightDecay, on standardized inputs) and its L-BFGS iterations */
export const linearReference = { weightDecay: 1e-3, epochs: 200 } as const;

/** The weights of the run the reference scores stand beside (TrainingData's weights and validationWeights). */
export interface ReferenceWeights {
  train: RowWeights;
  heldOut: RowWeights;
}

/**
 * The baseline's and a linear model's metrics on the held-out rows, trained on the training rows.
 * With weights: the baseline is the mean / class prior weighted by the training rows' sample weights
 * (the weighted majority class: a constant's best weighted accuracy; class weights would make every
 * class weigh the same), the linear model is fitted with the run's loss weights (sample × class), and
 * both are also scored weighted by the held-out rows' sample weights.
 */
export function referenceScores(
  train: { x: Matrix; y: Matrix },
  heldOut: { x: Matrix; y: Matrix },
  task: Task,
  metrics: readonly MetricName[],
  seed = 42,
  weights: ReferenceWeights = { train: unweighted, heldOut: unweighted },
): ReferenceScores {
  const network = createNetwork(train.x, train.y, {
    task,
    layers: [],
    weightDecay: linearReference.weightDecay,
    seed,
  });
  const lossWeights = weights.train.loss;
  fit(network, train.x, train.y, {
    optimizer: 'lbfgs',
    epochs: linearReference.epochs,
    seed,
    ...(lossWeights ? { sampleWeight: lossWeights } : {}),
  });
  const predicted = {
    baseline: weightedBaselinePredictions(train.y, weights.train.sample, heldOut.y.rows),
    linear: predictInBlocks(network, heldOut.x),
  };
  const score = (w?: Float64Array) => ({
    baseline: computeMetrics(metrics, predicted.baseline, heldOut.y, w),
    linear: computeMetrics(metrics, predicted.linear, heldOut.y, w),
  });
  const sample = weights.heldOut.sample;
  return { ...score(), ...(sample ? { weighted: score(sample) } : {}) };
}

/** The scores as the model file and --json keep them: baseline and linear, each with its weighted scores under `weighted`. */
export function referenceRecord(r: ReferenceScores) {
  const w = r.weighted;
  return {
    baseline: w ? { ...r.baseline, weighted: w.baseline } : r.baseline,
    linear: w ? { ...r.linear, weighted: w.linear } : r.linear,
  };
}
