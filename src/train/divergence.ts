// The sentence a DivergenceError carries: where the loss stopped being finite, and the likely cause
// with the option to change (unscaled regression targets, else a learning rate too large).

import type { Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';
import type { Optimizer } from '../optim/index.js';

/** One sentence: where it diverged (1-based epoch and batch), and the likely cause. y: the training targets. */
export function divergenceMessage(
  value: number,
  epoch: number,
  batch: number,
  batches: number,
  optimizer: Optimizer,
  y: Matrix,
  network: Network,
): string {
  let yMax = 0;
  for (let i = 0; i < y.data.length; i++) yMax = Math.max(yMax, Math.abs(y.data[i]));
  const regression = network.loss.kind === 'regression';
  const unscaledTargets = regression && !network.scaling?.targetStd && yMax > 100;
  const where = batches > 1 ? `epoch ${epoch}, batch ${batch} of ${batches}` : `epoch ${epoch}`;
  const cause = unscaledTargets
    ? `the targets are unscaled (|y| up to ${yMax.toPrecision(3)}): leave scale on (the default) or standardize y, and lower the learning rate (now ${optimizer.learningRate})`
    : `the learning rate ${optimizer.learningRate} is too large for ${optimizer.name}: try ${optimizer.learningRate / 10}, or set clipNorm`;
  return `training diverged at ${where}: the loss became ${value}. The weights were restored to the last ones with a finite loss. Likely cause: ${cause}.`;
}
