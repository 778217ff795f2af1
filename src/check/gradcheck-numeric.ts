// The numeric half of the gradient checker: the step rule, central differences with Richardson
// extrapolation, the error measure with its floor, and seeded sampling. No networks here — only
// "perturb one number, evaluate some scalars" — so layers, losses and penalties share one method.
//
// Why these choices (see also CS231n's notes on gradient checking, and Nocedal & Wright,
// "Numerical Optimization", 2nd ed., §8.1 on finite-difference error):
//
// Step. h = ε·max(1, |θ|), ε = 1e-6 by default (PyTorch's gradcheck uses eps 1e-6). Scaling with |θ|
// keeps the step well above the spacing of doubles near θ (ε_mach·|θ|); the floor of 1 keeps it from
// vanishing near θ = 0. The step actually taken is (θ + h) − θ, computed exactly, not h.
//
// Central difference. D(h) = (L(θ + h) − L(θ − h)) / 2h has two errors:
//   truncation  D(h) − L'(θ) = h²·L'''(θ)/6 + O(h⁴)
//   rounding    each L carries an absolute rounding error δ ≈ ρ·ε_mach·S (S ≈ |L|, see below),
//               so D(h) carries ≈ δ/h.
// We also evaluate D(2h) and extrapolate (Richardson): n = D(h) + (D(h) − D(2h))/3 cancels the h²
// term, leaving O(h⁴) truncation — negligible at h = 1e-6 even for inputs of scale 1e3 (h·x = 1e-3).
// |D(h) − D(2h)| is kept as a measured noise level: it is ≈ 3× the h² truncation of D(h) and of the
// order of the rounding noise, so it shows, per parameter, how far the numeric value can be trusted.
//
// Error measure. e = |a − n| / max(|a|, |n|, floor) with
//   floor = (ρ·ε_mach·S / h + |D(h) − D(2h)|) / tolerance,
// S the scale of the rounding error of the computed cost (roundingScale below): |L| itself is not
// enough — mse of predictions p ≈ t ≈ 1e3 is small, but p − t carries ε_mach·|p| of rounding, and a
// cross-entropy from saturated logits evaluates to exactly 0 while its true value is 1e-42.
// Below |gradient| ≈ floor, the relative error of n itself would exceed the tolerance (rounding
// dominates: this is where the textbook ‖a − n‖ / (‖a‖ + ‖n‖) becomes noise, as in the seed's 2e-6
// for correct code), so there the comparison becomes absolute: e ≤ tol ⇔ |a − n| ≤ the noise bound.
// A real bug gives |a − n| of the order of |a| or |n|, far above that bound.
// ρ = 256: a loss summed over many examples through chains of dot products carries a relative
// rounding error of a few dozen ε_mach in practice; 256 leaves headroom and still makes the
// absolute allowance ~6e-8·S for h = 1e-6, far below what any missing term or wrong sign produces.
//
// Unstable. A kink nobody declared (a user's layer without `activation.kinks`, or one without
// preActivation()) is still visible in the numbers: with f₀ = L(θ), the second differences
// s(h) = L(θ+h) + L(θ−h) − 2f₀ of a smooth cost scale as h² (s(2h) = 4·s(h)), and D(h) = D(2h) up to
// O(h²). A slope jump J within ±h breaks both: for a kink at distance d < h, |s(2h) − 4s(h)|/h =
// J·|3d/h − 2| and |D(h) − D(2h)| = J·d/4h, whose sum never falls below J/6. So the roughness
// R = |s(2h) − 4s(h)|/h + |D(h) − D(2h)| bounds the damage a hidden kink can do to n. An entry that
// would fail, but whose disagreement is within 12·R while R is well above the rounding level, is
// set aside as 'unstable' (the cost is not smooth here) instead of failed. On a smooth cost R stays
// at rounding level, so there no bug is excused this way.

import type { FloatArray } from '../kernels/index.js';
import type { Loss } from '../nn/losses.js';
import type { Random } from '../random.js';

export const MACHINE_EPSILON = 2 ** -52;
/** Rounding headroom: a computed loss is trusted to within ρ·ε_mach·S (see above). */
export const ROUNDING_FACTOR = 256;

/**
 * The scale S of the rounding error of a computed data loss L(p, t): first-order propagation of a
 * relative error ε_mach in each prediction and target, Σ_i |∂L/∂p_i|·(|p_i| + |t_i|), plus |L|
 * (with the loss's row weights w when it is weighted).
 * Classification losses work through log(1 + e^−|z|) and log-sum-exp, whose terms are O(1) and O(|z|)
 * however small L is: their absolute resolution is ε_mach·(1 + mean |z|), added here.
 */
export function roundingScale(
  loss: Loss,
  p: FloatArray,
  t: FloatArray,
  rows: number,
  cols: number,
  value: number,
  w?: ArrayLike<number>,
): number {
  const n = rows * cols;
  const g = new Float64Array(n);
  loss.gradient(g, p, t, rows, cols, w);
  let s = Math.abs(value);
  let logits = 0;
  for (let i = 0; i < n; i++) {
    const sensitivity = Math.abs(g[i]) * (Math.abs(p[i]) + Math.abs(t[i]));
    if (Number.isFinite(sensitivity)) s += sensitivity;
    logits += Math.abs(p[i]);
  }
  if (loss.kind === 'classification') s += 1 + logits / n;
  return s;
}

