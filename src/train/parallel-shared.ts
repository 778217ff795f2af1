// What the main thread and the data-parallel workers share (parallel.ts, parallel-worker.ts): the
// control block's slots, the chunking of a batch, the shared buffers and the fixed-order reduction.
//
// Shared buffers, made once per trainer (P parameters, C chunks, R = maxRows):
//   params  [P]       the weights, written by the main thread before each step, unless the workers
//                     read the network's own (residentParams: its parameters in the kernels' shared
//                     memory; control[PARAMS_FROM] says which, per step)
//   slots   [C × P]   each chunk's ∂data-loss/∂params (a mean over its rows); inside the kernels'
//                     WebAssembly memory when that memory is shared (Node), so the reduction runs
//                     as a SIMD128 kernel; a plain SharedArrayBuffer otherwise
//   losses  [C]       each chunk's data loss (float64)
//   control Int32 [8 + threads − 1] the slots below;  message  Uint8 [1024]  a failed worker's error, UTF-8
// and made by each worker when it starts, in its own kernels' memory where that is shared (so that
// its first layer reads them in place, with no copy of its own), sent back once through a MessagePort:
//   x, y    [K·S × inputs], [K·S × outputs]   the rows of its K chunks, chunk by chunk, each
//                     S = ⌈R / C⌉ rows apart (rowsAt)
//
// A step's handoffs (every control slot through Atomics; the buffers ordered by them): the calling
// thread writes the weights, ROWS, PARAMS_FROM, DONE = 0 and COMMAND, then bumps GENERATION and
// notifies, then writes the workers' rows (into their x and y) and sets ROWS_READY to the new
// generation: a worker copies the weights first, so the rows' copy runs beside it instead of
// before the wake-up. A worker steps
// once per new GENERATION value — a wake-up alone is not a step (the notify can come after the worker
// saw the bump, finished and slept again) —, reads its rows once ROWS_READY is that generation, writes
// its losses, then its slots piece by piece (PIECES), adding 1 to its PROGRESS slot after each, then
// adds 1 to DONE. The calling thread sums piece k once each worker's PROGRESS says its last chunk's
// piece k is written (its earlier chunks then are too), reads the losses once DONE = threads − 1, by
// value. A worker that fails sets its PROGRESS past any target before DONE. Closing: COMMAND = EXIT,
// then a bump.

import { allocate, sgdStep, wasmRuntime, weightedPairSum, type FloatArray } from '../kernels/index.js';

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
/** control[PROGRESS + w − 1]: the slot pieces worker w has written this step (see the header) */
export const PROGRESS = 8;
/** Control slots for `threads` threads. */
export const controlSlots = (threads: number) => PROGRESS + Math.max(0, threads - 1);
/**
 * Pieces a worker writes each slot in (parameters [chunkStart(k, P, PIECES), chunkStart(k + 1, P,
 * PIECES))): the calling thread sums a piece of the parameters as soon as every worker has written
 * it, while the workers write the next. The sum is elementwise, so pieces leave its bits alone.
 */
export const PIECES = 4;
/** What a failed worker sets its PROGRESS slot to: past any piece the calling thread awaits. */
export const FAILED_PROGRESS = 2 ** 30;
/** COMMAND values. */
export const STEP = 1;
export const EXIT = 2;
export const MESSAGE_BYTES = 1024;

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
  params: SharedFloats;
  /** the main thread's network.params when they live in shared memory (read in place), else null */
  residentParams: SharedFloats | null;
  slots: SharedFloats;
  losses: SharedArrayBuffer;
  control: SharedArrayBuffer;
  message: SharedArrayBuffer;
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
  return isShared(a.buffer) ? { buffer: a.buffer, byteOffset: a.byteOffset, length: a.length } : null;
}

/** n floats in a new SharedArrayBuffer (see sharedBytes). */
export function sharedFloats(dtype: DType, n: number): SharedFloats {
  const size = dtype === 'float32' ? 4 : 8;
  return { buffer: sharedBytes(Math.max(1, n) * size), byteOffset: 0, length: n };
}

/** n floats in the kernels' memory when it is shared (workers may write there), else a new SharedArrayBuffer. */
export function kernelFloats(dtype: DType, n: number): { shared: SharedFloats; view: FloatArray } {
  const view = allocate(dtype, n);
  if (isShared(view.buffer))
    return { shared: { buffer: view.buffer, byteOffset: view.byteOffset, length: n }, view };
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
  private left = 0;
  private pause = 1;

  /** Polls control[slot] until it differs from `seen`, for at most SPIN_MS; whether it did. */
  changed(control: Int32Array, slot: number, seen: number): boolean {
    if (this.left > 0) {
      this.left--;
      return false;
    }
    // the clock read once per POLL_LOADS loads: each performance.now() makes a heap number
    const end = performance.now() + SPIN_MS;
    do
      for (let i = 0; i < POLL_LOADS; i++)
        if (Atomics.load(control, slot) !== seen) {
          this.pause = 1;
          return true;
        }
    while (performance.now() < end);
    this.left = this.pause;
    this.pause = Math.min(2 * this.pause, MAX_POLL_PAUSE);
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
