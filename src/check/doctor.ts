// The doctor: why is my network not learning? `diagnose` runs quick probes — short full-batch
// training runs from the network's current weights (restored afterwards), forward/backward
// statistics, a gradient check for user-written parts — and returns findings, most important
// first, each with the numbers it saw and the fix as CLI flags and as library options.
// It is not a guarantee: a rule only fires on evidence, and a clean report means none was found.
//
// Rule ids (issue 7's numbering): 1 output-activation · 2 loss-task · 3 learning-rate ·
// 4 dead-units, saturated-units, constant-output · 5 vanishing-gradients, exploding-gradients (with
// update/weight ratios in learning-rate) · 6 unscaled-inputs, unscaled-targets · 7 initialization ·
// 8 baseline-loss, underfitting, overfitting, regularization · 9 gradient-check · 10 data-nan,
// constant-features, conflicting-duplicates, class-imbalance, too-few-examples · sanity suite:
// sanity-initial-loss, sanity-overfit, sanity-regularization.

import { OptionError, ShapeError, checkNumber } from '../errors.js';
import { isMatrix, toMatrix, zeros, type Matrix, type MatrixLike } from '../matrix.js';
import { Dense } from '../nn/dense.js';
import { getLoss } from '../nn/losses.js';
import { l2, type Regularizer } from '../nn/regularizers.js';
import { Network } from '../nn/network.js';
import { defaultBatchSize, fitDefaults } from '../train/fit-options.js';
import { gradCheck } from './gradcheck.js';
import {
  badRows,
  baselineLoss,
  columnStats,
  dataFindings,
  dropRows,
  standardizeCopy,
  targetInfo,
} from './doctor-data.js';
import {
  allDense,
  gradientStats,
  makeOptimizer,
  strengthen,
  withPenalties,
  layerStats,
  preserving,
  probe,
  rms,
  scanRates,
  stable,
  subsample,
  train,
  withActivations,
  type Probe,
  type RateScan,
} from './doctor-probe.js';
import {
  baselineFinding,
  flatRegion,
  gradientFinding,
  type OutputRun,
  initializationFinding,
  learningRateFinding,
  lossTaskFinding,
  outputCounterfactualFinding,
  outputName,
  outputRangeFinding,
  unitFindings,
} from './doctor-rules.js';
import { flagValue, fmt, pct, sortFindings, type DoctorReport, type Finding } from './doctor-types.js';

export { type DoctorReport, type Finding, type Severity } from './doctor-types.js';

export interface DoctorData {
  x: MatrixLike;
  y: MatrixLike;
}

export interface DoctorOptions {
  /** The optimizer training will use (default 'sgd'); probes use it too. */
  optimizer?: string;
  /** The learning rate training will use (default 0.01, fit's default for sgd). */
  learningRate?: number;
  /** Epochs training will run (default 1000). */
  epochs?: number;
  /** Examples per step (default: all rows up to 1024, else 32); probes are full-batch. */
  batchSize?: number;
  /**
   * Whether training standardizes inputs and regression targets (default false: the doctor looks
   * at the data as given). With true the doctor standardizes them the same way before probing.
   */
  scale?: boolean;
  /** Held-out data: enables the overfitting probe. */
  validation?: DoctorData;
  /** The loss history of a finished run (per epoch), to judge overfitting from. */
  history?: { loss: number[]; validationLoss?: number[] };
  /** The network has been trained (a model file): skip the initialization-scale rule. Default false. */
  trained?: boolean;
  /** Steps per probe run (default 200). */
  probeSteps?: number;
  /** Probes use at most this many rows, a seeded sample (default 256). */
  maxProbeRows?: number;
  /** Gradient check: 'auto' (default) checks only networks with a user-written layer, loss or penalty. */
  gradCheck?: boolean | 'auto';
  /** Run the sanity suite (default true). */
  sanity?: boolean;
  /** Seed of the samples (default 0). */
  seed?: number;
}

interface Resolved {
  optimizer: string;
  /** the optimizer probes use: L-BFGS needs a closure and searches its own step, so its probes use Adam */
  probe: string;
  learningRate: number;
  epochs: number;
  batchSize: number;
  scale: boolean;
  steps: number;
  maxRows: number;
  seed: number;
}

function resolve(o: DoctorOptions, rows: number): Resolved {
  if (o === null || typeof o !== 'object')
    throw new OptionError(
      `doctor options must be an object, got ${o === null ? 'null' : typeof o}`,
      'options',
    );
  const optimizer = o.optimizer ?? 'sgd';
  if (typeof optimizer !== 'string')
    throw new OptionError(`optimizer must be a name, got ${typeof optimizer}`, 'optimizer');
  return {
    optimizer,
    probe: optimizer === 'lbfgs' ? 'adam' : optimizer,
    // the optimizer's own default rate when none is given
    learningRate: checkNumber(
      'learningRate',
      o.learningRate ?? makeOptimizer(optimizer, undefined).learningRate,
      { min: 0, exclusiveMin: true },
    ),
    epochs: checkNumber('epochs', o.epochs ?? fitDefaults.fullBatchEpochs, { integer: true, min: 1 }),
    batchSize: checkNumber('batchSize', o.batchSize ?? defaultBatchSize(rows), { integer: true, min: 1 }),
    scale: o.scale ?? false,
    steps: checkNumber('probeSteps', o.probeSteps ?? 200, { integer: true, min: 10 }),
    maxRows: checkNumber('maxProbeRows', o.maxProbeRows ?? 256, { integer: true, min: 8 }),
    seed: checkNumber('seed', o.seed ?? 0, { integer: true, min: 0 }),
  };
}

function isDataObject(v: unknown): v is DoctorData {
  return typeof v === 'object' && v !== null && !isMatrix(v) && !Array.isArray(v) && 'x' in v && 'y' in v;
}

