// A table of raw cells as read from a CSV file or JSON records, before any encoding: column names,
// rows of cells (string | number | null), and where each row came from (file line) for error messages.

import { DataError } from '../errors.js';
import {
  clip,
  quote,
  shortList,
  type DecimalMark,
  type NumberFormat,
  type ThousandsSeparator,
} from './cells.js';

export type Cell = string | number | boolean | null;

/** What every table has besides its cells: names, source, how its numbers are written. */
interface TableInfo {
  /** column names, in file order */
  readonly columns: string[];
  /** 'data.csv', 'records.json', 'dataset spirals': used as the prefix of every message */
  readonly source: string;
  /** how row positions are named in messages */
  readonly kind: 'csv' | 'json' | 'generated';
  /** decimal mark of the numbers in the text ('.' unless a decimal-comma CSV was detected or asked for) */
  readonly decimal?: DecimalMark;
  /** thousands separator accepted in numbers, when asked for (--thousands) */
  readonly thousands?: ThousandsSeparator;
  /**
   * true: a ';'-separated file read with '.' decimals because no cell had a decimal comma, not because
   * --decimal . said so; there "1.234" may be 1234 written with a '.' between thousands (typing.ts)
   */
  readonly dotInferred?: boolean;
  /** things the reader decided that the user should hear about (decimal commas detected) */
  readonly notes?: string[];
}

/** A table of cells held as arrays of rows (parseCsv, JSON records, built-in datasets). */
export interface Table extends TableInfo {
  /** rows × columns cells; null or '' for an absent value */
  readonly rows: Cell[][];
  /** where each row starts in the source: 1-based line, for messages (undefined for generated data) */
  readonly lines?: number[];
  /** 1-based column (character) where each cell starts, per row, when known (CSV) */
  readonly cellColumns?: number[][];
}

/**
 * Cells held compactly (the streaming CSV reader's store, stream-store.ts): numbers as float64, text as
 * codes into each column's distinct values. Cells come back as the same Cell values a Table holds,
 * a number standing for a cell whose text is exactly how JavaScript prints that number.
 */
export interface CellStore {
  readonly rows: number;
  cell(row: number, column: number): Cell;
  /** 1-based line where the row starts */
  line(row: number): number;
  /** 1-based character column where the cell starts */
  column(row: number, column: number): number;
  /** true when every cell of the column is a number (no text, nothing missing) */
  numeric(column: number): boolean;
  /** true when some number of the column is written with a leading zero (02139, 007: typing.ts's codes) */
  leadingZeros(column: number): boolean;
}

/** A table whose cells sit in a CellStore (the CLI's CSV files). */
export interface StoredTable extends TableInfo {
  readonly store: CellStore;
}

/** Any table the encoders read: rows of cells, or a store. */
export type DataTable = Table | StoredTable;

/** The number of data rows. */
export function rowCount(table: DataTable): number {
  return 'rows' in table ? table.rows.length : table.store.rows;
}

/** The cell at (row, column). */
export function cellAt(table: DataTable, row: number, column: number): Cell {
  return 'rows' in table ? table.rows[row][column] : table.store.cell(row, column);
}

/** A row's cells, as an array. */
export function rowCells(table: DataTable, row: number): Cell[] {
  if ('rows' in table) return table.rows[row];
  return table.columns.map((_, j) => table.store.cell(row, j));
}

/** "data.csv:12:7" (CSV), "data.json: record 4 (line 9)" (JSON), "dataset xor: row 3" otherwise. */
export function cellLocation(table: DataTable, row: number, column?: number): string {
  if ('store' in table) {
    const col = column !== undefined ? `:${table.store.column(row, column)}` : '';
    return `${table.source}:${table.store.line(row)}${col}`;
  }
  const line = table.lines?.[row];
  if (table.kind === 'csv' && line !== undefined) {
    const col = column !== undefined ? table.cellColumns?.[row]?.[column] : undefined;
    return `${table.source}:${line}${col !== undefined ? `:${col}` : ''}`;
  }
  if (table.kind === 'json')
    return `${table.source}: record ${row + 1}${line !== undefined ? ` (line ${line})` : ''}`;
  return `${table.source}: row ${row + 1}`;
}

/** How the table's text writes numbers (decimal mark, thousands separator). */
export function numberFormat(table: DataTable): NumberFormat {
  return { decimal: table.decimal ?? '.', ...(table.thousands ? { thousands: table.thousands } : {}) };
}

