// Data-parallel training over worker threads: the same weights with 1 or 2 workers (fixed chunks,
// fixed reduction order), and gradients that agree with the single-threaded network's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AUTO_MIN_ROWS,
  AUTO_MIN_RUN,
  AUTO_MIN_WORK,
  autoChunks,
  autoThreads,
  DataParallel,
  DivergenceError,
  Network,
  Random,
  dataParallelWorkers,
  fit,
  fitParallel,
  kernels,
  planWorkers,
  toMatrix,
  type Matrix,
} from '../src/index.js';

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

// fit's `workers` option (train/parallel-auto.ts): a problem above the 'auto' rule's threshold, 128
// rows × 66,306 parameters = 8.5 M ≥ 2²³.
function wide(
  seed: number,
  dtype: 'float64' | 'float32' = 'float64',
): { net: Network; x: Matrix; y: Matrix } {
  const random = new Random(seed);
  const rows = 128;
  const x = toMatrix(
    Array.from({ length: rows }, () => Array.from({ length: 256 }, () => random.normal())),
    'x',
    256,
    dtype,
  );
  const y = toMatrix(
    Array.from({ length: rows }, (_, r) => [Math.tanh(x.data[r * 256]), x.data[r * 256 + 1] * 0.5]),
    'y',
    2,
    dtype,
  );
  const net = new Network({ layers: [256, 256, 2], activation: 'relu', seed: 4, dtype });
  return { net, x, y };
}

