// sanityCheck(): the one-call sanity suite (Karpathy's "recipe for training neural networks"):
// the loss at initialization is near chance level; the network can drive the loss on 20 examples
// far below the constant predictor; more weight decay raises the data loss and shrinks the weights.
// diagnose() runs it too, as its last rules.

import { checkSameRows, gatherRows, toMatrix, zeros, type Matrix } from '../matrix.js';
import { Dense } from '../nn/dense.js';
import type { Loss } from '../nn/losses.js';
import type { Network } from '../nn/network.js';
import { l2, type Regularizer } from '../nn/regularizers.js';
import { baselineLoss, standardizeCopy } from './doctor-data.js';
import { resolveDoctorOptions, type DoctorData, type DoctorOptions } from './doctor-options.js';
import {
  preserving,
  rms,
  scanRates,
  strengthen,
  train,
  withPenalties,
  type RateScan,
} from './doctor-probe.js';
import { fmt, type Finding } from './doctor-types.js';

/** The sanity suite's result. */
export interface SanityReport {
  findings: Finding[];
  checks: { name: string; passed: boolean; observed: string }[];
  probes: number;
}

/** Runs the sanity suite on `network` and data (standardized first when options.scale, as training would). */
export function sanityCheck(network: Network, data: DoctorData, options: DoctorOptions = {}): SanityReport {
  let X = toMatrix(data.x, 'x', network.inputSize);
  let Y = toMatrix(data.y, 'y', network.outputSize);
  checkSameRows(X, Y);
  if (resolveDoctorOptions(options, X.rows).scale) {
    X = standardizeCopy(X);
    if (network.loss.kind === 'regression') Y = standardizeCopy(Y);
  }
  return sanityFindings(network, X, Y);
}

/** The three checks on data as the network sees it. */
export function sanityFindings(network: Network, X: Matrix, Y: Matrix): SanityReport {
  const report: SanityReport = { findings: [], checks: [], probes: 0 };
  initialLossCheck(network, X, Y, report);
  const small = twentyExamples(X, Y, network.loss);
  const scan = overfitCheck(network, small, report);
  if (scan.recommended !== undefined) regularizationCheck(network, small, scan.recommended, report);
  return report;
}

/** The loss of a network that knows nothing: uniform over classes, or predicting 0 with unit spread. */
function chanceLoss(network: Network, Y: Matrix): { chance: number; text: string } {
  const loss = network.loss;
  if (loss.name === 'softmaxCrossEntropy') {
    const chance = Math.log(Y.cols);
    return { chance, text: `log ${Y.cols} = ${fmt(chance)} (uniform over ${Y.cols} classes)` };
  }
  if (loss.name === 'binaryCrossEntropy') {
    const chance = Math.log(2);
    return { chance, text: `log 2 = ${fmt(chance)} (probability ½)` };
  }
  // an unsure regression network predicts about 0 with the unit spread standard initializers aim
  // for (Var(output) ≈ 1): chance is the loss of predicting 0, plus the loss of a unit error
  const zero = zeros(Y.rows, Y.cols);
  const one = zeros(Y.rows, Y.cols);
  one.data.fill(1);
  const spread = loss.value(one.data, zero.data, Y.rows, Y.cols);
  const chance = loss.value(zero.data, Y.data, Y.rows, Y.cols) + spread;
  return {
    chance,
    text: `${fmt(chance)} (predicting 0 for every example, give or take outputs of unit spread)`,
  };
}

/** 1. The loss at initialization is near chance level. */
function initialLossCheck(network: Network, X: Matrix, Y: Matrix, report: SanityReport): void {
  const init = network.computeLoss(X, Y, { data: true, penalties: false }).data;
  const { chance, text } = chanceLoss(network, Y);
  const tooHigh =
    init > 3 * chance + 0.1 * Math.max(chance, 1e-12) && init - chance > 0.5 * Math.max(1, chance);
  report.checks.push({
    name: 'initial loss near chance',
    passed: !tooHigh,
    observed: `initial loss ${fmt(init)}, chance ${text}`,
  });
  if (!tooHigh || !network.layers.every((l) => l instanceof Dense)) return;
  const last = network.layers[network.layers.length - 1] as Dense;
  const relu = last.activation.name === 'relu' || last.activation.name === 'leakyRelu';
  const init0 = relu ? 'heNormal' : 'glorotUniform';
  report.findings.push({
    rule: 'sanity-initial-loss',
    severity: 'warning',
    observed: `the loss at initialization is ${fmt(init)}, ${fmt(init / chance)}× chance level ${text}`,
    why:
      'a fresh network should be unsure; a much higher initial loss means confident wrong outputs (too large initial ' +
      'weights in the last layer, or targets far from 0), and the first steps are spent undoing them',
    fix: `init: '${init0}' (and scale the targets)`,
    fixOptions: { init: init0 },
    evidence: { initial: init, chance },
  });
}

interface Small {
  x: Matrix;
  y: Matrix;
  /** loss of the constant predictor on them */
  baseline: number;
}

/** 20 rows spread evenly over the data, skipping repeated inputs. */
function twentyExamples(X: Matrix, Y: Matrix, loss: Loss): Small {
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
  const x = gatherRows(zeros(pick.length, X.cols), X, pick);
  const y = gatherRows(zeros(pick.length, Y.cols), Y, pick);
  return { x, y, baseline: baselineLoss(loss, y) };
}

