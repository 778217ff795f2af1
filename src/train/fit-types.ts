// The types of training: fit's options, the per-epoch and per-batch reports, the history and the
// checkpoint a run resumes from (plain JSON). Shared by fit.ts, run.ts and the callers of both.

import type { MatrixLike } from '../matrix.js';
import type { Optimizer, OptimizerName, OptimizerOptions, OptimizerState } from '../optim/index.js';
import type { MetricName } from './metrics.js';
import type { ClassWeight } from './sample-weights.js';
import type { ScheduleSpec, ScheduleState } from './schedules.js';

export interface EarlyStoppingOptions {
  /**
   * epochs without improvement before stopping; default: enough for 10 epochs and 100 updates,
   * max(10, ⌈100 / batches per epoch⌉) — scikit-learn's n_iter_no_change is 10 epochs, but a full-batch
   * epoch is a single step, and 10 steps of Adam can sit on an early plateau (two spirals: stopped at
   * 64% accuracy with 10, 99.8% with 100)
   */
  patience?: number;
  /** an improvement must lower the monitored loss by more than this; default 0 (Keras) */
  minDelta?: number;
  /** default 'valLoss' when there is validation data, else 'loss' */
  monitor?: 'valLoss' | 'loss';
  /** put back the weights of the best epoch at the end (not when a callback stopped the run); default true */
  restoreBest?: boolean;
}

export interface EpochInfo {
  /** epochs completed (1-based) */
  epoch: number;
  loss: number;
  dataLoss: number;
  valLoss?: number;
  metrics: Record<string, number>;
  valMetrics: Record<string, number>;
  learningRate: number;
  /** milliseconds since training began (across resumes) */
  elapsed: number;
  history: History;
  /** the state to save for a resume (see FitOptions.resume) */
  checkpoint(): FitCheckpoint;
}

/** What one update did (TrainingRun.step's result). */
export interface StepInfo {
  /** the epoch in progress (1-based) */
  epoch: number;
  /** batches completed in this epoch (1-based) and their number */
  batch: number;
  batches: number;
  /** the batch's cost before its update */
  loss: number;
  dataLoss: number;
  rows: number;
  learningRate: number;
}

/** What onBatch hears: the step, the time since training began and the state to save. */
export interface BatchInfo extends StepInfo {
  elapsed: number;
  checkpoint(): FitCheckpoint;
}

export interface FitOptions {
  /** Default 'adam'. A ready-made Optimizer object keeps its state across fit calls. */
  optimizer?: OptimizerName | Optimizer;
  /** Default: the optimizer's own (adam 0.001, sgd 0.01, lbfgs 1, …). */
  learningRate?: number;
  /** Further hyper-parameters (momentum, beta1, beta2, epsilon, weightDecay for adamw, memory …). */
  optimizerOptions?: Omit<OptimizerOptions, 'learningRate'>;
  /** Total epochs (a resumed run counts the ones before it). Default 1000 full-batch, 200 mini-batch. */
  epochs?: number;
  /** Rows per update. Default: all training rows when ≤ 1024, else 32. */
  batchSize?: number;
  /**
   * Threads computing each batch's gradient: 'auto' (default) cuts large batches into 2 chunks on up
   * to 2 threads, where that pays (the rule: train/parallel-auto.ts); a number n cuts every batch
   * into n chunks on n threads (1: the whole batch on the calling thread). Node only; L-BFGS runs on one thread.
   */
  workers?: 'auto' | number;
  /** Reshuffle the rows each epoch (seeded); default true. No effect with one batch. */
  shuffle?: boolean;
  /** Seed of the shuffles and of the validation split; default 42. */
  seed?: number;
  /** Rescale the gradient when its L2 norm exceeds this (PyTorch clip_grad_norm_). */
  clipNorm?: number;
  schedule?: ScheduleSpec;
  /** Epochs of linear warm-up of the learning rate; default 0. */
  warmup?: number;
  /** Fraction of rows held out (chosen by a seeded shuffle) to validate on, in [0, 1). */
  validationSplit?: number;
  /** validationSplit holds out each class in proportion (classification targets: 0/1 or one-hot); default false */
  stratify?: boolean;
  /**
   * One weight per row of x (finite, ≥ 0, not all 0): the loss becomes the weighted mean
   * Σ wᵣ·ℓᵣ / Σ wᵣ (each mini-batch's over its rows), and the recorded metrics are weighted too.
   * Rows held out by validationSplit keep theirs. All equal: the same as none, to the bit.
   */
  sampleWeight?: ArrayLike<number>;
  /**
   * A weight per class multiplying each row's loss weight (the metrics stay unweighted by it):
   * 'balanced' = rows / (classes · rows of the class), scikit-learn's; or { label: weight } with the
   * labels '0'/'1' for one 0/1 target column and the column index for one-hot targets (classes left
   * out weigh 1). Classification only; validation rows are weighted the same way.
   */
  classWeight?: ClassWeight;
  /**
   * A separate validation set (instead of validationSplit); `sampleWeight` weights its rows as
   * sampleWeight does the training rows (classWeight applies to them too).
   */
  validationData?:
    | { x: MatrixLike; y: MatrixLike; sampleWeight?: ArrayLike<number> }
    | [MatrixLike, MatrixLike];
  /** true (default patience: max(10, ⌈100 / batches⌉) epochs) or options; needs validation data unless monitor is 'loss'. */
  earlyStopping?: boolean | EarlyStoppingOptions;
  /** Metrics to record each epoch, on the training and validation sets, in original units. */
  metrics?: MetricName[];
  /**
   * Standardize inputs and (regression losses) targets on the training rows; default true. The
   * scaling is stored on the network (network.scaling), so predict() works in original units, and a
   * later fit reuses it (warm start). A network first trained unscaled stays unscaled.
   */
  scale?: boolean | { inputs?: boolean; targets?: boolean };
  /** After each epoch; return false to stop. (`loss` repeats info.loss for callers of the first fit, which passed (epoch, loss).) */
  onEpoch?: (info: EpochInfo, loss: number) => boolean | void;
  /** After each update; return false to stop (the checkpoint then records the batch position). */
  onBatch?: (info: BatchInfo) => boolean | void;
  /**
   * Continue a run from a checkpoint (EpochInfo/BatchInfo.checkpoint() or History.checkpoint), on the
   * network holding the weights it had then and with the same options: the run then ends
   * bit-identical to an uninterrupted one.
   */
  resume?: FitCheckpoint;
}