/** The step for a parameter of value θ: ε·max(1, |θ|). */
export function stepFor(theta: number, epsilon: number): number {
  return epsilon * Math.max(1, Math.abs(theta));
}

/**
 * Central differences of `terms` scalars at steps h and 2h for cell `index` of `values`, which is
 * restored exactly afterwards. `evaluate(out, watch)` writes the scalars at the current point and,
 * when `watch` is set, returns true if this point lies across a kink from the base point. Kinks are
 * watched at θ ± 2h only: to first order every watched value moves linearly with the step, so one
 * that crosses a kink at ±h is across it at ±2h as well. Given the values at θ (`base`), writes
 * d1 = D(h), d2 = D(2h) and the roughness |s(2h) − 4·s(h)| / h (see above) of each scalar.
 * Returns whether a watched kink lies within the steps.
 */
export function centralDifferences(
  values: Float64Array,
  index: number,
  h: number,
  terms: number,
  evaluate: (out: Float64Array, watch: boolean) => boolean,
  base: ArrayLike<number>,
  d1: Float64Array,
  d2: Float64Array,
  roughness: Float64Array,
  plus: Float64Array,
  minus: Float64Array,
): boolean {
  const theta = values[index];
  let crossed = false;
  for (let k = 1; k <= 2; k++) {
    const step = k * h;
    values[index] = theta + step;
    const up = values[index] - theta; // the step actually taken (exact, by Sterbenz's lemma)
    crossed = evaluate(plus, k === 2) || crossed;
    values[index] = theta - step;
    const down = theta - values[index];
    crossed = evaluate(minus, k === 2) || crossed;
    const d = k === 1 ? d1 : d2;
    for (let t = 0; t < terms; t++) {
      d[t] = (plus[t] - minus[t]) / (up + down);
      const second = plus[t] + minus[t] - 2 * base[t];
      roughness[t] = k === 1 ? second : Math.abs(second - 4 * roughness[t]) / h;
    }
  }
  values[index] = theta;
  return crossed;
}

export type EntryStatus = 'ok' | 'fail' | 'kink' | 'unstable';

export interface Judgement {
  numeric: number;
  error: number;
  status: EntryStatus;
}

/**
 * Judges one analytic value `a` against d1 = D(h), d2 = D(2h) and the roughness of a scalar whose
 * rounding scale is `scale` (see above). `kink` marks a step across a declared kink: not judged.
 */
export function judge(
  a: number,
  d1: number,
  d2: number,
  roughness: number,
  h: number,
  scale: number,
  tolerance: number,
  kink: boolean,
): Judgement {
  const numeric = d1 + (d1 - d2) / 3;
  const rounding = (ROUNDING_FACTOR * MACHINE_EPSILON * Math.abs(scale)) / h;
  const noise = Math.abs(d1 - d2);
  const floor = (rounding + noise) / tolerance;
  const diff = Math.abs(a - numeric);
  const error = diff === 0 ? 0 : diff / Math.max(Math.abs(a), Math.abs(numeric), floor);
  let status: EntryStatus = error <= tolerance ? 'ok' : 'fail';
  const rough = roughness + noise;
  if (kink) status = 'kink';
  else if (!Number.isFinite(a)) status = 'fail';
  else if (!Number.isFinite(numeric)) status = 'unstable';
  else if (status === 'fail' && rough > 10 * rounding && diff <= 12 * rough) status = 'unstable';
  return { numeric, error: Number.isFinite(error) ? error : Infinity, status };
}

/** ‖a − n‖ / (‖a‖ + ‖n‖), the textbook measure (0 when both are zero). */
export function textbookError(a: ArrayLike<number>, n: ArrayLike<number>, count = a.length): number {
  let diff = 0,
    na = 0,
    nn = 0;
  for (let i = 0; i < count; i++) {
    diff += (a[i] - n[i]) ** 2;
    na += a[i] * a[i];
    nn += n[i] * n[i];
  }
  const denominator = Math.sqrt(na) + Math.sqrt(nn);
  return denominator === 0 ? 0 : Math.sqrt(diff) / denominator;
}

/** `count` distinct indices of [0, n), in increasing order, drawn with `random` (all of them when count ≥ n). */
export function sampleIndices(n: number, count: number, random: Random): Int32Array {
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  if (count >= n) return all;
  // partial Fisher–Yates: the first `count` slots become a uniform sample without replacement
  for (let i = 0; i < count; i++) {
    const j = i + random.int(n - i);
    const t = all[i];
    all[i] = all[j];
    all[j] = t;
  }
  return all.subarray(0, count).sort();
}

/**
 * Splits a budget over buffers of the given sizes: proportional to size, at least min(size, 4) each
 * so that a small buffer (a bias) is never skipped. Returns how many to draw from each.
 */
export function allocate(sizes: readonly number[], budget: number): number[] {
  const total = sizes.reduce((s, n) => s + n, 0);
  if (total <= budget) return [...sizes];
  return sizes.map((n) => Math.min(n, Math.max(Math.min(n, 4), Math.round((budget * n) / total))));
}
