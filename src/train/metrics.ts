// Metrics: plain functions of (predictions, targets), both [rows × cols] in original units
// (probabilities for classifiers). And the baseline each loss is read against: the mean of the
// training targets, which for one-hot or 0/1 targets is the class frequencies (scikit-learn's
// DummyClassifier 'prior': its argmax is the majority class, its log-loss the entropy of the labels).

import { OptionError, ShapeError, unknownName } from '../errors.js';
import { toMatrix, zeros, type Matrix, type MatrixLike } from '../matrix.js';

export type MetricName = 'mse' | 'rmse' | 'mae' | 'r2' | 'accuracy' | 'logLoss';
export const metricNames: MetricName[] = ['mse', 'rmse', 'mae', 'r2', 'accuracy', 'logLoss'];

/** Whether a bigger value is better (for early stopping on a metric, plots). */
export const metricGreaterIsBetter: Record<MetricName, boolean> = {
  mse: false,
  rmse: false,
  mae: false,
  r2: true,
  accuracy: true,
  logLoss: false,
};

function pair(predictions: MatrixLike, targets: MatrixLike): [Matrix, Matrix] {
  const t = toMatrix(targets, 'targets');
  const p = toMatrix(predictions, 'predictions', t.cols);
  if (p.rows !== t.rows)
    throw new ShapeError(`predictions have ${p.rows} rows but targets have ${t.rows}`, 'predictions');
  return [p, t];
}

/** Mean squared error over every element. */
export function meanSquaredError(predictions: MatrixLike, targets: MatrixLike): number {
  const [p, t] = pair(predictions, targets);
  let sum = 0;
  for (let i = 0; i < p.data.length; i++) sum += (p.data[i] - t.data[i]) ** 2;
  return sum / p.data.length;
}

/** √mse, in the targets' units. */
export function rootMeanSquaredError(predictions: MatrixLike, targets: MatrixLike): number {
  return Math.sqrt(meanSquaredError(predictions, targets));
}

/** Mean absolute error over every element. */
export function meanAbsoluteError(predictions: MatrixLike, targets: MatrixLike): number {
  const [p, t] = pair(predictions, targets);
  let sum = 0;
  for (let i = 0; i < p.data.length; i++) sum += Math.abs(p.data[i] - t.data[i]);
  return sum / p.data.length;
}

/**
 * Coefficient of determination 1 − SS_res / SS_tot per column, averaged over columns (scikit-learn's
 * r2_score, multioutput 'uniform_average'). A constant target column scores 1 if fitted exactly, else 0
 * (scikit-learn's force_finite). 0 is the mean predictor; negative is worse than it.
 */
export function r2Score(predictions: MatrixLike, targets: MatrixLike): number {
  const [p, t] = pair(predictions, targets);
  const { rows, cols } = t;
  let total = 0;
  for (let c = 0; c < cols; c++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += t.data[r * cols + c];
    mean /= rows;
    let res = 0;
    let tot = 0;
    for (let r = 0; r < rows; r++) {
      res += (t.data[r * cols + c] - p.data[r * cols + c]) ** 2;
      tot += (t.data[r * cols + c] - mean) ** 2;
    }
    total += tot === 0 ? (res === 0 ? 1 : 0) : 1 - res / tot;
  }
  return total / cols;
}

/** The class of each row: p > 0.5 for one column, the argmax (first on ties) for several. */
export function predictedClasses(m: Matrix): Int32Array {
  const out = new Int32Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    if (m.cols === 1) {
      out[r] = m.data[r] > 0.5 ? 1 : 0;
    } else {
      let best = 0;
      for (let c = 1; c < m.cols; c++) if (m.data[r * m.cols + c] > m.data[r * m.cols + best]) best = c;
      out[r] = best;
    }
  }
  return out;
}

/** Fraction of rows whose predicted class equals the target class (0/1 column or one-hot rows). */
export function accuracy(predictions: MatrixLike, targets: MatrixLike): number {
  const [p, t] = pair(predictions, targets);
  const a = predictedClasses(p);
  const b = predictedClasses(t);
  let hits = 0;
  for (let r = 0; r < a.length; r++) if (a[r] === b[r]) hits++;
  return hits / a.length;
}

/**
 * Mean cross-entropy of probabilities against targets: −[t·log p + (1−t)·log(1−p)] for one column,
 * −Σ t·log p per row for several. Probabilities are clipped to [1e-15, 1 − 1e-15] (scikit-learn's
 * log_loss before 1.5), so a confident mistake costs about 34.5, not infinity.
 */
