// CSV text → Table. RFC 4180 (quoted fields, doubled quotes, CRLF or LF), first row = header.
// Hand-written rather than a dependency so the core stays dependency-free in browsers, and so every
// cell keeps its line:column for messages such as "cars.csv:12:7: …".

import type { DecimalMark } from './cells.js';
import {
  CsvTokenizer,
  checkRecordLength,
  csvHeader,
  decimalComma,
  decimalCommaNote,
  emptyFile,
  noDataRows,
  sniffDelimiter,
  type CsvRecord,
} from './csv-tokens.js';
import type { Cell, Table } from './table.js';

export interface CsvOptions {
  /** field separator (default: ',' or, if the header has none, ';' or a tab when those appear) */
  delimiter?: string;
  /**
   * decimal mark of the numbers (default: ',' when the separator is ';' and a cell such as "3,25" has
   * a decimal comma — said in the table's notes —, '.' otherwise)
   */
  decimal?: DecimalMark;
}

/** Parses CSV text with a header row; numbers stay strings here (encoding decides what they are). */
export function parseCsv(text: string, source = 'data.csv', options: CsvOptions = {}): Table {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
  const delimiter = options.delimiter ?? sniffDelimiter(text.slice(0, 1 << 16));
  return withDecimal(csvTable(csvRecords(text, source, delimiter), source), delimiter, options.decimal);
}

/** The records of CSV text (the tokenizer of csv-tokens.ts, fed the whole text at once). */
function csvRecords(text: string, source: string, delimiter: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const tokenizer = new CsvTokenizer(source, delimiter, (r) => records.push(r));
  tokenizer.push(text);
  tokenizer.end();
  return records;
}

/** Header and rows: named, distinct columns, and every row as long as the header. */
function csvTable(records: CsvRecord[], source: string): Table {
  if (records.length === 0) throw emptyFile(source);
  const columns = csvHeader(records[0], source);
  if (records.length === 1) throw noDataRows(source);
  const data = records.slice(1);
  data.forEach((rec, r) => checkRecordLength(rec, columns, source, r));
  return {
    columns,
    rows: data.map((r) => r.cells),
    source,
    kind: 'csv',
    lines: data.map((r) => r.line),
    cellColumns: data.map((r) => r.cols),
  };
}

/**
 * The table's decimal mark: as given, or ',' for a ';'-separated file with a decimal-comma cell
 * (European spreadsheets' CSV), with a note saying so and how to read it otherwise.
 */
function withDecimal(table: Table, delimiter: string, decimal?: DecimalMark): Table {
  if (decimal !== undefined) return decimal === ',' ? { ...table, decimal } : table;
  if (delimiter !== ';') return table;
  for (let r = 0; r < table.rows.length; r++) {
    const j = table.rows[r].findIndex((c) => typeof c === 'string' && decimalComma.test(c.trim()));
    if (j < 0) continue;
    const where = `${table.source}:${table.lines?.[r]}:${table.cellColumns?.[r]?.[j]}`;
    return {
      ...table,
      decimal: ',',
      notes: [decimalCommaNote(table.source, table.rows[r][j], where)],
    };
  }
  return { ...table, dotInferred: true };
}

/**
 * How CSV output writes fields: the delimiter between them and the decimal mark of numbers (a ';'
 * file with decimal commas is written back as one: 3,25 where JavaScript prints 3.25).
 */
export interface CsvDialect {
  delimiter: string;
  decimal: DecimalMark;
}

const plainCsv: CsvDialect = { delimiter: ',', decimal: '.' };

/** Writes a table of cells as CSV text (quoting only where needed), header first. */
export function formatCsv(
  columns: readonly string[],
  rows: readonly (readonly Cell[])[],
  dialect: CsvDialect = plainCsv,
): string {
  return `${csvLine(columns, dialect)}\n${formatCsvRows(rows, dialect)}`;
}

/** Rows as CSV lines, each ended by a line break ('' for no rows): formatCsv's body, block by block. */
export function formatCsvRows(rows: readonly (readonly Cell[])[], dialect: CsvDialect = plainCsv): string {
  let text = '';
  for (const r of rows) text += `${csvLine(r, dialect)}\n`;
  return text;
}

function csvLine(cells: readonly Cell[], dialect: CsvDialect): string {
  return cells.map((c) => csvField(c, dialect)).join(dialect.delimiter);
}

function csvField(c: Cell, { delimiter, decimal }: CsvDialect): string {
  if (typeof c === 'number' && delimiter === ',' && decimal === '.') return String(c); // never needs quotes
  const s =
    c === null ? '' : typeof c === 'number' && decimal === ',' ? String(c).replace('.', ',') : String(c);
  const special = s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r');
  return special ? `"${s.replace(/"/g, '""')}"` : s;
}
