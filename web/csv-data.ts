// The worker's side of a user's CSV file: read by the library's own parseCsv, encoded by its
// fitEncoding / applyEncoding (numbers, yes/no, dates, one-hot text; rows with a missing cell left
// out), so the page shows the library's own errors. The inputs are standardized (z-scores over the
// rows) and so is a numeric target, so that the page's plain full-batch training works on any units.
// No DOM here.

import {
  DataError,
  applyEncoding,
  fitEncoding,
  parseCsv,
  type Encoding,
  type NetworkJSON,
  type Table,
} from '../src/index.js';
import type { Dataset } from './datasets.js';
import type { CsvColumn } from './protocol.js';

/** The most distinct values listed for a column. */
const LISTED = 6;

/** Reads the file; its columns with a few of their values. DataError for a file that is not CSV. */
export function readCsv(text: string, name: string): { table: Table; columns: CsvColumn[] } {
  const table = parseCsv(text, name);
  if (table.rows.length < 2) throw new DataError(`${name}: fewer than two rows of data`, 'data');
  const columns = table.columns.map((column, j) => {
    const values = new Set<string>();
    for (const row of table.rows) {
      const value = String(row[j] ?? '') || 'empty'; // a missing cell
      values.add(value.length > 12 ? `${value.slice(0, 11)}…` : value);
      if (values.size > LISTED) break;
    }
    return { name: column, values: [...values].slice(0, LISTED), many: values.size > LISTED };
  });
  return { table, columns };
}

/** mean and standard deviation (1 when constant) of column c of rows[N][·] */
function moments(rows: number[][], c: number): { mean: number; std: number } {
  let mean = 0;
  for (const r of rows) mean += r[c] / rows.length;
  let variance = 0;
  for (const r of rows) variance += (r[c] - mean) ** 2 / rows.length;
  return { mean, std: Math.sqrt(variance) || 1 };
}

/** Standardizes column c in place; returns its mean and std before, and its [min, max] after. */
function standardize(rows: number[][], c: number): { mean: number; std: number; range: [number, number] } {
  const { mean, std } = moments(rows, c);
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    r[c] = (r[c] - mean) / std;
    lo = Math.min(lo, r[c]);
    hi = Math.max(hi, r[c]);
  }
  return { mean, std, range: [lo, hi] };
}

/**
 * What a model file needs to read the file's columns as the run did: the library's encoding and the
 * standardization done here (the network's `scaling`: predict applies it, in the file's units).
 */
export interface CsvModel {
  source: string;
  encoding: Encoding;
  scaling: NonNullable<NetworkJSON['scaling']>;
}

const padded = ([lo, hi]: [number, number], share: number): [number, number] => {
  const pad = share * (hi - lo || 1);
  return [lo - pad, hi + pad];
};

/**
 * The table as a playground dataset: `target` (numeric: regression; two classes: classification with
 * label 1 for the second class in sorted order) from `features`. The library's error for a column
 * it cannot encode; a DataError for more than two classes (the page trains one output).
 */
export function csvDataset(
  table: Table,
  target: string,
  features: readonly string[],
): { data: Dataset; inputNames: string[]; note: string; model: CsvModel } {
  const encoding = fitEncoding(table, { target: [target], features, missing: 'drop' });
  const { task, classes } = encoding.target;
  if (task === 'multiclass')
    throw new DataError(
      `${table.source}: target ${target} has ${classes?.length} classes; the playground trains a number or two classes`,
      'target',
    );
  const encoded = applyEncoding(encoding, table);
  const { x, y, inputNames, left } = encoded;
  if (!y) throw new DataError(`${table.source}: no target values`, 'target');
  const xs = Array.from({ length: x.rows }, (_, r) =>
    Array.from(x.data.subarray(r * x.cols, (r + 1) * x.cols)),
  );
  const ys = Array.from({ length: y.rows }, (_, r) => [y.data[r * y.cols]]);
  const inputs = inputNames.map((_, c) => standardize(xs, c));
  const ranges = inputs.map(({ range }) => padded(range, 0.05));
  const regression = task === 'regression';
  const targetMoments = regression ? standardize(ys, 0) : null;
  const yRange = targetMoments ? padded(targetMoments.range, 0.1) : ([-0.1, 1.1] as [number, number]);
  const scaling = {
    inputMean: inputs.map((m) => m.mean),
    inputStd: inputs.map((m) => m.std),
    ...(targetMoments ? { targetMean: [targetMoments.mean], targetStd: [targetMoments.std] } : {}),
  };
  const [x0, x1] = ranges[0];
  const [y0, y1] = xs[0].length === 2 ? ranges[1] : yRange;
  const data: Dataset = {
    name: 'csv',
    task: regression ? 'regression' : 'classification',
    x: xs,
    y: ys,
    bounds: [x0, x1, y0, y1],
  };
  const what = regression
    ? `${target} (standardized)`
    : `${target}: 1 = ${classes?.[1]}, 0 = ${classes?.[0]}`;
  const dropped =
    left.length > 0 ? `; ${left.length} row${left.length === 1 ? '' : 's'} with a missing cell left out` : '';
  const note = `${table.source}: ${xs.length} rows, target ${what}, inputs ${inputNames.join(', ')} (standardized)${dropped}. Not in the URL.`;
  return { data, inputNames, note, model: { source: table.source, encoding, scaling } };
}
