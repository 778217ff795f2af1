// One worker of DataParallel (parallel.ts): rebuilds the network, then for each step copies the
// shared weights in and computes the data-loss gradient of its chunks (c ≡ index mod workers) into
// their shared slots. Blocks in Atomics.wait between steps.

import { parentPort, workerData } from 'node:worker_threads';
import { Network } from '../nn/network.js';
import { wasmReady } from '../kernels/index.js';
import type { FloatArray, Matrix } from '../matrix.js';
import { COMMAND, DONE, EXIT, FAILURES, GENERATION, ROWS, chunkStart, type WorkerSetup } from './parallel.js';

const setup = workerData as WorkerSetup;
await wasmReady;
const net = Network.fromJSON(setup.network);
const floats = (b: SharedArrayBuffer): FloatArray =>
  net.dtype === 'float32' ? new Float32Array(b) : new Float64Array(b);
const P = net.params.length;
const I = net.inputSize;
const O = net.outputSize;
const params = floats(setup.params);
const grads = floats(setup.grads);
const losses = new Float64Array(setup.losses);
const x = floats(setup.x);
const y = floats(setup.y);
const control = new Int32Array(setup.control);
const dataOnly = { data: true, penalties: false };

/** Row views of the shared batch for chunk c, made once per batch size. */
const views = new Map<number, { x: Matrix; y: Matrix }[]>();
function chunkViews(rows: number): { x: Matrix; y: Matrix }[] {
  let v = views.get(rows);
  if (!v) {
    v = [];
    for (let c = 0; c < setup.chunks; c++) {
      const a = chunkStart(c, rows, setup.chunks);
      const b = chunkStart(c + 1, rows, setup.chunks);
      v.push({
        x: { rows: b - a, cols: I, data: x.subarray(a * I, b * I) },
        y: { rows: b - a, cols: O, data: y.subarray(a * O, b * O) },
      });
    }
    views.set(rows, v);
  }
  return v;
}

if (!parentPort) throw new Error('parallel-worker.js runs as a worker thread (see parallel.ts)');
const port = parentPort;
port.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(control, GENERATION, seen);
  seen = Atomics.load(control, GENERATION);
  if (Atomics.load(control, COMMAND) === EXIT) break;
  try {
    net.params.set(params);
    const chunks = chunkViews(Atomics.load(control, ROWS));
    for (let c = setup.index; c < setup.chunks; c += setup.workers) {
      if (chunks[c].x.rows === 0) continue;
      losses[c] = net.computeGradient(chunks[c].x, chunks[c].y, dataOnly).data;
      grads.set(net.grads, c * P);
    }
  } catch (e) {
    Atomics.add(control, FAILURES, 1);
    port.postMessage(`worker ${setup.index}: ${(e as Error).message}`);
  }
  Atomics.add(control, DONE, 1);
  Atomics.notify(control, DONE);
}
