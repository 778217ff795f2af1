// DataParallel.step (issue 16): the threads take the optimizer step themselves, each on the pieces of
// the reduction it sums, instead of the calling thread on every weight after; and a batch in the
// kernels' shared memory (fit's, with workers) is read by the workers in place, not copied to them. The weights must be
// those of computeTerms followed by optimizer.step, bit for bit, for every optimizer whose step splits,
// either precision and any number of threads; the workers' twin of the optimizer must follow a reset
// or a restored state; everything else (a penalty, an optimizer of one's own, RMSprop) falls back to
// the step after; and fit, which now steps through it, must train and stop on divergence as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DataParallel,
  DivergenceError,
  Network,
  Random,
  SGD,
  fit,
  getOptimizer,
  kernels,
  toMatrix,
  type Matrix,
  type Optimizer,
  type OptimizerName,
} from '../src/index.js';
import { Batches } from '../src/train/batches.js';
import { BatchGradient } from '../src/train/parallel-auto.js';
import { X_AT } from '../src/train/parallel-shared.js';

function data(rows: number, dtype: 'float64' | 'float32'): { x: Matrix; y: Matrix } {
  const random = new Random(5);
  const x = toMatrix(
    Array.from({ length: rows }, () => Array.from({ length: 6 }, () => random.normal())),
    'x',
    6,
    dtype,
  );
  const y = toMatrix(
    Array.from({ length: rows }, (_, r) => [
      Math.tanh(x.data[r * 6] - x.data[r * 6 + 1]),
      x.data[r * 6 + 2] ** 2,
    ]),
    'y',
    2,
    dtype,
  );
  return { x, y };
}

function rowsOf(m: Matrix, a: number, b: number): Matrix {
  return { rows: b - a, cols: m.cols, data: m.data.subarray(a * m.cols, b * m.cols) };
}

const network = (dtype: 'float64' | 'float32', weightDecay = 0) =>
  new Network({ layers: [6, 40, 24, 2], activation: 'relu', seed: 8, weightDecay, dtype });

/** The batches each run steps on: two sizes, so that the reduction's plan is made again. */
const batches: [number, number][] = [
  [0, 64],
  [64, 128],
  [10, 43],
  [50, 114],
  [0, 64],
  [96, 160],
];

/** The trainer's control block (private). */
function controlOf(trainer: DataParallel): Int32Array {
  return (trainer as unknown as { shared: { control: Int32Array } }).shared.control;
}

/** The trainer's step of its last call (private): null when it fell back to the step after. */
function updateOf(trainer: DataParallel): unknown {
  return (trainer as unknown as { update: unknown }).update;
}

/**
 * Steps `make()` over the batches twice: through trainer.step (`split`), or computeTerms then
 * optimizer.step; `between(optimizer, step)` runs after each step. Returns the weights, the costs and
 * whether the trainer split the last step.
 */
function run(
  dtype: 'float64' | 'float32',
  workers: number,
  make: () => Optimizer,
  split: boolean,
  options: { weightDecay?: number; between?: (o: Optimizer, step: number) => void } = {},
) {
  const { x, y } = data(160, dtype);
  const net = network(dtype, options.weightDecay);
  const optimizer = make();
  const trainer = new DataParallel(net, { workers, chunks: 2, maxRows: 64 });
  const costs: number[] = [];
  let splitLast = false;
  try {
    for (let round = 0; round < 2; round++)
      batches.forEach(([a, b], i) => {
        const bx = rowsOf(x, a, b);
        const by = rowsOf(y, a, b);
        if (split) {
          costs.push(trainer.step(bx, by, optimizer).total);
        } else {
          costs.push(trainer.computeTerms(bx, by).total);
          optimizer.step(net.params, net.grads);
        }
        options.between?.(optimizer, round * batches.length + i);
      });
    splitLast = updateOf(trainer) !== null;
  } finally {
    trainer.close();
  }
  return { params: Array.from(net.params), costs, steps: optimizer.stepCount, splitLast };
}

