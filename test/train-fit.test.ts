// fit(): validation, early stopping, scaling, divergence, clipping, callbacks, warm start, resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Network,
  fit,
  fitWithDoctor,
  evaluate,
  clipGradient,
  Random,
  DivergenceError,
  OptionError,
  toMatrix,
  type FitOptions,
  type FitCheckpoint,
  type NetworkJSON,
} from '../src/index.js';
import { grid } from './helpers.js';

const x = grid(201);
const square = x.map(([v]) => [v * v]);

const net1 = (seed = 3, layers = [1, 64, 1]) =>
  new Network({ layers, activation: 'leakyRelu', output: 'linear', seed });
const mse = (net: Network, xs: number[][], ys: number[][]) => {
  const p = net.predict(xs).data;
  return ys.reduce((s, [t], i) => s + (p[i] - t) ** 2, 0) / ys.length;
};
const variance = (ys: number[][]) => {
  const m = ys.reduce((s, [v]) => s + v, 0) / ys.length;
  return ys.reduce((s, [v]) => s + (v - m) ** 2, 0) / ys.length;
};

test('standardization: y = 5000·x² + 300 fits with the same relative error as y = x²; unscaled it does not', (t) => {
  const big = x.map(([v]) => [5000 * v * v + 300]);
  const options: FitOptions = { epochs: 2000, learningRate: 0.01 };
  const a = net1();
  fit(a, x, square, options);
  const b = net1();
  fit(b, x, big, options);
  const relA = mse(a, x, square) / variance(square);
  const relB = mse(b, x, big) / variance(big);
  assert.ok(relA < 1e-4, `relative MSE of x² ${relA}`);
  assert.ok(Math.abs(relB - relA) <= 0.05 * relA, `relative MSE ${relB} for 5000x² + 300 vs ${relA} for x²`);
  // predictions come back in original units; the stored scaling holds the training statistics
  assert.ok(Math.abs(b.predict([[0.5]]).data[0] - 1550) < 25, `predict(0.5) = ${b.predict([[0.5]]).data[0]}`);
  assert.ok(Math.abs(b.scaling!.targetMean![0] - big.reduce((s, [v]) => s + v, 0) / big.length) < 1e-9);
  // without scaling, the same settings leave the big problem far behind (Adam's steps are ~η per
  // parameter, so the output cannot even reach 300 + 5000·x² in 2,000 steps)
  const c = net1();
  fit(c, x, big, { ...options, scale: false });
  const relC = mse(c, x, big) / variance(big);
  t.diagnostic(
    `MSE / var(y): x² ${relA.toExponential(3)}, 5000x² + 300 ${relB.toExponential(3)}, unscaled ${relC.toExponential(3)}`,
  );
  assert.ok(relC > 100 * relA, `unscaled relative MSE ${relC}`);
});

test('scaling is fitted on the training rows only, stored on the network and round-trips through JSON', () => {
  const xv = x.map(([v]) => [v + 100]); // validation inputs far away: they must not move the statistics
  const net = net1();
  fit(net, x, square, { epochs: 5, validationData: { x: xv, y: square } });
  const mean = x.reduce((s, [v]) => s + v, 0) / x.length;
  assert.ok(Math.abs(net.scaling!.inputMean[0] - mean) < 1e-15, `input mean ${net.scaling!.inputMean[0]}`);
  const copy = Network.fromJSON(JSON.parse(JSON.stringify(net.toJSON())) as NetworkJSON);
  assert.deepEqual(copy.scaling, net.scaling);
  assert.deepEqual(Array.from(copy.predict(x).data), Array.from(net.predict(x).data));
  // classification: inputs only
  const cls = new Network({ layers: [1, 4, 1], loss: 'binaryCrossEntropy', seed: 1 });
  fit(
    cls,
    x,
    x.map(([v]) => [v > 0.5 ? 1 : 0]),
    { epochs: 2 },
  );
  assert.equal(cls.scaling!.targetMean, undefined);
  // scale: false leaves the network unscaled, and a later default fit keeps it so (warm start)
  const raw = net1();
  fit(raw, x, square, { epochs: 2, scale: false });
  assert.equal(raw.scaling, null);
  fit(raw, x, square, { epochs: 2 });
  assert.equal(raw.scaling, null);
  assert.throws(() => fit(raw, x, square, { epochs: 2, scale: true }), /trained without scaling/);
  assert.throws(() => fit(net, x, square, { epochs: 2, scale: false }), /trained with scaling/);
});

