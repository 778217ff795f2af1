// Bad input: every mistake throws an error that says what was wrong and where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Adam,
  DataError,
  autoFit,
  Network,
  OptionError,
  ShapeError,
  createNetwork,
  dataset,
  diagnose,
  evaluate,
  explain,
  fit,
  accuracy,
  logLoss,
  meanSquaredError,
  toMatrix,
  getLoss,
} from '../src/index.js';

const net = () => new Network({ layers: [2, 3, 1], onWarning: () => {} });

const cases: {
  name: string;
  run: () => unknown;
  type: new (...args: never[]) => Error;
  message: RegExp;
  fields?: Record<string, unknown>;
}[] = [
  {
    name: 'x with the wrong number of columns',
    run: () => fit(net(), [[1, 2, 3]], [[1]]),
    type: ShapeError,
    message: /x has 3 columns but the network expects 2/,
  },
  {
    name: 'y with the wrong number of columns',
    run: () => fit(net(), [[1, 2]], [[1, 2]]),
    type: ShapeError,
    message: /y has 2 columns but the network expects 1/,
  },
  {
    name: 'x and y with different row counts',
    run: () =>
      fit(
        net(),
        [
          [1, 2],
          [3, 4],
        ],
        [[1]],
      ),
    type: ShapeError,
    message: /x has 2 rows but y has 1/,
  },
  {
    name: 'ragged rows',
    run: () => fit(net(), [[1, 2], [3]], [[1], [2]]),
    type: ShapeError,
    message: /x\[1\] has 1 column but x\[0\] has 2/,
  },
  {
    name: 'NaN in inputs',
    run: () =>
      fit(
        net(),
        [
          [1, 2],
          [3, NaN],
        ],
        [[1], [2]],
      ),
    type: DataError,
    message: /x\[1\]\[1\] is NaN/,
    fields: { row: 1, column: 1, argument: 'x' },
  },
  {
    name: 'Infinity in targets',
    run: () =>
      fit(
        net(),
        [
          [1, 2],
          [3, 4],
        ],
        [[1], [Infinity]],
      ),
    type: DataError,
    message: /y\[1\]\[0\] is Infinity/,
    fields: { row: 1, column: 0 },
  },
  {
    name: 'a string among the numbers',
    run: () =>
      fit(
        net(),
        [
          [1, 2],
          [3, '4' as unknown as number],
        ],
        [[1], [2]],
      ),
    type: DataError,
    message: /x\[1\]\[1\] is the string "4"/,
  },
  { name: 'empty data', run: () => fit(net(), [], []), type: DataError, message: /x is empty/ },
  { name: 'empty rows', run: () => toMatrix([[]], 'x'), type: DataError, message: /x\[0\] is empty/ },
  {
    name: 'unknown activation',
    run: () => new Network({ layers: [1, 2, 1], activation: 'relux' as never }),
    type: OptionError,
    message: /unknown activation "relux"; expected one of: linear, relu, leakyRelu/,
  },
  {
    name: 'unknown output activation',
    run: () => new Network({ layers: [1, 2, 1], output: 'soft' as never }),
    type: OptionError,
    message: /unknown activation "soft"/,
    fields: { option: 'output' },
  },
  {
    name: 'unknown loss',
    run: () => getLoss('mse2' as never),
    type: OptionError,
    message: /unknown loss "mse2"; expected one of: mse, mae, huber/,
  },
  {
    name: 'unknown initializer',
    run: () => new Network({ layers: [1, 2, 1], init: 'he' as never }),
    type: OptionError,
    message: /unknown initializer "he"; expected one of: heNormal/,
  },
  {
    name: 'unknown optimizer',
    run: () => fit(net(), [[1, 2]], [[1]], { optimizer: 'adamm' as never }),
    type: OptionError,
    message: /unknown optimizer "adamm"/,
  },
  {
    name: 'a hyper-parameter the optimizer does not have',
    run: () => fit(net(), [[1, 2]], [[1]], { optimizer: 'adam', optimizerOptions: { momentum: 0.9 } }),
    type: OptionError,
    message: /adam has no momentum option \(it takes learningRate, beta1, beta2, epsilon\)/,
  },
  {
    name: 'bad layer size',
    run: () => new Network({ layers: [1, 0, 1] }),
    type: OptionError,
    message: /layers\[1\] must be an integer >= 1, got 0/,
  },
  {
    name: 'negative weight decay',
    run: () => new Network({ layers: [1, 1], weightDecay: -1 }),
    type: OptionError,
    message: /weightDecay must be a number >= 0, got -1/,
  },
  {
    name: 'non-positive learning rate',
    run: () => fit(net(), [[1, 2]], [[1]], { learningRate: 0 }),
    type: OptionError,
    message: /learningRate must be a number > 0, got 0/,
  },
  {
    name: 'softmax on a hidden layer',
    run: () => new Network({ layers: [1, 2, 2], activation: 'softmax' }),
    type: OptionError,
    message: /softmax is an output activation/,
  },
  {
    name: 'cross-entropy with a tanh output',
    run: () => new Network({ layers: [1, 2, 1], output: 'tanh', loss: 'binaryCrossEntropy' }),
    type: OptionError,
    message: /must be sigmoid or linear, not tanh/,
  },
  {
    name: 'binary targets outside [0, 1]',
    run: () => fit(new Network({ layers: [1, 1], loss: 'binaryCrossEntropy' }), [[1], [2]], [[0], [2]]),
    type: DataError,
    message: /y\[1\]\[0\] is 2/,
    fields: { argument: 'y', row: 1, column: 0 },
  },
  // a misspelt option is an error, not a default used in silence (the nearest name is suggested)
  {
    name: 'a misspelt Network option',
    run: () => new Network({ layers: [1, 2, 1], activaton: 'tanh' } as never),
    type: OptionError,
    message:
      /^unknown Network option "activaton"; expected one of: layers, activation, .* \(did you mean "activation"\?\)$/,
    fields: { option: 'activaton' },
  },
  {
    name: 'a misspelt doctor option (the doctor would examine another run)',
    run: () => diagnose(net(), [[1, 2]], [[1]], { learningrate: 0.1 } as never),
    type: OptionError,
    message: /^unknown doctor option "learningrate"; .* \(did you mean "learningRate"\?\)$/,
  },
  {
    name: 'a misspelt createNetwork option',
    run: () => createNetwork([[1, 2]], [[1]], { layer: [4] } as never),
    type: OptionError,
    message: /^unknown option "layer"; .* \(did you mean "layers"\?\)$/,
  },
  {
    name: 'a misspelt evaluate option',
    run: () => evaluate(net(), [[1, 2]], [[1]], { metric: ['r2'] } as never),
    type: OptionError,
    message:
      /^unknown evaluate option "metric"; expected one of: metrics, sampleWeight, classWeight \(did you mean "metrics"\?\)$/,
  },
  {
    name: 'an optimizer constructor option it does not have',
    run: () => new Adam({ lr: 0.1 } as never),
    type: OptionError,
    message: /^unknown optimizer option "lr"; expected one of: learningRate, beta1, beta2, epsilon$/,
  },
  {
    name: 'a misspelt dataset option',
    run: () => dataset('moons', { size: 10 } as never),
    type: OptionError,
    message: /^unknown dataset option "size"; expected one of: n, noise, seed$/,
  },
  {
    name: 'a misspelt earlyStopping option',
    run: () =>
      fit(net(), [[1, 2]], [[1]], { epochs: 1, earlyStopping: { patiense: 3, monitor: 'loss' } as never }),
    type: OptionError,
    message: /^unknown option "earlyStopping\.patiense"; .* \(did you mean "earlyStopping\.patience"\?\)$/,
  },
  {
    name: 'a misspelt scale option',
    run: () => fit(net(), [[1, 2]], [[1]], { epochs: 1, scale: { input: false } as never }),
    type: OptionError,
    message:
      /^unknown option "scale\.input"; expected one of: scale\.inputs, scale\.targets \(did you mean "scale\.inputs"\?\)$/,
  },
  {
    name: 'optimizerOptions beside a ready-made optimizer (they were ignored)',
    run: () =>
      fit(net(), [[1, 2]], [[1]], { epochs: 1, optimizer: new Adam(), optimizerOptions: { beta1: 0.8 } }),
    type: OptionError,
    message:
      /^optimizerOptions \(beta1\) apply to an optimizer fit makes by name, not a ready-made one: .*new Adam\(\{ beta1: … \}\)/,
  },
  {
    name: 'a misspelt explain option',
    run: () => explain({ network: net() }, { x: [[1, 2]] }, { row: [0] } as never),
    type: OptionError,
    message: /^unknown explain option "row"; .* \(did you mean "rows"\?\)$/,
  },
  {
    name: 'forward on an array of rows (it takes a Matrix)',
    run: () => net().forward([[1, 2]] as never),
    type: ShapeError,
    message:
      /^x must be a Matrix \(\{ rows, cols, data \}, e\.g\. toMatrix\(xRows\)\); arrays of rows go to predict\(\)$/,
  },
  {
    name: 'forward on NaN (a ReLU would make it 0)',
    run: () => net().forward({ rows: 1, cols: 2, data: Float64Array.of(1, Number.NaN) }),
    type: DataError,
    message: /^x\[0\]\[1\] is NaN: data must be finite numbers$/,
  },
  {
    name: 'computeGradient on a Matrix whose data is shorter than rows × cols',
    run: () =>
      net().computeGradient(
        { rows: 2, cols: 2, data: new Float64Array(2) },
        { rows: 2, cols: 1, data: new Float64Array(2) },
      ),
    type: ShapeError,
    message: /^x: data has 2 values but rows × cols = 2 × 2$/,
  },
  {
    name: 'computeLoss with y of the wrong width',
    run: () => net().computeLoss(toMatrix([[1, 2]], 'x'), toMatrix([[1, 2]], 'y')),
    type: ShapeError,
    message: /^y has 2 columns but the network gives 1 output$/,
  },
  {
    name: 'a metric with a NaN sample weight',
    run: () => accuracy([[0.2], [0.9]], [[0], [1]], [Number.NaN, 1]),
    type: DataError,
    message: /^sampleWeight\[0\] is NaN: weights must be finite numbers ≥ 0$/,
  },
  {
    name: 'accuracy of regression values',
    run: () => accuracy([[1.2], [2.9]], [[1.3], [3]]),
    type: DataError,
    message:
      /^accuracy: targets\[0\]\[0\] is 1\.3, but accuracy scores classes: .* \(for regression targets use r2, rmse or mae\)$/,
  },
  {
    name: 'logLoss of regression targets',
    run: () => logLoss([[0.2], [0.9]], [[0], [2]]),
    type: DataError,
    message:
      /^logLoss: targets\[1\]\[0\] is 2, but logLoss scores classes: targets must be 0\/1 \(one column\) or one-hot rows/,
  },
  {
    name: 'a metric on predictions and targets of different widths',
    run: () => meanSquaredError([[1, 2]], [[1]]),
    type: ShapeError,
    message: /^predictions have 2 columns but targets have 1$/,
  },
  {
    name: 'fit recording accuracy on regression targets (it compared p > 0.5 with y > 0.5)',
    run: () =>
      fit(new Network({ layers: [1, 4, 1] }), [[0], [1], [2]], [[0.5], [1.5], [3]], {
        epochs: 2,
        metrics: ['accuracy'],
      }),
    type: DataError,
    message: /^accuracy: targets\[1\]\[0\] is 1\.5, but accuracy scores classes/,
  },
  {
    name: 'a float32 network predicting on a value beyond float32 (it said Infinity)',
    run: () => new Network({ layers: [1, 2, 1], dtype: 'float32' }).predict([[1], [1e39]]),
    type: DataError,
    message:
      /^x\[1\]\[0\] is 1e\+39: beyond float32's range \(±3\.4e38\), which this float32 network computes in$/,
    fields: { row: 1, column: 0 },
  },
  {
    name: 'prediction input of the wrong width',
    run: () => net().predict([[1]]),
    type: ShapeError,
    message: /x has 1 column but the network expects 2/,
  },
];

