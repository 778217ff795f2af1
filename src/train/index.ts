// Training: fit(), batching, schedules, early stopping, metrics, scaling — no console, no DOM.
//
// TrainingRun (run.ts): the one training engine, driven by step() / epoch() / run(until) — optimizers
//   by name, mini-batches (batches.ts), clipNorm, schedule + warmup, validationSplit / validationData
//   (fit-data.ts), earlyStopping (early-stopping.ts), metrics, scale, onEpoch / onBatch (return false
//   to stop), divergence (restores the last finite weights), checkpoint() and resume (bit-identical).
// fit(network, x, y, options) → History         a TrainingRun run to the end (fit.ts).
// resolveFitOptions, fitDefaults (fit-options.ts): every default in one place.
// evaluate(network, x, y, { metrics })           the cost and metrics fit records, on any data.
// sampleWeight / classWeight (sample-weights.ts): per-row loss weights (weighted means), weighted metrics.
// metrics: mse, rmse, mae, r2, accuracy, logLoss, confusionMatrix; baselinePredictions (the mean
//   predictor / class frequencies, whose argmax is the majority class).
// scaling: standardization stored on the network (network.scaling) and applied by predict().
// inferTask, createNetwork, trainNetwork (auto.ts): task-aware defaults from the data alone.
//
// Resuming (the CLI's --resume): save network.toJSON() (weights and scaling) together with a
// FitCheckpoint — History.checkpoint, or info.checkpoint() inside onEpoch / onBatch — both plain
// JSON. Later: fit(Network.fromJSON(saved), x, y, { ...theSameOptions, resume: checkpoint }). The
// checkpoint holds the epoch and batch position, the shuffling generator's state (Random.state()),
// the optimizer's state (Optimizer.state(): moments, step count), the schedule's and early
// stopping's state and the history so far, so the resumed run ends bit-identical to an
// uninterrupted one. A run stopped by a callback keeps its current weights for that reason.
export {
  fit,
  evaluate,
  clipGradient,
  type FitOptions,
  type History,
  type EpochInfo,
  type BatchInfo,
  type StepInfo,
  type FitCheckpoint,
  type EarlyStoppingOptions,
  type Baseline,
} from './fit.js';
export { TrainingRun, type TrainingRunOptions } from './run.js';
export { EarlyStopping, type EarlyStoppingState } from './early-stopping.js';
export {
  resolveFitOptions,
  fitDefaults,
  defaultBatchSize,
  defaultEpochs,
  defaultPatience,
  type ResolvedFitOptions,
  type EarlyStoppingSettings,
} from './fit-options.js';
export {
  metrics,
  metricNames,
  metricGreaterIsBetter,
  meanSquaredError,
  rootMeanSquaredError,
  meanAbsoluteError,
  r2Score,
  accuracy,
  logLoss,
  confusionMatrix,
  perClassRecall,
  balancedAccuracy,
  predictedClasses,
  computeMetrics,
  baselinePredictions,
  baselineMetrics,
  checkMetrics,
  type MetricName,
} from './metrics.js';
export {
  checkSampleWeight,
  classWeights,
  classWeightByLabel,
  rowWeights,
  type ClassWeight,
  type RowWeights,
  type WeightOptions,
} from './sample-weights.js';
export { columnStats, fitScaling, standardize, unstandardize, type Scaling } from './scaling.js';
export { RunningStats } from './running-stats.js';
export {
  trainInWindows,
  windowSeed,
  type WindowPass,
  type WindowRunOptions,
  type WindowEpoch,
} from './window-run.js';
export { LearningRateSchedule, scheduleTypes, type ScheduleSpec, type ScheduleState } from './schedules.js';
export {
  inferTask,
  inferTaskWithReason,
  oneHotLabels,
  createNetwork,
  networkDefaults,
  trainNetwork,
  holdoutPatience,
  type Task,
  type TaskInference,
  type AutoOptions,
} from './auto.js';
export {
  DataParallel,
  dataParallelWorkers,
  fitParallel,
  type DataParallelOptions,
  type FitParallelOptions,
} from './parallel.js';
export {
  AUTO_MIN_ROWS,
  AUTO_MIN_RUN,
  AUTO_MIN_WORK,
  autoChunks,
  autoThreads,
  planWorkers,
  type WorkerPlan,
  type WorkersOption,
} from './parallel-auto.js';
export { defaultValidationSplit, holdoutRule, stratifiedOrder } from './holdout.js';
export {
  referenceRecord,
  referenceScores,
  linearReference,
  type ReferenceScores,
  type ReferenceWeights,
} from './reference.js';
export { scalingWarnings, scalingWarningRule } from './scaling-warnings.js';
export {
  autoFit,
  searchModels,
  defaultBudget,
  minSampleRows,
  maxSearchRows,
  searchRowCount,
  crossValidationRows,
  planRefit,
  minRefitEpochs,
  cheapRefitShare,
  referenceThreads,
  type RefitPlan,
  type AutoFitOptions,
  type AutoFitResult,
  type ModelSearch,
  type LeaderboardEntry,
  type SearchSettings,
} from './autofit.js';
export {
  largeSearch,
  largeBudget,
  largeEpochs,
  largeCandidate,
  isLarge,
  type LargeSettings,
} from './autofit-large.js';
export { searchGrid, alwaysSearched, describeCandidate, type Candidate } from './autofit-space.js';
export { candidateScaling, searchEarlyStopping } from './autofit-eval.js';