test('early stopping restores the best epoch: re-evaluating its weights gives the recorded validation loss', () => {
  // 40 noisy training points and a wide network: validation loss turns up as it starts to overfit
  const r = new Random(5);
  const xt = Array.from({ length: 40 }, () => [r.uniform(-1, 1)]);
  const yt = xt.map(([v]) => [Math.sin(3 * v) + r.normal(0, 0.3)]);
  const xv = Array.from({ length: 200 }, () => [r.uniform(-1, 1)]);
  const yv = xv.map(([v]) => [Math.sin(3 * v) + r.normal(0, 0.3)]);
  const net = new Network({ layers: [1, 128, 128, 1], activation: 'tanh', seed: 2 });
  const h = fit(net, xt, yt, {
    learningRate: 0.01,
    epochs: 2000,
    validationData: [xv, yv],
    earlyStopping: { patience: 25 },
  });
  assert.equal(h.stoppedEarly, true);
  assert.equal(h.stopReason, 'earlyStopping');
  assert.equal(h.epochs, h.bestEpoch + 25, 'stops after exactly `patience` epochs without improvement');
  assert.ok(h.bestEpoch < h.epochs && h.bestEpoch > 1);
  assert.equal(h.bestLoss, Math.min(...h.valLoss));
  assert.ok(h.valLoss.at(-1)! > h.bestLoss, 'the last epoch was worse than the best');
  assert.equal(
    evaluate(net, xv, yv).loss,
    h.valLoss[h.bestEpoch - 1],
    'the restored weights give the best validation loss exactly',
  );
  // without restoreBest, the last weights stay
  const net2 = new Network({ layers: [1, 128, 128, 1], activation: 'tanh', seed: 2 });
  const h2 = fit(net2, xt, yt, {
    learningRate: 0.01,
    epochs: 2000,
    validationData: [xv, yv],
    earlyStopping: { patience: 25, restoreBest: false },
  });
  assert.equal(evaluate(net2, xv, yv).loss, h2.valLoss.at(-1));
});

test('a huge learning rate throws DivergenceError naming epoch and batch; the weights are the last good ones', () => {
  const net = net1(3);
  const snapshots: number[][] = [Array.from(net.params)];
  const losses: number[] = [];
  let error: DivergenceError | undefined;
  try {
    fit(net, x, square, {
      optimizer: 'sgd',
      learningRate: 50,
      epochs: 100,
      batchSize: 50,
      onBatch: (info) => {
        snapshots.push(Array.from(net.params));
        losses.push(info.loss);
      },
    });
  } catch (e) {
    error = e as DivergenceError;
  }
  assert.ok(error instanceof DivergenceError, `expected a DivergenceError, got ${error}`);
  assert.match(
    error.message,
    new RegExp(
      `^training diverged at epoch ${error.epoch}, batch ${error.batch} of 5: the loss (became (NaN|Infinity)|grew to \\S+, above \\S+ \\(a million times its start or the mean predictor's\\))`,
    ),
  );
  assert.match(error.message, /learning rate 50 is too large for sgd: try 5/);
  // the failing batch's loss was computed at the last snapshot; the good weights are the ones before
  assert.deepEqual(Array.from(net.params), snapshots.at(-2));
  const terms = net.computeLoss(toMatrix(x), toMatrix(square));
  assert.ok(Number.isFinite(terms.total));
  assert.ok(losses.every(Number.isFinite));
  assert.equal(
    (error.epoch - 1) * 5 + error.batch,
    losses.length + 1,
    'the error names the batch after the last good one',
  );
  // unscaled big targets: the message names them
  assert.throws(
    () =>
      fit(
        net1(),
        x,
        x.map(([v]) => [5000 * v * v + 300]),
        { optimizer: 'sgd', learningRate: 0.1, epochs: 50, scale: false },
      ),
    (e: Error) =>
      e instanceof DivergenceError && /targets are unscaled \(\|y\| up to 5\.30e\+3\)/.test(e.message),
  );
});

