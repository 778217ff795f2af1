// autoFit / searchModels (src/train/autofit*.ts) and `scratchnet train`'s search: bit-identical whatever
// the number of workers and for a repeated seed, the linear candidate winning on a noisy linear
// dataset, the leaderboard and chosen configuration in the text summary, --json and the model file,
// --no-search training exactly the default network, and --budget validated.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  Random,
  autoFit,
  predictedVsActualChart,
  searchModels,
  trainNetwork,
  type AutoFitResult,
  type Candidate,
} from '../src/index.js';
import { scratchDir, scratchnetAsync } from './fixtures/cli.js';

/** y = 2a − b + c/2 + noise over three inputs (and a useless fourth), `n` rows. */
function noisyLinear(n: number, seed: number): { x: number[][]; y: number[][] } {
  const r = new Random(seed);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = [r.uniform(-1, 1), r.uniform(-1, 1), r.uniform(-1, 1), r.uniform(-1, 1)];
    x.push(row);
    y.push([2 * row[0] - row[1] + 0.5 * row[2] + 0.4 * r.uniform(-1, 1)]);
  }
  return { x, y };
}

/** A small grid that still has every kind of candidate: linear, tanh and relu, L-BFGS and Adam. */
const smallGrid: Candidate[] = [
  { layers: [], activation: 'tanh', weightDecay: 1, optimizer: 'lbfgs', epochs: 60 },
  { layers: [8], activation: 'tanh', weightDecay: 1e-4, optimizer: 'lbfgs', epochs: 60 },
  { layers: [8], activation: 'relu', weightDecay: 1e-2, optimizer: 'adam', learningRate: 1e-2, epochs: 90 },
  { layers: [8, 8], activation: 'tanh', weightDecay: 1, optimizer: 'adam', learningRate: 1e-2, epochs: 90 },
];

test('autoFit: bit-identical with 0, 1 and 2 workers and for a repeated seed; another seed differs', async () => {
  const { x, y } = noisyLinear(120, 1);
  const runs: AutoFitResult[] = [];
  for (const workers of [1, 2, 0, 1])
    runs.push(await autoFit(x, y, { workers, candidates: smallGrid, seed: 5 }));
  const key = (r: AutoFitResult) =>
    JSON.stringify({
      board: r.leaderboard.map((e) => [e.name, e.scores, e.loss, e.bestEpoch]),
      chosen: r.chosen,
    });
  for (const r of runs.slice(1)) {
    assert.equal(key(r), key(runs[0]));
    assert.deepEqual(Array.from(r.network.params), Array.from(runs[0].network.params));
  }
  assert.deepEqual(
    runs.map((r) => r.search.workers),
    [1, 2, 0, 1],
  );
  assert.equal(runs[0].search.rungs[0].candidates, 4);
  assert.equal(runs[0].leaderboard.length, 4);
  const other = await autoFit(x, y, { workers: 0, candidates: smallGrid, seed: 6 });
  assert.notEqual(key(other), key(runs[0]));
});

test('autoFit: the linear candidate wins on a linear dataset with noise, and its refit predicts well', async () => {
  const { x, y } = noisyLinear(200, 2);
  const result = await autoFit(x, y, { workers: 0, candidates: smallGrid });
  assert.deepEqual(result.chosen.layers, [], result.leaderboard.map((e) => `${e.name} ${e.mean}`).join('\n'));
  assert.equal(result.leaderboard[0].rank, 1);
  assert.ok(result.leaderboard[0].mean > 0.9, `CV R² ${result.leaderboard[0].mean}`);
  assert.ok(result.reference.baseline < 0.05, `baseline R² ${result.reference.baseline}`);
  const fresh = noisyLinear(200, 3);
  const predicted = result.network.predict(fresh.x).data;
  let sse = 0;
  let sst = 0;
  const mean = fresh.y.reduce((s, [v]) => s + v, 0) / fresh.y.length;
  fresh.y.forEach(([v], i) => {
    sse += (v - predicted[i]) ** 2;
    sst += (v - mean) ** 2;
  });
  assert.ok(1 - sse / sst > 0.9, `R² on fresh rows ${1 - sse / sst}`);
});

