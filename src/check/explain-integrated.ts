// Integrated gradients (Sundararajan, Taly & Yan 2017, "Axiomatic Attribution for Deep Networks"):
// a_i = (x_i − b_i) · ∫₀¹ ∂f/∂x_i(b + α(x − b)) dα, with the gradient from the network's own backward
// pass (explain-gradient.ts). Completeness — Σ a_i = f(x) − f(b) — is the check: the integral is
// taken by adaptive Simpson segments, and a segment [α₀, α₁] is split until its estimate matches
// f(α₁) − f(α₀), which the network computes exactly. The segment errors bound the completeness error,
// so refining until they sum below tolerance·|f(x) − f(b)| makes the check hold by measurement, not
// by assumption; a kink (ReLU) costs a few halvings of the one segment that holds it.

import { OptionError, ShapeError, checkNumber } from '../errors.js';
import { zeros, type Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';
import { outputGradient, type AttributeTo } from './explain-gradient.js';
import { sum } from './explain-permutation.js';

export interface IntegratedGradientsOptions {
  /** Output unit of each row (default 0 for every row). */
  units?: Int32Array;
  /** 'output' (default: probabilities for classifiers) or 'logit'. */
  attributeTo?: AttributeTo;
  /** Completeness: |Σ a − (f(x) − f(b))| ≤ tolerance·|f(x) − f(b)| (default 1e-6). */
  tolerance?: number;
  /** Most gradient evaluations per row before giving up on the tolerance (default 20,000). */
  maxSteps?: number;
}

export interface RowAttribution {
  /** [I] one attribution per network input, in the output's units (original units when scaled) */
  attributions: Float64Array;
  /** f(x) and f(baseline), same units */
  value: number;
  baselineValue: number;
  /** |Σ a − (f(x) − f(b))| */
  completenessError: number;
  /** gradient evaluations used (points on the path) */
  steps: number;
  /** completenessError ≤ tolerance·|f(x) − f(b)| (+ a rounding floor) */
  converged: boolean;
}

/** Simpson segments start this many per row; each split halves one. */
const INITIAL_SEGMENTS = 4;
/** Rounding floor of the tolerance, in units of ε·(|f(x)| + |f(b)|). */
const ROUNDING_FACTOR = 64;
/** Points evaluated per backward pass (bounds memory: rows × inputs floats). */
const CHUNK = 8192;

/** Simpson's rule on [α_a, α_c] through the midpoint α_m (point ids), and |estimate − (f_c − f_a)|. */
interface Segment {
  a: number;
  m: number;
  c: number;
  error: number;
}

/** One row's path: points as (α, f, ∂f/∂z), and Simpson segments as point ids. */
interface Path {
  row: number;
  /** [I] z − z_b in the scaled space */
  delta: Float64Array;
  alpha: number[];
  f: number[];
  g: Float64Array[];
  segments: Segment[];
  /** segments being split: their halves' midpoints are the last points requested */
  pending: Segment[];
  budget: number;
  done: boolean;
  converged: boolean;
}

/**
 * Attributions of rows x [N×I] (original units) against the baseline [I] (original units). Works in
 * the network's scaled space (the straight path is the same line there) and reports in original units.
 */
export function integratedGradients(
  network: Network,
  x: Matrix,
  baseline: Float64Array,
  options: IntegratedGradientsOptions = {},
): RowAttribution[] {
  const tolerance = checkNumber('tolerance', options.tolerance ?? 1e-6, { min: 0 });
  const maxSteps = checkNumber('maxSteps', options.maxSteps ?? 20_000, { integer: true, min: 16 });
  const attributeTo = options.attributeTo ?? 'output';
  const units = options.units ?? new Int32Array(x.rows);
  if (baseline.length !== x.cols)
    throw new ShapeError(`baseline has ${baseline.length} values but x has ${x.cols} columns`, 'baseline');
  if (units.length !== x.rows || units.some((u) => u < 0 || u >= network.outputSize))
    throw new OptionError(
      `units must hold one output index (0 to ${network.outputSize - 1}) per row of x (${x.rows})`,
      'units',
    );
  const z = toScaled(network, x);
  const zb = toScaled(network, { rows: 1, cols: baseline.length, data: baseline });
  const paths: Path[] = [];
  for (let r = 0; r < x.rows; r++) paths.push(startPath(r, z, zb.data));
  const evaluate = (requests: { path: Path; alpha: number }[]) =>
    evaluatePoints(network, zb.data, units, attributeTo, requests);
  const first = INITIAL_SEGMENTS * 2;
  evaluate(
    paths.flatMap((path) => Array.from({ length: first + 1 }, (_, k) => ({ path, alpha: k / first }))),
  );
  for (const p of paths) initialSegments(p, tolerance);
  for (;;) {
    const requests = paths.flatMap((p) => refine(p, maxSteps));
    if (requests.length === 0) break;
    evaluate(requests);
    for (const p of paths) settle(p);
  }
  return paths.map((p) => finish(p, network, units[p.row], tolerance));
}

function startPath(row: number, z: Matrix & { data: Float64Array }, zb: Float64Array): Path {
  const I = z.cols;
  const delta = new Float64Array(I);
  for (let i = 0; i < I; i++) delta[i] = z.data[row * I + i] - zb[i];
  return {
    row,
    delta,
    alpha: [],
    f: [],
    g: [],
    segments: [],
    pending: [],
    budget: 0,
    done: false,
    converged: false,
  };
}

/** Evaluates f and ∂f/∂z at each requested point, appending them to its path (in request order). */
function evaluatePoints(
  network: Network,
  zb: Float64Array,
  units: Int32Array,
  attributeTo: AttributeTo,
  requests: { path: Path; alpha: number }[],
): void {
  const I = zb.length;
  for (let start = 0; start < requests.length; start += CHUNK) {
    const part = requests.slice(start, start + CHUNK);
    const points = zeros(part.length, I, network.dtype); // [M×I] b + α(x − b), scaled
    const rowUnits = new Int32Array(part.length);
    part.forEach(({ path, alpha }, n) => {
      for (let i = 0; i < I; i++) points.data[n * I + i] = zb[i] + alpha * path.delta[i];
      rowUnits[n] = units[path.row];
    });
    const { value, gradient } = outputGradient(network, points, rowUnits, attributeTo);
    part.forEach(({ path, alpha }, n) => {
      path.alpha.push(alpha);
      path.f.push(value[n]);
      path.g.push(gradient.slice(n * I, (n + 1) * I));
    });
  }
}

/** Points 0…2S evenly spaced: segments (0,1,2), (2,3,4), …; the budget from f(x) − f(b). */
function initialSegments(p: Path, tolerance: number): void {
  const last = INITIAL_SEGMENTS * 2;
  for (let s = 0; s < INITIAL_SEGMENTS; s++) addSegment(p, 2 * s, 2 * s + 1, 2 * s + 2);
  const fx = p.f[last];
  const fb = p.f[0];
  p.budget = tolerance * Math.abs(fx - fb) + ROUNDING_FACTOR * Number.EPSILON * (Math.abs(fx) + Math.abs(fb));
}

function addSegment(p: Path, a: number, m: number, c: number): void {
  const estimate = sum(simpson(p, a, m, c));
  p.segments.push({ a, m, c, error: Math.abs(estimate - (p.f[c] - p.f[a])) });
}

/** [I] the segment's share of the attributions, in scaled units: Δz ⊙ (α_c − α_a)/6 · (g_a + 4g_m + g_c). */
function simpson(p: Path, a: number, m: number, c: number): Float64Array {
  const w = (p.alpha[c] - p.alpha[a]) / 6;
  const ga = p.g[a];
  const gm = p.g[m];
  const gc = p.g[c];
  const out = new Float64Array(p.delta.length);
  for (let i = 0; i < out.length; i++) out[i] = p.delta[i] * w * (ga[i] + 4 * gm[i] + gc[i]);
  return out;
}

/**
 * When the segment errors exceed half the budget: splits every segment above its even share of it
 * (one must be), returning the midpoints of both halves to evaluate; settle() makes the halves.
 */
function refine(p: Path, maxSteps: number): { path: Path; alpha: number }[] {
  if (p.done) return [];
  const total = p.segments.reduce((s, seg) => s + seg.error, 0);
  const share = p.budget / (2 * p.segments.length);
  const split = total <= p.budget / 2 ? [] : p.segments.filter((seg) => seg.error > share);
  if (split.length === 0 || p.alpha.length + 2 * split.length > maxSteps) {
    p.done = true;
    return [];
  }
  p.segments = p.segments.filter((seg) => seg.error <= share);
  p.pending = split;
  return split.flatMap((seg) => [
    { path: p, alpha: (p.alpha[seg.a] + p.alpha[seg.m]) / 2 },
    { path: p, alpha: (p.alpha[seg.m] + p.alpha[seg.c]) / 2 },
  ]);
}

/** After evaluation: the split segments' halves, whose midpoints were appended in request order. */
function settle(p: Path): void {
  const first = p.alpha.length - 2 * p.pending.length;
  p.pending.forEach((seg, j) => {
    addSegment(p, seg.a, first + 2 * j, seg.m);
    addSegment(p, seg.m, first + 2 * j + 1, seg.c);
  });
  p.pending = [];
}

/** Sums the segments into attributions (original units) and measures completeness. */
function finish(p: Path, network: Network, unit: number, tolerance: number): RowAttribution {
  const I = p.delta.length;
  const attributions = new Float64Array(I);
  for (const seg of [...p.segments].sort((s, t) => p.alpha[s.a] - p.alpha[t.a])) {
    const part = simpson(p, seg.a, seg.m, seg.c);
    for (let i = 0; i < I; i++) attributions[i] += part[i];
  }
  const sc = network.scaling;
  const scale = sc?.targetStd?.[unit] ?? 1;
  const shift = sc?.targetMean?.[unit] ?? 0;
  for (let i = 0; i < I; i++) attributions[i] *= scale;
  const last = INITIAL_SEGMENTS * 2;
  const value = p.f[last] * scale + shift;
  const baselineValue = p.f[0] * scale + shift;
  const completenessError = Math.abs(sum(attributions) - (value - baselineValue));
  const converged = completenessError <= scale * p.budget;
  return { attributions, value, baselineValue, completenessError, steps: p.alpha.length, converged };
}

/** x [N×I] in original units → the network's scaled space (a copy when scaling applies). */
export function toScaled(network: Network, x: Matrix): Matrix & { data: Float64Array } {
  const sc = network.scaling;
  const out = { rows: x.rows, cols: x.cols, data: new Float64Array(x.rows * x.cols) };
  for (let r = 0; r < x.rows; r++) {
    for (let c = 0; c < x.cols; c++) {
      const v = x.data[r * x.cols + c];
      out.data[r * x.cols + c] = sc ? (v - sc.inputMean[c]) / sc.inputStd[c] : v;
    }
  }
  return out;
}
