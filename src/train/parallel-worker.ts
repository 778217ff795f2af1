// One worker thread of DataParallel (parallel.ts): joins the calling thread's kernels' memory where
// it is shared (its layers then read the weights there in place), rebuilds the network and makes its
// rows' buffers in that memory (sent to the calling thread once), then for each step computes the
// data-loss gradient of its chunks (c ≡ index mod threads): the last one left in its own net.grads
// (its address in GRADS_AT), the others into their shared slots; after the computed barrier it sums
// the pieces of the reduction it claims. Without shared kernels it copies the shared weights in and
// writes every chunk to its slot. Blocks in Atomics.wait between steps (a step is a new generation,
// never a bare wake-up); a failure is written to the shared message block (the main thread, blocked
// in Atomics.wait, hears no postMessage). The handoffs: parallel-shared.ts.

import { workerData } from 'node:worker_threads';
import {
  joinKernels,
  kernelBackend,
  setKernelBackend,
  wasmFailure,
  wasmReady,
  wasmRuntime,
} from '../kernels/index.js';
import type { Matrix } from '../matrix.js';
import { Network, type NetworkJSON } from '../nn/network.js';
import { getOptimizer, splits, type OptimizerName, type SplitOptimizer } from '../optim/index.js';
import {
  COMMAND,
  COMPUTED,
  DONE,
  EXIT,
  FAILURES,
  GENERATION,
  GRADS_AT,
  PARAMS_FROM,
  UPDATE,
  UPDATE_RATE,
  UPDATE_STATES,
  UPDATE_STATE_AT,
  UPDATE_STEP,
  X_AT,
  Y_AT,
  readMessage,
  type PieceUpdate,
  READY,
  Poller,
  ROWS,
  ROWS_READY,
  chunkOwner,
  chunkStart,
  floatView,
  kernelFloats,
  kernelView,
  planReduction,
  threadGrads,
  recordArena,
  rowsAt,
  sharedFloats,
  sumClaimedPieces,
  waitAtLeast,
  waitEqual,
  workerRows,
  writeMessage,
  type DType,
  type ReductionPlan,
  type WorkerSetup,
} from './parallel-shared.js';

const setup = workerData as WorkerSetup;
const control = new Int32Array(setup.control);
const dataOnly = { data: true, penalties: false };

/** Reports a failure: the message and FAILURES (the caller then counts this worker COMPUTED and DONE). */
function fail(e: unknown): void {
  writeMessage(setup.message, `worker ${setup.index}: ${(e as Error)?.message ?? String(e)}`);
  Atomics.add(control, FAILURES, 1);
}

