// Successive halving's rungs continue the runs the previous rung cut (src/train/autofit-eval.ts runTask,
// autofit.ts halving): a run cut after E₁ epochs and continued to E₂ gives the bits of a run trained
// afresh for E₂, and a cut run is scored as a run of E₁ epochs ends (the best epoch's weights when early
// stopping keeps them) — so the search chooses exactly as when every rung trained from the start; an
// L-BFGS run that has converged (lbfgsSettled) ends at the same iteration wherever a rung cut it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random, computeMetrics, toMatrix, type Candidate } from '../src/index.js';
import { oneHotLabels } from '../src/train/auto.js';
import {
  candidateRun,
  lbfgsSettled,
  runTask,
  splitFold,
  type SearchData,
} from '../src/train/autofit-eval.js';
import { assignFolds } from '../src/train/autofit-space.js';

/** Three noisy classes on two inputs, `n` rows, as the search's data on k = 3 folds. */
function threeClasses(n: number): SearchData {
  const r = new Random(4);
  const x: number[][] = [];
  const labels: number[][] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    x.push([c + r.uniform(-1.2, 1.2), (c === 1 ? 1 : -1) + r.uniform(-1.2, 1.2)]);
    labels.push([c]);
  }
  const y = oneHotLabels(toMatrix(labels, 'y'), 'multiclass').y;
  return {
    x: toMatrix(x, 'x'),
    y,
    task: 'multiclass',
    folds: assignFolds(y, 'multiclass', 3, 7),
    indicators: [],
    sampleWeight: null,
  };
}

const candidates: Candidate[] = [
  { layers: [8], activation: 'tanh', weightDecay: 1e-4, optimizer: 'lbfgs', epochs: 90 },
  // a rate that overfits soon, so early stopping keeps an earlier epoch's weights (and may stop the run)
  {
    layers: [16, 16],
    activation: 'relu',
    weightDecay: 1e-4,
    optimizer: 'adam',
    learningRate: 0.05,
    epochs: 120,
  },
];

test('runTask: a run cut at E₁ and continued to E₂ gives the result of a run trained afresh for E₂', () => {
  const data = threeClasses(150);
  for (const candidate of candidates)
    for (const fold of [0, 2]) {
      const task = { candidate, fold, seed: 3 + fold };
      const fresh = runTask(data, { ...task, epochs: 100 });
      const cut = runTask(data, { ...task, epochs: 30, keep: true });
      const continued = cut.ended ? cut : runTask(data, { ...task, epochs: 100, resume: cut.state });
      const key = (r: typeof fresh) => [r.score, r.loss, r.bestEpoch, r.ended];
      assert.deepEqual(key(continued), key(fresh), `${candidate.optimizer}, fold ${fold}`);
      assert.equal(cut.state === undefined, cut.ended, 'a cut run that has not ended keeps its state');
    }
});

test('runTask: a cut run is scored as a run of that many epochs ends (best weights restored)', () => {
  const data = threeClasses(150);
  for (const candidate of candidates) {
    const cut = runTask(data, { candidate, fold: 1, epochs: 40, seed: 5 });
    // the reference: a TrainingRun of 40 epochs run to its end, as the search trained each rung before
    const { train, val } = splitFold(data, 1);
    const run = candidateRun(candidate, train, data.task, { epochs: 40, seed: 5, validation: val });
    run.run();
    const accuracy = computeMetrics(['accuracy'], run.network.predict(val.x), val.y).accuracy;
    const stopped = candidate.optimizer === 'adam';
    assert.equal(cut.score, accuracy, candidate.optimizer);
    assert.equal(cut.bestEpoch, stopped ? run.history.bestEpoch : run.history.epochs);
    const loss = stopped ? run.history.valLoss[run.history.bestEpoch - 1] : run.history.valLoss.at(-1);
    assert.equal(cut.loss, loss, `${candidate.optimizer}: the fold loss as History.valLoss records it`);
  }
});

test('runTask: a converged L-BFGS run ends (lbfgsSettled) before its full length, at the same iteration wherever a rung cut it', () => {
  const data = threeClasses(150);
  // strongly regularized: the cost reaches its minimum long before 500 iterations
  const candidate: Candidate = {
    layers: [8],
    activation: 'tanh',
    weightDecay: 1,
    optimizer: 'lbfgs',
    epochs: 500,
  };
  const task = { candidate, fold: 0, seed: 3 };
  const full = runTask(data, { ...task, epochs: 500 });
  assert.ok(full.ended && full.bestEpoch < 500, `ran ${full.bestEpoch} of 500 iterations`);
  // the run's own costs: settled at its last iteration, not one before
  const { train } = splitFold(data, 0);
  const run = candidateRun(candidate, train, data.task, { epochs: full.bestEpoch, seed: 3 });
  run.run();
  assert.ok(lbfgsSettled(run.history.loss));
  assert.ok(!lbfgsSettled(run.history.loss.slice(0, -1)));
  const cut = runTask(data, { ...task, epochs: 7, keep: true });
  assert.ok(!cut.ended && cut.state !== undefined);
  const continued = runTask(data, { ...task, epochs: 500, resume: cut.state });
  const key = (r: typeof full) => [r.score, r.loss, r.bestEpoch, r.ended];
  assert.deepEqual(key(continued), key(full));
});