/**
 * Diagnoses `network` on data x, y. Two call forms:
 *   diagnose(network, { x, y }, options)   — as issue 7 writes it
 *   diagnose(network, x, y, options)
 * x, y: Matrix or arrays of rows, as for fit. Rows holding NaN/Infinity are reported (rule
 * `data-nan`) and left out of the probes. The network's parameters are unchanged on return.
 */
export function diagnose(network: Network, data: DoctorData, options?: DoctorOptions): DoctorReport;
export function diagnose(
  network: Network,
  x: MatrixLike,
  y: MatrixLike,
  options?: DoctorOptions,
): DoctorReport;
export function diagnose(
  network: Network,
  a: DoctorData | MatrixLike,
  b?: MatrixLike | DoctorOptions,
  c?: DoctorOptions,
): DoctorReport {
  const start = performance.now();
  if (!(network instanceof Network))
    throw new OptionError('diagnose needs a Network as its first argument', 'network');
  let rawX: MatrixLike;
  let rawY: MatrixLike;
  let options: DoctorOptions;
  if (isDataObject(a)) {
    rawX = a.x;
    rawY = a.y;
    options = (b as DoctorOptions | undefined) ?? {};
  } else {
    rawX = a as MatrixLike;
    rawY = b as MatrixLike;
    options = c ?? {};
  }
  const findings: Finding[] = [];
  let probes = 0;

  // Rule 10a: NaN / Infinity / non-numbers, before toMatrix would refuse them.
  const bx = badRows(rawX);
  const by = badRows(rawY);
  const bad = [...new Set([...(bx?.rows ?? []), ...(by?.rows ?? [])])].sort((p, q) => p - q);
  if (bad.length > 0) {
    const total = bx?.total ?? by?.total ?? 0;
    findings.push({
      rule: 'data-nan',
      severity: 'error',
      observed:
        `${bad.length} of ${total} rows hold NaN, Infinity or a non-number (${(bx?.cells ?? 0) + (by?.cells ?? 0)} cells; ` +
        `rows ${bad.slice(0, 8).join(', ')}${bad.length > 8 ? ', …' : ''})`,
      why: 'one NaN in a batch makes the loss and every gradient NaN, and the weights are lost at the first step',
      fix: '--drop-missing (or --impute mean); in code, remove or fill those rows',
      fixOptions: { dropMissing: true },
      evidence: { rows: bad.length },
    });
    if (bad.length === total) return finish(findings, network, options, 0, 0, start, undefined);
    rawX = dropRows(rawX, bad);
    rawY = dropRows(rawY, bad);
  }

  let X = toMatrix(rawX, 'x', network.inputSize);
  let Y = toMatrix(rawY, 'y', network.outputSize);
  if (X.rows !== Y.rows)
    throw new ShapeError(`x has ${X.rows} rows but y has ${Y.rows}: each example needs one target row`, 'y');
  const o = resolve(options, X.rows);
  const loss = network.loss;
  const rawStats = { x: columnStats(X), y: columnStats(Y) };
  if (o.scale) {
    X = standardizeCopy(X);
    if (loss.kind === 'regression') Y = standardizeCopy(Y);
  }
  const targets = targetInfo(Y);
  findings.push(
    ...dataFindings({ x: X, y: Y, loss, parameters: network.parameterCount, scale: o.scale }, targets),
  );

  // probes run on a seeded sample of rows
  const { x, y } = subsample(X, Y, o.maxRows, o.seed);
  const K = o.steps;

  // Rules 1 and 2 that need no training.
  const range = outputRangeFinding(network, Y, targets);
  const lossTask = lossTaskFinding(network, targets, Y);
  if (lossTask) findings.push(lossTask);

  // Rules 4, 5, 7 from one forward and one backward at the current weights.
  const stats = preserving(network, () => layerStats(network, x));
  const grads = preserving(network, () => gradientStats(network, x, y));
  const units = unitFindings(stats, network);
  const init = initializationFinding(network, stats, options.trained ?? false);
  if (init) findings.push(init);
  const gradient = gradientFinding(grads, network);
  const unscaled = findings.find((f) => f.rule === 'unscaled-inputs');
  if (gradient && unscaled) {
    // huge inputs make huge first-layer gradients: scaling is the cure, not the initialization
    gradient.fix = unscaled.fix;
    gradient.fixOptions = unscaled.fixOptions;
  }
  if (gradient) findings.push(gradient);
  for (const u of units) {
    if (u.rule === 'saturated-units') {
      const xs = columnStats(X);
      const large = xs.mean.some((m, i) => Math.sqrt(m * m + xs.std[i] ** 2) > 5);
      if (!o.scale && large) {
        u.fix = 'turn scaling on (drop --no-scale; library: fit option scale: true)';
        u.fixOptions = { scale: true };
      } else if (init) {
        u.fix = init.fix;
        u.fixOptions = init.fixOptions;
      } else {
        u.fix = '--activation relu';
        u.fixOptions = { activation: 'relu' };
      }
    }
    findings.push(u);
  }

  // Rule 1 counterfactual: a regression network with a non-linear output, against the same weights with a linear one.
  const out = outputName(network);
  const dense = allDense(network);
  const LONG = 5 * K;
  let fixedNet = network;
  let fixedBy: string | undefined;
  let scanCurrent: RateScan | undefined;
  let linearRun: OutputRun | undefined;
  if (range) findings.push(range);
  const regressionNonLinear = loss.kind === 'regression' && out !== 'linear' && dense;
  if (regressionNonLinear) {
    fixedNet = withActivations(
      network,
      network.layers.map((_, i) => (i === network.layers.length - 1 ? 'linear' : undefined)),
    );
    fixedBy = 'a linear output';
  }
  const scan = scanRates(fixedNet, x, y, o.probe, K);
  probes += scan.probes.length;
  if (regressionNonLinear && !range) {
    scanCurrent = scanRates(network, x, y, o.probe, K);
    probes += scanCurrent.probes.length;
    const current =
      scanCurrent.recommended !== undefined
        ? outputRun(network, x, y, o.probe, scanCurrent.recommended, LONG)
        : undefined;
    linearRun =
      scan.recommended !== undefined ? outputRun(fixedNet, x, y, o.probe, scan.recommended, LONG) : undefined;
    probes += 2;
    const f = current && linearRun ? outputCounterfactualFinding(network, current, linearRun) : null;
    if (f && f.severity !== 'info') findings.push(f);
    else {
      fixedNet = network;
      fixedBy = undefined;
      linearRun = undefined;
      if (f) findings.push(f);
    }
  }
  const activeScan = fixedNet === network && scanCurrent ? scanCurrent : scan;

  // Rule 3: the user's rate on the user's network; the user's whole run, compressed into 10·K steps at
  // the rate that moves the weights as far (gradient flow: rate × steps is what counts for small rates),
  // against as many steps at the recommended rate — both on the network with the structural fixes.
  const user = probe(network, x, y, o.probe, o.learningRate, K);
  probes++;
  const totalSteps = o.epochs * Math.ceil(X.rows / o.batchSize);
  let equivalent: Probe | undefined;
  let long: Probe | undefined;
  // 5·K steps first; 10·K when that is not decisive (a poor fit but less than 10× apart)
  const baseAll = baselineLoss(loss, y);
  for (const L of [5 * K, 10 * K]) {
    const eqRate = (o.learningRate * totalSteps) / L;
    // (the rule only judges rates ≥ 30× below the recommended one: spare the runs otherwise)
    if (
      activeScan.recommended === undefined ||
      eqRate >= activeScan.recommended ||
      activeScan.recommended < 30 * o.learningRate
    )
      break;
    equivalent = probe(fixedNet, x, y, o.probe, eqRate, L);
    probes++;
    if (equivalent.diverged || equivalent.finalData <= 0.01 * baseAll) break;
    long = probe(fixedNet, x, y, o.probe, activeScan.recommended, L);
    probes++;
    if (long.diverged || equivalent.finalData >= 10 * long.finalData) break;
  }
  const adaptive = o.optimizer !== 'sgd' && o.optimizer !== 'momentum' && o.optimizer !== 'nesterov';
  const updateRatio = grads.map((g) =>
    g.weightRms > 0 ? (adaptive ? o.learningRate : o.learningRate * g.gradRms) / g.weightRms : NaN,
  );
  const rate = learningRateFinding({
    optimizer: o.optimizer,
    rate: o.learningRate,
    epochs: o.epochs,
    stepsPerEpoch: Math.ceil(X.rows / o.batchSize),
    steps: K,
    user,
    scan: activeScan,
    equivalent,
    long,
    fixedBy: fixedNet === network ? undefined : fixedBy,
    updateRatio,
    baseline: baseAll,
  });
  if (rate && o.optimizer !== 'lbfgs') findings.push(rate);

  // Rule 4: constant predictions, now and after the best short run.
  const constant = constantOutputFinding(
    fixedNet,
    x,
    y,
    activeScan,
    o.probe,
    K,
    init ? [...units, init] : units,
  );
  if (constant) findings.push(constant);

  // Rule 8: baseline, regularization, underfitting, overfitting.
  if (activeScan.best && activeScan.recommended !== undefined && fixedNet.regularizers.length > 0 && dense) {
    const reg = regularizationFinding(fixedNet, x, y, o.probe, activeScan.recommended, K);
    probes++;
    if (reg) findings.push(reg);
  }
  const base = baselineFinding(
    activeScan.best,
    baselineLoss(loss, y),
    activeScan.probes.length,
    loss.kind === 'classification',
  );
  const known = findings.some((f) => f.severity !== 'info' && f.rule !== 'learning-rate');
  if (base && !constant) {
    // the probe behind this finding ran at the best rate: the user's rate is not the cause
    const cause = sortFindings(findings).find(
      (f) => f.severity !== 'info' && f.rule !== 'baseline-loss' && f.rule !== 'learning-rate',
    );
    if (known) base.severity = 'warning';
    if (cause) {
      base.fix = `${cause.fix} (the ${cause.rule} finding)`;
      base.fixOptions = cause.fixOptions;
    }
    findings.push(base);
  }
  // underfitting only when nothing else explains a poor fit (a bigger network would not cure those)
  const explained = findings.some((f) => f.severity !== 'info' && f.rule !== 'learning-rate');
  if (activeScan.best && activeScan.recommended !== undefined && dense && !base && !constant && !explained) {
    const under = underfittingFinding(fixedNet, x, y, o.probe, activeScan, baselineLoss(loss, y), K, o.seed);
    probes += under.probes;
    if (under.finding) findings.push(under.finding);
  }
  const over = overfittingFinding(
    options,
    fixedNet,
    x,
    y,
    o,
    rawStats,
    loss.kind === 'regression',
    activeScan.recommended,
  );
  if (over) findings.push(over);

  // Rule 9: gradient check of user-written parts.
  const gc = gradientCheckFinding(network, x, y, options.gradCheck ?? 'auto');
  if (gc) findings.push(gc);

  // The sanity suite.
  if (options.sanity ?? true) {
    const s = sanityFindings(network, x, y);
    probes += s.probes;
    // a failed sanity check is a symptom: when another finding names a cause, its fix is the one to apply
    const cause = sortFindings(findings).find(
      (f) =>
        f.severity !== 'info' && f.rule !== 'learning-rate' && Object.keys(f.fixOptions ?? {}).length > 0,
    );
    for (const f of s.findings) {
      if (cause && f.rule !== 'sanity-regularization') {
        f.fix = `${cause.fix} (the ${cause.rule} finding)`;
        f.fixOptions = cause.fixOptions;
      }
      findings.push(f);
    }
  }
  return finish(findings, network, options, X.rows, probes, start, activeScan.recommended, o);
}

