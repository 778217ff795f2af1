// The WebAssembly activation kernels (act_forward for tanh, sigmoid, elu, softplus, gelu; act_backward
// for softplus and gelu) against their JavaScript references in nn/activations.ts (Math.*), float64
// and float32, over 2²⁰ inputs each (a dense sweep, magnitudes from subnormal to 10³⁰⁰, both signs)
// and at ±0, subnormals, ±Infinity and NaN. The error bounds stated here are the ones the README gives.
// The fused forms (gemm_nn's activation epilogues, act_backward_sums) equal the separate passes bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random, kernels, tanh, sigmoid, elu, softplus, gelu, type Activation } from '../src/index.js';

type Float = Float64Array | Float32Array;

const ok = await kernels.wasmReady;
const rt = kernels.wasmRuntime();

/**
 * |kernel − reference| ≤ ulps · ulp(reference) + scale · ε · g(z), ε the precision's machine
 * epsilon. The g term is GELU's: 1 + tanh(u) cancels for u ≪ 0, so there its error is absolute
 * (the reference's Math.tanh has the same cancellation), |z| forward and 1 + |z|³ backward.
 */
interface Bound {
  ulps: number;
  scale: number;
  g: (z: number) => number;
}
const noAbsolute = { scale: 0, g: () => 0 };
const bounds: Record<string, Record<'f64' | 'f32', Bound>> = {
  tanh: { f64: { ulps: 4, ...noAbsolute }, f32: { ulps: 3, ...noAbsolute } },
  sigmoid: { f64: { ulps: 4, ...noAbsolute }, f32: { ulps: 3, ...noAbsolute } },
  elu: { f64: { ulps: 2, ...noAbsolute }, f32: { ulps: 2, ...noAbsolute } },
  softplus: { f64: { ulps: 4, ...noAbsolute }, f32: { ulps: 4, ...noAbsolute } },
  gelu: {
    f64: { ulps: 4, scale: 2, g: Math.abs },
    f32: { ulps: 4, scale: 2, g: Math.abs },
  },
};
const backwardBounds: Record<string, Record<'f64' | 'f32', Bound>> = {
  softplus: bounds.sigmoid,
  gelu: {
    f64: { ulps: 4, scale: 2, g: (z) => 1 + Math.abs(z) ** 3 },
    f32: { ulps: 4, scale: 2, g: (z) => 1 + Math.abs(z) ** 3 },
  },
};

const activations: [string, Activation][] = [
  ['tanh', tanh()],
  ['sigmoid', sigmoid()],
  ['elu', elu()],
  ['softplus', softplus()],
  ['gelu', gelu()],
];

const precisions = [
  { name: 'f64', make: (n: number) => new Float64Array(n), eps: 2 ** -52, mantissa: 52, minExp: -1022 },
  { name: 'f32', make: (n: number) => new Float32Array(n), eps: 2 ** -23, mantissa: 23, minExp: -126 },
] as const;
type Precision = (typeof precisions)[number];

/** The spacing of floats of this precision at |x| (subnormal spacing below the normal range). */
function ulp(x: number, p: Precision): number {
  const a = Math.abs(x);
  const e = a === 0 ? p.minExp : Math.max(Math.floor(Math.log2(a)), p.minExp);
  return 2 ** (e - p.mantissa);
}

const specials = [
  0,
  -0,
  5e-324,
  -5e-324,
  2.2e-308,
  -1e-310,
  1.4e-45,
  -1e-40,
  1e-30,
  Infinity,
  -Infinity,
  NaN,
];

/** 2²⁰ inputs: a dense sweep of [−40, 40], then random magnitudes 10⁻³⁰⁰…10³⁰⁰ of either sign, then specials. */
function inputs(p: Precision): Float {
  const n = 1 << 20;
  const z = p.make(n);
  const random = new Random(16);
  const dense = n / 2;
  for (let i = 0; i < dense; i++) z[i] = -40 + (80 * i) / dense;
  for (let i = dense; i < n; i++)
    z[i] = (random.uniform() < 0.5 ? -1 : 1) * 10 ** (600 * random.uniform() - 300);
  z.set(specials, n - specials.length);
  return z;
}

