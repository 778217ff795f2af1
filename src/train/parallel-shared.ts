// What the main thread and the data-parallel workers share (parallel.ts, parallel-worker.ts): the
// control block's slots, the chunking of a batch, the shared buffers and the fixed-order reduction.
//
// The kernels' memory: where the calling thread's WebAssembly memory is shared (Node), each worker
// joins it (runtime.ts: sharedKernels, joinKernels): its own instance of the same module over the same
// memory, its own blocks in it. A worker then reads the network's weights in place (its layers'
// parameter views re-pointed once to the calling thread's network.params: no copy per step) and
// leaves its last chunk's gradient in its own net.grads, read in place by the reduction (GRADS_AT).
// Otherwise (the JavaScript kernels) every buffer below is a plain SharedArrayBuffer, the weights are
// copied in by each worker and every worker chunk is written to its slot.
//
// Shared buffers, made once per trainer (P parameters, C chunks, R = maxRows):
//   params  [P]       the weights, written by the main thread before each step, unless the workers
//                     read the network's own (residentParams: its parameters in the kernels' shared
//                     memory; control[PARAMS_FROM] says which, per step)
//   slots   [C × P]   each chunk's ∂data-loss/∂params (a mean over its rows), unless its thread left
//                     it in its own grads (ReductionPlan.kept); in the kernels' memory when shared
//   target  [P]       where the reduction writes: the main thread's net.grads when the workers can
//                     write there (inPlace), else a sum buffer the main thread copies from
//   losses  [C]       each chunk's data loss (float64)
//   control Int32 [GRADS_AT + threads − 1] the slots below;  message  Uint8 [1024]  a failed worker's error, UTF-8
// and made by each worker when it starts, in the kernels' memory where that is shared (so that
// its first layer reads them in place, with no copy of its own), sent back once through a MessagePort:
//   x, y    [K·S × inputs], [K·S × outputs]   the rows of its K chunks, chunk by chunk, each
//                     S = ⌈R / C⌉ rows apart (rowsAt)
//
// A step's handoffs (every control slot through Atomics; the buffers ordered by them): the calling
// thread writes the weights (unless read in place), UPDATE (and the update block), X_AT, Y_AT, ROWS,
// PARAMS_FROM, DONE = COMPUTED = CLAIMED = 0 and COMMAND, then bumps GENERATION and notifies, then
// writes the workers' rows into their x and y (unless X_AT says the batch lies in the kernels'
// memory: the workers read their rows there) and sets ROWS_READY to the new generation: a worker
// wakes meanwhile. A worker steps once per new
// GENERATION value — a wake-up alone is not a step (the notify can come after the worker saw the
// bump, finished and slept again) —, reads its rows once ROWS_READY is that generation, computes its
// chunks (writing their losses, and their slots but the kept one's), then adds 1 to COMPUTED. Every
// thread, the calling one included, adds 1 to COMPUTED after its chunks and waits for COMPUTED =
// threads (the computed barrier: every chunk's gradient is then written); then each claims pieces of
// the parameters (PIECES: Atomics.add on CLAIMED) and sums each claimed piece over every chunk, in
// chunk order, into the target — and, when UPDATE is set, applies the optimizer step to it. A
// piece's sum and step do not depend on which thread makes them (the same kernels, the same order),
// so the results depend on the chunks alone. A worker then adds 1 to
// DONE; the calling thread, having claimed its last piece, waits for DONE = threads − 1 and reads
// the losses. A worker that fails adds 1 to COMPUTED if it had not, then to DONE (the calling
// thread then throws its message). Closing: COMMAND = EXIT, then a bump.

import {
  allocate,
  sgdStep,
  wasmRuntime,
  weightedPairSum,
  type FloatArray,
  type SharedKernels,
} from '../kernels/index.js';
import type { LossTerms, Network } from '../nn/network.js';
import type { SplitOptimizer } from '../optim/index.js';

