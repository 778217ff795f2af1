// fit(): the training loop. No console and no DOM here: progress goes to callbacks.
// Each epoch: forward + backward over the batch, one optimizer step on the flat buffers.

import { DivergenceError, checkNumber } from '../errors.js';
import { checkSameRows, toMatrix, type MatrixLike } from '../matrix.js';
import type { Network } from '../nn/network.js';
import { getOptimizer, type Optimizer, type OptimizerName } from '../optim/index.js';

export interface FitOptions {
  /** Default 'sgd' (plain gradient descent). */
  optimizer?: OptimizerName | Optimizer;
  learningRate?: number;
  /** Passes over the data (default 1000). */
  epochs?: number;
  /** Called after every epoch; return false to stop. */
  onEpoch?: (epoch: number, loss: number) => boolean | void;
}

export interface History {
  /** the cost (data loss + penalties) before each epoch's update, one per epoch */
  loss: number[];
  /** the data loss alone */
  dataLoss: number[];
  epochs: number;
}

export function fit(network: Network, x: MatrixLike, y: MatrixLike, options: FitOptions = {}): History {
  const X = toMatrix(x, 'x', network.inputSize, network.dtype);
  const Y = toMatrix(y, 'y', network.outputSize, network.dtype);
  checkSameRows(X, Y);
  network.loss.checkTargets?.(Y.data, Y.rows, Y.cols);
  const epochs = checkNumber('epochs', options.epochs ?? 1000, { integer: true, min: 1 });
  const optimizer = getOptimizer(options.optimizer ?? 'sgd', { learningRate: options.learningRate });
  const history: History = { loss: [], dataLoss: [], epochs: 0 };
  const lastGood = new Float64Array(network.params.length);
  for (let epoch = 0; epoch < epochs; epoch++) {
    lastGood.set(network.params);
    const terms = network.computeGradient(X, Y);
    if (!Number.isFinite(terms.total)) {
      network.params.set(lastGood);
      throw new DivergenceError(
        `training diverged at epoch ${epoch + 1}: the loss became ${terms.total}. The weights were restored to the last finite loss; ` +
        `lower the learning rate (now ${optimizer.learningRate}) or scale the inputs and targets.`, epoch + 1, 1);
    }
    history.loss.push(terms.total);
    history.dataLoss.push(terms.data);
    optimizer.step(network.params, network.grads);
    history.epochs = epoch + 1;
    if (options.onEpoch?.(epoch + 1, terms.total) === false) break;
  }
  return history;
}
