// The fast path's promises, checked for correctness (timings live in `npm run bench`, not here):
// a training step allocates nothing, the WebAssembly kernels train bit-identically to the
// JavaScript ones in float64, and float32 networks learn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Network, Random, SGD, fit, kernels, toMatrix, type ActivationName, type ActivationSpec, type Matrix } from '../src/index.js';
import { grid } from './helpers.js';

await kernels.wasmReady;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function data(rows: number, inputs: number, outputs: number, seed: number): { x: Matrix; y: Matrix } {
  const random = new Random(seed);
  const x = toMatrix(Array.from({ length: rows }, () => Array.from({ length: inputs }, () => random.normal())));
  const y = toMatrix(Array.from({ length: rows }, (_, r) => Array.from({ length: outputs }, (_, c) => Math.sin(x.data[r * inputs] + c))));
  return { x, y };
}

for (const backend of ['wasm', 'js'] as const) {
  test(`1,000 training steps (${backend} kernels) allocate nothing per step: the heap does not grow`, () => {
    kernels.setKernelBackend(backend);
    try {
      const { x, y } = data(64, 3, 2, 1);
      const net = new Network({ layers: [3, 32, 32, 2], activation: 'tanh', weightDecay: 1e-3, seed: 1 });
      const sgd = new SGD({ learningRate: 1e-3 });
      const step = () => {
        net.computeGradient(x, y);
        sgd.step(net.params, net.grads);
      };
      for (let i = 0; i < 2000; i++) step(); // buffers made, code optimized
      // allocation: heap growth over 1,000 steps with no collection in between (the smaller of
      // four rounds, so that a late (re)optimization of some function does not count)
      let allocated = Infinity;
      let retained = 0;
      for (let round = 0; round < 4; round++) {
        gc();
        const before = process.memoryUsage().heapUsed;
        for (let i = 0; i < 1000; i++) step();
        allocated = Math.min(allocated, process.memoryUsage().heapUsed - before);
        gc();
        retained = process.memoryUsage().heapUsed - before;
      }
      // computeGradient returns a small { total, data, penalties } record per call (~150 bytes,
      // measured with V8's sampling heap profiler): everything else (activations, gradients,
      // kernel buffers, views) is made once and reused.
      assert.ok(allocated / 1000 < 256, `${(allocated / 1000).toFixed(0)} bytes allocated per step`);
      assert.ok(retained < 64 * 1024, `heap grew by ${retained} bytes over 1,000 steps`);
    } finally {
      kernels.setKernelBackend('wasm');
    }
  });
}

test('float64 training is bit-identical on the WebAssembly and JavaScript kernels (every activation)', () => {
  assert.equal(kernels.kernelBackend(), 'wasm', `wasm kernels unavailable: ${kernels.wasmFailure()}`);
  const activations: ActivationName[] = ['relu', 'leakyRelu', 'tanh', 'sigmoid', 'elu', 'gelu', 'softplus', 'linear'];
  const { x, y } = data(37, 5, 3, 2);
  for (const activation of activations) {
    const run = (backend: 'wasm' | 'js') => {
      kernels.setKernelBackend(backend);
      const net = new Network({ layers: [5, 9, 1, 7, 3], activation, seed: 4, onWarning: () => {} });
      const sgd = new SGD({ learningRate: 0.05 });
      for (let i = 0; i < 30; i++) {
        net.computeGradient(x, y);
        sgd.step(net.params, net.grads);
      }
      return Array.from(net.params);
    };
    const wasm = run('wasm');
    const js = run('js');
    kernels.setKernelBackend('wasm');
    assert.deepEqual(wasm, js, `${activation}: weights differ after 30 steps`);
  }
});

