// The sentence a DivergenceError carries: where the loss stopped being finite, and the likely cause
// with the option to change (unscaled regression targets, else a learning rate too large); and the
// per-step check that the weights are still finite.

import { dot } from '../kernels/index.js';
import type { FloatArray, Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';
import type { Optimizer } from '../optim/index.js';

/**
 * One sentence: where it diverged (1-based epoch and batch), and the likely cause. y: the training
 * targets; limit: the maxLoss a finite value went above.
 */
export function divergenceMessage(
  value: number,
  epoch: number,
  batch: number,
  batches: number,
  optimizer: Optimizer,
  y: Matrix,
  network: Network,
  limit?: number,
): string {
  let yMax = 0;
  for (let i = 0; i < y.data.length; i++) yMax = Math.max(yMax, Math.abs(y.data[i]));
  const regression = network.loss.kind === 'regression';
  const unscaledTargets = regression && !network.scaling?.targetStd && yMax > 100;
  const where = batches > 1 ? `epoch ${epoch}, batch ${batch} of ${batches}` : `epoch ${epoch}`;
  const cause = unscaledTargets
    ? `the targets are unscaled (|y| up to ${yMax.toPrecision(3)}): leave scale on (the default) or standardize y, and lower the learning rate (now ${optimizer.learningRate})`
    : `the learning rate ${optimizer.learningRate} is too large for ${optimizer.name}: try ${optimizer.learningRate / 10}, or set clipNorm`;
  const became =
    limit === undefined
      ? `the loss became ${value}`
      : `the loss grew to ${value.toPrecision(3)}, above ${limit.toPrecision(3)} (a million times its start or the mean predictor's)`;
  const restored = limit === undefined ? 'the last ones with a finite loss' : 'the last ones below that';
  return `training diverged at ${where}: ${became}. The weights were restored to ${restored}. Likely cause: ${cause}.`;
}

/**
 * Whether every weight is finite, checked after each step. Σ p² is finite only when every p is
 * (a NaN or ±Infinity makes it NaN or Infinity), and the kernels' dot computes it in one SIMD pass
 * (about 1 µs for 5,000 resident weights, where a loop of Number.isFinite takes 6 in float64 and
 * 12 in float32); only a non-finite sum, from a non-finite weight or from squares that overflow,
 * takes the exact element-by-element check.
 */
export function weightsFinite(params: FloatArray): boolean {
  if (Number.isFinite(dot(params, params))) return true;
  for (let i = 0; i < params.length; i++) if (!Number.isFinite(params[i])) return false;
  return true;
}
