// The fast path's promises, checked for correctness (timings live in `npm run bench`, not here):
// a training step allocates nothing, the WebAssembly kernels train bit-identically to the
// JavaScript ones in float64, and float32 networks learn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { spawnSync } from 'node:child_process';
import {
  Network,
  Random,
  SGD,
  fit,
  kernels,
  toMatrix,
  type ActivationName,
  type ActivationSpec,
  type Matrix,
} from '../src/index.js';
import { grid } from './helpers.js';

await kernels.wasmReady;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function data(rows: number, inputs: number, outputs: number, seed: number): { x: Matrix; y: Matrix } {
  const random = new Random(seed);
  const x = toMatrix(
    Array.from({ length: rows }, () => Array.from({ length: inputs }, () => random.normal())),
  );
  const y = toMatrix(
    Array.from({ length: rows }, (_, r) =>
      Array.from({ length: outputs }, (_, c) => Math.sin(x.data[r * inputs] + c)),
    ),
  );
  return { x, y };
}

/**
 * The activations whose WebAssembly kernels approximate Math.* (within the bounds of
 * test/activation-kernels.test.ts), so that training on them is close to the JavaScript kernels'
 * but not bit-identical; the others' kernels are exact.
 */
const approximated = new Set(['tanh', 'sigmoid', 'elu', 'gelu', 'softplus']);
const isApproximated = (a: ActivationSpec) => approximated.has(typeof a === 'string' ? a : a.name);

