// The doctor's findings about the network and its training (rules 1–5, 7, 8): each looks at probes
// or statistics and returns a finding with the numbers it saw. Findings about the data alone are in
// doctor-data.ts, those that train their own probes in doctor-training-rules.ts; the list of rules,
// their order and the probes they share are in doctor-registry.ts and doctor-context.ts.

import type { Matrix } from '../matrix.js';
import { Dense } from '../nn/dense.js';
import { defaultInitializer } from '../nn/initializers.js';
import type { Network } from '../nn/network.js';
import type { TargetInfo } from './doctor-data.js';
import type { LayerStats, Probe, RateScan } from './doctor-probe.js';
import { preserving, rms, train } from './doctor-probe.js';
import { exact, fmt, optionsFix, optionsText, pct, type Finding } from './doctor-types.js';

/** The output activation's name ('linear' for layers without one). */
export function outputName(network: Network): string {
  return network.layers[network.layers.length - 1].activation?.name ?? 'linear';
}

/** Lowest target value the output activation can produce comfortably (leaky slopes count as 0). */
const LOW: Record<string, number> = {
  relu: 0,
  leakyRelu: 0,
  softplus: 0,
  sigmoid: 0,
  softmax: 0,
  tanh: -1,
  elu: -1,
  gelu: -0.17,
};
const HIGH: Record<string, number> = { sigmoid: 1, softmax: 1, tanh: 1 };

/** Rule 1, the part that needs no training: targets outside the output activation's range. */
export function outputRangeFinding(network: Network, y: Matrix, targets: TargetInfo): Finding | null {
  const loss = network.loss;
  if (loss.name === 'softmaxCrossEntropy') return softmaxTargetsFinding(y);
  if (loss.name === 'binaryCrossEntropy') {
    if (targets.min < 0 || targets.max > 1) {
      return {
        rule: 'output-activation',
        severity: 'error',
        observed: `a sigmoid output (binary cross-entropy) gives values in (0, 1), but the targets span [${fmt(targets.min)}, ${fmt(targets.max)}]`,
        why: 'binary cross-entropy treats each target as the probability of class 1; values outside [0, 1] are not probabilities',
        fix: `${optionsText({ loss: 'mse', output: 'linear' })} (regression), or encode the labels as 0/1`,
        fixOptions: { loss: 'mse', output: 'linear' },
      };
    }
    return null;
  }
  return regressionRangeFinding(outputName(network), y, targets);
}

/** Softmax cross-entropy: target rows that do not sum to 1 (an error), or soft labels (a note). */
function softmaxTargetsFinding(y: Matrix): Finding | null {
  let off = 0;
  let notOneHot = 0;
  for (let r = 0; r < y.rows; r++) {
    let s = 0;
    let hot = 0;
    for (let c = 0; c < y.cols; c++) {
      const v = y.data[r * y.cols + c];
      s += v;
      if (v === 1) hot++;
      else if (v !== 0) hot = -Infinity;
    }
    if (Math.abs(s - 1) > 1e-6) off++;
    if (hot !== 1) notOneHot++;
  }
  if (off > 0) {
    return {
      rule: 'output-activation',
      severity: 'error',
      observed: `softmax outputs sum to 1 in every row, but ${off} of ${y.rows} target rows do not (e.g. they hold several 1s or none)`,
      why:
        'softmax cross-entropy compares each row with a probability distribution over classes; targets that are not ' +
        'one-hot (or at least sum to 1) cannot be matched and the loss pushes the logits without bound',
      fix:
        "for one label per example, encode it one-hot (task 'multiclass'); for several independent labels, " +
        optionsText({ loss: 'binaryCrossEntropy', output: 'sigmoid' }),
      fixOptions: { loss: 'binaryCrossEntropy', output: 'sigmoid' },
      evidence: { rowsNotSummingToOne: off },
    };
  }
  if (notOneHot > 0) {
    return {
      rule: 'output-activation',
      severity: 'info',
      observed: `${notOneHot} of ${y.rows} target rows are distributions rather than one-hot labels`,
      why: 'soft labels are fine for softmax cross-entropy (label smoothing, distillation); the loss cannot reach 0 then',
      fix: 'nothing, if the soft labels are intended',
      fixOptions: {},
    };
  }
  return null;
}