test('searchModels: the budget keeps a prefix of the grid (six at least), and bad options are refused', async () => {
  const { x, y } = noisyLinear(40, 4);
  const tiny = await searchModels(x, y, { workers: 0, budget: 1e-9 });
  assert.equal(tiny.search.candidates, 6, 'the four linear and two one-layer candidates');
  assert.equal(tiny.search.skipped, 38);
  assert.deepEqual(tiny.leaderboard.map((e) => e.name).sort(), [
    '64 tanh λ=0.01 lbfgs',
    '64 tanh λ=1 lbfgs',
    'linear λ=0.01 lbfgs',
    'linear λ=1 lbfgs',
    'linear λ=10 lbfgs',
    'linear λ=100 lbfgs',
  ]);
  await assert.rejects(() => searchModels(x, y, { budget: 0 }), /budget/);
  await assert.rejects(() => searchModels(x.slice(0, 6), y.slice(0, 6)), /at least 10 rows/);
  await assert.rejects(() => searchModels(x, y, { candidates: [] }), /at least one/);
});

test('trainNetwork holds out a fifth by default (early stopping on it); validationSplit: 0 trains on every row', () => {
  const { x, y } = noisyLinear(100, 5);
  const held = trainNetwork(x, y, { epochs: 40 }).history;
  assert.equal(held.validationRows, 20);
  assert.equal(held.trainRows, 80);
  assert.equal(held.valLoss.length, held.epochs);
  const all = trainNetwork(x, y, { epochs: 40, validationSplit: 0 }).history;
  assert.equal(all.validationRows, 0);
  assert.equal(all.trainRows, 100);
});

test('predictedVsActualChart labels each point with its rows (training, held-out) when given', () => {
  const spec = predictedVsActualChart([1, 2, 3], [1.1, 2.2, 2.9], 'y', 'title', [
    'training',
    'training',
    'held-out',
  ]);
  const points = (
    spec.layer as { data: { values: { rows?: string }[] }; encoding: { color?: unknown } }[]
  )[1];
  assert.deepEqual(
    points.data.values.map((v) => v.rows),
    ['training', 'training', 'held-out'],
  );
  assert.deepEqual(points.encoding.color, { field: 'rows', type: 'nominal', title: 'rows' });
});

const dir = scratchDir('scratchnet-autofit-');
const quiet = ['--no-plots', '--progress', 'quiet'];
const moons = ['--dataset', 'moons', '--n', '80', '--noise', '0.2'];
// a budget of one second keeps the search to the six candidates every search runs
const budget = ['--budget', '1'];

