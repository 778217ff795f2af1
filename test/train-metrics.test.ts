// Metrics, baselines, scaling statistics and learning-rate schedules, against hand-computed values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  meanSquaredError,
  rootMeanSquaredError,
  meanAbsoluteError,
  r2Score,
  accuracy,
  logLoss,
  confusionMatrix,
  metrics,
  baselinePredictions,
  baselineMetrics,
  columnStats,
  fitScaling,
  standardize,
  unstandardize,
  toMatrix,
  toArrays,
  LearningRateSchedule,
  OptionError,
  checkMetrics,
} from '../src/index.js';

const near = (a: number, b: number, what: string, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('regression metrics: mse, rmse, mae, r² on a hand example', () => {
  const p = [[1], [2], [4]];
  const t = [[1], [3], [5]];
  near(meanSquaredError(p, t), 2 / 3, 'mse'); // (0 + 1 + 1)/3
  near(rootMeanSquaredError(p, t), Math.sqrt(2 / 3), 'rmse');
  near(meanAbsoluteError(p, t), 2 / 3, 'mae');
  // mean t = 3, SS_tot = 4 + 0 + 4 = 8, SS_res = 2: r² = 0.75
  near(r2Score(p, t), 0.75, 'r2');
  near(r2Score(t, t), 1, 'perfect r2');
  near(r2Score([[3], [3], [3]], t), 0, 'the mean predictor scores 0');
  // two columns: average of the per-column r² (scikit-learn 'uniform_average'); constant column fitted exactly → 1
  near(
    r2Score(
      [
        [1, 7],
        [2, 7],
        [4, 7],
      ],
      [
        [1, 7],
        [3, 7],
        [5, 7],
      ],
    ),
    (0.75 + 1) / 2,
    'r2 with a constant column',
  );
  near(
    r2Score(
      [
        [1, 6],
        [2, 7],
        [4, 7],
      ],
      [
        [1, 7],
        [3, 7],
        [5, 7],
      ],
    ),
    (0.75 + 0) / 2,
    'r2 with a constant column missed',
  );
  assert.equal(metrics.rmse, rootMeanSquaredError);
});

test('classification metrics: accuracy, log-loss, confusion matrix (binary and one-hot)', () => {
  const p = [[0.9], [0.2], [0.6], [0.4]];
  const t = [[1], [0], [0], [1]];
  near(accuracy(p, t), 0.5, 'binary accuracy');
  near(
    logLoss(p, t),
    -(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.4)) / 4,
    'binary log-loss',
  );
  assert.deepEqual(confusionMatrix(p, t), [
    [1, 1],
    [1, 1],
  ]); // rows: true 0, true 1
  const pm = [
    [0.7, 0.2, 0.1],
    [0.1, 0.3, 0.6],
    [0.2, 0.5, 0.3],
  ];
  const tm = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 1, 0],
  ];
  near(accuracy(pm, tm), 2 / 3, 'multi-class accuracy');
  near(logLoss(pm, tm), -(Math.log(0.7) + Math.log(0.3) + Math.log(0.5)) / 3, 'multi-class log-loss');
  assert.deepEqual(confusionMatrix(pm, tm), [
    [1, 0, 0],
    [0, 1, 1],
    [0, 0, 0],
  ]);
  near(logLoss([[0]], [[1]]), -Math.log(1e-15), 'a confident mistake is clipped, not infinite');
});

test('baselines: the mean predictor (regression), class frequencies whose argmax is the majority class', () => {
  assert.deepEqual(toArrays(baselinePredictions([[1], [3], [5]], 2)), [[3], [3]]);
  const b = baselineMetrics(['mse', 'r2'], [[1], [3], [5]]);
  near(b.mse, 8 / 3, 'baseline mse = variance');
  near(b.r2, 0, 'baseline r2');
  const y = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 1, 0],
    [0, 1, 0],
  ];
  assert.deepEqual(toArrays(baselinePredictions(y, 1)), [[0.25, 0.75, 0]]);
  const c = baselineMetrics(['accuracy', 'logLoss'], y);
  near(c.accuracy, 0.75, 'majority-class accuracy');
  near(c.logLoss, -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), 'prior log-loss = label entropy');
});

test('metric names are validated with the bad name and the known ones', () => {
  assert.throws(
    () => checkMetrics(['acuracy']),
    /unknown metric "acuracy"; expected one of: mse, rmse, mae, r2, accuracy, logLoss/,
  );
  assert.throws(() => checkMetrics('mse'), OptionError);
  assert.throws(
    () => meanSquaredError([[1, 2]], [[1]]),
    /^ShapeError: predictions have 2 columns but targets have 1$/,
  );
});

