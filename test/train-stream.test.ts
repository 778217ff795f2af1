// `scratchnet train --stream` (issue 13): training in passes over a file, a window at a time. The
// streaming statistics equal the in-memory scaler's, the held-out rule is repeatable and capped, a
// streamed run learns about as well as the in-memory one, repeats itself bit for bit, stops on a bad
// cell in a late window with its line and column (exit 2, no model file), and its memory does not
// grow with the file's length.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  HoldoutRule,
  RunningStats,
  columnStats,
  createNetwork,
  fitScaling,
  getOptimizer,
  splitWindow,
  toMatrix,
  trainInWindows,
  type Matrix,
} from '../src/index.js';
import { streamsBySize } from '../src/cli/train-stream.js';
import { scratchDir, scratchnet, scratchnetAsync } from './fixtures/cli.js';
import { peakRssMB, writeNumericTable } from './scale-measure.js';

test('RunningStats: one block equals columnStats bit for bit; many blocks agree to 1e-12', () => {
  const rows = Array.from({ length: 1000 }, (_, r) => [Math.sin(r) * 1e3 + 5e3, (r % 17) / 3, 7]);
  const m = toMatrix(rows);
  const whole = columnStats(m);
  const one = new RunningStats(3);
  one.add(m);
  assert.deepEqual(one.result(), whole);
  const blocks = new RunningStats(3);
  for (let start = 0; start < 1000; start += 7) blocks.add(toMatrix(rows.slice(start, start + 7)));
  const got = blocks.result();
  for (let c = 0; c < 3; c++) {
    assert.ok(Math.abs(got.mean[c] - whole.mean[c]) <= 1e-12 * Math.abs(whole.mean[c]), `mean ${c}`);
    assert.ok(Math.abs(got.std[c] - whole.std[c]) <= 1e-12 * whole.std[c], `std ${c}`);
  }
  assert.equal(got.std[2], 1); // a constant column, as the scaler
});

test('RunningStats: values near the largest double give a finite mean and std', () => {
  const stats = new RunningStats(1);
  stats.add(toMatrix([[1e300], [-1e300]]));
  stats.add(toMatrix([[1e300], [3]]));
  const { mean, std } = stats.result();
  assert.ok(Number.isFinite(mean[0]) && Number.isFinite(std[0]), `mean ${mean[0]}, std ${std[0]}`);
  assert.ok(Math.abs(mean[0] / 2.5e299 - 1) < 1e-9, `mean ${mean[0]}`);
});

test('HoldoutRule: the same rows on every pass, at its rate, never more than its cap', () => {
  const rule = new HoldoutRule(7, 0.2, 1e9);
  const first = Array.from({ length: 10_000 }, (_, i) => rule.holds(i));
  rule.reset();
  assert.deepEqual(
    Array.from({ length: 10_000 }, (_, i) => rule.holds(i)),
    first,
  );
  const share = first.filter(Boolean).length / 10_000;
  assert.ok(Math.abs(share - 0.2) < 0.02, `held out ${share}`);
  const capped = new HoldoutRule(7, 0.2, 100);
  assert.equal(Array.from({ length: 10_000 }, (_, i) => capped.holds(i)).filter(Boolean).length, 100);
  const other = new HoldoutRule(8, 0.2, 1e9);
  assert.notDeepEqual(
    Array.from({ length: 200 }, (_, i) => other.holds(i)),
    first.slice(0, 200),
  );
});

test('splitWindow: rows go to train or held out in file order, by their row number in the file', () => {
  const x = toMatrix([[0], [1], [2], [3], [4], [5]]);
  const y = toMatrix([[10], [11], [12], [13], [14], [15]]);
  const rule = new HoldoutRule(1, 0.5, 1e9);
  const { train, held } = splitWindow({ x, y, rows: [0, 1, 2, 3, 4, 5] }, 100, rule);
  assert.equal(train.x.rows + held.x.rows, 6);
  rule.reset();
  const heldRows = [0, 1, 2, 3, 4, 5].filter((r) => rule.holds(100 + r));
  assert.deepEqual(Array.from(held.x.data), heldRows);
  assert.deepEqual(
    Array.from(held.y.data),
    heldRows.map((r) => r + 10),
  );
});

