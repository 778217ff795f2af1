// The rules of autoFit's grid and ranking (src/train/autofit-space.ts, autofit.ts), each measured on
// bench:quality: L-BFGS before Adam with relu beside tanh, the budget's floor of 10 s, and equal scores
// going to the simpler model (larger λ, then fewer hidden units).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Random,
  autoFit,
  defaultBudget,
  minSampleRows,
  searchRowCount,
  describeCandidate,
  searchGrid,
  searchModels,
  type Candidate,
} from '../src/index.js';
import { lbfgsConvergence, lbfgsSettled } from '../src/train/autofit-eval.js';
import { budgetRuns } from '../src/train/autofit-space.js';

test('searchGrid: every L-BFGS candidate (linear, tanh then relu, one and two layers) comes before any Adam one', () => {
  const grid = searchGrid();
  assert.equal(grid.length, 44);
  const firstAdam = grid.findIndex((c) => c.optimizer === 'adam');
  assert.equal(firstAdam, 20, 'four linear and sixteen L-BFGS networks first');
  assert.ok(grid.slice(firstAdam).every((c) => c.optimizer === 'adam'));
  const names = grid.slice(0, firstAdam).map(describeCandidate);
  const at = (name: string) => names.indexOf(name);
  assert.ok(at('64 tanh λ=0.01 lbfgs') >= 0 && at('64 relu λ=0.01 lbfgs') > at('64-64 tanh λ=0.0001 lbfgs'));
  assert.ok(at('64-64 relu λ=10 lbfgs') > at('64 relu λ=0.0001 lbfgs'), 'one relu layer before two');
});

test('defaultBudget: rows × (inputs + 1) / 200 seconds, from 10 (small tables of one input) to 300, at most 12 reference runs', () => {
  assert.equal(defaultBudget(320, 1), 10);
  assert.equal(defaultBudget(40, 2), 10);
  assert.equal(defaultBudget(800, 10), 44);
  // the small-table rule (largeRows raised above the rows; by default 10,000 rows take largeBudget)
  assert.equal(defaultBudget(1_000_000, 20, 1_000_001), 300);
  // wide tables: the cap of budgetRuns full-length runs of budgetReference (64-64 tanh, L-BFGS)
  assert.equal(budgetRuns, 12);
  assert.equal(defaultBudget(455, 30), 34, 'was 71: the whole grid, Adam included');
  assert.equal(defaultBudget(800, 64), 78, 'was 260');
  assert.equal(defaultBudget(800, 12), 48, 'the cap binds from about 11 inputs (52 by rows × 13 / 200)');
});

/** Two well-separated classes (x₀ < −0.5 or > 0.5) and a useless second input: every model scores 1. */
function separable(n: number): { x: number[][]; y: number[] } {
  const r = new Random(9);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const side = i % 2;
    x.push([(side ? 1 : -1) * r.uniform(0.5, 1.5), r.uniform(-1, 1)]);
    y.push(side);
  }
  return { x, y };
}

test('searchModels: equal scores go to the larger λ, then the fewer hidden units (not the lowest fold loss)', async () => {
  const { x, y } = separable(100);
  const tanh = (layers: number[], weightDecay: number): Candidate => ({
    layers,
    activation: 'tanh',
    weightDecay,
    optimizer: 'lbfgs',
    epochs: 45,
  });
  const grid = [tanh([8], 1e-4), tanh([8, 8], 0.1), tanh([8], 0.1), tanh([4, 4], 1e-4)];
  const search = await searchModels(x, y, { workers: 0, candidates: grid });
  const finalists = search.leaderboard.filter((e) => e.epochs === 45);
  assert.deepEqual(
    finalists.map((e) => [e.name, e.mean]),
    [
      ['8 tanh λ=0.1 lbfgs', 1],
      ['8-8 tanh λ=0.1 lbfgs', 1],
    ],
  );
  assert.equal(search.leaderboard[2].mean, 1, 'the least regularized scored as well, and lost the tie');
  assert.ok(
    search.leaderboard[2].loss < search.leaderboard[0].loss,
    'its fold loss was lower: the loss alone would have chosen it',
  );
  assert.deepEqual(search.chosen.layers, [8]);
  assert.equal(search.chosen.weightDecay, 0.1);
});

test('searchModels: the budget keeps the same grid whatever the workers (read for a fixed two threads)', async () => {
  const random = new Random(1);
  const x = Array.from({ length: 30 }, () => [random.normal(), random.normal()]);
  const y = x.map(([a, b]) => [Math.sin(a) + b]);
  // at this budget the grid is cut after the first six: reading it for `workers` threads kept 6 on
  // this thread and 9 on two workers, so the model depended on the machine's cores
  const alone = await searchModels(x, y, { workers: 0, budget: 1.2, seed: 1 });
  const two = await searchModels(x, y, { workers: 2, budget: 1.2, seed: 1 });
  assert.ok(alone.search.candidates > 6 && alone.search.candidates < 44, `${alone.search.candidates}`);
  assert.equal(two.search.candidates, alone.search.candidates);
  assert.equal(describeCandidate(two.chosen), describeCandidate(alone.chosen));
});