/** Adam asks whether the machinery can fit, not whether the user's optimizer or penalty lets it. */
const MEMORIZER = 'adam';

/** 2. The network can overfit 20 (distinct) examples; returns the rate scan it made. */
function overfitCheck(network: Network, small: Small, report: SanityReport): RateScan {
  const { x, y } = small;
  const m = x.rows;
  const base20 = small.baseline;
  // judged only for networks with room to memorize (a hidden layer, ≥ 2 parameters per target value)
  // and examples that differ; Adam at the best of a range of rates, without penalties
  const judged =
    m >= 4 && base20 > 0 && network.layers.length >= 2 && network.parameterCount >= 2 * m * y.cols;
  const scan: RateScan = judged
    ? withPenalties(network, [], (net) => {
        net.params.set(network.params);
        return scanRates(net, x, y, MEMORIZER, 500);
      })
    : { probes: [], best: undefined, recommended: undefined };
  report.probes += scan.probes.length;
  const reached = scan.best?.finalData ?? NaN;
  const fits = !judged || reached <= 0.5 * base20;
  report.checks.push({
    name: 'can overfit 20 examples',
    passed: fits,
    observed: judged
      ? `${m} examples, 500 Adam steps at the best of ${scan.probes.length} rates: loss ${fmt(reached)} vs constant predictor ${fmt(base20)}`
      : `not judged: ${m} distinct examples for ${network.parameterCount} parameters`,
  });
  if (fits) return scan;
  // no progress at all means broken machinery; partial progress may be hard targets (noise, near-identical inputs)
  report.findings.push({
    rule: 'sanity-overfit',
    severity: !(reached <= 0.9 * base20) ? 'warning' : 'info',
    observed:
      `on ${m} examples the best of ${scan.probes.length} learning rates only gets the loss to ${fmt(reached)} in 500 Adam steps; ` +
      `the constant predictor gives ${fmt(base20)}`,
    why:
      'any working network can memorize 20 examples; failing to means something structural is broken (a wrong gradient, ' +
      'dead or saturated units, an output that cannot reach the targets)',
    fix: 'see the other findings; run the gradient check (gradCheck)',
    fixOptions: {},
    evidence: { reached, baseline: base20 },
  });
  return scan;
}

function weightNorm(network: Network): number {
  let s = 0;
  for (const ref of network.parameterRefs)
    if (ref.parameter.regularize) s += rms(ref.parameter.value) ** 2 * ref.parameter.value.length;
  return Math.sqrt(s);
}

const describePenalties = (regs: readonly { name: string; lambda: number }[]) =>
  regs.map((q) => `${q.name} λ=${fmt(q.lambda)}`).join(', ') || 'none';

/**
 * 3. More regularization raises the data loss and shrinks the weights: every penalty made 100×
 * stronger (or, without penalties, an L2 of λ = m/2), on the same layer objects.
 */
function regularizationCheck(network: Network, small: Small, rate: number, report: SanityReport): void {
  const { x, y, baseline } = small;
  const m = x.rows;
  const stronger =
    network.regularizers.length > 0
      ? network.regularizers.map((q) => strengthen(q, Math.max(100, (0.5 * m) / Math.max(q.lambda, 1e-12))))
      : [l2(0.5 * m)];
  const runWith = (regs: readonly Regularizer[]) =>
    preserving(network, () =>
      withPenalties(network, regs, (net) => {
        net.params.set(network.params);
        train(net, x, y, MEMORIZER, rate, 500);
        return { data: net.computeLoss(x, y, { data: true, penalties: false }).data, norm: weightNorm(net) };
      }),
    );
  const a = runWith(network.regularizers);
  const b = runWith(stronger);
  report.probes += 2;
  // judged only when the run with the current penalties fits something (else they already swamp it)
  const ok =
    !(Number.isFinite(a.data) && Number.isFinite(b.data)) ||
    a.data > 0.5 * baseline ||
    (b.data > a.data && b.norm < a.norm);
  const change = `${describePenalties(network.regularizers)} → ${describePenalties(stronger)}`;
  report.checks.push({
    name: 'more regularization raises the loss',
    passed: ok,
    observed: `penalties ${change}: data loss ${fmt(a.data)} → ${fmt(b.data)}, weight norm ${fmt(a.norm)} → ${fmt(b.norm)}`,
  });
  if (ok) return;
  report.findings.push({
    rule: 'sanity-regularization',
    severity: 'warning',
    observed:
      `strengthening the penalties (${change}) changed the data loss ${fmt(a.data)} → ${fmt(b.data)} ` +
      `and the norm of the penalized weights ${fmt(a.norm)} → ${fmt(b.norm)} after 500 steps on ${m} examples`,
    why:
      'a stronger penalty must pull the weights toward 0 and so fit the data less closely; if it does not, the penalty ' +
      "or its gradient is not reaching the update (the seed's bug: Σw in the cost, nothing in the gradient)",
    fix: "make the penalty's gradient match its cost (gradCheck names the penalty)",
    fixOptions: {},
    evidence: { dataBefore: a.data, dataAfter: b.data, normBefore: a.norm, normAfter: b.norm },
  });
}
