// Elementary functions on SIMD128 vectors (f64x2 and f32x4), for the activation kernels of
// activations.ts: expm1 and exp of y ≤ 0, log1p of v ∈ [0, 1], tanh and the logistic function.
// WebAssembly has no exp or log, so each is a range reduction and a polynomial (Cody & Waite 1980;
// the polynomials are Taylor series, truncated where the next term is below half an ulp):
//   exp:   y = k·ln2 + r, |r| ≤ ln2/2, ln2 split in two parts so that k·ln2hi is exact;
//          expm1(r) by its series to r¹³ (f64) or r⁷ (f32); 2^k written into the exponent field.
//   log1p: 1 + v = 2^k·(1 + f), f ∈ [√½ − 1, √2 − 1); log(1 + f) = 2·atanh(s), s = f / (2 + f),
//          by its series to s²³ (f64) or s¹¹ (f32), plus the rounding error of 1 + v (fdlibm's c).
// Every function keeps NaN, maps ±Infinity to its limit and ±0 to ±0 where f(±0) = ±0. The errors
// against Math.* are measured in test/activation-kernels.test.ts (the bounds are stated there and
// in the README): a few ulps, not correctly rounded, so float64 results are not bit-identical to
// the JavaScript reference (they are bit-identical between runs, machines and worker counts: the
// instructions are IEEE basic operations, with no fused multiply-add).

import type { Emit } from './emit.js';
import { simd, v128 } from './encoder.js';

/** The constants of one precision's approximations. */
interface MathConstants {
  /** 1.5·2^(mantissa bits): adding it rounds to an integer held in the low mantissa bits */
  shifter: number;
  mantissaBits: number;
  exponentBias: number;
  /** ln 2 = ln2hi + ln2lo, ln2hi with trailing zero bits so that k·ln2hi is exact */
  ln2hi: number;
  ln2lo: number;
  /** 1/2!, 1/3!, …: expm1(r) = r + r²·(c₀ + r·(c₁ + …)) */
  expm1Series: number[];
  /** 1/3, 1/5, …: log(1 + f) = 2s·(1 + s²·(c₀ + s²·(c₁ + …))) */
  atanhSeries: number[];
  /** below this, expm1(y) rounds to −1 (so tanh to ±1) */
  expm1Floor: number;
  /** below this, exp(y) rounds to 0 */
  expFloor: number;
}

const factorialSeries = (last: number) =>
  Array.from({ length: last - 1 }, (_, i) => {
    let f = 1;
    for (let j = 2; j <= i + 2; j++) f *= j;
    return 1 / f;
  });
const oddSeries = (last: number) => Array.from({ length: (last - 1) / 2 }, (_, i) => 1 / (2 * i + 3));

const constants: Record<'f32' | 'f64', MathConstants> = {
  f64: {
    shifter: 1.5 * 2 ** 52,
    mantissaBits: 52,
    exponentBias: 1023,
    ln2hi: 0.6931471803691238, // fdlibm's ln2_hi (0x3fe62e42fee00000)
    ln2lo: 1.9082149292705877e-10,
    expm1Series: factorialSeries(13),
    atanhSeries: oddSeries(23),
    expm1Floor: -40,
    expFloor: -746,
  },
  f32: {
    shifter: 1.5 * 2 ** 23,
    mantissaBits: 23,
    exponentBias: 127,
    ln2hi: 0.693359375,
    ln2lo: -2.1219444e-4,
    expm1Series: factorialSeries(7),
    atanhSeries: oddSeries(11),
    expm1Floor: -18,
    expFloor: -104,
  },
};

/** The 16 bytes of each v128.const emitted so far, by precision and value (the kernels use a few dozen, thousands of times). */
const splatBytes = new Map<string, Uint8Array>();

/** Writes the functions above for one precision; each leaves its result (one v128) on the stack. */
export class VectorMath {
  readonly #c: MathConstants;

  constructor(readonly e: Emit) {
    this.#c = constants[e.p.name];
  }

  /** Pushes c in every lane (v128.const). */
  constant(c: number): void {
    const key = `${this.e.p.name} ${Object.is(c, -0) ? '-0' : c}`; // (String(−0) is "0")
    let bytes = splatBytes.get(key);
    if (!bytes) {
      const lanes = this.e.p.name === 'f32' ? new Float32Array(4).fill(c) : new Float64Array(2).fill(c);
      bytes = new Uint8Array(lanes.buffer);
      splatBytes.set(key, bytes);
    }
    this.e.f.simd(simd.const).emitBytes(bytes);
  }

