// The fused passes of [1, H, 1] networks (nn/dense-pair.ts, kernels/wasm/pair.ts): computeGradient
// runs the whole network in two kernel calls, with gradients bit-identical to the layer-by-layer
// passes (float32 and float64) and to the JavaScript reference (float64), through training too;
// the gradient checker passes it; other networks keep the layers' passes; dispose() frees it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Network,
  Random,
  fit,
  gradCheck,
  kernels,
  toMatrix,
  type ActivationSpec,
  type Matrix,
  type NetworkOptions,
} from '../src/index.js';

await kernels.wasmReady;
const shared = kernels.wasmRuntime()?.shared === true;
const skip =
  !shared && 'the kernels memory is not shared here: parameters are not resident, nothing is fused';

/** N points of one input in [−1, 1] and noisy squares. */
function data(N: number, dtype: 'float64' | 'float32', seed = N): { X: Matrix; Y: Matrix } {
  const r = new Random(seed);
  const x = Array.from({ length: N }, () => [r.uniform(-1, 1)]);
  const y = x.map(([v]) => [v * v + 0.1 * r.uniform(-1, 1)]);
  return { X: toMatrix(x, 'x', 1, dtype), Y: toMatrix(y, 'y', 1, dtype) };
}

/** Whether the last computeGradient bypassed the layers (the fused passes leave them without a forward). */
function fused(net: Network): boolean {
  const first = net.layers[0];
  try {
    first.preActivation?.();
    return false;
  } catch {
    return true;
  }
}

function assertSameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.fail(`${what}: entry ${i} is ${a[i]} fused and ${b[i]} unfused`);
  }
}

/** Two identical networks: gradients through the fused passes and through the layers (input gradient asked). */
function compare(options: NetworkOptions, X: Matrix, Y: Matrix, w?: Float64Array): void {
  const a = new Network({ ...options, onWarning: () => {} });
  const b = new Network({ ...options, onWarning: () => {} });
  const la = a.computeGradient(X, Y, undefined, false, w);
  assert.ok(fused(a), 'the fused passes were taken');
  const lb = b.computeGradient(X, Y, undefined, true, w);
  assert.ok(!fused(b), 'the layers ran');
  const what = JSON.stringify({ ...options, rows: X.rows });
  assert.ok(Object.is(la.total, lb.total), `${what}: loss ${la.total} vs ${lb.total}`);
  assertSameBits(a.grads, b.grads, what);
}

test('fused gradients equal the layers’ passes bit for bit: float64 and float32, relu/leakyRelu/linear, remainders of rows and units', {
  skip,
}, () => {
  const activations: ActivationSpec[] = ['leakyRelu', 'relu', 'linear', { name: 'leakyRelu', alpha: 0.3 }];
  for (const dtype of ['float64', 'float32'] as const) {
    for (const activation of activations) {
      for (const N of [1, 2, 3, 8, 9, 201]) {
        const { X, Y } = data(N, dtype);
        for (const H of [1, 3, 4, 7, 64])
          compare({ layers: [1, H, 1], activation, dtype, seed: N + H }, X, Y);
      }
    }
  }
});

test('fused: every regression loss, sample weights and weight penalties give the layers’ bits', {
  skip,
}, () => {
  const { X, Y } = data(57, 'float64');
  const w = Float64Array.from({ length: 57 }, (_, i) => 0.5 + (i % 5));
  for (const loss of ['mse', 'mae', 'huber'] as const) {
    compare({ layers: [1, 16, 1], activation: 'leakyRelu', loss, weightDecay: 0.1, l1: 0.01 }, X, Y);
    compare({ layers: [1, 16, 1], activation: 'relu', loss }, X, Y, w);
  }
});

test('float64 training through the fused passes ends bit-identical to the JavaScript reference', {
  skip,
}, () => {
  const { X, Y } = data(201, 'float64', 3);
  const x = Array.from({ length: X.rows }, (_, i) => [X.data[i]]);
  const y = Array.from({ length: Y.rows }, (_, i) => [Y.data[i]]);
  const train = (backend: 'wasm' | 'js') => {
    kernels.setKernelBackend(backend);
    try {
      const net = new Network({ layers: [1, 64, 1], activation: 'leakyRelu', seed: 3 });
      fit(net, x, y, { optimizer: 'sgd', learningRate: 0.05, epochs: 200, scale: false, validationSplit: 0 });
      return net;
    } finally {
      kernels.setKernelBackend('wasm');
    }
  };
  const ours = train('wasm');
  const reference = train('js');
  assertSameBits(ours.params, reference.params, 'parameters after 200 epochs');
});

test('the gradient checker passes the fused passes (float64, central differences)', { skip }, () => {
  const { X, Y } = data(40, 'float64', 11);
  for (const activation of ['leakyRelu', 'relu', 'linear'] as const) {
    const net = new Network({ layers: [1, 12, 1], activation, seed: 5 });
    net.computeGradient(X, Y);
    assert.ok(fused(net), `${activation}: fused`);
    const report = gradCheck(net, X, Y);
    assert.equal(report.verdict, 'pass', `${activation}: ${report.summary}`);
  }
});

test('other networks keep the layers’ passes: tanh hidden, a non-linear output, two inputs, two hidden layers, an input gradient', () => {
  const { X, Y } = data(20, 'float64');
  const two = toMatrix(
    Array.from({ length: 20 }, (_, i) => [X.data[i], -X.data[i]]),
    'x',
    2,
  );
  const cases: [NetworkOptions, Matrix, boolean][] = [
    [{ layers: [1, 8, 1], activation: 'tanh' }, X, false],
    [{ layers: [1, 8, 1], activation: 'relu', output: 'leakyRelu' }, X, false],
    [{ layers: [2, 8, 1], activation: 'relu' }, two, false],
    [{ layers: [1, 8, 8, 1], activation: 'relu' }, X, false],
    [{ layers: [1, 8, 1], activation: 'relu' }, X, true],
  ];
  for (const [options, x, inputGradient] of cases) {
    const net = new Network({ ...options, onWarning: () => {} });
    net.computeGradient(x, Y, undefined, inputGradient);
    assert.ok(!fused(net), JSON.stringify(options));
  }
  // after a fused pass, a forward pass gives the layers their state back
  const net = new Network({ layers: [1, 8, 1], activation: 'relu' });
  net.computeGradient(X, Y);
  net.forward(X);
  assert.equal(net.layers[0].preActivation?.().rows, 20);
});

test('dispose() frees the fused passes’ kernel memory', { skip }, () => {
  const rt = kernels.wasmRuntime();
  assert.ok(rt);
  const before = rt.allocatedBytes;
  const net = new Network({ layers: [1, 32, 1], activation: 'leakyRelu' });
  for (const N of [10, 11, 12]) {
    const { X, Y } = data(N, 'float64');
    net.computeGradient(X, Y);
  }
  assert.ok(rt.allocatedBytes > before);
  net.dispose();
  assert.equal(rt.allocatedBytes, before);
});
