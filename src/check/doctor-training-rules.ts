// The doctor's findings that train probes of their own (rules 3, 4 and 8): learning rate, constant
// output, penalties that swamp the data loss, underfitting and overfitting. Each reads the shared probes
// from the context (doctor-context.ts) and returns a finding with the numbers it saw, or null.

import { toMatrix, type Matrix } from '../matrix.js';
import { standardize } from '../train/scaling.js';
import type { Dense } from '../nn/dense.js';
import { Network } from '../nn/network.js';
import { l2 } from '../nn/regularizers.js';
import type { DoctorContext } from './doctor-context.js';
import { notYetDone } from './doctor-options.js';
import { columnStats } from './doctor-data.js';
import {
  clampRate,
  heldOutBaseline,
  heldOutRun,
  isAdaptive,
  rateRange,
  type RateRange,
} from './doctor-heldout.js';
import {
  preserving,
  probe,
  scanRates,
  stable,
  train,
  withActivations,
  type Probe,
  type RateScan,
} from './doctor-probe.js';
import { learningRateFinding } from './doctor-rules.js';
import { exact, fmt, optionsFix, optionsText, pct, type Finding } from './doctor-types.js';
import { classWeights, unlessConstant, withClassWeights } from '../train/sample-weights.js';

function spread(m: Matrix): number {
  const { std } = columnStats(m);
  return Math.max(...std);
}

/** Rule 4: the same output for every input — still so after a short run at the best rate. */
export function constantOutputFinding(ctx: DoctorContext): Finding | null {
  const { x, y, steps } = ctx;
  const { network, scan } = ctx.probed();
  const ySpread = spread(y);
  if (!(ySpread > 0)) return null;
  const now = spread(network.forward(x));
  if (now > 1e-3 * ySpread) return null;
  const rate = scan.recommended ?? scan.best?.rate;
  let after = now;
  if (rate !== undefined) {
    after = preserving(network, () => {
      train(network, x, y, ctx.o.probe, rate, steps, undefined, ctx.w);
      return spread(network.forward(x));
    });
  }
  if (after > 1e-3 * ySpread) return null;
  const why = ctx.found('dead-units')
    ? 'here the hidden units are dead'
    : ctx.found('saturated-units')
      ? 'here the hidden units are saturated'
      : ctx.found('initialization')
        ? 'here the hidden units start identical'
        : 'the weights cannot move it';
  return {
    rule: 'constant-output',
    severity: 'error',
    observed:
      `the network gives the same output for every input: output spread ${fmt(now)} (targets spread ${fmt(ySpread)}), ` +
      `still ${fmt(after)} after ${steps} steps${rate !== undefined ? ` at learning rate ${exact(rate)}` : ''}`,
    why: `a constant output means no signal from the inputs reaches the output — ${why}`,
    // the attribution pass puts the cause's fix here (dead or saturated units, initialization)
    fix: 'a smaller learningRate and a fresh initialization',
    fixOptions: {},
    evidence: { spread: now, after, targetSpread: ySpread },
  };
}

/** Rule 8: penalties swamp the data loss — without them the same run fits ≥ 10× better. */
export function regularizationFinding(ctx: DoctorContext): Finding | null {
  const { network, scan } = ctx.probed();
  const rate = scan.recommended;
  if (!scan.best || rate === undefined || network.regularizers.length === 0 || !ctx.dense) return null;
  ctx.probes++;
  const { x, y, steps } = ctx;
  const run = (net: Network) => probe(net, x, y, ctx.o.probe, rate, steps, ctx.w);
  const withPen = run(network);
  const without = run(withActivations(network, [], network.loss, []));
  if (!stable(withPen) || !stable(without)) return null;
  const ratio = withPen.finalData / without.finalData;
  const penalty = withPen.final - withPen.finalData;
  if (!(ratio >= 10)) return null;
  const suggested = weakerL2(network, without, run);
  return {
    rule: 'regularization',
    severity: 'warning',
    observed:
      `after ${steps} steps at learning rate ${exact(rate)} the penalties (${network.regularizers.map((r) => `${r.name} λ=${r.lambda}`).join(', ')}) ` +
      `are ${fmt(penalty)} against a data loss of ${fmt(withPen.finalData)}; without them the data loss reaches ${fmt(without.finalData)} (${fmt(ratio)}× lower)`,
    why:
      'the penalty is meant to nudge the weights, not to dominate the cost: here gradient descent mostly shrinks the weights ' +
      'instead of fitting the data',
    fix:
      suggested !== undefined ? optionsText({ weightDecay: suggested }) : 'a much smaller penalty (or none)',
    fixOptions: suggested !== undefined ? { weightDecay: suggested } : {},
    evidence: { ratio, penalty, dataLoss: withPen.finalData },
  };
}