/** The worker's state: its network and its views of the shared buffers. */
async function prepare() {
  // the calling thread's memory, before anything here uses the kernels
  if (setup.backend === 'wasm' && setup.kernels)
    joinKernels(setup.kernels, (address, bytes) => recordArena(setup.arenas, setup.index, address, bytes));
  await wasmReady;
  setKernelBackend(setup.backend);
  // a worker whose WebAssembly failed to compile would run the JavaScript kernels: other bits than the
  // calling thread's, silently — refuse instead
  if (kernelBackend() !== setup.backend)
    throw new Error(
      `its kernels are ${kernelBackend()}, the calling thread's ${setup.backend} (${wasmFailure()})`,
    );
  // in the joined memory: the layers read the calling thread's weights in place, and the reduction
  // reads this worker's last chunk in its grads (a worker on the JavaScript kernels has its own
  // WebAssembly memory, if any: it reads the shared buffers through their own SharedArrayBuffers)
  const joined = setup.kernels !== null && wasmRuntime()?.memory === setup.kernels.memory;
  const net = Network.fromJSON(setup.network as NetworkJSON);
  const { dtype } = net;
  const P = net.params.length;
  const slots = kernelView(dtype, setup.slots, joined);
  const rows = workerRows(setup.index, setup.threads, setup.chunks, setup.maxRows);
  const x = rowBuffer(dtype, rows * net.inputSize);
  const y = rowBuffer(dtype, rows * net.outputSize);
  const resident =
    joined && setup.residentParams?.kernel ? kernelView(dtype, setup.residentParams, true) : null;
  if (resident) net.readParametersFrom(resident);
  const gradsAt = joined ? (wasmRuntime()?.addressOf(net.grads) ?? -1) : -1;
  Atomics.store(control, GRADS_AT + setup.index - 1, gradsAt);
  setup.port.postMessage({ x: x.shared, y: y.shared });
  setup.port.close();
  return {
    net,
    /** whether the layers read the calling thread's weights in place (else copied in each step) */
    inPlace: resident !== null,
    /** the calling thread's network.params, where this thread steps its pieces (DataParallel.step), or null */
    mainParams: resident,
    update: new Float64Array(setup.update),
    params: floatView(dtype, setup.params),
    residentParams: setup.residentParams && floatView(dtype, setup.residentParams),
    slots: Array.from({ length: setup.chunks }, (_, c) => slots.subarray(c * P, (c + 1) * P)),
    target: kernelView(dtype, setup.target, joined),
    mainGrads: setup.mainGrads && kernelView(dtype, setup.mainGrads, joined),
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

/** The plan of a batch of `rows` rows and its pieces' views, as the calling thread makes them (made once per size). */
let plan: ReductionPlan | null = null;
function planFor(s: State, rows: number): ReductionPlan {
  if (plan?.rows === rows) return plan;
  const P = s.net.params.length;
  const view = (at: number) =>
    kernelView(s.net.dtype, { ...setup.slots, byteOffset: at, length: P, kernel: true }, true);
  plan = planReduction(rows, threadGrads(control, setup.threads, s.mainGrads, view), s.slots, s.target);
  return plan;
}

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

/**
 * Views of this worker's chunks of a batch the calling thread's caller left in the kernels' shared
 * memory (X_AT, Y_AT), read in place; the last few batches' kept (fit alternates two buffers: its
 * full batches and the shorter last one), so that a step makes none.
 */
const inPlaceViews: { xAt: number; yAt: number; rows: number; views: { x: Matrix; y: Matrix }[] }[] = [];
function batchViews(s: State, rows: number, xAt: number, yAt: number): { x: Matrix; y: Matrix }[] {
  const kept = inPlaceViews.find((v) => v.xAt === xAt && v.yAt === yAt && v.rows === rows);
  if (kept) return kept.views;
  const rt = wasmRuntime();
  if (!rt) throw new Error("a batch in the kernels' memory, but no WebAssembly kernels here");
  const { inputSize: I, outputSize: O, dtype } = s.net;
  const size = dtype === 'float32' ? 4 : 8;
  const view = (at: number, n: number) => (dtype === 'float32' ? rt.f32(at, n) : rt.f64(at, n));
  const { threads, chunks } = setup;
  const views = Array.from({ length: chunks }, (_, c) => {
    const own = chunkOwner(c, threads) === setup.index;
    const a = chunkStart(c, rows, chunks);
    const n = own ? chunkStart(c + 1, rows, chunks) - a : 0;
    return {
      x: { rows: n, cols: I, data: view(xAt + a * I * size, n * I) },
      y: { rows: n, cols: O, data: view(yAt + a * O * size, n * O) },
    };
  });
  if (inPlaceViews.length === 4) inPlaceViews.shift();
  inPlaceViews.push({ xAt, yAt, rows, views });
  return views;
}

/** This thread's twin of the calling thread's optimizer (parallel-shared.ts: UPDATE), as last described. */
let twin: { version: number; update: PieceUpdate; states: number[] } | null = null;

/**
 * The step the reduction applies to this worker's pieces (control[UPDATE]: 0 none, else the version
 * of the optimizer described): its twin (made again when the version changes) with this step's
 * learning rate and count, its state the calling thread's buffers.
 */
function pieceUpdate(s: State): PieceUpdate | null {
  const version = Atomics.load(control, UPDATE);
  if (version === 0) return null;
  if (!s.mainParams) throw new Error('asked to step the weights, which it does not read in place');
  if (twin?.version !== version) {
    const spec = JSON.parse(readMessage(setup.optimizer)) as {
      name: OptimizerName;
      options: Record<string, number>;
    };
    const optimizer = getOptimizer(spec.name, spec.options);
    if (!splits(optimizer)) throw new Error(`optimizer ${spec.name} does not split its step`);
    twin = { version, update: { optimizer, params: s.mainParams, grads: s.target }, states: [] };
  }
  const u = s.update;
  const optimizer: SplitOptimizer = twin.update.optimizer;
  optimizer.learningRate = u[UPDATE_RATE];
  optimizer.stepCount = u[UPDATE_STEP];
  // the state buffers where the calling thread has them (new ones after its reset or setState)
  const n = u[UPDATE_STATES];
  let moved = n !== twin.states.length;
  for (let i = 0; i < n && !moved; i++) moved = twin.states[i] !== u[UPDATE_STATE_AT + i];
  if (moved) {
    const rt = wasmRuntime();
    if (!rt) throw new Error('no WebAssembly kernels to step the weights with');
    const P = s.net.params.length;
    twin.states = Array.from({ length: n }, (_, i) => u[UPDATE_STATE_AT + i]);
    optimizer.shareState(twin.states.map((at) => rt.f64(at, P) as Float64Array));
  }
  return twin.update;
}

/** How long a worker waits for a step's rows after its wake-up (the calling thread writes them at once). */
const ROWS_TIMEOUT_MS = 60_000;
const rowsPoller = new Poller();

/** Whether this worker has counted itself COMPUTED this step. */
let computed = false;

/**
 * One step (generation `generation`): the weights in (unless read in place), this worker's chunks
 * (the last left in net.grads when the plan keeps it), the computed barrier, then the pieces it claims.
 */
function step(s: State, generation: number): void {
  computed = false;
  if (!s.inPlace) {
    const fromNetwork = Atomics.load(control, PARAMS_FROM) === 1 && s.residentParams;
    s.net.params.set(fromNetwork || s.params);
  }
  if (!waitEqual(control, ROWS_READY, generation, ROWS_TIMEOUT_MS, rowsPoller))
    throw new Error(`the rows of step ${generation} did not come within ${ROWS_TIMEOUT_MS / 1000} s`);
  const rows = Atomics.load(control, ROWS);
  const xAt = Atomics.load(control, X_AT);
  const chunks = xAt >= 0 ? batchViews(s, rows, xAt, Atomics.load(control, Y_AT)) : chunkViews(s, rows);
  const p = planFor(s, rows);
  for (let c = 0; c < setup.chunks; c++) {
    if (chunkOwner(c, setup.threads) !== setup.index || chunks[c].x.rows === 0) continue;
    s.losses[c] = s.net.computeGradient(chunks[c].x, chunks[c].y, dataOnly).data;
    if (p.kept[setup.index] !== c) s.slots[c].set(s.net.grads);
  }
  computed = true;
  Atomics.add(control, COMPUTED, 1);
  Atomics.notify(control, COMPUTED);
  if (!waitAtLeast(control, COMPUTED, setup.threads, ROWS_TIMEOUT_MS, rowsPoller))
    throw new Error(
      `the other threads' chunks of step ${generation} did not come within ${ROWS_TIMEOUT_MS / 1000} s`,
    );
  if (Atomics.load(control, FAILURES) === 0) sumClaimedPieces(control, p, pieceUpdate(s));
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
    // the other threads wait at the computed barrier for this one
    if (!computed) Atomics.add(control, COMPUTED, 1);
    Atomics.notify(control, COMPUTED);
  }
  Atomics.add(control, DONE, 1);
  Atomics.notify(control, DONE);
}
