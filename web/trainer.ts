// A training run the page can advance a few epochs at a time: the network, its optimizer, the data
// as matrices and the loss history. The library's TrainingRun, full-batch and unscaled, stepped one
// epoch at a time, so the optimizer keeps its state (moments) across animation frames and divergence
// is caught as the library catches it (weights of the last finite loss). No DOM here.

import {
  DivergenceError,
  Network,
  Random,
  TrainingRun,
  getOptimizer,
  toMatrix,
  zeros,
  type LossSpec,
  type Matrix,
  type Optimizer,
  type OptimizerName,
  type ActivationSpec,
} from '../src/index.js';
import { makeDataset, type Dataset, type DatasetName } from './datasets.js';
import { LossHistory } from './history.js';
import type { PlaygroundState } from './state.js';

export class Trainer {
  readonly data: Dataset;
  readonly network: Network;
  readonly optimizer: Optimizer;
  /** the training rows: x[N×inputs], y[N×outputs] (one-hot [N×2] for softmaxCrossEntropy) */
  readonly x: Matrix;
  readonly y: Matrix;
  /** the held-out rows (state.testRatio of the data), null when there are none */
  readonly test: { x: Matrix; y: Matrix; rows: number[] } | null;
  /** cost (data loss + penalties) before each epoch's update */
  readonly history: LossHistory;
  /** set when the loss became NaN or infinite; the weights are those of the last finite loss */
  diverged: DivergenceError | null = null;
  private readonly training: TrainingRun;

  /** Throws the library's OptionError / ShapeError / DataError for settings that do not fit together. */
  /** `data`: train on these rows (a user's CSV file) instead of state.dataset's */
  constructor(
    readonly state: PlaygroundState,
    historyCapacity?: number,
    data?: Dataset,
  ) {
    this.history = new LossHistory(historyCapacity);
    this.data = data ?? makeDataset(state.dataset as DatasetName, state.seed, state.noise);
    const inputs = this.data.x[0].length;
    const loss = (
      state.loss === 'auto' ? (this.data.task === 'regression' ? 'mse' : 'binaryCrossEntropy') : state.loss
    ) as LossSpec;
    // softmax cross-entropy needs one output per class: labels become one-hot rows [1−ℓ, ℓ]
    const oneHot = loss === 'softmaxCrossEntropy';
    const targets = oneHot ? this.data.y.map(([l]) => [1 - l, l]) : this.data.y;
    this.network = new Network({
      layers: [inputs, ...state.hidden, oneHot ? 2 : 1],
      activation: state.activation as ActivationSpec,
      output: state.output === 'auto' ? undefined : (state.output as ActivationSpec),
      loss,
      weightDecay: state.weightDecay,
      seed: state.seed,
      // no onWarning: the library collects its warnings in network.warnings, which the page shows
    });
    this.optimizer = getOptimizer(state.optimizer as OptimizerName, { learningRate: state.learningRate });
    const { train, test } = splitRows(this.data.x.length, state.testRatio, state.seed);
    const pick = (rows: number[], from: number[][], name: string, cols: number) =>
      toMatrix(
        rows.map((r) => from[r]),
        name,
        cols,
      );
    this.x = pick(train, this.data.x, 'x', inputs);
    this.y = pick(train, targets, 'y', this.network.outputSize);
    this.test =
      test.length === 0
        ? null
        : {
            x: pick(test, this.data.x, 'x', inputs),
            y: pick(test, targets, 'y', this.network.outputSize),
            rows: test,
          };
    // one full-batch step per epoch, for as long as the page runs; no per-epoch lists kept
    this.training = new TrainingRun(this.network, this.x, this.y, {
      optimizer: this.optimizer,
      batchSize: this.x.rows,
      epochs: Number.MAX_SAFE_INTEGER,
      scale: false,
      recordHistory: false,
    });
  }

  get epoch(): number {
    return this.history.epochs;
  }

  /**
   * Trains until `epochs` more epochs are done or `budgetMs` milliseconds have passed (at least one
   * epoch). Returns the number of epochs done; 0 once diverged (or once L-BFGS has converged).
   */
  run(epochs: number, budgetMs = Infinity): number {
    if (this.diverged) return 0;
    const start = performance.now();
    let done = 0;
    try {
      while (done < epochs && !this.training.done) {
        const info = this.training.step(); // cost before this epoch's update
        if (!info) break;
        this.history.push(info.loss);
        done++;
        // the clock after every epoch: one epoch of the largest network takes tens of milliseconds
        if (performance.now() - start >= budgetMs) break;
      }
    } catch (e) {
      if (!(e instanceof DivergenceError)) throw e;
      this.diverged = this.divergence();
    }
    return done;
  }