/** A regression loss: targets outside the output activation's range. */
function regressionRangeFinding(out: string, y: Matrix, targets: TargetInfo): Finding | null {
  if (out === 'linear') return null;
  const low = LOW[out];
  const high = HIGH[out];
  let below = 0;
  let above = 0;
  for (let i = 0; i < y.data.length; i++) {
    if (low !== undefined && y.data[i] < low) below++;
    if (high !== undefined && y.data[i] > high) above++;
  }
  if (out === 'softmax' && y.cols === 1) {
    return {
      rule: 'output-activation',
      severity: 'error',
      observed: 'softmax over a single output is the constant 1 for every input',
      why: 'softmax normalizes across the outputs of each example; with one output nothing can be learned',
      ...optionsFix({ output: 'linear' }),
    };
  }
  if (below + above === 0) return null;
  const n = y.data.length;
  const range = `${low !== undefined ? (out === 'leakyRelu' ? '≈ [0' : `[${low}`) : '(−∞'}, ${high !== undefined ? `${high}]` : '∞)'}`;
  return {
    rule: 'output-activation',
    severity: 'error',
    observed:
      `the ${out} output gives values in ${range}${out === 'leakyRelu' ? ' (below 0 only with slope 0.01)' : ''}, but ` +
      `${pct((below + above) / n)} of the targets lie outside it (targets span [${fmt(targets.min)}, ${fmt(targets.max)}])`,
    why:
      'the network can never output those targets, so the loss stays high however long it trains; a regression ' +
      'output should be linear (no activation) unless the targets are bounded exactly like the activation',
    ...optionsFix({ output: 'linear' }),
    evidence: { outside: (below + above) / n },
  };
}

/** A longer run's evidence: loss halfway and at the end, and where the output units sit. */
export interface OutputRun {
  rate: number;
  steps: number;
  half: number;
  final: number;
  /** share of examples whose output pre-activation sits where the activation's slope is ≤ 10% of its peak */
  flatShare: number;
}

/** Where an output activation's slope is at most 10% of its peak, as a test on the pre-activation z. */
export function flatRegion(name: string): ((z: number) => boolean) | null {
  switch (name) {
    case 'relu':
    case 'leakyRelu':
    case 'gelu':
      return (z) => z < 0;
    case 'elu':
      return (z) => z < -2.3;
    case 'softplus':
      return (z) => z < -2.2;
    case 'sigmoid':
      return (z) => Math.abs(z) > 3.6;
    case 'tanh':
      return (z) => Math.abs(z) > 1.8;
    default:
      return null;
  }
}

/** `steps` steps at `rate` (rows weighted by `w`): the loss halfway and at the end, and the share of examples in the output's flat region. */
export function outputRun(
  network: Network,
  x: Matrix,
  y: Matrix,
  optimizer: string,
  rate: number,
  steps: number,
  w?: Float64Array,
): OutputRun {
  let half = NaN;
  return preserving(network, () => {
    const onStep = (s: number) => {
      if (s === steps / 2) half = network.computeLoss(x, y, { data: true, penalties: false }, w).data;
    };
    const p = train(network, x, y, optimizer, rate, steps, onStep, w);
    network.forward(x);
    const last = network.layers[network.layers.length - 1];
    const flat = flatRegion(last.activation?.name ?? 'linear');
    let inFlat = 0;
    const z = last.preActivation?.();
    if (flat && z) for (let i = 0; i < z.data.length; i++) if (flat(z.data[i])) inFlat++;
    return { rate, steps: p.steps, half, final: p.finalData, flatShare: z ? inFlat / z.data.length : 0 };
  });
}

