// Every WebAssembly SIMD128 kernel against its JavaScript reference, float64 and float32, on random
// shapes with odd sizes (1, 3, 7, 201, 784) so that the vector, tail and remainder paths all run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Random,
  kernels,
  linear,
  tanh,
  sigmoid,
  relu,
  leakyRelu,
  elu,
  type Activation,
} from '../src/index.js';

type Float = Float64Array | Float32Array;
const { matmul, matmulTransA, matmulTransB, columnSums, denseForward, denseBackward } = kernels;

const ok = await kernels.wasmReady;
const rt = kernels.wasmRuntime();

const precisions = [
  { name: 'f64', make: (n: number) => new Float64Array(n), tolerance: 1e-12 },
  { name: 'f32', make: (n: number) => new Float32Array(n), tolerance: 2e-5 },
] as const;

function randomArray(make: (n: number) => Float, n: number, random: Random, zeros = false): Float {
  const a = make(n);
  // a few exact zeros: the reference skips them, the kernels must not care
  for (let i = 0; i < n; i++) a[i] = zeros && random.uniform() < 0.1 ? 0 : random.normal();
  return a;
}

/** Copies arrays into the kernels' memory; returns their addresses and a reader. */
function place(arrays: Float[]): { at: number[]; read: (i: number) => Float; free: () => void } {
  const at = arrays.map((a) => {
    const p = rt!.allocate(a.byteLength);
    (a instanceof Float32Array ? rt!.f32(p, a.length) : rt!.f64(p, a.length)).set(a);
    return p;
  });
  return {
    at,
    read: (i) =>
      (arrays[i] instanceof Float32Array
        ? rt!.f32(at[i], arrays[i].length)
        : rt!.f64(at[i], arrays[i].length)
      ).slice(),
    free: () => at.forEach((p) => rt!.release(p)),
  };
}

/** Fails with the first mismatches and the worst relative difference. */
function assertClose(actual: Float, expected: Float, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  const bad: string[] = [];
  for (let i = 0; i < actual.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]));
    const e = Math.abs(actual[i] - expected[i]) / scale;
    if (!(e <= tolerance)) {
      if (bad.length < 3) bad.push(`[${i}] ${actual[i]} vs ${expected[i]}`);
      worst = Number.isNaN(e) ? NaN : Math.max(worst, e);
    }
  }
  assert.ok(
    bad.length === 0,
    `${what}: worst relative difference ${worst}; first mismatches ${bad.join(', ')}`,
  );
}

// (M, K, O): output rows, inner dimension, output columns
const shapes: [number, number, number][] = [
  [1, 1, 1],
  [3, 7, 1],
  [7, 3, 3],
  [1, 784, 7],
  [201, 1, 64],
  [201, 64, 1],
  [3, 201, 7],
  [7, 7, 201],
  [201, 3, 201],
  [7, 784, 3],
  [128, 784, 10],
  [1, 3, 784],
  [201, 201, 7],
  [7, 1, 3],
  [3, 1, 784],
];

test('the WebAssembly kernels compile in this runtime', () => {
  assert.ok(ok, `wasm unavailable: ${kernels.wasmFailure()}`);
  assert.equal(kernels.kernelBackend(), 'wasm');
});

