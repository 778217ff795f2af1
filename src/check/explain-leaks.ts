// A doctor rule built on permutation importance: one column that carries almost all of it and
// either alone explains almost all of the target (a leaked target: recorded after the fact, or
// derived from it) or looks like a row id (distinct integers: the row order leaks the target).
// Returns findings in the doctor's format (doctor-types.ts); the doctor decides where to call it.

import { toMatrix, type Matrix, type MatrixLike } from '../matrix.js';
import { columnGroups, type ColumnGroup } from './explain-columns.js';
import type { ColumnImportance, PermutationImportance } from './explain-permutation.js';
import { fmt, pct, type Finding } from './doctor-types.js';

export interface SuspectColumnOptions {
  /** the original columns behind the inputs (default: one per input, x1, x2, … as importance names them) */
  groups?: readonly ColumnGroup[];
  /** share of the total positive importance that makes a column suspect (default 0.8) */
  share?: number;
  /** share of the target's variance the column explains alone to look like the target (default 0.95) */
  alone?: number;
  /** share of distinct integer values among the rows to look like an id (default 0.95) */
  distinct?: number;
}

/**
 * Findings `{ rule: 'target-leak', … }` naming each suspect column, given the importance measured
 * on held-out rows and the data (x, y as the network sees them: encoded, original units).
 */
export function findSuspectColumns(
  importance: PermutationImportance | readonly ColumnImportance[],
  data: { x: MatrixLike; y: MatrixLike },
  options: SuspectColumnOptions = {},
): Finding[] {
  const columns = 'columns' in importance ? importance.columns : importance;
  const x = toMatrix(data.x, 'x');
  const y = toMatrix(data.y, 'y');
  const groups = options.groups ?? columnGroups(x.cols);
  const total = columns.reduce((s, c) => s + Math.max(0, c.mean), 0);
  if (columns.length < 2 || !(total > 0)) return [];
  const findings: Finding[] = [];
  for (const c of columns) {
    const share = Math.max(0, c.mean) / total;
    const group = groups.find((g) => g.name === c.column);
    if (!group || share < (options.share ?? 0.8) || c.low <= 0) continue;
    const alone = explainedAlone(x, y, group);
    const distinct = distinctIntegers(x, group);
    const leak = alone >= (options.alone ?? 0.95);
    if (!leak && distinct < (options.distinct ?? 0.95)) continue;
    findings.push({
      rule: 'target-leak',
      severity: 'warning',
      observed:
        `column ${JSON.stringify(c.column)} carries ${pct(share)} of the permutation importance (${fmt(c.mean)} [${fmt(c.low)}, ${fmt(c.high)}]) ` +
        (leak
          ? `and alone explains ${pct(alone)} of the target's variance`
          : `and looks like a row id (${pct(distinct)} of its values are distinct integers)`),
      why: leak
        ? 'a column that is almost the target is usually recorded after it or derived from it: the model leans on it and will fail where it is not available'
        : "an id carries no information about the target; a model relying on it has learned the rows' order, which new data will not share",
      fix: `check that ${c.column} is known before the target; if not, train without it`,
      fixOptions: { dropFeatures: [c.column] },
      evidence: { share, alone, distinct, importance: c.mean, low: c.low, high: c.high },
    });
  }
  return findings;
}

/**
 * Share of the target's variance one column explains alone, the largest over target columns:
 * r² of a straight-line fit for a numeric column, η² (between-category variance / total) for a text one.
 */
export function explainedAlone(x: Matrix, y: Matrix, group: ColumnGroup): number {
  let best = 0;
  for (let k = 0; k < y.cols; k++) {
    const target = (n: number) => y.data[n * y.cols + k];
    const share = group.categories ? etaSquared(x, group, target) : rSquared(x, group.inputs[0], target);
    if (Number.isFinite(share)) best = Math.max(best, share);
  }
  return best;
}

function rSquared(x: Matrix, input: number, target: (n: number) => number): number {
  const N = x.rows;
  let mx = 0;
  let my = 0;
  for (let n = 0; n < N; n++) {
    mx += x.data[n * x.cols + input] / N;
    my += target(n) / N;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let n = 0; n < N; n++) {
    const dx = x.data[n * x.cols + input] - mx;
    const dy = target(n) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return (sxy * sxy) / (sxx * syy);
}

function etaSquared(x: Matrix, group: ColumnGroup, target: (n: number) => number): number {
  const N = x.rows;
  const sums = new Map<number, { n: number; s: number }>();
  let mean = 0;
  for (let n = 0; n < N; n++) {
    const k = group.inputs.findIndex((i) => x.data[n * x.cols + i] === 1);
    const e = sums.get(k) ?? { n: 0, s: 0 };
    e.n++;
    e.s += target(n);
    sums.set(k, e);
    mean += target(n) / N;
  }
  let between = 0;
  let totalSS = 0;
  for (const e of sums.values()) between += e.n * (e.s / e.n - mean) ** 2;
  for (let n = 0; n < N; n++) totalSS += (target(n) - mean) ** 2;
  return between / totalSS;
}

/** Share of rows holding a distinct integer in a one-input column (0 for text columns). */
function distinctIntegers(x: Matrix, group: ColumnGroup): number {
  if (group.categories || group.inputs.length !== 1) return 0;
  const seen = new Set<number>();
  for (let n = 0; n < x.rows; n++) {
    const v = x.data[n * x.cols + group.inputs[0]];
    if (!Number.isInteger(v)) return 0;
    seen.add(v);
  }
  return seen.size / x.rows;
}
