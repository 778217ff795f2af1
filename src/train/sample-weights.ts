// Sample and class weights (fit's sampleWeight and classWeight), checked where they enter and turned
// into one weight per row: the loss weight sampleWeight[r] × classWeight[class of r], and the sample
// weight alone, by which metrics are weighted (as scikit-learn weights a score by sample_weight only).
// 'balanced' is scikit-learn's: n_samples / (n_classes · count(class)) over the classes present.
// Rows that all weigh the same give no weights at all, so such a run takes the unweighted path (bit-identical).

import { OptionError, shown } from '../errors.js';
import { zeros, type Matrix } from '../matrix.js';
import { baselinePredictions, predictedClasses } from './metrics.js';

/** 'balanced', or a weight per class label: '0'/'1' for one 0/1 column, the column index for one-hot targets. */
export type ClassWeight = 'balanced' | Record<string, number>;

export interface WeightOptions {
  /** one weight per row of x, finite and ≥ 0, not all 0 */
  sampleWeight?: ArrayLike<number>;
  classWeight?: ClassWeight;
}

/** A run's per-row weights; null fields mean every row weighs the same (the unweighted path). */
export interface RowWeights {
  /** sampleWeight × classWeight of each row: what the loss is weighted by */
  loss: Float64Array | null;
  /** sampleWeight of each row: what metrics are weighted by */
  sample: Float64Array | null;
}

/** No weights: every row counts once. */
export const unweighted: RowWeights = { loss: null, sample: null };

/** Checks a sampleWeight: an array of `rows` finite numbers ≥ 0, not all 0. */
export function checkSampleWeight(w: unknown, rows: number, option = 'sampleWeight'): Float64Array {
  if (!Array.isArray(w) && !(ArrayBuffer.isView(w) && 'length' in w))
    throw new OptionError(`${option} must be an array of one weight per row, got ${shown(w)}`, option);
  const values = w as ArrayLike<unknown>;
  if (values.length !== rows)
    throw new OptionError(`${option} has ${values.length} weights but the data has ${rows} rows`, option);
  const out = new Float64Array(rows);
  let positive = false;
  for (let r = 0; r < rows; r++) {
    const v = values[r];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new OptionError(`${option}[${r}] must be a finite number ≥ 0, got ${shown(v)}`, option);
    out[r] = v;
    if (v > 0) positive = true;
  }
  if (!positive) throw new OptionError(`${option} is 0 for every row: nothing would be learned`, option);
  return out;
}

/** The class of each row of targets y (0/1 column or one-hot rows) and the number of classes. */
function classesOf(y: Matrix): { classes: Int32Array; count: number } {
  return { classes: predictedClasses(y), count: Math.max(2, y.cols) };
}

/**
 * One weight per class from a classWeight option, for targets y: 'balanced' gives
 * n / (classes present · count(class)); a record gives its values (1 for a class it leaves out).
 */