export interface Baseline {
  /** 'mean': every row predicts the training targets' column means (class frequencies for classifiers) */
  predictor: 'mean';
  /** its cost in the training space (1 for standardized mse targets), comparable with History.loss */
  loss: number;
  valLoss?: number;
  metrics: Record<string, number>;
  valMetrics: Record<string, number>;
}

export interface History {
  /** the cost (data loss + penalties), one per epoch: before the update for a full batch, the mean over the epoch's batches otherwise */
  loss: number[];
  /** the data loss alone */
  dataLoss: number[];
  /** the cost on the validation set after each epoch (empty without validation) */
  valLoss: number[];
  /** training-set metrics per epoch (original units), by name */
  metrics: Record<string, number[]>;
  valMetrics: Record<string, number[]>;
  learningRate: number[];
  /** milliseconds since training began, at the end of each epoch */
  elapsed: number[];
  /** epochs completed in total */
  epochs: number;
  /** the epoch (1-based) with the best monitored loss; its weights are restored when early stopping restores */
  bestEpoch: number;
  bestLoss: number;
  stoppedEarly: boolean;
  stopReason: 'epochs' | 'earlyStopping' | 'callback' | 'converged';
  baseline: Baseline;
  batchSize: number;
  trainRows: number;
  validationRows: number;
  /** where the run ended, for a later resume */
  checkpoint: FitCheckpoint;
}

/** Everything a resumed fit needs besides the network's weights and the options. Plain JSON. */
export interface FitCheckpoint {
  format: 'scratchnet-fit-checkpoint';
  version: 1;
  /** epochs completed */
  epoch: number;
  /** batches completed in the epoch in progress (0 at an epoch boundary) */
  batch: number;
  /** the shuffling generator's state at the start of the epoch in progress */
  random: number[];
  /** sums over the epoch in progress: cost·rows, data loss·rows, rows */
  partial: [number, number, number];
  optimizer: OptimizerState;
  schedule: ScheduleState;
  earlyStopping: { best: number | null; bestEpoch: number; wait: number; bestParams: number[] | null };
  history: Pick<
    History,
    'loss' | 'dataLoss' | 'valLoss' | 'metrics' | 'valMetrics' | 'learningRate' | 'elapsed'
  >;
  /**
   * What the run was, for resume to check (absent in checkpoints of earlier versions): the batch size,
   * the training rows, and a fingerprint of the network's parameters when the checkpoint was taken
   * (FNV-1a of their bits, hex) — a resume on other weights, rows or batches would not continue the run.
   */
  batchSize?: number;
  rows?: number;
  weights?: string;
  /** the run's first batch cost, from which its divergence limit is set (TrainingRunOptions.maxLoss) */
  firstLoss?: number;
}