/** Runs a kernel on arrays copied into the kernels' memory; returns its output. */
function runKernel(name: string, p: Precision, arrays: Float[], call: (at: number[]) => void): Float {
  if (!rt) throw new Error('no runtime');
  const view = (at: number, n: number) => (p.name === 'f32' ? rt.f32(at, n) : rt.f64(at, n));
  const at = arrays.map((a) => {
    const address = rt.allocate(a.byteLength);
    view(address, a.length).set(a);
    return address;
  });
  const out = rt.allocate(arrays[0].byteLength);
  try {
    assert.ok(rt.kernels[name], `${name}: no such kernel`);
    call([out, ...at]);
    return view(out, arrays[0].length).slice();
  } finally {
    for (const a of [out, ...at]) rt.release(a);
  }
}

/** Fails with the worst few inputs when a result is outside its bound; NaN must meet NaN, zero its sign. */
function assertWithin(
  actual: Float,
  expected: Float,
  z: Float,
  bound: Bound,
  p: Precision,
  what: string,
): void {
  const bad: string[] = [];
  let worst = 0;
  for (let i = 0; i < z.length; i++) {
    const [a, e] = [actual[i], expected[i]];
    if (Number.isNaN(e) || Number.isNaN(a) || e === 0 || !Number.isFinite(e)) {
      if (!Object.is(a, e) && bad.length < 5) bad.push(`z=${z[i]}: got ${a}, expected ${e}`);
      continue;
    }
    const allowed = bound.ulps * ulp(e, p) + bound.scale * p.eps * bound.g(z[i]);
    const err = Math.abs(a - e);
    worst = Math.max(worst, err / allowed);
    if (!(err <= allowed) && bad.length < 5)
      bad.push(`z=${z[i]}: got ${a}, expected ${e} (${err / ulp(e, p)} ulp)`);
  }
  assert.deepEqual(bad, [], `${what}: outside the bound (worst at ${worst.toFixed(2)}× the bound)`);
}

for (const p of precisions) {
  const z = inputs(p);
  for (const [name, activation] of activations) {
    test(`act_forward_${p.name}_${name}: within its bound of the reference over 2²⁰ inputs and special values`, {
      skip: !ok,
    }, () => {
      const expected = p.make(z.length);
      activation.forward(expected, z, 1, z.length);
      const actual = runKernel(`act_forward_${p.name}_${name}`, p, [z], ([out, zAt]) =>
        rt?.kernels[`act_forward_${p.name}_${name}`](out, zAt, z.length, 1),
      );
      assertWithin(actual, expected, z, bounds[name][p.name], p, `${name} forward`);
    });
  }
  for (const name of ['softplus', 'gelu']) {
    const activation = name === 'gelu' ? gelu() : softplus();
    test(`act_backward_${p.name}_${name}: within its bound of the reference over 2²⁰ inputs and special values`, {
      skip: !ok,
    }, () => {
      const dA = p.make(z.length).fill(1);
      const a = p.make(z.length);
      activation.forward(a, z, 1, z.length);
      const expected = p.make(z.length);
      activation.backward(expected, dA, z, a, 1, z.length);
      const actual = runKernel(`act_backward_${p.name}_${name}`, p, [dA, z, a], ([out, dAAt, zAt, aAt]) =>
        rt?.kernels[`act_backward_${p.name}_${name}`](out, dAAt, zAt, aAt, z.length, 0),
      );
      assertWithin(actual, expected, z, backwardBounds[name][p.name], p, `${name} backward`);
    });
  }
}

test('act_forward: the output may be the input (in place), and every length runs its tail', {
  skip: !ok,
}, () => {
  if (!rt) return;
  for (const n of [1, 2, 3, 5, 7, 9]) {
    const z = new Float64Array(n).map((_, i) => i - 2.5);
    const expected = new Float64Array(n);
    tanh().forward(expected, z, 1, n);
    const at = rt.allocate(z.byteLength);
    rt.f64(at, n).set(z);
    rt.kernels.act_forward_f64_tanh(at, at, n, 0);
    const actual = rt.f64(at, n).slice();
    rt.release(at);
    assertWithin(actual, expected, z, bounds.tanh.f64, precisions[0], `tanh in place, n = ${n}`);
  }
});

/** Copies arrays into the kernels' memory: their addresses, a view maker, and a release. */
function placeAll(
  p: Precision,
  arrays: Float[],
): { at: number[]; read: (i: number) => Float; release: () => void } {
  if (!rt) throw new Error('no runtime');
  const view = (at: number, n: number) => (p.name === 'f32' ? rt.f32(at, n) : rt.f64(at, n));
  const at = arrays.map((a) => {
    const address = rt.allocate(a.byteLength);
    view(address, a.length).set(a);
    return address;
  });
  return {
    at,
    read: (i) => view(at[i], arrays[i].length).slice(),
    release: () => {
      for (const a of at) rt.release(a);
    },
  };
}

