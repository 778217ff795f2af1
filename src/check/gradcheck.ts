// gradCheck(): compares a network's analytic gradient (backward) with central differences of its
// cost, for every parameter (or a seeded sample) and for the input, term by term — the data loss,
// each penalty alone, and the total — and returns a report a person can act on.
// It perturbs network.params in place and restores every value exactly; it never copies the network.
// The numeric method and the error measure are documented in gradcheck-numeric.ts; kinks in
// gradcheck-kinks.ts; the two sides of the comparison in gradcheck-run.ts; the summaries, suspects
// and verdict in gradcheck-summary.ts; how a failure is traced to one component in gradcheck-localize.ts.
//
//   const report = gradCheck(net, x, y);          // report.verdict: 'pass' | 'fail' | 'inconclusive'
//   console.log(formatGradCheckReport(report));   // or JSON.stringify(report)
//
// Compared with PyTorch's torch.autograd.gradcheck (eps 1e-6, atol 1e-5, rtol 1e-3, one boolean):
// the same step, a tolerance 100× tighter made safe by Richardson extrapolation and a floor derived
// from the rounding error, kinks set aside instead of failing, the cost split into its terms, and a
// failure traced to the loss, layer or penalty that causes it.

import { OptionError, checkBoolean, checkNumber, unknownName } from '../errors.js';
import { checkSameRows, gatherRows, toMatrix, zeros, type Matrix, type MatrixLike } from '../matrix.js';
import type { Network } from '../nn/network.js';
import { Random } from '../random.js';
import { gatherWeights, rowWeights, type ClassWeight } from '../train/sample-weights.js';
import { ROUNDING_FACTOR, sampleIndices, type EntryStatus } from './gradcheck-numeric.js';
import {
  NumericSide,
  RETRY_DIVISOR,
  TermSet,
  analyticGradients,
  basePoint,
  sampleEntries,
  type EntryResults,
  type Settings,
} from './gradcheck-run.js';
import { findSuspects, summarize, verdictOf, worstEntries, fmt, type Compared } from './gradcheck-summary.js';

export { fmt } from './gradcheck-summary.js';

export interface GradCheckOptions {
  /** Relative step: h = epsilon·max(1, |θ|). Default 1e-6. */
  epsilon?: number;
  /** Largest accepted error |a − n| / max(|a|, |n|, floor). Default 1e-5. */
  tolerance?: number;
  /** Check at most this many parameters (a seeded sample, every buffer represented). Default 1000. */
  maxParameters?: number;
  /** Check at most this many input entries (seeded sample). Default 256. */
  maxInputs?: number;
  /** Check on at most this many examples (rows of x and y; a seeded sample). Default 1000. */
  maxExamples?: number;
  /** Check ∂cost/∂x as well. Default true. */
  inputs?: boolean;
  /** Seed of the sampling. Default 0. */
  seed?: number;
  /** Verdict 'inconclusive' when a larger fraction of some term's entries is set aside. Default 0.5. */
  maxSetAside?: number;
  /** How many of the worst entries the report lists. Default 10. */
  worst?: number;
  /** On failure, check the loss and each layer alone to say which one is wrong. Default true. */
  localize?: boolean;
  /** Check the weighted loss: one weight per row of x (as fit's sampleWeight). */
  sampleWeight?: ArrayLike<number>;
  /** Check the class-weighted loss (as fit's classWeight: 'balanced' or { label: weight }). */
  classWeight?: ClassWeight;
}

export type GradCheckVerdict = 'pass' | 'fail' | 'inconclusive';
export type GradCheckStatus = EntryStatus;

/** One checked number: a parameter entry or an input entry, for one term of the cost. */
export interface GradCheckEntry {
  /** 'data', a penalty name ('l2', 'l1', …) or 'total' */
  term: string;
  layer: number;
  layerType: string;
  /** 'weight', 'bias', a custom layer's parameter name, or 'input' (∂cost/∂x) */
  kind: string;
  /** index in the parameter buffer (row-major), or in x */
  index: number;
  /** index unravelled by shape: [input, output] for a dense weight, [row, column] for x */
  position: number[];
  value: number;
  step: number;
  analytic: number;
  numeric: number;
  error: number;
  status: GradCheckStatus;
}

/** Counts shared by a term's summary and a buffer's: how many entries, and what became of them. */
export interface GradCheckCounts {
  checked: number;
  judged: number;
  failed: number;
  /** set aside: the ±h step crossed a kink */
  kinks: number;
  /** set aside: D(h) and D(2h) disagree (the cost is not smooth at this scale) */
  unstable: number;
  worstError: number;
}

export interface GradCheckTermSummary extends GradCheckCounts {
  term: string;
  /** the term's value at the checked point */
  value: number;
  /** ‖a − n‖ / (‖a‖ + ‖n‖) over all checked entries of this term, set-aside ones included */
  textbook: number;
  /** the same over the judged entries only */
  textbookJudged: number;
}

