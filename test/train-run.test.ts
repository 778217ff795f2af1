// TrainingRun: fit, a run driven epoch by epoch, and a run driven step by step — interrupted,
// checkpointed through JSON and resumed on a network rebuilt from JSON — end bit-identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Network,
  TrainingRun,
  fit,
  Random,
  DivergenceError,
  type FitCheckpoint,
  type FitOptions,
  type History,
  type NetworkJSON,
} from '../src/index.js';

const r = new Random(11);
const x = Array.from({ length: 203 }, () => [r.uniform(-2, 2)]);
const y = x.map(([v]) => [v * v * v - v]);

const makeNet = () => new Network({ layers: [1, 12, 1], activation: 'tanh', seed: 4 });

/** The history without the clock readings, and the final checkpoint without them. */
function comparable(h: History): unknown {
  const { elapsed, checkpoint, ...rest } = h;
  const { history, ...state } = checkpoint;
  const { elapsed: cpElapsed, ...cpHistory } = history;
  return { ...rest, epochsTimed: elapsed.length, timed: cpElapsed.length, state, cpHistory };
}

/** Steps through the run, stopping after each count of steps in `stops` to save and resume through JSON. */
function interrupted(options: FitOptions, stops: number[]): { network: Network; history: History } {
  let network = makeNet();
  let run = new TrainingRun(network, x, y, options);
  for (const count of stops) {
    for (let i = 0; i < count && !run.done; i++) run.step();
    if (run.done) break; // (a finished run's checkpoint would train on: early stopping is not final)
    const saved = JSON.stringify({ network: network.toJSON(), checkpoint: run.checkpoint() });
    const back = JSON.parse(saved) as { network: NetworkJSON; checkpoint: FitCheckpoint };
    network = Network.fromJSON(back.network);
    run = new TrainingRun(network, x, y, { ...options, resume: back.checkpoint });
  }
  while (!run.done) run.step();
  return { network, history: run.history };
}

function checkThreeWays(options: FitOptions, stops: number[]): History {
  const a = makeNet();
  const ha = fit(a, x, y, options);

  const b = makeNet();
  const runB = new TrainingRun(b, x, y, options);
  let epochs = 0;
  while (!runB.done) {
    runB.epoch();
    epochs++;
  }
  assert.equal(epochs, ha.epochs, 'one epoch() per epoch');

  const c = interrupted(options, stops);
  assert.deepEqual(Array.from(b.params), Array.from(a.params), 'epoch by epoch = fit');
  assert.deepEqual(Array.from(c.network.params), Array.from(a.params), 'interrupted and resumed = fit');
  assert.deepEqual(comparable(runB.history), comparable(ha));
  assert.deepEqual(comparable(c.history), comparable(ha));
  return ha;
}

test('Adam, mini-batches, shuffling, validation, early stopping, a schedule: fit = epoch by epoch = step by step resumed', () => {
  const options: FitOptions = {
    learningRate: 0.01,
    batchSize: 16,
    validationSplit: 0.2,
    earlyStopping: { patience: 10, minDelta: 1e-4 },
    schedule: { type: 'step', stepSize: 20, gamma: 0.5 },
    warmup: 2,
    metrics: ['r2'],
    epochs: 150,
  };
  // 11 batches per epoch: stops mid-epoch (after 7, 41, 341 and 676 steps: the last one while early
  // stopping waits) and at epoch boundaries (11, 52)
  const h = checkThreeWays(options, [7, 4, 30, 11, 289, 335]);
  assert.equal(h.stopReason, 'earlyStopping', 'early stopping is exercised');
  assert.ok(h.epochs > 62 && h.epochs < 150 && h.bestEpoch < 61, `${h.epochs} epochs, best ${h.bestEpoch}`);
  assert.ok(h.bestEpoch < h.epochs);
});

test('L-BFGS (one iteration per step): fit = epoch by epoch = step by step resumed', () => {
  const h = checkThreeWays({ optimizer: 'lbfgs', epochs: 60, validationSplit: 0.1 }, [1, 5, 17]);
  assert.equal(h.epochs, 60);
});

