// The large-table search (src/train/autofit-large.ts), on a 3,000-row table with `largeRows` lowered so
// that it runs in seconds: taken at the threshold and not below, bit-identical with 1 and 2 workers and
// for a repeated seed, its stages recorded (search.large, as the model file and --json keep it), the
// refit's mini-batch settings (epochs from the updates, λ·64/rows) and its held-out score reported.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Random,
  autoFit,
  defaultBudget,
  largeBudget,
  largeCandidate,
  largeEpochs,
  largeSearch,
  searchModels,
  type Candidate,
} from '../src/index.js';
import { searchLines, searchRecord } from '../src/cli/train-search.js';

/** y = sin(3a) + b² − c/2 + noise over four inputs (the fourth useless), `n` rows. */
function curved(n: number, seed: number): { x: number[][]; y: number[][] } {
  const r = new Random(seed);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = [r.uniform(-1, 1), r.uniform(-1, 1), r.uniform(-1, 1), r.uniform(-1, 1)];
    x.push(row);
    y.push([Math.sin(3 * row[0]) + row[1] ** 2 - 0.5 * row[2] + 0.1 * r.uniform(-1, 1)]);
  }
  return { x, y };
}

/** A small screen grid (the default grid would take half a minute on the 2,000-row sample). */
const grid: Candidate[] = [
  { layers: [], activation: 'tanh', weightDecay: 1, optimizer: 'lbfgs', epochs: 30 },
  { layers: [8], activation: 'tanh', weightDecay: 1, optimizer: 'lbfgs', epochs: 30 },
  { layers: [8], activation: 'relu', weightDecay: 0.01, optimizer: 'lbfgs', epochs: 30 },
  { layers: [8], activation: 'tanh', weightDecay: 0.01, optimizer: 'adam', learningRate: 0.01, epochs: 30 },
];

const data = curved(3000, 7);
const options = { candidates: grid, largeRows: 2500, seed: 3 };

test('searchModels: the large path from largeRows rows on, the small-table search below', async () => {
  const large = await searchModels(data.x, data.y, { ...options, workers: 0 });
  const s = large.search.large;
  assert.ok(s, 'search.large present at 3,000 rows with largeRows 2,500');
  assert.equal(s.threshold, 2500);
  assert.equal(s.screen.rows, largeSearch.screenRows);
  assert.equal(s.promote.rows, 3000, 'the promote sample: every row when fewer than promoteRows');
  assert.equal(s.promote.heldOut, 300, 'a tenth held out');
  assert.equal(s.promote.results.length, largeSearch.promoted);
  // the promoted candidates lead the board, ranked by their held-out score
  const promoted = large.leaderboard.slice(0, largeSearch.promoted).map((e) => e.mean);
  assert.deepEqual(
    promoted,
    [...promoted].sort((a, b) => b - a),
  );
  // the winner as autoFit refits it: mini-batch Adam on 2,700 rows
  assert.equal(large.chosen.optimizer, 'adam');
  assert.equal(large.chosen.batchSize, 64);
  assert.equal(large.chosen.patience, 10);
  assert.equal(large.chosen.epochs, largeEpochs(2700));
  assert.equal(large.chosen.weightDecay, (s.winner.weightDecay * 64) / 2700);

  const small = await searchModels(data.x, data.y, { ...options, largeRows: 3001, workers: 0 });
  assert.equal(small.search.large, undefined, 'below largeRows: the small-table search');
  assert.equal(small.chosen.patience, undefined);
});

test('autoFit on a large table: bit-identical with 1 and 2 workers and for a repeated seed; held-out score reported', async () => {
  const one = await autoFit(data.x, data.y, { ...options, workers: 1 });
  const two = await autoFit(data.x, data.y, { ...options, workers: 2 });
  const again = await autoFit(data.x, data.y, { ...options, workers: 1 });
  assert.deepEqual(Array.from(two.network.params), Array.from(one.network.params), '1 vs 2 workers');
  assert.deepEqual(Array.from(again.network.params), Array.from(one.network.params), 'repeated seed');
  assert.deepEqual(
    two.leaderboard.map((e) => e.mean),
    one.leaderboard.map((e) => e.mean),
  );
  const held = one.heldOut;
  assert.ok(held, 'heldOut reported');
  assert.equal(held.metric, 'r2');
  assert.equal(held.rows, 300);
  assert.ok(held.score > 0.8, `held-out R² ${held.score}`);
  // early stopping on the held-out rows: the run stopped or ran its epochs, the best weights kept
  assert.ok(one.history.valLoss.length > 0 && one.history.valLoss.length <= one.chosen.epochs);
});

test('search.large is kept in the record the model file and --json write, and in the summary lines', async () => {
  const found = await searchModels(data.x, data.y, { ...options, workers: 0 });
  const record = JSON.parse(JSON.stringify(searchRecord(found)));
  const large = record.settings.large;
  assert.equal(large.screen.rows, 2000);
  assert.equal(large.promote.batchSize, 64);
  assert.equal(large.refit.patience, 10);
  assert.equal(large.refit.epochs, found.chosen.epochs);
  assert.equal(large.winner.optimizer, found.search.large?.winner.optimizer);
  const lines = searchLines(found).join('\n');
  assert.match(lines, /screened on a seeded sample of 2,000 rows/);
  assert.match(lines, /mini-batch Adam \(batch 64/);
});

test('largeEpochs: about 40,000 updates of 64 rows, from 10 to 100 epochs; λ·64/rows', () => {
  assert.equal(largeEpochs(1000), 100);
  assert.equal(largeEpochs(90_000), 28, '1,407 batches');
  assert.equal(largeEpochs(900_000), 10);
  const c = largeCandidate(
    { layers: [64], activation: 'relu', weightDecay: 1, optimizer: 'lbfgs', epochs: 500 },
    6400,
  );
  assert.equal(c.weightDecay, 0.01);
  assert.equal(c.learningRate, 1e-3);
  assert.equal(c.epochs, largeEpochs(6400));
});

test('defaultBudget: a large table takes largeBudget, sized by rows alone at the reference speed', () => {
  assert.equal(defaultBudget(100_000, 10), largeBudget(100_000, 10));
  assert.ok(defaultBudget(1_000_000, 10) > defaultBudget(100_000, 10));
  assert.ok(defaultBudget(100_000, 10) < 300);
  assert.notEqual(
    defaultBudget(9_999, 10),
    largeBudget(9_999, 10),
    'below 10,000 rows: the small-table rule',
  );
  assert.equal(defaultBudget(5_000, 10, 4_000), largeBudget(5_000, 10), 'largeRows lowered');
});