/** The largest weaker L2 (÷10, ÷100, …) whose run fits within 2× of the unpenalized one. */
function weakerL2(network: Network, without: Probe, run: (net: Network) => Probe): number | undefined {
  const l2r = network.regularizers.find((r) => r.name === 'l2');
  if (!l2r) return undefined;
  for (let k = 1; k <= 8; k++) {
    const lambda = Number((l2r.lambda / 10 ** k).toPrecision(1));
    const weaker = withActivations(network, [], network.loss, [
      ...network.regularizers.filter((r) => r.name !== 'l2'),
      l2(lambda),
    ]);
    const p = run(weaker);
    if (stable(p) && p.finalData <= 2 * without.finalData) return lambda;
  }
  return undefined;
}

/** Hidden sizes four times as large (32…128), and a second hidden layer when there is one. */
function biggerHidden(hidden: number[]): number[] {
  if (hidden.length === 0) return [32];
  const grow = (h: number) => Math.min(128, Math.max(32, 4 * h));
  return [...hidden.map(grow), ...(hidden.length < 2 ? [grow(hidden[0])] : [])];
}

/** The same kind of network with other hidden sizes, freshly initialized. */
export function resized(network: Network, hidden: number[], seed: number): Network {
  const layers = network.layers as Dense[];
  return new Network({
    layers: [network.inputSize, ...hidden, network.outputSize],
    activation: layers.length > 1 ? layers[0].activation.spec : 'tanh',
    output: layers[layers.length - 1].activation.spec,
    loss: network.loss,
    regularizers: network.regularizers,
    seed,
    dtype: network.dtype,
    onWarning: () => {},
  });
}

/**
 * Rule 8: underfitting — the loss has stopped falling at a poor value (a plateau, not only slow),
 * and a larger network, trained the same way, fits ≥ 10× better. Judged only when no other
 * finding explains a poor fit (a bigger network would not cure those).
 */
export function underfittingFinding(ctx: DoctorContext, explained: boolean): Finding | null {
  const { network, scan } = ctx.probed();
  const { best, recommended } = scan;
  const baseline = ctx.baseline();
  if (!best || recommended === undefined || !ctx.dense || explained) return null;
  // a poor fit: the constant predictor's loss not even 100× lower (R² < 0.99 for mse)
  if (best.finalData < 0.01 * baseline) return null;
  const { x, y, steps } = ctx;
  const long = 5 * steps;
  let at80 = NaN;
  ctx.probes++;
  const small = preserving(network, () =>
    train(
      network,
      x,
      y,
      ctx.o.probe,
      recommended,
      long,
      (s, cost) => {
        if (s === Math.floor(0.8 * long)) at80 = cost;
      },
      ctx.w,
    ),
  );
  if (small.diverged || !(small.finalData > 0.9 * at80) || small.finalData < 0.01 * baseline) return null;
  const hidden = network.layers.slice(0, -1).map((l) => l.outputSize);
  const bigger = biggerHidden(hidden);
  const big = resized(network, bigger, ctx.o.seed + 1);
  const bigScan = scanRates(big, x, y, ctx.o.probe, steps, ctx.w);
  ctx.probes += bigScan.probes.length;
  if (!bigScan.recommended) return null;
  const large = probe(big, x, y, ctx.o.probe, bigScan.recommended, long, ctx.w);
  ctx.probes++;
  if (large.diverged) return null;
  const ratio = small.finalData / large.finalData;
  if (ratio < 10 || !heldOutConfirms(ctx, network, big, [recommended, bigScan.recommended], long))
    return null;
  const fixOptions = { layers: bigger, learningRate: bigScan.recommended };
  return {
    rule: 'underfitting',
    severity: 'warning',
    observed:
      `hidden layers [${hidden.join(', ')}]: after ${long} steps the loss is ${fmt(small.finalData)} ` +
      `(${pct(small.finalData / baseline)} of the constant predictor's ${fmt(baseline)}); hidden layers [${bigger.join(', ')}] reach ` +
      `${fmt(large.finalData)} (${fmt(ratio)}× lower) in the same number of steps`,
    why: 'the network is too small to represent the function: more units (or a layer) give it the capacity the data needs',
    ...optionsFix(fixOptions),
    evidence: { ratio, small: small.finalData, large: large.finalData },
  };
}

