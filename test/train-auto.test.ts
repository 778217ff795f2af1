// Task-aware defaults: naming only the data gives a network that learns — spirals, blobs, a curve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inferTask, createNetwork, trainNetwork, accuracy, r2Score, OptionError } from '../src/index.js';
import { grid } from './helpers.js';
import { blobs, spirals } from './train-data.js';

test('inferTask: one 0/1 column → binary, one-hot columns → multiclass, anything else → regression', () => {
  assert.equal(inferTask([[0], [1], [1]]), 'binary');
  assert.equal(
    inferTask([
      [1, 0, 0],
      [0, 0, 1],
    ]),
    'multiclass',
  );
  assert.equal(inferTask([[0.5], [1]]), 'regression');
  assert.equal(inferTask([[0], [2]]), 'regression', 'integer labels need one-hot encoding first');
  assert.equal(
    inferTask([
      [1, 1],
      [0, 1],
    ]),
    'regression',
    'two 0/1 columns that are not one-hot',
  );
  assert.equal(inferTask([1, 0, 1]), 'binary', 'a flat array is one column');
});

test('createNetwork: the output and loss follow the task; hidden layers default to [64, 64] tanh', () => {
  const reg = createNetwork([[0], [1]], [[0.5], [2]]);
  assert.deepEqual(
    reg.layers.map((l) => l.outputSize),
    [64, 64, 1],
  );
  assert.equal(reg.layers[0].activation?.name, 'tanh');
  assert.equal(reg.layers[2].activation?.name, 'linear');
  assert.equal(reg.loss.name, 'mse');
  const bin = createNetwork(
    [
      [0, 1],
      [1, 0],
    ],
    [[0], [1]],
    { layers: [8] },
  );
  assert.equal(bin.loss.name, 'binaryCrossEntropy');
  assert.equal(bin.lossFromLogits, true);
  assert.equal(bin.layers[1].activation?.name, 'sigmoid');
  const multi = createNetwork(
    [[0], [1]],
    [
      [1, 0, 0],
      [0, 1, 0],
    ],
    { layers: [], weightDecay: 0.1 },
  );
  assert.equal(multi.loss.name, 'softmaxCrossEntropy');
  assert.equal(multi.layers.length, 1);
  assert.equal(multi.regularizers[0].lambda, 0.1);
  assert.equal(
    createNetwork([[0], [1]], [[0], [1]], { optimizer: 'adamw', weightDecay: 0.1 }).regularizers.length,
    0,
    'adamw takes the decay itself',
  );
  assert.throws(
    () => createNetwork([[0]], [[1]], { layers: [0] }),
    (e: Error) => e instanceof OptionError && /layers\[0\] must be an integer >= 1, got 0/.test(e.message),
  );
  assert.throws(
    () => createNetwork([[0]], [[1]], { task: 'ranking' as never }),
    /task must be 'regression', 'binary' or 'multiclass', got "ranking"/,
  );
});

test('two interleaved spirals (600 points): ≥ 98% training accuracy with every default', (t) => {
  const { x, y } = spirals(600, 1);
  const { network, history, task } = trainNetwork(x, y, { validationSplit: 0 }); // training accuracy on every row
  assert.equal(task, 'binary');
  const acc = accuracy(network.predict(x), y);
  t.diagnostic(`training accuracy ${acc} after ${history.epochs} epochs`);
  assert.ok(acc >= 0.98, `training accuracy ${acc} after ${history.epochs} epochs`);
  assert.equal(history.metrics.accuracy.at(-1), acc, 'the recorded training accuracy is the same measure');
  assert.ok(
    Math.abs(history.baseline.metrics.accuracy - 0.5) < 1e-12,
    'balanced classes: the majority class scores 0.5',
  );
});

test('4-class Gaussian blobs: ≥ 95% validation accuracy with defaults and a validation split (early stopping on)', (t) => {
  const centers = [
    [-2.5, -2.5],
    [2.5, -2.5],
    [-2.5, 2.5],
    [2.5, 2.5],
  ];
  const train = blobs(centers, 100, 1, 3);
  const { network, history, task } = trainNetwork(train.x, train.y, { validationSplit: 0.25 });
  assert.equal(task, 'multiclass');
  const best = history.bestEpoch - 1;
  assert.ok(
    history.valMetrics.accuracy[best] >= 0.95,
    `validation accuracy ${history.valMetrics.accuracy[best]}`,
  );
  // and on fresh points from the same blobs
  const test = blobs(centers, 100, 1, 4);
  const acc = accuracy(network.predict(test.x), test.y);
  t.diagnostic(
    `validation accuracy ${history.valMetrics.accuracy[best]} at best epoch ${history.bestEpoch} of ${history.epochs} (stopped early: ${history.stoppedEarly}); on 400 new points ${acc}`,
  );
  assert.ok(acc >= 0.95, `accuracy on new points ${acc}`);
  assert.ok(history.baseline.valMetrics.accuracy < 0.35, 'the majority class is near 25%');
});

test('regression with defaults: y = sin(2πx) reaches r² > 0.99', () => {
  const x = grid(200);
  const y = x.map(([v]) => [Math.sin(2 * Math.PI * v)]);
  const { network, history, task } = trainNetwork(x, y, { seed: 1 });
  assert.equal(task, 'regression');
  const r2 = r2Score(network.predict(x), y);
  assert.ok(r2 > 0.99, `r² ${r2}`);
  assert.ok(
    history.loss.at(-1)! < history.baseline.loss / 100,
    `loss ${history.loss.at(-1)} vs mean predictor ${history.baseline.loss}`,
  );
});