for (const p of precisions) {
  test(`gemm_nn_${p.name}: forward form (x·W + bias, each epilogue) and weight-gradient form (xᵀ·dZ) equal the reference`, () => {
    const random = new Random(1);
    for (const [M, K, O] of shapes) {
      const x = randomArray(p.make, M * K, random, true);
      const w = randomArray(p.make, K * O, random);
      const bias = randomArray(p.make, O, random);
      const expected = p.make(M * O);
      matmul(expected, x, w, M, K, O);
      for (let i = 0; i < M * O; i++) expected[i] += bias[i % O];
      for (const epilogue of ['linear', 'relu', 'leakyRelu'] as const) {
        const z = p.make(M * O);
        const act = p.make(M * O);
        const m = place([z, act, x, w, bias]);
        rt!.kernels[`gemm_nn_${p.name}_${epilogue}`](
          m.at[0],
          m.at[1],
          m.at[2],
          K,
          1,
          m.at[3],
          m.at[4],
          M,
          K,
          O,
          0.1,
        );
        assertClose(m.read(0), expected, p.tolerance * Math.sqrt(K), `z, ${M}×${K}·${K}×${O}, ${epilogue}`);
        if (epilogue !== 'linear') {
          const f =
            epilogue === 'relu' ? (v: number) => (v > 0 ? v : 0) : (v: number) => (v > 0 ? v : 0.1 * v);
          assertClose(m.read(1), expected.map(f), p.tolerance * Math.sqrt(K), `f(z), ${epilogue}`);
        }
        m.free();
      }
      // xᵀ·dZ: A read transposed through its strides, no bias
      const dZ = randomArray(p.make, M * O, random);
      const dW = p.make(K * O);
      matmulTransA(dW, x, dZ, M, K, O);
      const m = place([p.make(K * O), x, dZ]);
      rt!.kernels[`gemm_nn_${p.name}_linear`](m.at[0], 0, m.at[1], 1, K, m.at[2], 0, K, M, O, 0);
      assertClose(m.read(0), dW, p.tolerance * Math.sqrt(M), `xᵀ·dZ, x ${M}×${K}, dZ ${M}×${O}`);
      m.free();
    }
  });

  test(`gemm_nt_${p.name}: dZ·Wᵀ and the narrow forward form equal the reference`, () => {
    const random = new Random(2);
    for (const [M, K, P] of shapes) {
      const a = randomArray(p.make, M * K, random);
      const b = randomArray(p.make, P * K, random);
      const bias = randomArray(p.make, P, random);
      const expected = p.make(M * P);
      matmulTransB(expected, a, b, M, K, P);
      for (const withBias of [false, true]) {
        const want = withBias ? expected.map((v, i) => v + bias[i % P]) : expected;
        for (const epilogue of ['linear', 'relu', 'leakyRelu'] as const) {
          const m = place([p.make(M * P), p.make(M * P), a, b, bias]);
          rt!.kernels[`gemm_nt_${p.name}_${epilogue}`](
            m.at[0],
            m.at[1],
            m.at[2],
            m.at[3],
            withBias ? m.at[4] : 0,
            M,
            K,
            P,
            0.2,
          );
          assertClose(
            m.read(0),
            want,
            p.tolerance * Math.sqrt(K),
            `a ${M}×${K} · b ${P}×${K}ᵀ, bias ${withBias}`,
          );
          if (epilogue !== 'linear') {
            const f =
              epilogue === 'relu' ? (v: number) => (v > 0 ? v : 0) : (v: number) => (v > 0 ? v : 0.2 * v);
            assertClose(m.read(1), want.map(f), p.tolerance * Math.sqrt(K), `f(z), ${epilogue}`);
          }
          m.free();
        }
      }
    }
  });

  test(`column_sums_${p.name} equals the reference`, () => {
    const random = new Random(3);
    for (const [R, C] of [
      [1, 1],
      [3, 7],
      [201, 64],
      [7, 201],
      [784, 3],
      [1, 784],
      [128, 10],
    ]) {
      const a = randomArray(p.make, R * C, random);
      const expected = p.make(C);
      columnSums(expected, a, R, C);
      const m = place([p.make(C), a]);
      rt!.kernels[`column_sums_${p.name}`](m.at[0], m.at[1], R, C);
      assertClose(m.read(0), expected, p.tolerance * Math.sqrt(R), `column sums of ${R}×${C}`);
      m.free();
    }
  });

  test(`act_backward_${p.name}: relu, leakyRelu, elu, tanh, sigmoid equal each activation's own backward`, () => {
    const random = new Random(4);
    const cases: [string, Activation, number][] = [
      ['relu', relu(), 0],
      ['leakyRelu', leakyRelu(0.05), 0.05],
      ['elu', elu(0.7), 0.7],
      ['tanh', tanh(), 0],
      ['sigmoid', sigmoid(), 0],
    ];
    for (const n of [1, 3, 7, 201, 784]) {
      for (const [name, act, alpha] of cases) {
        const z = randomArray(p.make, n, random, true);
        const a = p.make(n);
        act.forward(a, z, 1, n);
        const dA = randomArray(p.make, n, random);
        const expected = p.make(n);
        act.backward(expected, dA, z, a, 1, n);
        const m = place([p.make(n), dA, z, a]);
        rt!.kernels[`act_backward_${p.name}_${name}`](m.at[0], m.at[1], m.at[2], m.at[3], n, alpha);
        assertClose(m.read(0), expected, p.tolerance, `${name} backward, n = ${n}`);
        m.free();
      }
    }
  });

  test(`sgdStep, adamStep and dot (${p.name}) on buffers in the kernels' memory equal the JavaScript loops`, () => {
    const random = new Random(5);
    const dtype = p.name === 'f64' ? 'float64' : 'float32';
    for (const n of [1, 3, 7, 201, 784]) {
      const params = randomArray(p.make, n, random);
      const grads = randomArray(p.make, n, random);
      const fast = {
        p: kernels.allocate(dtype, n),
        g: kernels.allocate(dtype, n),
        m: kernels.allocate(dtype, n),
        v: kernels.allocate(dtype, n),
      };
      assert.ok(rt!.addressOf(fast.p) >= 0, 'allocate() gives a buffer in the kernels memory');
      fast.p.set(params);
      fast.g.set(grads);
      const slow = { p: params.slice(), m: p.make(n), v: p.make(n) };
      kernels.sgdStep(fast.p, fast.g, 0.1);
      kernels.sgdStep(slow.p, grads, 0.1);
      assertClose(fast.p, slow.p, p.tolerance, `sgd, n = ${n}`);
      for (let t = 1; t <= 3; t++) {
        const o = {
          learningRate: 0.01,
          beta1: 0.9,
          beta2: 0.999,
          epsilon: 1e-8,
          step: t,
          decay: t === 3 ? 0.1 : 0,
        };
        kernels.adamStep(fast.p, fast.g, fast.m, fast.v, o);
        kernels.adamStep(slow.p, grads, slow.m, slow.v, o);
      }
      assertClose(fast.p, slow.p, p.tolerance, `adam params, n = ${n}`);
      assertClose(fast.v, slow.v, p.tolerance, `adam v, n = ${n}`);
      const d = kernels.dot(fast.p, fast.g);
      const ref = Array.from(slow.p).reduce((s, v, i) => s + v * grads[i], 0);
      assert.ok(
        Math.abs(d - ref) <= p.tolerance * Math.sqrt(n) * Math.max(1, Math.abs(ref)),
        `dot ${d} vs ${ref}`,
      );
    }
  });
}