test('float64 training is bit-identical on both kernels for one-input and one-output layers (the seed shapes, the one-sweep kernels)', () => {
  assert.equal(kernels.kernelBackend(), 'wasm', `wasm kernels unavailable: ${kernels.wasmFailure()}`);
  const specs: [string, readonly number[], ActivationSpec, ActivationSpec][] = [
    ['the seed network', [1, 64, 1], 'leakyRelu', 'linear'],
    ['leakyRelu alpha 0', [1, 9, 1], { name: 'leakyRelu', alpha: 0 }, 'linear'],
    ['leakyRelu alpha 1.5', [1, 9, 2], { name: 'leakyRelu', alpha: 1.5 }, 'linear'],
    ...(['relu', 'tanh', 'sigmoid', 'elu', 'gelu', 'softplus', 'linear'] as const).map((a): [string, number[], ActivationSpec, ActivationSpec] =>
      [a, [1, 7, 1, 3], a, a === 'linear' ? 'linear' : 'tanh']),
  ];
  for (const [what, layers, activation, output] of specs) {
    const { x, y } = data(29, 1, layers[layers.length - 1], 6);
    const run = (backend: 'wasm' | 'js') => {
      kernels.setKernelBackend(backend);
      const net = new Network({ layers, activation, output, seed: 7, weightDecay: 1e-3, onWarning: () => {} });
      const sgd = new SGD({ learningRate: 0.05 });
      for (let i = 0; i < 30; i++) {
        net.computeGradient(x, y);
        sgd.step(net.params, net.grads);
      }
      // the input gradient takes another path through a one-input layer; z is stored on demand
      net.computeGradient(x, y, undefined, true);
      const z = net.layers.map((l) => Array.from(l.preActivation!().data));
      return { params: Array.from(net.params), grads: Array.from(net.grads), dx: Array.from(net.inputGradient!.data), z };
    };
    const wasm = run('wasm');
    const js = run('js');
    kernels.setKernelBackend('wasm');
    assert.deepEqual(wasm.params, js.params, `${what}: weights differ after 30 steps`);
    assert.deepEqual(wasm.grads, js.grads, `${what}: gradients differ`);
    assert.deepEqual(wasm.dx, js.dx, `${what}: input gradients differ`);
    assert.deepEqual(wasm.z, js.z, `${what}: pre-activations differ`);
  }
});

test('preActivation() after a one-input layer skipped storing z gives the forward pass\'s z', () => {
  const { x } = data(11, 1, 1, 8);
  const net = new Network({ layers: [1, 6, 1], activation: 'relu', seed: 9 });
  const reference = new Network({ layers: [1, 6, 1], activation: 'relu', seed: 9 });
  kernels.setKernelBackend('js');
  reference.forward(x);
  const expected = Array.from(reference.layers[0].preActivation!().data);
  kernels.setKernelBackend('wasm');
  net.forward(x);
  // the parameters change after the forward pass (an optimizer step): z is still the forward's
  net.params.fill(0.5);
  assert.deepEqual(Array.from(net.layers[0].preActivation!().data), expected);
});

test('a network keeps working when the kernels memory grows between its forward and backward passes', () => {
  const { x, y } = data(20, 4, 2, 3);
  const net = new Network({ layers: [4, 8, 2], activation: 'relu', seed: 5 });
  const reference = new Network({ layers: [4, 8, 2], activation: 'relu', seed: 5 });
  reference.computeGradient(x, y);
  net.forward(x);
  // new batch sizes on other networks allocate until the memory must grow
  const others = [];
  for (let n = 1; n <= 40; n++) {
    const other = new Network({ layers: [4, 300, 2], activation: 'relu', seed: n });
    other.forward(data(n * 50, 4, 2, n).x);
    others.push(other);
  }
  net.computeGradient(x, y);
  assert.deepEqual(Array.from(net.grads), Array.from(reference.grads));
});

test('float32 networks learn: XOR, and y = x² to MSE < 1e-4', () => {
  const inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const labels = [[0], [1], [1], [0]];
  const xor = new Network({ layers: [2, 8, 1], activation: 'tanh', loss: 'binaryCrossEntropy', seed: 2, dtype: 'float32' });
  assert.ok(xor.params instanceof Float32Array);
  fit(xor, inputs, labels, { optimizer: 'sgd', learningRate: 1, epochs: 1000, scale: false });
  const p = xor.predict(inputs).data;
  assert.deepEqual(Array.from(p, (v) => (v > 0.5 ? 1 : 0)), [0, 1, 1, 0], `predictions ${Array.from(p)}`);

  const x = grid(201);
  const y = x.map(([v]) => [v * v]);
  const square = new Network({ layers: [1, 64, 1], activation: 'leakyRelu', output: 'linear', seed: 3, dtype: 'float32' });
  fit(square, x, y, { optimizer: 'sgd', learningRate: 0.1, epochs: 5000, scale: false });
  const q = square.predict(x).data;
  const mse = y.reduce((s, [t], i) => s + (q[i] - t) ** 2, 0) / y.length;
  assert.ok(mse < 1e-4, `MSE ${mse}`);
});