export function logLoss(predictions: MatrixLike, targets: MatrixLike): number {
  const [p, t] = pair(predictions, targets);
  const eps = 1e-15;
  const clip = (v: number) => Math.min(Math.max(v, eps), 1 - eps);
  let sum = 0;
  for (let r = 0; r < p.rows; r++) {
    if (p.cols === 1) {
      const q = clip(p.data[r]);
      sum -= t.data[r] * Math.log(q) + (1 - t.data[r]) * Math.log(1 - q);
    } else {
      for (let c = 0; c < p.cols; c++) {
        const v = t.data[r * p.cols + c];
        if (v !== 0) sum -= v * Math.log(clip(p.data[r * p.cols + c]));
      }
    }
  }
  return sum / p.rows;
}

/**
 * counts[actual][predicted] (scikit-learn's confusion_matrix layout: rows are the true classes).
 * Classes are 0/1 for one column, the column indices for several.
 */
export function confusionMatrix(predictions: MatrixLike, targets: MatrixLike): number[][] {
  const [p, t] = pair(predictions, targets);
  const k = Math.max(2, t.cols);
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const a = predictedClasses(p);
  const b = predictedClasses(t);
  for (let r = 0; r < a.length; r++) counts[b[r]][a[r]]++;
  return counts;
}

/**
 * Recall of each class (correct / rows of that class, from the confusion matrix; NaN for a class
 * with no rows), in the order of the target columns (binary: [0, 1]).
 */
export function perClassRecall(predictions: MatrixLike, targets: MatrixLike): number[] {
  return confusionMatrix(predictions, targets).map((row, k) => {
    const rows = row.reduce((a, b) => a + b, 0);
    return rows > 0 ? row[k] / rows : Number.NaN;
  });
}

/**
 * Balanced accuracy: the mean recall over the classes present in the targets (scikit-learn's
 * balanced_accuracy_score), which a majority-class predictor scores 1/k on, however imbalanced.
 */
export function balancedAccuracy(predictions: MatrixLike, targets: MatrixLike): number {
  const present = perClassRecall(predictions, targets).filter((v) => !Number.isNaN(v));
  return present.reduce((a, b) => a + b, 0) / present.length;
}

export const metrics: Record<MetricName, (predictions: MatrixLike, targets: MatrixLike) => number> = {
  mse: meanSquaredError,
  rmse: rootMeanSquaredError,
  mae: meanAbsoluteError,
  r2: r2Score,
  accuracy,
  logLoss,
};

/** Validates a list of metric names (fit's `metrics` option). */
export function checkMetrics(names: unknown, option = 'metrics'): MetricName[] {
  if (names === undefined) return [];
  if (!Array.isArray(names))
    throw new OptionError(
      `${option} must be an array of names such as ['mse', 'r2'], got ${JSON.stringify(names)}`,
      option,
    );
  for (const n of names) if (!metricNames.includes(n)) unknownName('metric', n, metricNames, option);
  return names as MetricName[];
}

/** Each named metric of predictions against targets. */
export function computeMetrics(
  names: readonly MetricName[],
  predictions: MatrixLike,
  targets: MatrixLike,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) out[n] = metrics[n](predictions, targets);
  return out;
}

/**
 * The baseline predictor: every row predicts the column means of `trainTargets` — the mean
 * predictor for regression, the class frequencies (majority class by argmax) for 0/1 or one-hot
 * targets. Returns `rows` copies of that row.
 */
export function baselinePredictions(trainTargets: MatrixLike, rows: number): Matrix {
  const t = toMatrix(trainTargets, 'targets');
  const out = zeros(rows, t.cols);
  const mean = columnMeans(t);
  for (let r = 0; r < rows; r++) out.data.set(mean, r * t.cols);
  return out;
}

/** The mean predictor's metrics (regression) or the majority class's / class prior's (classification). */
export function baselineMetrics(
  names: readonly MetricName[],
  trainTargets: MatrixLike,
  targets: MatrixLike = trainTargets,
): Record<string, number> {
  const t = toMatrix(targets, 'targets');
  return computeMetrics(names, baselinePredictions(trainTargets, t.rows), t);
}

export function columnMeans(m: Matrix): Float64Array {
  const mean = new Float64Array(m.cols);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) mean[c] += m.data[r * m.cols + c];
  for (let c = 0; c < m.cols; c++) mean[c] /= m.rows;
  return mean;
}
