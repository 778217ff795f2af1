// Metrics: plain functions of (predictions, targets), both [rows × cols] in original units
// (probabilities for classifiers). And the baseline each loss is read against: the mean of the
// training targets, which for one-hot or 0/1 targets is the class frequencies (scikit-learn's
// DummyClassifier 'prior': its argmax is the majority class, its log-loss the entropy of the labels).
// Every metric takes optional sample weights w[rows] (scikit-learn's sample_weight): each row counts
// wᵣ times. Without them each row counts once, with the same operations in the same order (x·1 is
// exact), so unweighted scores are unchanged to the bit.

import { DataError, OptionError, ShapeError, unknownName, shown } from '../errors.js';
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

/** Per-row sample weights: w[rows], each finite and ≥ 0 (undefined: every row counts once). */
export type SampleWeights = ArrayLike<number> | undefined;

/** Row r's weight: weights[r], or 1 without weights. */
type RowWeight = (r: number) => number;

function pair(
  predictions: MatrixLike,
  targets: MatrixLike,
  weights?: SampleWeights,
): [Matrix, Matrix, RowWeight] {
  const t = toMatrix(targets, 'targets');
  const p = toMatrix(predictions, 'predictions');
  if (p.cols !== t.cols)
    throw new ShapeError(`predictions have ${p.cols} columns but targets have ${t.cols}`, 'predictions');
  if (p.rows !== t.rows)
    throw new ShapeError(`predictions have ${p.rows} rows but targets have ${t.rows}`, 'predictions');
  if (!weights) return [p, t, () => 1];
  if (weights.length !== t.rows)
    throw new ShapeError(`${weights.length} sample weights for ${t.rows} rows`, 'sampleWeight');
  let sum = 0;
  for (let r = 0; r < t.rows; r++) {
    const v = weights[r];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new DataError(
        `sampleWeight[${r}] is ${shown(v)}: weights must be finite numbers ≥ 0`,
        'sampleWeight',
        r,
      );
    sum += v;
  }
  if (!(sum > 0))
    throw new DataError('every row scored has weight 0: at least one must count', 'sampleWeight');
  return [p, t, (r) => weights[r]];
}

/**
 * Throws DataError unless `t` holds class targets: values in [0, 1] (0/1 or soft labels in one column,
 * one-hot or probability rows in several), read as classes at 0.5 / by argmax. Regression values
 * (2.5, -1) are refused rather than thresholded.
 */
function checkClasses(t: Matrix, metric: string): void {
  const i = t.data.findIndex((v) => !(v >= 0 && v <= 1));
  if (i < 0) return;
  const [r, c] = [Math.floor(i / t.cols), i % t.cols];
  throw new DataError(
    `${metric}: targets[${r}][${c}] is ${shown(t.data[i])}, but ${metric} scores classes: targets must be 0/1 (one column) or one-hot rows (for regression targets use r2, rmse or mae)`,
    'targets',
    r,
    c,
  );
}

/** Σ weight over `rows` rows (rows itself without weights). */
function totalWeight(w: RowWeight, rows: number): number {
  let sum = 0;
  for (let r = 0; r < rows; r++) sum += w(r);
  return sum;
}

/** The (weighted) mean over every element of f(p, t). */
function elementMean(f: (p: number, t: number) => number, p: Matrix, t: Matrix, w: RowWeight): number {
  let sum = 0;
  for (let i = 0; i < p.data.length; i++) sum += w(Math.floor(i / t.cols)) * f(p.data[i], t.data[i]);
  return sum / (t.cols * totalWeight(w, t.rows));
}

/** Mean squared error over every element (weighted by row). */
export function meanSquaredError(
  predictions: MatrixLike,
  targets: MatrixLike,
  weights?: SampleWeights,
): number {
  const [p, t, w] = pair(predictions, targets, weights);
  return elementMean((a, b) => (a - b) ** 2, p, t, w);
}

/** √mse, in the targets' units. */
export function rootMeanSquaredError(
  predictions: MatrixLike,
  targets: MatrixLike,
  weights?: SampleWeights,
): number {
  return Math.sqrt(meanSquaredError(predictions, targets, weights));
}

/** Mean absolute error over every element (weighted by row). */
export function meanAbsoluteError(
  predictions: MatrixLike,
  targets: MatrixLike,
  weights?: SampleWeights,
): number {
  const [p, t, w] = pair(predictions, targets, weights);
  return elementMean((a, b) => Math.abs(a - b), p, t, w);
}

/**
 * Coefficient of determination 1 − SS_res / SS_tot per column, averaged over columns (scikit-learn's
 * r2_score, multioutput 'uniform_average'). A constant target column scores 1 if fitted exactly, else 0
 * (scikit-learn's force_finite). 0 is the mean predictor; negative is worse than it. With weights,
 * the weighted mean and weighted sums of squares (scikit-learn's sample_weight).
 */
export function r2Score(predictions: MatrixLike, targets: MatrixLike, weights?: SampleWeights): number {
  const [p, t, w] = pair(predictions, targets, weights);
  const { rows, cols } = t;
  const weightSum = totalWeight(w, rows);
  let total = 0;
  for (let c = 0; c < cols; c++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += w(r) * t.data[r * cols + c];
    mean /= weightSum;
    let res = 0;
    let tot = 0;
    for (let r = 0; r < rows; r++) {
      res += w(r) * (t.data[r * cols + c] - p.data[r * cols + c]) ** 2;
      tot += w(r) * (t.data[r * cols + c] - mean) ** 2;
    }
    total += tot === 0 ? (res === 0 ? 1 : 0) : 1 - res / tot;
  }
  return total / cols;
}

