// L-BFGS (Liu & Nocedal 1989) with a line search satisfying the strong Wolfe conditions, following
// Nocedal & Wright, "Numerical Optimization" (2nd ed.): the two-loop recursion (Algorithm 7.4) with
// H₀ = γI, γ = sᵀy / yᵀy (eq. 7.20), and the line search of Algorithms 3.5 and 3.6 (zoom) with cubic
// interpolation (eq. 3.59). A full-batch method: each step() is one iteration and re-evaluates the
// cost through a closure, so fit gives it the whole training set at once.
// Defaults: memory 10 pairs (scipy's L-BFGS-B, which scikit-learn's MLP solver='lbfgs' uses;
// PyTorch keeps 100), c1 = 1e-4, c2 = 0.9 (Nocedal & Wright's choice for quasi-Newton methods),
// first trial step η·min(1, 1/‖g‖₁) on the first iteration and η afterwards (PyTorch's rule), η = 1.

import { OptionError, checkNumber } from '../errors.js';
import type { FloatArray } from '../kernels/index.js';
import { checkState, type LossClosure, type Optimizer, type OptimizerState } from './optimizer.js';

export interface LBFGSOptions {
  /** scales the first trial step of each line search; default 1 */
  learningRate?: number;
  /** curvature pairs kept; default 10 */
  memory?: number;
  /** sufficient-decrease constant c1 of the Wolfe conditions; default 1e-4 */
  c1?: number;
  /** curvature constant c2, c1 < c2 < 1; default 0.9 */
  c2?: number;
  /** cost evaluations allowed per line search; default 25 */
  maxEvaluations?: number;
  /** stop when max |gradient| falls to this; default 1e-12 */
  tolerance?: number;
}

export class LBFGS implements Optimizer {
  readonly name = 'lbfgs';
  readonly needsClosure = true;
  learningRate: number;
  readonly memory: number;
  readonly c1: number;
  readonly c2: number;
  readonly maxEvaluations: number;
  readonly tolerance: number;
  stepCount = 0;
  /** cost evaluations made by the last step (1 or more) */
  lastEvaluations = 0;
  /** set when the gradient vanished or the line search found no decrease: further steps do nothing */
  converged = false;
  // curvature pairs, oldest first: s = θₖ₊₁ − θₖ, y = gₖ₊₁ − gₖ, ρ = 1 / sᵀy
  private s: Float64Array[] = [];
  private y: Float64Array[] = [];
  private rho: number[] = [];
  // work buffers [P], made once
  private direction: Float64Array | null = null;
  private start: Float64Array | null = null;
  private startGrad: Float64Array | null = null;
  private alphas: Float64Array;

