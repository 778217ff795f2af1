// L-BFGS (Liu & Nocedal 1989) with a line search satisfying the strong Wolfe conditions, following
// Nocedal & Wright, "Numerical Optimization" (2nd ed.): the two-loop recursion (Algorithm 7.4) with
// H₀ = γI, γ = sᵀy / yᵀy (eq. 7.20), and the line search of Algorithms 3.5 and 3.6 (zoom) with cubic
// interpolation (eq. 3.59). A full-batch method: each step() is one iteration and re-evaluates the
// cost through a closure, so fit gives it the whole training set at once.
// Defaults: memory 10 pairs (scipy's L-BFGS-B, which scikit-learn's MLP solver='lbfgs' uses;
// PyTorch keeps 100), c1 = 1e-4, c2 = 0.9 (Nocedal & Wright's choice for quasi-Newton methods),
// first trial step η·min(1, 1/‖g‖₁) on the first iteration and η afterwards (PyTorch's rule), η = 1.

import { OptionError } from '../errors.js';
import type { FloatArray } from '../kernels/index.js';
import {
  BaseOptimizer,
  positive,
  readHyperParameters,
  type LossClosure,
  type OptimizerState,
  type OptionsOf,
} from './optimizer.js';

export type LBFGSOptions = OptionsOf<typeof LBFGS.hyperParameters>;

/** A curvature pair: s = θₖ₊₁ − θₖ, y = gₖ₊₁ − gₖ, ρ = 1 / sᵀy. */
interface Pair {
  s: Float64Array;
  y: Float64Array;
  rho: number;
}

/** The buffers[P] one iteration works in, made once: the search direction, its start point and gradient. */
interface Work {
  direction: Float64Array;
  start: Float64Array;
  startGrad: Float64Array;
}

export class LBFGS extends BaseOptimizer {
  static readonly hyperParameters = {
    /** scales the first trial step of each line search; default 1 */
    learningRate: positive(1),
    /** curvature pairs kept; default 10 */
    memory: { default: 10, integer: true, min: 1 },
    /** sufficient-decrease constant c1 of the Wolfe conditions; default 1e-4 */
    c1: { default: 1e-4, min: 0, exclusiveMin: true, max: 0.5 },
    /** curvature constant c2, c1 < c2 < 1; default 0.9 */
    c2: { default: 0.9, above: 'c1', max: 0.999999 },
    /** cost evaluations allowed per line search; default 25 */
    maxEvaluations: { default: 25, integer: true, min: 1 },
    /** stop when max |gradient| falls to this; default 1e-12 */
    tolerance: { default: 1e-12, min: 0 },
  };
  override readonly name = 'lbfgs';
  readonly needsClosure = true;
  readonly memory: number;
  readonly c1: number;
  readonly c2: number;
  readonly maxEvaluations: number;
  readonly tolerance: number;
  /** cost evaluations made by the last step (1 or more) */
  lastEvaluations = 0;
  /** set when the gradient vanished or the line search found no decrease: further steps do nothing */
  converged = false;
  /** curvature pairs, oldest first */
  #pairs: Pair[] = [];
  #work: Work | null = null;
  /** the two-loop recursion's αⱼ[memory] */
  readonly #alphas: Float64Array;

  constructor(options: LBFGSOptions = {}) {
    const h = readHyperParameters(LBFGS.hyperParameters, options);
    super(h.learningRate);
    this.memory = h.memory;
    this.c1 = h.c1;
    this.c2 = h.c2;
    this.maxEvaluations = h.maxEvaluations;
    this.tolerance = h.tolerance;
    this.#alphas = new Float64Array(this.memory);
  }