test('step() reports the batch cost before its update; run(until) pauses and continues', () => {
  const network = makeNet();
  const run = new TrainingRun(network, x, y, { batchSize: 64, epochs: 3 });
  assert.equal(run.batches, 4);
  const first = run.step();
  assert.ok(first && first.epoch === 1 && first.batch === 1 && first.rows === 64);
  run.run((r) => r.position.batch === 3);
  assert.deepEqual(run.position, { epoch: 0, batch: 3 });
  assert.equal(run.done, false);
  run.run();
  assert.equal(run.done, true);
  assert.equal(run.history.epochs, 3);
  assert.equal(run.step(), null, 'a finished run takes no more steps');
});

test('divergence: step() throws, the run is done and the weights are the last finite ones', () => {
  const network = makeNet();
  const run = new TrainingRun(network, x, y, {
    optimizer: 'sgd',
    learningRate: 1e6,
    scale: false,
    epochs: 50,
  });
  assert.throws(() => run.run(), DivergenceError);
  assert.ok(run.done && run.diverged instanceof DivergenceError);
  assert.ok(network.params.every(Number.isFinite));
  assert.equal(network.computeLoss(run.data.xs, run.data.ys).total, run.lastGoodLoss);
});

test('a probe: fixed full-batch steps on raw data, the loss per step, maxLoss ends it before the update', () => {
  const network = makeNet();
  const losses: number[] = [];
  const run = new TrainingRun(network, x, y, {
    optimizer: 'sgd',
    learningRate: 0.01,
    raw: true,
    shuffle: false,
    batchSize: x.length,
    epochs: 20,
  });
  assert.equal(network.scaling, undefined, 'a raw run leaves the scaling alone');
  while (!run.done) losses.push(run.step()?.loss ?? NaN);
  assert.equal(losses.length, 20);
  assert.deepEqual(losses, run.history.loss);
  const start = makeNet();
  const initial = start.computeLoss(run.data.xs, run.data.ys).total;
  const capped = new TrainingRun(start, x, y, {
    optimizer: 'sgd',
    learningRate: 0.01,
    scale: false,
    maxLoss: initial / 2,
  });
  const before = Array.from(start.params);
  assert.throws(() => capped.step(), DivergenceError);
  assert.deepEqual(Array.from(start.params), before, 'no update past maxLoss');
});

test('resume refuses a checkpoint of another run: other batch size, other rows, weights other than the checkpoint’s', () => {
  const options: FitOptions = { optimizer: 'adam', batchSize: 32, epochs: 3, seed: 2 };
  const network = makeNet();
  const run = new TrainingRun(network, x, y, options);
  run.step();
  const checkpoint = JSON.parse(JSON.stringify(run.checkpoint())) as FitCheckpoint;
  const saved = network.toJSON();
  const again = () => Network.fromJSON(saved);
  // the same run continues
  assert.doesNotThrow(() => new TrainingRun(again(), x, y, { ...options, resume: checkpoint }));
  assert.throws(
    () => new TrainingRun(again(), x, y, { ...options, batchSize: 64, resume: checkpoint }),
    /^OptionError: the checkpoint was taken with batchSize 32 but this run's is 64: resume with the network, data and options of the interrupted run$/,
  );
  assert.throws(
    () => new TrainingRun(again(), x.slice(0, 150), y.slice(0, 150), { ...options, resume: checkpoint }),
    /^OptionError: the checkpoint was taken training on 203 rows but this run trains on 150/,
  );
  run.step(); // the network trains on: its weights are no longer the checkpoint's
  assert.throws(
    () => new TrainingRun(network, x, y, { ...options, resume: checkpoint }),
    /^OptionError: the network's parameters are not those the checkpoint was taken with/,
  );
  // checkpoints of earlier versions (without these fields) are still taken up
  const { batchSize: _b, rows: _r, weights: _w, ...older } = checkpoint;
  assert.doesNotThrow(() => new TrainingRun(again(), x, y, { ...options, resume: older as FitCheckpoint }));
});
