// Metrics of a model on encoded data, by the names scripts rely on: r2, rmse, mae, mse for
// regression; accuracy, logLoss (and a confusion matrix) for classification. A metric that is not
// defined on the rows (R² of a constant target, or of one row) is null, with the reason in `undefined`.

import type { Encoding } from '../data/index.js';
import type { Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';
import { computeMetrics, confusionMatrix } from '../train/metrics.js';

export interface Evaluation {
  rows: number;
  /** null: undefined on these rows (see `undefined`) */
  metrics: Record<string, number | null>;
  /** why a metric is null, by name */
  undefined?: Record<string, string>;
  /** classification: counts[actual][predicted], rows and columns in `classes` order */
  confusion?: { classes: string[]; counts: number[][] };
}

export function evaluate(network: Network, encoding: Encoding, x: Matrix, y: Matrix): Evaluation {
  const out = network.predict(x);
  if (encoding.target.task === 'regression') {
    const metrics: Evaluation['metrics'] = computeMetrics(['r2', 'rmse', 'mae', 'mse'], out, y);
    const why = constantTarget(y, encoding.target.columns);
    if (!why) return { rows: x.rows, metrics };
    return { rows: x.rows, metrics: { ...metrics, r2: null }, undefined: { r2: why } };
  }
  return {
    rows: x.rows,
    metrics: computeMetrics(['accuracy', 'logLoss'], out, y),
    confusion: { classes: encoding.target.classes ?? [], counts: confusionMatrix(out, y) },
  };
}

/** Why R² is undefined (1 − SS_res/SS_tot with SS_tot = 0), or null when every target column varies. */
function constantTarget(y: Matrix, columns: readonly string[]): string | null {
  if (y.rows < 2) return `there ${y.rows === 1 ? 'is 1 row' : 'are no rows'}, so the target has no variance`;
  for (let k = 0; k < y.cols; k++) {
    let same = true;
    for (let r = 1; r < y.rows && same; r++) same = y.data[r * y.cols + k] === y.data[k];
    if (same) return `target ${columns[k]} has the same value in every row, so it has no variance`;
  }
  return null;
}

/** Metrics as aligned text lines, then the confusion matrix with actual classes as rows. */
export function formatEvaluation(e: Evaluation): string {
  const lines = Object.entries(e.metrics).map(
    ([k, v]) =>
      `${k.padEnd(9)} ${v === null ? `undefined (${e.undefined?.[k] ?? 'not defined here'})` : formatNumber(v)}`,
  );
  if (e.confusion) {
    const { classes, counts } = e.confusion;
    const w = Math.max(6, ...classes.map((c) => c.length), ...counts.flat().map((n) => String(n).length)) + 1;
    lines.push('', 'confusion matrix (rows: actual, columns: predicted)');
    lines.push(''.padEnd(w) + classes.map((c) => c.padStart(w)).join(''));
    counts.forEach((row, i) =>
      lines.push(classes[i].padEnd(w) + row.map((n) => String(n).padStart(w)).join('')),
    );
  }
  return lines.join('\n');
}

export function formatNumber(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toFixed(4) : v.toExponential(4);
}