export function classWeights(spec: unknown, y: Matrix, option = 'classWeight'): Float64Array {
  const { classes, count } = classesOf(y);
  const weights = new Float64Array(count).fill(1);
  if (spec === 'balanced') {
    const counts = new Float64Array(count);
    for (const c of classes) counts[c]++;
    const present = counts.filter((n) => n > 0).length;
    for (let c = 0; c < count; c++) if (counts[c] > 0) weights[c] = y.rows / (present * counts[c]);
    return weights;
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    throw new OptionError(
      `${option} must be 'balanced' or a weight per class such as { "0": 1, "1": 5 }, got ${shown(spec)}`,
      option,
    );
  const labels = Array.from({ length: count }, (_, c) => String(c));
  for (const [label, value] of Object.entries(spec)) {
    const c = labels.indexOf(label);
    if (c < 0)
      throw new OptionError(
        `${option} names class ${JSON.stringify(label)}, not a class here: fit's classes are y's ${y.cols === 1 ? '0/1 values' : 'one-hot column indices'} (${labels.join(', ')}), not labels`,
        option,
      );
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new OptionError(
        `${option}[${JSON.stringify(label)}] must be a finite number ≥ 0, got ${shown(value)}`,
        option,
      );
    weights[c] = value;
  }
  return weights;
}

/** null when every weight equals the first (a weighted mean is then the plain mean). */
export function unlessConstant(w: Float64Array): Float64Array | null {
  return w.every((v) => v === w[0]) ? null : w;
}

/**
 * The per-row weights of x's rows with targets y (null when neither option is given). classWeight
 * needs classification targets (`classification` true).
 */
export function rowWeights(
  options: WeightOptions,
  y: Matrix,
  classification: boolean,
): (RowWeights & { perClass: Float64Array | null }) | null {
  const { sampleWeight, classWeight } = options;
  if (sampleWeight === undefined && classWeight === undefined) return null;
  const sample = sampleWeight === undefined ? null : checkSampleWeight(sampleWeight, y.rows);
  let loss = sample;
  let perClass: Float64Array | null = null;
  if (classWeight !== undefined) {
    if (!classification)
      throw new OptionError(
        'classWeight applies to classification (a cross-entropy loss); use sampleWeight for regression',
        'classWeight',
      );
    perClass = classWeights(classWeight, y);
    loss = withClassWeights(sample, perClass, y);
    if (loss.every((v) => v === 0))
      throw new OptionError('classWeight and sampleWeight leave every row with weight 0', 'classWeight');
  }
  return { loss: loss && unlessConstant(loss), sample: sample && unlessConstant(sample), perClass };
}

/** sample[r] (1 without) × perClass[class of row r], for the rows of targets y. */
export function withClassWeights(
  sample: Float64Array | null,
  perClass: Float64Array,
  y: Matrix,
): Float64Array {
  const { classes } = classesOf(y);
  const out = new Float64Array(y.rows);
  for (let r = 0; r < y.rows; r++) out[r] = (sample ? sample[r] : 1) * perClass[classes[r]];
  return out;
}

/** The rows `order[start … start + n)` of per-row weights (null stays null). */
export function gatherWeights(
  w: Float64Array | null,
  order: ArrayLike<number>,
  start: number,
  n: number,
): Float64Array | null {
  if (!w) return null;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = w[order[start + i]];
  return out;
}

/**
 * A classWeight whose keys are the user's class labels ('setosa', '3') → keyed by class index, as
 * fit takes it; `labels` are the classes in the order of the network's outputs. Unknown labels are
 * named with the known ones.
 */
export function classWeightByLabel(
  spec: unknown,
  labels: readonly string[],
  option = 'classWeight',
): ClassWeight {
  if (spec === 'balanced' || typeof spec !== 'object' || spec === null || Array.isArray(spec))
    return spec as ClassWeight; // 'balanced', or a value classWeights() rejects with its message
  const out: Record<string, number> = {};
  for (const [label, value] of Object.entries(spec)) {
    const c = labels.indexOf(label);
    if (c < 0)
      throw new OptionError(
        `${option} names class ${JSON.stringify(label)}, which is not among the classes (${labels.join(', ')})`,
        option,
      );
    out[String(c)] = value as number;
  }
  return out;
}

/** A run's weights as its parts take them: the sample weights (null when constant) and classWeight by class index. */
export interface CheckedWeights {
  sampleWeight: Float64Array | null;
  classWeight?: ClassWeight;
}

/**
 * sampleWeight and classWeight checked against targets y (as fit checks them), for code that splits
 * rows itself (autoFit's folds): the sample weights, null when every row weighs the same, and
 * classWeight keyed by class index (`labels`: the classes of a label column, which its keys name).
 */
export function checkWeightOptions(
  options: WeightOptions,
  y: Matrix,
  classification: boolean,
  labels?: readonly string[],
): CheckedWeights {
  const classWeight =
    labels && options.classWeight !== undefined
      ? classWeightByLabel(options.classWeight, labels)
      : options.classWeight;
  const checked = rowWeights(
    { ...options, ...(classWeight !== undefined ? { classWeight } : {}) },
    y,
    classification,
  );
  return { sampleWeight: checked?.sample ?? null, ...(classWeight !== undefined ? { classWeight } : {}) };
}

/**
 * The trivial baseline fitted with weights: `rows` copies of the weighted column means of the
 * training targets y (the weighted mean, or the weighted class prior, whose argmax is the weighted
 * majority class). Without weights, metrics.ts's baselinePredictions (the same bits as before).
 */
export function weightedBaselinePredictions(y: Matrix, w: Float64Array | null, rows: number): Matrix {
  if (!w) return baselinePredictions(y, rows);
  const mean = new Float64Array(y.cols);
  let total = 0;
  for (let r = 0; r < y.rows; r++) {
    total += w[r];
    for (let c = 0; c < y.cols; c++) mean[c] += w[r] * y.data[r * y.cols + c];
  }
  for (let c = 0; c < y.cols; c++) mean[c] /= total;
  const out = zeros(rows, y.cols);
  for (let r = 0; r < rows; r++) out.data.set(mean, r * y.cols);
  return out;
}
