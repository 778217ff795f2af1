// Metrics of a model on encoded data, by the names scripts rely on: r2, rmse, mae, mse for
// regression; accuracy, logLoss (and a confusion matrix) for classification.

import type { Encoding } from '../data/index.js';
import type { Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';
import { computeMetrics, confusionMatrix } from '../train/metrics.js';

export interface Evaluation {
  rows: number;
  metrics: Record<string, number>;
  /** classification: counts[actual][predicted], rows and columns in `classes` order */
  confusion?: { classes: string[]; counts: number[][] };
}

export function evaluate(network: Network, encoding: Encoding, x: Matrix, y: Matrix): Evaluation {
  const out = network.predict(x);
  if (encoding.target.task === 'regression') {
    return { rows: x.rows, metrics: computeMetrics(['r2', 'rmse', 'mae', 'mse'], out, y) };
  }
  return {
    rows: x.rows,
    metrics: computeMetrics(['accuracy', 'logLoss'], out, y),
    confusion: { classes: encoding.target.classes!, counts: confusionMatrix(out, y) },
  };
}

/** Metrics as aligned text lines, then the confusion matrix with actual classes as rows. */
export function formatEvaluation(e: Evaluation): string {
  const lines = Object.entries(e.metrics).map(([k, v]) => `${k.padEnd(9)} ${formatNumber(v)}`);
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
