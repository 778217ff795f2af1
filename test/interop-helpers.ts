// Helpers for the interop tests: small trained models as model files, and the largest absolute
// difference between two lists of numbers. (Not a test file itself.)
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Network, Random, fit, type ActivationSpec, type Encoding } from '../src/index.js';
import { MODEL_FORMAT, MODEL_VERSION, type ModelFile } from '../src/io/index.js';
import { scratchnet } from './fixtures/cli.js';

export type Task = 'regression' | 'binary' | 'multiclass';

/**
 * A model file for a network trained briefly on three numeric inputs (means 5, 0, −2 and spreads
 * 2, 1, 0.5): two regression targets around 2 (scaled), or 2 / 3 classes.
 */
export function trainedModel(
  task: Task,
  activation: ActivationSpec = 'tanh',
  dtype: 'float64' | 'float32' = 'float64',
): ModelFile {
  const random = new Random(3);
  const x = Array.from({ length: 200 }, () => [
    5 + 2 * random.normal(),
    random.normal(),
    -2 + 0.5 * random.normal(),
  ]);
  const score = (r: number[]) => Math.sin(r[0]) + r[1] * r[2];
  const y =
    task === 'regression'
      ? x.map((r) => [2 + score(r), 1 - r[1]])
      : task === 'binary'
        ? x.map((r) => [score(r) > 0 ? 1 : 0])
        : x.map((r) => [0, 1, 2].map((k) => (Math.floor(score(r) + 1.5) === k ? 1 : 0)));
  const outputs = task === 'regression' ? 2 : task === 'binary' ? 1 : 3;
  const loss =
    task === 'regression' ? 'mse' : task === 'binary' ? 'binaryCrossEntropy' : 'softmaxCrossEntropy';
  const net = new Network({ layers: [3, 8, 6, outputs], activation, loss, dtype, seed: 4 });
  fit(net, x, y, { epochs: 40, seed: 1 });
  const target: Encoding['target'] =
    task === 'regression'
      ? { columns: ['u', 'v'], task }
      : { columns: ['kind'], task, classes: task === 'binary' ? ['no', 'yes'] : ['low', 'mid', 'high'] };
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    network: net.toJSON(),
    encoding: {
      features: ['a', 'b', 'c'].map((name) => ({ name, type: 'number' as const })),
      target,
      missing: 'error',
    },
    settings: { seed: 4 },
  };
}

/** max |a[i] − b[i]| (Infinity when the lengths differ; NaN counts as Infinity). */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    worst = d <= worst ? worst : Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

/**
 * A CSV of 150 houses: numbers, a text column (city), a boolean (garden), a date (built), a numeric
 * target (price); missing cells spelled NA, '' and '?' in area, city, garden and built.
 */
export function writeCategoricalCsv(path: string, rows = 150): void {
  const random = new Random(11);
  const cities = ['Lyon', 'Nantes', 'Paris'];
  const lines = ['area,city,garden,rooms,built,price'];
  for (let i = 0; i < rows; i++) {
    const city = cities[random.int(3)];
    const area = Math.round(40 + 100 * random.next());
    const garden = random.next() < 0.5;
    const rooms = 1 + random.int(5);
    const year = 1900 + random.int(120);
    const built = `${year}-0${1 + random.int(9)}-1${random.int(10)}`;
    const price =
      area * (city === 'Paris' ? 9 : 4) +
      (garden ? 30 : 0) +
      10 * rooms +
      (year - 1950) / 2 +
      20 * random.normal();
    const cells = [area, city, garden, rooms, built, (price / 100).toFixed(3)].map(String);
    if (i % 17 === 3) cells[0] = 'NA';
    if (i % 23 === 5) cells[1] = '';
    if (i % 29 === 7) cells[2] = '?';
    if (i % 31 === 9) cells[4] = '';
    lines.push(cells.join(','));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

/**
 * Writes `csv` to dir/NAME.csv and trains on it through the CLI (target y, no search, `epochs` epochs,
 * quietly) into dir/NAME.json; asserts exit 0.
 */
export function trainCsv(dir: string, name: string, csv: string, epochs: number): void {
  writeFileSync(join(dir, `${name}.csv`), csv);
  const quiet = ['--no-plots', '--progress', 'quiet'];
  const args = ['--target', 'y', '--no-search', '--epochs', String(epochs), ...quiet];
  const t = scratchnet(['train', '--data', `${name}.csv`, ...args, '--out', `${name}.json`], dir);
  assert.equal(t.code, 0, t.stderr);
}

/** A CSV of 80 weekly dates t from 2019-01-01, an input x in [0, 1) and y = t's weeks / 52 + x. */
export function datesCsv(): string {
  const rows = Array.from({ length: 80 }, (_, i) => {
    const day = new Date(Date.UTC(2019, 0, 1 + 7 * i)).toISOString().slice(0, 10);
    return `${day},${(i % 7) / 7},${i / 52 + (i % 7) / 7}`;
  });
  return `t,x,y\n${rows.join('\n')}\n`;
}