test('clipNorm caps every update: ‖Δθ‖ ≤ η·clipNorm', () => {
  const g = new Float64Array([3, 4]);
  assert.equal(clipGradient(g, 1), 5);
  assert.ok(Math.abs(g[0] - 0.6) < 1e-15 && Math.abs(g[1] - 0.8) < 1e-15, `${g}`);
  const net = net1();
  let prev = Array.from(net.params);
  let largest = 0;
  fit(
    net,
    x,
    x.map(([v]) => [1000 * v]),
    {
      optimizer: 'sgd',
      learningRate: 0.5,
      clipNorm: 0.1,
      epochs: 20,
      scale: false,
      onBatch: () => {
        const now = Array.from(net.params);
        largest = Math.max(largest, Math.hypot(...now.map((v, i) => v - prev[i])));
        prev = now;
      },
    },
  );
  assert.ok(largest <= 0.05 * (1 + 1e-12) && largest > 0.049, `largest step ${largest}`);
});

test('mini-batches: defaults (full batch ≤ 1024 rows, else 32), the last partial batch, per-epoch loss is the mean', () => {
  const small = fit(net1(), x, square, { epochs: 1 });
  assert.equal(small.batchSize, 201);
  const bx = Array.from({ length: 1100 }, (_, i) => [i / 1100]);
  const big = fit(
    net1(),
    bx,
    bx.map(([v]) => [v]),
    { epochs: 1 },
  );
  assert.equal(big.batchSize, 32);
  const sizes: number[] = [];
  const losses: number[] = [];
  const h = fit(net1(), x, square, {
    epochs: 2,
    batchSize: 64,
    onBatch: (i) => {
      sizes.push(i.rows);
      losses.push(i.loss);
    },
  });
  assert.deepEqual(sizes, [64, 64, 64, 9, 64, 64, 64, 9]);
  const mean = (64 * (losses[0] + losses[1] + losses[2]) + 9 * losses[3]) / 201;
  assert.ok(Math.abs(h.loss[0] - mean) < 1e-15, `${h.loss[0]} vs ${mean}`);
});

test('callbacks: onEpoch and onBatch see progress and can stop; History records times, rates and metrics', () => {
  const seen: number[] = [];
  const h = fit(net1(), x, square, {
    epochs: 50,
    validationSplit: 0.2,
    metrics: ['rmse', 'r2'],
    schedule: { type: 'step', stepSize: 2, gamma: 0.5 },
    onEpoch: (info) => {
      seen.push(info.epoch);
      assert.ok(info.valLoss! >= 0 && info.metrics.r2 <= 1 && info.valMetrics.rmse >= 0);
      return info.epoch < 5;
    },
  });
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  assert.equal(h.epochs, 5);
  assert.equal(h.stopReason, 'callback');
  assert.deepEqual(h.learningRate, [0.001, 0.001, 0.0005, 0.0005, 0.00025]);
  assert.equal(h.elapsed.length, 5);
  assert.ok(h.elapsed.every((t, i) => t >= (h.elapsed[i - 1] ?? 0)));
  assert.equal(h.valMetrics.r2.length, 5);
  assert.equal(h.trainRows + h.validationRows, 201);
  assert.equal(h.validationRows, 40);
  // the baseline beside the loss: standardized targets make the mean predictor's cost 1
  assert.ok(Math.abs(h.baseline.loss - 1) < 1e-12, `baseline ${h.baseline.loss}`);
  assert.ok(Math.abs(h.baseline.metrics.r2) < 1e-12);
  let batches = 0;
  const hb = fit(net1(), x, square, { epochs: 10, batchSize: 20, onBatch: () => ++batches < 3 });
  assert.equal(batches, 3);
  assert.equal(hb.epochs, 0);
  assert.equal(hb.checkpoint.batch, 3);
});

test('warm start: a second fit continues from the trained weights and scaling', () => {
  const net = net1();
  const h1 = fit(net, x, square, { epochs: 300, learningRate: 0.01 });
  const scaling = structuredClone(net.scaling);
  const h2 = fit(net, x, square, { epochs: 300, learningRate: 0.01 });
  assert.deepEqual(net.scaling, scaling);
  assert.ok(
    h2.loss[0] < h1.loss[0] / 10,
    `second fit starts at ${h2.loss[0]}, the first started at ${h1.loss[0]}`,
  );
  assert.ok(Math.abs(h2.loss[0] - h1.loss.at(-1)!) < h1.loss.at(-1)!, 'it starts where the first ended');
});

