// Column means and standard deviations gathered block by block (training in passes over a file larger
// than memory): each block's mean and centred sum of squares by the two-pass method, merged into the
// running totals by Chan, Golub & LeVeque's pairwise update ("Algorithms for computing the sample
// variance", 1983) — no sum of squares of raw values, so no cancellation. Like columnStats (scaling.ts):
// population std, 1 for a constant column, and columns with huge values (|x| ≥ 1e100) kept in units of
// their largest magnitude so that squares never overflow.

import type { Matrix } from '../matrix.js';
import { columnMoments, maxAbs } from './scaling.js';

/** Values at or above this magnitude switch their column to scaled units (squares stay below 1e308). */
const HUGE = 1e100;

export class RunningStats {
  /** rows merged so far */
  rows = 0;
  /** per column: the mean and the centred sum of squares Σ(x − mean)², both in units of `unit` */
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  /** per column: 1, or the largest |x| seen once that reached HUGE */
  private readonly unit: Float64Array;

  constructor(readonly cols: number) {
    this.mean = new Float64Array(cols);
    this.m2 = new Float64Array(cols);
    this.unit = new Float64Array(cols).fill(1);
  }

  /** Merges the rows of m[rows × cols]. */
  add(m: Matrix): void {
    if (m.cols !== this.cols) throw new Error(`RunningStats: ${m.cols} columns added to ${this.cols}`);
    if (m.rows === 0) return;
    for (let c = 0; c < this.cols; c++) {
      this.grow(c, maxAbs(m, c));
      const [mean, m2] = columnMoments(m, c, this.unit[c]);
      this.merge(c, m.rows, mean, m2);
    }
    this.rows += m.rows;
  }

  /** Mean and population std per column, in original units (std 1 for a constant column, as columnStats). */
  result(): { mean: number[]; std: number[] } {
    const n = Math.max(1, this.rows);
    const mean = Array.from(this.mean, (v, c) => v * this.unit[c]);
    const std = Array.from(this.m2, (v, c) => {
      const s = Math.sqrt(v / n) * this.unit[c];
      return s > 0 && Number.isFinite(s) ? s : 1;
    });
    return { mean, std };
  }

  /** Column c switches to (or to larger) scaled units when a block holds a value ≥ HUGE. */
  private grow(c: number, big: number): void {
    if (big < HUGE || !Number.isFinite(big) || big <= this.unit[c]) return;
    const ratio = this.unit[c] / big;
    this.mean[c] *= ratio;
    this.m2[c] *= ratio * ratio;
    this.unit[c] = big;
  }

  /** Chan et al.'s merge of a block (count, mean, centred squares) into column c's totals. */
  private merge(c: number, count: number, mean: number, m2: number): void {
    const before = this.rows;
    if (before === 0) {
      this.mean[c] = mean;
      this.m2[c] = m2;
      return;
    }
    const total = before + count;
    const delta = mean - this.mean[c];
    this.mean[c] += (delta * count) / total;
    this.m2[c] += m2 + delta * delta * (before / total) * count;
  }
}
