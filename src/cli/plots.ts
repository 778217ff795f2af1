// Which pictures a trained model gets, and writing them: loss curves always; a fit curve for 1-D
// regression; decision regions for 2-D classification; predicted-vs-actual for other regression.
// Each chart is written as SVG and PNG, atomically.

import { decodeOutputs, type Encoding } from '../data/index.js';
import { toMatrix, type Matrix } from '../matrix.js';
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
  if (!parts) return predictedVsActualChart(column(y, 0), column(network.predict(x), 0), target);
  const { train, heldOut } = parts;
  const actual = [...column(train.y, 0), ...column(heldOut.y, 0)];
  const predicted = [...column(network.predict(train.x), 0), ...column(network.predict(heldOut.x), 0)];
  const rows = [
    ...Array<string>(train.y.rows).fill(`training (${train.y.rows})`),
    ...Array<string>(heldOut.y.rows).fill(`held-out (${heldOut.y.rows})`),
  ];
  return predictedVsActualChart(
    actual,
    predicted,
    target,
    'Predicted vs actual: training and held-out rows',
    rows,
  );
}

/** 1-D regression: the data and the network's curve over the inputs' range. */
function fitChart({ network, encoding, x, y }: PlotInput): VegaLiteSpec {
  const [lo, hi] = extent(x.data);
  const grid = linspace(lo, hi, 300);
  const out = network.predict(toMatrix(grid.map((g) => [g])));
  return regressionFitChart(
    { x: Array.from(x.data), y: column(y, 0) },
    { x: grid, y: column(out, 0) },
    { x: encoding.features[0].name, y: encoding.target.columns[0] },
    `${encoding.target.columns[0]}: data and network`,
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
  const truth = trueLabels(encoding, y, classes);
  return decisionRegionsChart(
    { x1: ext[0], x2: ext[1], labels },
    { x1: column(x, 0), x2: column(x, 1), labels: truth },
    classes,
    { x1: encoding.features[0].name, x2: encoding.features[1].name },
    `${encoding.target.columns[0]}: decision regions and data`,
  );
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