test('trainInWindows: one optimizer steps through every window of every epoch; the loss falls', () => {
  const rows = Array.from({ length: 600 }, (_, r) => [Math.sin(r / 7), Math.cos(r / 11)]);
  const x = toMatrix(rows);
  const y = toMatrix(rows.map(([a, b]) => [a * b + a]));
  const slice = (m: Matrix, start: number, n: number): Matrix => ({
    rows: n,
    cols: m.cols,
    data: m.data.slice(start * m.cols, (start + n) * m.cols),
  });
  const network = createNetwork(x, y, { task: 'regression', layers: [16], seed: 3 });
  network.scaling = fitScaling(x, y);
  const optimizer = getOptimizer('adam', { learningRate: 0.01 });
  const windows: number[] = [];
  const history = trainInWindows(
    network,
    (train) => {
      for (let start = 0; start < 500; start += 200)
        train(slice(x, start, Math.min(200, 500 - start)), slice(y, start, Math.min(200, 500 - start)));
    },
    {
      optimizer,
      epochs: 4,
      batchSize: 20,
      seed: 1,
      validation: { x: slice(x, 500, 100), y: slice(y, 500, 100) },
      metrics: ['r2'],
      earlyStopping: { enabled: false, patience: 10, minDelta: 0, monitor: 'valLoss', restoreBest: true },
      onWindow: (info) => windows.push(info.rows),
    },
  );
  assert.deepEqual(windows, [200, 200, 100, 200, 200, 100, 200, 200, 100, 200, 200, 100]);
  assert.equal(optimizer.stepCount, 4 * (10 + 10 + 5)); // Adam's step count carried across windows
  assert.equal(history.trainRows, 500);
  assert.equal(history.valLoss.length, 4);
  assert.ok(history.loss[3] < history.loss[0] / 2, `loss ${history.loss}`);
});

test('a file streams by itself above a quarter of the memory', () => {
  assert.equal(streamsBySize(5e9, 16e9), true);
  assert.equal(streamsBySize(3e9, 16e9), false);
});

