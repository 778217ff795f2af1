// Data-parallel workers that join the calling thread's WebAssembly memory (issue 16): they read the
// weights in place and leave their last chunk's gradient in their own grads, and every thread sums
// pieces of the reduction. The weights must stay those of one thread, bit for bit, for any number of
// workers; the memory may grow mid-training (any thread may grow it); and where the runtime has no
// SharedArrayBuffer the calling thread computes every chunk alone, with the same weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataParallel, Network, Random, getOptimizer, kernels, toMatrix, type Matrix } from '../src/index.js';
import { GRADS_AT } from '../src/train/parallel-shared.js';

function data(rows: number, dtype: 'float64' | 'float32'): { x: Matrix; y: Matrix } {
  const random = new Random(11);
  const x = toMatrix(
    Array.from({ length: rows }, () => Array.from({ length: 5 }, () => random.normal())),
    'x',
    5,
    dtype,
  );
  const y = toMatrix(
    Array.from({ length: rows }, (_, r) => [Math.sin(x.data[r * 5]), x.data[r * 5 + 1] * x.data[r * 5 + 2]]),
    'y',
    2,
    dtype,
  );
  return { x, y };
}

/** Rows [a, b) of m, as a view. */
function rowsOf(m: Matrix, a: number, b: number): Matrix {
  return { rows: b - a, cols: m.cols, data: m.data.subarray(a * m.cols, b * m.cols) };
}

/** The trainer's control block (private). */
function controlOf(trainer: DataParallel): Int32Array {
  return (trainer as unknown as { shared: { control: Int32Array } }).shared.control;
}

/**
 * Trains 5 → 24 → 16 → 2 with Adam and L2 on the batches [a, b) of `batches`, through a DataParallel
 * of `workers` threads and `chunks` chunks; `between(step)` runs after each step. Returns the weights
 * and the costs, and whether every worker had joined the kernels' memory.
 */
function train(
  dtype: 'float64' | 'float32',
  workers: number,
  chunks: number,
  batches: [number, number][],
  between: (step: number) => void = () => {},
) {
  const { x, y } = data(160, dtype);
  const net = new Network({ layers: [5, 24, 16, 2], activation: 'tanh', seed: 4, weightDecay: 0.001, dtype });
  const optimizer = getOptimizer('adam', { learningRate: 0.01 });
  const trainer = new DataParallel(net, { workers, chunks, maxRows: 64 });
  const costs: number[] = [];
  let joined = true;
  try {
    const control = controlOf(trainer);
    for (let w = 1; w < workers; w++) joined &&= Atomics.load(control, GRADS_AT + w - 1) > 0;
    batches.forEach(([a, b], step) => {
      costs.push(trainer.computeGradient(rowsOf(x, a, b), rowsOf(y, a, b)));
      optimizer.step(net.params, net.grads);
      between(step);
    });
  } finally {
    trainer.close();
  }
  return { params: Array.from(net.params), costs, joined };
}

/** Batches of several sizes (each new size makes every thread allocate its workspaces at once). */
const BATCHES: [number, number][] = [];
for (let step = 0, a = 0; step < 24; step++) {
  const size = [64, 37, 5, 64, 1, 50][step % 6];
  if (a + size > 160) a = 0;
  BATCHES.push([a, a + size]);
  a += size;
}

test('workers in the shared kernel memory: bit-identical weights to one thread for fixed chunks (2 and 3 threads, 2 to 5 chunks, both precisions)', {
  timeout: 120_000,
}, async () => {
  await kernels.wasmReady;
  assert.equal(kernels.kernelBackend(), 'wasm');
  for (const dtype of ['float64', 'float32'] as const) {
    for (const chunks of [2, 3, 5]) {
      const one = train(dtype, 1, chunks, BATCHES);
      for (const workers of [2, 3]) {
        const many = train(dtype, workers, chunks, BATCHES);
        assert.ok(
          many.joined,
          `${dtype}, ${chunks} chunks, ${workers} threads: a worker did not join the kernels' memory`,
        );
        assert.deepEqual(many.params, one.params, `${dtype}, ${chunks} chunks, ${workers} threads`);
        assert.deepEqual(many.costs, one.costs, `${dtype}, ${chunks} chunks, ${workers} threads`);
      }
    }
  }
});

test('the shared kernel memory grows mid-training (from the calling thread, and from the workers after it): the same weights', {
  timeout: 120_000,
}, async () => {
  await kernels.wasmReady;
  const rt = kernels.wasmRuntime();
  assert.ok(rt?.shared, "the kernels' memory is shared here");
  const one = train('float32', 1, 4, BATCHES);
  const held: number[] = [];
  const before = rt.memory.buffer.byteLength;
  try {
    const many = train('float32', 2, 4, BATCHES, (step) => {
      // every 5 steps, a block past the memory's end: it grows, and the batches of new sizes that
      // follow make the worker allocate past the end of the memory it last saw
      if (step % 5 === 2) held.push(rt.allocate(rt.memory.buffer.byteLength));
    });
    assert.ok(many.joined);
    assert.ok(
      rt.memory.buffer.byteLength >= 8 * before,
      `memory ${before} → ${rt.memory.buffer.byteLength} bytes`,
    );
    assert.deepEqual(many.params, one.params);
    assert.deepEqual(many.costs, one.costs);
  } finally {
    for (const at of held) rt.release(at);
  }
});