test("autoFit: the refit takes the folds' kind of batch (1,100 rows: full-batch folds of 880 rows, so a full-batch refit, not batches of 32)", async () => {
  const { x, y } = separable(1100);
  const adam: Candidate = {
    layers: [],
    activation: 'tanh',
    weightDecay: 1e-2,
    optimizer: 'adam',
    learningRate: 0.01,
    epochs: 20,
  };
  const result = await autoFit(x, y, { workers: 0, folds: 2, candidates: [adam] });
  assert.equal(result.chosen.batchSize, 1100);
  assert.equal(result.history.batchSize, 1100);
  const many = separable(2600); // folds of 1,300 rows train in mini-batches: so does the refit
  const mini = await autoFit(many.x, many.y, { workers: 0, folds: 2, candidates: [adam] });
  assert.equal(mini.chosen.batchSize, 32);
  assert.equal(mini.history.batchSize, 32);
});

test('autoFit: an L-BFGS winner refits full-batch on any number of rows (2,600 rows: folds of 1,300, which Adam would take in batches of 32)', async () => {
  const many = separable(2600);
  const lbfgs: Candidate = {
    layers: [],
    activation: 'tanh',
    weightDecay: 1e-2,
    optimizer: 'lbfgs',
    epochs: 20,
  };
  const result = await autoFit(many.x, many.y, { workers: 0, folds: 2, candidates: [lbfgs] });
  assert.equal(result.chosen.batchSize, 2600);
  assert.equal(result.history.batchSize, 2600);
  assert.ok(result.history.loss.length > 0);
});

test('searchRowCount: all rows while the first candidates fit the budget, else the most that fit, never below minSampleRows', () => {
  assert.equal(searchRowCount(1000, 10, 1, 5, 55), 1000);
  assert.equal(searchRowCount(100_000, 14, 1, 1, 300), 100_000);
  const n = searchRowCount(100_000, 14, 1, 1, 20);
  assert.ok(n > minSampleRows && n < 100_000, `${n}`);
  assert.ok(searchRowCount(n + 1, 14, 1, 1, 20) === n, 'the most rows that fit');
  assert.equal(searchRowCount(100_000, 14, 1, 1, 0.001), minSampleRows);
});

test('autoFit: a budget too small for all rows searches a seeded sample of them and refits on every row', async () => {
  const { x, y } = separable(2600);
  const result = await autoFit(x, y, { workers: 0, budget: 0.001 });
  assert.deepEqual(result.search.sample, { rows: minSampleRows, of: 2600 });
  assert.equal(result.history.batchSize === 32 || result.history.batchSize === 2600, true);
  const again = await autoFit(x, y, { workers: 0, budget: 0.001 });
  assert.deepEqual(again.network.params, result.network.params);
});

test('autoFit: onRung reports each rung as it ends, as search.rungs records it', async () => {
  const { x, y } = separable(300);
  const c: Candidate = { layers: [], activation: 'tanh', weightDecay: 1e-2, optimizer: 'lbfgs', epochs: 20 };
  const seen: [number, number, number][] = [];
  const result = await autoFit(x, y, {
    workers: 0,
    folds: 2,
    candidates: [c, { ...c, weightDecay: 1 }, { ...c, weightDecay: 10 }],
    onRung: (rung, of, ran) => seen.push([rung, of, ran.candidates]),
  });
  assert.deepEqual(
    seen,
    result.search.rungs.map((r, i) => [i + 1, 3, r.candidates]),
  );
  assert.equal(seen.length, 3);
});

test('lbfgsSettled: the cost fell by less than a relative 1e-5 over the last 10 iterations, whatever its scale', () => {
  const falling = Array.from({ length: 30 }, (_, i) => 1 + 0.01 * (30 - i));
  assert.equal(lbfgsSettled(falling), false);
  const flat = [...falling, ...Array.from({ length: 11 }, (_, i) => 1 - 1e-7 * i)];
  assert.equal(lbfgsSettled(flat), true);
  assert.equal(lbfgsSettled(flat.map((v) => v * 1e-6)), true, 'relative: a tiny cost settles alike');
  assert.equal(lbfgsSettled(flat.slice(0, -1)), false, 'the window still holds a falling cost');
  // 2e-5 relative over 10 iterations: still falling
  const slow = [...falling, ...Array.from({ length: 11 }, (_, i) => 1 - 2e-6 * i)];
  assert.equal(lbfgsSettled(slow), false);
  assert.equal(lbfgsSettled([3, 3, 3]), false, 'fewer than window + 1 costs: not yet');
  assert.deepEqual(lbfgsConvergence, { window: 10, relative: 1e-5 });
});
