// Seeded train/test split of a table's rows (a shuffled permutation, then the first part for training).

import { checkNumber } from '../errors.js';
import { Random } from '../random.js';
import { rowCount, selectRows, type DataTable } from './table.js';

/** Splits rows into { train, test } with `testFraction` of them (rounded) in test, seeded. */
export function splitTable<T extends DataTable>(
  table: T,
  testFraction: number,
  seed = 0,
): { train: T; test: T } {
  checkNumber('testFraction', testFraction, { min: 0, max: 1, exclusiveMin: true });
  const order = new Random(seed).shuffle(Array.from({ length: rowCount(table) }, (_, i) => i));
  const nTest = Math.max(1, Math.round(rowCount(table) * testFraction));
  return {
    train: selectRows(
      table,
      order.slice(nTest).sort((a, b) => a - b),
    ),
    test: selectRows(
      table,
      order.slice(0, nTest).sort((a, b) => a - b),
    ),
  };
}