const splitting: OptimizerName[] = ['sgd', 'momentum', 'nesterov', 'adam', 'adamw'];
const rates: Partial<Record<OptimizerName, number>> = { sgd: 0.05, momentum: 0.02, nesterov: 0.02 };

for (const dtype of ['float64', 'float32'] as const)
  for (const workers of [1, 2])
    test(`step on ${workers} thread(s), ${dtype}: the same weights as computeTerms then optimizer.step, for every optimizer that splits`, () => {
      for (const name of splitting) {
        const make = () => getOptimizer(name, { learningRate: rates[name] ?? 0.01 });
        const after = run(dtype, workers, make, false);
        const split = run(dtype, workers, make, true);
        assert.ok(split.splitLast, `${name}: the threads took the step`);
        assert.deepEqual(split.costs, after.costs, `${name}: costs`);
        assert.equal(split.steps, after.steps, `${name}: step count`);
        assert.ok(
          split.params.every((v, i) => Object.is(v, after.params[i])),
          `${name}: weights differ from the step after`,
        );
        assert.ok(after.costs[after.costs.length - 1] < after.costs[0], `${name}: the weights trained`);
      }
    });

test('step: the workers follow the optimizer through reset() and setState() between steps', () => {
  for (const name of ['adam', 'momentum'] as const) {
    let saved: ReturnType<Optimizer['state']> | null = null;
    // networks made between the steps take the kernels' memory the old state buffers freed, so that
    // the new ones come at other addresses
    const held: Network[] = [];
    const between = (o: Optimizer, step: number) => {
      if (step === 2) saved = o.state();
      if (step === 5) o.reset(); // new state buffers on the next step
      if (step === 8 && saved) o.setState(saved);
      if (step === 5 || step === 8) for (let i = 0; i < 4; i++) held.push(network('float32'));
    };
    const make = () => getOptimizer(name, { learningRate: 0.01 });
    const after = run('float32', 2, make, false, { between });
    const split = run('float32', 2, make, true, { between });
    assert.ok(split.splitLast);
    assert.deepEqual(split.costs, after.costs, name);
    assert.ok(
      split.params.every((v, i) => Object.is(v, after.params[i])),
      `${name}: weights`,
    );
  }
});

test("a batch in the kernels' memory is read by the workers in place: the same weights as a batch copied to them", () => {
  for (const dtype of ['float64', 'float32'] as const) {
    const { x, y } = data(160, dtype);
    const resident = (m: Matrix): Matrix => {
      const data = kernels.allocate(dtype, m.data.length);
      data.set(m.data);
      return { rows: m.rows, cols: m.cols, data };
    };
    const [rx, ry] = [resident(x), resident(y)];
    const train = (bx: Matrix, by: Matrix) => {
      const net = network(dtype);
      const optimizer = getOptimizer('adam', { learningRate: 0.01 });
      const trainer = new DataParallel(net, { workers: 2, chunks: 2, maxRows: 64 });
      const read: number[] = [];
      try {
        for (const [a, b] of batches) {
          trainer.step(rowsOf(bx, a, b), rowsOf(by, a, b), optimizer);
          read.push(Atomics.load(controlOf(trainer), X_AT));
        }
      } finally {
        trainer.close();
      }
      return { params: Array.from(net.params), read };
    };
    const copied = train(x, y);
    const inPlace = train(rx, ry);
    assert.ok(
      copied.read.every((at) => at === -1),
      'an ordinary batch is copied',
    );
    assert.ok(
      inPlace.read.every((at) => at > 0),
      'a resident batch is read in place',
    );
    assert.ok(
      inPlace.params.every((v, i) => Object.is(v, copied.params[i])),
      dtype,
    );
  }
  // fit's batches are gathered there when it trains with workers
  const { x, y } = data(160, 'float32');
  const gathered = new Batches(x, y, 64, 'float32', null, true);
  assert.ok(kernels.isResident(gathered.get(0).x.data) && kernels.isResident(gathered.get(2).y.data));
  assert.ok(!kernels.isResident(new Batches(x, y, 64, 'float32').get(0).x.data));
});

