// Worker threads under V8 flags: a process started with a V8 option on its command line (here
// --experimental-wasm-relaxed-simd and --stack-trace-limit, under `node -e`) still starts
// data-parallel workers and autoFit's search workers — a Worker refuses such options in its
// execArgv, and needs none of them: they are process-wide (train/parallel.ts: startThread).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const child = `
const s = await import(${JSON.stringify(new URL('../src/index.js', import.meta.url).href)});
const { DataParallel, Network, Random, autoFit, fit, kernels, toMatrix } = s;
const random = new Random(4);
const rows = Array.from({ length: 64 }, () => [random.normal(), random.normal(), random.normal()]);
const x = toMatrix(rows, 'x', 3, 'float32');
const y = toMatrix(rows.map((r) => [r[0] * r[1], Math.sin(r[2])]), 'y', 2, 'float32');
const gradient = (workers) => {
  const net = new Network({ layers: [3, 16, 2], seed: 1, dtype: 'float32' });
  const trainer = new DataParallel(net, { workers, chunks: 2, maxRows: 64 });
  try {
    return { cost: trainer.computeGradient(x, y), grads: Array.from(net.grads) };
  } finally {
    trainer.close();
  }
};
const net = new Network({ layers: [3, 16, 2], seed: 1, dtype: 'float32' });
const history = await fit(net, x, y, { workers: 2, epochs: 3, batchSize: 32, optimizer: 'sgd', shuffle: false });
const search = await autoFit(
  rows,
  rows.map((r) => [r[0] - r[1]]),
  { workers: 1, seed: 2, candidates: [{ layers: [4], activation: 'tanh', optimizer: 'adam', learningRate: 0.01, epochs: 5 }] },
);
console.log(JSON.stringify({
  relaxed: kernels.relaxedSimdSupported(),
  one: gradient(1),
  two: gradient(2),
  fitEpochs: history.loss.length,
  searchWorkers: search.search.workers,
}));
`;

test('workers start under V8 flags on the command line (--experimental-wasm-relaxed-simd under node -e)', () => {
  const flags = ['--experimental-wasm-relaxed-simd', '--stack-trace-limit=50'];
  const run = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', child], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout.trim().split('\n').pop() ?? '');
  assert.equal(report.relaxed, true, 'the flag reached the engine');
  assert.deepEqual(report.two, report.one, 'two threads and one give the same bits for the same chunks');
  assert.equal(report.fitEpochs, 3);
  assert.equal(report.searchWorkers, 1);
});
