// Scoring many rows in row blocks, so that memory stays bounded: the layers' buffers hold one block
// (not rows × hidden units per layer), and only the outputs of every row are kept (rows × outputs).
// Each row's output does not depend on the other rows of its batch, so the results equal one
// whole-matrix pass bit for bit (the CLI and train tests compare them).

import { zeros, type Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';

/** Rows forwarded at once when scoring: 4,096 rows × 64 units × 8 bytes = 2 MB a layer buffer. */
export const SCORE_BLOCK_ROWS = 4096;

/** Rows [start, end) of m, without copying. */
export function rowBlock(m: Matrix, start: number, end: number): Matrix {
  return { rows: end - start, cols: m.cols, data: m.data.subarray(start * m.cols, end * m.cols) };
}

/**
 * network.forward over already-scaled xs[N×inputSize] in blocks: the outputs [N×outputSize] and what
 * the loss takes (the output layer's pre-activation when the loss works on logits, else the outputs).
 */
export function forwardInBlocks(network: Network, xs: Matrix): { out: Matrix; lossInput: Matrix } {
  const O = network.outputSize;
  const out = zeros(xs.rows, O, network.dtype);
  const logits = network.lossFromLogits ? zeros(xs.rows, O, network.dtype) : null;
  for (let start = 0; start < xs.rows; start += SCORE_BLOCK_ROWS) {
    const end = Math.min(xs.rows, start + SCORE_BLOCK_ROWS);
    out.data.set(network.forward(rowBlock(xs, start, end)).data.subarray(0, (end - start) * O), start * O);
    if (logits) {
      const pre = network.layers[network.layers.length - 1].preActivation?.();
      if (!pre) throw new Error('forwardInBlocks: the output layer keeps no pre-activation');
      logits.data.set(pre.data.subarray(0, (end - start) * O), start * O);
    }
  }
  return { out, lossInput: logits ?? out };
}

/** network.predict(x) in blocks: the same outputs [N×outputSize], in original units. */
export function predictInBlocks(network: Network, x: Matrix): Matrix {
  if (x.rows <= SCORE_BLOCK_ROWS) return network.predict(x);
  const O = network.outputSize;
  const out = zeros(x.rows, O, network.dtype);
  for (let start = 0; start < x.rows; start += SCORE_BLOCK_ROWS) {
    const end = Math.min(x.rows, start + SCORE_BLOCK_ROWS);
    out.data.set(network.predict(rowBlock(x, start, end)).data, start * O);
  }
  return out;
}

/**
 * network.computeLoss(xs, ys, all terms, w) forwarded in blocks: the data loss over every row at once
 * (as the network computes it), plus each regularizer's penalty for a batch of N rows.
 */
export function lossInBlocks(
  network: Network,
  lossInput: Matrix,
  ys: Matrix,
  w?: ArrayLike<number>,
): { total: number; data: number } {
  const N = lossInput.rows;
  const data = network.loss.value(lossInput.data, ys.data, N, network.outputSize, w);
  let total = data;
  for (const r of network.regularizers) {
    let p = 0;
    for (const ref of network.parameterRefs)
      if (ref.parameter.regularize) p += r.penalty(ref.parameter.value, N);
    total += p;
  }
  return { total, data };
}