test('resume: stopping mid-epoch and resuming from JSON ends bit-identical to an uninterrupted run', () => {
  const r = new Random(1);
  const xs = Array.from({ length: 120 }, () => [r.uniform(-1, 1), r.uniform(-1, 1)]);
  const ys = xs.map(([a, b]) => [Math.sin(2 * a) * b]);
  for (const optimizer of ['adam', 'lbfgs', 'momentum'] as const) {
    const options: FitOptions =
      optimizer === 'lbfgs'
        ? { optimizer, epochs: 40, validationSplit: 0.25, earlyStopping: { patience: 100 } }
        : {
            optimizer,
            epochs: 30,
            batchSize: 16,
            validationSplit: 0.25,
            schedule: { type: 'plateau', patience: 2 },
            learningRate: 0.01,
            metrics: ['mse'],
            earlyStopping: { patience: 100 },
          };
    const make = () => new Network({ layers: [2, 16, 1], activation: 'tanh', seed: 7 });
    const whole = make();
    const full = fit(whole, xs, ys, options);
    // interrupted: stop during epoch 12 (batch 3) or, for L-BFGS, after epoch 12; save network + checkpoint as JSON
    const part = make();
    const first = fit(part, xs, ys, {
      ...options,
      ...(optimizer === 'lbfgs'
        ? { onEpoch: (i) => i.epoch < 12 }
        : { onBatch: (i) => !(i.epoch === 12 && i.batch === 3) }),
    });
    const saved = JSON.stringify({ network: part.toJSON(), checkpoint: first.checkpoint });
    const { network, checkpoint } = JSON.parse(saved) as { network: NetworkJSON; checkpoint: FitCheckpoint };
    const resumed = Network.fromJSON(network);
    const rest = fit(resumed, xs, ys, { ...options, resume: checkpoint });
    assert.deepEqual(Array.from(resumed.params), Array.from(whole.params), optimizer);
    assert.deepEqual(rest.loss, full.loss, optimizer);
    assert.deepEqual(rest.valLoss, full.valLoss, optimizer);
    assert.deepEqual(rest.learningRate, full.learningRate, optimizer);
    assert.equal(rest.epochs, full.epochs);
  }
});