  /**
   * One iteration. `grads` must hold the gradient at `params`, `loss` the cost there (evaluated
   * through the closure when omitted). `closure()` evaluates the cost at the current `params` and
   * writes its gradient into `grads`. On return params, grads hold the new point and its gradient.
   */
  step(params: FloatArray, grads: FloatArray, closure?: LossClosure, loss?: number): void {
    if (!closure)
      throw new OptionError(
        'lbfgs needs a closure that evaluates the full-batch cost and gradient (fit provides it)',
        'optimizer',
      );
    this.lastEvaluations = 0;
    if (this.converged) return;
    let f0 = loss;
    if (f0 === undefined) {
      f0 = closure();
      this.lastEvaluations++;
    }
    const { direction, start, startGrad } = this.#workBuffers(params.length);
    if (maxAbs(grads) <= this.tolerance) {
      this.converged = true;
      return;
    }
    start.set(params);
    startGrad.set(grads);
    const slope = this.#descentDirection(direction, startGrad); // φ'(0)
    const search = new LineSearch(params, grads, start, direction, closure, f0, slope, this);
    const { alpha, value } = search.run(this.#firstTrialStep(startGrad));
    this.lastEvaluations += search.evaluations;
    if (alpha === 0 || !(value < f0)) {
      // no decrease found: stay at the start point, which is (numerically) a minimum along d
      params.set(start);
      grads.set(startGrad);
      this.converged = true;
      return;
    }
    this.#remember(params, grads, start, startGrad);
    this.stepCount++;
  }

  #workBuffers(n: number): Work {
    if (this.#work === null || this.#work.direction.length !== n) {
      this.#work = {
        direction: new Float64Array(n),
        start: new Float64Array(n),
        startGrad: new Float64Array(n),
      };
    }
    return this.#work;
  }

  /** d = −H·g by the two-loop recursion, or −g when that is not downhill; returns the slope gᵀd. */
  #descentDirection(d: Float64Array, g: Float64Array): number {
    this.#twoLoop(d, g);
    const slope = dot(g, d);
    if (slope < 0) return slope;
    // not a descent direction (numerical trouble): forget the pairs and go downhill
    this.#pairs = [];
    for (let i = 0; i < d.length; i++) d[i] = -g[i];
    return dot(g, d);
  }

  /** d = −H·g (Nocedal & Wright, Algorithm 7.4). */
  #twoLoop(d: Float64Array, g: Float64Array): void {
    const pairs = this.#pairs;
    const k = pairs.length;
    const n = d.length;
    for (let i = 0; i < n; i++) d[i] = -g[i];
    if (k === 0) return;
    for (let j = k - 1; j >= 0; j--) {
      const a = pairs[j].rho * dot(pairs[j].s, d);
      this.#alphas[j] = a;
      const y = pairs[j].y;
      for (let i = 0; i < n; i++) d[i] -= a * y[i];
    }
    const last = pairs[k - 1];
    const gamma = dot(last.s, last.y) / dot(last.y, last.y);
    for (let i = 0; i < n; i++) d[i] *= gamma;
    for (let j = 0; j < k; j++) {
      const b = pairs[j].rho * dot(pairs[j].y, d);
      const s = pairs[j].s;
      const c = this.#alphas[j] - b;
      for (let i = 0; i < n; i++) d[i] += c * s[i];
    }
  }

  /** η, scaled by min(1, 1/‖g‖₁) on the very first iteration (PyTorch's rule). */
  #firstTrialStep(g: Float64Array): number {
    let first = this.learningRate;
    if (this.#pairs.length === 0 && this.stepCount === 0) {
      let g1 = 0;
      for (let i = 0; i < g.length; i++) g1 += Math.abs(g[i]);
      first *= Math.min(1, 1 / g1);
    }
    return first;
  }

  /**
   * Keeps the new curvature pair s = θ₁ − θ₀, y = g₁ − g₀ when sᵀy > 0 (which keeps H positive
   * definite). Buffers are recycled from the oldest pair once memory is full.
   */
  #remember(params: FloatArray, grads: FloatArray, x0: Float64Array, g0: Float64Array): void {
    const n = params.length;
    let sy = 0;
    let ss = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      const si = params[i] - x0[i];
      const yi = grads[i] - g0[i];
      sy += si * yi;
      ss += si * si;
      yy += yi * yi;
    }
    if (!(sy > 1e-10 * Math.sqrt(ss * yy))) return;
    const oldest = this.#pairs.length === this.memory ? this.#pairs.shift() : undefined;
    const s = oldest?.s ?? new Float64Array(n);
    const y = oldest?.y ?? new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = params[i] - x0[i];
      y[i] = grads[i] - g0[i];
    }
    this.#pairs.push({ s, y, rho: 1 / sy });
  }

  override reset(): void {
    super.reset();
    this.#pairs = [];
    this.converged = false;
  }

  override state(): OptimizerState {
    const { s, y } = flatPairs(this.#pairs);
    return {
      ...super.state(),
      buffers: { s, y },
      extra: { pairs: this.#pairs.length, converged: this.converged },
    };
  }

  override setState(state: OptimizerState): void {
    super.setState(state);
    this.#pairs = pairsFromState(state, this.memory);
    this.converged = state.extra?.converged === true;
  }
}

/** The pairs' s and y vectors, each concatenated oldest first (as state() writes them). */
function flatPairs(pairs: Pair[]): { s: number[]; y: number[] } {
  return { s: pairs.flatMap((p) => Array.from(p.s)), y: pairs.flatMap((p) => Array.from(p.y)) };
}

/** The curvature pairs of a state written by state(), checked. */
function pairsFromState(state: OptimizerState, memory: number): Pair[] {
  const count = Number(state.extra?.pairs ?? 0);
  const s = state.buffers.s ?? [];
  const y = state.buffers.y ?? [];
  if (
    !Number.isInteger(count) ||
    count < 0 ||
    count > memory ||
    s.length !== y.length ||
    (count > 0 && s.length % count !== 0)
  ) {
    throw new OptionError(
      `lbfgs state holds ${count} pairs in ${s.length} and ${y.length} values: not a state written by state()`,
      'optimizerState',
    );
  }
  const n = count > 0 ? s.length / count : 0;
  const pairs: Pair[] = [];
  for (let j = 0; j < count; j++) {
    const sj = Float64Array.from(s.slice(j * n, (j + 1) * n));
    const yj = Float64Array.from(y.slice(j * n, (j + 1) * n));
    pairs.push({ s: sj, y: yj, rho: 1 / dot(sj, yj) });
  }
  return pairs;
}

/** A point on the search line: the step α, the cost φ(α) there and the slope φ'(α). */
interface Trial {
  alpha: number;
  f: number;
  df: number;
}

/** The settings a line search reads from its optimizer. */
interface Wolfe {
  readonly c1: number;
  readonly c2: number;
  readonly maxEvaluations: number;
}

/**
 * Strong Wolfe line search along `direction` from `start` (Algorithm 3.5 with zoom, 3.6):
 * φ(α) ≤ φ(0) + c1·α·φ'(0) and |φ'(α)| ≤ c2·|φ'(0)|. Leaves params, grads at the accepted point.
 */
class LineSearch {
  /** cost evaluations made so far */
  evaluations = 0;
  /** the α whose point params / grads hold */
  #at = NaN;
  readonly #params: FloatArray;
  readonly #grads: FloatArray;
  readonly #start: Float64Array;
  readonly #direction: Float64Array;
  readonly #closure: LossClosure;
  readonly #f0: number;
  readonly #slope0: number;
  readonly #wolfe: Wolfe;

  constructor(
    params: FloatArray,
    grads: FloatArray,
    start: Float64Array,
    direction: Float64Array,
    closure: LossClosure,
    /** φ(0) */
    f0: number,
    /** φ'(0) < 0 */
    slope0: number,
    wolfe: Wolfe,
  ) {
    this.#params = params;
    this.#grads = grads;
    this.#start = start;
    this.#direction = direction;
    this.#closure = closure;
    this.#f0 = f0;
    this.#slope0 = slope0;
    this.#wolfe = wolfe;
  }

  /** Searches from the trial step `first`, doubling it until the minimum is bracketed, then zooms. */
  run(first: number): { alpha: number; value: number } {
    let prev: Trial = { alpha: 0, f: this.#f0, df: this.#slope0 };
    let alpha = first;
    for (let i = 1; this.evaluations < this.#wolfe.maxEvaluations; i++) {
      const t = this.#phi(alpha);
      if (!this.#sufficientDecrease(t) || (i > 1 && t.f >= prev.f)) {
        const hi = { alpha, f: finiteOr(t.f, Infinity), df: finiteOr(t.df, Infinity) };
        return this.#zoom(prev, hi);
      }
      if (this.#curvature(t)) return this.#finish(t);
      if (t.df >= 0) return this.#zoom(t, prev);
      prev = t;
      alpha *= 2; // extrapolate
    }
    return this.#finish(prev);
  }

  /** Narrows [lo, hi], which brackets a point satisfying both conditions (Algorithm 3.6). */
  #zoom(lo: Trial, hi: Trial): { alpha: number; value: number } {
    while (this.evaluations < this.#wolfe.maxEvaluations) {
      let a = cubicMinimum(lo.alpha, lo.f, lo.df, hi.alpha, hi.f, hi.df);
      const left = Math.min(lo.alpha, hi.alpha);
      const width = Math.abs(hi.alpha - lo.alpha);
      if (!(a > left + 0.1 * width && a < left + 0.9 * width)) a = (lo.alpha + hi.alpha) / 2;
      if (width < 1e-16 * Math.max(1, Math.abs(lo.alpha))) break;
      const t = this.#phi(a);
      if (!this.#sufficientDecrease(t) || t.f >= lo.f) {
        hi = t;
      } else {
        if (this.#curvature(t)) return this.#finish(t);
        if (t.df * (hi.alpha - lo.alpha) >= 0) hi = lo;
        lo = t;
      }
    }
    return this.#finish(lo); // best point found: satisfies sufficient decrease (or α = 0)
  }

  /** φ(α) finite and ≤ φ(0) + c1·α·φ'(0) (Armijo). */
  #sufficientDecrease(t: Trial): boolean {
    return Number.isFinite(t.f) && !(t.f > this.#f0 + this.#wolfe.c1 * t.alpha * this.#slope0);
  }

  /** |φ'(α)| ≤ c2·|φ'(0)|. */
  #curvature(t: Trial): boolean {
    return Math.abs(t.df) <= -this.#wolfe.c2 * this.#slope0;
  }

  /** Moves params to start + α·direction and evaluates the cost there (the closure fills grads). */
  #phi(alpha: number): Trial {
    const params = this.#params;
    const start = this.#start;
    const direction = this.#direction;
    for (let i = 0; i < params.length; i++) params[i] = start[i] + alpha * direction[i];
    const f = this.#closure();
    this.evaluations++;
    this.#at = alpha;
    return { alpha, f, df: dot(this.#grads, direction) };
  }

  /** The accepted step, with params / grads moved there (α = 0: the caller restores the start). */
  #finish(t: Trial): { alpha: number; value: number } {
    if (this.#at !== t.alpha) {
      if (t.alpha === 0) this.#at = 0;
      else this.#phi(t.alpha);
    }
    return { alpha: t.alpha, value: t.f };
  }
}

function finiteOr(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}

function maxAbs(a: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  return max;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** The minimizer of the cubic through (a, fa, da), (b, fb, db) (Nocedal & Wright eq. 3.59); NaN if none. */
function cubicMinimum(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  if (!Number.isFinite(fb) || !Number.isFinite(db)) return NaN;
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (disc < 0) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}