/**
 * Rule 1 for a non-linear regression output whose range does hold the targets: the network as it
 * is against the same weights with a linear output, each trained at its recommended rate. Evidence:
 * the share of examples stuck where the output's slope is small, whether the loss has stalled
 * while the linear output's keeps falling, and the ratio of the two losses.
 */
export function outputCounterfactualFinding(
  network: Network,
  current: OutputRun,
  linear: OutputRun,
): Finding {
  const out = outputName(network);
  const ratio = current.final / linear.final;
  const stalled = current.final > 0.9 * current.half;
  const falling = linear.final < 0.8 * linear.half;
  // a tenth of the examples stuck on the flat part is evidence on its own; a stall while the linear output keeps
  // falling, or a 3× gap, with at least 5%
  const severity =
    ratio >= 10
      ? 'error'
      : current.flatShare >= 0.1 || (current.flatShare >= 0.05 && ((stalled && falling) || ratio >= 3))
        ? 'warning'
        : 'info';
  const slope =
    out === 'leakyRelu'
      ? 'its slope is 0.01'
      : out === 'relu'
        ? 'its slope is 0'
        : 'its slope is under 10% of its peak';
  return {
    rule: 'output-activation',
    severity,
    observed:
      `regression with a ${out} output: after ${current.steps} steps at learning rate ${exact(current.rate)}, ${pct(current.flatShare)} of the examples ` +
      `sit where ${slope}, and the loss ${stalled ? 'has stalled' : 'is'} at ${fmt(current.final)} (${fmt(current.half)} at step ${current.steps / 2}); ` +
      `the same weights with a linear output go ${fmt(linear.half)} → ${fmt(linear.final)}${falling ? ' and keep falling' : ''}` +
      (ratio >= 1.5 ? ` (${fmt(ratio)}× lower)` : ''),
    why:
      `a ${out} output bends part of its range: examples whose output lands there get ${out === 'relu' ? 'no' : 'a tiny'} gradient, so the ` +
      'fit stalls for them; a regression output is normally linear (no activation)',
    ...optionsFix({ output: 'linear' }),
    evidence: { ratio, flatShare: current.flatShare, current: current.final, linear: linear.final },
  };
}

/** Rule 2: the loss does not match the targets. */
export function lossTaskFinding(network: Network, targets: TargetInfo, y: Matrix): Finding | null {
  const loss = network.loss;
  if (loss.kind === 'regression' && (targets.binary || targets.oneHot)) {
    const multi = targets.oneHot;
    const fixOptions = multi
      ? { loss: 'softmaxCrossEntropy', output: 'softmax' }
      : { loss: 'binaryCrossEntropy', output: 'sigmoid' };
    return {
      rule: 'loss-task',
      severity: 'warning',
      observed: multi
        ? `the targets are one-hot class labels (${y.cols} classes) but the loss is ${loss.name}`
        : `every target is 0 or 1 (${pct(targets.mean[0])} ones over ${y.rows} examples) but the loss is ${loss.name}`,
      why:
        `${loss.name} treats labels as numbers to approach; cross-entropy measures the probability given to the right ` +
        'class, keeps a strong gradient when a prediction is confidently wrong (mse through a sigmoid does not) and gives calibrated probabilities',
      ...optionsFix(fixOptions),
    };
  }
  if (loss.kind === 'regression' && targets.integerCodes > 0) {
    return {
      rule: 'loss-task',
      severity: 'info',
      observed: `the targets take only ${targets.integerCodes} integer values (${fmt(targets.min)} … ${fmt(targets.max)})`,
      why: 'if these are class codes, regression imposes an order and distances between classes that do not exist',
      fix: `if they are classes, one-hot encode them (task 'multiclass') and use ${optionsText({ loss: 'softmaxCrossEntropy', output: 'softmax' })}`,
      fixOptions: { loss: 'softmaxCrossEntropy', output: 'softmax' },
    };
  }
  if (loss.name === 'binaryCrossEntropy' && targets.fractional > 0.2 && targets.distinct > 10) {
    return {
      rule: 'loss-task',
      severity: 'warning',
      observed: `${pct(targets.fractional)} of the targets lie strictly between 0 and 1 (${targets.distinct} distinct values) but the loss is binaryCrossEntropy`,
      why:
        'cross-entropy expects class labels (0/1) or probabilities; continuous measurements are a regression task, ' +
        'where mse with a linear output fits them directly',
      ...optionsFix({ loss: 'mse', output: 'linear' }),
    };
  }
  return null;
}