/** Resolves when every data-parallel worker thread has exited (their 'exit' events), or fails after 10 s. */
async function allWorkersExited(): Promise<void> {
  const end = Date.now() + 10_000;
  while (dataParallelWorkers() > 0) {
    if (Date.now() > end) assert.fail(`${dataParallelWorkers()} data-parallel workers still running`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const quick = { epochs: 8, learningRate: 0.01, optimizer: 'sgd' as const, scale: false };

test("planWorkers: 'auto' cuts large batches only, by the problem (never by the machine nor the run's length); a worker only for a long run; numbers are taken as given", () => {
  const long = Number.POSITIVE_INFINITY;
  const small = new Network({ layers: [10, 64, 64, 1], activation: 'tanh' }); // the CLI's default, 4,929 parameters
  assert.deepEqual(planWorkers('auto', 750, small, long, 2), { chunks: 1, threads: 1 });
  const mnist = new Network({ layers: [784, 128, 10], loss: 'softmaxCrossEntropy', dtype: 'float32' });
  assert.deepEqual(planWorkers('auto', 128, mnist, long, 2), { chunks: 2, threads: 2 });
  assert.deepEqual(planWorkers('auto', 128, mnist, long, 8), { chunks: 2, threads: 2 });
  assert.deepEqual(
    planWorkers('auto', 128, mnist, long, 1),
    { chunks: 2, threads: 1 },
    'one core: the same chunks',
  );
  assert.deepEqual(
    planWorkers('auto', 64, mnist, long, 2),
    { chunks: 1, threads: 1 },
    'fewer than AUTO_MIN_ROWS rows',
  );
  assert.equal(AUTO_MIN_ROWS * mnist.parameterCount >= AUTO_MIN_WORK, true);
  // the run's length: 60,000 rows × 101,770 parameters is 6.1 G a epoch, so 1 epoch runs on one
  // thread and 2 start a worker (AUTO_MIN_RUN = 2³³), with the same chunks
  const epoch = 60_000;
  assert.equal(epoch * mnist.parameterCount < AUTO_MIN_RUN, true);
  assert.deepEqual(planWorkers('auto', 128, mnist, epoch, 2), { chunks: 2, threads: 1 }, 'one epoch');
  assert.deepEqual(planWorkers('auto', 128, mnist, 2 * epoch, 2), { chunks: 2, threads: 2 }, 'two');
  assert.equal(autoThreads(AUTO_MIN_RUN / 1000, 1000), true);
  assert.equal(autoThreads(AUTO_MIN_RUN / 1000 - 1, 1000), false);
  assert.equal(autoChunks(128, mnist.parameterCount), true);
  assert.deepEqual(planWorkers(3, 10, small, 1, 1), { chunks: 3, threads: 3 }, 'a number: as given');
  assert.deepEqual(planWorkers(1, 4096, mnist, long, 2), { chunks: 1, threads: 1 });
  const row = [Array(10).fill(0)];
  assert.throws(() => fit(small, row, [[0]], { workers: 0 }), /workers/);
  assert.throws(
    () => fit(small, row, [[0]], { workers: 'all' as unknown as number }),
    /workers must be 'auto'/,
  );
});

test('fit with workers: 2 is bit-identical between runs and to auto, close to 1 worker, and leaves no worker running', {
  timeout: 60_000,
}, async () => {
  const run = (workers: 'auto' | number) => {
    const { net, x, y } = wide(5);
    const history = fit(net, x, y, { ...quick, workers });
    return { params: Array.from(net.params), loss: history.loss };
  };
  const two = run(2);
  const again = run(2);
  assert.deepEqual(again.params, two.params, 'two runs with 2 workers');
  assert.deepEqual(run('auto').params, two.params, "'auto' cuts this batch into the same 2 chunks");
  const one = run(1);
  // chunked sums round differently: after 8 SGD steps the weights agree to ~1e-15 relative (bound 1e-12)
  let worst = 0;
  for (let i = 0; i < one.params.length; i++)
    worst = Math.max(
      worst,
      Math.abs(two.params[i] - one.params[i]) / Math.max(1e-3, Math.abs(one.params[i])),
    );
  assert.ok(worst <= 1e-12, `largest relative difference ${worst}`);
  assert.ok(two.loss.at(-1)! < two.loss[0], `loss ${two.loss[0]} → ${two.loss.at(-1)}`);
  await allWorkersExited();
});

test("workers: 'auto' starts a worker for a long run only; a short run computes the same chunks on the calling thread", {
  timeout: 60_000,
}, async () => {
  const workersSeen = (epochs: number) => {
    const { net, x, y } = wide(5);
    let seen = -1;
    fit(net, x, y, {
      ...quick,
      epochs,
      onEpoch: () => {
        seen = dataParallelWorkers();
        return false; // one epoch is enough to see them
      },
    });
    return seen;
  };
  // 128 rows × 66,306 parameters: 8 epochs are 68 M row-parameters (< AUTO_MIN_RUN), 10⁶ epochs 8.5 T
  assert.equal(workersSeen(8), 0, 'a short run: no worker');
  const { availableParallelism } = await import('node:os');
  const expected = availableParallelism() >= 2 ? 1 : 0;
  assert.equal(workersSeen(1_000_000), expected, 'a long run: one worker beside the calling thread');
  await allWorkersExited();
});

test('workers stop when a callback throws and when the run diverges', { timeout: 60_000 }, async () => {
  const { net, x, y } = wide(6);
  assert.throws(
    () =>
      fit(net, x, y, {
        ...quick,
        workers: 2,
        onBatch: (info) => {
          if (info.epoch === 2) throw new Error('stop here');
        },
      }),
    /stop here/,
  );
  await allWorkersExited();
  const diverging = wide(7);
  assert.throws(
    () => fit(diverging.net, diverging.x, diverging.y, { ...quick, workers: 2, learningRate: 1e30 }),
    DivergenceError,
  );
  await allWorkersExited();
});

test('a closed DataParallel refuses work, and its workers exit', { timeout: 30_000 }, async () => {
  const { net, x, y } = wide(8, 'float32');
  const trainer = new DataParallel(net, { workers: 2, chunks: 2, maxRows: 128 });
  assert.ok(Number.isFinite(trainer.computeGradient(x, y)));
  trainer.close();
  assert.throws(() => trainer.computeGradient(x, y), /closed/);
  await allWorkersExited();
});

test('weightedPairSum: the bits of two sgdStep calls on a zeroed buffer (both precisions, in place, odd shares and lengths)', async () => {
  await kernels.wasmReady;
  const random = new Random(11);
  for (const dtype of ['float64', 'float32'] as const) {
    for (const n of [1, 7, 1001]) {
      const make = () => {
        const a = kernels.allocate(dtype, n);
        for (let i = 0; i < n; i++) a[i] = random.normal() * 10 ** random.int(6);
        return a;
      };
      const x = make();
      const y = make();
      x[0] = -0;
      y[0] = n > 1 ? -0 : y[0];
      if (n > 2) x[2] = Number.POSITIVE_INFINITY;
      for (const [a, b] of [
        [0.5, 0.5],
        [50 / 101, 51 / 101],
        [1 / 3, 2 / 3],
      ]) {
        const expected = kernels.allocate(dtype, n);
        kernels.sgdStep(expected, x, -a);
        kernels.sgdStep(expected, y, -b);
        const out = kernels.allocate(dtype, n);
        kernels.weightedPairSum(out, x, a, y, b);
        assert.deepEqual(Array.from(out), Array.from(expected), `${dtype} n ${n} shares ${a}, ${b}`);
        const inPlace = x.slice();
        const home = kernels.allocate(dtype, n);
        home.set(inPlace);
        kernels.weightedPairSum(home, home, a, y, b);
        assert.deepEqual(Array.from(home), Array.from(expected), `${dtype} n ${n} in place`);
        // plain arrays take the JavaScript loop: the bits of the JavaScript sgdStep
        const plain = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
        const reference = plain.slice();
        const px = plain.slice();
        px.set(x);
        const py = plain.slice();
        py.set(y);
        kernels.sgdStep(reference, px, -a);
        kernels.sgdStep(reference, py, -b);
        kernels.weightedPairSum(py, px, a, py, b);
        assert.deepEqual(Array.from(py), Array.from(reference), `${dtype} n ${n} JavaScript loop`);
      }
    }
  }
});

test('fitParallel with the JavaScript kernels (weights copied to the workers, the reduction as a loop): bit-identical with 1 and 2 workers', async () => {
  const before = kernels.kernelBackend();
  kernels.setKernelBackend('js');
  try {
    for (const dtype of ['float64', 'float32'] as const) {
      const { x, y } = data(77, dtype);
      const run = async (workers: number) => {
        const net = new Network({
          layers: [3, 8, 2],
          activation: 'tanh',
          seed: 3,
          dtype,
          weightDecay: 0.001,
        });
        await fitParallel(net, x, y, { workers, chunks: 3, epochs: 4, batchSize: 26, learningRate: 0.05 });
        return Array.from(net.params);
      };
      assert.deepEqual(await run(2), await run(1), dtype);
    }
  } finally {
    kernels.setKernelBackend(before);
  }
});

test("workers: 'auto' without SharedArrayBuffer (a page that is not cross-origin isolated): the calling thread computes the chunks, same weights", async () => {
  const { spawnSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const entry = fileURLToPath(new URL('../src/index.js', import.meta.url));
  // 512 rows × 66,817 parameters: 'auto' cuts each batch into 2 chunks; planned long enough for a
  // worker (where there are threads), stopped after 2 epochs by the callback
  const script = `
    const { Network, fit } = await import(${JSON.stringify(entry)});
    const x = Array.from({ length: 512 }, (_, i) => [Math.sin(i), Math.cos(i * 0.3)]);
    const y = x.map(([a, b]) => [a * b]);
    const net = new Network({ layers: [2, 256, 256, 1], activation: 'relu', seed: 1 });
    let epochs = 0;
    await fit(net, x, y, { epochs: 1e6, batchSize: 512, onEpoch: () => ++epochs < 2 });
    console.log(typeof SharedArrayBuffer, Array.from(net.params.subarray(0, 64)).join(','));`;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'scratchnet-nosab-')), 'run.mjs');
  writeFileSync(file, script);
  const run = (flags: string[]) => {
    const r = spawnSync(process.execPath, [...flags, file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split(' ');
  };
  const [withShared, weights] = run([]);
  const [without, weightsWithout] = run(['--no-harmony-sharedarraybuffer']);
  assert.equal(withShared, 'function');
  assert.equal(without, 'undefined');
  assert.equal(weightsWithout, weights);
});

test('workers under `node -e CODE`: the worker threads run their own file, not CODE again (they inherit the Node options)', async () => {
  const { spawnSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const entry = fileURLToPath(new URL('../src/index.js', import.meta.url));
  const code = `
    const { Network, fit, autoFit } = await import(${JSON.stringify(entry)});
    const x = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(i * 0.3)]);
    const y = x.map(([a, b]) => [a * b]);
    await fit(new Network({ layers: [2, 8, 1], seed: 1 }), x, y, { epochs: 2, workers: 2 });
    await autoFit(x, y.map(([v]) => v), { workers: 2, budget: 0.5 });
    console.log('done');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'done');
});

test("rowsAt / workerRows: each worker's chunks of any batch up to maxRows fit its row buffer, without overlap", async () => {
  const { chunkOwner, chunkStart, rowsAt, workerRows } = await import('../src/train/parallel-shared.js');
  for (const [threads, chunks, maxRows] of [
    [2, 2, 128],
    [2, 5, 101],
    [3, 2, 7],
    [4, 9, 33],
    [3, 4, 1],
  ]) {
    for (let w = 1; w < threads; w++) {
      const room = workerRows(w, threads, chunks, maxRows);
      let needed = 0;
      for (let rows = 1; rows <= maxRows; rows++) {
        let end = 0;
        for (let c = 0; c < chunks; c++) {
          if (chunkOwner(c, threads) !== w) continue;
          const n = chunkStart(c + 1, rows, chunks) - chunkStart(c, rows, chunks);
          const at = rowsAt(c, threads, chunks, maxRows);
          assert.ok(at >= end, `threads ${threads}, chunks ${chunks}, rows ${rows}: chunk ${c} overlaps`);
          end = at + n;
          needed = Math.max(needed, end);
        }
      }
      assert.ok(
        needed <= room,
        `worker ${w} of ${threads} (${chunks} chunks, ${maxRows} rows): ${needed} > ${room}`,
      );
      if (w >= chunks) assert.equal(room, 0, `worker ${w} has no chunk`);
    }
  }
});
