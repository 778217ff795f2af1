// toMatrix(x, argument, cols, dtype): every malformed input is refused with an error that names the
// argument and the row (and column) at fault, never read as something else; well-formed input is copied.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError, ShapeError, at, toArrays, toMatrix, type MatrixLike } from '../src/index.js';

/** Calls toMatrix on input of a shape its type does not allow (what plain JavaScript callers can pass). */
const convert = (x: unknown, argument = 'x', cols?: number) => toMatrix(x as MatrixLike, argument, cols);

test('a Matrix whose data length is not rows × cols is a ShapeError naming both', () => {
  const bad = { rows: 2, cols: 3, data: new Float64Array(5) };
  assert.throws(
    () => convert(bad, 'y'),
    (e: unknown) => {
      assert.ok(e instanceof ShapeError);
      assert.equal(e.message, 'y: data has 5 values but rows × cols = 6');
      return true;
    },
  );
});

test('a Matrix is copied into the requested dtype, an array of rows read row by row', () => {
  const source = { rows: 2, cols: 2, data: new Float64Array([1, 2, 3, 4]) };
  const copy = toMatrix(source, 'x', 2, 'float32');
  assert.ok(copy.data instanceof Float32Array);
  source.data[0] = 99;
  assert.equal(at(copy, 0, 0), 1, 'a copy, not a view');
  assert.deepEqual(
    toArrays(
      toMatrix([
        [1, 2],
        [3, 4],
      ]),
    ),
    [
      [1, 2],
      [3, 4],
    ],
  );
  assert.deepEqual(toArrays(toMatrix([5, 6, 7])), [[5], [6], [7]], 'a flat array is one column');
});

test('input that is not an array of rows, or rows that are not arrays, are DataErrors naming what was given', () => {
  const cases: [unknown, RegExp][] = [
    [null, /^x must be an array of rows or a Matrix, got null$/],
    [42, /^x must be an array of rows or a Matrix, got number$/],
    [[null, [1]], /^x\[0\] must be an array of numbers, got null$/],
    [[undefined], /^x\[0\] must be an array of numbers, got undefined$/],
    [[{}], /^x\[0\] must be an array of numbers, got an? object$/],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => convert(input),
      (e: unknown) => e instanceof DataError && message.test(e.message),
      String(input),
    );
  }
});

test('a mix of numbers and rows, a row that is not an array, and ragged rows are ShapeErrors naming the row', () => {
  const cases: [unknown, string][] = [
    [[1, [2]], 'x[1] is an array but x[0] is a number: mix of rows and numbers'],
    [[1, 2, 'three'], 'x[2] is the string "three" but x[0] is a number: mix of rows and numbers'],
    [[[1, 2], 3], 'x[1] must be an array of 2 numbers, got a number'],
    [[[1, 2], null], 'x[1] must be an array of 2 numbers, got null'],
    [[[1, 2], [3]], 'x[1] has 1 column but x[0] has 2'],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => convert(input),
      (e: unknown) => e instanceof ShapeError && e.message === message,
      message,
    );
  }
});

test('a cell that is not a finite number names its row and column; a wrong width names the expected one', () => {
  assert.throws(
    () =>
      convert(
        [
          [1, 2],
          [3, '4'],
        ],
        'features',
      ),
    (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.equal(e.message, 'features[1][1] is the string "4", not a number');
      return true;
    },
  );
  assert.throws(() => convert([[1], [NaN]]), /^DataError: x\[1\]\[0\] is NaN: data must be finite numbers$/);
  assert.throws(() => convert([[1, 2]], 'x', 3), /x has 2 columns but the network expects 3/);
  assert.throws(() => convert([1], 'x', 2), /x has 1 column but the network expects 2/);
});
