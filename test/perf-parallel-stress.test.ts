// Data-parallel training under the setups where a handoff between threads would show first (issue
// 16): tiny batches (a step per few rows), more threads than chunks (an idle worker), chunks left
// empty by the last batch, both kernel backends. Every run must give the one-thread weights, bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network, Random, fitParallel, kernels, toMatrix, type Matrix } from '../src/index.js';

function data(rows: number): { x: Matrix; y: Matrix } {
  const random = new Random(3);
  const x = toMatrix(
    Array.from({ length: rows }, () => Array.from({ length: 7 }, () => random.normal())),
    'x',
    7,
  );
  const y = toMatrix(
    Array.from({ length: rows }, (_, r) => [Math.sin(x.data[r * 7]), x.data[r * 7 + 1] > 0 ? 1 : -1]),
    'y',
    2,
  );
  return { x, y };
}

/** The weights and epoch losses after fitParallel (2 chunks, batches of 4, Adam, L2) on 7 → 12 → 9 → 2. */
async function train(x: Matrix, y: Matrix, workers: number) {
  const net = new Network({ layers: [7, 12, 9, 2], activation: 'tanh', seed: 5, weightDecay: 0.001 });
  const loss = await fitParallel(net, x, y, {
    workers,
    chunks: 2,
    epochs: 2,
    batchSize: 4,
    learningRate: 0.05,
    optimizer: 'adam',
  });
  return { params: Array.from(net.params), loss };
}

test('tiny steps, 3 threads for 2 chunks, an empty chunk: every run bit-identical to one thread (both backends)', {
  timeout: 120_000,
}, async () => {
  await kernels.wasmReady;
  const before = kernels.kernelBackend();
  const { x, y } = data(41); // batches of 4, the last of 1 row: chunk 0 empty, the main thread idle
  try {
    for (const backend of ['js', 'wasm'] as const) {
      kernels.setKernelBackend(backend);
      const one = await train(x, y, 1);
      for (let rep = 0; rep < 3; rep++) {
        const many = await train(x, y, 3);
        assert.deepEqual(many.params, one.params, `${backend} run ${rep}`);
        assert.deepEqual(many.loss, one.loss, `${backend} run ${rep}`);
      }
    }
  } finally {
    kernels.setKernelBackend(before);
  }
});
