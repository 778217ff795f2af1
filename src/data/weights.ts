// A weight column (the CLI's --weight-column): one weight per kept row, read from a parsed table's
// cells. Not an input: inputColumns leaves it out. Every cell must be a finite number ≥ 0; a
// missing or bad cell stops with its file, line and column, as other data errors do.

import { DataError } from '../errors.js';
import { notNumberWhy, quote, readNumber } from './cells.js';
import { cellAt, cellLocation, columnIndex, isMissing, numberFormat, type DataTable } from './table.js';

/**
 * The input columns: those named, or every column but the targets; with a weight column, never it
 * (undefined: the encoding's own default, every column but the targets).
 */
export function inputColumns(
  table: DataTable,
  targets: readonly string[],
  features: readonly string[] | undefined,
  weight: string | undefined,
): string[] | undefined {
  if (weight === undefined) return features as string[] | undefined;
  columnIndex(table, weight, 'weight column');
  const role = targets.includes(weight)
    ? 'a target'
    : features?.includes(weight)
      ? 'an input (--features)'
      : '';
  if (role)
    throw new DataError(`${table.source}: weight column ${quote(weight)} cannot also be ${role}`, 'weight');
  return features ? [...features] : table.columns.filter((c) => !targets.includes(c) && c !== weight);
}

/** The weights of `rows` (row indices of the table: the rows the encoding kept), from column `name`. */
export function weightColumn(table: DataTable, name: string, rows: readonly number[]): Float64Array {
  const c = columnIndex(table, name, 'weight column');
  const format = numberFormat(table);
  const out = new Float64Array(rows.length);
  let positive = false;
  rows.forEach((r, i) => {
    const cell = cellAt(table, r, c);
    const where = `${cellLocation(table, r, c)}: weight column ${quote(name)}`;
    if (isMissing(cell)) throw new DataError(`${where} is missing; every row needs a weight`, 'weight', r, c);
    const read = readNumber(cell, format);
    if (read === null || 'reason' in read) {
      const why = read ? ` (${notNumberWhy(read.reason, format.decimal, cell)})` : '';
      throw new DataError(`${where} holds ${quote(cell)}, not a number${why}`, 'weight', r, c);
    }
    if (read.value < 0)
      throw new DataError(`${where} holds ${read.value}; weights must be ≥ 0`, 'weight', r, c);
    out[i] = read.value;
    if (read.value > 0) positive = true;
  });
  if (!positive && rows.length > 0)
    throw new DataError(`${table.source}: weight column ${quote(name)} is 0 in every row`, 'weight');
  return out;
}