/** The class of each row: p ≥ 0.5 for one column (as predict labels rows and the exports do), the argmax (first on ties) for several. */
export function predictedClasses(m: Matrix): Int32Array {
  const out = new Int32Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    if (m.cols === 1) {
      out[r] = m.data[r] >= 0.5 ? 1 : 0;
    } else {
      let best = 0;
      for (let c = 1; c < m.cols; c++) if (m.data[r * m.cols + c] > m.data[r * m.cols + best]) best = c;
      out[r] = best;
    }
  }
  return out;
}

/** (Weighted) fraction of rows whose predicted class equals the target class (0/1 column or one-hot rows). */
export function accuracy(predictions: MatrixLike, targets: MatrixLike, weights?: SampleWeights): number {
  const [p, t, w] = pair(predictions, targets, weights);
  checkClasses(t, 'accuracy');
  const a = predictedClasses(p);
  const b = predictedClasses(t);
  let hits = 0;
  for (let r = 0; r < a.length; r++) if (a[r] === b[r]) hits += w(r);
  return hits / totalWeight(w, a.length);
}

/**
 * Mean cross-entropy of probabilities against targets: −[t·log p + (1−t)·log(1−p)] for one column,
 * −Σ t·log p per row for several. Probabilities are clipped to [1e-15, 1 − 1e-15] (scikit-learn's
 * log_loss before 1.5), so a confident mistake costs about 34.5, not infinity.
 */
export function logLoss(predictions: MatrixLike, targets: MatrixLike, weights?: SampleWeights): number {
  const [p, t, w] = pair(predictions, targets, weights);
  checkClasses(t, 'logLoss'); // predictions are clipped to [1e-15, 1 − 1e-15] (a least-squares classifier's may leave [0, 1])
  const eps = 1e-15;
  const clip = (v: number) => Math.min(Math.max(v, eps), 1 - eps);
  let sum = 0;
  for (let r = 0; r < p.rows; r++) {
    let row = 0;
    if (p.cols === 1) {
      const q = clip(p.data[r]);
      row -= t.data[r] * Math.log(q) + (1 - t.data[r]) * Math.log(1 - q);
    } else {
      for (let c = 0; c < p.cols; c++) {
        const v = t.data[r * p.cols + c];
        if (v !== 0) row -= v * Math.log(clip(p.data[r * p.cols + c]));
      }
    }
    sum += w(r) * row;
  }
  return sum / totalWeight(w, p.rows);
}

/**
 * counts[actual][predicted] (scikit-learn's confusion_matrix layout: rows are the true classes).
 * Classes are 0/1 for one column, the column indices for several. With weights, sums of weights.
 */
export function confusionMatrix(
  predictions: MatrixLike,
  targets: MatrixLike,
  weights?: SampleWeights,
): number[][] {
  const [p, t, w] = pair(predictions, targets, weights);
  checkClasses(t, 'confusionMatrix');
  const k = Math.max(2, t.cols);
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const a = predictedClasses(p);
  const b = predictedClasses(t);
  for (let r = 0; r < a.length; r++) counts[b[r]][a[r]] += w(r);
  return counts;
}

/**
 * Recall of each class (correct / rows of that class, from the confusion matrix; NaN for a class
 * with no rows), in the order of the target columns (binary: [0, 1]).
 */
export function perClassRecall(
  predictions: MatrixLike,
  targets: MatrixLike,
  weights?: SampleWeights,
): number[] {
  return confusionMatrix(predictions, targets, weights).map((row, k) => {
    const rows = row.reduce((a, b) => a + b, 0);
    return rows > 0 ? row[k] / rows : Number.NaN;
  });
}

/**
 * Balanced accuracy: the mean recall over the classes present in the targets (scikit-learn's
 * balanced_accuracy_score), which a majority-class predictor scores 1/k on, however imbalanced.
 */
export function balancedAccuracy(
  predictions: MatrixLike,
  targets: MatrixLike,
  weights?: SampleWeights,
): number {
  const present = perClassRecall(predictions, targets, weights).filter((v) => !Number.isNaN(v));
  return present.reduce((a, b) => a + b, 0) / present.length;
}

export const metrics: Record<
  MetricName,
  (predictions: MatrixLike, targets: MatrixLike, weights?: SampleWeights) => number
> = {
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
      `${option} must be an array of names such as ['mse', 'r2'], got ${shown(names)}`,
      option,
    );
  for (const n of names) if (!metricNames.includes(n)) unknownName('metric', n, metricNames, option);
  return names as MetricName[];
}

/** Each named metric of predictions against targets (weighted by row when weights are given). */
export function computeMetrics(
  names: readonly MetricName[],
  predictions: MatrixLike,
  targets: MatrixLike,
  weights?: SampleWeights,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) out[n] = metrics[n](predictions, targets, weights);
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
  weights?: SampleWeights,
): Record<string, number> {
  const t = toMatrix(targets, 'targets');
  return computeMetrics(names, baselinePredictions(trainTargets, t.rows), t, weights);
}

export function columnMeans(m: Matrix): Float64Array {
  const mean = new Float64Array(m.cols);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) mean[c] += m.data[r * m.cols + c];
  for (let c = 0; c < m.cols; c++) mean[c] /= m.rows;
  return mean;
}
