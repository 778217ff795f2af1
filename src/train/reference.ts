// Reference scores beside a model's held-out score: the trivial baseline (the training mean, or the
// class prior / majority class) and a linear model (linear or logistic regression: no hidden layer,
// fitted by L-BFGS on standardized inputs with a small L2 penalty, as scikit-learn's Ridge and
// LogisticRegression defaults regularize). A network that does not beat the linear model on held-out
// rows is overfitting or too big; saying so is the point.

import type { Matrix } from '../matrix.js';
import { createNetwork } from './auto.js';
import { fit } from './fit.js';
import { baselineMetrics, computeMetrics, type MetricName } from './metrics.js';
import { predictInBlocks } from './score-blocks.js';
import type { Task } from '../data/task.js';

export interface ReferenceScores {
  /** the training mean (regression) or class prior (classification), scored on the held-out rows */
  baseline: Record<string, number>;
  /** a model without hidden layers, trained on the training rows, scored on the held-out rows */
  linear: Record<string, number>;
}

/** L2 λ of the linear reference (our weightDecay, on standardized inputs) and its L-BFGS iterations */
export const linearReference = { weightDecay: 1e-3, epochs: 200 } as const;

/** The baseline's and a linear model's metrics on the held-out rows, trained on the training rows. */
export function referenceScores(
  train: { x: Matrix; y: Matrix },
  heldOut: { x: Matrix; y: Matrix },
  task: Task,
  metrics: readonly MetricName[],
  seed = 42,
): ReferenceScores {
  const network = createNetwork(train.x, train.y, {
    task,
    layers: [],
    weightDecay: linearReference.weightDecay,
    seed,
  });
  fit(network, train.x, train.y, { optimizer: 'lbfgs', epochs: linearReference.epochs, seed });
  return {
    baseline: baselineMetrics(metrics, train.y, heldOut.y),
    linear: computeMetrics(metrics, predictInBlocks(network, heldOut.x), heldOut.y),
  };
}