/** The control block's slots. */
export const GENERATION = 0;
export const DONE = 1;
export const COMMAND = 2;
export const ROWS = 3;
export const FAILURES = 4;
export const READY = 5;
/** where the workers read this step's weights: 1 the network's own (residentParams), 0 the copy (params) */
export const PARAMS_FROM = 6;
/** the generation whose rows are in x and y (written after the wake-up: see the header) */
export const ROWS_READY = 7;
/** the threads whose chunks are computed this step (the computed barrier: see the header) */
export const COMPUTED = 8;
/** the pieces claimed this step (a thread sums piece k when its Atomics.add returned k < PIECES) */
export const CLAIMED = 9;
/**
 * The optimizer step the reduction applies to its pieces this step (DataParallel.step): 0 none (the
 * caller steps after), else the version of the optimizer described in the `optimizer` block (a
 * worker makes its twin again when it changes); the step's figures are in the `update` block (UPDATE_*).
 */
export const UPDATE = 10;
/**
 * Where this step's batch lies when it is in the kernels' shared memory (a resident block: fit's
 * batches with workers): the byte addresses of its x and y, read there by the workers in place (no
 * copy of their rows); −1 when it lies elsewhere (its rows are then copied into each worker's own).
 */
export const X_AT = 11;
export const Y_AT = 12;
/**
 * control[GRADS_AT + w − 1]: the byte address of worker w's net.grads in the kernels' shared memory,
 * where it leaves its last chunk's gradient; −1 when it has none there (it then writes every chunk
 * to its slot). Written once by the worker before it counts itself READY.
 */
export const GRADS_AT = 13;
/** Control slots for `threads` threads. */
export const controlSlots = (threads: number) => GRADS_AT + Math.max(0, threads - 1);
/**
 * Pieces the reduction is cut into (parameters [chunkStart(k, P, PIECES), chunkStart(k + 1, P,
 * PIECES))), claimed by whichever thread comes first. The sum is elementwise, so neither the pieces
 * nor who sums them change its bits.
 */
export const PIECES = 8;
/**
 * The `update` block (float64): the step's learning rate and count, then how many state buffers the
 * optimizer keeps and their byte addresses in the kernels' shared memory (at most MAX_STATE).
 */
export const UPDATE_RATE = 0;
export const UPDATE_STEP = 1;
export const UPDATE_STATES = 2;
export const UPDATE_STATE_AT = 3;
export const MAX_STATE = 4;
export const UPDATE_SLOTS = UPDATE_STATE_AT + MAX_STATE;
/** COMMAND values. */
export const STEP = 1;
export const EXIT = 2;
export const MESSAGE_BYTES = 1024;
/**
 * The arenas a worker took in the kernels' shared memory (runtime.ts: joinKernels), as Uint32 slots,
 * ARENA_SLOTS per worker (worker w's at (w − 1)·ARENA_SLOTS): their count, then each arena's address
 * and size. The calling thread reclaims them when it closes the trainer (the workers are idle then).
 */
export const MAX_ARENAS = 64;
export const ARENA_SLOTS = 1 + 2 * MAX_ARENAS;

/** Records arena (address, bytes) of worker `index` in the arenas block (see ARENA_SLOTS). */
export function recordArena(block: SharedArrayBuffer, index: number, address: number, bytes: number): void {
  const slots = new Uint32Array(block, (index - 1) * ARENA_SLOTS * 4, ARENA_SLOTS);
  const n = Atomics.load(slots, 0);
  if (n >= MAX_ARENAS) throw new Error(`more than ${MAX_ARENAS} arenas in the kernels' memory`);
  Atomics.store(slots, 1 + 2 * n, address);
  Atomics.store(slots, 2 + 2 * n, bytes);
  Atomics.store(slots, 0, n + 1);
}

/**
 * The chunk boundaries of a batch of `rows` rows: chunk c covers rows [start(c), start(c + 1)).
 * Even chunks: the workers cannot start the next step before the calling thread has summed the
 * slots and updated the weights, so giving them more rows would only make the step longer.
 */
export function chunkStart(c: number, rows: number, chunks: number): number {
  return Math.floor((c * rows) / chunks);
}

