// The worker's side of a user's CSV file: read by the library's own parseCsv, encoded by its
// fitEncoding / applyEncoding (numbers, yes/no, dates, one-hot text; rows with a missing cell left
// out), so the page shows the library's own errors. The inputs are standardized (z-scores over the
// rows) and so is a numeric target, so that the page's plain full-batch training works on any units.
// No DOM here.

import {
  DataError,
  applyEncoding,
  columnStats,
  fitEncoding,
  parseCsv,
  standardize,
  type Encoding,
  type Matrix,
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

/** m standardized by the library (z-scores; std 1 for a constant column) as rows, and its statistics. */
function standardized(m: Matrix): { rows: number[][]; mean: number[]; std: number[] } {
  const { mean, std } = columnStats(m);
  const z = standardize(m, mean, std);
  const rows = Array.from({ length: z.rows }, (_, r) =>
    Array.from(z.data.subarray(r * z.cols, (r + 1) * z.cols)),
  );
  return { rows, mean, std };
}

/** Column c's [min, max] over rows[N][·]. */
function extent(rows: number[][], c: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    lo = Math.min(lo, r[c]);
    hi = Math.max(hi, r[c]);
  }
  return [lo, hi];
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
  const inputs = standardized(x);
  const xs = inputs.rows;
  const ranges = inputNames.map((_, c) => padded(extent(xs, c), 0.05));
  const regression = task === 'regression';
  // the target's one column: standardized for regression, the 0/1 labels as they are
  const targetZ = regression ? standardized(y) : null;
  const ys = targetZ ? targetZ.rows : Array.from({ length: y.rows }, (_, r) => [y.data[r * y.cols]]);
  const yRange = targetZ ? padded(extent(ys, 0), 0.1) : ([-0.1, 1.1] as [number, number]);
  const scaling = {
    inputMean: inputs.mean,
    inputStd: inputs.std,
    ...(targetZ ? { targetMean: targetZ.mean, targetStd: targetZ.std } : {}),
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