  constructor(options: LBFGSOptions = {}) {
    this.learningRate = checkNumber('learningRate', options.learningRate ?? 1, {
      min: 0,
      exclusiveMin: true,
    });
    this.memory = checkNumber('memory', options.memory ?? 10, { integer: true, min: 1 });
    this.c1 = checkNumber('c1', options.c1 ?? 1e-4, { min: 0, exclusiveMin: true, max: 0.5 });
    this.c2 = checkNumber('c2', options.c2 ?? 0.9, { min: this.c1, exclusiveMin: true, max: 0.999999 });
    this.maxEvaluations = checkNumber('maxEvaluations', options.maxEvaluations ?? 25, {
      integer: true,
      min: 1,
    });
    this.tolerance = checkNumber('tolerance', options.tolerance ?? 1e-12, { min: 0 });
    this.alphas = new Float64Array(this.memory);
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
    const n = params.length;
    this.lastEvaluations = 0;
    if (this.converged) return;
    let f0 = loss;
    if (f0 === undefined) {
      f0 = closure();
      this.lastEvaluations++;
    }
    if (this.direction === null || this.direction.length !== n) {
      this.direction = new Float64Array(n);
      this.start = new Float64Array(n);
      this.startGrad = new Float64Array(n);
    }
    const d = this.direction;
    const x0 = this.start!;
    const g0 = this.startGrad!;
    let gMax = 0;
    for (let i = 0; i < n; i++) gMax = Math.max(gMax, Math.abs(grads[i]));
    if (gMax <= this.tolerance) {
      this.converged = true;
      return;
    }
    x0.set(params);
    g0.set(grads);
    this.twoLoop(d, g0);
    let slope = dot(g0, d); // φ'(0)
    if (!(slope < 0)) {
      // not a descent direction (numerical trouble): forget the pairs and go downhill
      this.s = [];
      this.y = [];
      this.rho = [];
      for (let i = 0; i < n; i++) d[i] = -g0[i];
      slope = dot(g0, d);
    }
    let first = this.learningRate;
    if (this.s.length === 0 && this.stepCount === 0) {
      let g1 = 0;
      for (let i = 0; i < n; i++) g1 += Math.abs(g0[i]);
      first *= Math.min(1, 1 / g1);
    }
    const { alpha, value } = this.lineSearch(params, grads, closure, f0, slope, first);
    if (alpha === 0 || !(value < f0)) {
      // no decrease found: stay at the start point, which is (numerically) a minimum along d
      params.set(x0);
      grads.set(g0);
      this.converged = true;
      return;
    }
    // new curvature pair: s = θ₁ − θ₀, y = g₁ − g₀; kept only when sᵀy > 0 (keeps H positive
    // definite). Buffers are recycled from the oldest pair once memory is full.
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
    if (sy > 1e-10 * Math.sqrt(ss * yy)) {
      const full = this.s.length === this.memory;
      const sNew = full ? this.s.shift()! : new Float64Array(n);
      const yNew = full ? this.y.shift()! : new Float64Array(n);
      if (full) this.rho.shift();
      for (let i = 0; i < n; i++) {
        sNew[i] = params[i] - x0[i];
        yNew[i] = grads[i] - g0[i];
      }
      this.s.push(sNew);
      this.y.push(yNew);
      this.rho.push(1 / sy);
    }
    this.stepCount++;
  }

  /** d = −H·g by the two-loop recursion (Nocedal & Wright, Algorithm 7.4). */
  private twoLoop(d: Float64Array, g: Float64Array): void {
    const k = this.s.length;
    const n = d.length;
    for (let i = 0; i < n; i++) d[i] = -g[i];
    if (k === 0) return;
    for (let j = k - 1; j >= 0; j--) {
      const a = this.rho[j] * dot(this.s[j], d);
      this.alphas[j] = a;
      const y = this.y[j];
      for (let i = 0; i < n; i++) d[i] -= a * y[i];
    }
    const sLast = this.s[k - 1];
    const yLast = this.y[k - 1];
    const gamma = dot(sLast, yLast) / dot(yLast, yLast);
    for (let i = 0; i < n; i++) d[i] *= gamma;
    for (let j = 0; j < k; j++) {
      const b = this.rho[j] * dot(this.y[j], d);
      const s = this.s[j];
      const c = this.alphas[j] - b;
      for (let i = 0; i < n; i++) d[i] += c * s[i];
    }
  }