// The one-sweep layer kernels (kernels/wasm/fused.ts) sum in the reference's order: in float64 they
// must equal it bit for bit (assert.deepEqual), in float32 to rounding.
function assertSame(actual: Float, expected: Float, tolerance: number, exact: boolean, what: string): void {
  if (exact) assert.deepEqual(Array.from(actual), Array.from(expected), `${what}: not bit-identical`);
  else assertClose(actual, expected, tolerance, what);
}

/** An activation with its fused-epilogue name (null: the kernel does not fuse it) and alpha. */
const forwardCases = (): [string, Activation, 'linear' | 'relu' | 'leakyRelu', number][] => [
  ['linear', linear(), 'linear', 0],
  ['relu', relu(), 'relu', 0],
  ['leakyRelu 0.01', leakyRelu(0.01), 'leakyRelu', 0.01],
  ['leakyRelu 0', leakyRelu(0), 'leakyRelu', 0],
  ['leakyRelu 1.5', leakyRelu(1.5), 'leakyRelu', 1.5],
];

for (const p of precisions) {
  const exact = p.name === 'f64';

  test(`dense_forward_in1_${p.name} and dense_forward_out1_${p.name} (each epilogue) equal denseForward and the activation`, () => {
    const random = new Random(6);
    // [N, I, O] with I = 1 or O = 1
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [3, 1, 7],
      [7, 1, 3],
      [201, 1, 64],
      [13, 1, 201],
      [2, 1, 5],
      [1, 3, 1],
      [2, 2, 1],
      [3, 7, 1],
      [7, 64, 1],
      [13, 3, 1],
      [201, 64, 1],
      [5, 784, 1],
      [8, 201, 1],
    ];
    for (const [N, I, O] of shapes) {
      const x = randomArray(p.make, N * I, random, true);
      const w = randomArray(p.make, I * O, random);
      const bias = randomArray(p.make, O, random);
      const z = p.make(N * O);
      denseForward(z, x, w, bias, N, I, O);
      for (const [name, act, epilogue, alpha] of forwardCases()) {
        const a = p.make(N * O);
        act.forward(a, z, N, O);
        const kernel = `dense_forward_${I === 1 ? 'in1' : 'out1'}_${p.name}_${epilogue}`;
        // one input: also without storing z (the buffer must stay untouched)
        for (const storeZ of I === 1 && epilogue !== 'linear' ? [true, false] : [true]) {
          const m = place([p.make(N * O).fill(7), p.make(N * O), x, w, bias]);
          rt!.kernels[kernel](
            storeZ ? m.at[0] : 0,
            m.at[1],
            m.at[2],
            m.at[3],
            m.at[4],
            N,
            I === 1 ? O : I,
            alpha,
          );
          const what = `${kernel}, ${N}×${I}·${I}×${O}, ${name}, z ${storeZ ? 'stored' : 'skipped'}`;
          if (storeZ) assertSame(m.read(0), z, p.tolerance * Math.sqrt(I), exact, `${what}: z`);
          else
            assert.ok(
              m.read(0).every((v) => v === 7),
              `${what}: z was written`,
            );
          if (epilogue !== 'linear')
            assertSame(m.read(1), a, p.tolerance * Math.sqrt(I), exact, `${what}: f(z)`);
          m.free();
        }
      }
    }
  });

  test(`dense_backward_in1_${p.name} (every activation) equals the activation's backward and denseBackward`, () => {
    const random = new Random(7);
    const cases: [string, Activation, number][] = [
      ['linear', linear(), 0],
      ['relu', relu(), 0],
      ['leakyRelu', leakyRelu(0.01), 0.01],
      ['leakyRelu', leakyRelu(0), 0],
      ['leakyRelu', leakyRelu(1.5), 1.5],
      ['elu', elu(0.7), 0.7],
      ['tanh', tanh(), 0],
      ['sigmoid', sigmoid(), 0],
    ];
    for (const [N, O] of [
      [1, 1],
      [3, 7],
      [7, 3],
      [201, 64],
      [13, 201],
      [2, 5],
      [201, 1],
    ]) {
      const x = randomArray(p.make, N, random, true);
      // a few exact zeros in z: the kinks, where relu and leakyRelu's a > 0 must agree with z > 0
      const z = randomArray(p.make, N * O, random, true);
      const dA = randomArray(p.make, N * O, random);
      for (const [name, act, alpha] of cases) {
        const a = p.make(N * O);
        act.forward(a, z, N, O);
        const dZ = p.make(N * O);
        act.backward(dZ, dA, z, a, N, O);
        const dW = p.make(O);
        const dB = p.make(O);
        denseBackward(null, dW, dB, dZ, x, p.make(O), N, 1, O);
        const m = place([p.make(O), p.make(O), dA, z, a, x]);
        rt!.kernels[`dense_backward_in1_${p.name}_${name}`](
          m.at[0],
          m.at[1],
          m.at[2],
          m.at[3],
          m.at[4],
          m.at[5],
          N,
          O,
          alpha,
        );
        const what = `dense_backward_in1 ${name} (alpha ${alpha}), ${N}×${O}`;
        assertSame(m.read(0), dW, p.tolerance * Math.sqrt(N), exact, `${what}: dWeight`);
        assertSame(m.read(1), dB, p.tolerance * Math.sqrt(N), exact, `${what}: dBias`);
        m.free();
      }
    }
  });

  test(`dense_backward_out1_${p.name} (with and without the input gradient) equals denseBackward`, () => {
    const random = new Random(8);
    for (const [N, I] of [
      [1, 1],
      [3, 7],
      [7, 3],
      [201, 64],
      [13, 201],
      [2, 17],
      [5, 784],
      [201, 1],
    ]) {
      const x = randomArray(p.make, N * I, random, true);
      const w = randomArray(p.make, I, random);
      const dZ = randomArray(p.make, N, random);
      const dW = p.make(I);
      const dB = p.make(1);
      const dX = p.make(N * I);
      denseBackward(dX, dW, dB, dZ, x, w, N, I, 1);
      for (const withInput of [true, false]) {
        const m = place([p.make(I), p.make(1), p.make(N * I).fill(7), dZ, x, w]);
        rt!.kernels[`dense_backward_out1_${p.name}`](
          m.at[0],
          m.at[1],
          withInput ? m.at[2] : 0,
          m.at[3],
          m.at[4],
          m.at[5],
          N,
          I,
        );
        const what = `dense_backward_out1, x ${N}×${I}, input gradient ${withInput}`;
        assertSame(m.read(0), dW, p.tolerance * Math.sqrt(N), exact, `${what}: dWeight`);
        assertSame(m.read(1), dB, p.tolerance * Math.sqrt(N), exact, `${what}: dBias`);
        if (withInput) assertSame(m.read(2), dX, p.tolerance, exact, `${what}: dInput`);
        else
          assert.ok(
            m.read(2).every((v) => v === 7),
            `${what}: dInput was written`,
          );
        m.free();
      }
    }
  });
}

