// Data-parallel training over worker threads: the same weights with 1 or 2 workers (fixed chunks,
// fixed reduction order), and gradients that agree with the single-threaded network's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataParallel, Network, Random, fitParallel, toMatrix, type Matrix } from '../src/index.js';

function data(rows: number, dtype: 'float64' | 'float32' = 'float64'): { x: Matrix; y: Matrix } {
  const random = new Random(9);
  const x = toMatrix(
    Array.from({ length: rows }, () => [random.normal(), random.normal(), random.normal()]),
    'x',
    3,
    dtype,
  );
  const y = toMatrix(
    Array.from({ length: rows }, (_, r) => [Math.sin(x.data[r * 3]), x.data[r * 3 + 1] * x.data[r * 3 + 2]]),
    'y',
    2,
    dtype,
  );
  return { x, y };
}

test('DataParallel.computeGradient equals network.computeGradient (L2 included) to rounding', async () => {
  const { x, y } = data(101);
  const net = new Network({ layers: [3, 16, 2], activation: 'tanh', weightDecay: 0.01, seed: 1 });
  const reference = net.clone();
  const expected = reference.computeGradient(x, y);
  const trainer = await DataParallel.create(net, { workers: 2, maxRows: 101 });
  try {
    const cost = trainer.computeGradient(x, y);
    assert.ok(Math.abs(cost - expected.total) <= 1e-12 * expected.total, `cost ${cost} vs ${expected.total}`);
    for (let i = 0; i < net.grads.length; i++) {
      const a = net.grads[i],
        b = reference.grads[i];
      assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `grads[${i}] ${a} vs ${b}`);
    }
  } finally {
    await trainer.close();
  }
});

for (const dtype of ['float64', 'float32'] as const) {
  test(`fitParallel (${dtype}): bit-identical weights with 1 and 2 workers, and the loss falls`, async () => {
    const { x, y } = data(90, dtype);
    const run = async (workers: number) => {
      const net = new Network({ layers: [3, 16, 16, 2], activation: 'relu', seed: 2, dtype });
      const loss = await fitParallel(net, x, y, { workers, epochs: 20, batchSize: 30, learningRate: 0.05 });
      return { params: Array.from(net.params), loss };
    };
    const one = await run(1);
    const two = await run(2);
    assert.deepEqual(two.params, one.params);
    assert.deepEqual(two.loss, one.loss);
    assert.ok(one.loss.at(-1)! < one.loss[0] * 0.8, `loss ${one.loss[0]} → ${one.loss.at(-1)}`);
  });
}
