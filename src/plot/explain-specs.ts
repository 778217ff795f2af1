// Vega-Lite specs for explanations (src/check/explain*.ts): permutation importance as bars with their
// intervals, one row's attributions as a waterfall from the baseline to the prediction, and
// partial-dependence lines over ICE curves. Plain JSON, rendered like the other charts (specs.ts).

import { base, type VegaLiteSpec } from './specs.js';

/** Importance per column (most important first), with its interval, in the metric's units. */
export function importanceChart(
  columns: readonly { column: string; mean: number; low: number; high: number }[],
  metric: string,
  title = 'Permutation importance',
): VegaLiteSpec {
  const order = columns.map((c) => c.column);
  const y = { field: 'column', type: 'nominal', title: null, sort: order };
  const x = { field: 'mean', type: 'quantitative', title: `importance (${metric} worse when shuffled)` };
  return {
    ...base(title, 420, Math.max(120, 24 * columns.length)),
    data: { values: columns.map((c) => ({ ...c })) },
    layer: [
      { mark: { type: 'bar', color: '#4c78a8' }, encoding: { x, y } },
      {
        mark: { type: 'rule', color: '#222', strokeWidth: 1.5 },
        encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' }, y },
      },
    ],
  };
}

/**
 * One row's waterfall: starting from f(baseline), each column's attribution (largest first) moves the
 * running total; the last bar is f(x). Red raises the prediction, blue lowers it.
 */
export function waterfallChart(
  row: {
    baselineValue: number;
    value: number;
    columns: readonly { column: string; input: number | string; attribution: number }[];
  },
  explained: string,
  title = `Why this prediction: ${explained}`,
): VegaLiteSpec {
  const sorted = [...row.columns].sort((a, b) => Math.abs(b.attribution) - Math.abs(a.attribution));
  let total = row.baselineValue;
  const steps = sorted.map((c) => {
    const start = total;
    total += c.attribution;
    const shown = typeof c.input === 'number' ? Number(c.input.toPrecision(4)) : c.input;
    return {
      label: `${c.column} = ${shown}`,
      start,
      end: total,
      kind: c.attribution >= 0 ? 'raises' : 'lowers',
    };
  });
  const values = [
    { label: 'baseline', start: row.baselineValue, end: row.baselineValue, kind: 'value' },
    ...steps,
    { label: 'prediction', start: row.value, end: row.value, kind: 'value' },
  ];
  const y = { field: 'label', type: 'nominal', title: null, sort: values.map((v) => v.label) };
  const color = {
    field: 'kind',
    type: 'nominal',
    title: null,
    scale: { domain: ['raises', 'lowers', 'value'], range: ['#e45756', '#4c78a8', '#222'] },
  };
  return {
    ...base(title, 440, Math.max(140, 24 * values.length)),
    data: { values },
    layer: [
      {
        transform: [{ filter: "datum.kind != 'value'" }],
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'start', type: 'quantitative', title: explained, scale: { zero: false } },
          x2: { field: 'end' },
          y,
          color,
        },
      },
      {
        transform: [{ filter: "datum.kind == 'value'" }],
        mark: { type: 'tick', thickness: 3, size: 18 },
        encoding: { x: { field: 'start', type: 'quantitative' }, y, color },
      },
    ],
  };
}

/** Partial dependence (thick) over ICE curves (thin, one per row) as one column varies. */
export function dependenceChart(
  curve: {
    column: string;
    grid: readonly (number | string)[];
    average: readonly number[];
    iceRows: readonly number[];
    ice: readonly (readonly number[])[];
  },
  explained: string,
  title = `Partial dependence on ${curve.column}`,
): VegaLiteSpec {
  const numeric = curve.grid.every((g) => typeof g === 'number');
  const x = numeric
    ? { field: 'value', type: 'quantitative', title: curve.column, scale: { zero: false } }
    : { field: 'value', type: 'nominal', title: curve.column, sort: [...curve.grid] };
  const y = { field: 'prediction', type: 'quantitative', title: explained, scale: { zero: false } };
  const ice = curve.ice.flatMap((line, k) =>
    line.map((p, g) => ({ value: curve.grid[g], prediction: p, row: curve.iceRows[k] })),
  );
  const average = curve.average.map((p, g) => ({ value: curve.grid[g], prediction: p }));
  return {
    ...base(title, 420, 300),
    layer: [
      {
        data: { values: ice },
        mark: { type: 'line', color: '#9ecae9', strokeWidth: 1, opacity: 0.6 },
        encoding: { x, y, detail: { field: 'row', type: 'nominal' } },
      },
      {
        data: { values: average },
        mark: { type: 'line', color: '#e45756', strokeWidth: 3, point: !numeric },
        encoding: { x, y },
      },
    ],
  };
}