/** n values of this precision from a seeded normal. */
function normals(p: Precision, n: number, seed: number): Float {
  const random = new Random(seed);
  return p.make(n).map(() => 2 * random.normal());
}

const productEpilogues = ['linear', 'relu', 'leakyRelu', 'tanh', 'sigmoid', 'elu', 'softplus', 'gelu'];

// gemm_nn's epilogues: z bit-identical to the product without one, and f(z) bit-identical to the
// separate pass it replaces (the in-register select for relu and leakyRelu, act_forward for the
// others), on shapes with every remainder (bands of 4 rows and 1, 8-, 4- or 2-wide and scalar columns, K = 1)
for (const p of precisions) {
  test(`gemm_nn_${p.name}: every fused epilogue gives the product's z and the activation pass's f(z), bit for bit`, {
    skip: !ok,
  }, () => {
    if (!rt) return;
    const kernel = (name: string) => rt.kernels[name];
    for (const [M, K, O] of [
      [7, 5, 11],
      [9, 1, 13],
      [4, 3, 8],
      [1, 6, 3],
    ]) {
      const [x, w, b] = [normals(p, M * K, 1), normals(p, K * O, 2), normals(p, O, 3)];
      const n = M * O;
      const buffers = placeAll(p, [x, w, b, p.make(n), p.make(n), p.make(n), p.make(n)]);
      const [xAt, wAt, bAt, zAt, actAt, refZAt, refActAt] = buffers.at;
      try {
        kernel(`gemm_nn_${p.name}_linear`)(refZAt, 0, xAt, K, 1, wAt, bAt, M, K, O, 0);
        const z = buffers.read(5);
        for (const epilogue of productEpilogues) {
          kernel(`gemm_nn_${p.name}_${epilogue}`)(zAt, actAt, xAt, K, 1, wAt, bAt, M, K, O, 0.01);
          const what = `${epilogue}, M ${M} K ${K} O ${O}`;
          assert.deepEqual(buffers.read(3), z, `${what}: z differs from the product without epilogue`);
          if (epilogue === 'linear') continue;
          const expected = p.make(n);
          // alpha in this precision; its product with z is exact in float64, then rounded once
          const alpha = p.make(1).fill(0.01)[0];
          if (epilogue === 'relu' || epilogue === 'leakyRelu') {
            for (let i = 0; i < n; i++)
              expected[i] = z[i] > 0 ? z[i] : epilogue === 'relu' ? 0 : alpha * z[i];
          } else {
            kernel(`act_forward_${p.name}_${epilogue}`)(refActAt, refZAt, n, 0.01);
            expected.set(buffers.read(6));
          }
          assert.deepEqual(buffers.read(4), expected, `${what}: f(z) differs from the separate pass`);
        }
      } finally {
        buffers.release();
      }
    }
  });

  test(`act_backward_sums_${p.name}: dZ as act_backward and dBias as column_sums, bit for bit`, {
    skip: !ok,
  }, () => {
    if (!rt) return;
    const kernel = (name: string) => rt.kernels[name];
    for (const [R, C] of [
      [7, 19],
      [5, 3],
      [2, 16],
    ]) {
      const n = R * C;
      const [dA, z] = [normals(p, n, 4), normals(p, n, 5)];
      for (const activation of ['relu', 'leakyRelu', 'tanh', 'sigmoid', 'elu']) {
        const a = p.make(n);
        for (let i = 0; i < n; i++) a[i] = Math.tanh(z[i]);
        const buffers = placeAll(p, [dA, z, a, p.make(n), p.make(C), p.make(n), p.make(C)]);
        const [dAAt, zAt, aAt, dZAt, dBiasAt, refDZAt, refDBiasAt] = buffers.at;
        try {
          kernel(`act_backward_${p.name}_${activation}`)(refDZAt, dAAt, zAt, aAt, n, 0.01);
          kernel(`column_sums_${p.name}`)(refDBiasAt, refDZAt, R, C);
          kernel(`act_backward_sums_${p.name}_${activation}`)(dBiasAt, dZAt, dAAt, zAt, aAt, R, 0.01, C);
          const what = `${activation}, ${R}×${C}`;
          assert.deepEqual(buffers.read(3), buffers.read(5), `${what}: dZ differs`);
          assert.deepEqual(buffers.read(4), buffers.read(6), `${what}: dBias differs`);
        } finally {
          buffers.release();
        }
      }
    }
  });
}
