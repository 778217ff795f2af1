// Seeded train/test split of a table's rows (a shuffled permutation, then the first part for training).

import { checkNumber } from '../errors.js';
import { Random } from '../random.js';
import { selectRows, type Table } from './table.js';

/** Splits rows into { train, test } with `testFraction` of them (rounded) in test, seeded. */
export function splitTable(table: Table, testFraction: number, seed = 0): { train: Table; test: Table } {
  checkNumber('testFraction', testFraction, { min: 0, max: 1, exclusiveMin: true });
  const order = new Random(seed).shuffle(Array.from(table.rows, (_, i) => i));
  const nTest = Math.max(1, Math.round(table.rows.length * testFraction));
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