function finish(
  findings: Finding[],
  network: Network,
  options: DoctorOptions,
  examples: number,
  probes: number,
  start: number,
  recommended: number | undefined,
  o?: Resolved,
): DoctorReport {
  return {
    findings: sortFindings(findings),
    summary: {
      examples,
      parameters: network.parameterCount,
      loss: network.loss.name,
      optimizer: o?.optimizer ?? options.optimizer ?? 'sgd',
      learningRate: o?.learningRate ?? options.learningRate ?? 0.01,
      epochs: o?.epochs ?? options.epochs ?? fitDefaults.fullBatchEpochs,
      scaled: o?.scale ?? false,
      probes,
      recommendedLearningRate: recommended,
      seconds: (performance.now() - start) / 1000,
    },
  };
}

/** LONG steps at `rate`: the loss halfway and at the end, and the share of examples in the output's flat region. */
function outputRun(
  network: Network,
  x: Matrix,
  y: Matrix,
  optimizer: string,
  rate: number,
  steps: number,
): OutputRun {
  let half = NaN;
  return preserving(network, () => {
    const p = train(network, x, y, optimizer, rate, steps, (s) => {
      if (s === steps / 2) half = network.computeLoss(x, y, { data: true, penalties: false }).data;
    });
    network.forward(x);
    const last = network.layers[network.layers.length - 1];
    const flat = flatRegion(last.activation?.name ?? 'linear');
    let inFlat = 0;
    const z = last.preActivation?.();
    if (flat && z) for (let i = 0; i < z.data.length; i++) if (flat(z.data[i])) inFlat++;
    return { rate, steps: p.steps, half, final: p.finalData, flatShare: z ? inFlat / z.data.length : 0 };
  });
}