  /**
   * Strong Wolfe line search along `direction` from `start` (Algorithm 3.5 with zoom, 3.6):
   * φ(α) ≤ φ(0) + c1·α·φ'(0) and |φ'(α)| ≤ c2·|φ'(0)|. Leaves params, grads at the accepted point.
   */
  private lineSearch(
    params: FloatArray,
    grads: FloatArray,
    closure: LossClosure,
    f0: number,
    slope0: number,
    first: number,
  ): { alpha: number; value: number } {
    const d = this.direction!;
    const x0 = this.start!;
    const { c1, c2 } = this;
    let evaluations = 0;
    let at = NaN; // the α whose point params/grads hold
    const phi = (alpha: number): { f: number; df: number } => {
      for (let i = 0; i < params.length; i++) params[i] = x0[i] + alpha * d[i];
      const f = closure();
      evaluations++;
      this.lastEvaluations++;
      at = alpha;
      return { f, df: dot(grads, d) };
    };
    const finish = (alpha: number, value: number) => {
      if (at !== alpha) {
        if (alpha === 0) {
          at = 0; // caller restores the start point
        } else {
          phi(alpha);
        }
      }
      return { alpha, value };
    };
    const zoom = (lo: number, fLo: number, dLo: number, hi: number, fHi: number, dHi: number) => {
      while (evaluations < this.maxEvaluations) {
        let a = cubicMinimum(lo, fLo, dLo, hi, fHi, dHi);
        const left = Math.min(lo, hi);
        const width = Math.abs(hi - lo);
        if (!(a > left + 0.1 * width && a < left + 0.9 * width)) a = (lo + hi) / 2;
        if (width < 1e-16 * Math.max(1, Math.abs(lo))) break;
        const { f, df } = phi(a);
        if (!Number.isFinite(f) || f > f0 + c1 * a * slope0 || f >= fLo) {
          hi = a;
          fHi = f;
          dHi = df;
        } else {
          if (Math.abs(df) <= -c2 * slope0) return finish(a, f);
          if (df * (hi - lo) >= 0) {
            hi = lo;
            fHi = fLo;
            dHi = dLo;
          }
          lo = a;
          fLo = f;
          dLo = df;
        }
      }
      return finish(lo, fLo); // best point found: satisfies sufficient decrease (or α = 0)
    };
    let prev = 0;
    let fPrev = f0;
    let dPrev = slope0;
    let alpha = first;
    for (let i = 1; evaluations < this.maxEvaluations; i++) {
      const { f, df } = phi(alpha);
      if (!Number.isFinite(f) || f > f0 + c1 * alpha * slope0 || (i > 1 && f >= fPrev)) {
        return zoom(
          prev,
          fPrev,
          dPrev,
          alpha,
          Number.isFinite(f) ? f : Infinity,
          Number.isFinite(df) ? df : Infinity,
        );
      }
      if (Math.abs(df) <= -c2 * slope0) return finish(alpha, f);
      if (df >= 0) return zoom(alpha, f, df, prev, fPrev, dPrev);
      prev = alpha;
      fPrev = f;
      dPrev = df;
      alpha *= 2; // extrapolate
    }
    return finish(prev, fPrev);
  }

  reset(): void {
    this.s = [];
    this.y = [];
    this.rho = [];
    this.stepCount = 0;
    this.converged = false;
  }

  state(): OptimizerState {
    return {
      name: this.name,
      step: this.stepCount,
      learningRate: this.learningRate,
      buffers: { s: this.s.flatMap((v) => Array.from(v)), y: this.y.flatMap((v) => Array.from(v)) },
      extra: { pairs: this.s.length, converged: this.converged },
    };
  }

  setState(state: OptimizerState): void {
    this.stepCount = checkState(state, this.name).step;
    this.learningRate = state.learningRate;
    const pairs = Number(state.extra?.pairs ?? 0);
    const s = state.buffers.s ?? [];
    const y = state.buffers.y ?? [];
    if (
      !Number.isInteger(pairs) ||
      pairs < 0 ||
      pairs > this.memory ||
      s.length !== y.length ||
      (pairs > 0 && s.length % pairs !== 0)
    ) {
      throw new OptionError(
        `lbfgs state holds ${pairs} pairs in ${s.length} and ${y.length} values: not a state written by state()`,
        'optimizerState',
      );
    }
    const n = pairs > 0 ? s.length / pairs : 0;
    this.s = [];
    this.y = [];
    this.rho = [];
    for (let j = 0; j < pairs; j++) {
      this.s.push(Float64Array.from(s.slice(j * n, (j + 1) * n)));
      this.y.push(Float64Array.from(y.slice(j * n, (j + 1) * n)));
      this.rho.push(1 / dot(this.s[j], this.y[j]));
    }
    this.converged = state.extra?.converged === true;
  }
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