test('dense_forward_in1_f64 leaky ReLU (pmax form for 0 < alpha ≤ 1) equals the reference at ±0, NaN, ±∞ and subnormals', () => {
  // the last column (weight −0, bias −0) makes z = −0 for every finite x
  const x = Float64Array.from([0, NaN, Infinity, -Infinity, 1e-320, -1e-320, 1, -1, -5e-324]);
  const w = Float64Array.from([1, 0.5, 3, -0]);
  const bias = Float64Array.from([0, 0, -2, -0]);
  const N = x.length;
  const O = w.length;
  const z = new Float64Array(N * O);
  denseForward(z, x, w, bias, N, 1, O);
  assert.ok(z.some((v) => Object.is(v, -0)) && z.some((v) => Object.is(v, 0)), 'z holds both zeros');
  for (const alpha of [0.01, 1, 0, 2]) {
    const expected = new Float64Array(N * O);
    leakyRelu(alpha).forward(expected, z, N, O);
    const m = place([new Float64Array(N * O), new Float64Array(N * O), x, w, bias]);
    rt!.kernels.dense_forward_in1_f64_leakyRelu(m.at[0], m.at[1], m.at[2], m.at[3], m.at[4], N, O, alpha);
    assert.deepEqual(Array.from(m.read(0)), Array.from(z), `z, alpha ${alpha}`);
    assert.deepEqual(Array.from(m.read(1)), Array.from(expected), `f(z), alpha ${alpha}`);
    m.free();
  }
});
