// fit's `workers` option: how many chunks a batch is cut into and how many threads compute them
// (the rule below), and the gradient source TrainingRun calls (the network itself, or a DataParallel).
//
// The rule for workers: 'auto' (the default): a batch is cut into 2 chunks when it has at least
// AUTO_MIN_ROWS rows and rows × parameters ≥ AUTO_MIN_WORK (then each thread's half of the forward
// and backward products outweighs what a step shares: the weights, one gradient slot and the
// reduction, ~P floats each, and one wake-up); otherwise the network computes the batch whole, as
// before this option existed. The chunking depends on the batch and the network alone, so results
// never depend on the machine nor on the run's length. The threads only set the speed: min(chunks,
// cores available, 2) when the run is long enough to repay starting a worker (its planned rows —
// epochs × training rows — × parameters ≥ AUTO_MIN_RUN), else 1, the calling thread computing
// both chunks (the same bits). A number n ≥ 2 cuts every batch into n chunks on n threads; 1
// computes each batch whole on the calling thread.

import { OptionError, checkNumber, shown } from '../errors.js';
import type { Matrix } from '../matrix.js';
import type { LossTerms, Network } from '../nn/network.js';
import type { Optimizer } from '../optim/index.js';
import { residentBlock, type FloatArray, type ResidentBlock } from '../kernels/index.js';
import { DataParallel, threadsModule } from './parallel.js';
import {
  addPenalties,
  chunkStart,
  planReduction,
  reduceChunks,
  type ReductionPlan,
} from './parallel-shared.js';

const DATA_ONLY = { data: true, penalties: false };

export type WorkersOption = 'auto' | number;

/** Smallest batch (rows) 'auto' cuts: 64 rows per chunk. */
export const AUTO_MIN_ROWS = 128;
/**
 * Smallest rows × parameters 'auto' cuts (2²³ ≈ 8.4 M: the MNIST-shaped 128 × 101,770 is 13 M, the
 * CLI's default 750 × 4,929 tabular fit 3.7 M). By the busier thread's CPU time per SGD step, on a
 * loaded 2-core machine: 784-128-10 f32 at 128 rows 1.27–1.31× when this rule was set (1.72–1.88×
 * since the one-pass reduction and in-place parameters), 256-256-2 f64 at 128 rows 1.41× and at
 * 256 rows 1.68×. The CLI's default tabular fit measured 1.70× too, but is left whole on
 * purpose: its results stay what they were, and a worker's start (~0.2 s) would weigh on short fits.
 */
export const AUTO_MIN_WORK = 2 ** 23;
/**
 * Smallest planned rows × parameters of a run (epochs × training rows × P) for which 'auto' starts
 * a worker (2³³ ≈ 8.6 G: ~660 steps of the MNIST-shaped batch of 128). A worker's start (a thread,
 * the library's modules, its first steps compiled) costs ~0.25 s, and a step saves ~0.45 ms of
 * 1.45 on that shape (784-128-10 f32, Adam, 4,096 rows, 2 vCPUs, the median of 5 fits alternated):
 * 2 workers against 1 thread took 0.72× the time at 128 steps, 0.90× at 256, 1.03× at 512, 1.25× at
 * 1,024. Shorter runs compute their chunks on the calling thread.
 */
export const AUTO_MIN_RUN = 2 ** 33;

export interface WorkerPlan {
  /** chunks each batch is cut into (1: the network computes it whole) */
  chunks: number;
  /** threads computing them, the calling thread included */
  threads: number;
}

/** Validates fit's `workers` option. */
export function checkWorkers(value: unknown): WorkersOption {
  if (value === undefined || value === 'auto') return 'auto';
  if (typeof value !== 'number')
    throw new OptionError(`workers must be 'auto' or a whole number ≥ 1, got ${shown(value)}`, 'workers');
  return checkNumber('workers', value, { integer: true, min: 1 });
}

/** Cores this process may use (1 where that is unknown, e.g. browsers). */
export function availableCores(): number {
  const p = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  const os = p?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  return os?.availableParallelism?.() ?? 1;
}

/** Whether worker threads could rebuild this network (dense layers, built-in penalties only). */
function describable(network: Network): boolean {
  try {
    network.toJSON();
    return true;
  } catch {
    return false;
  }
}

/** Whether 'auto' cuts batches of `batchRows` rows of a network of `params` parameters in two. */
export function autoChunks(batchRows: number, params: number): boolean {
  return batchRows >= AUTO_MIN_ROWS && batchRows * params >= AUTO_MIN_WORK;
}

/** Whether a run through `runRows` rows (epochs × training rows) of such a network repays a worker's start. */
export function autoThreads(runRows: number, params: number): boolean {
  return runRows * params >= AUTO_MIN_RUN;
}

/**
 * The plan for batches of `batchRows` rows, in a run through `runRows` rows in all (epochs ×
 * training rows; Infinity for a run without end): the rule in this file's header.
 */
export function planWorkers(
  option: WorkersOption,
  batchRows: number,
  network: Network,
  runRows: number,
  cores = availableCores(),
): WorkerPlan {
  if (option !== 'auto') return { chunks: option, threads: option };
  const params = network.params.length;
  if (!autoChunks(batchRows, params) || !describable(network)) return { chunks: 1, threads: 1 };
  const long = autoThreads(runRows, params);
  const threads = long && threadsModule() ? Math.max(1, Math.min(2, cores)) : 1;
  return { chunks: 2, threads };
}

