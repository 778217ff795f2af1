// What `predict` and `evaluate` gather while a file streams by in blocks of rows: the rows left out
// (counted, with the places of the first few), the rows whose missing cells stop the command (counted
// over the whole file, for one error at its end) and the unseen categories of every block — in memory
// bounded whatever the file's length; and rows of outputs appended to one growing matrix.

import type { Matrix } from '../matrix.js';
import type { Encoded } from './encoding.js';
import { LeftOutTally, MISSING_PLACES, missingError, type MissingStops } from './missing.js';
import { cellLocation, type DataTable } from './table.js';

/** The left-out rows, missing-value stops and unseen categories of blocks encoded one after another. */
export class BlockReport {
  left = new LeftOutTally();
  stops: MissingStops = { rows: 0, first: [] };
  private unseenBy = new Map<string, { cells: number; values: Set<string> }>();

  /** Adds a block's report (`table`: the block, whose row positions name file lines). */
  add(encoded: Pick<Encoded, 'left' | 'unseen' | 'stops'>, table: DataTable): void {
    for (const l of encoded.left) this.left.add(l, () => cellLocation(table, l.row));
    if (encoded.stops) {
      this.stops.rows += encoded.stops.rows;
      for (const place of encoded.stops.first)
        if (this.stops.first.length < MISSING_PLACES) this.stops.first.push(place);
    }
    for (const u of encoded.unseen) {
      const seen = this.unseenBy.get(u.column) ?? { cells: 0, values: new Set<string>() };
      seen.cells += u.cells;
      for (const v of u.values) seen.values.add(v);
      this.unseenBy.set(u.column, seen);
    }
  }

  /** Forgets everything (the file is read again from its start). */
  reset(): void {
    this.left = new LeftOutTally();
    this.stops = { rows: 0, first: [] };
    this.unseenBy = new Map();
  }

  /** Throws the missing-values error over the whole file, when a block had rows that stop. */
  throwStops(source: string, hint: string): void {
    if (this.stops.rows > 0) throw missingError(source, this.stops, hint);
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
