// The doctor's probes: short full-batch training runs and forward/backward statistics, always on
// the caller's network, whose parameters are saved before and restored bit for bit after each probe
// (so they work for user-written layers too, which clone() cannot copy). With the run's row weights
// (w[rows]: sampleWeight × classWeight, as fit weighs the loss) every probe trains on and reports the
// weighted loss; without them, the plain mean.

import { DivergenceError } from '../errors.js';
import type { Matrix } from '../matrix.js';
import { gatherRows, zeros } from '../matrix.js';
import { Dense } from '../nn/dense.js';
import { getActivation, type ActivationSpec } from '../nn/activations.js';
import type { Layer } from '../nn/layer.js';
import type { Regularizer } from '../nn/regularizers.js';
import { Network } from '../nn/network.js';
import { getOptimizer, type Optimizer, type OptimizerName } from '../optim/index.js';
import { Random } from '../random.js';
import { TrainingRun } from '../train/run.js';

/** The loss curve of one short training run. */
export interface Probe {
  rate: number;
  steps: number;
  /** cost (data + penalties) before step 0 */
  initial: number;
  /** cost after the last step (NaN when diverged) */
  final: number;
  /** data loss after the last step */
  finalData: number;
  /** lowest cost seen */
  lowest: number;
  /** a non-finite cost, or one above 10⁴× the initial (no recovery from there) */
  diverged: boolean;
  /** the cost ended above where it started */
  grew: boolean;
  /** over the second half, the cost rose on more than a quarter of the steps and ended well above its low (by 1% of the start) */
  oscillating: boolean;
}

export function stable(p: Probe): boolean {
  return !p.diverged && !p.grew && !p.oscillating;
}

/** Runs `fn` with the network's parameters restored afterwards, bit for bit. */
export function preserving<T>(network: Network, fn: () => T): T {
  const saved = Float64Array.from(network.params);
  try {
    return fn();
  } finally {
    network.params.set(saved);
  }
}

export function makeOptimizer(name: OptimizerName | string, rate: number | undefined): Optimizer {
  return getOptimizer(name as OptimizerName, rate === undefined ? {} : { learningRate: rate });
}

/**
 * Trains `network` for `steps` full-batch steps at `rate` and returns the curve; the parameters are
 * left trained (wrap in `preserving` to undo). Stops early on divergence. `w`: the rows' loss weights.
 */
export function train(
  network: Network,
  x: Matrix,
  y: Matrix,
  optimizer: string,
  rate: number,
  steps: number,
  onStep?: (step: number, cost: number) => void,
  w?: Float64Array,
): Probe {
  const initial = network.computeLoss(x, y, undefined, w).total;
  let last = initial;
  let lastData = NaN;
  let lowest = initial;
  let rises = 0;
  let diverged = !Number.isFinite(initial);
  let done = 0;
  const half = Math.floor(steps / 2);
  if (!diverged) {
    // the training engine, on the data as given: full-batch steps, a cost 10⁴× the start is divergence
    const run = new TrainingRun(network, x, y, {
      optimizer: makeOptimizer(optimizer, rate),
      raw: true,
      shuffle: false,
      batchSize: x.rows,
      epochs: steps,
      maxLoss: 1e4 * initial + 1e-300,
      recordHistory: false,
      ...(w ? { sampleWeight: w } : {}),
    });
    try {
      for (let s = 0; !run.done; s++) {
        const info = run.step();
        if (!info) break;
        if (s > half && info.loss > last) rises++;
        done = s + 1;
        onStep?.(s, info.loss);
        last = info.loss;
        lastData = info.dataLoss;
        if (info.loss < lowest) lowest = info.loss;
      }
    } catch (e) {
      if (!(e instanceof DivergenceError)) throw e;
      diverged = true;
    }
  }
  if (!diverged) {
    const t = network.computeLoss(x, y, undefined, w);
    if (!Number.isFinite(t.total) || t.total > 1e4 * initial) diverged = true;
    last = t.total;
    lastData = t.data;
    if (t.total < lowest) lowest = t.total;
  }
  const grew = !diverged && last > initial;
  // rises that matter: above 1.5× the low and by more than 1% of the starting loss (Adam jitters near a minimum)
  const oscillating =
    !diverged && rises > 0.25 * (steps - half) && last > 1.5 * lowest && last - lowest > 0.01 * initial;
  return {
    rate,
    steps: done,
    initial,
    final: diverged ? NaN : last,
    finalData: diverged ? NaN : lastData,
    lowest,
    diverged,
    grew,
    oscillating,
  };
}

/** One short run from the current parameters, which are then restored (`w`: the rows' loss weights). */
export function probe(
  network: Network,
  x: Matrix,
  y: Matrix,
  optimizer: string,
  rate: number,
  steps: number,
  w?: Float64Array,
): Probe {
  return preserving(network, () => train(network, x, y, optimizer, rate, steps, undefined, w));
}