/** The larger network also ends ≥ 3× lower on held-out rows (capacity, not memorization). */
function heldOutConfirms(
  ctx: DoctorContext,
  small: Network,
  big: Network,
  rates: [number, number],
  steps: number,
): boolean {
  const split = ctx.split();
  if (!split) return true;
  ctx.probes += 2;
  const before = heldOutRun(small, split, ctx.o.probe, rates[0], steps);
  const after = heldOutRun(big, split, ctx.o.probe, rates[1], steps);
  return !after.diverged && !(before.held < 3 * after.held);
}

/** Training and validation loss per epoch: from the history given, or a probe on the validation data. */
function overfittingCurves(ctx: DoctorContext): { train: number[]; val: number[]; source: string } | null {
  const { options, o } = ctx;
  if (options.history?.validationLoss?.length)
    return { train: options.history.loss, val: options.history.validationLoss, source: 'the history given' };
  const { network, scan } = ctx.probed();
  const rate = scan.recommended;
  if (!options.validation || rate === undefined) return null;
  let vx = toMatrix(options.validation.x, 'validation.x', network.inputSize);
  let vy = toMatrix(options.validation.y, 'validation.y', network.outputSize);
  if (o.scale) {
    // the doctor's own standardization of the training data, applied to the validation data
    // with the training data's statistics, as fit does
    const stats = ctx.rawStats;
    const std = (s: number[]) => s.map((v) => (v > 0 ? v : 1));
    vx = standardize(vx, stats.x.mean, std(stats.x.std));
    if (ctx.loss.kind === 'regression') vy = standardize(vy, stats.y.mean, std(stats.y.std));
  }
  const epochs = Math.min(o.epochs, 3000);
  const curves = { train: [] as number[], val: [] as number[] };
  const vw = validationWeights(ctx, vy);
  const onStep = (_s: number, cost: number) => {
    curves.train.push(cost);
    curves.val.push(network.computeLoss(vx, vy, { data: true, penalties: false }, vw).data);
  };
  preserving(network, () => train(network, ctx.x, ctx.y, o.probe, rate, epochs, onStep, ctx.w));
  return { ...curves, source: `${epochs} full-batch steps at learning rate ${exact(rate)}` };
}

/** The validation rows' loss weights: the training rows' class weights, as fit gives validationData (undefined without). */
function validationWeights(ctx: DoctorContext, vy: Matrix): Float64Array | undefined {
  const spec = ctx.options.classWeight;
  if (spec === undefined || ctx.loss.kind !== 'classification') return undefined;
  return unlessConstant(withClassWeights(null, classWeights(spec, ctx.raw.Y), vy)) ?? undefined;
}