export interface RateContext {
  optimizer: string;
  rate: number;
  epochs: number;
  stepsPerEpoch: number;
  steps: number;
  /** the run at the user's rate, on the user's network */
  user: Probe;
  /** the scan on the network with the structural fixes applied */
  scan: RateScan;
  /** a run at the rate that moves the fixed network as far in `long.steps` steps as the user's whole run, when smaller than the recommended one */
  equivalent?: Probe;
  /** a run of as many steps at the recommended rate */
  long?: Probe;
  /** whether the scan ran on a network with other fixes (named) applied */
  fixedBy?: string;
  /** per-layer update / weight ratio at the user's rate */
  updateRatio: number[];
  /** the loss of the best constant prediction */
  baseline: number;
}

/** Rule 3: learning rate too large (diverges, grows, oscillates) or too small (the whole run barely moves the loss). */
export function learningRateFinding(c: RateContext): Finding | null {
  const rec = c.scan.recommended;
  if (rec === undefined || !c.scan.best) return null;
  const best = c.scan.best;
  const fix = optionsFix({ learningRate: rec });
  const tried = `${c.scan.probes.length} rates from ${fmt(c.scan.probes[0].rate)} to ${fmt(c.scan.probes[c.scan.probes.length - 1].rate)}`;
  const where = c.fixedBy ? ` (with ${c.fixedBy})` : '';
  const ratios = c.updateRatio.length
    ? `; update/weight ratio per layer ${c.updateRatio.map(fmt).join(', ')} (healthy ≈ 1e-3)`
    : '';
  const u = c.user;
  if (u.diverged || u.grew || u.oscillating) {
    const what = u.diverged
      ? `diverged (to NaN/Infinity or 10⁴× its start) within ${u.steps + 1} step${u.steps ? 's' : ''}`
      : u.grew
        ? `rose from ${fmt(u.initial)} to ${fmt(u.final)} in ${u.steps} steps`
        : `oscillated (ended at ${fmt(u.final)}, ${fmt(u.final / u.lowest)}× its low of ${fmt(u.lowest)})`;
    return {
      rule: 'learning-rate',
      severity: 'error',
      observed:
        `learning rate too large: at ${exact(c.rate)} (${c.optimizer}) the loss ${what}${ratios}; of ${tried}${where}, ` +
        `${best.rate} gave the lowest loss after ${best.steps} steps (${fmt(best.finalData)})`,
      why:
        'each step overshoots the minimum along the steepest directions of the loss, so the loss grows instead of falling; ' +
        'the recommended rate keeps a margin below the largest stable one',
      ...fix,
      evidence: { recommended: rec, best: best.rate },
    };
  }
  const e = c.equivalent;
  const l = c.long;
  if (!e || e.diverged || !l || l.diverged) return null;
  const ratio = e.finalData / l.finalData;
  // too small: the rate is far (≥ 30×) below the recommended one, the whole run stays a poor fit (above 1%
  // of the constant predictor's loss: R² < 0.99 for mse), and a run of only as many steps as the compressed
  // one, at the recommended rate, ends ≥ 3× lower. A rate within 30× of the recommended one is left alone:
  // a long enough run at it is fine (Adam at its default 1e-3 against a recommended 0.02 is not a diagnosis).
  if (rec >= 30 * c.rate && e.finalData > 0.01 * c.baseline && ratio >= 3) {
    const total = c.epochs * c.stepsPerEpoch;
    return {
      // an error when the whole run explains less than 90% of the variance (mse), a warning when it only falls short
      rule: 'learning-rate',
      severity: e.finalData > 0.1 * c.baseline ? 'error' : 'warning',
      observed:
        `learning rate too small: at ${exact(c.rate)} (${c.optimizer}) ${u.steps} steps move the loss from ${fmt(u.initial)} to ` +
        `${fmt(u.final)} (${pct(Math.max(0, (u.initial - u.final) / u.initial))} lower)${ratios}. Your ${total} steps move the weights about as ` +
        `far as ${e.steps} steps at ${fmt(e.rate)}, which end at ${fmt(e.finalData)}${where}; ${l.steps} steps at the recommended ${rec} ` +
        `reach ${fmt(l.finalData)} (${fmt(ratio)}× lower; of ${tried}, ${best.rate} was fastest over ${best.steps} steps)`,
      why:
        'the weights change by rate × gradient per step; at this rate the whole run covers a small fraction of the distance ' +
        'to a good fit, so the loss looks stuck. The recommended rate is one step below the fastest stable one tried, a margin ' +
        'for the curvature growing as training goes on',
      ...fix,
      evidence: { recommended: rec, best: best.rate, ratio },
    };
  }
  return null;
}

