// Partial dependence (Friedman 2001) and individual conditional expectation curves (Goldstein et al.
// 2015): set one original column to each value of a grid in every row, keep the rest, predict. An
// ICE curve is one row's predictions along the grid; the partial dependence is their mean.

import { checkNumber } from '../errors.js';
import type { Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';
import { Random } from '../random.js';
import type { ColumnGroup } from './explain-columns.js';

export interface DependenceOptions {
  /** output unit to follow (default 0): the predicted value, or the class probability */
  unit?: number;
  /** grid points of a numeric column (default 20): its distinct values if that few, else quantiles 5%…95% */
  gridSize?: number;
  /** ICE curves kept (default 30, rows drawn with `seed`); the average uses every row */
  iceRows?: number;
  seed?: number;
}

export interface DependenceCurve {
  column: string;
  /** numbers, or the categories of a text column */
  grid: (number | string)[];
  /** partial dependence at each grid point (the output's original units) */
  average: number[];
  /** the data rows (0-based) whose ICE curves are kept, and the curves: ice[k][g] */
  iceRows: number[];
  ice: number[][];
}

/** Curves for one column over the rows of x [N×I] (original units). */
export function partialDependence(
  network: Network,
  x: Matrix,
  group: ColumnGroup,
  options: DependenceOptions = {},
): DependenceCurve {
  const unit = checkNumber('unit', options.unit ?? 0, { integer: true, min: 0, max: network.outputSize - 1 });
  const gridSize = checkNumber('gridSize', options.gridSize ?? 20, { integer: true, min: 2 });
  const iceCount = checkNumber('iceRows', options.iceRows ?? 30, { integer: true, min: 0 });
  const { grid, settings } = gridOf(x, group, gridSize);
  const N = x.rows;
  const I = x.cols;
  const G = grid.length;
  const points = { rows: N * G, cols: I, data: new Float64Array(N * G * I) }; // [(N·G)×I], row n at grid g is n·G + g
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      const at = (n * G + g) * I;
      points.data.set(x.data.subarray(n * I, (n + 1) * I), at);
      group.inputs.forEach((input, k) => (points.data[at + input] = settings[g][k]));
    }
  }
  const out = network.predict(points);
  const O = network.outputSize;
  const curve = (n: number) => Array.from({ length: G }, (_, g) => out.data[(n * G + g) * O + unit]);
  const average = new Array<number>(G).fill(0);
  for (let n = 0; n < N; n++) curve(n).forEach((v, g) => (average[g] += v / N));
  const iceRows = new Random(options.seed ?? 1)
    .shuffle(Array.from({ length: N }, (_, n) => n))
    .slice(0, iceCount)
    .sort((a, b) => a - b);
  return { column: group.name, grid, average, iceRows, ice: iceRows.map(curve) };
}

/** The grid, and for each grid point the values of the group's inputs. */
function gridOf(
  x: Matrix,
  group: ColumnGroup,
  size: number,
): { grid: (number | string)[]; settings: number[][] } {
  if (group.categories) {
    const K = group.inputs.length;
    return {
      grid: [...group.categories],
      settings: group.categories.map((_, k) => Array.from({ length: K }, (_, j) => (j === k ? 1 : 0))),
    };
  }
  const input = group.inputs[0];
  const values = Array.from({ length: x.rows }, (_, n) => x.data[n * x.cols + input]).sort((a, b) => a - b);
  const distinct = [...new Set(values)];
  if (distinct.length <= size) return { grid: distinct, settings: distinct.map((v) => [v]) };
  const grid: number[] = [];
  for (let g = 0; g < size; g++) {
    const q = 0.05 + (0.9 * g) / (size - 1);
    const v = quantile(values, q);
    if (grid.length === 0 || v !== grid[grid.length - 1]) grid.push(v);
  }
  return { grid, settings: grid.map((v) => [v]) };
}

/** Linear interpolation between order statistics (numpy's default 'linear' method). */
function quantile(sorted: readonly number[], q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
}