  /** Pushes the bit pattern of integer lanes equal to `bits` (as v128.const). */
  #integerConstant(bits: number): void {
    const lanes =
      this.e.p.name === 'f32' ? new Int32Array(4).fill(bits) : new BigInt64Array(2).fill(BigInt(bits));
    this.e.f.simd(simd.const, ...new Uint8Array(lanes.buffer));
  }

  /** A new v128 local set from the value on the stack. */
  #keep(): number {
    const l = this.e.f.local(v128);
    this.e.f.set(l);
    return l;
  }

  #op(name: 'add' | 'sub' | 'mul' | 'div' | 'abs' | 'neg' | 'trunc' | 'lt' | 'gt' | 'pmin' | 'pmax'): void {
    this.e.f.simd(this.e.p.v[name]);
  }

  /**
   * Pushes c₀ + c₁x + c₂x² + … (x a local) by Estrin's scheme: pairs c₂ⱼ + c₂ⱼ₊₁·x, then pairs of
   * pairs with x², x⁴…: about as many operations as Horner's rule but a chain of dependent ones
   * log₂(n) long instead of n, so that the processor overlaps them (Node 20 / x64, CPU time: float64
   * tanh 5.7 → 4.7 ns per element, float32 2.0 → 1.7).
   */
  #series(x: number, coefficients: readonly number[]): void {
    const f = this.e.f;
    let terms: (() => void)[] = coefficients.map((c) => () => this.constant(c));
    let power = x;
    while (terms.length > 1) {
      const next: (() => void)[] = [];
      for (let j = 0; j < terms.length; j += 2) {
        if (j + 1 === terms.length) {
          next.push(terms[j]);
          continue;
        }
        terms[j]();
        terms[j + 1]();
        f.get(power);
        this.#op('mul');
        this.#op('add');
        const l = this.#keep();
        next.push(() => f.get(l));
      }
      terms = next;
      if (terms.length > 1) {
        f.get(power).get(power);
        this.#op('mul');
        power = this.#keep();
      }
    }
    terms[0]();
  }

  /** Pushes 2^k for k an integer-valued local (|k| within the exponent range): k written into the exponent field. */
  #powerOfTwo(k: number): void {
    const f = this.e.f;
    const int = this.e.p.name === 'f32' ? simd.i32x4 : simd.i64x2;
    f.get(k);
    this.constant(this.#c.shifter);
    this.#op('add'); // k in the low mantissa bits
    f.i32(this.#c.mantissaBits).simd(int.shl);
    this.#integerConstant(this.#c.exponentBias * 2 ** this.#c.mantissaBits);
    f.simd(int.add);
  }

  /**
   * The reduction y = k·ln2 + r of a local y ≤ 0 already clamped: sets k (integer-valued) and
   * pm1 = expm1(r), both returned as locals.
   */
  #reduce(y: number): { k: number; pm1: number } {
    const f = this.e.f;
    const c = this.#c;
    f.get(y);
    this.constant(1 / Math.LN2);
    this.#op('mul');
    this.constant(c.shifter);
    this.#op('add');
    this.constant(c.shifter);
    this.#op('sub'); // round to nearest (ties to even)
    const k = this.#keep();
    f.get(y).get(k);
    this.constant(c.ln2hi);
    this.#op('mul');
    this.#op('sub');
    f.get(k);
    this.constant(c.ln2lo);
    this.#op('mul');
    this.#op('sub');
    const r = this.#keep();
    // expm1(r) = r + r²·series(r)
    f.get(r).get(r).get(r);
    this.#op('mul');
    this.#series(r, c.expm1Series);
    this.#op('mul');
    this.#op('add');
    return { k, pm1: this.#keep() };
  }

  /**
   * Pushes expm1(y) for a local y ≤ 0 (or NaN): 2^k·expm1(r) + (2^k − 1), given the sign of y
   * (every result has it; this keeps expm1(−0) = −0) unless `anySign` (for a caller that sets the
   * sign itself: the other bits are the same either way).
   */
  expm1(y: number, anySign = false): void {
    const f = this.e.f;
    if (!anySign) f.get(y);
    f.get(y);
    this.constant(this.#c.expm1Floor);
    this.#op('pmax'); // y < floor ? floor : y, which keeps NaN
    const { k, pm1 } = this.#reduce(this.#keep());
    this.#powerOfTwo(k);
    const s = this.#keep();
    f.get(s).get(pm1);
    this.#op('mul');
    f.get(s);
    this.constant(1);
    this.#op('sub');
    this.#op('add');
    if (anySign) return;
    this.constant(-0);
    f.simd(simd.bitselect);
  }

  /**
   * Pushes exp(y) for a local y ≤ 0 (or NaN), subnormal results included: 2^k is applied as
   * 2^k₁·2^k₂ (k₁ = trunc(k/2)), each factor normal, so that only the last product rounds.
   */
  exp(y: number): void {
    const f = this.e.f;
    f.get(y);
    this.constant(this.#c.expFloor);
    this.#op('pmax');
    const { k, pm1 } = this.#reduce(this.#keep());
    f.get(k);
    this.constant(0.5);
    this.#op('mul');
    this.#op('trunc');
    const k1 = this.#keep();
    f.get(pm1);
    this.constant(1);
    this.#op('add');
    this.#powerOfTwo(k1);
    this.#op('mul');
    f.get(k).get(k1);
    this.#op('sub');
    const k2 = this.#keep();
    this.#powerOfTwo(k2);
    this.#op('mul');
  }

  /**
   * Pushes log1p(v) for a local v ∈ [0, 1] (or NaN). With w = 1 + v: when w > √2, f = (v − 1)/2
   * and k = 1; else f = w − 1 (exact) and k = 0, plus c = (v − f)/w, the part of v that w lost.
   */
  log1p(v: number): void {
    const f = this.e.f;
    f.get(v);
    this.constant(1);
    this.#op('add');
    const w = this.#keep();
    f.get(w);
    this.constant(Math.SQRT2);
    this.#op('gt');
    const big = this.#keep();
    f.get(w);
    this.constant(1);
    this.#op('sub');
    const f0 = this.#keep();
    // f
    f.get(v);
    this.constant(1);
    this.#op('sub');
    this.constant(0.5);
    this.#op('mul');
    f.get(f0).get(big).simd(simd.bitselect);
    const x = this.#keep();
    // s = f / (2 + f)
    f.get(x).get(x);
    this.constant(2);
    this.#op('add');
    this.#op('div');
    const s = this.#keep();
    f.get(s).get(s);
    this.#op('mul');
    const s2 = this.#keep();
    // k·ln2 + (2s + 2s·s²·series(s²) + c)
    this.constant(Math.LN2);
    f.get(big).simd(simd.and);
    f.get(s).get(s);
    this.#op('add');
    const twoS = this.#keep();
    f.get(twoS).get(twoS).get(s2);
    this.#op('mul');
    this.#series(s2, this.#c.atanhSeries);
    this.#op('mul');
    this.#op('add');
    f.get(v).get(f0);
    this.#op('sub');
    f.get(w);
    this.#op('div');
    f.get(big).simd(simd.andnot);
    this.#op('add');
    this.#op('add');
  }

  /**
   * Pushes tanh(x) for a local x: |t| = |u/(u + 2)| with u = expm1(−2|x|), given the sign of x.
   * Only the sign bit of x reaches the result, so u's sign and the quotient's are left as they
   * come (−u/(u + 2) and u/(u + 2) differ in the sign bit alone, NaN payloads included): two
   * fewer sign fixes than −u/(u + 2) of a signed expm1, the same bits.
   */
  tanh(x: number): void {
    const f = this.e.f;
    f.get(x);
    this.#op('abs');
    this.constant(-2);
    this.#op('mul');
    this.expm1(this.#keep(), true);
    const u = this.#keep();
    f.get(x); // the sign bit from x, the rest from u/(u + 2)
    f.get(u);
    f.get(u);
    this.constant(2);
    this.#op('add');
    this.#op('div');
    this.constant(-0);
    f.simd(simd.bitselect);
  }

  /** Pushes the logistic function σ(z) for a local z, as nn/activations.ts: e = exp(−|z|), 1/(1+e) or e/(1+e). */
  sigmoid(z: number): void {
    const f = this.e.f;
    f.get(z);
    this.#op('abs');
    this.#op('neg');
    this.exp(this.#keep());
    const e = this.#keep();
    f.get(e);
    this.constant(1);
    this.#op('add');
    const d = this.#keep();
    f.get(e).get(d);
    this.#op('div');
    this.constant(1);
    f.get(d);
    this.#op('div');
    f.get(z);
    this.constant(0);
    this.#op('lt');
    f.simd(simd.bitselect);
  }

  /** pmin(z, 0) or pmax(z, 0) of a local: min/max with NaN kept (z when the comparison is false). */
  clampAtZero(z: number, which: 'pmin' | 'pmax'): void {
    this.e.f.get(z);
    this.constant(0);
    this.#op(which);
  }

  /** A new local holding the local z clamped to [−c, c] (NaN kept). */
  clamp(z: number, c: number): number {
    this.e.f.get(z);
    this.constant(c);
    this.#op('pmin');
    this.constant(-c);
    this.#op('pmax');
    return this.#keep();
  }

  /** One arithmetic instruction on vectors (for the kernels' own formulas). */
  arithmetic(name: 'add' | 'sub' | 'mul' | 'div' | 'abs' | 'neg' | 'gt'): void {
    this.#op(name);
  }

  /** v128.bitselect of the three values on the stack: mask ? first : second, bit by bit. */
  bitselect(): void {
    this.e.f.simd(simd.bitselect);
  }

  /** A new v128 local set from the value on the stack. */
  local(): number {
    return this.#keep();
  }
}