/** Half the layer's units saturated on (almost) every example, or three quarters of all unit outputs flat. */
function saturatedLayer(s: LayerStats): boolean {
  return s.saturated >= 0.5 * s.units || s.flat >= 0.75;
}

/** Rule 4: dead ReLU units and saturated tanh/sigmoid units, per hidden layer. */
export function unitFindings(stats: LayerStats[], network: Network): Finding[] {
  const found: Finding[] = [];
  const hidden = stats.filter((s) => s.layer < network.layers.length - 1);
  const deadLayers = hidden.filter((s) => s.dead > 0 && s.dead >= 0.75 * s.units);
  if (deadLayers.length > 0) {
    const all = deadLayers.some((s) => s.dead === s.units);
    found.push({
      rule: 'dead-units',
      severity: all ? 'error' : 'warning',
      observed: `dead ReLU units (0 for every example): ${hidden.map((s) => `layer ${s.layer}: ${s.dead}/${s.units} (${pct(s.dead / s.units)})`).join(', ')}`,
      why:
        'a ReLU unit that is 0 for every input has zero gradient, so it never changes again' +
        (all
          ? '; a whole dead layer makes the output the same for every input'
          : '; the network works with a fraction of its units'),
      ...optionsFix({ activation: 'leakyRelu' }),
      evidence: { deadShare: Math.max(...deadLayers.map((s) => s.dead / s.units)) },
    });
  }
  const satLayers = hidden.filter(saturatedLayer);
  if (satLayers.length > 0) {
    found.push({
      rule: 'saturated-units',
      severity: satLayers.some((s) => s.saturated === s.units) ? 'error' : 'warning',
      observed:
        `saturated units (derivative below 5% of its peak on ≥ 95% of the examples): ` +
        hidden
          .filter((s) => s.activation === 'tanh' || s.activation === 'sigmoid')
          .map(
            (s) =>
              `layer ${s.layer} ${s.activation}: ${s.saturated}/${s.units} (${pct(s.saturated / s.units)}; ${pct(s.flat)} of unit outputs flat)`,
          )
          .join(', '),
      why:
        'a saturated tanh/sigmoid passes almost no gradient, so the layers below it stop learning; large inputs or large ' +
        'initial weights push units there',
      // the rule knows whether scaling is the cause; the attribution pass whether initialization is
      ...optionsFix({ activation: 'relu' }),
      evidence: { saturatedShare: Math.max(...satLayers.map((s) => s.saturated / s.units)) },
    });
  }
  return found;
}