/** Which thread computes chunk c: 0 is the main thread, 1… the worker threads (round robin). */
export function chunkOwner(c: number, threads: number): number {
  return c % threads;
}

/** The most rows one chunk of a batch of at most `maxRows` rows holds. */
function chunkCapacity(maxRows: number, chunks: number): number {
  return Math.ceil(maxRows / chunks);
}

/** Where chunk c's rows start in its worker's x and y, in rows: the worker's chunks packed in order. */
export function rowsAt(c: number, threads: number, chunks: number, maxRows: number): number {
  return Math.floor(c / threads) * chunkCapacity(maxRows, chunks);
}

/** The rows worker `index`'s x and y hold: room for each of its chunks. */
export function workerRows(index: number, threads: number, chunks: number, maxRows: number): number {
  const own = index < chunks ? Math.floor((chunks - 1 - index) / threads) + 1 : 0;
  return own * chunkCapacity(maxRows, chunks);
}

/** A shared float array as a worker rebuilds it: the buffer, where it starts, how many elements. */
export interface SharedFloats {
  buffer: SharedArrayBuffer;
  byteOffset: number;
  length: number;
  /** whether it lies in the kernels' shared memory (a thread that joined it views it there: kernelView) */
  kernel?: boolean;
}

/** What a worker receives when it starts. */
export interface WorkerSetup {
  network: unknown;
  /** 1… (0 is the main thread) */
  index: number;
  threads: number;
  chunks: number;
  maxRows: number;
  /** the main thread's kernel backend, so that every chunk runs the same kernels */
  backend: 'wasm' | 'js';
  /** the main thread's kernels when their memory is shared: the worker joins them (joinKernels) */
  kernels: SharedKernels | null;
  params: SharedFloats;
  /** the main thread's network.params when they live in shared memory (read in place), else null */
  residentParams: SharedFloats | null;
  slots: SharedFloats;
  /** where the reduction writes (the main thread's net.grads, or a sum buffer) */
  target: SharedFloats;
  /** the main thread's net.grads when it may leave a chunk there (it is the target then), else null */
  mainGrads: SharedFloats | null;
  losses: SharedArrayBuffer;
  control: SharedArrayBuffer;
  /** the arenas each worker took in the kernels' memory (ARENA_SLOTS) */
  arenas: SharedArrayBuffer;
  message: SharedArrayBuffer;
  /** the step the reduction applies (UPDATE_*), float64 */
  update: SharedArrayBuffer;
  /** the optimizer whose step that is: {name, options} as JSON, UTF-8 (writeMessage) */
  optimizer: SharedArrayBuffer;
  /** where the worker sends its RowBuffers once, before it counts itself READY */
  port: { postMessage(message: RowBuffers): void; close(): void };
}

/** A worker's x and y (rowsAt, workerRows), made by it and sent to the calling thread when it starts. */
export interface RowBuffers {
  x: SharedFloats;
  y: SharedFloats;
}

export type DType = 'float64' | 'float32';

/** A view of shared floats of the network's precision. */
export function floatView(dtype: DType, s: SharedFloats): FloatArray {
  return dtype === 'float32'
    ? new Float32Array(s.buffer, s.byteOffset, s.length)
    : new Float64Array(s.buffer, s.byteOffset, s.length);
}

/** Whether this runtime has SharedArrayBuffer (a browser page has it only when cross-origin isolated). */
const hasShared = typeof SharedArrayBuffer === 'function';

/**
 * `bytes` bytes in a SharedArrayBuffer, or in a plain ArrayBuffer where the runtime has none: then no
 * worker can start (threadsModule is null) and the calling thread computes every chunk itself, with
 * the same sums — the chunks, not the threads, decide the results.
 */
export function sharedBytes(bytes: number): SharedArrayBuffer {
  return hasShared ? new SharedArrayBuffer(bytes) : (new ArrayBuffer(bytes) as unknown as SharedArrayBuffer);
}