for (const c of cases) {
  test(`bad input: ${c.name}`, () => {
    assert.throws(c.run, (e: unknown) => {
      assert.ok(
        e instanceof c.type,
        `expected ${c.type.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`,
      );
      assert.match((e as Error).message, c.message);
      for (const [k, v] of Object.entries(c.fields ?? {}))
        assert.equal((e as unknown as Record<string, unknown>)[k], v, `field ${k}`);
      return true;
    });
  });
}

test('no silent broadcasting: a 1-column y is not stretched over a 3-output network', () => {
  const n = new Network({ layers: [2, 3], onWarning: () => {} });
  assert.throws(() => fit(n, [[1, 2]], [[1]]), ShapeError);
});

test('autoFit: a misspelt option and workers that are not an integer ≥ 0 are refused before any work', async () => {
  const x = Array.from({ length: 20 }, (_, i) => [i / 20]);
  const y = x.map(([v]) => [v * v]);
  await assert.rejects(
    autoFit(x, y, { budjet: 1 } as never),
    /^OptionError: unknown autoFit option "budjet"; .* \(did you mean "budget"\?\)$/,
  );
  for (const workers of [1.5, -1, 'auto'])
    await assert.rejects(
      autoFit(x, y, { workers } as never),
      /^OptionError: workers must be an integer >= 0, got/,
    );
});

test('messages show NaN, Infinity and -0 as they are (JSON would print null and 0)', () => {
  assert.throws(
    () => fit(net(), [[1, 2]], [[1]], { learningRate: Number.NaN }),
    /^OptionError: learningRate must be a number > 0, got NaN$/,
  );
  assert.throws(() => fit(net(), [[1, 2]], [[1]], { epochs: Number.POSITIVE_INFINITY }), /got Infinity$/);
  assert.throws(() => fit(net(), [[1, 2]], [[1]], { sampleWeight: [Number.NaN] }), /got NaN$/);
});

test('a float32 network reads inputs beyond float32 that standardize within it, as training read them', () => {
  const x = Array.from({ length: 50 }, (_, i) => [i * 1e37]);
  const y = x.map((_, i) => [i % 7]);
  const net = new Network({ layers: [1, 4, 1], dtype: 'float32', onWarning: () => {} });
  fit(net, x, y, { epochs: 5 });
  const p = net.predict([[4e38], [1e39]]);
  assert.ok(Array.from(p.data).every(Number.isFinite), `predictions ${Array.from(p.data)}`);
});