/** rows of a smooth regression: y = sin(a) + b²/2 + small noise, and a text column k. */
function writeRegression(path: string, rows: number, bad?: { row: number; cell: string }): void {
  const lines = ['a,b,k,y'];
  let s = 1;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let r = 0; r < rows; r++) {
    const a = rand() * 4 - 2;
    const b = rand() * 4 - 2;
    const k = r % 3 === 0 ? 'p' : 'q';
    const y = Math.sin(a) + b * b * 0.5 + (k === 'p' ? 0.3 : 0) + 0.05 * rand();
    lines.push(`${a.toFixed(4)},${bad?.row === r ? bad.cell : b.toFixed(4)},${k},${y.toFixed(4)}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const quiet = ['--progress', 'quiet'];
const model = (dir: string, name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));

test('train --stream learns: loss falls, held-out R² near the in-memory run, the model file says so', () => {
  const dir = scratchDir('scratchnet-stream-train-');
  writeRegression(join(dir, 'reg.csv'), 3000);
  const common = ['train', '--data', 'reg.csv', '--target', 'y', '--epochs', '15', ...quiet];
  const s = scratchnet([...common, '--stream', '--window', '500', '--out', 's.json'], dir);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /streaming reg\.csv \(--stream\)/);
  const m = scratchnet([...common, '--no-search', '--no-plots', '--out', 'm.json'], dir);
  assert.equal(m.code, 0, m.stderr);
  const streamed = model(dir, 's.json');
  const loss: number[] = streamed.history.loss;
  const last = loss[loss.length - 1];
  assert.ok(last < loss[0] / 5, `loss ${loss[0]} → ${last}`);
  const r2 = streamed.metrics.heldOut.r2;
  const inMemory = model(dir, 'm.json').metrics.heldOut.r2;
  assert.ok(r2 > 0.95 && Math.abs(r2 - inMemory) < 0.03, `held-out R² ${r2} streamed, ${inMemory} in memory`);
  assert.deepEqual(streamed.data.stream, {
    window: 500,
    passes: streamed.history.epochs + 1,
    windows: 6,
    heldOutRows: streamed.metrics.heldOut.rows,
  });
});

test('train --stream: the same seed gives the same model file to the bit, another seed another', () => {
  const dir = scratchDir('scratchnet-stream-seed-');
  writeRegression(join(dir, 'reg.csv'), 1200);
  const args = (out: string, seed: number) => [
    'train',
    '--data',
    'reg.csv',
    '--target',
    'y',
    '--stream',
    '--window',
    '300',
    '--epochs',
    '3',
    '--seed',
    String(seed),
    '--out',
    out,
    ...quiet,
  ];
  for (const [out, seed] of [
    ['a.json', 5],
    ['b.json', 5],
    ['c.json', 6],
  ] as const)
    assert.equal(scratchnet(args(out, seed), dir).code, 0);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  assert.equal(read('a.json'), read('b.json'));
  assert.notDeepEqual(model(dir, 'a.json').network, model(dir, 'c.json').network);
});

test('train --stream: a bad cell in a late window stops the first pass with its line and column, exit 2, no model', () => {
  const dir = scratchDir('scratchnet-stream-bad-');
  writeRegression(join(dir, 'bad.csv'), 3000, { row: 2600, cell: 'oops' });
  const r = scratchnet(
    [
      'train',
      '--data',
      'bad.csv',
      '--target',
      'y',
      '--stream',
      '--window',
      '500',
      '--out',
      'm.json',
      ...quiet,
    ],
    dir,
  );
  assert.equal(r.code, 2, r.stderr);
  const column = readFileSync(join(dir, 'bad.csv'), 'utf8').split('\n')[2601].indexOf('oops') + 1;
  assert.match(
    r.stderr,
    new RegExp(`^scratchnet: bad\\.csv:2602:${column}: "oops" in column "b" is not a number`, 'm'),
  );
  assert.doesNotMatch(r.stdout, /epoch/); // the first pass found it: no training began
  assert.equal(existsSync(join(dir, 'm.json')), false);
});

/** 1,000 rows of writeRegression's data, edited line by line; the arguments of a one-epoch streamed run on them. */
function editedRegression(dir: string, name: string, edit: (lines: string[]) => void): string[] {
  writeRegression(join(dir, name), 1000);
  const lines = readFileSync(join(dir, name), 'utf8').split('\n');
  edit(lines);
  writeFileSync(join(dir, name), lines.join('\n'));
  return ['train', '--data', name, '--target', 'y', '--stream', '--window', '200', '--epochs', '1'];
}

test('train --stream: missing cells in several windows are counted and located over the whole file', () => {
  const dir = scratchDir('scratchnet-stream-missing-');
  const args = editedRegression(dir, 'gaps.csv', (lines) => {
    for (const line of [101, 450, 902]) lines[line - 1] = lines[line - 1].replace(/^[^,]*,/, ',');
  });
  const r = scratchnet([...args, '--out', 'm.json', ...quiet], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /^scratchnet: gaps\.csv: 3 rows have missing values: gaps\.csv:101:1 \(a\); gaps\.csv:450:1 \(a\); gaps\.csv:902:1 \(a\)\. Pass --drop-missing/m,
  );
  assert.equal(existsSync(join(dir, 'm.json')), false);
  const dropped = scratchnet([...args, '--drop-missing', '--out', 'm.json', ...quiet], dir);
  assert.equal(dropped.code, 0, dropped.stderr);
  assert.match(dropped.stderr, /left out 3 of 1,000 rows with missing values: a \(3 rows\)/);
});

test('train --stream: a category unseen in the first window is an error naming its cell', () => {
  const dir = scratchDir('scratchnet-stream-unseen-');
  const args = editedRegression(dir, 'late.csv', (lines) => {
    lines[901] = lines[901].replace(/,[pq],/, ',r,');
  });
  const r = scratchnet([...args, '--out', 'm.json', ...quiet], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /late\.csv:902:\d+: "r" in column "k" is a category the model never saw/);
  const ignored = scratchnet([...args, '--unknown', 'ignore', '--out', 'm.json', ...quiet], dir);
  assert.equal(ignored.code, 0, ignored.stderr);
  assert.match(ignored.stderr, /1 cell of column "k" holds a category unseen in training/);
});

test('train --stream refuses what needs every row in memory, with one line and exit 2', async () => {
  const dir = scratchDir('scratchnet-stream-refuse-');
  writeRegression(join(dir, 'reg.csv'), 100);
  writeFileSync(join(dir, 'reg.json'), '[{"a": 1, "y": 2}]');
  const base = ['train', '--target', 'y', ...quiet];
  const cases: [string[], RegExp][] = [
    [['--data', 'reg.csv', '--stream', '--weight-column', 'a'], /--weight-column does not apply to streamed/],
    [['--data', 'reg.json', '--stream'], /a JSON file does not apply to streamed training/],
    [['--dataset', 'xor', '--stream'], /--dataset does not apply/],
    [['--data', 'reg.csv', '--stream', '--optimizer', 'lbfgs'], /full-batch method/],
    [['--data', 'reg.csv', '--window', '100'], /--window applies to streamed training: add --stream/],
  ];
  const runs = await Promise.all(cases.map(([args]) => scratchnetAsync([...base, ...args], dir)));
  for (const [i, [args, message]] of cases.entries()) {
    const r = runs[i];
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

/** Peak RSS in MB of one streamed epoch over `rows` rows of 10 numeric columns, windows of 8,192 rows. */
function streamRss(dir: string, rows: number): number {
  const data = writeNumericTable(dir, rows);
  const args = ['train', '--data', data, '--target', 'y', '--stream', '--window', '8192', '--epochs', '1'];
  // a 48 MB old space (the in-memory train of 120k rows would not fit) and small young generations
  return peakRssMB([...args, ...quiet, '--out', `m${rows}.json`], dir, [
    '--max-old-space-size=48',
    '--max-semi-space-size=2',
  ]);
}

test('train --stream: 6× the rows cost less than 30 MB more peak memory', () => {
  const dir = scratchDir('scratchnet-stream-memory-');
  const small = streamRss(dir, 20_000);
  const large = streamRss(dir, 120_000);
  assert.ok(
    large - small < 30,
    `peak RSS ${small.toFixed(0)} MB at 20k rows, ${large.toFixed(0)} MB at 120k`,
  );
});
