// The one data type of scratchnet: a row-major matrix on a typed array, one example per row.
// `toMatrix` is where user data enters: it checks shape and values and says where a problem is.

import { DataError, ShapeError } from './errors.js';
import type { FloatArray } from './kernels/index.js';

export type { FloatArray };
export type DType = 'float64' | 'float32';

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** rows × cols values, element (r, c) at r * cols + c */
  readonly data: FloatArray;
}

/** What users may pass as data: a Matrix, an array of rows, or a flat array of numbers (one column). */
export type MatrixLike = Matrix | ArrayLike<ArrayLike<number>> | ArrayLike<number>;

export function zeros(rows: number, cols: number, dtype: DType = 'float64'): Matrix {
  return {
    rows,
    cols,
    data: dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols),
  };
}

export function isMatrix(x: unknown): x is Matrix {
  return (
    typeof x === 'object' &&
    x !== null &&
    'rows' in x &&
    'cols' in x &&
    'data' in x &&
    ((x as Matrix).data instanceof Float64Array || (x as Matrix).data instanceof Float32Array)
  );
}

/** Element (r, c). */
export function at(m: Matrix, r: number, c: number): number {
  return m.data[r * m.cols + c];
}

/** The rows of a matrix as plain arrays (for printing, JSON, tests). */
export function toArrays(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < m.rows; r++) out.push(Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
  return out;
}

/**
 * Converts and validates user data. Throws DataError for empty data or a non-finite value (naming
 * argument, row and column), ShapeError for ragged rows or a column count other than `cols`.
 * A flat array of numbers is one column (one value per example). Always copies.
 */
export function toMatrix(x: MatrixLike, argument = 'x', cols?: number, dtype: DType = 'float64'): Matrix {
  let m: Matrix;
  if (isMatrix(x)) {
    checkLength(x, argument);
    m = zeros(x.rows, x.cols, dtype);
    m.data.set(x.data);
  } else {
    if (x == null || typeof (x as ArrayLike<unknown>).length !== 'number') {
      throw new DataError(
        `${argument} must be an array of rows or a Matrix, got ${x === null ? 'null' : typeof x}`,
        argument,
      );
    }
    const n = x.length;
    if (n === 0) throw new DataError(`${argument} is empty: it needs at least one row`, argument);
    const first = x[0];
    if (typeof first === 'number') {
      m = zeros(n, 1, dtype);
      for (let r = 0; r < n; r++) {
        const v = (x as ArrayLike<unknown>)[r];
        if (typeof v !== 'number') {
          throw new ShapeError(
            `${argument}[${r}] is ${describe(v)} but ${argument}[0] is a number: mix of rows and numbers`,
            argument,
          );
        }
        m.data[r] = v;
      }
    } else {
      if (first == null || typeof (first as ArrayLike<number>).length !== 'number') {
        throw new DataError(
          `${argument}[0] must be an array of numbers, got ${describe(first)}`,
          argument,
          0,
        );
      }
      const c = (first as ArrayLike<number>).length;
      if (c === 0) throw new DataError(`${argument}[0] is empty: rows need at least one column`, argument, 0);
      m = zeros(n, c, dtype);
      for (let r = 0; r < n; r++) {
        const row = (x as ArrayLike<ArrayLike<number>>)[r];
        if (row == null || typeof row.length !== 'number') {
          throw new ShapeError(
            `${argument}[${r}] must be an array of ${c} numbers, got ${describe(row)}`,
            argument,
          );
        }
        if (row.length !== c) {
          throw new ShapeError(
            `${argument}[${r}] has ${row.length} column${row.length === 1 ? '' : 's'} but ${argument}[0] has ${c}`,
            argument,
          );
        }
        for (let j = 0; j < c; j++) {
          const v = row[j];
          if (typeof v !== 'number') {
            throw new DataError(`${argument}[${r}][${j}] is ${describe(v)}, not a number`, argument, r, j);
          }
          m.data[r * c + j] = v;
        }
      }
    }
  }
  return checkMatrix(m, argument, cols);
}

/** Checks a matrix as toMatrix checks what it copies (not empty, finite, `cols` columns) and returns it, uncopied. */
export function checkMatrix(m: Matrix, argument = 'x', cols?: number): Matrix {
  checkLength(m, argument);
  if (m.rows === 0 || m.cols === 0)
    throw new DataError(`${argument} is empty (${m.rows} × ${m.cols})`, argument);
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      const r = Math.floor(i / m.cols);
      const c = i % m.cols;
      throw new DataError(`${argument}[${r}][${c}] is ${d[i]}: data must be finite numbers`, argument, r, c);
    }
  }
  if (cols !== undefined && m.cols !== cols) {
    throw new ShapeError(
      `${argument} has ${m.cols} column${m.cols === 1 ? '' : 's'} but the network expects ${cols}`,
      argument,
    );
  }
  return m;
}

function checkLength(m: Matrix, argument: string): void {
  if (m.data.length !== m.rows * m.cols)
    throw new ShapeError(
      `${argument}: data has ${m.data.length} values but rows × cols = ${m.rows * m.cols}`,
      argument,
    );
}

/** Checks that x and y describe the same examples. */
export function checkSameRows(x: Matrix, y: Matrix, xName = 'x', yName = 'y'): void {
  if (x.rows !== y.rows) {
    throw new ShapeError(
      `${xName} has ${x.rows} rows but ${yName} has ${y.rows}: each example needs one target row`,
      yName,
    );
  }
}

/** Rows `indices` of m, copied into `out` (which must have indices.length rows). */
export function gatherRows(
  out: Matrix,
  m: Matrix,
  indices: ArrayLike<number>,
  start = 0,
  count = indices.length,
): Matrix {
  const c = m.cols;
  for (let r = 0; r < count; r++) {
    const src = indices[start + r] * c;
    out.data.set(m.data.subarray(src, src + c), r * c);
  }
  return out;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v)}`;
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}
