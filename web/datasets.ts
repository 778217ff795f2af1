// Small seeded datasets for the playground: 1-D regressions (x², sine), 2-D regressions (plane,
// Gaussians) and 2-D two-class problems (xor, circles, spirals, blobs), after TensorFlow Playground's
// (tensorflow/playground src/dataset.ts, its ±6 box scaled to ±1). (src/data holds the library's own
// generators; these stay here so the page depends on the core alone.) Same seed ⇒ the same points.
// Inputs lie in about [-1, 1] (x² keeps the seed's [0, 1]).

import { Random } from '../src/index.js';

export type DatasetName = 'square' | 'sine' | 'plane' | 'gaussians' | 'xor' | 'circles' | 'spirals' | 'blobs';
export const datasetNames: readonly DatasetName[] = [
  'square',
  'sine',
  'plane',
  'gaussians',
  'xor',
  'circles',
  'spirals',
  'blobs',
];

export interface Dataset {
  /** 'csv': a user's file (web/csv-data.ts) */
  name: DatasetName | 'csv';
  /** 'regression': a real target (1 or 2 inputs; a CSV file's: any number); 'classification': a 0/1 label */
  task: 'regression' | 'classification';
  /** x[N×inputs]: the raw inputs (x1, or x1 and x2), before any feature (web/features.ts) */
  x: number[][];
  /** y[N×1]: the target value, or the label 0 / 1 */
  y: number[][];
  /** the input box the plots show: [xMin, xMax, yMin, yMax] (1-D: x range and target range) */
  bounds: [number, number, number, number];
}

/** The box every 2-D set is drawn in. */
const BOX: [number, number, number, number] = [-1.2, 1.2, -1.2, 1.2];

/** Builds a dataset; `noise` is a standard deviation (of the targets for regressions, of the positions for classes). */
export function makeDataset(name: DatasetName, seed: number, noise = 0): Dataset {
  const random = new Random(seed);
  switch (name) {
    case 'square':
      // the seed's 201 points of [0, 1] with y = x²
      return regression(name, 201, 0, 1, (v) => v * v, random, noise);
    case 'sine':
      return regression(name, 201, -1, 1, (v) => Math.sin(Math.PI * v), random, noise);
    case 'plane':
      return regression2d(name, random, noise, (a, b) => (a + b) / 2);
    case 'gaussians':
      return regression2d(name, random, noise, gaussianBumps);
    default:
      return classification(name, 200, random, noise, classPoint(name, random));
  }
}

/** How one point of a two-class set is drawn: [x1, x2, label] for the i-th point. */
function classPoint(name: DatasetName, random: Random): (i: number) => number[] {
  switch (name) {
    case 'xor':
      return () => {
        const a = random.uniform(-1, 1);
        const b = random.uniform(-1, 1);
        return [a, b, a * b > 0 ? 1 : 0];
      };
    case 'circles':
      // label 1 inside radius 0.5, label 0 on a ring of radius 0.7 to 1
      return (i) => {
        const inner = i % 2 === 0;
        const r = inner ? random.uniform(0, 0.5) : random.uniform(0.7, 1);
        const t = random.uniform(0, 2 * Math.PI);
        return [r * Math.cos(t), r * Math.sin(t), inner ? 1 : 0];
      };
    case 'spirals':
      // two interleaved arms of 1.5 turns each, the second rotated by π
      return (i) => {
        const label = i % 2;
        const s = Math.floor(i / 2) / 100; // 0 … 1 along the arm
        const r = 0.1 + 0.85 * s;
        const t = 3 * Math.PI * s + label * Math.PI;
        return [r * Math.cos(t), r * Math.sin(t), label];
      };
    default:
      // blobs: two Gaussian clouds (σ 0.15) around (0.4, 0.4), label 1, and (−0.4, −0.4), label 0
      return (i) => {
        const c = i % 2 === 0 ? 0.4 : -0.4;
        return [random.normal(c, 0.15), random.normal(c, 0.15), i % 2 === 0 ? 1 : 0];
      };
  }
}

/**
 * TensorFlow Playground's "multi Gaussian" regression: six bumps of alternating sign in two rows;
 * the value at a point is the strongest bump there (each falls linearly from ±1 at its centre to 0
 * at radius 1/3).
 */
function gaussianBumps(a: number, b: number): number {
  let value = 0;
  for (const [cx, cy, sign] of BUMPS) {
    const v = sign * Math.max(0, 1 - 3 * Math.hypot(a - cx, b - cy));
    if (Math.abs(v) > Math.abs(value)) value = v;
  }
  return value;
}
const BUMPS = [
  [-2 / 3, 5 / 12, 1],
  [0, 5 / 12, -1],
  [2 / 3, 5 / 12, 1],
  [-2 / 3, -5 / 12, -1],
  [0, -5 / 12, 1],
  [2 / 3, -5 / 12, -1],
] as const;

function regression(
  name: DatasetName,
  n: number,
  lo: number,
  hi: number,
  f: (v: number) => number,
  random: Random,
  noise: number,
): Dataset {
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const v = lo + ((hi - lo) * i) / (n - 1);
    x.push([v]);
    y.push([f(v) + (noise > 0 ? random.normal(0, noise) : 0)]);
  }
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const [t] of y) {
    yMin = Math.min(yMin, t);
    yMax = Math.max(yMax, t);
  }
  const pad = 0.1 * (yMax - yMin || 1);
  return { name, task: 'regression', x, y, bounds: [lo, hi, yMin - pad, yMax + pad] };
}

/** 200 points uniform in [-1, 1]², target f(x1, x2) plus noise on the target. */
function regression2d(
  name: DatasetName,
  random: Random,
  noise: number,
  f: (a: number, b: number) => number,
): Dataset {
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < 200; i++) {
    const a = random.uniform(-1, 1);
    const b = random.uniform(-1, 1);
    x.push([a, b]);
    y.push([f(a, b) + (noise > 0 ? random.normal(0, noise) : 0)]);
  }
  return { name, task: 'regression', x, y, bounds: BOX };
}

function classification(
  name: DatasetName,
  n: number,
  random: Random,
  noise: number,
  point: (i: number) => number[],
): Dataset {
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const [a, b, label] = point(i);
    x.push(noise > 0 ? [a + random.normal(0, noise), b + random.normal(0, noise)] : [a, b]);
    y.push([label]);
  }
  return { name, task: 'classification', x, y, bounds: boxAround(x) };
}

/** BOX, or a larger square around the origin when noise has moved points out of it (5% margin). */
function boxAround(x: number[][]): [number, number, number, number] {
  let far = 0;
  for (const [a, b] of x) far = Math.max(far, Math.abs(a), Math.abs(b));
  const r = Math.max(BOX[1], 1.05 * far);
  return [-r, r, -r, r];
}