/** Learning rates on a 1-2-5 grid, 1e-9 … 10: readable values to recommend. */
export const RATE_GRID: readonly number[] = (() => {
  const g: number[] = [];
  for (let e = -9; e <= 1; e++) for (const m of [1, 2, 5]) g.push(Number((m * 10 ** e).toPrecision(1)));
  return g.filter((r) => r <= 10);
})();

export interface RateScan {
  probes: Probe[];
  /** lowest final cost among the stable probes (undefined when none is stable) */
  best?: Probe;
  /** the rate to recommend: the grid value below the best one */
  recommended?: number;
}

/**
 * Tries a range of learning rates: every decade from 1e-5 to 10, then the 1-2-5 neighbours of the
 * best decade. Gradient descent is stable only below about 2/curvature (the sharpest direction of
 * the loss); the fastest short run sits just below that edge, and as the curvature tends to grow
 * during training ("progressive sharpening", Cohen et al. 2021) we recommend one grid step below the
 * best rate (a factor 2–2.5): on the seed's x² problem the best 200-step rate, 0.1, stalls near
 * 1e-5 over 50,000 steps while 0.05 gets below it.
 */
export function scanRates(
  network: Network,
  x: Matrix,
  y: Matrix,
  optimizer: string,
  steps: number,
  w?: Float64Array,
): RateScan {
  const byRate = new Map<number, Probe>();
  const run = (r: number) => {
    let p = byRate.get(r);
    if (!p) byRate.set(r, (p = probe(network, x, y, optimizer, r, steps, w)));
    return p;
  };
  // the decades (1e-5, 1e-4, …, 10), climbing until two in a row are unstable
  const decades = RATE_GRID.filter(
    (r) => r >= 1e-5 && Math.abs(Math.log10(r) - Math.round(Math.log10(r))) < 1e-9,
  );
  let unstableRun = 0;
  for (const r of decades) {
    unstableRun = stable(run(r)) ? 0 : unstableRun + 1;
    if (unstableRun >= 2) break;
  }
  // nothing stable from 1e-5 up (huge inputs or targets): go down, decade by decade, to 1e-9
  if (![...byRate.values()].some(stable)) {
    for (const r of RATE_GRID.filter(
      (q) => q < 1e-5 && decades.length && Math.abs(Math.log10(q) - Math.round(Math.log10(q))) < 1e-9,
    ).reverse()) {
      if (stable(run(r))) break;
    }
  }
  const pickBest = () => {
    let best: Probe | undefined;
    for (const p of byRate.values()) if (stable(p) && (!best || p.final < best.final)) best = p;
    return best;
  };
  let best = pickBest();
  if (best) {
    const i = RATE_GRID.indexOf(best.rate);
    for (const j of [i - 2, i - 1, i + 1, i + 2]) if (j >= 0 && j < RATE_GRID.length) run(RATE_GRID[j]);
    best = pickBest() ?? best;
  }
  let recommended: number | undefined;
  if (best) {
    const i = RATE_GRID.indexOf(best.rate);
    recommended = i > 0 ? RATE_GRID[i - 1] : best.rate;
  }
  const probes = [...byRate.values()].sort((a, b) => a.rate - b.rate);
  return { probes, best, recommended };
}

/** A seeded subset of at most `max` rows (all rows, in order, when there are fewer), weights `w` following their rows. */
export function subsample(
  x: Matrix,
  y: Matrix,
  max: number,
  seed: number,
  w?: Float64Array,
): { x: Matrix; y: Matrix; w?: Float64Array } {
  if (x.rows <= max) return { x, y, ...(w ? { w } : {}) };
  const idx = Array.from({ length: x.rows }, (_, i) => i);
  new Random(seed).shuffle(idx);
  const pick = idx.slice(0, max).sort((a, b) => a - b);
  return {
    x: gatherRows(zeros(max, x.cols), x, pick),
    y: gatherRows(zeros(max, y.cols), y, pick),
    ...(w ? { w: Float64Array.from(pick, (r) => w[r]) } : {}),
  };
}

/** Whether every layer is a Dense layer, so the network can be rebuilt with other activations. */
export function allDense(network: Network): boolean {
  return network.layers.every((l) => l instanceof Dense);
}

/**
 * The same network (same weights, loss and penalties) with some layers' activations replaced;
 * `activations[i]` undefined keeps layer i's. Dense layers only.
 */
export function withActivations(
  network: Network,
  activations: (ActivationSpec | undefined)[],
  loss = network.loss,
  regularizers: readonly Regularizer[] = network.regularizers,
): Network {
  const random = new Random(0);
  const layers: Layer[] = network.layers.map((l, i) => {
    const d = l as Dense;
    return new Dense(d.inputSize, d.outputSize, random, {
      activation: activations[i] ?? d.activation.spec,
      init: 'zeros',
      dtype: network.dtype,
    });
  });
  const net = new Network({ layers, loss, regularizers, dtype: network.dtype, onWarning: () => {} });
  net.params.set(network.params);
  return net;
}

