// What a column holds, decided from all its present cells by rules that never guess silently:
//   number   every cell is a number (see the grammar in cells.ts) — but an input column of integers
//            some of which are written with a leading zero (02139, 007: ZIP or product codes) is
//            text: codes, not quantities (unless asked, --numeric COL)
//   boolean  every cell is true or false
//   date     every cell is a calendar date (YYYY-MM-DD, YYYY-MM, YYYY/MM/DD, Jan 2 2021…: see cells.ts;
//            a column of year spans, 2009-10 and 2010-11, is text)
//   text     otherwise — unless at least half of the cells are numbers or look like numbers (1e999,
//            0x10, 1,500, 15%…): then the column is a numeric column with bad cells, and that is an
//            error naming them and the choices (fix the file, --na-values, --categorical COL); but
//            when its numbers are codes (02139 beside 02139-4307) it is text.
// The same for dates: a date column with an impossible date (2020-02-31) or a stray word is an error,
// and so is a column of dates or times that cannot be read unambiguously (03/04/2021, 12:30) — a
// column whose cells prove them day-first (13.04.2021 beside 03.04.2021) is read DD.MM.YYYY, one that
// proves them month-first (04/13/2021) MM/DD/YYYY, and --date-order settles the others.

import { DataError } from '../errors.js';
import {
  notNumberWhy,
  columnDateOrder,
  mixedDateOrders,
  otherDate,
  quote,
  readBoolean,
  readDate,
  readNumber,
  yearSpans,
  type DateOrder,
  type NumberFormat,
} from './cells.js';
import { cellAt, cellLocation, numberFormat, type Cell, type DataTable } from './table.js';

export type ColumnType = 'number' | 'boolean' | 'date' | 'text';

/** At least this share of a column's present cells number-like makes it a numeric column (documented). */
export const NUMERIC_SHARE = 0.5;

export interface TypingOptions {
  /** 'column' for inputs, 'target' for the target (its choices differ) */
  role: 'column' | 'target';
  /** what the user can do about a numeric column with bad cells, e.g. "pass --categorical x …" */
  choices: string;
  /** integers with leading zeros in an input column: 'text' (codes, the default) or 'number' (--numeric) */
  codes?: 'text' | 'number';
  /** the order of numeric dates in columns that do not prove one (--date-order) */
  dateOrder?: DateOrder;
}

interface Bad {
  r: number;
  why: string;
}

/** The type of column j over the present cells at `rows` (indices into table.rows). */
export function inferColumnType(
  table: DataTable,
  j: number,
  rows: readonly number[],
  opts: TypingOptions,
): ColumnType {
  const codes = opts.role === 'column' && opts.codes !== 'number';
  if ('store' in table && table.store.numeric(j) && !(codes && table.store.leadingZeros(j)))
    return dotsChecked(table, j, rows, opts); // all numbers
  const format = numberFormat(table);
  const cells = rows.map((r) => cellAt(table, r, j));
  const numbers = cells.map((c) => readNumber(c, format));
  if (numbers.every((n) => n !== null && 'value' in n)) {
    return codes && leadingZeroCode(cells, format) !== null ? 'text' : dotsChecked(table, j, rows, opts);
  }
  if (cells.every((c) => readBoolean(c) !== null)) return 'boolean';
  if (dateColumn(table, j, rows, cells, opts)) return 'date';
  const numberLike = numbers.filter((n) => n !== null).length;
  if (numberLike < NUMERIC_SHARE * cells.length) return 'text';
  // numbers that are codes (02139 beside 02139-4307: ZIP+4) make a text column, not bad numeric cells
  const numberCells = cells.filter((_, i) => numbers[i] !== null);
  if (codes && leadingZeroCode(numberCells, format) !== null) return 'text';
  const bad: Bad[] = [];
  numbers.forEach((n, i) => {
    if (n === null) bad.push({ r: rows[i], why: 'is not a number' });
    else if ('reason' in n) bad.push({ r: rows[i], why: notNumberWhy(n.reason, format.decimal, cells[i]) });
  });
  const some = numbers.some((n) => n !== null && 'value' in n);
  throw badCells(
    table,
    j,
    bad,
    opts,
    some ? 'the column is otherwise numeric' : 'its cells look like numbers',
  );
}

/**
 * Whether the cells are a column of dates: false when fewer than half are date-like; true when all are
 * real dates; otherwise an error naming the cells that are not (impossible, ambiguous, or not dates).
 */
