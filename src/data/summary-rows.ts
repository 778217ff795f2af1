// Summary rows at the end of a spreadsheet export: "Total", "Sum", "Average"… in the row's first text
// cell, or no label at all, and numbers that are the sums (or means) of the rows above. Read as data,
// such a row is an outlier 60 times the others in every column (and its target the sum of the
// targets): it is recognized and left out, and the table's notes say so with its line.
//
// A trailing row is a summary row when
//   - its first text cell (trimmed, any case) is a summary word, optionally with "grand" / "sub" and a
//     trailing ":" — and at least half of its numbers (one at least) are the sums or means of their
//     columns above; or
//   - it has no text cell, every number it has is the sum of its column above, and at least two of
//     those columns are not constant (a data row near the means is no evidence: sums only).
// "Equals" allows the rounding of the cell as written (half a unit of its last decimal) and 1e-9
// relative. Up to three trailing rows are checked, last first (Total, then Average above it).

import { quote, readNumber } from './cells.js';
import {
  cellAt,
  cellLocation,
  isMissing,
  numberFormat,
  rowCount,
  selectRows,
  type Cell,
  type DataTable,
} from './table.js';

/** Words that label a summary row (English, German, French, Spanish, Italian, Dutch spreadsheets). */
const summaryWord =
  /^(grand\s+|sub-?\s*)?(totals?|sum|sums|subtotal|average|avg|mean|summe|gesamt|insgesamt|gesamtsumme|durchschnitt|somme|moyenne|suma|promedio|media|totale|totaal|gemiddelde)\s*:?$/i;

/** The most trailing rows checked. */
export const MAX_SUMMARY_ROWS = 3;
/** Rows a table keeps at least: a summary of fewer rows is not told apart from data. */
const MIN_DATA_ROWS = 3;

/** A trailing row found to be a summary: where, and why in words. */
export interface SummaryRow {
  row: number;
  why: string;
}

/**
 * The trailing summary rows of a table, first to last (none: []): the most trailing rows (up to
 * MAX_SUMMARY_ROWS) that each summarize the rows above all of them (a Total row and an Average row
 * under it both summarize the data, not each other).
 */
export function summaryRows(table: DataTable): SummaryRow[] {
  const rows = rowCount(table);
  for (let k = Math.min(MAX_SUMMARY_ROWS, rows - MIN_DATA_ROWS); k >= 1; k--) {
    const found: SummaryRow[] = [];
    for (let r = rows - k; r < rows; r++) {
      const s = summaryRow(table, r, rows - k);
      if (!s) break;
      found.push(s);
    }
    if (found.length === k) return found;
  }
  return [];
}

/** The table without its trailing summary rows, and a note for each left out (or the table as it was). */
export function withoutSummaryRows<T extends DataTable>(table: T): T {
  const found = summaryRows(table);
  if (found.length === 0) return table;
  const kept = rowCount(table) - found.length;
  const notes = found.map(
    (s) =>
      `${cellLocation(table, s.row)}: left out a summary row, not data: ${s.why} (delete the row from the file if this is wrong)`,
  );
  return {
    ...selectRows(
      table,
      Array.from({ length: kept }, (_, r) => r),
    ),
    notes: [...(table.notes ?? []), ...notes],
  };
}

/** Whether the first text cell of row `r` is a summary word ("Total", "Sum:", "Average"…): a cheap first look. */
export function summaryLabel(table: DataTable, r: number): boolean {
  const format = numberFormat(table);
  for (let j = 0; j < table.columns.length; j++) {
    const cell = cellAt(table, r, j);
    if (isMissing(cell)) continue;
    const n = readNumber(cell, format);
    if (n === null || !('value' in n)) return summaryWord.test(String(cell).trim());
  }
  return false;
}

/** Whether row `r` summarizes the data rows 0 … end − 1, and why. */
function summaryRow(table: DataTable, r: number, end: number): SummaryRow | null {
  const format = numberFormat(table);
  const cols = table.columns.length;
  let label: { j: number; text: string } | null = null;
  const numbers: { j: number; cell: Cell; value: number }[] = [];
  for (let j = 0; j < cols; j++) {
    const cell = cellAt(table, r, j);
    if (isMissing(cell)) continue;
    const n = readNumber(cell, format);
    if (n !== null && 'value' in n) numbers.push({ j, cell, value: n.value });
    else if (label === null) label = { j, text: String(cell).trim() };
  }
  if (numbers.length === 0) return null;
  if (label !== null) {
    if (!summaryWord.test(label.text)) return null;
    const hits = numbers.flatMap((n) => {
      const a = aggregateOf(table, end, n.j, n.value, n.cell);
      return a.kind ? [{ ...n, kind: a.kind }] : [];
    });
    if (hits.length === 0 || 2 * hits.length < numbers.length) return null; // most of its numbers
    const where = `${quote(label.text)} in column ${quote(table.columns[label.j], 40)}`;
    return { row: r, why: `${where}, and ${described(table, hits)}` };
  }
  // no label: sums only (a data row near the means is no evidence), checked column by column until one fails
  const hits: { j: number; cell: Cell; kind: 'sum' | 'mean' }[] = [];
  let telling = 0;
  for (const n of numbers) {
    const a = aggregateOf(table, end, n.j, n.value, n.cell);
    if (a.kind !== 'sum') return null;
    hits.push({ ...n, kind: 'sum' });
    if (!a.constant) telling++;
  }
  return telling >= 2 ? { row: r, why: `no label, and ${described(table, hits)}` } : null;
}

/** "column a holds the sum of the rows above (281.61), column b their mean (2.48)" (at most three named). */
function described(table: DataTable, hits: { j: number; cell: Cell; kind: 'sum' | 'mean' }[]): string {
  const parts = hits
    .slice(0, 3)
    .map(
      (h) =>
        `${quote(table.columns[h.j], 40)} ${h.kind === 'sum' ? 'the sum' : 'the mean'} (${String(h.cell).trim()})`,
    );
  const more = hits.length > 3 ? ` and ${hits.length - 3} more` : '';
  return `it holds the ${hits.length === 1 ? 'aggregate' : 'aggregates'} of the rows above: ${parts.join(', ')}${more}`;
}

/** Whether `value` (a cell of column j) is the sum or the mean of the column's numbers in rows 0 … end − 1. */
function aggregateOf(
  table: DataTable,
  end: number,
  j: number,
  value: number,
  cell: Cell,
): { kind: 'sum' | 'mean' | null; constant: boolean } {
  const format = numberFormat(table);
  let sum = 0;
  let count = 0;
  let first: number | null = null;
  let constant = true;
  for (let i = 0; i < end; i++) {
    const n = readNumber(cellAt(table, i, j), format);
    if (n === null || !('value' in n)) continue;
    sum += n.value;
    count++;
    if (first === null) first = n.value;
    else if (n.value !== first) constant = false;
  }
  if (count < MIN_DATA_ROWS) return { kind: null, constant };
  const tolerance = (expected: number) => roundingOf(cell) + 1e-9 * Math.max(1, Math.abs(expected));
  const kind =
    Math.abs(value - sum) <= tolerance(sum)
      ? 'sum'
      : Math.abs(value - sum / count) <= tolerance(sum / count)
        ? 'mean'
        : null;
  return { kind, constant };
}

/** Half a unit of the last decimal a cell is written with (0.005 for "12.34", 0.5 for "12"). */
function roundingOf(cell: Cell): number {
  const m = /[.,](\d+)(?:[eE]|$)/.exec(String(cell).trim());
  const decimals = m ? m[1].length : 0;
  return 0.5 * 10 ** -decimals;
}
