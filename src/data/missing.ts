// Missing cells: which rows can be used, which are left out and why, and the error listing them
// when the policy says stop. No row is ever dropped without being counted here.

import { DataError } from '../errors.js';
import { clip, shortList } from './cells.js';
import { cellAt, cellLocation, isMissing, rowCount, type DataTable } from './table.js';

/** A row that was left out: its index in the table and the columns whose cells are missing. */
export interface LeftOut {
  row: number;
  /** input columns with a missing cell */
  inputs: string[];
  /** target columns with a missing cell */
  targets: string[];
  /** "missing x, z" or "missing target y" */
  reason: string;
}

export interface MissingScan {
  /** inputs: stop, leave the row out, or fill (the `fillable` features only) */
  inputs: 'error' | 'drop' | 'fill';
  /** per feature: whether a missing cell can be filled (policy 'fill') */
  fillable?: readonly boolean[];
  /** rows with a missing target: stop or leave out */
  target: 'error' | 'drop';
  /** extra spellings of "missing" (--na-values) */
  naValues?: readonly string[];
  /** appended to the error, e.g. "Pass --drop-missing to leave those rows out" */
  hint: string;
  /** true: a table where every row is left out is not an error (predict keeps them all) */
  allowEmpty?: boolean;
}

/**
 * Rows to use given missing cells in the feature columns `fIdx` and target columns `tIdx`: a DataError
 * listing up to six rows (file:line:column) when a missing cell meets an 'error' policy.
 */
export function scanMissing(
  table: DataTable,
  fIdx: readonly number[],
  tIdx: readonly number[],
  scan: MissingScan,
): { kept: number[]; left: LeftOut[] } {
  const kept: number[] = [];
  const left: LeftOut[] = [];
  const bad: string[] = [];
  let badRows = 0;
  const miss = (r: number, j: number) => isMissing(cellAt(table, r, j), scan.naValues);
  const n = rowCount(table);
  if ('store' in table && [...fIdx, ...tIdx].every((j) => table.store.numeric(j)))
    return { kept: Array.from({ length: n }, (_, r) => r), left }; // numbers only: nothing is missing
  for (let r = 0; r < n; r++) {
    const mf = fIdx.filter((j, k) => miss(r, j) && !(scan.inputs === 'fill' && scan.fillable?.[k]));
    const mt = tIdx.filter((j) => miss(r, j));
    if (mf.length === 0 && mt.length === 0) {
      kept.push(r);
      continue;
    }
    const stops = [...(scan.inputs === 'error' ? mf : []), ...(scan.target === 'error' ? mt : [])];
    if (stops.length > 0) {
      badRows++;
      if (bad.length < 6) bad.push(missingCells(table, r, stops));
      continue;
    }
    const inputs = mf.map((j) => table.columns[j]);
    const targets = mt.map((j) => table.columns[j]);
    const reason = [
      inputs.length ? `missing ${inputs.map((c) => clip(c)).join(', ')}` : '',
      targets.length ? `missing target ${targets.map((c) => clip(c)).join(', ')}` : '',
    ];
    left.push({ row: r, inputs, targets, reason: reason.filter(Boolean).join('; ') });
  }
  if (badRows > 0) {
    throw new DataError(
      `${table.source}: ${badRows} row${badRows === 1 ? ' has' : 's have'} missing values: ${bad.join('; ')}${badRows > bad.length ? `; and ${badRows - bad.length} more` : ''}. ${scan.hint}`,
      'data',
    );
  }
  if (kept.length === 0 && !scan.allowEmpty)
    throw new DataError(
      `${table.source}: every row has a missing value in the columns used; nothing is left to learn from`,
      'data',
    );
  return { kept, left };
}

/** "f.csv:3:3 (b)" per cell for CSV; "f.json: record 3 (line 4) (b, y)" for records. */
function missingCells(table: DataTable, r: number, js: readonly number[]): string {
  return table.kind === 'csv'
    ? js.map((j) => `${cellLocation(table, r, j)} (${clip(table.columns[j])})`).join(', ')
    : `${cellLocation(table, r)} (${js.map((j) => clip(table.columns[j])).join(', ')})`;
}

/**
 * "left out 3 of 30 rows: missing values in b (2 rows), target y (1 row)" — null when none was.
 * Counts are per column; a row missing two cells counts in both.
 */
export function describeLeftOut(left: readonly LeftOut[], total: number, what = 'left out'): string | null {
  if (left.length === 0) return null;
  const counts = new Map<string, number>();
  for (const l of left)
    for (const key of [...l.inputs.map((c) => clip(c)), ...l.targets.map((c) => `target ${clip(c)}`)])
      counts.set(key, (counts.get(key) ?? 0) + 1);
  const parts = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} (${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'})`);
  return `${what} ${left.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows with missing values: ${shortList(parts, 8)}`;
}