function dateColumn(
  table: DataTable,
  j: number,
  rows: readonly number[],
  cells: readonly Cell[],
  opts: TypingOptions,
): boolean {
  if (yearSpans(cells)) return false; // 2009-10, 2010-11: seasons, not months
  const order = columnDateOrder(cells, opts.dateOrder); // 13.03.2021 in the column: DD.MM.YYYY
  const mixed = mixedDateOrders(cells);
  const dates = cells.map((c) => readDate(c, order));
  const others = cells.map((c) => otherDate(c, order, mixed));
  const dateLike = dates.filter((d, i) => d !== null || others[i] !== null).length;
  if (dateLike < NUMERIC_SHARE * cells.length) return false;
  const bad: Bad[] = [];
  dates.forEach((d, i) => {
    const other = others[i];
    if (other !== null) bad.push({ r: rows[i], why: other });
    else if (d === null) bad.push({ r: rows[i], why: 'is not a date' });
    else if ('impossible' in d) bad.push({ r: rows[i], why: 'is not a date in the calendar' });
  });
  if (bad.length === 0) return true;
  const read = dates.some((d) => d !== null && 'value' in d);
  throw badCells(
    table,
    j,
    bad,
    opts,
    read ? 'the column is otherwise dates' : 'the column holds dates or times',
  );
}

/** An integer written with a leading zero: 02139, 007, -01 (not 0, not 0.5). */
const leadingZero = /^[+-]?0\d+$/;

/**
 * The first cell written with a leading zero (02139) when every cell is an integer (a column of codes:
 * ZIP codes, product codes), else null. Numbers stored as numbers print without one (stream-store.ts).
 */
export function leadingZeroCode(cells: readonly Cell[], format: NumberFormat): string | null {
  let first: string | null = null;
  for (const c of cells) {
    const n = readNumber(c, format);
    if (n === null || !('value' in n) || !Number.isInteger(n.value)) return null;
    if (first === null && typeof c === 'string' && leadingZero.test(c.trim())) first = c.trim();
  }
  return first;
}

/** Three digits after every '.', no leading zero: 1.234 or 12.345.678, which may be thousands. */
const dottedThousands = /^[+-]?[1-9]\d{0,2}(\.\d{3})+$/;

/**
 * 'number', unless the file is ';'-separated with '.' decimals inferred (table.dotInferred) and every
 * cell of the column with a '.' has three digits after it (1.234, 12.500): then 1.234 may be 1234 as
 * ';'-files with decimal commas write thousands, and that is an error naming the choices.
 */
function dotsChecked(table: DataTable, j: number, rows: readonly number[], opts: TypingOptions): 'number' {
  if (!table.dotInferred || table.thousands !== undefined) return 'number';
  let first = -1;
  for (const r of rows) {
    const text = String(cellAt(table, r, j)).trim(); // a number prints as its text here (no trailing 0)
    if (!text.includes('.')) continue;
    if (!dottedThousands.test(text)) return 'number';
    if (first < 0) first = r;
  }
  if (first < 0) return 'number';
  const cell = String(cellAt(table, first, j)).trim();
  const name = quote(table.columns[j], 40);
  throw new DataError(
    `${cellLocation(table, first, j)}: ${quote(cell)} in column ${name} may be ${cell} or ${cell.replace(/\./g, '')}: this ";"-separated file has no decimal commas, and every "." in the column has three digits after it, as between thousands (pass --decimal . to read ${cell}, --thousands . --decimal , to read ${cell.replace(/\./g, '')})`,
    'data',
    first,
    j,
  );
}

/**
 * One line: the first bad cell with its place and why, then up to four more places, the count, and
 * the choices. "f.csv:6:1: "five" in column "x" is not a number (also f.csv:9:1 "nine"; the column …)"
 */
function badCells(table: DataTable, j: number, bad: Bad[], opts: TypingOptions, context: string): DataError {
  const [first, ...rest] = bad;
  const cell = cellAt(table, first.r, j);
  const name = quote(table.columns[j], 40);
  const head =
    opts.role === 'target'
      ? `target ${name} is ${quote(cell)}, ${first.why.replace(/^is /, '')}`
      : `${quote(cell)} in column ${name} ${first.why}`;
  const more = rest
    .slice(0, 4)
    .map((b) => `${cellLocation(table, b.r, j)} ${quote(cellAt(table, b.r, j), 20)}`);
  const also = rest.length
    ? `; also ${more.join(', ')}${rest.length > more.length ? ` and ${rest.length - more.length} more` : ''}`
    : '';
  return new DataError(
    `${cellLocation(table, first.r, j)}: ${head} (${context}${also}; ${opts.choices})`,
    'data',
    first.r,
    j,
  );
}