/**
 * Values that count as missing: null, the empty string, pandas' default NA spellings (read_csv's
 * na_values default, pandas 2.x: "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
 * "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"), and ours
 * beyond them: ".", "?" and "-" (SAS, UCI and spreadsheet files). Matched after trimming, case as written.
 */
export const missingMarkers: readonly string[] = [
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
  '.',
  '?',
  '-',
];

/**
 * Whether a cell is missing: a marker above, or one of `extra` (--na-values), unless `extra` holds it
 * with a "!" before it (--not-na: "!NA" where NA is a value, e.g. no alley, or "!None", no damage).
 */
export function isMissing(cell: Cell | undefined, extra?: readonly string[]): boolean {
  if (cell === null || cell === undefined) return true;
  if (typeof cell === 'number') return Number.isNaN(cell);
  if (typeof cell === 'boolean') return false;
  const s = cell.trim();
  return extra?.includes(s) || (missingMarkers.includes(s) && !extra?.includes(`!${s}`)) || false;
}

/** Each header's name → first index, built once per columns array (so that looking up every column stays linear). */
const indexes = new WeakMap<readonly string[], Map<string, number>>();

function indexOf(columns: readonly string[], name: string): number {
  let index = indexes.get(columns);
  if (!index) {
    index = new Map();
    for (let j = columns.length - 1; j >= 0; j--) index.set(columns[j], j);
    indexes.set(columns, index);
  }
  return index.get(name) ?? -1;
}

/** The index of a column by name; DataError listing the known names otherwise. */
export function columnIndex(table: DataTable, name: string, role = 'column'): number {
  const i = indexOf(table.columns, name);
  if (i < 0) {
    const near = table.columns.find((c) => c.toLowerCase() === name.toLowerCase());
    throw new DataError(
      `${table.source}: no ${role} named ${quote(name)}${near ? ` (did you mean ${quote(near)}?)` : ''}; ` +
        `columns are: ${shortList(
          table.columns.map((c) => (c.includes(',') ? quote(c) : clip(c))),
          20,
        )}${headerlessHint(table)}${name.includes(',') || !table.columns.some((c) => c.includes(',')) ? '' : '; a name with a comma is given in double quotes: --target \'"Price, USD"\''}`,
      role,
    );
  }
  return i;
}

/** A number as a header name: 1.344, -2, 1e3 (the CSV reader refuses a header of numbers only). */
const numberName = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/;

/**
 * For a message about a column not found: when at least half of a CSV file's column names are numbers
 * (1.344, 3.474, red, 2.194), its first line is likely a data row and the file has no header; else ''.
 */
export function headerlessHint(table: DataTable): string {
  if (table.kind === 'csv' && table.columns.length === 1 && /\S\s+\S/.test(table.columns[0]))
    return ' — the header is one column: are its names separated by spaces? scratchnet reads fields separated by commas, tabs, semicolons or |';
  const numbers = table.columns.filter((c) => numberName.test(c.trim())).length;
  if (table.kind !== 'csv' || 2 * numbers < table.columns.length) return '';
  return ' — the first line looks like data, not column names: the file needs a header row naming its columns';
}

/** A table holding only the rows `keep` (indices into table.rows), positions preserved. */
export function selectRows<T extends DataTable>(table: T, keep: readonly number[]): T {
  if ('store' in table) return { ...table, store: new StoreRows(table.store, keep) };
  const t: Table = table;
  return {
    ...table,
    rows: keep.map((r) => t.rows[r]),
    lines: t.lines ? keep.map((r) => t.lines?.[r] ?? 0) : undefined,
    cellColumns: t.cellColumns ? keep.map((r) => t.cellColumns?.[r] ?? []) : undefined,
  };
}

/** Some rows of a CellStore, by index. */
class StoreRows implements CellStore {
  readonly #base: CellStore;
  readonly #keep: readonly number[];

  constructor(base: CellStore, keep: readonly number[]) {
    this.#base = base;
    this.#keep = keep;
  }
  get rows(): number {
    return this.#keep.length;
  }
  cell(row: number, column: number): Cell {
    return this.#base.cell(this.#keep[row], column);
  }
  line(row: number): number {
    return this.#base.line(this.#keep[row]);
  }
  column(row: number, column: number): number {
    return this.#base.column(this.#keep[row], column);
  }
  numeric(column: number): boolean {
    return this.#base.numeric(column);
  }
  leadingZeros(column: number): boolean {
    return this.#base.leadingZeros(column);
  }
}