test('without SharedArrayBuffer (a page that is not cross-origin isolated): DataParallel with 1 thread gives the weights of 2 workers in shared memory', async () => {
  const { spawnSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const entry = fileURLToPath(new URL('../src/index.js', import.meta.url));
  const script = `
    const { DataParallel, Network, getOptimizer, kernels } = await import(${JSON.stringify(entry)});
    await kernels.wasmReady;
    const workers = typeof SharedArrayBuffer === 'function' ? 2 : 1;
    const rows = 96;
    const x = { rows, cols: 3, data: Float32Array.from({ length: rows * 3 }, (_, i) => Math.sin(i * 0.7)) };
    const y = { rows, cols: 1, data: Float32Array.from({ length: rows }, (_, i) => Math.cos(i)) };
    const net = new Network({ layers: [3, 32, 1], activation: 'relu', seed: 1, dtype: 'float32' });
    const trainer = new DataParallel(net, { workers, chunks: 3, maxRows: rows });
    const adam = getOptimizer('adam', { learningRate: 0.01 });
    for (let s = 0; s < 20; s++) {
      trainer.computeGradient(x, y);
      adam.step(net.params, net.grads);
    }
    trainer.close();
    console.log(typeof SharedArrayBuffer, workers, Array.from(net.params).join(','));`;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'scratchnet-nosab-')), 'run.mjs');
  writeFileSync(file, script);
  const run = (flags: string[]) => {
    const r = spawnSync(process.execPath, [...flags, file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split(' ');
  };
  const [withShared, two, weights] = run([]);
  const [without, one, weightsWithout] = run(['--no-harmony-sharedarraybuffer']);
  assert.deepEqual([withShared, two, without, one], ['function', '2', 'undefined', '1']);
  assert.equal(weightsWithout, weights);
});

test("closed trainers give their workers' space in the kernels' memory back: 30 trainers, no growth after the first", {
  timeout: 120_000,
}, async () => {
  await kernels.wasmReady;
  const rt = kernels.wasmRuntime();
  assert.ok(rt?.shared);
  const { x, y } = data(64, 'float32');
  const once = () => {
    // 5 → 512 → 512 → 2: about 1 MB of parameters and gradients per network, in each worker too
    const net = new Network({ layers: [5, 512, 512, 2], activation: 'relu', seed: 1, dtype: 'float32' });
    const trainer = new DataParallel(net, { workers: 3, chunks: 3, maxRows: 64 });
    try {
      trainer.computeGradient(x, y);
    } finally {
      trainer.close();
      net.dispose();
    }
  };
  once();
  const allocated = rt.allocatedBytes;
  const size = rt.memory.buffer.byteLength;
  for (let i = 0; i < 30; i++) once();
  assert.equal(rt.memory.buffer.byteLength, size, 'the memory grew');
  assert.equal(rt.allocatedBytes, allocated, "the calling thread's blocks");
});

test("a network made in the kernels' memory, trained on the JavaScript kernels with workers (which have their own memory): the weights of one thread", {
  timeout: 60_000,
}, async () => {
  await kernels.wasmReady;
  const before = kernels.kernelBackend();
  const { x, y } = data(90, 'float64');
  const run = (workers: number) => {
    kernels.setKernelBackend('wasm');
    const net = new Network({ layers: [5, 24, 2], activation: 'tanh', seed: 4 });
    assert.ok(net.isResident);
    kernels.setKernelBackend('js');
    const optimizer = getOptimizer('sgd', { learningRate: 0.05 });
    const trainer = new DataParallel(net, { workers, chunks: 3, maxRows: 90 });
    try {
      for (let s = 0; s < 5; s++) {
        trainer.computeGradient(x, y);
        optimizer.step(net.params, net.grads);
      }
    } finally {
      trainer.close();
    }
    return Array.from(net.params);
  };
  try {
    assert.deepEqual(run(2), run(1));
  } finally {
    kernels.setKernelBackend(before);
  }
});

test('a step that throws on the calling thread closes the trainer (its workers wait at the barrier of that step)', {
  timeout: 60_000,
}, async () => {
  await kernels.wasmReady;
  const { x, y } = data(40, 'float64');
  const net = new Network({ layers: [5, 8, 2], seed: 1 });
  const trainer = new DataParallel(net, { workers: 2, chunks: 2, maxRows: 40 });
  trainer.computeGradient(x, y);
  const parts = trainer as unknown as { computeOwnChunks(): void };
  parts.computeOwnChunks = () => {
    throw new Error('a failing chunk');
  };
  assert.throws(() => trainer.computeGradient(x, y), /a failing chunk/);
  assert.throws(() => trainer.computeGradient(x, y), /closed/);
});
