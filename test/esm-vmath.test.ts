// The standalone module's scalar transcription of the WebAssembly approximations (esm-runtime.ts's
// vmActivation) against the float64 kernels act_forward_f64_* bit for bit, over 2²⁰ + inputs each:
// a dense sweep, random magnitudes, ±0, subnormals, ±Infinity, NaN and both neighbours of every
// range-reduction boundary (k's rounding points (j + ½)·ln2, the clamps, log1p's w = √2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random, kernels } from '../src/index.js';
import { vmActivation, vmathConstants } from '../src/io/export/esm-runtime.js';

const ok = await kernels.wasmReady;
const rt = kernels.wasmRuntime();

/** The next float64 above (+1) or below (−1) x, x finite. */
function step(x: number, direction: 1 | -1): number {
  if (x === 0) return direction * 5e-324;
  const bits = new BigInt64Array(new Float64Array([x]).buffer);
  bits[0] += BigInt(x > 0 ? direction : -direction);
  return new Float64Array(bits.buffer)[0];
}

/** x and its two neighbours, of either sign. */
function around(x: number): number[] {
  return [x, step(x, 1), step(x, -1), -x, step(-x, 1), step(-x, -1)];
}

/** Where the reductions change branch, as inputs of every activation (tanh and gelu halve them, −2|x|). */
function boundaries(): number[] {
  const points: number[] = [20, 40, 746, 745.1332191019411, 708.3964185322641, 0.881373587019543];
  for (let j = 0; j <= 1080; j++) points.push((j + 0.5) * Math.LN2, ((j + 0.5) * Math.LN2) / 2);
  points.push(Math.SQRT2 - 1, -Math.log(Math.SQRT2 - 1));
  return points.flatMap(around);
}

const specials = [0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, -1e-310, Infinity, -Infinity, NaN];

/** 2²⁰ inputs (a sweep of [−50, 50], random magnitudes 10⁻³⁰⁸…10³⁰⁸) plus the boundaries and specials. */
function inputs(): Float64Array {
  const n = 1 << 20;
  const random = new Random(7);
  const z: number[] = [];
  for (let i = 0; i < n / 2; i++) z.push(-50 + (100 * i) / (n / 2));
  for (let i = n / 2; i < n; i++)
    z.push((random.uniform() < 0.5 ? -1 : 1) * 10 ** (616 * random.uniform() - 308));
  return new Float64Array([...z, ...boundaries(), ...specials]);
}

/** The float64 kernel's a = f(z). */
function kernel(name: string, z: Float64Array, alpha: number): Float64Array {
  if (!rt) throw new Error('no runtime');
  const at = rt.allocate(z.byteLength);
  const out = rt.allocate(z.byteLength);
  try {
    rt.f64(at, z.length).set(z);
    rt.kernels[`act_forward_f64_${name}`](out, at, z.length, alpha);
    return rt.f64(out, z.length).slice();
  } finally {
    rt.release(at);
    rt.release(out);
  }
}

const z = inputs();
const bits = (a: Float64Array) => new BigUint64Array(a.buffer);

for (const [name, alpha] of [
  ['tanh', 1],
  ['sigmoid', 1],
  ['elu', 1],
  ['elu', 0.7],
  ['softplus', 1],
  ['gelu', 1],
] as const) {
  test(`vmActivation(${name}, alpha ${alpha}) is bit-identical to act_forward_f64_${name} over ${z.length} inputs`, {
    skip: !ok,
  }, () => {
    const expected = kernel(name, z, alpha);
    const m = vmathConstants();
    const actual = z.map((v) => vmActivation(m, name, alpha, v));
    const [a, e] = [bits(actual), bits(expected)];
    const bad: string[] = [];
    for (let i = 0; i < z.length && bad.length < 5; i++) {
      const bothNaN = Number.isNaN(actual[i]) && Number.isNaN(expected[i]);
      if (a[i] !== e[i] && !bothNaN) bad.push(`z=${z[i]}: ${actual[i]} vs kernel ${expected[i]}`);
    }
    assert.deepEqual(bad, []);
    assert.ok(z.length >= 1e6);
  });
}
