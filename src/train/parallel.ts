// Data-parallel gradients over worker threads with shared memory (Node only: worker_threads is
// loaded on demand, so importing this module costs browsers nothing).
//
// The batch is cut into a fixed number of chunks (default 4) of consecutive rows. Each chunk's
// gradient is computed by one worker into its own slot of shared memory; the main thread then sums
// the slots in chunk order, each weighted by its share of the rows. The chunks and the order of the
// sum depend only on the batch, never on the number of workers, so 1, 2 or 4 workers give
// bit-identical gradients and weights (the same seed ⇒ the same run).
//
// Shared buffers (SharedArrayBuffer), made once per trainer:
//   params  [P]          the weights, written by the main thread before each step
//   grads   [chunks × P] each chunk's ∂data-loss/∂params (a mean over the chunk's rows)
//   losses  [chunks]     each chunk's data loss
//   x, y    [maxRows × inputs], [maxRows × outputs]   the batch
//   control Int32 [8]    0 step generation, 1 workers done, 2 command, 3 rows, 4 failures
// Workers block in Atomics.wait between steps; the main thread blocks until all have finished.
// Penalties (L2, L1) are added once by the main thread, on the whole batch.

import { OptionError, checkNumber } from '../errors.js';
import type { FloatArray } from '../kernels/index.js';
import type { Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';
import { getOptimizer, type Optimizer, type OptimizerName } from '../optim/index.js';

export interface DataParallelOptions {
  /** Worker threads (default 2). */
  workers?: number;
  /** Chunks each batch is cut into (default 4): fixes the summation order, so keep it when changing `workers`. */
  chunks?: number;
  /** The largest batch (rows) the shared buffers must hold. */
  maxRows: number;
}

/** The control block's slots. */
export const GENERATION = 0;
export const DONE = 1;
export const COMMAND = 2;
export const ROWS = 3;
export const FAILURES = 4;
export const STEP = 1;
export const EXIT = 2;

/** What a worker receives when it starts (see parallel-worker.ts). */
export interface WorkerSetup {
  network: ReturnType<Network['toJSON']>;
  index: number;
  workers: number;
  chunks: number;
  maxRows: number;
  params: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  losses: SharedArrayBuffer;
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  control: SharedArrayBuffer;
}

interface WorkerHandle {
  terminate(): Promise<number>;
  on(event: string, listener: (value: unknown) => void): void;
  once(event: string, listener: (value: unknown) => void): void;
}

/** The chunk boundaries of a batch of `rows` rows: chunk c covers rows [start(c), start(c + 1)). */
export function chunkStart(c: number, rows: number, chunks: number): number {
  return Math.floor((c * rows) / chunks);
}

export class DataParallel {
  private readonly params: FloatArray;
  private readonly grads: FloatArray;
  private readonly losses: Float64Array;
  private readonly x: FloatArray;
  private readonly y: FloatArray;
  private readonly control: Int32Array;
  private errors: string[] = [];
  private closed = false;

  private constructor(
    readonly network: Network,
    readonly workerCount: number,
    readonly chunks: number,
    readonly maxRows: number,
    private readonly workers: WorkerHandle[],
    buffers: Omit<WorkerSetup, 'network' | 'index' | 'workers' | 'chunks' | 'maxRows'>,
  ) {
    const floats = (b: SharedArrayBuffer): FloatArray =>
      network.dtype === 'float32' ? new Float32Array(b) : new Float64Array(b);
    this.params = floats(buffers.params);
    this.grads = floats(buffers.grads);
    this.losses = new Float64Array(buffers.losses);
    this.x = floats(buffers.x);
    this.y = floats(buffers.y);
    this.control = new Int32Array(buffers.control);
    for (const w of workers) w.on('message', (m) => this.errors.push(String(m)));
  }

  /** Starts the workers (each builds its copy of the network) and resolves when all are ready. */
  static async create(network: Network, options: DataParallelOptions): Promise<DataParallel> {
    const workers = checkNumber('workers', options.workers ?? 2, { integer: true, min: 1 });
    const chunks = checkNumber('chunks', options.chunks ?? 4, { integer: true, min: 1 });
    const maxRows = checkNumber('maxRows', options.maxRows, { integer: true, min: 1 });
    if (typeof SharedArrayBuffer !== 'function')
      throw new OptionError('data-parallel training needs SharedArrayBuffer', 'workers');
    const threads = await import('node:worker_threads').catch(() => null);
    if (!threads) throw new OptionError('data-parallel training needs Node worker_threads', 'workers');
    const size = network.dtype === 'float32' ? 4 : 8;
    const P = network.params.length;
    const buffers = {
      params: new SharedArrayBuffer(P * size),
      grads: new SharedArrayBuffer(chunks * P * size),
      losses: new SharedArrayBuffer(chunks * 8),
      x: new SharedArrayBuffer(maxRows * network.inputSize * size),
      y: new SharedArrayBuffer(maxRows * network.outputSize * size),
      control: new SharedArrayBuffer(8 * 4),
    };
    const json = network.toJSON();
    const started: WorkerHandle[] = [];
    const ready: Promise<unknown>[] = [];
    for (let index = 0; index < workers; index++) {
      const setup: WorkerSetup = { network: json, index, workers, chunks, maxRows, ...buffers };
      const w = new threads.Worker(new URL('./parallel-worker.js', import.meta.url), {
        workerData: setup,
      }) as unknown as WorkerHandle;
      started.push(w);
      ready.push(
        new Promise((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await Promise.all(started.map((w) => w.terminate()));
      throw e;
    }
    return new DataParallel(network, workers, chunks, maxRows, started, buffers);
  }

  /**
   * Like network.computeGradient(x, y): writes ∂cost/∂params into network.grads and returns the
   * cost (data loss + penalties), with the data part computed by the workers chunk by chunk.
   */
  computeGradient(x: Matrix, y: Matrix): number {
    const net = this.network;
    if (this.closed) throw new OptionError('this DataParallel trainer is closed', 'workers');
    const N = x.rows;
    if (N > this.maxRows)
      throw new OptionError(`batch of ${N} rows exceeds maxRows ${this.maxRows}`, 'maxRows');
    if (x.cols !== net.inputSize || y.cols !== net.outputSize || y.rows !== N) {
      throw new OptionError(
        `x must be N×${net.inputSize} and y N×${net.outputSize}, got ${x.rows}×${x.cols} and ${y.rows}×${y.cols}`,
        'x',
      );
    }
    this.params.set(net.params);
    this.x.set(x.data);
    this.y.set(y.data);
    const c = this.control;
    Atomics.store(c, ROWS, N);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, COMMAND, STEP);
    Atomics.add(c, GENERATION, 1);
    Atomics.notify(c, GENERATION);
    // (the main thread blocks here, so a worker that died cannot be heard of: give up after a minute
    // without progress)
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done >= this.workerCount) break;
      if (Atomics.wait(c, DONE, done, 60_000) === 'timed-out') {
        throw new Error(
          `data-parallel workers: ${this.workerCount - done} of ${this.workerCount} gave no answer within 60 s`,
        );
      }
    }
    if (Atomics.load(c, FAILURES) > 0)
      throw new Error(`a data-parallel worker failed: ${this.errors.join('; ') || 'see its error'}`);
    // the reduction, in chunk order: ∂loss/∂θ = Σ_c (n_c / N)·∂loss_c/∂θ
    const grads = net.grads;
    const P = grads.length;
    grads.fill(0);
    let loss = 0;
    for (let k = 0; k < this.chunks; k++) {
      const n = chunkStart(k + 1, N, this.chunks) - chunkStart(k, N, this.chunks);
      if (n === 0) continue;
      const share = n / N;
      const g = this.grads;
      const offset = k * P;
      for (let i = 0; i < P; i++) grads[i] += share * g[offset + i];
      loss += share * this.losses[k];
    }
    // penalties once, on the whole batch (m = N), as Network.computeGradient adds them
    for (const r of net.regularizers) {
      for (const ref of net.parameterRefs) {
        if (!ref.parameter.regularize) continue;
        r.addGradient(ref.parameter.grad, ref.parameter.value, N);
        loss += r.penalty(ref.parameter.value, N);
      }
    }
    return loss;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.control, COMMAND, EXIT);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export interface FitParallelOptions {
  workers?: number;
  chunks?: number;
  /** Default 'sgd'. */
  optimizer?: OptimizerName | Optimizer;
  learningRate?: number;
  /** Passes over the data (default 100). */
  epochs?: number;
  /** Rows per update, taken in order (default: all rows). */
  batchSize?: number;
}

/**
 * Trains network on x, y with gradients from worker threads: mini-batches of consecutive rows,
 * one optimizer step each. Returns the cost of each epoch (the mean over its batches).
 * The same network, data and options give the same weights for any number of workers.
 */
export async function fitParallel(
  network: Network,
  x: Matrix,
  y: Matrix,
  options: FitParallelOptions = {},
): Promise<number[]> {
  const epochs = checkNumber('epochs', options.epochs ?? 100, { integer: true, min: 1 });
  const batch = checkNumber('batchSize', options.batchSize ?? x.rows, { integer: true, min: 1 });
  const optimizer = getOptimizer(options.optimizer ?? 'sgd', { learningRate: options.learningRate });
  if (optimizer.needsClosure)
    throw new OptionError(`${optimizer.name} needs a closure: use fit()`, 'optimizer');
  const trainer = await DataParallel.create(network, {
    workers: options.workers,
    chunks: options.chunks,
    maxRows: Math.min(batch, x.rows),
  });
  const history: number[] = [];
  try {
    const batches: { x: Matrix; y: Matrix }[] = [];
    for (let start = 0; start < x.rows; start += batch) {
      const rows = Math.min(batch, x.rows - start);
      batches.push({
        x: { rows, cols: x.cols, data: x.data.subarray(start * x.cols, (start + rows) * x.cols) },
        y: { rows, cols: y.cols, data: y.data.subarray(start * y.cols, (start + rows) * y.cols) },
      });
    }
    for (let e = 0; e < epochs; e++) {
      let sum = 0;
      for (const b of batches) {
        sum += trainer.computeGradient(b.x, b.y);
        optimizer.step(network.params, network.grads);
      }
      history.push(sum / batches.length);
    }
  } finally {
    await trainer.close();
  }
  return history;
}
