// Which pictures a trained model gets, and writing them: loss curves always; a fit curve for 1-D
// regression; decision regions for 2-D classification; predicted-vs-actual for other regression.
// Each chart is written as SVG and PNG, atomically. A chart draws at most `maxPoints` rows of the
// data (evenly spaced in file order, the title says how many of how many): vega's renderer refuses
// a scatter of a million points (a 309 MB SVG), and the eye could not tell them apart.

import { decodeOutputs, type Encoding } from '../data/index.js';
import { gatherRows, toMatrix, zeros, type Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';
import {
  decisionRegionsChart,
  linspace,
  lossChart,
  predictedVsActualChart,
  regressionFitChart,
  type LossSeries,
  type VegaLiteSpec,
} from '../plot/index.js';
import { writeAtomic } from './files.js';

export interface PlotInput {
  network: Network;
  encoding: Encoding;
  /**
   * the encoded inputs and targets of every row, in file order (drawn by the fit and decision-region
   * charts, one or two inputs, and by predicted-vs-actual without parts; otherwise only x.cols is read)
   */
  x: Matrix;
  y: Matrix;
  /** the rows the network trained on and those it held out (predicted-vs-actual labels them); absent: all trained on */
  parts?: { train: { x: Matrix; y: Matrix }; heldOut: { x: Matrix; y: Matrix } };
  /** loss per epoch: train and (when held out) validation */
  loss: LossSeries[];
}

/** The most data points one chart draws. */
export const maxPoints = 5000;

/** The chart specs that suit this model, by file stem. */
export function chartsFor(input: PlotInput): Record<string, VegaLiteSpec> {
  const { encoding, x } = input;
  const charts: Record<string, VegaLiteSpec> = {};
  if (input.loss.some((s) => s.values.length > 0)) charts.loss = lossChart(input.loss);
  const numericInputs = encoding.features.every((f) => f.type !== 'category');
  const classes = encoding.target.classes;
  if (encoding.target.task === 'regression') {
    if (x.cols === 1 && numericInputs) charts.fit = fitChart(input);
    else charts['predicted-vs-actual'] = predictedChart(input);
  } else if (x.cols === 2 && numericInputs && classes) {
    charts.regions = regionsChart(input, classes);
  }
  return charts;
}

/** Other regression: predicted against actual, the held-out rows labelled as such when there are some. */
function predictedChart({ network, encoding, x, y, parts }: PlotInput): VegaLiteSpec {
  const target = encoding.target.columns[0];
  if (!parts) {
    const drawn = drawnRows(x.rows, maxPoints);
    const [dx, dy] = [pickRows(x, drawn), pickRows(y, drawn)];
    const title = `Predicted vs actual${drawnNote(dy.rows, y.rows)}`;
    return predictedVsActualChart(column(dy, 0), column(network.predict(dx), 0), target, title);
  }
  const { train, heldOut } = parts;
  const total = train.y.rows + heldOut.y.rows;
  // each part keeps its share of the points drawn
  const share = Math.max(1, Math.round((maxPoints * train.y.rows) / total));
  const [t, h] = [
    { part: train, drawn: drawnRows(train.y.rows, share) },
    { part: heldOut, drawn: drawnRows(heldOut.y.rows, Math.max(1, maxPoints - share)) },
  ].map(({ part, drawn }) => ({ x: pickRows(part.x, drawn), y: pickRows(part.y, drawn) }));
  const actual = [...column(t.y, 0), ...column(h.y, 0)];
  const predicted = [...column(network.predict(t.x), 0), ...column(network.predict(h.x), 0)];
  const rows = [
    ...Array<string>(t.y.rows).fill(`training (${train.y.rows})`),
    ...Array<string>(h.y.rows).fill(`held-out (${heldOut.y.rows})`),
  ];
  return predictedVsActualChart(
    actual,
    predicted,
    target,
    `Predicted vs actual: training and held-out rows${drawnNote(actual.length, total)}`,
    rows,
  );
}

/** 1-D regression: the data and the network's curve over the inputs' range. */
function fitChart({ network, encoding, x, y }: PlotInput): VegaLiteSpec {
  const [lo, hi] = extent(x.data);
  const grid = linspace(lo, hi, 300);
  const out = network.predict(toMatrix(grid.map((g) => [g])));
  const drawn = drawnRows(x.rows, maxPoints);
  return regressionFitChart(
    { x: column(pickRows(x, drawn), 0), y: column(pickRows(y, drawn), 0) },
    { x: grid, y: column(out, 0) },
    { x: encoding.features[0].name, y: encoding.target.columns[0] },
    `${encoding.target.columns[0]}: data and network${drawnNote(drawn.length, x.rows)}`,
  );
}

/** 2-D classification: the predicted class on an 80 × 80 grid (8% beyond the data), and the data. */
function regionsChart({ network, encoding, x, y }: PlotInput, classes: string[]): VegaLiteSpec {
  const ext = [0, 1].map((c) => {
    const [lo, hi] = extent(column(x, c));
    const pad = 0.08 * (hi - lo || 1);
    return linspace(lo - pad, hi + pad, 80);
  });
  const cells: number[][] = [];
  for (const b of ext[1]) for (const a of ext[0]) cells.push([a, b]);
  const labels = decodeOutputs(encoding, network.predict(toMatrix(cells))).map((r) => String(r[0]));
  const drawn = drawnRows(x.rows, maxPoints);
  const [dx, dy] = [pickRows(x, drawn), pickRows(y, drawn)];
  const truth = trueLabels(encoding, dy, classes);
  return decisionRegionsChart(
    { x1: ext[0], x2: ext[1], labels },
    { x1: column(dx, 0), x2: column(dx, 1), labels: truth },
    classes,
    { x1: encoding.features[0].name, x2: encoding.features[1].name },
    `${encoding.target.columns[0]}: decision regions and data${drawnNote(drawn.length, x.rows)}`,
  );
}

/** The rows a chart draws of n: all of them when n ≤ max, else max evenly spaced ones (the first included). */
export function drawnRows(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
}

/** Rows `rows` of m (m itself when they are all of its rows, in order). */
function pickRows(m: Matrix, rows: number[]): Matrix {
  if (rows.length === m.rows) return m;
  return gatherRows(
    zeros(rows.length, m.cols, m.data instanceof Float32Array ? 'float32' : 'float64'),
    m,
    rows,
  );
}

/** The title's note when a chart draws only some of the rows. */
function drawnNote(drawn: number, total: number): string {
  return drawn < total
    ? ` (${drawn.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows drawn, evenly spaced)`
    : '';
}

/** [min, max] of the values. */
function extent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  return [lo, hi];
}

/** Renders every chart to `<dir>/<stem>.svg` and `.png`; returns the paths written. */
export async function writePlots(dir: string, charts: Record<string, VegaLiteSpec>): Promise<string[]> {
  // vega takes ~0.4 s to load: imported only when drawing
  const { renderSvg, svgToPng } = await import('../plot/render.js');
  const written: string[] = [];
  for (const [stem, spec] of Object.entries(charts)) {
    const svg = await renderSvg(spec);
    writeAtomic(`${dir}/${stem}.svg`, svg);
    writeAtomic(`${dir}/${stem}.png`, svgToPng(svg));
    written.push(`${dir}/${stem}.svg`, `${dir}/${stem}.png`);
  }
  return written;
}

function column(m: Matrix, c: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < m.rows; r++) out.push(m.data[r * m.cols + c]);
  return out;
}

/** Class labels of encoded targets (0/1 column or one-hot rows). */
function trueLabels(encoding: Encoding, y: Matrix, classes: string[]): string[] {
  return decodeOutputs(encoding, y)
    .map((r) => String(r[0]))
    .map((l, i) => (encoding.target.task === 'binary' ? classes[y.data[i] >= 0.5 ? 1 : 0] : l));
}