/** Rule 8: overfitting — validation loss rising while training loss falls. */
export function overfittingFinding(ctx: DoctorContext): Finding | null {
  const curves = overfittingCurves(ctx);
  if (!curves || curves.val.length < 10) return null;
  const { train: tr, val, source } = curves;
  let minAt = 0;
  for (let i = 1; i < val.length; i++) if (val[i] < val[minAt]) minAt = i;
  const end = val.length - 1;
  const tEnd = tr[Math.min(end, tr.length - 1)];
  const tMin = tr[Math.min(minAt, tr.length - 1)];
  if (!(val[end] > 1.5 * val[minAt]) || minAt > 0.8 * end || !(tEnd < tMin)) return null;
  const wanted = notYetDone({ earlyStopping: true, validationSplit: 0.2 }, ctx.options);
  // held out and stopped early already: the best epoch's weights are kept; a penalty is what is left
  const fixOptions = Object.keys(wanted).length ? wanted : { weightDecay: 1e-3 };
  return {
    rule: 'overfitting',
    severity: 'warning',
    observed:
      `over ${source}: the validation loss is lowest at epoch ${minAt + 1} (${fmt(val[minAt])}) and ends ${fmt(val[end] / val[minAt])}× higher ` +
      `(${fmt(val[end])}) while the training loss keeps falling (${fmt(tMin)} → ${fmt(tEnd)})`,
    why:
      'the network is memorizing the training examples (their noise included) instead of the pattern; stopping at the ' +
      'validation minimum, a penalty on the weights or more data restore generalization',
    ...optionsFix(fixOptions),
    evidence: { bestEpoch: minAt + 1, ratio: val[end] / val[minAt] },
  };
}

/**
 * Rule 3: the user's rate on the user's network; the user's whole run, compressed into 5·K (then
 * 10·K) steps at the rate that moves the weights as far (gradient flow: rate × steps is what counts
 * for small rates), against as many steps at the recommended rate — both on the probed network.
 * The recommendation stays inside the optimizer's range (doctor-heldout.ts), and "too small" must
 * also hold on held-out rows: the faster rate reaches a clearly better held-out loss.
 */
export function rateFinding(ctx: DoctorContext): Finding | null {
  const { o, x, y, steps } = ctx;
  const probed = ctx.probed();
  const range = rateRange(o.optimizer, probed.scan);
  const scan = recommendedWithin(probed.scan, range);
  const user = probe(ctx.network, x, y, o.probe, o.learningRate, steps, ctx.w);
  ctx.probes++;
  const stepsPerEpoch = Math.ceil(ctx.X.rows / o.batchSize);
  const runs = compressedRuns(ctx, o.epochs * stepsPerEpoch, scan.recommended);
  const adaptive = isAdaptive(o.optimizer);
  const updateRatio = ctx
    .grads()
    .map((g) =>
      g.weightRms > 0 ? (adaptive ? o.learningRate : o.learningRate * g.gradRms) / g.weightRms : NaN,
    );
  const finding = learningRateFinding({
    optimizer: o.optimizer,
    rate: o.learningRate,
    epochs: o.epochs,
    stepsPerEpoch,
    steps,
    user,
    scan,
    ...runs,
    fixedBy: probed.fixedBy,
    updateRatio,
    baseline: ctx.baseline(),
  });
  if (o.optimizer === 'lbfgs') return null;
  if (!finding) return o.learningRate > range.max ? aboveRange(ctx, range, scan.recommended) : null;
  finding.observed += `; recommendations stay within ${range.basis}`;
  return finding.evidence?.ratio !== undefined && runs.equivalent
    ? judgedHeldOut(ctx, finding, runs.equivalent)
    : finding;
}

/**
 * A rate above the optimizer's range that still trains: too large when, on held-out rows, the
 * recommended rate ends ≥ 1.5× lower over the run's steps (up to 5·K).
 */