/** Entries of one buffer (layer × kind) for one term. */
export interface GradCheckGroup extends GradCheckCounts {
  term: string;
  layer: number;
  layerType: string;
  kind: string;
  size: number;
}

/** Where a failure comes from, most specific first. */
export interface GradCheckSuspect {
  component: 'loss' | 'layer' | 'penalty' | 'network';
  /** the loss name, the layer type, or the penalty name */
  name: string;
  layer?: number;
  kind?: string;
  worstError: number;
  message: string;
}

export interface GradCheckReport {
  verdict: GradCheckVerdict;
  /** one sentence: the verdict and why */
  summary: string;
  network: { layers: string[]; parameters: number; loss: string; fromLogits: boolean; penalties: string[] };
  /** rows of x and y the check ran on (a seeded sample when there were more than maxExamples) */
  examples: { total: number; checked: number; sampled: boolean };
  parameters: { total: number; checked: number; sampled: boolean; seed: number };
  inputs: { total: number; checked: number; sampled: boolean };
  step: { rule: string; epsilon: number; smallest: number; largest: number };
  tolerance: { error: number; floor: string; roundingFactor: number; maxSetAside: number };
  terms: GradCheckTermSummary[];
  /** per term, layer and kind */
  groups: GradCheckGroup[];
  setAside: {
    kinks: number;
    unstable: number;
    /** entries whose step crossed a kink, by source ('layer 0 leakyRelu', 'loss mae', 'penalty l1') */
    bySource: { source: string; entries: number }[];
  };
  /** the failing entries first, then the largest errors; each checked number once (its worst term) */
  worst: GradCheckEntry[];
  suspects: GradCheckSuspect[];
  /** a second backward at the same point gave bit-identical gradients */
  deterministic: boolean;
  /** every parameter holds its original value, bit for bit */
  restored: boolean;
  seconds: number;
}

const optionNames = [
  'epsilon',
  'tolerance',
  'maxParameters',
  'maxInputs',
  'maxExamples',
  'inputs',
  'seed',
  'maxSetAside',
  'worst',
  'localize',
  'sampleWeight',
  'classWeight',
];

/**
 * Checks network's backward pass against central differences at the point (x, y).
 * The network's parameters are perturbed in place and restored exactly; on return `grads` holds
 * the total gradient at (x, y).
 */
