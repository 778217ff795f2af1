// CSV text → records, incrementally: RFC 4180 quoting (doubled quotes, line breaks inside quotes), CRLF
// or LF, blank lines skipped, each field's line:column kept. Text may arrive in chunks of any size: a
// record cut by a chunk's end is kept and parsed again with the next chunk. Shared by parseCsv (whole
// text) and the streaming reader (csv-stream.ts), so both give the same records and the same errors.

import { DataError } from '../errors.js';
import { quote } from './cells.js';
import type { Cell } from './table.js';

/** A record of the file: its fields, the line it starts on, and the column where each field starts. */
export interface CsvRecord {
  cells: string[];
  line: number;
  cols: number[];
}

/** Where a record-in-progress stopped: the end of the chunk before the record was complete. */
const INCOMPLETE = -1;

/** Incremental RFC 4180 tokenizer: push(text) any number of times, then end(). */
export class CsvTokenizer {
  #pending = '';
  #line = 1;
  /** records emitted so far (the header included), for the position fields of errors */
  records = 0;
  readonly #delimiter: number;
  readonly #source: string;
  readonly #onRecord: (record: CsvRecord) => void;

  constructor(source: string, delimiter: string, onRecord: (record: CsvRecord) => void) {
    this.#source = source;
    this.#onRecord = onRecord;
    this.#delimiter = delimiter.length === 1 ? delimiter.charCodeAt(0) : -1;
  }

  /** More text; complete records go to onRecord, an unfinished one waits for the next chunk. */
  push(chunk: string): void {
    this.#parse(this.#pending + chunk, false);
  }

  /** The end of the text: the last record (without a line break) too; errors for an open quote. */
  end(): void {
    this.#parse(this.#pending, true);
    this.#pending = '';
  }

  #parse(text: string, final: boolean): void {
    let i = 0;
    while (i < text.length) {
      const next = this.#record(text, i, final);
      if (next === INCOMPLETE) break;
      i = next;
    }
    this.#pending = i < text.length ? text.slice(i) : '';
  }

  /** Parses the record starting at `start`; returns where the next one starts, or INCOMPLETE. */
  #record(text: string, start: number, final: boolean): number {
    const cells: string[] = [];
    const cols: number[] = [];
    let line = this.#line;
    let lineStart = start;
    let i = start;
    for (;;) {
      const fieldCol = i - lineStart + 1;
      let field: string;
      let quoted = false;
      if (text.charCodeAt(i) === 34 /* " */) {
        const q = this.#quoted(text, i, line, lineStart, final);
        if (q === null) return INCOMPLETE;
        ({ field, line, lineStart } = q);
        i = q.end;
        quoted = true;
      } else {
        const from = i;
        for (let c = text.charCodeAt(i); i < text.length; c = text.charCodeAt(++i))
          if (c === this.#delimiter || c === 10 || c === 13) break;
        field = text.slice(from, i);
      }
      cells.push(field);
      cols.push(fieldCol);
      if (i >= text.length) {
        if (!final) return INCOMPLETE;
        if (field !== '' || cells.length > 1 || quoted) this.#emit(cells, line, cols);
        this.#line = line;
        return i;
      }
      const c = text.charCodeAt(i);
      if (c === this.#delimiter) {
        i++;
        continue;
      }
      if (c !== 10 && c !== 13) throw this.#afterQuote(text, i, line, lineStart, cells.length - 1);
      if (c === 13 && i + 1 >= text.length && !final) return INCOMPLETE;
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      if (!(cells.length === 1 && field === '' && !quoted)) this.#emit(cells, this.#line, cols);
      this.#line = line + 1;
      return i;
    }
  }

  /** A quoted field from its opening quote at `i`: its text and where it ends; null when cut by the chunk. */
  #quoted(text: string, i: number, line: number, lineStart: number, final: boolean) {
    const openLine = line;
    const openCol = i - lineStart + 1;
    let field = '';
    let from = i + 1;
    for (;;) {
      const close = text.indexOf('"', from);
      const end = close < 0 ? text.length : close;
      for (let nl = text.indexOf('\n', from); nl >= 0 && nl < end; nl = text.indexOf('\n', nl + 1)) {
        line++;
        lineStart = nl + 1;
      }
      if (close < 0 || (close + 1 >= text.length && !final)) {
        if (!final) return null;
        throw new DataError(
          `${this.#source}:${openLine}:${openCol}: this quoted field is never closed`,
          'data',
        );
      }
      field += text.slice(from, close);
      if (text.charCodeAt(close + 1) !== 34) return { field, line, lineStart, end: close + 1 };
      field += '"';
      from = close + 2;
    }
  }

  #afterQuote(text: string, i: number, line: number, lineStart: number, cell: number): DataError {
    return new DataError(
      `${this.#source}:${line}:${i - lineStart + 1}: unexpected ${JSON.stringify(text[i])} after a closing quote (quote a field whole, and double any quote inside it)`,
      'data',
      this.records,
      cell,
    );
  }

  #emit(cells: string[], line: number, cols: number[]): void {
    this.#onRecord({ cells, line, cols });
    this.records++;
  }
}

