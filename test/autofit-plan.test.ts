// The budget covers the search and the refit on all rows (src/train/autofit.ts planRefit): the refit's
// epochs are capped by what the budget leaves after the search, both predicted at the reference speed
// (never a clock), small tables keep their full refit, and `train` says the budget, the plan and a cap.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  Random,
  autoChunks,
  autoFit,
  autoThreads,
  cheapRefitShare,
  defaultBudget,
  minRefitEpochs,
  planRefit,
  referenceThreads,
  searchModels,
  type Candidate,
} from '../src/index.js';
import { scratchDir, scratchnetAsync } from './fixtures/cli.js';
import { writeNumericTable } from './scale-measure.js';

const deep: Candidate = {
  layers: [64, 64],
  activation: 'tanh',
  weightDecay: 1,
  optimizer: 'lbfgs',
  epochs: 500,
};

// the small-table rule's budget (largeRows raised above the rows): from 10,000 rows by default a table
// takes the large search (autofit-large.ts), whose refit is sized by rows alone
test('planRefit: 100,000 rows of 10 inputs cap a 64-64 tanh L-BFGS refit to what the budget leaves', () => {
  const budget = defaultBudget(100_000, 10, 100_001);
  const plan = planRefit(deep, 100_000, 10, 1, { budget, search: 200 });
  assert.equal(plan.wanted, 500);
  assert.ok(plan.epochs < 500 && plan.epochs === plan.cap, JSON.stringify(plan));
  assert.ok(plan.search + plan.refit <= budget, 'search and refit together within the budget');
  // one more iteration would not fit: the cap is the most that does
  const perIteration = plan.refit / plan.epochs;
  assert.ok(plan.search + perIteration * (plan.epochs + 1) > budget);
  assert.deepEqual(planRefit(deep, 100_000, 10, 1, { budget, search: 200 }), plan, 'pure: no clock read');
});

test('planRefit: a small table keeps every epoch; a budget spent on the search still leaves minRefitEpochs', () => {
  const small = planRefit(deep, 2000, 10, 1, { budget: defaultBudget(2000, 10), search: 80 });
  assert.equal(small.epochs, 500);
  const spent = planRefit(deep, 100_000, 10, 1, { budget: 10, search: 40 });
  assert.equal(spent.cap, minRefitEpochs);
  assert.equal(spent.epochs, minRefitEpochs);
});

test("planRefit: epochs predicted over two threads only when the capped run is long enough for 'auto' to start a worker", () => {
  // 100,000 rows × 4,929 parameters: batches cut in two (autoChunks); a worker from 2³³ / (10⁵ × 4,929) ≈ 17.4 epochs
  const params = 10 * 64 + 64 + 64 * 64 + 64 + 64 + 1;
  assert.equal(autoChunks(100_000, params), true);
  const long = planRefit(deep, 100_000, 10, 1, { budget: 300, search: 200 });
  const short = planRefit(deep, 100_000, 10, 1, { budget: 10, search: 40 });
  assert.equal(autoThreads(long.epochs * 100_000, params), true, JSON.stringify(long));
  assert.equal(autoThreads(short.epochs * 100_000, params), false, JSON.stringify(short));
  const perEpoch = (p: { refit: number; epochs: number }) => p.refit / p.epochs;
  assert.ok(
    Math.abs(perEpoch(short) / perEpoch(long) - referenceThreads) < 1e-9,
    'one thread: twice the time',
  );
});

test('planRefit: a refit predicted within cheapRefitShare of the budget runs whole, however much the search spent', () => {
  const linear: Candidate = {
    layers: [],
    activation: 'tanh',
    weightDecay: 1,
    optimizer: 'lbfgs',
    epochs: 500,
  };
  const overrun = planRefit(linear, 300, 250, 1, { budget: 5, search: 10 });
  assert.ok(overrun.refit <= cheapRefitShare * 5, JSON.stringify(overrun));
  assert.equal(overrun.epochs, 500, 'cheap: not capped');
  // the same search overrun with a refit that is not cheap: capped at minRefitEpochs
  assert.equal(planRefit(deep, 100_000, 10, 1, { budget: 5, search: 10 }).epochs, minRefitEpochs);
});

/** y = 2 x₀ − x₁ + noise on `n` rows of three inputs. */
function noisyLinear(n: number) {
  const r = new Random(5);
  const x = Array.from({ length: n }, () => [r.normal(), r.normal(), r.normal()]);
  return { x, y: x.map(([a, b]) => 2 * a - b + 0.1 * r.normal()) };
}

test('searchModels: the plan holds the search and the refit within the budget; the chosen epochs are its epochs', async () => {
  const { x, y } = noisyLinear(120);
  const found = await searchModels(x, y, { workers: 0, budget: 2 });
  const { plan } = found.search;
  assert.equal(found.chosen.epochs, plan.epochs);
  assert.equal(plan.epochs, plan.wanted, 'a small table: no cap');
  assert.ok(plan.search + plan.refit <= 2, JSON.stringify(plan));
  assert.ok(
    plan.search <= found.search.predicted,
    'the search as it runs: continued rungs cost less than the grid measure',
  );
});

test('autoFit: the refit trains no more than the capped epochs', async () => {
  const { x, y } = noisyLinear(2600);
  const result = await autoFit(x, y, { workers: 0, budget: 0.001 });
  assert.equal(result.search.plan.epochs, minRefitEpochs);
  assert.ok(result.history.epochs <= minRefitEpochs, `${result.history.epochs}`);
  assert.match(result.search.refit, /capped by the budget from \d+/);
});

test('CLI: the first line gives the budget and what it covers; a capped refit is planned and reported', async () => {
  const dir = scratchDir('scratchnet-plan-');
  const data = writeNumericTable(dir, 2100);
  const args = [
    'train',
    '--data',
    data,
    '--target',
    'y',
    '--budget',
    '0.02', // a refit within cheapRefitShare of the budget is never capped: this one is not
    '--no-plots',
    '--progress',
    'quiet',
  ];
  const r = await scratchnetAsync([...args, '--out', 'p.json'], dir, 300_000);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /^budget 0\.02 s \(--budget\) for the model search and the refit on all rows/);
  assert.match(
    r.stdout,
    /refit on all rows: 10 (iterations at most|epochs), capped by the budget from the \d+ the search chose/,
  );
  assert.match(
    r.stdout,
    /note: the refit stopped at the budget's cap, after 10 of the \d+ (iterations|epochs)/,
  );
  const model = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8'));
  assert.equal(model.search.settings.plan.epochs, 10);
  assert.equal(model.history.epochs, 10);

  const json = await scratchnetAsync([...args, '--out', 'q.json', '--json'], dir, 300_000);
  assert.match(JSON.parse(json.stdout).notes[0], /^the refit stopped at the budget's cap/);
});