export function gradCheck(
  network: Network,
  x: MatrixLike,
  y: MatrixLike,
  options: GradCheckOptions = {},
): GradCheckReport {
  const started = performance.now();
  const settings = resolveOptions(network, options);
  const { X, Y, examplesTotal } = checkPoint(network, x, y, settings, options);
  const params = network.params as Float64Array;
  const original = Float64Array.from(params);
  const terms = new TermSet(network);
  const analytic = analyticGradients(network, X, Y, terms, settings.checkInputs, settings.weights);
  const base = basePoint(network, X, Y, terms, settings.weights);
  // (a layer that returns no input gradient when asked for one leaves nothing to compare)
  const inputCount =
    settings.checkInputs && analytic.analyticInput[0] ? Math.min(X.data.length, settings.maxInputs) : 0;
  const { entries, parametersChecked } = sampleEntries(
    network.parameterRefs,
    X.data.length,
    inputCount,
    settings,
  );
  const results = new NumericSide(network, X, Y, terms, base, analytic, settings, entries).run();
  const compared: Compared = { network, X, terms, values: base.values, results };
  const summaries = summarize(compared);
  const worst = worstEntries(compared, summaries, settings.worstCount);
  const suspects = findSuspects(compared, summaries, Y, base.predictions, settings);
  const verdict = verdictOf(summaries.terms, suspects, settings);
  const restored = restore(network, original, X, Y, settings.weights);
  return {
    verdict: verdict.verdict,
    summary: verdict.summary,
    network: describeNetwork(network),
    examples: { total: examplesTotal, checked: X.rows, sampled: X.rows < examplesTotal },
    parameters: {
      total: params.length,
      checked: parametersChecked,
      sampled: parametersChecked < params.length,
      seed: settings.seed,
    },
    inputs: { total: X.data.length, checked: inputCount, sampled: inputCount < X.data.length },
    step: describeStep(settings, results),
    tolerance: describeTolerance(settings),
    terms: summaries.terms,
    groups: summaries.groups,
    setAside: {
      kinks: verdict.kinks,
      unstable: verdict.unstable,
      bySource: [...results.kinkBySource].map(([source, n]) => ({ source, entries: n })),
    },
    worst,
    suspects,
    deterministic: analytic.deterministic,
    restored,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The options validated where they enter, with the bad value in the message. */
function resolveOptions(network: Network, options: GradCheckOptions): Settings {
  if (!network || typeof network.computeLoss !== 'function' || !network.params) {
    throw new OptionError('gradCheck needs a Network as its first argument', 'network');
  }
  if (typeof options !== 'object' || options === null)
    throw new OptionError(`gradCheck options must be an object, got ${options}`, 'options');
  for (const key of Object.keys(options))
    if (!optionNames.includes(key)) unknownName('gradCheck option', key, optionNames, key);
  const settings: Settings = {
    epsilon: checkNumber('epsilon', options.epsilon ?? 1e-6, { min: 0, max: 0.1, exclusiveMin: true }),
    tolerance: checkNumber('tolerance', options.tolerance ?? 1e-5, { min: 0, max: 1, exclusiveMin: true }),
    maxParameters: checkNumber('maxParameters', options.maxParameters ?? 1000, { integer: true, min: 1 }),
    maxInputs: checkNumber('maxInputs', options.maxInputs ?? 256, { integer: true, min: 0 }),
    maxExamples: checkNumber('maxExamples', options.maxExamples ?? 1000, { integer: true, min: 1 }),
    seed: checkNumber('seed', options.seed ?? 0, { integer: true, min: 0 }),
    maxSetAside: checkNumber('maxSetAside', options.maxSetAside ?? 0.5, { min: 0, max: 1 }),
    worstCount: checkNumber('worst', options.worst ?? 10, { integer: true, min: 0 }),
    checkInputs: checkBoolean('inputs', options.inputs ?? true),
    localize: checkBoolean('localize', options.localize ?? true),
  };
  if (!(network.params instanceof Float64Array)) {
    throw new OptionError(
      `gradCheck needs a float64 network (central differences in float32 measure rounding, not gradients); ` +
        `this one is ${network.dtype}: check a float64 copy, e.g. Network.fromJSON({ ...network.toJSON(), dtype: 'float64' })`,
      'network',
    );
  }
  return settings;
}

/**
 * The point checked: x and y as float64 matrices, a seeded sample of rows when there are more than
 * maxExamples; the rows' loss weights (from sampleWeight / classWeight) go into settings.weights.
 */
function checkPoint(
  network: Network,
  x: MatrixLike,
  y: MatrixLike,
  settings: Settings,
  options: GradCheckOptions,
): { X: Matrix; Y: Matrix; examplesTotal: number } {
  let X = toMatrix(x, 'x', network.inputSize, 'float64');
  let Y = toMatrix(y, 'y', network.outputSize, 'float64');
  checkSameRows(X, Y);
  network.loss.checkTargets?.(Y.data, Y.rows, Y.cols);
  let weights = rowWeights(options, Y, network.loss.kind === 'classification')?.loss ?? null;
  const examplesTotal = X.rows;
  const max = settings.maxExamples;
  if (X.rows > max) {
    // the check is about the code, not the data: a seeded sample of rows keeps each evaluation cheap
    const rows = sampleIndices(X.rows, max, new Random(settings.seed + 1));
    X = gatherRows(zeros(max, X.cols), X, rows);
    Y = gatherRows(zeros(max, Y.cols), Y, rows);
    weights = gatherWeights(weights, rows, 0, max);
  }
  settings.weights = weights ?? undefined;
  return { X, Y, examplesTotal };
}

/** Leaves the network as a training step would: parameters exactly as given, grads = total gradient. */
function restore(network: Network, original: Float64Array, X: Matrix, Y: Matrix, w?: Float64Array): boolean {
  const params = network.params;
  let restored = true;
  for (let i = 0; i < params.length; i++) {
    if (!Object.is(params[i], original[i])) {
      restored = false;
      params[i] = original[i];
    }
  }
  network.computeGradient(X, Y, undefined, false, w);
  return restored;
}

function describeNetwork(network: Network): GradCheckReport['network'] {
  return {
    layers: network.layers.map((l) => l.toString()),
    parameters: network.params.length,
    loss:
      typeof network.loss.spec === 'string'
        ? network.loss.name
        : `${network.loss.name} ${JSON.stringify(network.loss.spec)}`,
    fromLogits: network.lossFromLogits,
    penalties: network.regularizers.map((r) => `${r.name}(λ=${r.lambda})`),
  };
}

function describeStep(settings: Settings, results: EntryResults): GradCheckReport['step'] {
  return {
    rule:
      `central differences at h = ${fmt(settings.epsilon)}·max(1, |θ|) and 2h, Richardson-extrapolated: n = D(h) + (D(h) − D(2h))/3; ` +
      `entries whose steps cross a kink retried once at h/${RETRY_DIVISOR}`,
    epsilon: settings.epsilon,
    smallest: results.entries.length > 0 ? results.smallestStep : 0,
    largest: results.largestStep,
  };
}

function describeTolerance(settings: Settings): GradCheckReport['tolerance'] {
  return {
    error: settings.tolerance,
    floor:
      `error = |a − n| / max(|a|, |n|, floor), floor = (${ROUNDING_FACTOR}·ε_mach·S / h + |D(h) − D(2h)|) / ${fmt(settings.tolerance)}, ` +
      `S = |L| + Σ|∂L/∂p|·(|p| + |t|) (+ 1 + mean|z| for cross-entropies) for the data term, |penalty| for a penalty`,
    roundingFactor: ROUNDING_FACTOR,
    maxSetAside: settings.maxSetAside,
  };
}
