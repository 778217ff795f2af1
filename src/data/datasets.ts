// Built-in datasets: small, seeded generators for learning and testing (the same seed gives the same
// points). Each returns a Table with named columns, plus its target column and task.
// Shapes follow scikit-learn's make_moons / make_circles / make_blobs, and the classic two-spirals
// benchmark (Lang & Witbrock, 1988) in the form the TensorFlow Playground draws.

import { OptionError, checkNumber, checkOptionNames, unknownName } from '../errors.js';
import { Random } from '../random.js';
import type { Task } from './encoding.js';
import type { Cell, Table } from './table.js';

export interface DatasetOptions {
  /** number of points (defaults per dataset) */
  n?: number;
  /** standard deviation of the Gaussian noise added (defaults per dataset) */
  noise?: number;
  seed?: number;
}

export interface Dataset {
  name: DatasetName;
  description: string;
  table: Table;
  /** target column(s) */
  target: string[];
  task: Task;
}

export type DatasetName =
  | 'and'
  | 'xor'
  | 'seed-square'
  | 'sine'
  | 'abs'
  | 'steps'
  | 'spirals'
  | 'circles'
  | 'moons'
  | 'gaussians';

interface Definition {
  description: string;
  task: Task;
  n: number;
  noise: number;
  columns: string[];
  /** fixed points: n and noise are refused, seed is ignored */
  fixed?: boolean;
  make: (n: number, noise: number, random: Random) => Cell[][];
}

const truth = (f: (a: number, b: number) => number) => () =>
  [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ].map(([a, b]) => [a, b, f(a, b)]);
const curve =
  (lo: number, hi: number, f: (x: number) => number) => (n: number, noise: number, random: Random) =>
    Array.from({ length: n }, () => {
      const x = random.uniform(lo, hi);
      return [x, f(x) + noise * random.normal()];
    });