function spread(m: Matrix): number {
  const { std } = columnStats(m);
  return Math.max(...std);
}

/** Rule 4: the same output for every input — still so after a short run at the best rate. */
function constantOutputFinding(
  network: Network,
  x: Matrix,
  y: Matrix,
  scan: RateScan,
  optimizer: string,
  steps: number,
  units: Finding[],
): Finding | null {
  const ySpread = spread(y);
  if (!(ySpread > 0)) return null;
  const now = spread(network.forward(x));
  if (now > 1e-3 * ySpread) return null;
  const rate = scan.recommended ?? scan.best?.rate;
  let after = now;
  if (rate !== undefined) {
    after = preserving(network, () => {
      train(network, x, y, optimizer, rate, steps);
      return spread(network.forward(x));
    });
  }
  if (after > 1e-3 * ySpread) return null;
  const dead = units.find((u) => u.rule === 'dead-units');
  const sat = units.find((u) => u.rule === 'saturated-units');
  const init = units.find((u) => u.rule === 'initialization');
  const cause = dead ?? sat ?? init;
  return {
    rule: 'constant-output',
    severity: 'error',
    observed:
      `the network gives the same output for every input: output spread ${fmt(now)} (targets spread ${fmt(ySpread)}), ` +
      `still ${fmt(after)} after ${steps} steps${rate !== undefined ? ` at --lr ${flagValue(rate)}` : ''}`,
    why:
      'a constant output means no signal from the inputs reaches the output — ' +
      (dead
        ? 'here the hidden units are dead'
        : sat
          ? 'here the hidden units are saturated'
          : init
            ? 'here the hidden units start identical'
            : 'the weights cannot move it'),
    fix: cause ? cause.fix : '--lr (smaller) and a fresh initialization',
    fixOptions: cause ? cause.fixOptions : {},
    evidence: { spread: now, after, targetSpread: ySpread },
  };
}

/** Rule 8: penalties swamp the data loss — without them the same run fits ≥ 10× better. */
function regularizationFinding(
  network: Network,
  x: Matrix,
  y: Matrix,
  optimizer: string,
  rate: number,
  steps: number,
): Finding | null {
  const withPen = probe(network, x, y, optimizer, rate, steps);
  const free = withActivations(network, [], network.loss, []);
  const without = probe(free, x, y, optimizer, rate, steps);
  if (!stable(withPen) || !stable(without)) return null;
  const ratio = withPen.finalData / without.finalData;
  const penalty = withPen.final - withPen.finalData;
  if (!(ratio >= 10)) return null;
  // the largest weaker L2 (÷10, ÷100, …) whose run fits within 2× of the unpenalized one
  const l2r = network.regularizers.find((r) => r.name === 'l2');
  let suggested: number | undefined;
  if (l2r) {
    for (let k = 1; k <= 8 && suggested === undefined; k++) {
      const lambda = Number((l2r.lambda / 10 ** k).toPrecision(1));
      const weaker = withActivations(network, [], network.loss, [
        ...network.regularizers.filter((r) => r.name !== 'l2'),
        l2(lambda),
      ]);
      const p = probe(weaker, x, y, optimizer, rate, steps);
      if (stable(p) && p.finalData <= 2 * without.finalData) suggested = lambda;
    }
  }
  return {
    rule: 'regularization',
    severity: 'warning',
    observed:
      `after ${steps} steps at --lr ${flagValue(rate)} the penalties (${network.regularizers.map((r) => `${r.name} λ=${r.lambda}`).join(', ')}) ` +
      `are ${fmt(penalty)} against a data loss of ${fmt(withPen.finalData)}; without them the data loss reaches ${fmt(without.finalData)} (${fmt(ratio)}× lower)`,
    why:
      'the penalty is meant to nudge the weights, not to dominate the cost: here gradient descent mostly shrinks the weights ' +
      'instead of fitting the data',
    fix:
      suggested !== undefined ? `--weight-decay ${flagValue(suggested)}` : 'a much smaller penalty (or none)',
    fixOptions: suggested !== undefined ? { weightDecay: suggested } : {},
    evidence: { ratio, penalty, dataLoss: withPen.finalData },
  };
}

/** Hidden sizes of a dense network. */
function hiddenSizes(network: Network): number[] {
  return network.layers.slice(0, -1).map((l) => l.outputSize);
}

