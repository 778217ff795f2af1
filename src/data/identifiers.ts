// Columns that identify rows rather than describe them, left out of the inputs unless asked: a name or
// a code that differs in (nearly) every row, one-hot encoded, only lets a network memorize rows; a row
// number only says where a row sits in the file. The rule (documented in README's data section):
//   text    more than 20 distinct values, and more distinct values than half the rows (cars' Name: 305 in 392)
//   number  named like an id (a word of its name is id, index, idx, row, key, no, nr, num, number, seq,
//           serial or unnamed: "id", "RowNumber", "customer_id", "Unnamed: 0"), and at least 20 rows of
//           integers equal to the row's position plus a constant (1..n, 0..n−1, 1001…) — or, when a
//           word of the name is id, key, serial or uuid ("CustomerId"), a different integer in every
//           row. The name is asked for too because a grid x = 0, 1, 2, … is a real input.
// Only columns chosen by default are judged (fitEncoding's `identifiers: 'keep'` keeps them, as the CLI
// does for --features and --keep-ids), and never all of them: a file whose only input is x = 1..n keeps it.

import { clip, shortList } from './cells.js';
import type { ColumnEncoding } from './encoding.js';

/** An input column left out of the model, and why (saved in the model file; predict does not need it). */
export interface IgnoredColumn {
  column: string;
  reason: string;
  /** true: left out for holding one value in every row (constantReason), not as an identifier */
  constant?: boolean;
}

export const identifierRule = {
  /** a text column with more distinct values than this (and than half its rows) is a name or an id */
  minDistinct: 20,
  /** a row number needs at least this many rows */
  minRows: 20,
} as const;

/** Why column `f` (values `values`, one per present row, at row positions `rows`) is an identifier; null if not. */
export function identifierReason(
  f: ColumnEncoding,
  rows: readonly number[],
  values: (i: number) => number,
): string | null {
  if (f.type === 'category') {
    const k = f.categories.length;
    return k > identifierRule.minDistinct && k > rows.length / 2
      ? `${k.toLocaleString('en-US')} distinct text values in ${rows.length.toLocaleString('en-US')} rows`
      : null;
  }
  if (f.type !== 'number' || rows.length < identifierRule.minRows || !idLikeName(f.name)) return null;
  const offset = values(0) - rows[0];
  let counting = true;
  for (let i = 0; i < rows.length && counting; i++) {
    const v = values(i);
    if (!Number.isInteger(v)) return null;
    counting = v - rows[i] === offset;
  }
  if (counting)
    return `integers counting up by 1 from each row to the next: ${values(0)}, ${values(1)}, ${values(2)}, …`;
  if (!strongIdName(f.name)) return null;
  const seen = new Set<number>();
  for (let i = 0; i < rows.length; i++) {
    if (seen.has(values(i))) return null;
    seen.add(values(i));
  }
  return `a different integer in every row, under a name that says id: ${values(0)}, ${values(1)}, …`;
}

/**
 * Why column `f` (a number, boolean or date column; values as identifierReason's) holds nothing to
 * learn from: the same value in each of at least minRows rows. Its weights would never be trained
 * (its standardized input is 0 in every row), so another value at predict time would move the
 * predictions by an untrained amount: left out, predict neither needs nor reads it. Null if not.
 */
export function constantReason(
  f: ColumnEncoding,
  rows: readonly number[],
  values: (i: number) => number,
): string | null {
  if (f.type === 'category' || rows.length < identifierRule.minRows) return null;
  const first = values(0);
  for (let i = 1; i < rows.length; i++) if (!Object.is(values(i), first)) return null;
  return `the same value in all ${rows.length.toLocaleString('en-US')} rows: ${Number(first.toPrecision(8))}`;
}

/** Name words that say a column identifies rows whatever its values ("CustomerId", "order_key"); "no", "num"… may count things. */
const strongIdWords = new Set(['id', 'key', 'serial', 'uuid']);

function strongIdName(name: string): boolean {
  return nameWords(name).some((w) => strongIdWords.has(w));
}

function nameWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/);
}

const idWords = new Set([
  'id',
  'index',
  'idx',
  'row',
  'key',
  'no',
  'nr',
  'num',
  'number',
  'seq',
  'serial',
  'unnamed',
]);

/** A column name with an id-like word: "id", "RowNumber", "customer_id", "Unnamed: 0", "#". */
export function idLikeName(name: string): boolean {
  if (name.trim() === '#') return true;
  return nameWords(name).some((w) => idWords.has(w));
}

/** "column "Name" left out of the inputs: 305 distinct text values … (--keep-ids or --features keeps it)" */
export function describeIgnored(source: string, all: readonly IgnoredColumn[]): string[] {
  const constant = all.filter((c) => c.constant);
  const ignored = all.filter((c) => !c.constant);
  const notes: string[] = [];
  if (constant.length) {
    const one = constant.length === 1;
    const columns = shortList(
      constant.map((c) => `${JSON.stringify(clip(c.column))} (${c.reason})`),
      5,
    );
    notes.push(
      `${source}: left out of the inputs, as constant (nothing to learn from, and another value when predicting would move the predictions by untrained weights): ${one ? 'column' : 'columns'} ${columns}; naming ${one ? 'it' : 'them'} in --features keeps ${one ? 'it' : 'them'}`,
    );
  }
  if (ignored.length === 0) return notes;
  const one = ignored.length === 1;
  const columns = shortList(
    ignored.map((c) => `${JSON.stringify(clip(c.column))} (${c.reason})`),
    5,
  );
  notes.push(
    `${source}: left out of the inputs, as names, ids or row numbers (a network can only memorize rows from them): ${one ? 'column' : 'columns'} ${columns}; --keep-ids, or naming ${one ? 'it' : 'them'} in --features, keeps ${one ? 'it' : 'them'}`,
  );
  return notes;
}
