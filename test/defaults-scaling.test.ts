// Numerically robust scaling (src/train/scaling.ts, scaling-warnings.ts): statistics that cannot
// overflow, and warnings that name the column whose values standardization cannot treat well.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { columnStats, fit, Network, scalingWarnings, standardize, toMatrix } from '../src/index.js';
import { scratchDir, scratchnet } from './fixtures/cli.js';

const rows = (n: number, f: (i: number) => number[]) => Array.from({ length: n }, (_, i) => f(i));

test('columnStats: a 1e300 cell gives a finite mean and std, and finite standardized values', () => {
  const x = toMatrix(rows(50, (i) => [i === 3 ? 1e300 : i, i]));
  const { mean, std } = columnStats(x);
  assert.ok(Number.isFinite(mean[0]) && Number.isFinite(std[0]) && std[0] > 1e298, `${mean[0]} ${std[0]}`);
  const z = standardize(x, mean, std);
  assert.ok(z.data.every(Number.isFinite));
});

test('columnStats: ordinary columns keep the plain two-pass arithmetic bit for bit', () => {
  const x = toMatrix(rows(30, (i) => [Math.sin(i) * 1e6, i * 0.1 + 3]));
  const { mean, std } = columnStats(x);
  for (let c = 0; c < 2; c++) {
    let s = 0;
    for (let r = 0; r < 30; r++) s += x.data[r * 2 + c];
    const m = s / 30;
    let v = 0;
    for (let r = 0; r < 30; r++) v += (x.data[r * 2 + c] - m) ** 2;
    assert.equal(mean[c], m);
    assert.equal(std[c], Math.sqrt(v / 30));
  }
});

test('fit with a 1e300 input cell: no NaN in the loss or the predictions', () => {
  const x = rows(60, (i) => [i === 5 ? 1e300 : (i % 7) / 7, (i % 5) / 5]);
  const y = rows(60, (i) => [(i % 5) / 5 > 0.4 ? 1 : 0]);
  const net = new Network({ layers: [2, 8, 1], output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 1 });
  const history = fit(net, x, y, { epochs: 50 });
  assert.ok(history.loss.every(Number.isFinite));
  assert.ok(net.predict(x).data.every(Number.isFinite));
});

test('scalingWarnings: a huge cell and a dominating cell are named; ordinary and constant columns are not', () => {
  const x = toMatrix(rows(50, (i) => [i === 3 ? 1e300 : i, i === 9 ? 1e6 : i % 4, i, 5e12]));
  const w = scalingWarnings(x, ['income', 'visits', 'day', 'constant']);
  assert.equal(w.length, 2, w.join('\n'));
  assert.match(w[0], /^input "income": holds 1e\+300 \(row 4/);
  assert.match(w[1], /^input "visits": one cell, 1000000 \(row 10.*makes up \d+% of the column's spread/);
  assert.match(scalingWarnings(toMatrix(rows(20, (i) => [1e12 + (i % 3)])))[0], /column 1: .*last digits/);
});

test('scalingWarnings: a two-valued column (a one-hot indicator) with one rare row is not warned about; three values are', () => {
  assert.deepEqual(scalingWarnings(toMatrix(rows(50, (i) => [i === 7 ? 1 : 0]))), []);
  assert.match(
    scalingWarnings(toMatrix(rows(50, (i) => [i === 7 ? 100 : i % 2])))[0],
    /column 1: one cell, 100/,
  );
});

test('CLI: a 1e300 cell gives a warning naming the column, and the run finishes with finite metrics', () => {
  const dir = scratchDir();
  const line = (i: number) =>
    `${i === 7 ? 1e300 : (i * 37) % 100},${(i * 11) % 13},${(i * 37) % 100 > 50 ? 'hi' : 'lo'}`;
  writeFileSync(
    join(dir, 'd.csv'),
    ['amount,other,kind', ...Array.from({ length: 80 }, (_, i) => line(i))].join('\n'),
  );
  const t = scratchnet(
    ['train', '--data', 'd.csv', '--target', 'kind', '--epochs', '20', '--no-plots', '--json'],
    dir,
  );
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stderr, /warning: input "amount": holds 1e\+300/);
  const summary = JSON.parse(t.stdout);
  assert.ok(Number.isFinite(summary.metrics.train.logLoss));
});