/** Rule 8: underfitting — a larger network, trained the same way, fits ≥ 10× better and the current one fits poorly. */
function underfittingFinding(
  network: Network,
  x: Matrix,
  y: Matrix,
  optimizer: string,
  scan: RateScan,
  baseline: number,
  steps: number,
  seed: number,
): { finding: Finding | null; probes: number } {
  const best = scan.best!;
  if (best.finalData < 0.1 * baseline) return { finding: null, probes: 0 };
  const hidden = hiddenSizes(network);
  const bigger =
    hidden.length === 0
      ? [32]
      : [
          ...hidden.map((h) => Math.min(128, Math.max(32, 4 * h))),
          ...(hidden.length < 2 ? [Math.min(128, Math.max(32, 4 * hidden[0]))] : []),
        ];
  const act = network.layers.length > 1 ? (network.layers[0] as Dense).activation.spec : 'tanh';
  const big = new Network({
    layers: [network.inputSize, ...bigger, network.outputSize],
    activation: act,
    output: (network.layers[network.layers.length - 1] as Dense).activation.spec,
    loss: network.loss,
    regularizers: network.regularizers,
    seed: seed + 1,
    dtype: network.dtype,
    onWarning: () => {},
  });
  const long = 5 * steps;
  // underfitting means a plateau: the loss has stopped falling at a poor value (else it is only slow)
  let at80 = NaN;
  const small = preserving(network, () =>
    train(network, x, y, optimizer, scan.recommended!, long, (s, cost) => {
      if (s === Math.floor(0.8 * long)) at80 = cost;
    }),
  );
  if (small.diverged || !(small.finalData > 0.9 * at80) || small.finalData < 0.1 * baseline)
    return { finding: null, probes: 1 };
  const bigScan = scanRates(big, x, y, optimizer, steps);
  if (!bigScan.recommended) return { finding: null, probes: bigScan.probes.length + 1 };
  const large = probe(big, x, y, optimizer, bigScan.recommended, long);
  const probes = bigScan.probes.length + 2;
  if (large.diverged) return { finding: null, probes };
  const ratio = small.finalData / large.finalData;
  if (ratio < 10 || small.finalData < 0.1 * baseline) return { finding: null, probes };
  return {
    probes,
    finding: {
      rule: 'underfitting',
      severity: 'warning',
      observed:
        `hidden layers [${hidden.join(', ')}]: after ${long} steps the loss is ${fmt(small.finalData)} ` +
        `(${pct(small.finalData / baseline)} of the constant predictor's ${fmt(baseline)}); hidden layers [${bigger.join(', ')}] reach ` +
        `${fmt(large.finalData)} (${fmt(ratio)}× lower) in the same number of steps`,
      why: 'the network is too small to represent the function: more units (or a layer) give it the capacity the data needs',
      fix: `--layers ${bigger.join(',')} --lr ${flagValue(bigScan.recommended)}`,
      fixOptions: { layers: bigger, learningRate: bigScan.recommended },
      evidence: { ratio, small: small.finalData, large: large.finalData },
    },
  };
}

/** Rule 8: overfitting — validation loss rising while training loss falls (from a history, or a probe on validation data). */
function overfittingFinding(
  options: DoctorOptions,
  network: Network,
  x: Matrix,
  y: Matrix,
  o: Resolved,
  stats: { x: { mean: number[]; std: number[] }; y: { mean: number[]; std: number[] } },
  regression: boolean,
  rate: number | undefined,
): Finding | null {
  let train: number[] | undefined;
  let val: number[] | undefined;
  let source = 'the history given';
  if (options.history?.validationLoss?.length) {
    train = options.history.loss;
    val = options.history.validationLoss;
  } else if (options.validation && rate !== undefined) {
    let vx = toMatrix(options.validation.x, 'validation.x', network.inputSize);
    let vy = toMatrix(options.validation.y, 'validation.y', network.outputSize);
    if (o.scale) {
      // the doctor's own standardization of the training data, applied to the validation data
      // with the training data's statistics, as fit does
      vx = standardizeWith(vx, stats.x.mean, stats.x.std);
      if (regression) vy = standardizeWith(vy, stats.y.mean, stats.y.std);
    }
    const epochs = Math.min(o.epochs, 3000);
    train = [];
    val = [];
    const tr = train;
    const va = val;
    preserving(network, () => train0(network, x, y, vx, vy, o.probe, rate, epochs, tr, va));
    source = `${epochs} full-batch steps at --lr ${flagValue(rate)}`;
  }
  if (!train || !val || val.length < 10) return null;
  let minAt = 0;
  for (let i = 1; i < val.length; i++) if (val[i] < val[minAt]) minAt = i;
  const end = val.length - 1;
  const tEnd = train[Math.min(end, train.length - 1)];
  const tMin = train[Math.min(minAt, train.length - 1)];
  if (!(val[end] > 1.5 * val[minAt]) || minAt > 0.8 * end || !(tEnd < tMin)) return null;
  return {
    rule: 'overfitting',
    severity: 'warning',
    observed:
      `over ${source}: the validation loss is lowest at epoch ${minAt + 1} (${fmt(val[minAt])}) and ends ${fmt(val[end] / val[minAt])}× higher ` +
      `(${fmt(val[end])}) while the training loss keeps falling (${fmt(tMin)} → ${fmt(tEnd)})`,
    why:
      'the network is memorizing the training examples (their noise included) instead of the pattern; stopping at the ' +
      'validation minimum, a penalty on the weights or more data restore generalization',
    fix: '--early-stop (with --val-split 0.2)',
    fixOptions: { earlyStopping: true, validationSplit: 0.2 },
    evidence: { bestEpoch: minAt + 1, ratio: val[end] / val[minAt] },
  };
}

