// Training in passes over a file larger than memory (`train --stream`): which rows are held out for
// validation — decided from each row's index in the file, so that every pass agrees without keeping a
// list of rows — and a window's encoded rows split into the rows to train on and the rows held out.

import { gatherRows, zeros, type Matrix } from '../matrix.js';

/**
 * Data row i (0-based in the file) is held out when hash(seed, i) < rate, until `cap` rows are held
 * out: the held-out rows are spread over the file at that rate and never exceed the cap (the rows kept
 * in memory for validation). Ask holds() for every kept row of a pass in file order, after reset().
 */
export class HoldoutRule {
  private held = 0;

  constructor(
    readonly seed: number,
    readonly rate: number,
    readonly cap: number,
  ) {}

  /** Starts a pass over the file. */
  reset(): void {
    this.held = 0;
  }

  /** Whether data row `index` is held out (counted: call once per row and pass). */
  holds(index: number): boolean {
    if (this.held >= this.cap || rowHash(this.seed, index) >= this.rate) return false;
    this.held++;
    return true;
  }
}

/** A uniform number in [0, 1) from (seed, index): splitmix32's finalizer over both (no state). */
export function rowHash(seed: number, index: number): number {
  let z =
    (Math.imul(index >>> 0, 0x9e3779b9) ^ Math.floor(index / 2 ** 32) ^ Math.imul(seed, 0x632be5ab)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return ((z ^ (z >>> 16)) >>> 0) / 2 ** 32;
}

/** Inputs x[rows × inputs] and targets y[rows × outputs]. */
export interface Rows {
  x: Matrix;
  y: Matrix;
}

/**
 * A window's encoded rows (x, y and `rows`, their indices within the window) split by the rule:
 * the rows to train on and the rows held out, each in file order. `first`: the window's first data row.
 */
export function splitWindow(
  encoded: Rows & { rows: readonly number[] },
  first: number,
  rule: HoldoutRule,
): { train: Rows; held: Rows } {
  const train: number[] = [];
  const held: number[] = [];
  encoded.rows.forEach((r, k) => (rule.holds(first + r) ? held : train).push(k));
  return { train: pick(encoded, train), held: pick(encoded, held) };
}

/** Rows `indices` of x and y, as new matrices. */
function pick({ x, y }: Rows, indices: number[]): Rows {
  const n = indices.length;
  return {
    x: gatherRows(zeros(n, x.cols), x, indices),
    y: gatherRows(zeros(n, y.cols), y, indices),
  };
}