test('scaling statistics: mean, population std, constant columns get std 1; standardize inverts', () => {
  const m = toMatrix([
    [1, 5],
    [3, 5],
    [5, 5],
  ]);
  const s = columnStats(m);
  assert.deepEqual(s.mean, [3, 5]);
  near(s.std[0], Math.sqrt(8 / 3), 'population std');
  assert.equal(s.std[1], 1, 'a constant column keeps std 1 (maps to 0)');
  const z = standardize(m, s.mean, s.std);
  assert.deepEqual(Array.from(z.data.filter((_, i) => i % 2 === 1)), [0, 0, 0]);
  const back = unstandardize(z, s.mean, s.std);
  Array.from(back.data).forEach((v, i) => near(v, m.data[i], `round trip ${i}`, 1e-15));
  const sc = fitScaling(m, toMatrix([[10], [20], [30]]));
  assert.deepEqual(sc.targetMean, [20]);
});

test('schedules: constant, step, exponential, cosine, plateau and warm-up by hand', () => {
  const c = new LearningRateSchedule(undefined, 0.1, 100);
  assert.equal(c.rate(57), 0.1);
  const st = new LearningRateSchedule({ type: 'step', stepSize: 10, gamma: 0.5 }, 0.1, 100);
  assert.deepEqual(
    [0, 9, 10, 25].map((e) => st.rate(e)),
    [0.1, 0.1, 0.05, 0.025],
  );
  const ex = new LearningRateSchedule({ type: 'exponential', gamma: 0.9 }, 0.1, 100);
  near(ex.rate(2), 0.1 * 0.81, 'exponential');
  const co = new LearningRateSchedule({ type: 'cosine', minLearningRate: 0.01 }, 0.1, 100);
  near(co.rate(0), 0.1, 'cosine start');
  near(co.rate(50), 0.055, 'cosine middle');
  near(co.rate(100), 0.01, 'cosine end');
  const warm = new LearningRateSchedule('constant', 0.1, 100, 4);
  assert.deepEqual(
    [0, 1, 3, 4].map((e) => warm.rate(e)),
    [0.025, 0.05, 0.1, 0.1],
  );
  const pl = new LearningRateSchedule(
    { type: 'plateau', factor: 0.5, patience: 2, minDelta: 0.01 },
    0.1,
    100,
  );
  for (const v of [1, 0.5, 0.495, 0.49]) pl.observe(v); // two epochs without an improvement > 0.01
  assert.equal(pl.rate(4), 0.05);
  const saved = JSON.parse(JSON.stringify(pl.state()));
  const pl2 = new LearningRateSchedule(
    { type: 'plateau', factor: 0.5, patience: 2, minDelta: 0.01 },
    0.1,
    100,
  );
  pl2.setState(saved);
  pl.observe(0.495);
  pl.observe(0.494);
  pl2.observe(0.495);
  pl2.observe(0.494); // best is still 0.5: no gain > 0.01
  assert.equal(pl2.rate(6), pl.rate(6));
  assert.equal(pl.rate(6), 0.025);
});

test('schedules reject bad options with the value', () => {
  const bad: [unknown, RegExp][] = [
    [
      { type: 'cosinus' },
      /unknown schedule type "cosinus"; expected one of: constant, step, exponential, cosine, plateau/,
    ],
    [{ type: 'step' }, /needs stepSize/],
    [{ type: 'step', stepSize: 0 }, /schedule.stepSize must be an integer >= 1, got 0/],
    [{ type: 'exponential', gamma: 1.5 }, /schedule.gamma .*got 1.5/],
    [{ type: 'plateau', factor: 2 }, /schedule.factor .*got 2/],
    [{ type: 'cosine', gama: 1 }, /unknown cosine schedule option "gama"/],
    [
      { type: 'cosine', epochs: 4 },
      /^OptionError: schedule\.epochs 4 < the run's 10: the learning rate would stay 0 after epoch 4, training nothing/,
    ],
    ['linear', /schedule must be 'constant' or an object/],
  ];
  for (const [spec, pattern] of bad)
    assert.throws(() => new LearningRateSchedule(spec as never, 0.1, 10), pattern, JSON.stringify(spec));
  // a shorter cosine that ends above 0 keeps training at its floor
  assert.equal(
    new LearningRateSchedule({ type: 'cosine', epochs: 4, minLearningRate: 0.01 }, 0.1, 10).rate(8),
    0.01,
  );
  assert.throws(
    () => new LearningRateSchedule('constant', 0.1, 10, -1),
    /warmup must be an integer >= 0, got -1/,
  );
});

test('a probability of exactly 0.5 is class 1 in the metrics, as predict and the exports label it', () => {
  assert.equal(accuracy([[0.5], [0.49]], [[1], [0]]), 1);
});

test("class metrics take soft labels and a least-squares classifier's outputs outside [0, 1]; regression targets are refused", () => {
  // soft labels in one column (binary cross-entropy trains on them): classes at 0.5
  assert.equal(accuracy([[0.2], [0.8]], [[0.1], [0.9]]), 1);
  // an MSE-trained classifier's outputs may leave [0, 1]: clipped, as documented
  assert.ok(Number.isFinite(logLoss([[-0.1], [1.2]], [[0], [1]])));
  assert.throws(
    () => accuracy([[0.2], [0.8]], [[1.5], [0]]),
    /^DataError: accuracy: targets\[0\]\[0\] is 1\.5, but accuracy scores classes/,
  );
});
