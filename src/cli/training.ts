// The CLI's bridge to the training library: builds the network from resolved settings, and runs
// fit() in short chunks so the event loop can deliver Ctrl-C / SIGTERM between them. A chunk
// boundary is an exact resume point (optimizer state, epoch, history), which is also what a
// checkpoint stores: an interrupted and resumed run equals an uninterrupted one bit for bit.

import { Network } from '../nn/network.js';
import type { ActivationName } from '../nn/activations.js';
import type { LossName } from '../nn/losses.js';
import { getOptimizer, type Optimizer, type OptimizerName, type OptimizerState } from '../optim/index.js';
import { fit } from '../train/index.js';
import type { Matrix } from '../matrix.js';
import type { Task } from '../data/index.js';

/** Every setting of a run after defaults: stored in the model file, re-used by --resume. */
export interface TrainSettings {
  layers: number[];
  activation: string;
  output?: string;
  loss?: string;
  optimizer: string;
  learningRate?: number;
  momentum?: number;
  epochs: number;
  batchSize?: number;
  weightDecay: number;
  validationSplit?: number;
  earlyStopping?: number;
  scale: boolean;
  seed: number;
}

export interface TrainFlags {
  layers?: number[];
  activation?: string;
  output?: string;
  loss?: string;
  optimizer?: string;
  lr?: number;
  momentum?: number;
  epochs?: number;
  batchSize?: number;
  weightDecay?: number;
  valSplit?: number;
  earlyStop?: number | true;
  scale?: boolean;
  seed?: number;
}

/** Flags → settings, with the defaults for this task. */
export function resolveSettings(flags: TrainFlags, task: Task): TrainSettings {
  void task;
  return {
    layers: flags.layers ?? [32, 32],
    activation: flags.activation ?? 'relu',
    ...(flags.output ? { output: flags.output } : {}),
    ...(flags.loss ? { loss: flags.loss } : {}),
    optimizer: flags.optimizer ?? 'adam',
    ...(flags.lr !== undefined ? { learningRate: flags.lr } : { learningRate: 0.01 }),
    ...(flags.momentum !== undefined ? { momentum: flags.momentum } : {}),
    epochs: flags.epochs ?? 500,
    ...(flags.batchSize !== undefined ? { batchSize: flags.batchSize } : {}),
    weightDecay: flags.weightDecay ?? 0,
    ...(flags.valSplit !== undefined ? { validationSplit: flags.valSplit } : {}),
    ...(flags.earlyStop !== undefined ? { earlyStopping: flags.earlyStop === true ? 20 : flags.earlyStop } : {}),
    scale: flags.scale !== false,
    seed: flags.seed ?? 0,
  };
}

const lossFor: Record<Task, LossName> = { regression: 'mse', binary: 'binaryCrossEntropy', multiclass: 'softmaxCrossEntropy' };

export function buildNetwork(settings: TrainSettings, inputs: number, outputs: number, task: Task): Network {
  return new Network({
    layers: [inputs, ...settings.layers, outputs],
    activation: settings.activation as ActivationName,
    ...(settings.output ? { output: settings.output as ActivationName } : {}),
    loss: (settings.loss ?? lossFor[task]) as LossName,
    weightDecay: settings.weightDecay,
    seed: settings.seed,
    onWarning: () => {},
  });
}

/** Where a run stands: enough to continue it exactly. */
export interface RunState {
  epoch: number;
  optimizer: OptimizerState | null;
  history: { loss: number[]; validationLoss?: number[] };
}

export interface RunHooks {
  /** after each epoch; return false to stop (interrupt) */
  onEpoch?: (epoch: number, loss: number, validationLoss?: number) => boolean | void;
  /** at chunk boundaries (a resumable point): lets the caller await signals and checkpoint */
  atBoundary?: (state: RunState) => Promise<boolean | void>;
}

/** Trains from `state` (or from scratch) to settings.epochs; returns the final state and why it ended. */
export async function runTraining(network: Network, x: Matrix, y: Matrix, settings: TrainSettings, state: RunState | null, hooks: RunHooks): Promise<{ state: RunState; stopped: 'done' | 'interrupted' | 'early' }> {
  const optimizer: Optimizer = getOptimizer(settings.optimizer as OptimizerName, {
    ...(settings.learningRate !== undefined ? { learningRate: settings.learningRate } : {}),
    ...(settings.momentum !== undefined ? { momentum: settings.momentum } : {}),
  });
  if (state?.optimizer) optimizer.setState(state.optimizer);
  const s: RunState = state ? structuredClone(state) : { epoch: 0, optimizer: null, history: { loss: [] } };
  let interrupted = false;
  while (s.epoch < settings.epochs) {
    const start = performance.now();
    const chunk = Math.min(settings.epochs - s.epoch, 1_000_000);
    let done = 0;
    fit(network, x, y, {
      optimizer, epochs: chunk,
      onEpoch: (_e, loss) => {
        done++;
        s.history.loss.push(loss);
        if (hooks.onEpoch?.(s.epoch + done, loss) === false) interrupted = true;
        return !interrupted && performance.now() - start < 200;
      },
    });
    s.epoch += done;
    s.optimizer = optimizer.state();
    if (interrupted) return { state: s, stopped: 'interrupted' };
    if ((await hooks.atBoundary?.(s)) === false) return { state: s, stopped: 'interrupted' };
  }
  return { state: s, stopped: 'done' };
}