/** Rule 5: per-layer gradient RMS, first layer against last. */
export function gradientFinding(
  grads: { layer: number; gradRms: number; weightRms: number }[],
  network: Network,
): Finding | null {
  if (grads.length < 2) return null;
  const bad = grads.filter((g) => !Number.isFinite(g.gradRms));
  const list = grads.map((g) => `layer ${g.layer}: ${fmt(g.gradRms)}`).join(', ');
  const hidden = network.layers[0].activation?.name ?? 'linear';
  if (bad.length > 0) {
    return {
      rule: 'exploding-gradients',
      severity: 'error',
      observed: `non-finite gradients at the current weights (${list})`,
      why: 'a NaN or infinite gradient destroys the weights at the first step',
      fix: `${optionsText({ init: defaultInitializer(hidden as never) })} and a smaller learningRate`,
      fixOptions: { init: defaultInitializer(hidden as never) },
    };
  }
  const first = grads[0].gradRms;
  const last = grads[grads.length - 1].gradRms;
  const ratio = first / last;
  if (last > 0 && ratio < 1e-3) {
    const saturating = hidden === 'sigmoid' || hidden === 'tanh';
    const fixOptions = saturating ? { activation: 'relu' } : { init: defaultInitializer(hidden as never) };
    return {
      rule: 'vanishing-gradients',
      severity: 'warning',
      observed: `weight-gradient RMS per layer (input → output): ${list}; the first layer gets ${fmt(ratio)}× the last layer's gradient`,
      why:
        'each layer multiplies the backward signal by its weights and activation slopes; when that product is below 1 the ' +
        'signal shrinks geometrically with depth, and the first layers barely learn' +
        (saturating
          ? ` (${hidden} has slope ≤ ${hidden === 'sigmoid' ? '0.25' : '1'} and less when saturated)`
          : ''),
      ...optionsFix(fixOptions),
      evidence: { ratio },
    };
  }
  const worst = grads.reduce((a, g) => (g.gradRms / g.weightRms > a.gradRms / a.weightRms ? g : a));
  const steep = worst.weightRms > 0 ? worst.gradRms / worst.weightRms : 0;
  if (steep > 1e3) {
    const init = defaultInitializer(hidden as never);
    return {
      rule: 'exploding-gradients',
      severity: 'warning',
      observed:
        `weight-gradient RMS per layer (input → output): ${list}; layer ${worst.layer}'s gradient is ${fmt(steep)}× its weights' RMS ` +
        `(${fmt(worst.weightRms)}), so even a learning rate of 1e-3 would change those weights by more than their own size in one step`,
      why:
        'gradients that dwarf the weights come from activations or initial weights that grow layer by layer; gradient ' +
        'descent then needs a rate so small that the rest of the network cannot learn',
      ...optionsFix({ init }),
      evidence: { ratio: steep },
    };
  }
  if (first > 0 && ratio > 1e3) {
    return {
      rule: 'exploding-gradients',
      severity: 'warning',
      observed: `weight-gradient RMS per layer (input → output): ${list}; the first layer gets ${fmt(ratio)}× the last layer's gradient`,
      why:
        'when each layer multiplies the backward signal by more than 1 it grows geometrically with depth: the first ' +
        'layers take huge steps while the last barely move, and no single learning rate suits both',
      ...optionsFix({ init: defaultInitializer(hidden as never) }),
      evidence: { ratio },
    };
  }
  return null;
}

/** The standard deviation the activation's usual initializer gives a layer. */
function recommendedStd(activation: string, fanIn: number, fanOut: number): number {
  const name = defaultInitializer(activation as never);
  return name.startsWith('he') ? Math.sqrt(2 / fanIn) : Math.sqrt(2 / (fanIn + fanOut));
}