/** Fails at the first entry whose difference exceeds tolerance · max(1, |expected|). */
function assertNear(actual: number[], expected: number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    if (!(e <= tolerance)) assert.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]} (relative ${e})`);
  }
}

/** Training on approximated activations: within 1e-12 of the JavaScript kernels after 30 steps. */
const TRAINING_TOLERANCE = 1e-12;

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
      // allocation: heap growth over 1,000 steps with no collection in between (the smallest of
      // eight rounds, so that a late (re)optimization of some function — later on a loaded machine,
      // where unoptimized code allocates its numbers — does not count)
      let allocated = Infinity;
      let retained = 0;
      for (let round = 0; round < 8; round++) {
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

test('float64 training: bit-identical between runs; bit-identical to the JavaScript kernels for relu, leakyRelu, linear, within 1e-12 for the approximated activations', () => {
  assert.equal(kernels.kernelBackend(), 'wasm', `wasm kernels unavailable: ${kernels.wasmFailure()}`);
  const activations: ActivationName[] = [
    'relu',
    'leakyRelu',
    'tanh',
    'sigmoid',
    'elu',
    'gelu',
    'softplus',
    'linear',
  ];
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
    const again = run('wasm');
    const js = run('js');
    kernels.setKernelBackend('wasm');
    assert.deepEqual(wasm, again, `${activation}: two runs on the WebAssembly kernels differ`);
    if (isApproximated(activation))
      assertNear(wasm, js, TRAINING_TOLERANCE, `${activation}: weights after 30 steps`);
    else assert.deepEqual(wasm, js, `${activation}: weights differ after 30 steps`);
  }
});

test('float64 training on both kernels for one-input and one-output layers (the seed shapes, the one-sweep kernels): bit-identical, or within 1e-12 for approximated activations', () => {
  assert.equal(kernels.kernelBackend(), 'wasm', `wasm kernels unavailable: ${kernels.wasmFailure()}`);
  const specs: [string, readonly number[], ActivationSpec, ActivationSpec][] = [
    ['the seed network', [1, 64, 1], 'leakyRelu', 'linear'],
    ['leakyRelu alpha 0', [1, 9, 1], { name: 'leakyRelu', alpha: 0 }, 'linear'],
    ['leakyRelu alpha 1.5', [1, 9, 2], { name: 'leakyRelu', alpha: 1.5 }, 'linear'],
    ...(['relu', 'tanh', 'sigmoid', 'elu', 'gelu', 'softplus', 'linear'] as const).map(
      (a): [string, number[], ActivationSpec, ActivationSpec] => [
        a,
        [1, 7, 1, 3],
        a,
        a === 'linear' ? 'linear' : 'tanh',
      ],
    ),
  ];
  for (const [what, layers, activation, output] of specs) {
    const { x, y } = data(29, 1, layers[layers.length - 1], 6);
    const run = (backend: 'wasm' | 'js') => {
      kernels.setKernelBackend(backend);
      const net = new Network({
        layers,
        activation,
        output,
        seed: 7,
        weightDecay: 1e-3,
        onWarning: () => {},
      });
      const sgd = new SGD({ learningRate: 0.05 });
      for (let i = 0; i < 30; i++) {
        net.computeGradient(x, y);
        sgd.step(net.params, net.grads);
      }
      // the input gradient takes another path through a one-input layer; z is stored on demand
      net.computeGradient(x, y, undefined, true);
      const z = net.layers.map((l) => Array.from(l.preActivation!().data));
      return {
        params: Array.from(net.params),
        grads: Array.from(net.grads),
        dx: Array.from(net.inputGradient!.data),
        z,
      };
    };
    const wasm = run('wasm');
    const js = run('js');
    kernels.setKernelBackend('wasm');
    if (isApproximated(activation) || isApproximated(output)) {
      assert.deepEqual(wasm, run('wasm'), `${what}: two runs on the WebAssembly kernels differ`);
      kernels.setKernelBackend('wasm');
      assertNear(wasm.params, js.params, TRAINING_TOLERANCE, `${what}: weights after 30 steps`);
      assertNear(wasm.grads, js.grads, TRAINING_TOLERANCE, `${what}: gradients`);
      assertNear(wasm.dx, js.dx, TRAINING_TOLERANCE, `${what}: input gradients`);
      assertNear(wasm.z.flat(), js.z.flat(), TRAINING_TOLERANCE, `${what}: pre-activations`);
      continue;
    }
    assert.deepEqual(wasm.params, js.params, `${what}: weights differ after 30 steps`);
    assert.deepEqual(wasm.grads, js.grads, `${what}: gradients differ`);
    assert.deepEqual(wasm.dx, js.dx, `${what}: input gradients differ`);
    assert.deepEqual(wasm.z, js.z, `${what}: pre-activations differ`);
  }
});

test("preActivation() after a one-input layer skipped storing z gives the forward pass's z", () => {
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

// Browsers without cross-origin isolation (Firefox, Safari) give an unshared memory, whose growth
// detaches every view on it; Node's is shared. This child process refuses shared memories, drives
// the layers by hand (forward, grow the memory, backward) and prints the gradients of both kernels.
const unsharedChild = `
const Memory = WebAssembly.Memory;
WebAssembly.Memory = function (d) { if (d.shared) throw new Error('no shared memory here'); return new Memory(d); };
WebAssembly.Memory.prototype = Memory.prototype;
const s = await import(${JSON.stringify(new URL('../src/index.js', import.meta.url).href)});
await s.kernels.wasmReady;
const rt = s.kernels.wasmRuntime();
const random = new s.Random(3);
const x = s.toMatrix(Array.from({ length: 20 }, () => [random.normal(), random.normal(), random.normal(), random.normal()]));
const dOut = s.toMatrix(Array.from({ length: 20 }, () => [random.normal(), random.normal()]));
const run = (backend, grow) => {
  s.kernels.setKernelBackend(backend);
  const net = new s.Network({ layers: [4, 8, 8, 2], activation: 'relu', output: 'tanh', seed: 5 });
  const [a, b, c] = net.layers;
  c.forward(b.forward(a.forward(x)));
  const buffer = rt.buffer;
  if (grow) rt.release(rt.allocate(2 * buffer.byteLength)); // the memory grows; the layers' views detach
  const grew = rt.buffer !== buffer;
  const z = Array.from(c.preActivation().data);
  a.backward(b.backwardFromPreActivation(c.backward(dOut, true), true), true);
  return { grew, z, grads: Array.from(net.grads) };
};
let result;
try {
  const wasm = run('wasm', true);
  result = { shared: rt.shared, grew: wasm.grew, wasm, still: run('wasm', false), js: run('js', false) };
} catch (e) {
  result = { error: String(e) };
}
console.log(JSON.stringify(result));
`;

test('a layer keeps working when an unshared kernels memory grows between its forward and backward passes', () => {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', unsharedChild], {
    encoding: 'utf8',
  });
  assert.equal(child.status, 0, child.stderr);
  const r = JSON.parse(child.stdout.trim().split('\n').pop()!);
  assert.equal(r.error, undefined, r.error);
  assert.equal(r.shared, false, 'the child should run on an unshared memory');
  assert.equal(r.grew, true, 'the memory should have grown between forward and backward');
  // bit-identical to the same pass without the growth; the output layer's tanh is approximated,
  // so the gradients are within rounding of the JavaScript kernels' (its z, a product, is exact)
  assert.deepEqual(r.wasm.z, r.still.z, 'pre-activations differ from a pass without growth');
  assert.deepEqual(r.wasm.grads, r.still.grads, 'gradients differ from a pass without growth');
  assert.deepEqual(r.wasm.z, r.js.z, 'pre-activations differ');
  assertNear(r.wasm.grads, r.js.grads, TRAINING_TOLERANCE, 'gradients');
});

test('predict on 1..300 rows keeps buffers for two batch sizes, not one per row count', () => {
  for (const backend of ['wasm', 'js'] as const) {
    kernels.setKernelBackend(backend);
    try {
      const rt = kernels.wasmRuntime()!;
      const net = new Network({ layers: [8, 64, 64, 1], activation: 'relu', seed: 2 });
      const { x } = data(300, 8, 1, 4);
      const rows = (n: number): Matrix => ({ rows: n, cols: 8, data: x.data.slice(0, n * 8) });
      net.predict(rows(1));
      gc();
      const heap = process.memoryUsage().heapUsed;
      const held = rt.allocatedBytes;
      for (let n = 1; n <= 300; n++) net.predict(rows(n));
      gc();
      const heapGrowth = process.memoryUsage().heapUsed - heap;
      const heldGrowth = rt.allocatedBytes - held;
      // the buffers of two 300-row batches: 2 × 300 × 658 floats ≈ 3.2 MB on the wasm path
      // (one per row count would hold 45,150 rows' worth: ≈ 238 MB)
      if (backend === 'wasm')
        assert.ok(heldGrowth < 4 * 2 ** 20, `kernels memory held grew by ${heldGrowth} bytes`);
      else assert.ok(heapGrowth < 16 * 2 ** 20, `heap grew by ${heapGrowth} bytes`);
    } finally {
      kernels.setKernelBackend('wasm');
    }
  }
  // training alternates full and remainder batches: both keep their buffers
  const { x, y } = data(10, 8, 1, 5);
  const net = new Network({ layers: [8, 4, 1], seed: 1 });
  const rt = kernels.wasmRuntime()!;
  const full = { x, y };
  const rest = {
    x: { rows: 3, cols: 8, data: x.data.slice(0, 24) },
    y: { rows: 3, cols: 1, data: y.data.slice(0, 3) },
  };
  net.computeGradient(full.x, full.y);
  net.computeGradient(rest.x, rest.y);
  const held = rt.allocatedBytes;
  const buffer = rt.buffer;
  for (let i = 0; i < 5; i++) {
    net.computeGradient(full.x, full.y);
    net.computeGradient(rest.x, rest.y);
  }
  assert.equal(rt.allocatedBytes, held, 'alternating two batch sizes allocated');
  assert.equal(rt.buffer, buffer);
});

test('float32 networks learn: XOR, and y = x² to MSE < 1e-4', () => {
  const inputs = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ];
  const labels = [[0], [1], [1], [0]];
  const xor = new Network({
    layers: [2, 8, 1],
    activation: 'tanh',
    loss: 'binaryCrossEntropy',
    seed: 2,
    dtype: 'float32',
  });
  assert.ok(xor.params instanceof Float32Array);
  fit(xor, inputs, labels, { optimizer: 'sgd', learningRate: 1, epochs: 1000, scale: false });
  const p = xor.predict(inputs).data;
  assert.deepEqual(
    Array.from(p, (v) => (v > 0.5 ? 1 : 0)),
    [0, 1, 1, 0],
    `predictions ${Array.from(p)}`,
  );

  const x = grid(201);
  const y = x.map(([v]) => [v * v]);
  const square = new Network({
    layers: [1, 64, 1],
    activation: 'leakyRelu',
    output: 'linear',
    seed: 3,
    dtype: 'float32',
  });
  fit(square, x, y, { optimizer: 'sgd', learningRate: 0.1, epochs: 5000, scale: false });
  const q = square.predict(x).data;
  const mse = y.reduce((s, [t], i) => s + (q[i] - t) ** 2, 0) / y.length;
  assert.ok(mse < 1e-4, `MSE ${mse}`);
});

// Relaxed SIMD (f32x4.relaxed_madd in the float32 products) is chosen at load where the engine
// validates it: Node 20 only with --experimental-wasm-relaxed-simd. This child compares the
// runtime's products with modules built with and without it, on the runtime's own memory.
const relaxedChild = `
const url = (p) => new URL(p, ${JSON.stringify(new URL('../src/', import.meta.url).href)}).href;
const s = await import(url('index.js'));
const { allKernels, relaxedSimdSupported } = await import(url('kernels/wasm/generate.js'));
const { encodeModule } = await import(url('kernels/wasm/encoder.js'));
await s.kernels.wasmReady;
const rt = s.kernels.wasmRuntime();
const build = (relaxed) =>
  new WebAssembly.Instance(new WebAssembly.Module(encodeModule(allKernels(relaxed), rt.shared ? 32768 : 0)), {
    env: { memory: rt.memory },
  }).exports;