/** The header's column names (trimmed): named and distinct, in linear time; DataError otherwise. */
export function csvHeader(header: CsvRecord, source: string): string[] {
  const columns = header.cells.map((c) => c.trim());
  if (columns.length === 2 && /^sep=$/i.test(columns[0]) && columns[1] === '')
    throw new DataError(
      `${source}:${header.line}: the first line is a spreadsheet's "sep=" separator hint, not a header: delete that line`,
      'data',
    );
  const seen = new Map<string, number>(); // name → first column: linear in the header's width
  columns.forEach((name, j) => {
    if (name === '') throw unnamedColumn(header, j, source);
    const k = seen.get(name) ?? j;
    seen.set(name, k);
    if (k !== j)
      throw new DataError(
        `${source}:${header.line}:${header.cols[j]}: column name ${quote(name, 40)} appears twice (columns ${k + 1} and ${j + 1})`,
        'data',
      );
  });
  if (looksLikeData(columns))
    throw new DataError(
      `${source}:${header.line}: the first line (${quote(header.cells.join(','), 40)}) holds only numbers: it looks like a row of data, not a header; add a header line naming the columns`,
      'data',
    );
  return columns;
}

/** "column 3 of the header has no name", with the likely cause when the column is the first or last. */
function unnamedColumn(header: CsvRecord, j: number, source: string): DataError {
  const n = header.cells.length;
  const trailing = n > 1 && j > 0 && header.cells.slice(j).every((c) => c.trim() === '');
  const why =
    trailing && j < n - 1
      ? ` (columns ${j + 1} to ${n} have no names: empty columns a spreadsheet exported, delimiters at the end of each line? remove them)`
      : trailing
        ? ' (a delimiter at the end of each line? remove it, or name the column)'
        : j === 0 && n > 1
          ? ' (a row index, as pandas writes without index=False? name the column, or leave it out of the file)'
          : '';
  return new DataError(
    `${source}:${header.line}:${header.cols[j]}: column ${j + 1} of the header has no name${why}`,
    'data',
  );
}

/**
 * Header names that are all numbers, other than the numbered names 0, 1, 2, … or 1, 2, 3, … that
 * pandas writes for unnamed columns: a file without a header, whose first row would be lost.
 */
function looksLikeData(columns: readonly string[]): boolean {
  if (!columns.every((c) => /^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/.test(c))) return false;
  const numbered = (start: number) => columns.every((c, j) => c === String(j + start));
  return !numbered(0) && !numbered(1);
}

/**
 * DataError unless the data record `row` (0-based) has as many fields as the header (`header`: its
 * names, for a hint when the file has "#" comment lines, which CSV does not have and are not skipped).
 */
export function checkRecordLength(
  record: CsvRecord,
  header: readonly string[],
  source: string,
  row: number,
): void {
  const n = record.cells.length;
  const width = header.length;
  if (n === width) return;
  const where = n > width ? `:${record.cols[width]}` : '';
  const comment = commentHint(record, header, source);
  throw new DataError(
    `${source}:${record.line}${where}: this row has ${n} field${n === 1 ? '' : 's'} but the header has ${width}${comment}`,
    'data',
    row,
  );
}

/** A hint when the record or the header starts with "#", as comment lines do ('' otherwise). */
function commentHint(record: CsvRecord, header: readonly string[], source: string): string {
  const strip = `remove such lines first (e.g. grep -v '^#' ${source} > clean.csv)`;
  if ((record.cells[0] ?? '').trimStart().startsWith('#'))
    return `; the row starts with "#": comment lines are read as data, ${strip}`;
  if (header.length === 1 && (header[0] ?? '').trimStart().startsWith('#'))
    return `; the header (the first line) starts with "#": if it is a comment, ${strip}`;
  return '';
}

export const emptyFile = (source: string) =>
  new DataError(`${source}: the file is empty; it needs a header row and at least one data row`, 'data');
export const noDataRows = (source: string) =>
  new DataError(`${source}: the file has a header but no data rows`, 'data');

/**
 * The delimiter of a file from its header (quoted text ignored): the one it holds, in the order ",", tab,
 * ";", "|"; when it holds several, the one the next line of `text` repeats as often; "," when none.
 */
export function sniffDelimiter(text: string): string {
  const [first, next] = text.split(/\r?\n/, 3);
  const present = DELIMITERS.filter((d) => countOutside(first, d) > 0);
  if (present.length < 2 || next === undefined) return present[0] ?? ',';
  // several in the header ("Fläche, m2;Zimmer;Preis, EUR"): one the next line repeats as often, and of
  // those not "," (decimal commas in ";" data, 72,5;3;1200,50, repeat the header's commas too)
  const repeated = present.filter((d) => countOutside(next, d) === countOutside(first, d));
  return repeated.find((d) => d !== ',') ?? repeated[0] ?? present[0];
}

/** The delimiters sniffDelimiter knows, in order of preference. */
const DELIMITERS = [',', '\t', ';', '|'];

/** How often `d` occurs in `line` outside double quotes ("area, m2" holds no delimiter). */
function countOutside(line: string, d: string): number {
  return line.replace(/"[^"]*"/g, '').split(d).length - 1;
}

/**
 * A cell with a decimal comma ("3,25", or "1.234,5" / "1 234,5" with "." or a space between thousands:
 * French spreadsheets write a no-break space, U+00A0 or U+202F): in a ';'-separated file,
 * the sign of European decimals.
 */
export const decimalComma = /^[+-]?(\d*|\d{1,3}([. \u00a0\u202f]\d{3})+),\d+([eE][+-]?\d+)?$/;

/** The note said when a ';'-separated file is read with decimal commas, naming the first such cell. */
export function decimalCommaNote(source: string, cell: Cell, where: string): string {
  return `${source}: numbers read with decimal commas (fields are separated by ";" and cells such as ${quote(cell, 20)} at ${where} have a decimal comma); pass --decimal . to read them otherwise`;
}
