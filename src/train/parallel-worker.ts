// One worker thread of DataParallel (parallel.ts): rebuilds the network and makes its rows' buffers
// in its own kernels' memory (sent to the calling thread once), then for each step copies the shared
// weights in (its rows meanwhile written there by the calling thread: ROWS_READY) and computes
// the data-loss gradient of its chunks (c ≡ index mod threads) into their shared slots, piece by
// piece (PROGRESS: the calling thread sums each piece once written). Blocks in Atomics.wait between
// steps (a step is a new generation, never a bare wake-up); a failure is written to the shared
// message block (the main thread, blocked in Atomics.wait, hears no postMessage).

import { workerData } from 'node:worker_threads';
import {
  kernelBackend,
  setKernelBackend,
  wasmFailure,
  wasmReady,
  type FloatArray,
} from '../kernels/index.js';
import type { Matrix } from '../matrix.js';
import { Network, type NetworkJSON } from '../nn/network.js';
import {
  COMMAND,
  DONE,
  EXIT,
  FAILURES,
  GENERATION,
  PARAMS_FROM,
  PIECES,
  PROGRESS,
  FAILED_PROGRESS,
  READY,
  Poller,
  ROWS,
  ROWS_READY,
  chunkOwner,
  chunkStart,
  floatView,
  kernelFloats,
  rowsAt,
  sharedFloats,
  waitEqual,
  workerRows,
  writeMessage,
  type DType,
  type WorkerSetup,
} from './parallel-shared.js';

const setup = workerData as WorkerSetup;
const control = new Int32Array(setup.control);
const dataOnly = { data: true, penalties: false };

/** This worker's PROGRESS slot. */
const progress = PROGRESS + setup.index - 1;

/** Reports a failure: the message, FAILURES, and PROGRESS past any piece the calling thread awaits. */
function fail(e: unknown): void {
  writeMessage(setup.message, `worker ${setup.index}: ${(e as Error)?.message ?? String(e)}`);
  Atomics.add(control, FAILURES, 1);
  Atomics.store(control, progress, FAILED_PROGRESS);
  Atomics.notify(control, progress);
}

/** The worker's state: its network and its views of the shared buffers. */
async function prepare() {
  await wasmReady;
  setKernelBackend(setup.backend);
  // a worker whose WebAssembly failed to compile would run the JavaScript kernels: other bits than the
  // calling thread's, silently — refuse instead
  if (kernelBackend() !== setup.backend)
    throw new Error(
      `its kernels are ${kernelBackend()}, the calling thread's ${setup.backend} (${wasmFailure()})`,
    );
  const net = Network.fromJSON(setup.network as NetworkJSON);
  const P = net.params.length;
  const slots = floatView(net.dtype, setup.slots);
  const piece = (a: FloatArray, k: number) =>
    a.subarray(chunkStart(k, P, PIECES), chunkStart(k + 1, P, PIECES));
  const pieces = (a: FloatArray) => Array.from({ length: PIECES }, (_, k) => piece(a, k));
  const rows = workerRows(setup.index, setup.threads, setup.chunks, setup.maxRows);
  const x = rowBuffer(net.dtype, rows * net.inputSize);
  const y = rowBuffer(net.dtype, rows * net.outputSize);
  setup.port.postMessage({ x: x.shared, y: y.shared });
  setup.port.close();
  return {
    net,
    params: floatView(net.dtype, setup.params),
    residentParams: setup.residentParams && floatView(net.dtype, setup.residentParams),
    /** net.grads and each slot [chunks], in PIECES pieces */
    gradPieces: pieces(net.grads),
    slotPieces: Array.from({ length: setup.chunks }, (_, c) => pieces(slots.subarray(c * P, (c + 1) * P))),
    losses: new Float64Array(setup.losses),
    x: x.view,
    y: y.view,
  };
}