/** Stops the workers of a run dropped before its end (a TrainingRun stepped by hand, then forgotten). */
const abandoned = new FinalizationRegistry<DataParallel>((trainer) => trainer.close());

/** What TrainingRun calls for a batch's gradient: the network itself, or chunks over threads. */
export class BatchGradient {
  #trainer: DataParallel | null = null;
  readonly #network: Network;
  readonly #maxRows: number;

  constructor(
    network: Network,
    readonly plan: WorkerPlan,
    maxRows: number,
  ) {
    this.#network = network;
    this.#maxRows = maxRows;
  }

  /** network.computeGradient(x, y), or its chunked twin (the workers start at the first call). */
  compute(x: Matrix, y: Matrix): LossTerms {
    if (this.plan.chunks === 1) return this.#network.computeGradient(x, y);
    if (this.plan.threads === 1) return this.#chunked(x, y);
    return this.#started().computeTerms(x, y);
  }

  /**
   * compute(x, y), then optimizer.step(network.params, network.grads): with threads, they split the
   * step where it splits (DataParallel.step). Returns the cost at the weights before the step.
   */
  step(x: Matrix, y: Matrix, optimizer: Optimizer): LossTerms {
    const net = this.#network;
    if (this.plan.threads > 1) return this.#started().step(x, y, optimizer);
    const terms = this.compute(x, y);
    optimizer.step(net.params, net.grads);
    return terms;
  }

  /**
   * each chunk's gradient, for chunks on the calling thread alone (made at the first call): in the
   * kernels' memory where it is shared, as DataParallel's slots (the sum then runs in the same
   * kernels), freed by close() or once this is collected
   */
  #slots: FloatArray[] = [];
  #block: ResidentBlock | null = null;
  /** the reduction's plan, by batch size (fit has two: full batches and the last) */
  readonly #plans = new Map<number, ReductionPlan>();
  /** each chunk's rows as views, by the batch's x buffer (fit refills the same ones) */
  readonly #views = new WeakMap<
    FloatArray,
    { y: FloatArray; rows: number; views: { x: Matrix; y: Matrix }[] }
  >();

  #makeSlots(): FloatArray[] {
    const { dtype, params } = this.#network;
    const { chunks } = this.plan;
    const P = params.length;
    this.#block = residentBlock(chunks * P * (dtype === 'float32' ? 4 : 8));
    this.#block?.releaseWhenCollected([this]);
    return Array.from({ length: chunks }, (_, c) =>
      this.#block
        ? this.#block.view(dtype, c * P, P)
        : dtype === 'float32'
          ? new Float32Array(P)
          : new Float64Array(P),
    );
  }

  /** Rows [chunkStart(c), chunkStart(c + 1)) of x and y for each chunk, as views (kept per batch buffer). */
  #chunkViews(x: Matrix, y: Matrix): { x: Matrix; y: Matrix }[] {
    const kept = this.#views.get(x.data);
    if (kept?.y === y.data && kept.rows === x.rows) return kept.views;
    const { chunks } = this.plan;
    const views = Array.from({ length: chunks }, (_, c) => {
      const [a, b] = [chunkStart(c, x.rows, chunks), chunkStart(c + 1, x.rows, chunks)];
      const rows = (m: Matrix) => ({
        rows: b - a,
        cols: m.cols,
        data: m.data.subarray(a * m.cols, b * m.cols),
      });
      return { x: rows(x), y: rows(y) };
    });
    this.#views.set(x.data, { y: y.data, rows: x.rows, views });
    return views;
  }

  /**
   * The chunks on the calling thread alone (one core, or a browser), with DataParallel's bits: each
   * chunk's data-loss gradient into its slot, then the sum in chunk order, weighted by the chunks'
   * shares, piece by piece (reduceChunks over planReduction's pieces), then the penalties once. Not
   * DataParallel itself: a browser has no worker threads, and the playground's bundle leaves
   * DataParallel out (web/build.ts: web/parallel-stub.ts).
   */
  #chunked(x: Matrix, y: Matrix): LossTerms {
    const net = this.#network;
    const N = x.rows;
    if (this.#slots.length === 0) this.#slots = this.#makeSlots();
    let plan = this.#plans.get(N);
    if (!plan) {
      plan = planReduction(N, [null], this.#slots, net.grads);
      this.#plans.set(N, plan);
    }
    const views = this.#chunkViews(x, y);
    let data = 0;
    for (const c of plan.used) {
      data += plan.shares[c] * net.computeGradient(views[c].x, views[c].y, DATA_ONLY).data;
      this.#slots[c].set(net.grads);
    }
    for (const piece of plan.pieces) reduceChunks(piece.target, piece.source, plan.shares, plan.used);
    return addPenalties(net, data, N);
  }

  /** The trainer, its workers started at the first call. */
  #started(): DataParallel {
    if (!this.#trainer) {
      this.#trainer = new DataParallel(this.#network, {
        workers: this.plan.threads,
        chunks: this.plan.chunks,
        maxRows: this.#maxRows,
      });
      abandoned.register(this, this.#trainer, this);
    }
    return this.#trainer;
  }

  /** Stops the workers (idempotent; a later compute starts them again) and gives back the slots. */
  close(): void {
    this.#trainer?.close();
    this.#trainer = null;
    abandoned.unregister(this);
    this.#block?.release();
    this.#block = null;
    this.#slots = [];
    this.#plans.clear();
  }
}