function standardizeWith(m: Matrix, mean: number[], std: number[]): Matrix {
  const out = zeros(m.rows, m.cols);
  for (let i = 0; i < m.data.length; i++) {
    const c = i % m.cols;
    out.data[i] = (m.data[i] - mean[c]) / (std[c] > 0 ? std[c] : 1);
  }
  return out;
}

function train0(
  network: Network,
  x: Matrix,
  y: Matrix,
  vx: Matrix,
  vy: Matrix,
  optimizer: string,
  rate: number,
  epochs: number,
  trainLoss: number[],
  valLoss: number[],
): void {
  train(network, x, y, optimizer, rate, epochs, (_s, cost) => {
    trainLoss.push(cost);
    const v = network.computeLoss(vx, vy, { data: true, penalties: false }).data;
    valLoss.push(v);
  });
}

/** Whether the network has a user-written layer, loss or penalty (built-ins are tested elsewhere). */
function customParts(network: Network): string[] {
  const parts: string[] = [];
  network.layers.forEach((l, i) => {
    if (!(l instanceof Dense)) parts.push(`layer ${i} (${l.type})`);
  });
  try {
    const builtin = getLoss(network.loss.spec);
    if (
      builtin.value.toString() !== network.loss.value.toString() ||
      builtin.gradient.toString() !== network.loss.gradient.toString()
    ) {
      parts.push(`loss ${network.loss.name}`);
    }
  } catch {
    parts.push(`loss ${String(network.loss.name)}`);
  }
  for (const r of network.regularizers) {
    const builtin = r.name === 'l2' || r.name === 'l1';
    if (!builtin || r.penalty.toString() !== l2(1).penalty.toString()) parts.push(`penalty ${r.name}`);
  }
  return parts;
}

/** Rule 9: a gradient check of user-written parts (or of everything, with gradCheck: true). */
function gradientCheckFinding(
  network: Network,
  x: Matrix,
  y: Matrix,
  mode: boolean | 'auto',
): Finding | null {
  const parts = customParts(network);
  if (mode === false || (mode === 'auto' && parts.length === 0)) return null;
  const small = subsample(x, y, 16, 1);
  const report = gradCheck(network, small.x, small.y, { maxParameters: 1024, maxInputs: 64 });
  if (report.verdict === 'pass') {
    return {
      rule: 'gradient-check',
      severity: 'info',
      observed: `gradient check passed${parts.length ? ` for ${parts.join(', ')}` : ''} (${report.parameters.checked} parameters checked)`,
      why: 'the backward pass agrees with central differences of the loss',
      fix: 'nothing',
      fixOptions: {},
    };
  }
  const w = report.worst[0];
  const suspect = report.suspects[0];
  return {
    rule: 'gradient-check',
    severity: report.verdict === 'fail' ? 'error' : 'info',
    observed:
      `gradient check ${report.verdict}: ${report.summary}` +
      (w
        ? `; worst: layer ${w.layer} ${w.kind}[${w.position.join(',')}] (${w.term}) analytic ${fmt(w.analytic)} vs numeric ${fmt(w.numeric)}, error ${fmt(w.error)}`
        : ''),
    why:
      'training follows the gradient the backward pass computes; when it disagrees with the loss, gradient descent ' +
      'optimizes something else and the loss stalls or rises',
    fix: suspect
      ? `fix the backward pass of ${suspect.component} ${suspect.name}${suspect.layer !== undefined ? ` (layer ${suspect.layer})` : ''}: ${suspect.message}`
      : `fix the backward pass of ${parts.join(', ') || 'the network'}`,
    fixOptions: {},
    evidence: { worstError: w?.error ?? NaN },
  };
}

/** The sanity suite's result. */
export interface SanityReport {
  findings: Finding[];
  checks: { name: string; passed: boolean; observed: string }[];
  probes: number;
}

/**
 * The one-call sanity suite (Karpathy's "recipe for training neural networks"): the loss at
 * initialization is near chance level; the network can drive the loss on 20 examples far below
 * the constant predictor; and more weight decay raises the data loss and shrinks the weights.
 */
export function sanityCheck(network: Network, data: DoctorData, options: DoctorOptions = {}): SanityReport {
  let X = toMatrix(data.x, 'x', network.inputSize);
  let Y = toMatrix(data.y, 'y', network.outputSize);
  if (X.rows !== Y.rows)
    throw new ShapeError(`x has ${X.rows} rows but y has ${Y.rows}: each example needs one target row`, 'y');
  if (resolve(options, X.rows).scale) {
    X = standardizeCopy(X);
    if (network.loss.kind === 'regression') Y = standardizeCopy(Y);
  }
  return sanityFindings(network, X, Y);
}