/**
 * n floats where the calling thread writes this worker's rows: in this thread's kernels' memory when
 * it is shared (the first layer then reads them in place), else, or when it cannot grow, a new
 * SharedArrayBuffer.
 */
function rowBuffer(dtype: DType, n: number) {
  try {
    return kernelFloats(dtype, n);
  } catch {
    const shared = sharedFloats(dtype, n);
    return { shared, view: floatView(dtype, shared) };
  }
}
type State = Awaited<ReturnType<typeof prepare>>;

/** Row views of the shared batch for chunk c, made once per batch size. */
const views = new Map<number, { x: Matrix; y: Matrix }[]>();
function chunkViews(s: State, rows: number): { x: Matrix; y: Matrix }[] {
  let v = views.get(rows);
  if (!v) {
    const { inputSize: I, outputSize: O } = s.net;
    v = [];
    const { threads, chunks, maxRows } = setup;
    for (let c = 0; c < chunks; c++) {
      // only this worker's chunks have room in x and y (rowsAt); the others stay empty
      const own = chunkOwner(c, threads) === setup.index;
      const n = own ? chunkStart(c + 1, rows, chunks) - chunkStart(c, rows, chunks) : 0;
      const a = own ? rowsAt(c, threads, chunks, maxRows) : 0;
      v.push({
        x: { rows: n, cols: I, data: s.x.subarray(a * I, (a + n) * I) },
        y: { rows: n, cols: O, data: s.y.subarray(a * O, (a + n) * O) },
      });
    }
    views.set(rows, v);
  }
  return v;
}

/** How long a worker waits for a step's rows after its wake-up (the calling thread writes them at once). */
const ROWS_TIMEOUT_MS = 60_000;
const rowsPoller = new Poller();

/** One step (generation `generation`): the weights in, then this worker's chunks into their slots. */
function step(s: State, generation: number): void {
  const inPlace = Atomics.load(control, PARAMS_FROM) === 1 && s.residentParams;
  s.net.params.set(inPlace || s.params);
  if (!waitEqual(control, ROWS_READY, generation, ROWS_TIMEOUT_MS, rowsPoller))
    throw new Error(`the rows of step ${generation} did not come within ${ROWS_TIMEOUT_MS / 1000} s`);
  const chunks = chunkViews(s, Atomics.load(control, ROWS));
  let written = 0;
  for (let c = 0; c < setup.chunks; c++) {
    if (chunkOwner(c, setup.threads) !== setup.index || chunks[c].x.rows === 0) continue;
    s.losses[c] = s.net.computeGradient(chunks[c].x, chunks[c].y, dataOnly).data;
    for (let k = 0; k < PIECES; k++) {
      s.slotPieces[c][k].set(s.gradPieces[k]);
      Atomics.store(control, progress, ++written);
      Atomics.notify(control, progress);
    }
  }
}

let state: State | null = null;
try {
  state = await prepare();
} catch (e) {
  fail(e);
}
Atomics.add(control, READY, 1);
Atomics.notify(control, READY);
const poller = new Poller();

/**
 * Blocks until the generation differs from `seen`, and returns it. Only a new generation is a step:
 * Atomics.wait also returns for a notify that comes late (the calling thread bumps the generation,
 * then notifies; a worker that polled, saw the bump, finished the step and slept again is woken by
 * that notify with nothing new), and running the step again would count this worker done twice —
 * the calling thread could then sum a step before another worker's chunk of it is written.
 */
function nextGeneration(seen: number): number {
  for (;;) {
    const generation = Atomics.load(control, GENERATION);
    if (generation !== seen) return generation;
    if (!poller.changed(control, GENERATION, seen)) Atomics.wait(control, GENERATION, seen);
  }
}

let seen = 0;
while (state) {
  seen = nextGeneration(seen);
  if (Atomics.load(control, COMMAND) === EXIT) break;
  try {
    step(state, seen);
  } catch (e) {
    fail(e);
  }
  Atomics.add(control, DONE, 1);
  Atomics.notify(control, DONE);
}