const [M, K, O] = [37, 300, 29];
const random = new s.Random(9);
const product = (p, kernels) => {
  const view = (at, n) => (p === 'f32' ? rt.f32(at, n) : rt.f64(at, n));
  const size = p === 'f32' ? 4 : 8;
  const [a, b, out] = [M * K, K * O, M * O].map((n) => rt.allocate(n * size));
  const r = new s.Random(9);
  view(a, M * K).forEach((_, i, v) => (v[i] = r.normal()));
  view(b, K * O).forEach((_, i, v) => (v[i] = r.normal()));
  kernels['gemm_nn_' + p + '_linear'](out, 0, a, K, 1, b, 0, M, K, O, 0);
  // Σ_k |a·b| of each output, for the bound
  const [av, bv] = [view(a, M * K), view(b, K * O)];
  const sumAbs = Array.from({ length: M * O }, (_, i) => {
    let t = 0;
    for (let k = 0; k < K; k++) t += Math.abs(av[Math.floor(i / O) * K + k] * bv[k * O + (i % O)]);
    return t;
  });
  const result = Array.from(view(out, M * O));
  for (const x of [a, b, out]) rt.release(x);
  return { result, sumAbs };
};
const supported = relaxedSimdSupported();
const out = { supported, K };
for (const p of ['f32', 'f64']) {
  out[p] = {
    runtime: product(p, rt.kernels),
    plain: product(p, build(false)),
    relaxed: supported ? product(p, build(true)) : null,
  };
}
console.log(JSON.stringify(out));
`;

/** Runs the child with these node flags: its report, or null when this node refuses the flags. */
function relaxedReport(flags: string[]) {
  const child = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', relaxedChild], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (child.status !== 0 && /bad option/.test(child.stderr)) return null;
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '');
}

test('relaxed SIMD: float32 products use it only where it validates, within 2K·2⁻²³·Σ|a·b| of the plain ones; float64 unchanged', () => {
  for (const flags of [[], ['--experimental-wasm-relaxed-simd']]) {
    const r = relaxedReport(flags);
    if (!r) continue;
    const what = `node ${flags.join(' ')}`;
    assert.deepEqual(r.f64.runtime.result, r.f64.plain.result, `${what}: float64 products changed`);
    if (!r.supported) {
      assert.equal(flags.length, 0, `${what}: relaxed SIMD should validate with the flag`);
      assert.deepEqual(
        r.f32.runtime.result,
        r.f32.plain.result,
        `${what}: float32 products without relaxed SIMD`,
      );
      continue;
    }
    assert.deepEqual(
      r.f32.runtime.result,
      r.f32.relaxed.result,
      `${what}: the runtime did not choose relaxed SIMD`,
    );
    const { result, sumAbs } = r.f32.relaxed;
    const plain: number[] = r.f32.plain.result;
    plain.forEach((e, i) => {
      const bound = 2 * r.K * 2 ** -23 * sumAbs[i];
      assert.ok(
        Math.abs(result[i] - e) <= bound,
        `${what}: output ${i}: ${result[i]} vs ${e}, bound ${bound}`,
      );
    });
  }
});

test('gemm_nn float64: adjacent rows of A (SAR = 1, one pointer) and the same A read through a transposed copy give the same bits', () => {
  const rt = kernels.wasmRuntime();
  if (!rt) return;
  for (const [M, K, O] of [
    [9, 37, 13],
    [64, 750, 64],
    [3, 2, 5],
  ]) {
    const random = new Random(M);
    const a = new Float64Array(K * M).map(() => random.normal()); // [K×M]: A = aᵀ, SAR = 1, SAK = M
    const aT = new Float64Array(M * K); // A itself [M×K]: SAR = K, SAK = 1
    for (let k = 0; k < K; k++) for (let m = 0; m < M; m++) aT[m * K + k] = a[k * M + m];
    const b = new Float64Array(K * O).map(() => random.normal());
    const at = [a, aT, b, new Float64Array(M * O), new Float64Array(M * O)].map((v): number => {
      const address: number = rt.allocate(v.byteLength);
      rt.f64(address, v.length).set(v);
      return address;
    });
    const gemm = rt.kernels.gemm_nn_f64_linear;
    gemm(at[3], 0, at[0], 1, M, at[2], 0, M, K, O, 0);
    gemm(at[4], 0, at[1], K, 1, at[2], 0, M, K, O, 0);
    const expected = new Float64Array(M * O);
    for (let m = 0; m < M; m++)
      for (let o = 0; o < O; o++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += aT[m * K + k] * b[k * O + o];
        expected[m * O + o] = s;
      }
    assert.deepEqual(
      rt.f64(at[3], M * O).slice(),
      expected,
      `${M}×${K}×${O}: adjacent rows vs the reference loop`,
    );
    assert.deepEqual(rt.f64(at[4], M * O).slice(), expected, `${M}×${K}×${O}: strided vs the reference loop`);
    for (const x of at) rt.release(x);
  }
});