/** Rule 7: all-zero or symmetric hidden weights; initial weights far too large for the activation. */
export function initializationFinding(
  network: Network,
  stats: LayerStats[],
  trained: boolean,
): Finding | null {
  const layers = network.layers;
  for (let l = 0; l < layers.length - 1; l++) {
    const d = layers[l];
    if (!(d instanceof Dense) || d.outputSize < 2) continue;
    const w = d.weight.value;
    const b = d.bias.value;
    const I = d.inputSize;
    const O = d.outputSize;
    let symmetric = true;
    for (let o = 1; o < O && symmetric; o++) {
      if (b[o] !== b[0]) symmetric = false;
      for (let i = 0; i < I && symmetric; i++) if (w[i * O + o] !== w[i * O]) symmetric = false;
    }
    if (symmetric) {
      const allZero = rms(w) === 0;
      const act = d.activation.name;
      const init = defaultInitializer(act);
      return {
        rule: 'initialization',
        severity: 'error',
        observed: `layer ${l}'s ${O} units start ${allZero ? 'with all-zero weights' : 'with identical weights'} (every column of its weight matrix is the same)`,
        why:
          'identical units compute the same output and receive the same gradient, so they stay identical forever: ' +
          `the layer acts as a single unit. Random initialization breaks the symmetry`,
        ...optionsFix({ init }),
      };
    }
  }
  if (trained) return null;
  for (let l = 0; l < layers.length - 1; l++) {
    const d = layers[l];
    if (!(d instanceof Dense)) continue;
    const act = d.activation.name;
    const want = recommendedStd(act, d.inputSize, d.outputSize);
    const have = rms(d.weight.value);
    const st = stats.find((s) => s.layer === l);
    if ((act === 'sigmoid' || act === 'tanh') && have > 4 * want && st && saturatedLayer(st)) {
      const init = defaultInitializer(act);
      return {
        rule: 'initialization',
        severity: 'warning',
        observed:
          `layer ${l} (${act}) starts with weights of RMS ${fmt(have)}, ${fmt(have / want)}× what ${init} gives (${fmt(want)}); ` +
          `${st.saturated}/${st.units} of its units are saturated`,
        why:
          `large initial weights drive ${act} units into their flat tails, where the gradient vanishes; Glorot & Bengio (2010) ` +
          'chose the variance 2/(fanIn + fanOut) to keep them in their responsive range',
        ...optionsFix({ init }),
        evidence: { ratio: have / want },
      };
    }
  }
  return null;
}

/** Rule 8: the loss never leaves the baseline (best constant prediction). */
export function baselineFinding(
  best: Probe | undefined,
  baseline: number,
  tried: number,
  classification = false,
): Finding | null {
  const reached = best ? best.finalData : NaN;
  if (baseline === 0)
    // a constant target: the constant predictor is exact, and the rule's question has no answer
    return {
      rule: 'baseline-loss',
      severity: 'error',
      observed: `every target holds the same value: predicting it gives a loss of 0, which no network can beat${best ? ` (the best probe reached ${fmt(reached)})` : ''}`,
      why: 'a constant target has nothing to learn from the inputs',
      fix: 'check the target column and the rows given (a filter that kept one class or one value?)',
      fixOptions: {},
      evidence: { baseline, reached },
    };
  if (best && reached < 0.9 * baseline) return null;
  return {
    rule: 'baseline-loss',
    severity: 'error',
    observed:
      `even at the best of ${tried} learning rates the loss ${best ? `reaches only ${fmt(reached)} in ${best.steps} steps` : 'never decreases'}; ` +
      `predicting ${classification ? 'the class frequencies' : 'the mean target'} for every input gives ${fmt(baseline)}`,
    why:
      "a network stuck at the constant predictor's loss is using nothing of its inputs: dead or saturated units, a broken " +
      'gradient, or targets unrelated to the inputs',
    fix: 'see the other findings; if there are none, check that the targets depend on the inputs (and the sanity checks)',
    fixOptions: {},
    evidence: { baseline, reached },
  };
}