/** Whether `buffer` is a SharedArrayBuffer (false wherever the runtime has none). */
function isShared(buffer: ArrayBufferLike): buffer is SharedArrayBuffer {
  return hasShared && buffer instanceof SharedArrayBuffer;
}

/** `a` as SharedFloats when it views a SharedArrayBuffer (the kernels' memory in Node), else null. */
export function sharedView(a: FloatArray): SharedFloats | null {
  if (!isShared(a.buffer)) return null;
  const kernel = (wasmRuntime()?.addressOf(a) ?? -1) >= 0;
  return { buffer: a.buffer, byteOffset: a.byteOffset, length: a.length, kernel };
}

/**
 * A view of `s` as this thread's kernels see it: through their own buffer when `s` lies in the
 * kernels' shared memory and this thread's kernels run on that memory (`sameMemory`: the thread that
 * made it, or one that joined it), so that they work on it in place; else through its own buffer.
 */
export function kernelView(dtype: DType, s: SharedFloats, sameMemory: boolean): FloatArray {
  const rt = wasmRuntime();
  if (s.kernel && sameMemory && rt?.shared)
    return dtype === 'float32' ? rt.f32(s.byteOffset, s.length) : rt.f64(s.byteOffset, s.length);
  return floatView(dtype, s);
}

/** n floats in a new SharedArrayBuffer (see sharedBytes). */
export function sharedFloats(dtype: DType, n: number): SharedFloats {
  const size = dtype === 'float32' ? 4 : 8;
  return { buffer: sharedBytes(Math.max(1, n) * size), byteOffset: 0, length: n };
}

/**
 * n floats in the kernels' memory when it is shared (workers may write there; where the runtime hides
 * SharedArrayBuffer no worker starts, but the calling thread's kernels still work there in place, with
 * the bits they give with workers), else a new SharedArrayBuffer.
 */
export function kernelFloats(dtype: DType, n: number): { shared: SharedFloats; view: FloatArray } {
  const view = allocate(dtype, n);
  if ((wasmRuntime()?.addressOf(view) ?? -1) >= 0)
    return {
      shared: {
        buffer: view.buffer as SharedArrayBuffer,
        byteOffset: view.byteOffset,
        length: n,
        kernel: true,
      },
      view,
    };
  const shared = sharedFloats(dtype, n);
  return { shared, view: floatView(dtype, shared) };
}

/** Gives back a buffer of kernelFloats (nothing to do for a SharedArrayBuffer of its own). */
export function releaseKernelFloats(view: FloatArray): void {
  const rt = wasmRuntime();
  const at = rt ? rt.addressOf(view) : -1;
  if (rt && at >= 0) rt.release(at);
}

/**
 * The reduction, in chunk order: out ← Σ_{c in used} share_c · gradient(c), with `used` the chunks
 * that have rows, ascending. The first two terms in one pass (weightedPairSum: (0 − (−s₀)·g₀) −
 * (−s₁)·g₁), each further term as out ← out − (−share_c)·g_c (the sgd_step kernel with a negative
 * rate: an axpy, the negation exact). One order that depends on the chunks only, never on which
 * thread computed them, and the same bits as sgd_step applied term by term to a zeroed sum.
 * `gradient(c)` may return `out` itself for one of the first two chunks.
 */
export function reduceChunks(
  out: FloatArray,
  gradient: (c: number) => FloatArray,
  shares: number[],
  used: number[],
): void {
  if (used.length < 2) {
    out.fill(0);
    if (used.length === 1) sgdStep(out, gradient(used[0]), -shares[used[0]]);
    return;
  }
  weightedPairSum(out, gradient(used[0]), shares[used[0]], gradient(used[1]), shares[used[1]]);
  for (let k = 2; k < used.length; k++) sgdStep(out, gradient(used[k]), -shares[used[k]]);
}

/** How a batch of `rows` rows is reduced: made the same way by every thread (planReduction). */
export interface ReductionPlan {
  rows: number;
  /** each chunk's share of the rows */
  shares: number[];
  /** the chunks with rows, in order */
  used: number[];
  /** kept[t]: the chunk thread t leaves in its own net.grads instead of its slot (−1: none) */
  kept: number[];
  /** the PIECES pieces of the reduction: where each is written, and each chunk's gradient there */
  pieces: Piece[];
}