test('CLI: the search by default: leaderboard and chosen configuration in the summary, --json and the model file', async () => {
  const text = await scratchnetAsync(
    ['train', ...moons, ...budget, '--out', 'm.json', ...quiet],
    dir,
    300_000,
  );
  assert.equal(text.code, 0, text.stderr);
  // how many candidates the default budget keeps depends on this machine's speed (autofit.ts)
  assert.match(text.stdout, /model search: \d+ candidates.*, 5-fold cross-validation on the training rows/);
  assert.match(text.stdout, /rank {2}candidate .* accuracy mean ± std/);
  assert.match(text.stdout, /^ +1 {2}\S.* \d\.\d{4} ± \d\.\d{4} +\d+\.\d s/m);
  assert.match(text.stdout, /chosen: .*\(--no-search trains the given or default network instead\)/);
  assert.match(text.stdout, /cross-validated \(5 folds of the 80 rows/);
  const model = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
  assert.ok(model.search, 'the model file keeps the search');
  assert.equal(model.search.settings.folds, 5);
  assert.equal(model.search.leaderboard[0].rank, 1);
  assert.deepEqual(model.settings.layers, model.search.chosen.layers);
  assert.equal(model.network.layers.length, model.search.chosen.layers.length + 1);
  assert.equal(model.metrics.heldOut.method, 'cross-validation');
  assert.ok(text.stdout.includes(`chosen: ${model.search.leaderboard[0].name} `));

  const json = await scratchnetAsync(
    ['train', ...moons, ...budget, '--out', 'j.json', ...quiet, '--json'],
    dir,
    300_000,
  );
  assert.equal(json.code, 0, json.stderr);
  const summary = JSON.parse(json.stdout);
  const jsonModel = JSON.parse(readFileSync(join(dir, 'j.json'), 'utf8'));
  assert.deepEqual(summary.search, jsonModel.search, "the search in --json is the model file's");
  assert.ok(summary.search.leaderboard.length >= 6);
  assert.equal(summary.metrics.heldOut.method, 'cross-validation');
  assert.match(json.stderr, /model search: /, 'the leaderboard goes to stderr with --json');

  const written = await scratchnetAsync(
    ['datasets', 'moons', '--n', '80', '--noise', '0.2', '--out', 'moons.csv'],
    dir,
  );
  assert.equal(written.code, 0, written.stderr);
  const predict = await scratchnetAsync(
    ['predict', '--model', 'm.json', '--data', 'moons.csv', '--out', 'p.csv'],
    dir,
  );
  assert.equal(predict.code, 0, predict.stderr);
  assert.equal(
    readFileSync(join(dir, 'p.csv'), 'utf8').trim().split('\n').length,
    81,
    'the chosen model predicts',
  );
});

test('CLI: --no-search trains exactly the default network (64-64 tanh), as the explicit default flags do', async () => {
  const plain = await scratchnetAsync(['train', ...moons, '--no-search', '--out', 'a.json', ...quiet], dir);
  assert.equal(plain.code, 0, plain.stderr);
  assert.doesNotMatch(plain.stdout, /model search/);
  const spelled = ['--layers', '64,64', '--activation', 'tanh', '--out', 'b.json'];
  const explicit = await scratchnetAsync(['train', ...moons, ...spelled, ...quiet], dir);
  assert.equal(explicit.code, 0, explicit.stderr);
  assert.doesNotMatch(explicit.stdout, /model search/, 'a network flag turns the search off');
  const a = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'));
  assert.equal(a.search, undefined);
  assert.deepEqual(
    a.network.layers.map((l: { outputSize: number }) => l.outputSize),
    [64, 64, 1],
  );
  assert.deepEqual(a.network, b.network, 'the same weights, bit for bit');
  assert.equal(a.metrics.heldOut.rows, 16, 'a fifth held out, as before the search');
});

test('CLI: --budget is validated, and refused where no search runs', async () => {
  for (const [flags, message] of [
    [['--budget', '0'], /--budget/],
    [['--budget', 'soon'], /--budget/],
    [
      ['--budget', '5', '--no-search'],
      /--budget sizes the model search, but --no-search turns the search off/,
    ],
    [['--budget', '5', '--layers', '8'], /--layers describes the network or its training/],
  ] as const) {
    const r = await scratchnetAsync(['train', ...moons, ...flags, '--out', 'x.json', ...quiet], dir);
    assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('CLI: --resume continues the chosen configuration without searching, bit for bit, and keeps the search', async () => {
  const args = ['train', '--dataset', 'moons', '--n', '200', '--noise', '0.2', ...budget, ...quiet];
  const first = await scratchnetAsync([...args, '--checkpoint-every', '20', '--out', 'r.json'], dir, 300_000);
  assert.equal(first.code, 0, first.stderr);
  const resumed = await scratchnetAsync(
    ['train', '--resume', 'r.checkpoint.json', '--out', 'r2.json', ...quiet],
    dir,
  );
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.doesNotMatch(resumed.stdout, /model search/);
  const a = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(dir, 'r2.json'), 'utf8'));
  assert.ok(a.search);
  assert.deepEqual(b.search, a.search);
  assert.deepEqual(b.network, a.network);
  const budgeted = await scratchnetAsync(['train', '--resume', 'r.checkpoint.json', '--budget', '3'], dir);
  assert.equal(budgeted.code, 2);
  assert.match(budgeted.stderr, /--budget sizes the model search, but --resume continues the configuration/);
});
