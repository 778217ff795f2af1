// A training run the page can advance a few epochs at a time: the network, its optimizer, the data
// as matrices (the chosen input features of each point) and the loss history. The library's
// TrainingRun, unscaled, full-batch or in seeded mini-batches, stepped one batch at a time, so the
// optimizer keeps its state (moments) across animation frames and divergence is caught as the library
// catches it (weights of the last finite loss). No DOM here.

import {
  Dense,
  DivergenceError,
  Network,
  Random,
  TrainingRun,
  getLoss,
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
import { featureMatrix, usableFeatures } from './features.js';
import { LossHistory } from './history.js';
import { layerActivation, type PlaygroundState } from './state.js';

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
  readonly #training: TrainingRun;

  /** the input features' names, in the network's input order */
  readonly features: readonly string[];
  /** the raw inputs per point: 1 (x1) or 2 (x1, x2) */
  readonly dims: number;
  /** null: the raw inputs are the network's (a CSV file) */
  readonly #featureList: ReturnType<typeof usableFeatures> | null;
  /** mini-batch sums of the epoch in progress: cost·rows and rows (several batches per epoch only) */
  #epochSums = [0, 0];

  /** Throws the library's OptionError / ShapeError / DataError for settings that do not fit together. */
  /** `data`: train on these rows (a user's CSV file) instead of state.dataset's */
  constructor(
    readonly state: PlaygroundState,
    historyCapacity?: number,
    data?: Dataset,
  ) {
    this.history = new LossHistory(historyCapacity);
    const dataSeed = state.dataSeed || state.seed;
    this.data = data ?? makeDataset(state.dataset as DatasetName, dataSeed, state.noise);
    this.dims = this.data.x[0].length;
    // a CSV file's encoded columns go in as they are; the features are those of the 1-D and 2-D sets
    this.#featureList = this.data.name === 'csv' ? null : usableFeatures(state.features, this.dims);
    this.features =
      this.#featureList?.map((f) => f.name) ?? Array.from({ length: this.dims }, (_, i) => `x${i + 1}`);
    const loss = (
      state.loss === 'auto' ? (this.data.task === 'regression' ? 'mse' : 'binaryCrossEntropy') : state.loss
    ) as LossSpec;
    // softmax cross-entropy needs one output per class: labels become one-hot rows [1−ℓ, ℓ]
    const oneHot = loss === 'softmaxCrossEntropy';
    const targets = oneHot ? this.data.y.map(([l]) => [1 - l, l]) : this.data.y;
    this.network = buildNetwork(state, this.features.length, oneHot ? 2 : 1, loss);
    this.optimizer = getOptimizer(state.optimizer as OptimizerName, { learningRate: state.learningRate });
    const { train, test } = splitRows(this.data.x.length, state.testRatio, dataSeed);
    const pick = (rows: number[], from: number[][], name: string, cols: number) =>
      toMatrix(
        rows.map((r) => from[r]),
        name,
        cols,
      );
    const inputs = (rows: number[]) => this.inputsOf(pick(rows, this.data.x, 'x', this.dims));
    this.x = inputs(train);
    this.y = pick(train, targets, 'y', this.network.outputSize);
    this.test =
      test.length === 0
        ? null
        : { x: inputs(test), y: pick(test, targets, 'y', this.network.outputSize), rows: test };
    // one epoch after another for as long as the page runs; no per-epoch lists kept
    this.#training = new TrainingRun(this.network, this.x, this.y, {
      optimizer: this.optimizer,
      batchSize: this.batchSize,
      ...(this.batchSize < this.x.rows ? { seed: state.seed } : {}),
      epochs: Number.MAX_SAFE_INTEGER,
      scale: false,
      recordHistory: false,
    });
  }

  /** Rows per mini-batch: the state's, or every training row (0, or more than there are). */
  get batchSize(): number {
    const size = this.state.batchSize;
    return size > 0 && size < this.x.rows ? size : this.x.rows;
  }

  /** raw[M×dims] (points, as the datasets and the plots' grids hold them) → the network's inputs [M×features]. */
  inputsOf(raw: Matrix): Matrix {
    const list = this.#featureList;
    const identity = !list || (list.length === this.dims && list.every((f, i) => f.name === `x${i + 1}`));
    return identity ? raw : featureMatrix(raw, list);
  }

  /** Whether training has ended: diverged, or L-BFGS converged. */
  get finished(): boolean {
    return this.diverged !== null || this.#training.done;
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
      while (done < epochs && !this.#training.done) {
        const info = this.#training.step(); // one batch: its cost before its update
        if (!info) break;
        if (this.#addBatch(info.loss, info.rows, info.batch === info.batches)) done++;
        // the clock after every batch: one epoch of the largest network takes tens of milliseconds
        if (performance.now() - start >= budgetMs) break;
      }
    } catch (e) {
      if (!(e instanceof DivergenceError)) throw e;
      this.diverged = this.#divergence();
    }
    return done;
  }

  /**
   * Records a batch's cost; at the end of an epoch, the epoch's cost joins the history (full batch:
   * the batch's cost as it is; mini-batches: their mean, weighted by rows). True at an epoch's end.
   */
  #addBatch(cost: number, rows: number, last: boolean): boolean {
    if (last && this.#epochSums[1] === 0) {
      this.history.push(cost);
      return true;
    }
    this.#epochSums[0] += cost * rows;
    this.#epochSums[1] += rows;
    if (!last) return false;
    this.history.push(this.#epochSums[0] / this.#epochSums[1]);
    this.#epochSums = [0, 0];
    return true;
  }

  /** The page's message for a run that diverged; the kept weights' loss joins the history if it is not there yet. */
  #divergence(): DivergenceError {
    const run = this.#training;
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

  /**
   * A grid of points over the plotted box: 1-D, `n` points; 2-D, n×n points row by row (top row
   * first). Raw points: inputsOf turns them into the network's inputs.
   */
  makeGrid(n: number): Matrix {
    const [x0, x1, y0, y1] = this.data.bounds;
    if (this.dims === 1) {
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

/**
 * The network of a state: layer sizes from the features, the hidden sizes and the outputs. With a
 * per-layer activation the dense layers are made here as Network makes them (one Random(seed) drawn
 * from layer by layer, each layer's default initializer), so only the activations differ.
 */
function buildNetwork(state: PlaygroundState, inputs: number, outputs: number, loss: LossSpec): Network {
  const sizes = [inputs, ...state.hidden, outputs];
  const output = state.output === 'auto' ? undefined : (state.output as ActivationSpec);
  const common = { loss, weightDecay: state.weightDecay, l1: state.l1 };
  // no onWarning: the library collects its warnings in network.warnings, which the page shows
  if (state.layerActivations.length === 0)
    return new Network({
      layers: sizes,
      activation: state.activation as ActivationSpec,
      output,
      seed: state.seed,
      ...common,
    });
  const random = new Random(state.seed);
  const last = output ?? getLoss(loss).logitsOf ?? 'linear';
  const layers = sizes.slice(1).map(
    (size, i) =>
      new Dense(sizes[i], size, random, {
        activation: i === sizes.length - 2 ? last : (layerActivation(state, i) as ActivationSpec),
      }),
  );
  return new Network({ layers, ...common });
}
