// fit's `workers` option: how many chunks a batch is cut into and how many threads compute them
// (the rule below), and the gradient source TrainingRun calls (the network itself, or a DataParallel).
//
// The rule for workers: 'auto' (the default): a batch is cut into 2 chunks when it has at least
// AUTO_MIN_ROWS rows and rows × parameters ≥ AUTO_MIN_WORK (then each thread's half of the forward
// and backward products outweighs what a step shares: the weights, one gradient slot and the
// reduction, ~P floats each, and one wake-up); otherwise the network computes the batch whole, as
// before this option existed. The chunking depends on the problem alone, so results never depend
// on the machine; threads = min(chunks, cores available, 2) only sets the speed. A number n ≥ 2
// cuts every batch into n chunks on n threads; 1 computes each batch whole on the calling thread.

import { OptionError, checkNumber } from '../errors.js';
import type { Matrix } from '../matrix.js';
import type { LossTerms, Network } from '../nn/network.js';
import { DataParallel, threadsModule } from './parallel.js';

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
    throw new OptionError(
      `workers must be 'auto' or a whole number ≥ 1, got ${JSON.stringify(value)}`,
      'workers',
    );
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

/** The plan for batches of `batchRows` rows (the rule in this file's header). */
export function planWorkers(
  option: WorkersOption,
  batchRows: number,
  network: Network,
  cores = availableCores(),
): WorkerPlan {
  if (option !== 'auto') return { chunks: option, threads: option };
  const pays = batchRows >= AUTO_MIN_ROWS && batchRows * network.params.length >= AUTO_MIN_WORK;
  if (!pays || !describable(network)) return { chunks: 1, threads: 1 };
  const threads = threadsModule() ? Math.max(1, Math.min(2, cores)) : 1;
  return { chunks: 2, threads };
}

/** Stops the workers of a run dropped before its end (a TrainingRun stepped by hand, then forgotten). */
const abandoned = new FinalizationRegistry<DataParallel>((trainer) => trainer.close());

/** What TrainingRun calls for a batch's gradient: the network itself, or chunks over threads. */
export class BatchGradient {
  private trainer: DataParallel | null = null;

  constructor(
    private readonly network: Network,
    readonly plan: WorkerPlan,
    private readonly maxRows: number,
  ) {}

  /** network.computeGradient(x, y), or its chunked twin (the workers start at the first call). */
  compute(x: Matrix, y: Matrix): LossTerms {
    if (this.plan.chunks === 1) return this.network.computeGradient(x, y);
    if (!this.trainer) {
      this.trainer = new DataParallel(this.network, {
        workers: this.plan.threads,
        chunks: this.plan.chunks,
        maxRows: this.maxRows,
      });
      abandoned.register(this, this.trainer, this);
    }
    return this.trainer.computeTerms(x, y);
  }

  /** Stops the workers (idempotent; a later compute starts them again). */
  close(): void {
    this.trainer?.close();
    this.trainer = null;
    abandoned.unregister(this);
  }
}
