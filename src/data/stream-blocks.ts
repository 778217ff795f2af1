// What `predict` and `evaluate` gather while a file streams by in blocks of rows: the rows left out (with
// their row numbers in the file) and the unseen categories of every block, merged as one applyEncoding
// over the whole file would report them; and rows of outputs appended to one growing matrix.

import type { Matrix } from '../matrix.js';
import type { Encoded } from './encoding.js';
import type { LeftOut } from './missing.js';

/** The left-out rows and unseen categories of blocks encoded one after another. */
export class BlockReport {
  readonly left: LeftOut[] = [];
  private readonly unseenBy = new Map<string, { cells: number; values: Set<string> }>();

  /** Adds a block's report; `first` is the block's first row in the file. */
  add(encoded: Pick<Encoded, 'left' | 'unseen'>, first: number): void {
    for (const l of encoded.left) this.left.push({ ...l, row: l.row + first });
    for (const u of encoded.unseen) {
      const seen = this.unseenBy.get(u.column) ?? { cells: 0, values: new Set<string>() };
      seen.cells += u.cells;
      for (const v of u.values) seen.values.add(v);
      this.unseenBy.set(u.column, seen);
    }
  }

  get unseen(): Encoded['unseen'] {
    return [...this.unseenBy.entries()].map(([column, u]) => ({
      column,
      cells: u.cells,
      values: [...u.values],
    }));
  }
}

/** Rows appended block by block into one float64 matrix (capacity doubling); `matrix` is the rows so far. */
export class GrowingMatrix {
  private data: Float64Array;
  rows = 0;

  constructor(
    readonly cols: number,
    capacity = 1024,
  ) {
    this.data = new Float64Array(capacity * cols);
  }

  append(m: Matrix): void {
    if (m.cols !== this.cols) throw new Error(`GrowingMatrix: ${m.cols} columns appended to ${this.cols}`);
    const need = (this.rows + m.rows) * this.cols;
    if (need > this.data.length) {
      const bigger = new Float64Array(Math.max(need, this.data.length * 2));
      bigger.set(this.data.subarray(0, this.rows * this.cols));
      this.data = bigger;
    }
    this.data.set(m.data.subarray(0, m.rows * m.cols), this.rows * this.cols);
    this.rows += m.rows;
  }

  get matrix(): Matrix {
    return { rows: this.rows, cols: this.cols, data: this.data.subarray(0, this.rows * this.cols) };
  }
}