function sanityFindings(network: Network, X: Matrix, Y: Matrix): SanityReport {
  const findings: Finding[] = [];
  const checks: SanityReport['checks'] = [];
  let probes = 0;
  const loss = network.loss;

  // 1. loss at chance level at initialization
  const init = network.computeLoss(X, Y, { data: true, penalties: false }).data;
  let chance: number;
  let chanceText: string;
  if (loss.name === 'softmaxCrossEntropy') {
    chance = Math.log(Y.cols);
    chanceText = `log ${Y.cols} = ${fmt(chance)} (uniform over ${Y.cols} classes)`;
  } else if (loss.name === 'binaryCrossEntropy') {
    chance = Math.log(2);
    chanceText = `log 2 = ${fmt(chance)} (probability ½)`;
  } else {
    // an unsure regression network predicts about 0 with the unit spread standard initializers aim
    // for (Var(output) ≈ 1): chance is the loss of predicting 0, plus the loss of a unit error
    const zero = zeros(Y.rows, Y.cols);
    const one = zeros(Y.rows, Y.cols);
    one.data.fill(1);
    const spread = loss.value(one.data, zero.data, Y.rows, Y.cols);
    chance = loss.value(zero.data, Y.data, Y.rows, Y.cols) + spread;
    chanceText = `${fmt(chance)} (predicting 0 for every example, give or take outputs of unit spread)`;
  }
  const tooHigh =
    init > 3 * chance + 0.1 * Math.max(chance, 1e-12) && init - chance > 0.5 * Math.max(1, chance);
  checks.push({
    name: 'initial loss near chance',
    passed: !tooHigh,
    observed: `initial loss ${fmt(init)}, chance ${chanceText}`,
  });
  if (tooHigh && network.layers.every((l) => l instanceof Dense)) {
    const last = network.layers[network.layers.length - 1] as Dense;
    findings.push({
      rule: 'sanity-initial-loss',
      severity: 'warning',
      observed: `the loss at initialization is ${fmt(init)}, ${fmt(init / chance)}× chance level ${chanceText}`,
      why:
        'a fresh network should be unsure; a much higher initial loss means confident wrong outputs (too large initial ' +
        'weights in the last layer, or targets far from 0), and the first steps are spent undoing them',
      fix: `--init ${last.activation.name === 'relu' || last.activation.name === 'leakyRelu' ? 'heNormal' : 'glorotUniform'} (and scale the targets)`,
      fixOptions: { init: 'glorotUniform' },
      evidence: { initial: init, chance },
    });
  }

  // 2. can overfit 20 examples (distinct inputs)
  // 20 rows spread evenly over the data, skipping repeated inputs
  const seen = new Set<string>();
  const pick: number[] = [];
  const stride = Math.max(1, Math.floor(X.rows / 20));
  for (let k = 0; k < X.rows && pick.length < 20; k++) {
    const r = (k * stride + Math.floor((k * stride) / X.rows)) % X.rows;
    const key = Array.from(X.data.subarray(r * X.cols, (r + 1) * X.cols)).join(',');
    if (!seen.has(key)) {
      seen.add(key);
      pick.push(r);
    }
  }
  const sx = zeros(pick.length, X.cols);
  const sy = zeros(pick.length, Y.cols);
  pick.forEach((r, i) => {
    sx.data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols);
    sy.data.set(Y.data.subarray(r * Y.cols, (r + 1) * Y.cols), i * Y.cols);
  });
  const base20 = baselineLoss(loss, sy);
  // judged only for networks with room to memorize (a hidden layer, ≥ 2 parameters per target value)
  // and examples that differ; Adam at the best of a range of rates, without penalties: this asks
  // whether the machinery can fit, not whether the user's optimizer or penalty lets it
  const judged =
    pick.length >= 4 &&
    base20 > 0 &&
    network.layers.length >= 2 &&
    network.parameterCount >= 2 * pick.length * Y.cols;
  const memorizer = 'adam';
  const scan = judged
    ? withPenalties(network, [], (net) => {
        net.params.set(network.params);
        return scanRates(net, sx, sy, memorizer, 500);
      })
    : { probes: [], best: undefined, recommended: undefined };
  probes += scan.probes.length;
  const reached = scan.best?.finalData ?? NaN;
  const fits = !judged || reached <= 0.5 * base20;
  checks.push({
    name: 'can overfit 20 examples',
    passed: fits,
    observed: judged
      ? `${pick.length} examples, 500 Adam steps at the best of ${scan.probes.length} rates: loss ${fmt(reached)} vs constant predictor ${fmt(base20)}`
      : `not judged: ${pick.length} distinct examples for ${network.parameterCount} parameters`,
  });
  if (!fits) {
    // no progress at all means broken machinery; partial progress may be hard targets (noise, near-identical inputs)
    findings.push({
      rule: 'sanity-overfit',
      severity: !(reached <= 0.9 * base20) ? 'warning' : 'info',
      observed:
        `on ${pick.length} examples the best of ${scan.probes.length} learning rates only gets the loss to ${fmt(reached)} in 500 Adam steps; ` +
        `the constant predictor gives ${fmt(base20)}`,
      why:
        'any working network can memorize 20 examples; failing to means something structural is broken (a wrong gradient, ' +
        'dead or saturated units, an output that cannot reach the targets)',
      fix: 'see the other findings; run the gradient check (scratchnet gradcheck)',
      fixOptions: {},
      evidence: { reached, baseline: base20 },
    });
  }

  // 3. more regularization raises the data loss and shrinks the weights: every penalty made 100×
  // stronger (or, without penalties, an L2 of λ = m/2), on the same layer objects
  if (scan.recommended !== undefined) {
    const r = scan.recommended;
    const m = pick.length;
    const stronger =
      network.regularizers.length > 0
        ? network.regularizers.map((q) => strengthen(q, Math.max(100, (0.5 * m) / Math.max(q.lambda, 1e-12))))
        : [l2(0.5 * m)];
    const describe = (regs: readonly { name: string; lambda: number }[]) =>
      regs.map((q) => `${q.name} λ=${fmt(q.lambda)}`).join(', ') || 'none';
    const runWith = (regs: readonly Regularizer[]) =>
      preserving(network, () =>
        withPenalties(network, regs, (net) => {
          net.params.set(network.params);
          train(net, sx, sy, memorizer, r, 500);
          return {
            data: net.computeLoss(sx, sy, { data: true, penalties: false }).data,
            norm: weightNorm(net),
          };
        }),
      );
    const a = runWith(network.regularizers);
    const b = runWith(stronger);
    probes += 2;
    // judged only when the run with the current penalties fits something (else they already swamp it)
    const ok =
      !(Number.isFinite(a.data) && Number.isFinite(b.data)) ||
      a.data > 0.5 * base20 ||
      (b.data > a.data && b.norm < a.norm);
    checks.push({
      name: 'more regularization raises the loss',
      passed: ok,
      observed: `penalties ${describe(network.regularizers)} → ${describe(stronger)}: data loss ${fmt(a.data)} → ${fmt(b.data)}, weight norm ${fmt(a.norm)} → ${fmt(b.norm)}`,
    });
    if (!ok) {
      findings.push({
        rule: 'sanity-regularization',
        severity: 'warning',
        observed:
          `strengthening the penalties (${describe(network.regularizers)} → ${describe(stronger)}) changed the data loss ${fmt(a.data)} → ${fmt(b.data)} ` +
          `and the norm of the penalized weights ${fmt(a.norm)} → ${fmt(b.norm)} after 500 steps on ${m} examples`,
        why:
          'a stronger penalty must pull the weights toward 0 and so fit the data less closely; if it does not, the penalty ' +
          "or its gradient is not reaching the update (the seed's bug: Σw in the cost, nothing in the gradient)",
        fix: "make the penalty's gradient match its cost (scratchnet gradcheck names the penalty)",
        fixOptions: {},
        evidence: { dataBefore: a.data, dataAfter: b.data, normBefore: a.norm, normAfter: b.norm },
      });
    }
  }
  return { findings, checks, probes };
}

