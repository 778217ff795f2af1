// fit's guarantees at the edges: what divergence keeps, the last step checked, a reused optimizer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, DivergenceError, Network, fit } from '../src/index.js';

test('a loss that is non-finite from the start keeps the starting weights (not zeros)', () => {
  const net = new Network({ layers: [1, 4, 1], activation: 'linear', seed: 2 });
  const before = Array.from(net.params);
  const x = [[1e200], [2e201]]; // outputs near 1e200: their squares overflow
  assert.throws(
    () => fit(net, x, [[1], [2]], { optimizer: 'sgd', learningRate: 0.1, epochs: 3, scale: false }),
    DivergenceError,
  );
  assert.deepEqual(Array.from(net.params), before);
});

test('the last update is checked too: an overflowing final step throws and restores the weights before it', () => {
  const net = new Network({ layers: [1, 4, 1], activation: 'tanh', seed: 2 });
  const before = Array.from(net.params);
  assert.throws(
    () =>
      fit(net, [[0.5], [1]], [[1], [2]], { optimizer: 'sgd', learningRate: 1e308, epochs: 1, scale: false }),
    DivergenceError,
  );
  assert.deepEqual(Array.from(net.params), before);
  assert.ok(Number.isFinite(net.predict([[0.5]]).data[0]));
});

test('a reused optimizer object starts every fit from its own learning rate, whatever the schedule did', () => {
  const net = new Network({ layers: [1, 4, 1], activation: 'tanh', seed: 2 });
  const adam = new Adam({ learningRate: 0.01 });
  const x = [[0], [0.5], [1]];
  const y = [[0], [0.25], [1]];
  const first = fit(net, x, y, {
    optimizer: adam,
    epochs: 10,
    schedule: { type: 'exponential', gamma: 0.5 },
  });
  const second = fit(net, x, y, {
    optimizer: adam,
    epochs: 10,
    schedule: { type: 'exponential', gamma: 0.5 },
  });
  assert.equal(first.learningRate[0], 0.01);
  assert.equal(second.learningRate[0], 0.01);
  assert.equal(adam.learningRate, 0.01);
});

test('weights whose squares overflow are still finite: the per-step check does not call them divergent', async () => {
  const { weightsFinite } = await import('../src/train/divergence.js');
  const { kernels } = await import('../src/index.js');
  for (const dtype of ['float64', 'float32'] as const) {
    const big = dtype === 'float64' ? 1e200 : 1e30; // squares past the largest float of the precision
    const params = kernels.allocate(dtype, 9);
    params.fill(big);
    assert.equal(weightsFinite(params), true, `${dtype}: large finite weights`);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      params[4] = bad;
      assert.equal(weightsFinite(params), false, `${dtype}: ${bad} among them`);
      params[4] = 0;
      params[8] = bad;
      assert.equal(weightsFinite(params), false, `${dtype}: ${bad} last (the scalar tail)`);
      params[8] = big;
    }
  }
});

test('a loss that grows a million-fold while still finite is divergence: stopped, said, the weights before it kept', () => {
  const x = Array.from({ length: 20 }, (_, i) => [i / 2]);
  const y = x.map(([v]) => [2 * v]);
  const net = new Network({ layers: [1, 1] });
  let error: unknown;
  try {
    // unscaled inputs up to 9.5 and SGD at 0.5: the loss multiplies by ~2,000 per step (it used to
    // reach 1e58 after 20 epochs, still finite, and fit returned)
    fit(net, x, y, { optimizer: 'sgd', learningRate: 0.5, epochs: 20, scale: false });
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof DivergenceError, `expected DivergenceError, got ${String(error)}`);
  assert.match(
    error.message,
    /^training diverged at epoch \d+: the loss grew to [\d.e+]+, above [\d.e+]+ \(a million times its start or the mean predictor's\)\. The weights were restored to the last ones below that\. Likely cause: the learning rate 0\.5 is too large for sgd/,
  );
  const loss = net.computeLoss(
    { rows: 20, cols: 1, data: Float64Array.from(x.flat()) },
    { rows: 20, cols: 1, data: Float64Array.from(y.flat()) },
  ).total;
  assert.ok(Number.isFinite(loss) && loss < 1e6 * 1e3, `the kept weights' loss ${loss}`);
});

test('a warm start on a network that already fits (a loss near 0) is not divergence when the loss moves by noise', () => {
  const x = Array.from({ length: 20 }, (_, i) => [i / 20, (i % 3) / 3]);
  const y = x.map(() => [3]); // a constant target: the mean predictor's cost is 0
  const net = new Network({ layers: [2, 1] });
  fit(net, x, y, { optimizer: 'lbfgs', epochs: 50 });
  assert.doesNotThrow(() => fit(net, x, y, { optimizer: 'adam', epochs: 20 }));
});
