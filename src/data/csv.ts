// CSV text → Table. RFC 4180 (quoted fields, doubled quotes, CRLF or LF), first row = header.
// Hand-written rather than a dependency so the core stays dependency-free in browsers, and so every
// cell keeps its line:column for messages such as "cars.csv:12:7: …".

import { DataError } from '../errors.js';
import { quote, type DecimalMark } from './cells.js';
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

const decimalComma = /^[+-]?\d*,\d+([eE][+-]?\d+)?$/;

/** Parses CSV text with a header row; numbers stay strings here (encoding decides what they are). */
export function parseCsv(text: string, source = 'data.csv', options: CsvOptions = {}): Table {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter =
    options.delimiter ??
    (firstLine.includes(',') ? ',' : firstLine.includes('\t') ? '\t' : firstLine.includes(';') ? ';' : ',');
  return withDecimal(csvTable(csvRecords(text, source, delimiter), source), delimiter, options.decimal);
}

/** A record of the file: its fields, the line it starts on, and the column where each field starts. */
interface CsvRecord {
  cells: string[];
  line: number;
  cols: number[];
}

/** The records of CSV text (RFC 4180 quoting), blank lines skipped; DataError for bad quoting. */
function csvRecords(text: string, source: string, delimiter: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cols: number[] = [];
  let field = '';
  let line = 1;
  let col = 1;
  let recordLine = 1;
  let fieldCol = 1;
  let quoted = false;
  let quoteLine = 0;
  let quoteCol = 0;
  let afterQuote = false;
  const endField = () => {
    cells.push(field);
    cols.push(fieldCol);
    field = '';
    afterQuote = false;
  };
  const endRecord = () => {
    endField();
    if (!(cells.length === 1 && cells[0] === '' && !afterQuote))
      records.push({ cells, line: recordLine, cols });
    cells = [];
    cols = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
          col += 2;
          continue;
        }
        quoted = false;
        afterQuote = true;
      } else {
        field += ch;
        if (ch === '\n') {
          line++;
          col = 0;
        }
      }
      col++;
      continue;
    }
    if (ch === '"' && field === '' && !afterQuote) {
      quoted = true;
      quoteLine = line;
      quoteCol = col;
      col++;
      continue;
    }
    if (ch === delimiter) {
      endField();
      col++;
      fieldCol = col;
      continue;
    }
    if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      col = 1;
      fieldCol = 1;
      recordLine = line;
      continue;
    }
    if (afterQuote) {
      throw new DataError(
        `${source}:${line}:${col}: unexpected ${JSON.stringify(ch)} after a closing quote (quote a field whole, and double any quote inside it)`,
        'data',
        records.length,
        cells.length,
      );
    }
    field += ch;
    col++;
  }
  if (quoted)
    throw new DataError(`${source}:${quoteLine}:${quoteCol}: this quoted field is never closed`, 'data');
  if (field !== '' || cells.length > 0 || afterQuote) endRecord();
  return records;
}

/** Header and rows: named, distinct columns, and every row as long as the header. */
function csvTable(records: CsvRecord[], source: string): Table {
  if (records.length === 0)
    throw new DataError(
      `${source}: the file is empty; it needs a header row and at least one data row`,
      'data',
    );
  const header = records[0];
  const columns = header.cells.map((c) => c.trim());
  const seen = new Map<string, number>(); // name → first column: linear in the header's width
  columns.forEach((name, j) => {
    if (name === '')
      throw new DataError(
        `${source}:${header.line}:${header.cols[j]}: column ${j + 1} of the header has no name`,
        'data',
      );
    const k = seen.get(name) ?? j;
    seen.set(name, k);
    if (k !== j)
      throw new DataError(
        `${source}:${header.line}:${header.cols[j]}: column name ${quote(name, 40)} appears twice (columns ${k + 1} and ${j + 1})`,
        'data',
      );
  });
  if (records.length === 1) throw new DataError(`${source}: the file has a header but no data rows`, 'data');
  const rows: Cell[][] = [];
  for (const rec of records.slice(1)) {
    if (rec.cells.length !== columns.length) {
      const where = rec.cells.length > columns.length ? `:${rec.cols[columns.length]}` : '';
      throw new DataError(
        `${source}:${rec.line}${where}: this row has ${rec.cells.length} field${rec.cells.length === 1 ? '' : 's'} but the header has ${columns.length}`,
        'data',
        rows.length,
      );
    }
    rows.push(rec.cells);
  }
  return {
    columns,
    rows,
    source,
    kind: 'csv',
    lines: records.slice(1).map((r) => r.line),
    cellColumns: records.slice(1).map((r) => r.cols),
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
      notes: [
        `${table.source}: numbers read with decimal commas (fields are separated by ";" and cells such as ${quote(table.rows[r][j], 20)} at ${where} have a decimal comma); pass --decimal . to read them otherwise`,
      ],
    };
  }
  return table;
}

/** Writes a table of cells as CSV text (quoting only where needed), header first. */
export function formatCsv(columns: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const quote = (c: Cell) => {
    const s = c === null ? '' : typeof c === 'number' ? String(c) : String(c);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.map(quote).join(','), ...rows.map((r) => r.map(quote).join(','))].join('\n') + '\n';
}
