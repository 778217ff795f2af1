// Mini-batches: a seeded permutation of the training rows per epoch, and the rows of batch b gathered
// into buffers made once ([batchSize × cols], and one for the last, shorter batch). With one batch
// the scaled training set itself is the batch. Per-row loss weights, when given, travel with their
// rows into buffers of their own. Also gradient clipping by norm.

import { residentBlock } from '../kernels/index.js';
import { gatherRows, zeros, type DType, type FloatArray, type Matrix } from '../matrix.js';
import type { Random } from '../random.js';

export class Batches {
  /** batches per epoch */
  readonly count: number;
  /** the epoch's row order [rows] */
  readonly #indices: Int32Array;
  readonly #fullX: Matrix;
  readonly #fullY: Matrix;
  readonly #restX: Matrix | null;
  readonly #restY: Matrix | null;
  /** the weights of a full and of the last batch [size], [rows % size] (null: unweighted) */
  readonly #fullW: Float64Array | null;
  readonly #restW: Float64Array | null;
  readonly #x: Matrix;
  readonly #y: Matrix;
  readonly #w: Float64Array | null;

  /**
   * x[rows×inputs], y[rows×outputs]: the scaled training set; w[rows]: its rows' loss weights, or
   * null; `resident`: gather the batches into the kernels' shared memory, where data-parallel workers
   * read their rows in place (train/parallel.ts: X_AT) — else, or where there is none, ordinary arrays.
   */
  constructor(
    x: Matrix,
    y: Matrix,
    readonly size: number,
    dtype: DType,
    w: Float64Array | null = null,
    resident = false,
  ) {
    this.#x = x;
    this.#y = y;
    this.#w = w;
    const rows = x.rows;
    this.count = Math.ceil(rows / size);
    this.#indices = new Int32Array(rows);
    const many = this.count > 1;
    const rest = many ? rows % size : 0;
    const buffer = (n: number, cols: number) => batchBuffer(n, cols, dtype, resident ? this : null);
    this.#fullX = many ? buffer(size, x.cols) : x;
    this.#fullY = many ? buffer(size, y.cols) : y;
    this.#restX = rest ? buffer(rest, x.cols) : null;
    this.#restY = rest ? buffer(rest, y.cols) : null;
    this.#fullW = w && many ? new Float64Array(size) : w;
    this.#restW = w && rest ? new Float64Array(rest) : null;
  }

  /** Starts an epoch: rows in order, then shuffled with `random` when asked and there is more than one batch. */
  beginEpoch(random: Random, shuffle: boolean): void {
    const indices = this.#indices;
    for (let i = 0; i < indices.length; i++) indices[i] = i;
    if (shuffle && this.count > 1) random.shuffle(indices);
  }

  /** Batch b (0-based) of the epoch: x[n×inputs], y[n×outputs], w[n] or undefined (reused buffers). */
  get(b: number): { x: Matrix; y: Matrix; w?: Float64Array } {
    if (this.count === 1) return { x: this.#x, y: this.#y, w: this.#w ?? undefined };
    const start = b * this.size;
    const n = Math.min(this.size, this.#x.rows - start);
    const full = n === this.size;
    const bx = full ? this.#fullX : this.#restX;
    const by = full ? this.#fullY : this.#restY;
    if (!bx || !by) throw new Error(`batch ${b} is past the end of the epoch`);
    const bw = full ? this.#fullW : this.#restW;
    if (bw && this.#w) for (let i = 0; i < n; i++) bw[i] = this.#w[this.#indices[start + i]];
    return {
      x: gatherRows(bx, this.#x, this.#indices, start, n),
      y: gatherRows(by, this.#y, this.#indices, start, n),
      w: bw ?? undefined,
    };
  }
}

/**
 * A rows × cols matrix of zeros: in the kernels' shared memory when `owner` is given and there is
 * such memory (freed once the owner is collected), else an ordinary one.
 */
function batchBuffer(rows: number, cols: number, dtype: DType, owner: object | null): Matrix {
  const block = owner && residentBlock(rows * cols * (dtype === 'float32' ? 4 : 8));
  if (!owner || !block) return zeros(rows, cols, dtype);
  block.releaseWhenCollected([owner]);
  return { rows, cols, data: block.view(dtype, 0, rows * cols) };
}

/** Scales g so that ‖g‖₂ ≤ maxNorm (PyTorch's clip_grad_norm_ over all parameters). */
export function clipGradient(grads: FloatArray, maxNorm: number): number {
  let sum = 0;
  for (let i = 0; i < grads.length; i++) sum += grads[i] * grads[i];
  const norm = Math.sqrt(sum);
  if (norm > maxNorm) {
    const scale = maxNorm / norm;
    for (let i = 0; i < grads.length; i++) grads[i] *= scale;
  }
  return norm;
}

export function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