test('chunks on the calling thread alone (one core, browsers) give the bits of chunks over threads', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    const { x, y } = data(160, dtype);
    const train = (threads: number) => {
      const net = network(dtype, 0.001); // with a penalty: it enters after the sum on either path
      const optimizer = getOptimizer('adam', { learningRate: 0.01 });
      const gradient = new BatchGradient(net, { chunks: 2, threads }, 64);
      const costs: number[] = [];
      try {
        for (const [a, b] of batches)
          costs.push(gradient.step(rowsOf(x, a, b), rowsOf(y, a, b), optimizer).total);
      } finally {
        gradient.close();
      }
      return { params: Array.from(net.params), costs };
    };
    const alone = train(1);
    const threads = train(2);
    assert.deepEqual(alone.costs, threads.costs, dtype);
    assert.ok(
      alone.params.every((v, i) => Object.is(v, threads.params[i])),
      `${dtype}: weights`,
    );
  }
});

test('step falls back to the step after where it cannot split, with the same weights', () => {
  class Halved extends SGD {
    override step(params: Float64Array | Float32Array, grads: Float64Array | Float32Array): void {
      for (let i = 0; i < params.length; i++) params[i] -= 0.5 * this.learningRate * grads[i];
      this.stepCount++;
    }
  }
  const cases: [string, () => Optimizer, number][] = [
    ['rmsprop (its state stays in JavaScript)', () => getOptimizer('rmsprop', { learningRate: 0.001 }), 0],
    ['an SGD subclass with its own step', () => new Halved({ learningRate: 0.05 }), 0],
    [
      'adam on a network with weight decay (the penalty enters after the reduction)',
      () => getOptimizer('adam'),
      0.01,
    ],
  ];
  for (const [what, make, weightDecay] of cases) {
    const after = run('float64', 2, make, false, { weightDecay });
    const split = run('float64', 2, make, true, { weightDecay });
    assert.equal(split.splitLast, false, `${what}: not split`);
    assert.deepEqual(split.costs, after.costs, what);
    assert.ok(
      split.params.every((v, i) => Object.is(v, after.params[i])),
      `${what}: weights`,
    );
  }
});

test('fit with workers steps through the threads: the same weights as the step after (clipNorm forces it)', () => {
  const { x, y } = data(160, 'float32');
  const train = (clipNorm?: number) => {
    const net = network('float32');
    const history = fit(net, x, y, {
      workers: 2,
      batchSize: 64,
      optimizer: 'adam',
      learningRate: 0.01,
      epochs: 4,
      seed: 3,
      clipNorm,
    });
    return { params: Array.from(net.params), loss: history.loss };
  };
  const split = train();
  const after = train(1e300); // a bound no gradient reaches: clipping changes nothing, but steps after
  assert.deepEqual(split.loss, after.loss);
  assert.ok(split.params.every((v, i) => Object.is(v, after.params[i])));
  assert.ok(split.loss[split.loss.length - 1] < split.loss[0]);
});

test('fit with workers: a diverging run stops with the weights of its last finite loss, as the step after does', () => {
  const { x, y } = data(160, 'float64');
  const train = (clipNorm?: number) => {
    const net = network('float64');
    let error: unknown = null;
    try {
      fit(net, x, y, {
        workers: 2,
        batchSize: 64,
        optimizer: 'sgd',
        learningRate: 1e3,
        epochs: 50,
        seed: 1,
        clipNorm,
      });
    } catch (e) {
      error = e;
    }
    return { params: Array.from(net.params), error };
  };
  const split = train();
  const after = train(1e300);
  assert.ok(split.error instanceof DivergenceError, String(split.error));
  assert.ok(after.error instanceof DivergenceError);
  assert.equal((split.error as Error).message, (after.error as Error).message);
  assert.ok(split.params.every(Number.isFinite));
  assert.ok(split.params.every((v, i) => Object.is(v, after.params[i])));
});
