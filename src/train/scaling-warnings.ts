// Columns that standardization cannot treat well, as warnings naming the column (data, not console
// output: the CLI prints them). Two cases:
//   - magnitude: values so large (|x| ≥ 1e100) or so far from zero relative to their spread
//     (|mean| > 1e9 · std: the differences sit in the last few of float64's ~16 digits) that z-scores
//     carry little of the column's information;
//   - one cell dominates the spread: a single row's squared deviation is more than 90% of the column's
//     sum of squares (with ≥ 10 rows), so every other row standardizes to nearly the same value. Not for
//     a column of two values (a one-hot indicator, a flag): one row of a rare category is what such a
//     column holds, not an outlier (a text column with many rare values is warned about by the encoder).

import type { Matrix } from '../matrix.js';
import { columnStats } from './scaling.js';

export const scalingWarningRule = {
  hugeValue: 1e100,
  meanOverStd: 1e9,
  oneCellShare: 0.9,
  minRows: 10,
} as const;

/** Warnings about the columns of x (named by `names`, else "column k"), one per column at most. */
export function scalingWarnings(x: Matrix, names?: readonly string[]): string[] {
  const { mean, std } = columnStats(x);
  const warnings: string[] = [];
  for (let c = 0; c < x.cols; c++) {
    const name = names?.[c] !== undefined ? `"${names[c]}"` : `column ${c + 1}`;
    const why = columnProblem(x, c, mean[c], std[c]);
    if (why) warnings.push(`input ${name}: ${why}`);
  }
  return warnings;
}

function columnProblem(x: Matrix, c: number, mean: number, std: number): string | null {
  let big = 0;
  let bigRow = 0;
  let total = 0;
  let largest = 0;
  let largestRow = 0;
  const values = new Set<number>();
  for (let r = 0; r < x.rows; r++) {
    const v = x.data[r * x.cols + c];
    if (values.size <= 2) values.add(v);
    if (Math.abs(v) > big) [big, bigRow] = [Math.abs(v), r];
    const d = ((v - mean) / std) ** 2;
    total += d;
    if (d > largest) [largest, largestRow] = [d, r];
  }
  const cell = (r: number) => `${x.data[r * x.cols + c]} (row ${r + 1} of the rows used)`;
  if (big >= scalingWarningRule.hugeValue)
    return `holds ${cell(bigRow)}, a magnitude at which standardizing (and float arithmetic) loses the other rows' differences; rescale the column (e.g. a log) or remove the cell`;
  if (total > 0 && Math.abs(mean) > scalingWarningRule.meanOverStd * std)
    return `its values (mean ${mean.toPrecision(6)}) differ only by ${std.toPrecision(3)}, in their last digits: standardizing keeps little; subtract an offset first`;
  const twoValued = values.size <= 2;
  if (
    x.rows >= scalingWarningRule.minRows &&
    !twoValued &&
    total > 0 &&
    largest > scalingWarningRule.oneCellShare * total
  )
    return `one cell, ${cell(largestRow)}, makes up ${Math.round((100 * largest) / total)}% of the column's spread, so the other rows standardize to nearly the same value; check it, clip it or remove the row`;
  return null;
}