function aboveRange(ctx: DoctorContext, range: RateRange, rec: number | undefined): Finding | null {
  const split = ctx.split();
  const { o } = ctx;
  if (!split || rec === undefined) return null;
  const { network } = ctx.probed();
  const steps = Math.min(o.epochs * Math.ceil(ctx.X.rows / o.batchSize), 5 * ctx.steps);
  const user = heldOutRun(network, split, o.probe, o.learningRate, steps);
  const fixed = heldOutRun(network, split, o.probe, rec, steps);
  ctx.probes += 2;
  if (fixed.diverged || !(user.diverged || user.held >= 1.5 * fixed.held)) return null;
  const base = heldOutBaseline(network, split);
  const useless = (user.diverged || user.held >= 0.5 * base) && fixed.held < 0.5 * base;
  return {
    rule: 'learning-rate',
    severity: useless ? 'error' : 'warning',
    observed:
      `learning rate too large: ${exact(o.learningRate)} is above ${range.basis}. Trained on ${split.fitX.rows} rows for ${steps} ` +
      `steps, the loss on ${split.heldX.rows} held-out rows ends at ${user.diverged ? 'NaN/Infinity' : fmt(user.held)} ` +
      `(best ${fmt(user.heldBest)}); at ${exact(rec)} it ends at ${fmt(fixed.held)} (a constant prediction: ${fmt(base)})`,
    why:
      'steps this large throw the weights around the minimum: the training loss may still fall, but the network ends ' +
      'wherever the last large step left it, and does worse on data it has not seen',
    ...optionsFix({ learningRate: rec }),
    evidence: { recommended: rec, held: user.held, fixedHeld: fixed.held },
  };
}

/** The scan with its recommendation brought inside the optimizer's range. */
function recommendedWithin(scan: RateScan, range: RateRange): RateScan {
  if (scan.recommended === undefined) return scan;
  return { ...scan, recommended: clampRate(scan.recommended, range) };
}

/**
 * A "too small" finding kept only when, on the held-out rows, as many steps at the recommended rate
 * end ≥ 1.5× lower than the user's run compressed; an error only when the user's run explains less
 * than half the held-out loss of a constant prediction and the recommended one more than half.
 */
function judgedHeldOut(ctx: DoctorContext, finding: Finding, equivalent: Probe): Finding | null {
  const split = ctx.split();
  const rec = finding.fixOptions?.learningRate as number;
  if (!split) return finding;
  const { network } = ctx.probed();
  const slow = heldOutRun(network, split, ctx.o.probe, equivalent.rate, equivalent.steps);
  const fast = heldOutRun(network, split, ctx.o.probe, rec, equivalent.steps);
  ctx.probes += 2;
  if (fast.diverged || !(slow.held >= 1.5 * fast.held)) return null;
  const base = heldOutBaseline(network, split);
  const useless = !(slow.held < 0.5 * base) && fast.held < 0.5 * base;
  finding.severity = useless ? 'error' : 'warning';
  finding.observed +=
    `. On ${split.heldX.rows} held-out rows (trained on the other ${split.fitX.rows}): ${slow.held.toPrecision(4)} ` +
    `at your rate's equivalent against ${fast.held.toPrecision(4)} at ${exact(rec)} (a constant prediction: ${base.toPrecision(4)})`;
  return finding;
}

/** The user's whole run compressed into L steps (`equivalent`), and L steps at the recommended rate (`long`). */
function compressedRuns(
  ctx: DoctorContext,
  totalSteps: number,
  recommended: number | undefined,
): { equivalent?: Probe; long?: Probe } {
  const { o, x, y, steps } = ctx;
  const { network } = ctx.probed();
  const baseline = ctx.baseline();
  let equivalent: Probe | undefined;
  let long: Probe | undefined;
  // 5·K steps first; 10·K when that is not decisive (a poor fit but less than 10× apart)
  for (const L of [5 * steps, 10 * steps]) {
    const eqRate = (o.learningRate * totalSteps) / L;
    // (the rule only judges rates ≥ 30× below the recommended one: spare the runs otherwise)
    if (recommended === undefined || eqRate >= recommended || recommended < 30 * o.learningRate) break;
    equivalent = probe(network, x, y, o.probe, eqRate, L, ctx.w);
    ctx.probes++;
    if (equivalent.diverged || equivalent.finalData <= 0.01 * baseline) break;
    long = probe(network, x, y, o.probe, recommended, L, ctx.w);
    ctx.probes++;
    if (long.diverged || equivalent.finalData >= 10 * long.finalData) break;
  }
  return { equivalent, long };
}
