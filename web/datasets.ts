// Small seeded datasets for the playground: two 1-D regressions and three 2-D two-class problems.
// (src/data will hold the library's own generators; these stay here so the page depends on the
// core alone.) Same seed ⇒ the same points. Inputs lie in about [-1, 1] (x² keeps the seed's [0, 1]).

import { Random } from '../src/index.js';

export type DatasetName = 'square' | 'sine' | 'xor' | 'circles' | 'spirals';
export const datasetNames: readonly DatasetName[] = ['square', 'sine', 'xor', 'circles', 'spirals'];

export interface Dataset {
  /** 'csv': a user's file (web/csv-data.ts) */
  name: DatasetName | 'csv';
  /** 'regression': 1 input, 1 real target; 'classification': 2 inputs, a 0/1 label */
  task: 'regression' | 'classification';
  /** x[N×inputs] */
  x: number[][];
  /** y[N×1]: the target value, or the label 0 / 1 */
  y: number[][];
  /** the input box the plots show: [xMin, xMax, yMin, yMax] (1-D: x range and target range) */
  bounds: [number, number, number, number];
}

/** Builds a dataset; `noise` is a standard deviation (targets for 1-D, positions for 2-D). */
export function makeDataset(name: DatasetName, seed: number, noise = 0): Dataset {
  const random = new Random(seed);
  switch (name) {
    case 'square':
      // the seed's 201 points of [0, 1] with y = x²
      return regression(name, 201, 0, 1, (v) => v * v, random, noise);
    case 'sine':
      return regression(name, 201, -1, 1, (v) => Math.sin(Math.PI * v), random, noise);
    case 'xor':
      return classification(name, 200, random, noise, () => {
        const a = random.uniform(-1, 1);
        const b = random.uniform(-1, 1);
        return [a, b, a * b > 0 ? 1 : 0];
      });
    case 'circles':
      // label 1 inside radius 0.5, label 0 on a ring of radius 0.7 to 1
      return classification(name, 200, random, noise, (i) => {
        const inner = i % 2 === 0;
        const r = inner ? random.uniform(0, 0.5) : random.uniform(0.7, 1);
        const t = random.uniform(0, 2 * Math.PI);
        return [r * Math.cos(t), r * Math.sin(t), inner ? 1 : 0];
      });
    case 'spirals':
      // two interleaved arms of 1.5 turns each, the second rotated by π
      return classification(name, 200, random, noise, (i) => {
        const label = i % 2;
        const s = Math.floor(i / 2) / 100; // 0 … 1 along the arm
        const r = 0.1 + 0.85 * s;
        const t = 3 * Math.PI * s + label * Math.PI;
        return [r * Math.cos(t), r * Math.sin(t), label];
      });
  }
}

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
  return { name, task: 'classification', x, y, bounds: [-1.2, 1.2, -1.2, 1.2] };
}