/** A piece of the reduction: where it is written, and each chunk's gradient there. */
export interface Piece {
  /** the parameters it covers: [from, to) */
  from: number;
  to: number;
  target: FloatArray;
  source: (c: number) => FloatArray;
}

/**
 * The optimizer step a reduction applies to each piece once summed (DataParallel.step): `optimizer`
 * (this thread's: the calling thread's own, a worker's twin) updates params[from, to) from
 * grads[from, to), grads being the reduction's target (the calling thread's net.grads).
 */
export interface PieceUpdate {
  optimizer: SplitOptimizer;
  params: FloatArray;
  grads: FloatArray;
}

/**
 * The plan of a batch of `rows` rows, summed into `target`. Thread t keeps its last chunk in its own
 * grads, `grads[t]` (as this thread sees them), unless that is null: the main thread's (grads[0]) are
 * the target as well, so it keeps a chunk only when that chunk is one of the first two terms (read
 * before the first write: reduceChunks). Every other chunk is read from its slot.
 */
export function planReduction(
  rows: number,
  grads: (FloatArray | null)[],
  slots: FloatArray[],
  target: FloatArray,
): ReductionPlan {
  const [chunks, threads, P] = [slots.length, grads.length, target.length];
  const shares = slots.map((_, c) => (chunkStart(c + 1, rows, chunks) - chunkStart(c, rows, chunks)) / rows);
  const used = shares.flatMap((share, c) => (share > 0 ? [c] : []));
  const kept = grads.map(() => -1);
  for (const c of used) kept[chunkOwner(c, threads)] = grads[chunkOwner(c, threads)] ? c : -1;
  if (used.length < 2 || (kept[0] !== used[0] && kept[0] !== used[1])) kept[0] = -1;
  const pieces = Array.from({ length: PIECES }, (_, k) => {
    const [a, b] = [chunkStart(k, P, PIECES), chunkStart(k + 1, P, PIECES)];
    const parts = slots.map((slot, c) =>
      (kept[chunkOwner(c, threads)] === c ? (grads[chunkOwner(c, threads)] ?? slot) : slot).subarray(a, b),
    );
    return { from: a, to: b, target: target.subarray(a, b), source: (c: number) => parts[c] };
  });
  return { rows, shares, used, kept, pieces };
}

/** Each thread's grads where it may keep a chunk: the main thread's `main`, each worker's at its GRADS_AT (viewed by `view`), else null. */
export function threadGrads(
  control: Int32Array,
  threads: number,
  main: FloatArray | null,
  view: (address: number) => FloatArray,
): (FloatArray | null)[] {
  return Array.from({ length: threads }, (_, t) => {
    const at = t === 0 ? -1 : Atomics.load(control, GRADS_AT + t - 1);
    return t === 0 ? main : at < 0 ? null : view(at);
  });
}

/** The data loss plus the penalties, added once on the whole batch (m = N) as Network.computeGradient adds them. */
export function addPenalties(net: Network, data: number, N: number): LossTerms {
  const penalties: Record<string, number> = {};
  let total = data;
  for (const r of net.regularizers) {
    let p = 0;
    for (const ref of net.parameterRefs) {
      if (!ref.parameter.regularize) continue;
      r.addGradient(ref.parameter.grad, ref.parameter.value, N);
      p += r.penalty(ref.parameter.value, N);
    }
    penalties[r.name] = (penalties[r.name] ?? 0) + p;
    total += p;
  }
  return { total, data, penalties };
}

/** Claims pieces (CLAIMED) until none is left, summing each: this thread's share of the reduction. */
export function sumClaimedPieces(control: Int32Array, plan: ReductionPlan, update: PieceUpdate | null): void {
  for (let k = Atomics.add(control, CLAIMED, 1); k < PIECES; k = Atomics.add(control, CLAIMED, 1)) {
    const piece = plan.pieces[k];
    reduceChunks(piece.target, piece.source, plan.shares, plan.used);
    // the step on the piece just summed, while it is in this thread's cache
    update?.optimizer.updateRange(update.params, update.grads, piece.from, piece.to);
  }
}

