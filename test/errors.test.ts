// Bad input: every mistake throws an error that says what was wrong and where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError, Network, OptionError, ShapeError, fit, toMatrix, getLoss } from '../src/index.js';

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
    message: /x\[1\] has 1 columns but x\[0\] has 2/,
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
