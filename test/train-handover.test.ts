// Rows handed over to a TrainingRun (run.ts handOver, internal: the CLI's memory at a million rows) are
// kept, not copied, and train bit for bit as copied ones; the linear reference trains on a run's own
// scaled rows when they are what it would scale, with the same scores as on its own copies.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError, Network, TrainingRun, evaluate, fit, referenceScores, toMatrix } from '../src/index.js';
import { handOver } from '../src/train/run.js';
import { Random } from '../src/random.js';

/** rows × 3 inputs in original units (means and spreads far from 0 and 1), y = a noisy linear function */
function rows(n: number, seed = 5) {
  const random = new Random(seed);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let r = 0; r < n; r++) {
    const v = [random.normal() * 30 + 100, random.normal() * 0.01, random.normal() * 5 - 7];
    x.push(v);
    y.push([0.02 * v[0] + 300 * v[1] - v[2] + 0.1 * random.normal()]);
  }
  return { x: toMatrix(x), y: toMatrix(y) };
}

const net = () => new Network({ layers: [3, 8, 1], activation: 'tanh', output: 'linear', seed: 2 });

test('TrainingRun keeps handed-over rows without copying them and trains as on copies, bit for bit', () => {
  const { x, y } = rows(300);
  const options = { epochs: 3, batchSize: 32, seed: 4, scale: false } as const;
  const copied = new TrainingRun(net(), x, y, options);
  const kept = new TrainingRun(net(), handOver(x), handOver(y), options);
  assert.notEqual(copied.data.x, x);
  assert.equal(kept.data.x, x);
  assert.equal(kept.data.y, y);
  copied.run();
  kept.run();
  assert.deepEqual(Array.from(kept.network.params), Array.from(copied.network.params));
  assert.equal(x.data[0], rows(300).x.data[0]); // the run wrote nothing into them
  // the hand-over is for one run: the next run given the same matrix copies it
  assert.notEqual(new TrainingRun(net(), x, y, options).data.x, x);
});

test('handed-over rows are checked as copied ones: a non-finite cell names its row and column', () => {
  const { x, y } = rows(20);
  x.data[7 * 3 + 2] = Number.NaN;
  assert.throws(
    () => new TrainingRun(net(), handOver(x), handOver(y), { epochs: 1 }),
    (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.match(e.message, /x\[7\]\[2\] is NaN/);
      return true;
    },
  );
});

test('referenceScores on the run’s scaled rows equals referenceScores on its own copies', () => {
  const { x, y } = rows(400);
  const run = new TrainingRun(net(), x, y, { epochs: 1, validationSplit: 0.25, seed: 3 });
  const { data, network } = run;
  const heldOut = data.validation;
  assert.ok(heldOut && network.scaling);
  const metrics = ['r2', 'rmse'] as const;
  const plain = referenceScores(data, heldOut, 'regression', [...metrics], 7);
  const scaled = { x: data.xs, y: data.ys, scaling: network.scaling };
  assert.deepEqual(referenceScores(data, heldOut, 'regression', [...metrics], 7, undefined, scaled), plain);
  // they are what it trains on: other targets behind the same scaling give other scores
  const halved = { ...scaled, y: { ...data.ys, data: data.ys.data.map((v) => v / 2) } };
  assert.notDeepEqual(
    referenceScores(data, heldOut, 'regression', [...metrics], 7, undefined, halved),
    plain,
  );
  // a scaling other than the one the reference would fit is not used: it scales its own copies
  const other = {
    ...scaled,
    scaling: { ...network.scaling, inputStd: network.scaling.inputStd.map((s) => s * 2) },
  };
  assert.deepEqual(referenceScores(data, heldOut, 'regression', [...metrics], 7, undefined, other), plain);
  assert.ok((plain.linear.r2 ?? 0) > 0.9, `linear R² ${plain.linear.r2}`);
});

test('evaluate scales its own copy of x in place: the caller’s rows are untouched, the result as fit records it', () => {
  const { x, y } = rows(200);
  const before = Float64Array.from(x.data);
  const network = net();
  const history = fit(network, x, y, { epochs: 2, seed: 1, validationData: [x, y], metrics: ['r2'] });
  const e = evaluate(network, x, y, { metrics: ['r2'] });
  assert.deepEqual(x.data, before);
  assert.equal(e.loss, history.valLoss.at(-1));
  assert.equal(e.metrics.r2, history.valMetrics.r2.at(-1));
});