/** Writes a worker's error into the shared message block (truncated to its size). */
export function writeMessage(block: SharedArrayBuffer, text: string): void {
  const bytes = new TextEncoder().encode(text).subarray(0, MESSAGE_BYTES - 1);
  const view = new Uint8Array(block);
  view.set(bytes);
  view[bytes.length] = 0;
}

/** Reads the shared message block. */
export function readMessage(block: SharedArrayBuffer): string {
  const view = new Uint8Array(block);
  const end = view.indexOf(0);
  return new TextDecoder().decode(view.slice(0, end < 0 ? view.length : end));
}

/**
 * How long a thread polls a control slot before it sleeps in Atomics.wait. A sleeping thread's
 * wake-up takes tens of microseconds (more on a virtual machine, whose idle core may be halted),
 * while between steps each thread waits only for the other's short serial part (the reduction, the
 * optimizer step, the next rows), so a short poll saves a wake-up per step on an idle machine. On a
 * busy one the other thread is often descheduled and the poll is wasted: after a poll that missed,
 * the next waits sleep at once, 1, 2, 4 … up to MAX_POLL_PAUSE of them while polls keep missing.
 */
export const SPIN_MS = 0.5;
export const MAX_POLL_PAUSE = 64;
/** Loads of the slot between two reads of the clock while polling (well under a microsecond). */
const POLL_LOADS = 64;

/** A thread's polling before it sleeps (one per thread: it remembers how its last polls went). */
export class Poller {
  /** waits left to sleep through without polling, and the pause after the next miss */
  #left = 0;
  #pause = 1;

  /** Polls control[slot] until it differs from `seen`, for at most SPIN_MS; whether it did. */
  changed(control: Int32Array, slot: number, seen: number): boolean {
    if (this.#left > 0) {
      this.#left--;
      return false;
    }
    // the clock read once per POLL_LOADS loads: each performance.now() makes a heap number
    const end = performance.now() + SPIN_MS;
    do
      for (let i = 0; i < POLL_LOADS; i++)
        if (Atomics.load(control, slot) !== seen) {
          this.#pause = 1;
          return true;
        }
    while (performance.now() < end);
    this.#left = this.#pause;
    this.#pause = Math.min(2 * this.#pause, MAX_POLL_PAUSE);
    return false;
  }
}

/**
 * Blocks until control[slot] ≥ target (polling first with a poller, see SPIN_MS); false after `timeoutMs`
 * without reaching it. (Atomics.wait returns as soon as the slot changes, so a worker that
 * notifies is heard at once.)
 */
export function waitAtLeast(
  control: Int32Array,
  slot: number,
  target: number,
  timeoutMs: number,
  poller: Poller | null = null,
): boolean {
  return waitFor(control, slot, target, false, timeoutMs, poller);
}

/**
 * Blocks until control[slot] = value, as waitAtLeast: for a slot that takes increasing values which
 * wrap past 2³¹ (a generation), where only equality tells.
 */
export function waitEqual(
  control: Int32Array,
  slot: number,
  value: number,
  timeoutMs: number,
  poller: Poller,
) {
  return waitFor(control, slot, value, true, timeoutMs, poller);
}

function waitFor(
  control: Int32Array,
  slot: number,
  target: number,
  exact: boolean,
  timeoutMs: number,
  poller: Poller | null,
): boolean {
  // the clock is read only once the slot is found short (a wait already met reads none)
  let end = -1;
  for (;;) {
    const v = Atomics.load(control, slot);
    if (exact ? v === target : v >= target) return true;
    if (end < 0) end = performance.now() + timeoutMs; // the first miss
    if (poller?.changed(control, slot, v)) continue;
    const left = end - performance.now();
    if (left <= 0) return false;
    Atomics.wait(control, slot, v, left);
  }
}