  /** The page's message for a run that diverged; the kept weights' loss joins the history if it is not there yet. */
  private divergence(): DivergenceError {
    const run = this.training;
    // a finite last loss means the update after it overflowed the weights: the kept weights are those
    // of that loss, which the history has not seen yet
    if (Number.isFinite(run.lastLoss)) this.history.push(run.lastGoodLoss);
    // say what happened: the loss itself overflowed, or the weights did after a last (huge) finite loss
    const what = Number.isFinite(run.lastLoss)
      ? `the update after a loss of ${run.lastGoodLoss.toExponential(3)} made the weights overflow`
      : `the loss became ${run.lastLoss}`;
    return new DivergenceError(
      `training diverged at epoch ${this.epoch + 1}: ${what}. ` +
        `The weights are those of the last finite loss; lower the learning rate (now ${this.optimizer.learningRate}).`,
      this.epoch + 1,
      1,
    );
  }

  /** Loss (data term) and, for classification, accuracy on the held-out rows; NaN when there are none. */
  testMetrics(): { loss: number; accuracy: number } {
    if (!this.test) return { loss: Number.NaN, accuracy: Number.NaN };
    const { x, y, rows } = this.test;
    const loss = this.network.computeLoss(x, y).data;
    if (this.data.task === 'regression') return { loss, accuracy: Number.NaN };
    const p = this.predictInto(new Float64Array(x.rows), x);
    let right = 0;
    for (let i = 0; i < rows.length; i++) if (p[i] > 0.5 === this.data.y[rows[i]][0] > 0.5) right++;
    return { loss, accuracy: right / rows.length };
  }

  /**
   * The network's output on grid[M×inputs], as a probability of class 1 for classification (whatever
   * the output activation: logits are squashed, plain regression outputs clamped to [0, 1]).
   * Writes into out[M] and returns it.
   */
  predictInto(out: Float64Array, grid: Matrix): Float64Array {
    const pred = this.network.forward(grid); // pred[M×outputs], reused buffer
    const net = this.network;
    const outName = net.layers[net.layers.length - 1].activation?.name ?? 'linear';
    const cols = pred.cols;
    for (let i = 0; i < grid.rows; i++) {
      if (this.data.task === 'regression') {
        out[i] = pred.data[i * cols];
      } else if (cols === 2) {
        // softmax CE: probability of class 1 (softmax of the two logits when the output is linear)
        const a = pred.data[i * 2];
        const b = pred.data[i * 2 + 1];
        out[i] = outName === 'softmax' ? b : 1 / (1 + Math.exp(a - b));
      } else {
        const v = pred.data[i];
        out[i] =
          outName === 'sigmoid' || net.loss.name !== 'binaryCrossEntropy'
            ? Math.min(1, Math.max(0, v))
            : 1 / (1 + Math.exp(-v));
      }
    }
    return out;
  }

  /** A grid matrix over the plotted box: 1-D, `n` points; 2-D, n×n points row by row (top row first). */
  makeGrid(n: number): Matrix {
    const [x0, x1, y0, y1] = this.data.bounds;
    if (this.network.inputSize === 1) {
      const g = zeros(n, 1);
      for (let i = 0; i < n; i++) g.data[i] = x0 + ((x1 - x0) * i) / (n - 1);
      return g;
    }
    const g = zeros(n * n, 2);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        g.data[(r * n + c) * 2] = x0 + ((x1 - x0) * (c + 0.5)) / n;
        g.data[(r * n + c) * 2 + 1] = y1 - ((y1 - y0) * (r + 0.5)) / n;
      }
    }
    return g;
  }
}

/**
 * Which rows train and which are held out: a seeded shuffle picks round(ratio·n) test rows; both
 * lists in data order. Ratio 0 trains on every row in order (the runs of earlier links stay the same).
 */
export function splitRows(n: number, ratio: number, seed: number): { train: number[]; test: number[] } {
  const all = Array.from({ length: n }, (_, i) => i);
  const held = Math.min(n - 1, Math.round(ratio * n));
  if (held <= 0) return { train: all, test: [] };
  const test = new Random(seed + 1).shuffle([...all]).slice(0, held);
  const inTest = new Set(test);
  return { train: all.filter((i) => !inTest.has(i)), test: test.sort((a, b) => a - b) };
}
