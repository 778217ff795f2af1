// Vega-Lite chart specs for training results: plain JSON objects, no vega import here, so the
// browser playground can reuse them with vega-embed and the CLI renders them headlessly
// (render.ts, the `scratchnet/plot` entry: vega-lite compile → vega View → SVG → PNG through resvg).
// Vega-Lite reference: https://vega.github.io/vega-lite/docs/ (layer, scale type "log", rect x2/y2).

export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
export const base = (title: string, width = 480, height = 320) => ({
  $schema: SCHEMA,
  title,
  width,
  height,
  background: 'white',
  config: {
    font: 'sans-serif',
    view: { stroke: '#ddd' },
    legend: { labelLimit: 400, orient: 'bottom', direction: 'vertical' },
  },
});

export interface LossSeries {
  /** legend label: "train", "validation" */
  name: string;
  /** one value per epoch (epoch 1 first) */
  values: readonly number[];
}

/** Loss curves per epoch, log-scale y (non-positive values are left out: a log axis cannot show them). */
export function lossChart(series: readonly LossSeries[], title = 'Loss per epoch'): VegaLiteSpec {
  const values = series.flatMap((s) =>
    s.values
      .map((v, i) => ({ epoch: i + 1, loss: v, series: s.name }))
      .filter((d) => d.loss > 0 && Number.isFinite(d.loss)),
  );
  return {
    ...base(title),
    data: { values },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
      y: { field: 'loss', type: 'quantitative', title: 'loss (log scale)', scale: { type: 'log' } },
      color: { field: 'series', type: 'nominal', title: null, sort: series.map((s) => s.name) },
    },
  };
}

export interface Curve {
  /** legend label (default "prediction") */
  name?: string;
  x: readonly number[];
  y: readonly number[];
}

/** A 1-D regression: the data as points and one or more prediction curves over an x grid. */
export function regressionFitChart(
  data: { x: readonly number[]; y: readonly number[] },
  curves: Curve | readonly Curve[],
  names = { x: 'x', y: 'y' },
  title = 'Data and fitted curve',
): VegaLiteSpec {
  const list = (Array.isArray(curves) ? curves : [curves]) as readonly Curve[];
  const labels = list.map((c, k) => c.name ?? (list.length === 1 ? 'prediction' : `prediction ${k + 1}`));
  const values = [
    ...data.x.map((x, i) => ({ x, y: data.y[i], series: 'data' })),
    ...list.flatMap((c, k) => c.x.map((x, i) => ({ x, y: c.y[i], series: labels[k] }))),
  ];
  const palette = ['#e45756', '#54a24b', '#f58518', '#b279a2', '#72b7b2'];
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: {
      domain: ['data', ...labels],
      range: ['#4c78a8', ...labels.map((_, k) => palette[k % palette.length])],
    },
  };
  const enc = {
    x: { field: 'x', type: 'quantitative', title: names.x },
    y: { field: 'y', type: 'quantitative', title: names.y },
    color,
  };
  return {
    ...base(title),
    data: { values },
    layer: [
      {
        transform: [{ filter: "datum.series == 'data'" }],
        mark: { type: 'point', filled: true, size: 20, opacity: 0.7 },
        encoding: enc,
      },
      {
        transform: [{ filter: "datum.series != 'data'" }],
        mark: { type: 'line', strokeWidth: 2.5 },
        encoding: { ...enc, detail: { field: 'series' }, order: { field: 'x', type: 'quantitative' } },
      },
    ],
  };
}

export interface RegionGrid {
  /** cell centers along each axis */
  x1: readonly number[];
  x2: readonly number[];
  /** predicted class label per cell, row-major over (x2, x1): index j * x1.length + i */
  labels: readonly string[];
}