const definitions: Record<DatasetName, Definition> = {
  and: {
    description: 'logical AND of two bits: 4 points (binary)',
    task: 'binary',
    n: 4,
    noise: 0,
    columns: ['a', 'b', 'y'],
    fixed: true,
    make: truth((a, b) => a & b),
  },
  xor: {
    description: 'exclusive OR of two bits: 4 points, not linearly separable (binary)',
    task: 'binary',
    n: 4,
    noise: 0,
    columns: ['a', 'b', 'y'],
    fixed: true,
    make: truth((a, b) => a ^ b),
  },
  'seed-square': {
    description: "the seed's 201 points x = 0, 0.005, …, 1 with y = x² (regression)",
    task: 'regression',
    n: 201,
    noise: 0,
    columns: ['x', 'y'],
    fixed: true,
    make: () => Array.from({ length: 201 }, (_, i) => [i / 200, (i / 200) * (i / 200)]),
  },
  sine: {
    description: 'y = sin(x) on [-π, π] plus noise (regression)',
    task: 'regression',
    n: 200,
    noise: 0.05,
    columns: ['x', 'y'],
    make: curve(-Math.PI, Math.PI, Math.sin),
  },
  abs: {
    description: 'y = |x| on [-1, 1] plus noise: a kink (regression)',
    task: 'regression',
    n: 200,
    noise: 0.02,
    columns: ['x', 'y'],
    make: curve(-1, 1, Math.abs),
  },
  steps: {
    description: 'y = floor(4x)/4 on [0, 1) plus noise: jumps (regression)',
    task: 'regression',
    n: 200,
    noise: 0.01,
    columns: ['x', 'y'],
    make: curve(0, 1, (x) => Math.floor(4 * x) / 4),
  },
  spirals: {
    description: 'two interleaved spirals, 1.75 turns each (binary)',
    task: 'binary',
    n: 400,
    noise: 0.1,
    columns: ['x1', 'x2', 'label'],
    make: (n, noise, random) =>
      Array.from({ length: n }, (_, i) => {
        const k = i % 2;
        const t = Math.floor(i / 2) / Math.ceil(n / 2);
        const r = 0.2 + 4.8 * t;
        const angle = 1.75 * 2 * Math.PI * t + k * Math.PI;
        return [
          r * Math.cos(angle) + noise * random.normal(),
          r * Math.sin(angle) + noise * random.normal(),
          k,
        ];
      }),
  },
  circles: {
    description: 'a disc inside a ring, radii 0.5 and 1 (binary)',
    task: 'binary',
    n: 300,
    noise: 0.05,
    columns: ['x1', 'x2', 'label'],
    make: (n, noise, random) =>
      Array.from({ length: n }, (_, i) => {
        const k = i % 2;
        const angle = random.uniform(0, 2 * Math.PI);
        const r = k === 0 ? 1 : 0.5;
        return [
          r * Math.cos(angle) + noise * random.normal(),
          r * Math.sin(angle) + noise * random.normal(),
          k,
        ];
      }),
  },
  moons: {
    description: 'two interleaving half circles (binary)',
    task: 'binary',
    n: 300,
    noise: 0.1,
    columns: ['x1', 'x2', 'label'],
    make: (n, noise, random) =>
      Array.from({ length: n }, (_, i) => {
        const k = i % 2;
        const angle = random.uniform(0, Math.PI);
        const x = k === 0 ? Math.cos(angle) : 1 - Math.cos(angle);
        const y = k === 0 ? Math.sin(angle) : 0.5 - Math.sin(angle);
        return [x + noise * random.normal(), y + noise * random.normal(), k];
      }),
  },
  gaussians: {
    description: 'three Gaussian blobs in the plane, classes A, B, C (multiclass)',
    task: 'multiclass',
    n: 300,
    noise: 0.6,
    columns: ['x1', 'x2', 'label'],
    make: (n, noise, random) =>
      Array.from({ length: n }, (_, i) => {
        const k = i % 3;
        const angle = (2 * Math.PI * k) / 3 + Math.PI / 2;
        return [
          2 * Math.cos(angle) + noise * random.normal(),
          2 * Math.sin(angle) + noise * random.normal(),
          'ABC'[k],
        ];
      }),
  },
};

export const datasetNames = Object.keys(definitions) as DatasetName[];

const datasetOptionNames: Readonly<Record<keyof DatasetOptions, true>> = { n: true, noise: true, seed: true };

/** Generates a built-in dataset. Fixed sets (and, xor, seed-square) refuse n and noise and ignore seed. */
export function dataset(name: string, options: DatasetOptions = {}): Dataset {
  if (!(name in definitions)) unknownName('dataset', name, datasetNames, 'dataset');
  checkOptionNames('dataset option', options, datasetOptionNames);
  const def = definitions[name as DatasetName];
  const n = checkNumber('n', options.n ?? def.n, { integer: true, min: 1, max: 1e7 });
  const noise = checkNumber('noise', options.noise ?? def.noise, { min: 0 });
  if (def.fixed && (options.n !== undefined || options.noise !== undefined)) {
    throw new OptionError(
      `dataset ${name} is a fixed set of ${def.n} points: it takes no n or noise`,
      'dataset',
    );
  }
  const random = new Random(options.seed ?? 0);
  const rows = def.make(n, noise, random);
  return {
    name: name as DatasetName,
    description: def.description,
    task: def.task,
    target: [def.columns[def.columns.length - 1]],
    table: { columns: def.columns, rows, source: `dataset ${name}`, kind: 'generated' },
  };
}

/** One line per dataset: name, size and description. */
export function describeDatasets(): {
  name: DatasetName;
  task: Task;
  n: number;
  description: string;
  columns: string[];
}[] {
  return datasetNames.map((name) => ({
    name,
    task: definitions[name].task,
    n: definitions[name].n,
    description: definitions[name].description,
    columns: definitions[name].columns,
  }));
}