function weightNorm(network: Network): number {
  let s = 0;
  for (const ref of network.parameterRefs)
    if (ref.parameter.regularize) s += rms(ref.parameter.value) ** 2 * ref.parameter.value.length;
  return Math.sqrt(s);
}

/** A report for the terminal: one block per finding, most important first. */
export function formatDoctorReport(report: DoctorReport): string {
  const s = report.summary;
  const head =
    `scratchnet doctor: ${s.examples} examples, ${s.parameters} parameters, loss ${s.loss}\n` +
    `${s.optimizer} at --lr ${flagValue(s.learningRate)}, ${s.epochs} epochs${s.scaled ? ', scaled data' : ''}; ${s.probes} probe runs in ${s.seconds.toFixed(2)} s`;
  if (report.findings.length === 0) return `${head}\nno problems found.\n`;
  const counts = (['error', 'warning', 'info'] as const)
    .map((k) => [k, report.findings.filter((f) => f.severity === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}${n > 1 ? 's' : ''}`)
    .join(', ');
  const wrap = (text: string, indent: string) => {
    const words = text.split(' ');
    const lines: string[] = [];
    let line = '';
    for (const w of words) {
      if (line && line.length + 1 + w.length > 96 - indent.length) {
        lines.push(line);
        line = w;
      } else line = line ? `${line} ${w}` : w;
    }
    if (line) lines.push(line);
    return lines.map((l) => indent + l).join('\n');
  };
  const blocks = report.findings.map((f, i) => {
    const tag = f.severity === 'error' ? 'ERROR' : f.severity === 'warning' ? 'WARNING' : 'info';
    return [
      `${i + 1}. ${tag} ${f.rule}`,
      wrap(`observed: ${f.observed}`, '   '),
      wrap(`why: ${f.why}`, '   '),
      wrap(`fix: ${f.fix}`, '   '),
    ].join('\n');
  });
  return `${head}\n${counts}\n\n${blocks.join('\n\n')}\n`;
}

/** What `doctorCallback` gives fit: a diagnosis before training, findings during it, and a final report. */
export interface DoctorMonitor {
  /** the diagnosis of the network as it was when the monitor was made */
  readonly before: DoctorReport;
  /** call after each epoch with the training cost (and validation loss when there is one) */
  onEpoch(epoch: number, loss: number, validationLoss?: number): void;
  /** findings seen during training so far */
  readonly during: Finding[];
  /** the final report: the diagnosis before training plus what training showed, most important first */
  finish(): DoctorReport;
}

/**
 * For fitWithDoctor (doctor-monitor.ts): diagnoses before training and watches the loss per epoch —
 * a NaN/Infinity loss or a cost 10× its start (learning rate too large), a validation loss rising
 * 50% above its low while the training loss falls (overfitting). `onFinding` hears each new one.
 */
export function doctorCallback(
  network: Network,
  data: DoctorData,
  options: DoctorOptions & { onFinding?: (f: Finding) => void } = {},
): DoctorMonitor {
  const before = diagnose(network, data, { ...options, sanity: options.sanity ?? false });
  const during: Finding[] = [];
  const losses: number[] = [];
  const val: number[] = [];
  const add = (f: Finding) => {
    if (during.some((d) => d.rule === f.rule)) return;
    during.push(f);
    options.onFinding?.(f);
  };
  return {
    before,
    during,
    onEpoch(epoch, loss, validationLoss) {
      losses.push(loss);
      if (validationLoss !== undefined) val.push(validationLoss);
      if (!Number.isFinite(loss) || (losses.length > 1 && loss > 10 * losses[0])) {
        const rec = before.summary.recommendedLearningRate;
        add({
          rule: 'learning-rate',
          severity: 'error',
          observed: `at epoch ${epoch} the loss is ${fmt(loss)}, against ${fmt(losses[0])} at the start`,
          why: 'the updates overshoot: the learning rate is too large for this network and data',
          fix: rec !== undefined ? `--lr ${flagValue(rec)}` : '--lr (smaller)',
          fixOptions: rec !== undefined ? { learningRate: rec } : {},
        });
      }
      if (val.length >= 10) {
        let minAt = 0;
        for (let i = 1; i < val.length; i++) if (val[i] < val[minAt]) minAt = i;
        const end = val.length - 1;
        if (val[end] > 1.5 * val[minAt] && losses[end] < losses[minAt]) {
          add({
            rule: 'overfitting',
            severity: 'warning',
            observed:
              `validation loss lowest at epoch ${minAt + 1} (${fmt(val[minAt])}), now ${fmt(val[end])} while the training loss fell ` +
              `${fmt(losses[minAt])} → ${fmt(losses[end])}`,
            why: 'the network is memorizing the training examples instead of the pattern',
            fix: '--early-stop',
            fixOptions: { earlyStopping: true },
          });
        }
      }
    },
    finish() {
      const merged = [...before.findings.filter((f) => !during.some((d) => d.rule === f.rule)), ...during];
      return { findings: sortFindings(merged), summary: before.summary };
    },
  };
}
