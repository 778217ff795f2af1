// Metrics of a model on encoded data, by the names scripts rely on: r2, rmse, mae, mse for
// regression; accuracy, logLoss, balancedAccuracy (and each class's recall, a confusion matrix) for
// classification. A metric that is not defined on the rows (R² of a constant target, or of one row)
// is null, with the reason in `undefined`. With row weights, the same metrics weighted, beside them.

import { displayWidth, padEndWidth, padStartWidth, type Encoding } from '../data/index.js';
import type { Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';
import {
  balancedAccuracy,
  computeMetrics,
  confusionMatrix,
  perClassRecall,
  type MetricName,
} from '../train/metrics.js';
import { predictInBlocks } from '../train/score-blocks.js';

export interface Evaluation {
  rows: number;
  /** null: undefined on these rows (see `undefined`) */
  metrics: Record<string, number | null>;
  /** why a metric is null, by name */
  undefined?: Record<string, string>;
  /** classification: counts[actual][predicted], rows and columns in `classes` order */
  confusion?: { classes: string[]; counts: number[][] };
  /** classification: the share of each class's rows predicted as it, by class (null: no rows of it) */
  recall?: Record<string, number | null>;
  /** with row weights: the metrics with each row counted by its weight */
  weighted?: Record<string, number>;
  /**
   * several regression targets: each one's metrics, by target name, in its own units (`metrics`
   * averages R² over them and pools the errors of all, whatever their units)
   */
  perTarget?: Record<string, Record<string, number | null>>;
}

/** The model's metrics on (x, y); with `weights` (one per row) also weighted ones. */
export function evaluate(
  network: Network,
  encoding: Encoding,
  x: Matrix,
  y: Matrix,
  weights?: Float64Array | null,
): Evaluation {
  return evaluateOutputs(encoding, predictInBlocks(network, x), y, weights); // bounded memory
}

/** The metrics of outputs `out` (the network's predictions) against targets `y`, row for row. */
export function evaluateOutputs(
  encoding: Encoding,
  out: Matrix,
  y: Matrix,
  weights?: Float64Array | null,
): Evaluation {
  const regression = encoding.target.task === 'regression';
  const names: MetricName[] = regression ? ['r2', 'rmse', 'mae', 'mse'] : ['accuracy', 'logLoss'];
  // balanced accuracy is a classification score (it used to appear, meaningless, for weighted regression)
  const weighted = weights
    ? {
        weighted: {
          ...computeMetrics(names, out, y, weights),
          ...(regression ? {} : classScores(out, y, weights)),
        },
      }
    : {};
  if (regression) {
    const metrics: Evaluation['metrics'] = computeMetrics(names, out, y);
    const columns = encoding.target.columns;
    const perTarget = y.cols > 1 ? { perTarget: targetMetrics(names, out, y, columns) } : {};
    const why = constantTarget(y, columns);
    if (!why) return { rows: y.rows, metrics, ...weighted, ...perTarget };
    return {
      rows: y.rows,
      metrics: { ...metrics, r2: null },
      undefined: { r2: why },
      ...weighted,
      ...perTarget,
    };
  }
  const classes = encoding.target.classes ?? [];
  const recall = perClassRecall(out, y);
  return {
    rows: y.rows,
    metrics: { ...computeMetrics(names, out, y), ...classScores(out, y) },
    recall: Object.fromEntries(classes.map((c, k) => [c, Number.isNaN(recall[k]) ? null : recall[k]])),
    confusion: { classes, counts: confusionMatrix(out, y) },
    ...weighted,
  };
}

/** Each target column's metrics (R² null for a constant one), by name. */
function targetMetrics(
  names: MetricName[],
  out: Matrix,
  y: Matrix,
  columns: readonly string[],
): Record<string, Record<string, number | null>> {
  const column = (m: Matrix, k: number): Matrix => ({
    rows: m.rows,
    cols: 1,
    data: Float64Array.from({ length: m.rows }, (_, r) => m.data[r * m.cols + k]),
  });
  return Object.fromEntries(
    columns.map((name, k) => {
      const yk = column(y, k);
      const m: Record<string, number | null> = computeMetrics(names, column(out, k), yk);
      if (constantTarget(yk, [name])) m.r2 = null;
      return [name, m];
    }),
  );
}

/** Classification's balanced accuracy (the mean recall over the classes present). */
function classScores(out: Matrix, y: Matrix, weights?: Float64Array): Record<string, number> {
  return { balancedAccuracy: balancedAccuracy(out, y, weights) };
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

/** Up to this many classes the confusion matrix is shown whole; beyond, summarized (linear in its cells). */
export const CONFUSION_SHOWN = 20;
/** How many of the largest off-diagonal cells the summary lists. */
const CONFUSIONS_LISTED = 10;

/**
 * Metrics as aligned text lines, then the confusion matrix with actual classes as rows (or its summary);
 * `weighted` names how the weighted metrics weigh rows.
 */
export function formatEvaluation(e: Evaluation, weighted = 'weighted by the row weights'): string {
  const pad = Math.max(9, ...Object.keys(e.metrics).map((k) => k.length));
  const lines = Object.entries(e.metrics).map(
    ([k, v]) =>
      `${k.padEnd(pad)} ${v === null ? `undefined (${e.undefined?.[k] ?? 'not defined here'})` : formatNumber(v)}`,
  );
  if (e.recall && Object.keys(e.recall).length <= CONFUSION_SHOWN) {
    const each = Object.entries(e.recall).map(([c, v]) => `${c} ${v === null ? 'no rows' : formatNumber(v)}`);
    lines.push(`${'recall'.padEnd(pad)} ${each.join(', ')}`);
  }
  if (e.weighted) {
    const each = Object.entries(e.weighted).map(([k, v]) => `${k} ${formatNumber(v)}`);
    lines.push(`${weighted}: ${each.join(', ')}`);
  }
  for (const [name, m] of Object.entries(e.perTarget ?? {})) {
    const each = Object.entries(m).map(([k, v]) => `${k} ${v === null ? 'undefined' : formatNumber(v)}`);
    lines.push(`  ${name}: ${each.join(', ')}`);
  }
  if (e.confusion) {
    lines.push(
      '',
      ...(e.confusion.classes.length <= CONFUSION_SHOWN
        ? confusionTable(e.confusion)
        : confusionSummary(e.confusion)),
    );
  }
  return lines.join('\n');
}

/** The whole matrix, one line per actual class. */
function confusionTable({ classes, counts }: NonNullable<Evaluation['confusion']>): string[] {
  let w = 6;
  for (const c of classes) w = Math.max(w, displayWidth(c)); // 猫 takes two columns
  for (const row of counts) for (const n of row) w = Math.max(w, String(n).length);
  w += 1;
  return [
    'confusion matrix (rows: actual, columns: predicted)',
    ''.padEnd(w) + classes.map((c) => padStartWidth(c, w)).join(''),
    ...counts.map((row, i) => padEndWidth(classes[i], w) + row.map((n) => String(n).padStart(w)).join('')),
  ];
}

/** Many classes: how many are always right or never, and the largest confusions (one pass over the cells). */
function confusionSummary({ classes, counts }: NonNullable<Evaluation['confusion']>): string[] {
  const top: [count: number, actual: number, predicted: number][] = [];
  let perfect = 0;
  let never = 0;
  let present = 0;
  counts.forEach((row, a) => {
    let total = 0;
    row.forEach((n, p) => {
      total += n;
      if (p === a || n === 0) return;
      if (top.length < CONFUSIONS_LISTED || n > top[top.length - 1][0]) {
        top.push([n, a, p]);
        top.sort((x, y) => y[0] - x[0]);
        if (top.length > CONFUSIONS_LISTED) top.pop();
      }
    });
    if (total === 0) return;
    present++;
    if (row[a] === total) perfect++;
    if (row[a] === 0) never++;
  });
  const k = (n: number) => n.toLocaleString('en-US');
  return [
    `confusion matrix: ${k(classes.length)} classes, too many to show (--json gives it whole)`,
    `  ${k(present)} classes occur here: ${k(perfect)} always predicted right, ${k(never)} never`,
    ...(top.length
      ? [
          `  the ${top.length} largest confusions (actual → predicted: rows):`,
          ...top.map(([n, a, p]) => `    ${classes[a]} → ${classes[p]}: ${k(n)}`),
        ]
      : ['  no row is predicted as another class']),
  ];
}

export function formatNumber(v: number): string {
  return v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5) ? v.toFixed(4) : v.toExponential(4);
}
