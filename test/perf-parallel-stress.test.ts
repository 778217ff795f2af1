// Data-parallel training under the setups where a handoff between threads would show first (issue
// 16): tiny batches (a step per few rows), more threads than chunks (an idle worker), chunks left
// empty by the last batch, both kernel backends. Every run must give the one-thread weights, bit for bit.
// And a worker woken without a new step (the calling thread's notify arriving after the worker saw the
// step, finished it and slept again) must not count itself done once more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DataParallel,
  Network,
  Random,
  fitParallel,
  getOptimizer,
  kernels,
  toMatrix,
  type Matrix,
} from '../src/index.js';
import { DONE, GENERATION } from '../src/train/parallel-shared.js';

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

/** The trainer's control block (private: the tests play the calling thread's late notify on it). */
function controlOf(trainer: DataParallel): Int32Array {
  return (trainer as unknown as { shared: { control: Int32Array } }).shared.control;
}

/** Spins until control[DONE] ≥ count or `ms` have passed. */
function spinUntilDone(control: Int32Array, count: number, ms: number): void {
  const end = performance.now() + ms;
  while (Atomics.load(control, DONE) < count && performance.now() < end);
}

test('a worker woken between steps without a new one (a late notify) runs no step', {
  timeout: 60_000,
}, async () => {
  await kernels.wasmReady;
  const { x, y } = data(4);
  const net = new Network({ layers: [7, 12, 9, 2], activation: 'tanh', seed: 5 });
  const trainer = new DataParallel(net, { workers: 3, chunks: 2, maxRows: 4 });
  const control = controlOf(trainer);
  try {
    trainer.computeGradient(x, y);
    await sleep(50); // both workers done and asleep in Atomics.wait
    const done = Atomics.load(control, DONE);
    Atomics.notify(control, GENERATION);
    await sleep(50);
    assert.equal(Atomics.load(control, DONE), done, 'a woken worker ran a step no one asked for');
  } finally {
    trainer.close();
  }
});

/** The trainer's steps, as the test below reorders them (private members). */
interface StepParts {
  plan: unknown;
  startStep(x: Matrix, y: Matrix): void;
  computeOwnChunks(x: Matrix, y: Matrix, plan: unknown): void;
  awaitWorkers(): void;
}

test('a late notify within a step: the calling thread still waits for every chunk (weights bit-identical to one thread)', {
  timeout: 60_000,
}, async () => {
  await kernels.wasmReady;
  const { x, y } = data(400);
  const make = (workers: number) => {
    const net = new Network({ layers: [7, 128, 128, 2], activation: 'tanh', seed: 5 });
    const trainer = new DataParallel(net, { workers, chunks: 2, maxRows: 400 });
    return { net, trainer, optimizer: getOptimizer('adam', { learningRate: 0.01 }) };
  };
  const many = make(3);
  const one = make(1);
  const control = controlOf(many.trainer);
  // The calling thread computes its chunk before waking the workers (the same bits: nothing changes the
  // weights during a step), then, while worker 1 computes its 200 rows (milliseconds), plays a late
  // notify: worker 2, which has no chunk, is done and goes to sleep meanwhile.
  const parts = many.trainer as unknown as StepParts;
  const { startStep, computeOwnChunks, awaitWorkers } = parts;
  parts.computeOwnChunks = () => {};
  parts.startStep = (bx, by) => {
    computeOwnChunks.call(parts, bx, by, parts.plan);
    startStep.call(parts, bx, by);
  };
  parts.awaitWorkers = () => {
    spinUntilDone(control, 1, 50);
    // notified until the step is done or for 3 ms (worker 2 polls 0.5 ms before it sleeps)
    const end = performance.now() + 3;
    while (Atomics.load(control, DONE) < 2 && performance.now() < end) Atomics.notify(control, GENERATION);
    awaitWorkers.call(parts);
  };
  try {
    for (let s = 0; s < 8; s++) {
      for (const run of [many, one]) {
        run.trainer.computeGradient(x, y);
        run.optimizer.step(run.net.params, run.net.grads);
      }
      assert.deepEqual(Array.from(many.net.params), Array.from(one.net.params), `step ${s}`);
    }
  } finally {
    many.trainer.close();
    one.trainer.close();
  }
});