/**
 * Runs fn on a network made of the SAME layer objects (any layer type) with other penalties, then
 * points the layers' parameters back into the original network's buffers. The parameters the
 * temporary network trained are discarded; the original's are untouched.
 */
export function withPenalties<T>(
  network: Network,
  regularizers: readonly Regularizer[],
  fn: (net: Network) => T,
): T {
  const temp = new Network({
    layers: network.layers as Layer[],
    loss: network.loss,
    regularizers,
    dtype: network.dtype,
    onWarning: () => {},
  });
  try {
    return fn(temp);
  } finally {
    for (const ref of network.parameterRefs) {
      const n = ref.parameter.value.length;
      ref.parameter.value = network.params.subarray(ref.offset, ref.offset + n);
      ref.parameter.grad = network.grads.subarray(ref.offset, ref.offset + n);
    }
    temp.dispose(); // its parameter buffers (the layers are network's again)
  }
}

/** A penalty k times as strong as r (value and gradient), for "more regularization" probes. */
export function strengthen(r: Regularizer, k: number): Regularizer {
  return {
    name: r.name,
    lambda: r.lambda * k,
    kinks: r.kinks,
    penalty: (w, m) => k * r.penalty(w, m),
    addGradient(dWeight, weight, m) {
      const tmp = new Float64Array(dWeight.length);
      r.addGradient(tmp, weight, m);
      for (let i = 0; i < dWeight.length; i++) dWeight[i] += k * tmp[i];
    },
  };
}

/** Per-layer statistics of one forward pass. */
export interface LayerStats {
  layer: number;
  activation: string;
  units: number;
  /** units whose output is exactly 0 for every example (relu family) */
  dead: number;
  /** units whose derivative is below 5% of its maximum for at least 95% of the examples */
  saturated: number;
  /** share of (example, unit) pairs whose derivative is below 5% of its maximum (tanh/sigmoid) */
  flat: number;
  /** mean over units of the output's standard deviation across examples */
  outputSpread: number;
}

/** Forward statistics of every Dense layer on x. */
export function layerStats(network: Network, x: Matrix): LayerStats[] {
  const out: LayerStats[] = [];
  let a = x;
  network.layers.forEach((layer, li) => {
    a = layer.forward(a);
    if (!(layer instanceof Dense)) return;
    const z = layer.preActivation();
    const N = z.rows;
    const O = z.cols;
    const act = layer.activation;
    const d = new Float64Array(N * O);
    const ones = new Float64Array(N * O).fill(1);
    if (act.elementwise) act.backward(d, ones, z.data, a.data, N, O);
    let maxDer = 0;
    if (act.name === 'sigmoid') maxDer = 0.25;
    else if (act.name === 'tanh') maxDer = 1;
    let dead = 0;
    let saturated = 0;
    let spread = 0;
    let flatPairs = 0;
    for (let o = 0; o < O; o++) {
      let allZero = true;
      let flat = 0;
      let mean = 0;
      for (let n = 0; n < N; n++) {
        const v = a.data[n * O + o];
        if (v !== 0) allZero = false;
        mean += v;
        if (maxDer > 0 && d[n * O + o] < 0.05 * maxDer) flat++;
      }
      mean /= N;
      let v2 = 0;
      for (let n = 0; n < N; n++) v2 += (a.data[n * O + o] - mean) ** 2;
      spread += Math.sqrt(v2 / N);
      if (act.name === 'relu' && allZero) dead++;
      if (maxDer > 0 && flat >= 0.95 * N) saturated++;
      flatPairs += flat;
    }
    const flat = flatPairs / (N * O);
    out.push({ layer: li, activation: act.name, units: O, dead, saturated, flat, outputSpread: spread / O });
  });
  return out;
}

/** Root mean square of a buffer. */
export function rms(v: ArrayLike<number>, start = 0, end = v.length): number {
  let s = 0;
  for (let i = start; i < end; i++) s += v[i] * v[i];
  return end > start ? Math.sqrt(s / (end - start)) : 0;
}

/** Per-layer RMS of the weight gradient and of the weights, after one computeGradient. */
export function gradientStats(
  network: Network,
  x: Matrix,
  y: Matrix,
): { layer: number; gradRms: number; weightRms: number }[] {
  network.computeGradient(x, y, { data: true, penalties: false });
  const res: { layer: number; gradRms: number; weightRms: number }[] = [];
  for (const ref of network.parameterRefs) {
    if (ref.parameter.name !== 'weight') continue;
    res.push({ layer: ref.layer, gradRms: rms(ref.parameter.grad), weightRms: rms(ref.parameter.value) });
  }
  return res;
}

export { getActivation };