/** 2-D classification: decision regions (predicted class per grid cell) under the data points. */
export function decisionRegionsChart(
  grid: RegionGrid,
  points: { x1: readonly number[]; x2: readonly number[]; labels: readonly string[] },
  classes: readonly string[],
  names = { x1: 'x1', x2: 'x2' },
  title = 'Decision regions and data',
): VegaLiteSpec {
  const half = (a: readonly number[]) => (a.length > 1 ? (a[1] - a[0]) / 2 : 0.5);
  const h1 = half(grid.x1);
  const h2 = half(grid.x2);
  const cells = grid.labels.map((label, k) => {
    const i = k % grid.x1.length;
    const j = Math.floor(k / grid.x1.length);
    return {
      a: grid.x1[i] - h1,
      a2: grid.x1[i] + h1,
      b: grid.x2[j] - h2,
      b2: grid.x2[j] + h2,
      region: label,
    };
  });
  const pts = points.x1.map((a, i) => ({ a, b: points.x2[i], class: points.labels[i] }));
  const palette = [
    '#4c78a8',
    '#f58518',
    '#54a24b',
    '#e45756',
    '#72b7b2',
    '#b279a2',
    '#eeca3b',
    '#9d755d',
    '#ff9da6',
    '#bab0ac',
  ];
  const scale = { domain: [...classes], range: classes.map((_, k) => palette[k % palette.length]) };
  const x = {
    field: 'a',
    type: 'quantitative',
    title: names.x1,
    scale: { domain: [grid.x1[0] - h1, grid.x1[grid.x1.length - 1] + h1], nice: false, zero: false },
  };
  const y = {
    field: 'b',
    type: 'quantitative',
    title: names.x2,
    scale: { domain: [grid.x2[0] - h2, grid.x2[grid.x2.length - 1] + h2], nice: false, zero: false },
  };
  return {
    ...base(title, 420, 420),
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect', opacity: 0.35 },
        encoding: {
          x,
          x2: { field: 'a2' },
          y,
          y2: { field: 'b2' },
          color: { field: 'region', type: 'nominal', title: 'predicted', scale },
        },
      },
      {
        data: { values: pts },
        mark: { type: 'point', filled: true, size: 22, stroke: 'white', strokeWidth: 0.5, opacity: 1 },
        encoding: { x, y, fill: { field: 'class', type: 'nominal', title: 'class', scale } },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
}

/**
 * Multi-feature regression: predicted against actual values, with the y = x diagonal. `rows`, when
 * given, names each point's part ('training', 'held-out'): the points are coloured by it, with a legend.
 */
export function predictedVsActualChart(
  actual: readonly number[],
  predicted: readonly number[],
  target = 'target',
  title = 'Predicted vs actual',
  rows?: readonly string[],
): VegaLiteSpec {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of [...actual, ...predicted])
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  const enc = {
    x: { field: 'actual', type: 'quantitative', title: `actual ${target}`, scale: { zero: false } },
    y: { field: 'predicted', type: 'quantitative', title: `predicted ${target}`, scale: { zero: false } },
  };
  return {
    ...base(title, 400, 400),
    layer: [
      {
        data: {
          values: [
            { actual: lo, predicted: lo },
            { actual: hi, predicted: hi },
          ],
        },
        mark: { type: 'line', color: '#888', strokeDash: [4, 4] },
        encoding: enc,
      },
      rows
        ? {
            data: { values: actual.map((a, i) => ({ actual: a, predicted: predicted[i], rows: rows[i] })) },
            mark: { type: 'point', filled: true, size: 20, opacity: 0.7 },
            encoding: { ...enc, color: { field: 'rows', type: 'nominal', title: 'rows' } },
          }
        : {
            data: { values: actual.map((a, i) => ({ actual: a, predicted: predicted[i] })) },
            mark: { type: 'point', filled: true, size: 20, opacity: 0.7, color: '#4c78a8' },
            encoding: enc,
          },
    ],
  };
}

/** n evenly spaced values from lo to hi inclusive. */
export function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1)));
}
