// Missing cells: which rows can be used, which are left out and why, and the error listing them
// when the policy says stop. No row is ever dropped without being counted here.

import { DataError } from '../errors.js';
import { clip, quote, shortList } from './cells.js';
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
  /**
   * true: rows that would stop (an 'error' policy) are counted in `stops` instead of thrown, so that a
   * file read in blocks can report them all at its end (missingError); they are neither kept nor left out.
   */
  collectStops?: boolean;
  /** true (training): the error names columns missing in most rows, to be left out rather than the rows */
  sparseAdvice?: boolean;
}

/** Rows with a missing cell under an 'error' policy: how many, and where the first few are. */
export interface MissingStops {
  rows: number;
  /** "f.csv:3:1 (x)" per row, for the first MISSING_PLACES rows */
  first: string[];
  /** per column ('column "x"', 'target "y"'): how many of the rows stop on it (scanMissing fills it) */
  columns?: Map<string, number>;
  /** the spellings other than empty read as missing there ("None", "NA"): maybe values (--not-na) */
  words?: Set<string>;
}

/** How many rows with missing cells an error or a note locates (the rest are counted). */
export const MISSING_PLACES = 6;

/**
 * The error for rows with missing cells: their count, the first few places, and the hint — after
 * the columns missing in most of the `total` rows, when known: a column empty in 297 of 300 rows is
 * better left out than its rows (--drop-missing would keep 3).
 */
export function missingError(source: string, stops: MissingStops, hint: string, total?: number): DataError {
  const { rows, first } = stops;
  const more = rows > first.length ? `; and ${(rows - first.length).toLocaleString('en-US')} more` : '';
  const sparse = [...(stops.columns ?? [])].filter(([, n]) => total !== undefined && 2 * n > total);
  const inputs = sparse.filter(([c]) => c.startsWith('column '));
  const said = sparse.map(
    ([c, n]) => `${c} is missing in ${n.toLocaleString('en-US')} of ${total?.toLocaleString('en-US')} rows`,
  );
  const advice = inputs.length
    ? ` (leave ${inputs.length === 1 ? 'that column' : 'those columns'} out of the inputs with --features, rather than the rows)`
    : '';
  const words = [...(stops.words ?? [])].map((w) => JSON.stringify(w)).join(',');
  const asValues = words ? `. Read as missing: ${words}; --not-na ${words} reads such cells as values` : '';
  return new DataError(
    `${source}: ${rows.toLocaleString('en-US')} row${rows === 1 ? ' has' : 's have'} missing values: ${first.join('; ')}${more}. ${said.length ? `${said.join('; ')}${advice}. ` : ''}${hint}${asValues}`,
    'data',
  );
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
): { kept: number[]; left: LeftOut[]; stops: MissingStops } {
  const kept: number[] = [];
  const left: LeftOut[] = [];
  const stops: MissingStops = { rows: 0, first: [], columns: new Map(), words: new Set() };
  const miss = (r: number, j: number) => isMissing(cellAt(table, r, j), scan.naValues);
  const tally = (j: number) => {
    const key = `${tIdx.includes(j) ? 'target' : 'column'} ${quote(table.columns[j], 40)}`;
    stops.columns?.set(key, (stops.columns.get(key) ?? 0) + 1);
  };
  const n = rowCount(table);
  if ('store' in table && [...fIdx, ...tIdx].every((j) => table.store.numeric(j)))
    return { kept: Array.from({ length: n }, (_, r) => r), left, stops }; // numbers only: nothing is missing
  for (let r = 0; r < n; r++) {
    const mf = fIdx.filter((j, k) => miss(r, j) && !(scan.inputs === 'fill' && scan.fillable?.[k]));
    const mt = tIdx.filter((j) => miss(r, j));
    if (mf.length === 0 && mt.length === 0) {
      kept.push(r);
      continue;
    }
    const stop = [...(scan.inputs === 'error' ? mf : []), ...(scan.target === 'error' ? mt : [])];
    if (stop.length > 0) {
      stops.rows++;
      stop.forEach(tally);
      for (const j of stop) {
        // spellings of the library's, not the user's --na-values (those are meant); training only (a
        // model's saved spellings are what predict and the --model forms read)
        const c = cellAt(table, r, j);
        const w = typeof c === 'string' ? c.trim() : '';
        if (w && scan.sparseAdvice && !scan.naValues?.includes(w) && stops.words && stops.words.size < 3)
          stops.words.add(w);
      }
      if (stops.first.length < MISSING_PLACES) stops.first.push(missingCells(table, r, stop));
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
  if (stops.rows > 0 && !scan.collectStops)
    throw missingError(table.source, stops, scan.hint, scan.sparseAdvice ? n : undefined);
  if (kept.length === 0 && !scan.allowEmpty)
    throw new DataError(
      `${table.source}: every row has a missing value in the columns used; nothing is left to learn from`,
      'data',
    );
  return { kept, left, stops };
}

/** "f.csv:3:3 (b)" per cell for CSV; "f.json: record 3 (line 4) (b, y)" for records. */
function missingCells(table: DataTable, r: number, js: readonly number[]): string {
  return table.kind === 'csv'
    ? js.map((j) => `${cellLocation(table, r, j)} (${clip(table.columns[j])})`).join(', ')
    : `${cellLocation(table, r)} (${js.map((j) => clip(table.columns[j])).join(', ')})`;
}

/**
 * Rows left out, summarized in bounded memory whatever the file's length (predict and evaluate stream
 * millions of rows): how many, how many per column, and where the first MISSING_PLACES are.
 */
export class LeftOutTally {
  rows = 0;
  readonly #counts = new Map<string, number>();
  /** "f.csv:9" for the first few rows added with a place */
  readonly first: string[] = [];

  /** Counts a row; `place` ("f.csv:9") is asked for the first few rows only. */
  add(l: LeftOut, place?: () => string): void {
    this.rows++;
    for (const key of [...l.inputs.map((c) => clip(c)), ...l.targets.map((c) => `target ${clip(c)}`)])
      this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    if (place !== undefined && this.first.length < MISSING_PLACES) this.first.push(place());
  }

  /** "left out 3 of 30 rows with missing values: b (2 rows), target y (1 row); first at f.csv:4, …" */
  describe(total: number, what = 'left out'): string | null {
    if (this.rows === 0) return null;
    const parts = [...this.#counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `${c} (${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'})`);
    const at = this.first.length
      ? `; ${this.rows > this.first.length ? 'first at' : 'at'} ${this.first.join(', ')}`
      : '';
    return `${what} ${this.rows.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows with missing values: ${shortList(parts, 8)}${at}`;
  }
}

/**
 * "left out 3 of 30 rows with missing values: b (2 rows), target y (1 row)" — null when none was.
 * Counts are per column; a row missing two cells counts in both.
 */
export function describeLeftOut(left: readonly LeftOut[], total: number, what = 'left out'): string | null {
  const tally = new LeftOutTally();
  for (const l of left) tally.add(l);
  return tally.describe(total, what);
}