test('fit options are validated where they enter, with the bad value', () => {
  const bad: [FitOptions, RegExp][] = [
    [{ epochs: 0 }, /epochs must be an integer >= 1, got 0/],
    [{ batchSize: 0 }, /batchSize must be an integer >= 1, got 0/],
    [{ batchSize: 2.5 }, /batchSize must be an integer >= 1, got 2.5/],
    [{ validationSplit: 1 }, /validationSplit must be < 1 .*got 1/],
    [{ validationSplit: -0.1 }, /validationSplit must be a number >= 0 <= 1, got -0.1/],
    [{ clipNorm: -1 }, /clipNorm must be a number > 0, got -1/],
    [{ learningRate: -0.1 }, /learningRate must be a number > 0, got -0.1/],
    [{ optimizer: 'adamm' as never }, /unknown optimizer "adamm"/],
    [
      { earlyStopping: true },
      /earlyStopping watches the validation loss: give validationSplit or validationData/,
    ],
    [
      { earlyStopping: { patience: -1 }, validationSplit: 0.2 },
      /earlyStopping.patience must be an integer >= 0, got -1/,
    ],
    [{ metrics: ['acc' as never] }, /unknown metric "acc"/],
    [{ scale: 'yes' as never }, /scale must be true, false or \{ inputs, targets \}, got "yes"/],
    [{ optimizer: 'lbfgs', batchSize: 10 }, /lbfgs is a full-batch method: leave batchSize out \(got 10/],
    [{ seed: -3 }, /seed must be an integer >= 0, got -3/],
    [{ warmup: 1.5 }, /warmup must be an integer >= 0, got 1.5/],
    [{ epoch: 10 } as never, /unknown fit option "epoch"; expected one of: optimizer, learningRate/],
    [{ validationSplit: 0.2, validationData: [x, square] }, /validationSplit or validationData, not both/],
    [{ resume: { format: 'other' } as never }, /resume needs a checkpoint written by fit/],
  ];
  for (const [options, pattern] of bad) {
    assert.throws(
      () => fit(net1(), x, square, options),
      (e: Error) => e instanceof OptionError && pattern.test(e.message),
      `${JSON.stringify(options)} → ${pattern}`,
    );
  }
});

test('fitWithDoctor: a diagnosis before training and its report in History.doctor', () => {
  const net = new Network({
    layers: [1, 64, 1],
    activation: 'leakyRelu',
    output: 'leakyRelu',
    weightDecay: 1e-8,
    seed: 1,
    onWarning: () => {},
  });
  const heard: string[] = [];
  const h = fitWithDoctor(net, x, square, {
    optimizer: 'sgd',
    learningRate: 1e-6,
    epochs: 20,
    scale: false,
    doctor: { onFinding: (f) => heard.push(f.rule) },
  });
  assert.ok(h.doctor, 'History.doctor is set');
  // the seed's two faults are found (their order is the doctor's business)
  const rules = h.doctor.findings.map((f) => f.rule);
  assert.ok(rules.includes('output-activation') && rules.includes('learning-rate'), JSON.stringify(rules));
  assert.equal('doctor' in fit(net1(), x, square, { epochs: 2 }), false);
  assert.ok(Array.isArray(heard));
});

test('resume from a checkpoint taken in onEpoch while the run went on (periodic checkpoints), and past the end', () => {
  const r = new Random(2);
  const xs = Array.from({ length: 100 }, () => [r.uniform(-1, 1)]);
  const ys = xs.map(([a]) => [a * a * a]);
  const options: FitOptions = {
    epochs: 20,
    batchSize: 32,
    learningRate: 0.01,
    validationSplit: 0.2,
    metrics: ['r2'],
    schedule: { type: 'cosine' },
    warmup: 3,
  };
  const make = () => new Network({ layers: [1, 8, 1], activation: 'tanh', seed: 5 });
  let saved = '';
  const whole = make();
  const full = fit(whole, xs, ys, {
    ...options,
    onEpoch: (info) => {
      if (info.epoch === 7)
        saved = JSON.stringify({ network: whole.toJSON(), checkpoint: info.checkpoint() });
    },
  });
  const { network, checkpoint } = JSON.parse(saved) as { network: NetworkJSON; checkpoint: FitCheckpoint };
  assert.equal(checkpoint.epoch, 7);
  const resumed = Network.fromJSON(network);
  const rest = fit(resumed, xs, ys, { ...options, resume: checkpoint });
  assert.deepEqual(Array.from(resumed.params), Array.from(whole.params));
  assert.deepEqual(rest.loss, full.loss);
  assert.deepEqual(rest.valMetrics, full.valMetrics);
  // a finished run's checkpoint continues to more epochs exactly as a longer run would (constant rate)
  const constant: FitOptions = { epochs: 10, batchSize: 32, learningRate: 0.01 };
  const long = make();
  const h20 = fit(long, xs, ys, { ...constant, epochs: 20 });
  const short = make();
  const h10 = fit(short, xs, ys, constant);
  const h = fit(short, xs, ys, {
    ...constant,
    epochs: 20,
    resume: JSON.parse(JSON.stringify(h10.checkpoint)),
  });
  assert.deepEqual(h.loss, h20.loss);
  assert.deepEqual(Array.from(short.params), Array.from(long.params));
});

test('early stopping on the training loss (full batch) restores the weights that loss was computed at', () => {
  const net = net1();
  // Adam at a high rate: the loss bounces, so a best epoch lies before the last
  const h = fit(net, x, square, {
    learningRate: 0.05,
    epochs: 300,
    earlyStopping: { monitor: 'loss', patience: 3 },
  });
  assert.equal(h.stoppedEarly, true);
  assert.equal(h.bestLoss, Math.min(...h.loss));
  assert.equal(evaluate(net, x, square).loss, h.loss[h.bestEpoch - 1]);
});
