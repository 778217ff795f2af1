// gradCheck(): compares a network's analytic gradient (backward) with central differences of its
// cost, for every parameter (or a seeded sample) and for the input, term by term — the data loss,
// each penalty alone, and the total — and returns a report a person can act on.
// It perturbs network.params in place and restores every value exactly; it never copies the network.
// The numeric method and the error measure are documented in gradcheck-numeric.ts; kinks in
// gradcheck-kinks.ts; how a failure is traced to one component in gradcheck-localize.ts.
//
//   const report = gradCheck(net, x, y);          // report.verdict: 'pass' | 'fail' | 'inconclusive'
//   console.log(formatGradCheckReport(report));   // or JSON.stringify(report)
//
// Compared with PyTorch's torch.autograd.gradcheck (eps 1e-6, atol 1e-5, rtol 1e-3, one boolean):
// the same step, a tolerance 100× tighter made safe by Richardson extrapolation and a floor derived
// from the rounding error, kinks set aside instead of failing, the cost split into its terms, and a
// failure traced to the loss, layer or penalty that causes it.

import { OptionError, checkNumber, unknownName } from '../errors.js';
import type { FloatArray } from '../kernels/index.js';
import { checkSameRows, gatherRows, toMatrix, zeros, type Matrix, type MatrixLike } from '../matrix.js';
import type { Network, Terms } from '../nn/network.js';
import { Random } from '../random.js';
import { KinkWatch, straddles } from './gradcheck-kinks.js';
import { checkLayerAlone, checkLossAlone, unravel, type ComponentFailure } from './gradcheck-localize.js';
import {
  ROUNDING_FACTOR,
  allocate,
  roundingScale,
  centralDifferences,
  judge,
  sampleIndices,
  stepFor,
  textbookError,
  type EntryStatus,
} from './gradcheck-numeric.js';

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
];

/** Entries whose steps cross a kink are retried once with the step divided by this. */
const RETRY_DIVISOR = 100;

const STATUS: readonly EntryStatus[] = ['ok', 'fail', 'kink', 'unstable'];
const NOT_CHECKED = 255;

interface Entry {
  /** index into network.parameterRefs, or -1 for an input entry */
  ref: number;
  index: number;
}

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
  if (!network || typeof network.computeLoss !== 'function' || !network.params) {
    throw new OptionError('gradCheck needs a Network as its first argument', 'network');
  }
  if (typeof options !== 'object' || options === null)
    throw new OptionError(`gradCheck options must be an object, got ${options}`, 'options');
  for (const key of Object.keys(options))
    if (!optionNames.includes(key)) unknownName('gradCheck option', key, optionNames, key);
  const epsilon = checkNumber('epsilon', options.epsilon ?? 1e-6, { min: 0, max: 0.1, exclusiveMin: true });
  const tolerance = checkNumber('tolerance', options.tolerance ?? 1e-5, {
    min: 0,
    max: 1,
    exclusiveMin: true,
  });
  const maxParameters = checkNumber('maxParameters', options.maxParameters ?? 1000, {
    integer: true,
    min: 1,
  });
  const maxInputs = checkNumber('maxInputs', options.maxInputs ?? 256, { integer: true, min: 0 });
  const maxExamples = checkNumber('maxExamples', options.maxExamples ?? 1000, { integer: true, min: 1 });
  const seed = checkNumber('seed', options.seed ?? 0, { integer: true, min: 0 });
  const maxSetAside = checkNumber('maxSetAside', options.maxSetAside ?? 0.5, { min: 0, max: 1 });
  const worstCount = checkNumber('worst', options.worst ?? 10, { integer: true, min: 0 });
  const checkInputs = checkBoolean('inputs', options.inputs ?? true);
  const localize = checkBoolean('localize', options.localize ?? true);
  if (!(network.params instanceof Float64Array)) {
    throw new OptionError(
      `gradCheck needs a float64 network (central differences in float32 measure rounding, not gradients); ` +
        `this one is ${network.dtype}: check a float64 copy, e.g. Network.fromJSON({ ...network.toJSON(), dtype: 'float64' })`,
      'network',
    );
  }
  let X = toMatrix(x, 'x', network.inputSize, 'float64');
  let Y = toMatrix(y, 'y', network.outputSize, 'float64');
  checkSameRows(X, Y);
  network.loss.checkTargets?.(Y.data, Y.rows, Y.cols);
  const examplesTotal = X.rows;
  if (X.rows > maxExamples) {
    // the check is about the code, not the data: a seeded sample of rows keeps each evaluation cheap
    const rows = sampleIndices(X.rows, maxExamples, new Random(seed + 1));
    X = gatherRows(zeros(maxExamples, X.cols), X, rows);
    Y = gatherRows(zeros(maxExamples, Y.cols), Y, rows);
  }

  const params = network.params as Float64Array;
  const original = Float64Array.from(params);
  const refs = network.parameterRefs;
  const layers = network.layers;
  const N = X.rows;

  // Terms: the data loss, each penalty alone, the total.
  const penaltyNames = [...new Set(network.regularizers.map((r) => r.name))];
  const termNames = ['data', ...penaltyNames, 'total'];
  const T = termNames.length;
  const TOTAL = T - 1;
  const termSpec = (t: number): Terms =>
    t === 0
      ? { data: true, penalties: false }
      : t === TOTAL
        ? { data: true, penalties: true }
        : { data: false, penalties: [termNames[t]] };
  const isPenalty = (t: number) => t > 0 && t < TOTAL;

  // Analytic side: one backward per term.
  const analytic: Float64Array[] = [];
  const analyticInput: (Float64Array | null)[] = [];
  for (let t = 0; t < T; t++) {
    const wantInput = checkInputs && !isPenalty(t);
    network.computeGradient(X, Y, termSpec(t), wantInput);
    analytic.push(Float64Array.from(network.grads));
    analyticInput.push(
      wantInput && network.inputGradient ? Float64Array.from(network.inputGradient.data) : null,
    );
  }
  network.computeGradient(X, Y, termSpec(0), false);
  const deterministic = network.grads.every((g, i) => Object.is(g, analytic[0][i]));

  // The base point: term values (their scale sets the rounding floor) and the side of every kink.
  const baseTerms = network.computeLoss(X, Y);
  const baseValues = termNames.map((name, t) =>
    t === 0 ? baseTerms.data : t === TOTAL ? baseTerms.total : (baseTerms.penalties[name] ?? 0),
  );
  const last = layers[layers.length - 1];
  const predictionBuffer = new Float64Array(N * network.outputSize);
  const predictions = (): FloatArray => {
    if (network.lossFromLogits) return last.preActivation!().data;
    if (last.preActivation && last.activation) {
      // the output is f(z): recompute it from z rather than running the whole network again
      last.activation.forward(predictionBuffer, last.preActivation().data, N, network.outputSize);
      return predictionBuffer;
    }
    return network.forward(X).data;
  };
  const watch = new KinkWatch(layers, network.loss, Y, predictions);
  watch.capture();
  // the rounding scale of each term (see gradcheck-numeric.ts): the data loss's from its predictions
  const dataScale = roundingScale(network.loss, predictions(), Y.data, N, network.outputSize, baseTerms.data);
  const scales = baseValues.map((v, t) =>
    t === 0 ? dataScale : t === TOTAL ? dataScale + Math.abs(v - baseTerms.data) : Math.abs(v),
  );

  // Entries: a seeded sample of parameters (each buffer represented) and of inputs.
  const random = new Random(seed);
  const entries: Entry[] = [];
  const perBuffer = allocate(
    refs.map((r) => r.parameter.value.length),
    maxParameters,
  );
  refs.forEach((r, ri) => {
    for (const i of sampleIndices(r.parameter.value.length, perBuffer[ri], random))
      entries.push({ ref: ri, index: i });
  });
  const parametersChecked = entries.length;
  // (a layer that returns no input gradient when asked for one leaves nothing to compare)
  const inputCount = checkInputs && analyticInput[0] ? Math.min(X.data.length, maxInputs) : 0;
  for (const i of sampleIndices(X.data.length, inputCount, random)) entries.push({ ref: -1, index: i });
  const E = entries.length;

  // Numeric side: every evaluation gives all terms at once.
  const status = termNames.map(() => new Uint8Array(E).fill(NOT_CHECKED));
  const numericOf = termNames.map(() => new Float64Array(E));
  const analyticOf = termNames.map(() => new Float64Array(E));
  const errorOf = termNames.map(() => new Float64Array(E));
  const steps = new Float64Array(E);
  const evaluate = (out: Float64Array, watchKinks: boolean): boolean => {
    const r = network.computeLoss(X, Y);
    out[0] = r.data;
    for (let t = 1; t < TOTAL; t++) out[t] = r.penalties[termNames[t]] ?? 0;
    out[TOTAL] = r.total;
    return watchKinks && watch.active && watch.crossed();
  };
  const d1 = new Float64Array(T),
    d2 = new Float64Array(T),
    rough = new Float64Array(T),
    plus = new Float64Array(T),
    minus = new Float64Array(T);
  const regKink = new Array<boolean>(T).fill(false);
  const kinkBySource = new Map<string, number>();
  let smallestStep = Infinity,
    largestStep = 0;
  const pending = new Array<boolean>(T);
  for (let e = 0; e < E; e++) {
    const { ref, index } = entries[e];
    const values = ref < 0 ? (X.data as Float64Array) : params;
    const at = ref < 0 ? index : refs[ref].offset + index;
    const theta = values[at];
    const regularized = ref >= 0 && refs[ref].parameter.regularize;
    for (let t = 0; t < T; t++) {
      pending[t] = !(isPenalty(t) && !regularized) && (ref >= 0 || analyticInput[t] !== null);
    }
    // A term whose steps cross a kink is tried again at h / 100 (from the set {h, h/100}): most
    // crossings are of values within 2h of a kink, not within 2h/100.
    for (let attempt = 0; attempt < 2; attempt++) {
      const h = stepFor(theta, epsilon) / (attempt === 0 ? 1 : RETRY_DIVISOR);
      smallestStep = Math.min(smallestStep, h);
      largestStep = Math.max(largestStep, h);
      const crossed = centralDifferences(values, at, h, T, evaluate, baseValues, d1, d2, rough, plus, minus);
      // penalties with kinks (L1 at 0): does the perturbed weight itself cross one?
      regKink.fill(false);
      if (regularized) {
        for (const r of network.regularizers) {
          if (
            straddles(
              theta - 2 * h,
              theta + 2 * h,
              [...r.kinks].sort((a, b) => a - b),
            )
          )
            regKink[termNames.indexOf(r.name)] = true;
        }
      }
      let again = false;
      for (let t = 0; t < T; t++) {
        if (!pending[t]) continue;
        const kink = t === 0 ? crossed : isPenalty(t) ? regKink[t] : crossed || regKink.some(Boolean);
        if (kink && attempt === 0) {
          again = true;
          continue;
        }
        const a = ref < 0 ? analyticInput[t]![index] : analytic[t][at];
        const j = judge(a, d1[t], d2[t], rough[t], h, scales[t], tolerance, kink);
        status[t][e] = STATUS.indexOf(j.status);
        numericOf[t][e] = j.numeric;
        analyticOf[t][e] = a;
        errorOf[t][e] = j.error;
        pending[t] = false;
        if (t === 0) steps[e] = h;
        if (isPenalty(t) && j.status === 'kink')
          kinkBySource.set(`penalty ${termNames[t]}`, (kinkBySource.get(`penalty ${termNames[t]}`) ?? 0) + 1);
      }
      if (!again) break;
    }
    watch.settle(status[0][e] === STATUS.indexOf('kink'));
  }
  for (const [l, n] of watch.sources.layers)
    kinkBySource.set(`layer ${l} ${layers[l].activation?.name ?? layers[l].type}`, n);
  if (watch.sources.loss > 0) kinkBySource.set(`loss ${network.loss.name}`, watch.sources.loss);

  // Describe each entry for the report.
  const describe = (e: number, t: number): GradCheckEntry => {
    const { ref, index } = entries[e];
    const r = ref >= 0 ? refs[ref] : null;
    return {
      term: termNames[t],
      layer: r ? r.layer : 0,
      layerType: r ? layers[r.layer].type : layers[0].type,
      kind: r ? r.parameter.name : 'input',
      index,
      position: r ? unravel(index, r.parameter.shape) : [Math.floor(index / X.cols), index % X.cols],
      value: r ? params[r.offset + index] : X.data[index],
      step: steps[e],
      analytic: analyticOf[t][e],
      numeric: numericOf[t][e],
      error: errorOf[t][e],
      status: STATUS[status[t][e]],
    };
  };

  // Summaries per term and per (term, layer, kind).
  const terms: GradCheckTermSummary[] = [];
  const groups: GradCheckGroup[] = [];
  const candidates: { e: number; t: number }[] = [];
  for (let t = 0; t < T; t++) {
    const summary: GradCheckTermSummary = {
      term: termNames[t],
      value: baseValues[t],
      checked: 0,
      judged: 0,
      failed: 0,
      kinks: 0,
      unstable: 0,
      worstError: 0,
      textbook: 0,
      textbookJudged: 0,
    };
    const groupIndex = new Map<string, GradCheckGroup>();
    const a: number[] = [],
      n: number[] = [],
      aj: number[] = [],
      nj: number[] = [];
    for (let e = 0; e < E; e++) {
      const s = status[t][e];
      if (s === NOT_CHECKED) continue;
      const { ref } = entries[e];
      const r = ref >= 0 ? refs[ref] : null;
      const key = r ? `${r.layer}:${ref}` : 'input';
      let g = groupIndex.get(key);
      if (!g) {
        g = {
          term: termNames[t],
          layer: r ? r.layer : 0,
          layerType: r ? layers[r.layer].type : layers[0].type,
          kind: r ? r.parameter.name : 'input',
          size: r ? r.parameter.value.length : X.data.length,
          checked: 0,
          judged: 0,
          failed: 0,
          kinks: 0,
          unstable: 0,
          worstError: 0,
        };
        groupIndex.set(key, g);
      }
      summary.checked++;
      g.checked++;
      a.push(analyticOf[t][e]);
      n.push(numericOf[t][e]);
      const st = STATUS[s];
      if (st === 'kink') {
        summary.kinks++;
        g.kinks++;
        continue;
      }
      if (st === 'unstable') {
        summary.unstable++;
        g.unstable++;
        continue;
      }
      summary.judged++;
      g.judged++;
      aj.push(analyticOf[t][e]);
      nj.push(numericOf[t][e]);
      if (st === 'fail') {
        summary.failed++;
        g.failed++;
      }
      summary.worstError = Math.max(summary.worstError, errorOf[t][e]);
      g.worstError = Math.max(g.worstError, errorOf[t][e]);
      candidates.push({ e, t });
    }
    summary.textbook = textbookError(a, n);
    summary.textbookJudged = textbookError(aj, nj);
    terms.push(summary);
    groups.push(...groupIndex.values());
  }
  candidates.sort((p, q) => {
    const fp = status[p.t][p.e] === 1 ? 1 : 0,
      fq = status[q.t][q.e] === 1 ? 1 : 0;
    return fq - fp || errorOf[q.t][q.e] - errorOf[p.t][p.e];
  });
  // one line per checked number: the same entry often tops both the data term and the total
  const listed = new Set<number>();
  const worst: GradCheckEntry[] = [];
  for (const { e, t } of candidates) {
    if (worst.length >= worstCount) break;
    if (listed.has(e)) continue;
    listed.add(e);
    worst.push(describe(e, t));
  }

  // Suspects: penalties named by their own term; data-term failures traced to one component.
  const suspects: GradCheckSuspect[] = [];
  const dataFailed =
    terms[0].failed > 0 ||
    (terms[TOTAL].failed > 0 && penaltyNames.every((_, k) => terms[k + 1].failed === 0));
  if (dataFailed && localize)
    suspects.push(
      ...localizeFailure(network, X, Y, predictions, {
        epsilon,
        tolerance,
        seed,
        budget: Math.min(maxParameters, 512),
      }),
    );
  for (let t = 1; t < TOTAL; t++) {
    if (terms[t].failed === 0) continue;
    const e = candidates.find((c) => c.t === t && status[t][c.e] === 1)!;
    const entry = describe(e.e, t);
    suspects.push({
      component: 'penalty',
      name: termNames[t],
      worstError: terms[t].worstError,
      message:
        `penalty ${termNames[t]}: its gradient disagrees with its cost on ${terms[t].failed} of ${terms[t].judged} entries ` +
        `(worst: layer ${entry.layer} ${entry.kind} [${entry.position.join(', ')}], analytic ${fmt(entry.analytic)}, numeric ${fmt(entry.numeric)})`,
    });
  }
  if (dataFailed && !suspects.some((s) => s.component !== 'penalty')) {
    // no single component fails alone: name the buffers that fail in the network
    for (const g of groups) {
      if (g.failed === 0 || (g.term !== 'data' && g.term !== 'total')) continue;
      if (g.term === 'total' && groups.some((o) => o.term === 'data' && o.failed > 0)) continue;
      suspects.push({
        component: 'network',
        name: g.layerType,
        layer: g.layer,
        kind: g.kind,
        worstError: g.worstError,
        message:
          `layer ${g.layer} (${g.layerType}) ${g.kind}: ∂${g.term === 'data' ? 'loss' : 'cost'}/∂${g.kind} disagrees on ${g.failed} of ${g.judged} entries ` +
          `in the network (no component fails when checked alone)`,
      });
    }
  }

  // Verdict.
  const failed = terms.reduce((s, t) => s + t.failed, 0);
  const setAsideWorst = terms.reduce(
    (m, t) => (t.checked > 0 ? Math.max(m, (t.kinks + t.unstable) / t.checked) : m),
    0,
  );
  const judgedData = terms[0].judged;
  const kinkCount = terms.reduce((m, t) => Math.max(m, t.kinks), 0);
  const unstableCount = terms.reduce((m, t) => Math.max(m, t.unstable), 0);
  let verdict: GradCheckVerdict;
  let summary: string;
  if (failed > 0) {
    verdict = 'fail';
    summary =
      `fail: ${suspects[0]?.message ?? `${failed} entries disagree`}` +
      (suspects.length > 1
        ? ` (and ${suspects.length - 1} more suspect${suspects.length > 2 ? 's' : ''})`
        : '');
  } else if (judgedData === 0 || setAsideWorst > maxSetAside) {
    verdict = 'inconclusive';
    summary =
      `inconclusive: ${(100 * setAsideWorst).toFixed(0)}% of the entries of some term were set aside ` +
      `(${kinkCount} crossed a kink, ${unstableCount} unstable), more than the ${(100 * maxSetAside).toFixed(0)}% allowed; ` +
      `the ${terms.reduce((s, t) => s + t.judged, 0)} judged entries agree. Try a smaller epsilon or another point (after some training).`;
  } else {
    verdict = 'pass';
    const judged = terms.reduce((s, t) => s + t.judged, 0);
    const worstError = terms.reduce((m, t) => Math.max(m, t.worstError), 0);
    summary =
      `pass: ${judged} gradient entries agree within ${fmt(tolerance)} (worst error ${fmt(worstError)})` +
      (kinkCount + unstableCount > 0 ? `; ${kinkCount} set aside at kinks, ${unstableCount} unstable` : '');
  }

  // Leave the network as a training step would: parameters exactly as given, grads = total gradient.
  let restored = true;
  for (let i = 0; i < params.length; i++) {
    if (!Object.is(params[i], original[i])) {
      restored = false;
      params[i] = original[i];
    }
  }
  network.computeGradient(X, Y);

  return {
    verdict,
    summary,
    network: {
      layers: layers.map((l) => l.toString()),
      parameters: params.length,
      loss:
        typeof network.loss.spec === 'string'
          ? network.loss.name
          : `${network.loss.name} ${JSON.stringify(network.loss.spec)}`,
      fromLogits: network.lossFromLogits,
      penalties: network.regularizers.map((r) => `${r.name}(λ=${r.lambda})`),
    },
    examples: { total: examplesTotal, checked: N, sampled: N < examplesTotal },
    parameters: {
      total: params.length,
      checked: parametersChecked,
      sampled: parametersChecked < params.length,
      seed,
    },
    inputs: { total: X.data.length, checked: inputCount, sampled: inputCount < X.data.length },
    step: {
      rule:
        `central differences at h = ${fmt(epsilon)}·max(1, |θ|) and 2h, Richardson-extrapolated: n = D(h) + (D(h) − D(2h))/3; ` +
        `entries whose steps cross a kink retried once at h/${RETRY_DIVISOR}`,
      epsilon,
      smallest: E > 0 ? smallestStep : 0,
      largest: largestStep,
    },
    tolerance: {
      error: tolerance,
      floor:
        `error = |a − n| / max(|a|, |n|, floor), floor = (${ROUNDING_FACTOR}·ε_mach·S / h + |D(h) − D(2h)|) / ${fmt(tolerance)}, ` +
        `S = |L| + Σ|∂L/∂p|·(|p| + |t|) (+ 1 + mean|z| for cross-entropies) for the data term, |penalty| for a penalty`,
      roundingFactor: ROUNDING_FACTOR,
      maxSetAside,
    },
    terms,
    groups,
    setAside: {
      kinks: kinkCount,
      unstable: unstableCount,
      bySource: [...kinkBySource].map(([source, n]) => ({ source, entries: n })),
    },
    worst,
    suspects,
    deterministic,
    restored,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Checks the loss and each layer alone (see gradcheck-localize.ts); returns the ones that fail. */
function localizeFailure(
  network: Network,
  X: Matrix,
  Y: Matrix,
  predictions: () => FloatArray,
  settings: { epsilon: number; tolerance: number; seed: number; budget: number },
): GradCheckSuspect[] {
  const suspects: GradCheckSuspect[] = [];
  const layers = network.layers;
  // inputs of every layer at the base point (copied: layers reuse their buffers)
  const inputs: Matrix[] = [];
  let a: Matrix = X;
  for (const layer of layers) {
    inputs.push({ rows: a.rows, cols: a.cols, data: Float64Array.from(a.data) });
    a = layer.forward(a);
  }
  const found: ComponentFailure[] = checkLossAlone(network.loss, predictions(), Y, settings);
  for (let l = layers.length - 1; l >= 0; l--) {
    const fromLogits = l === layers.length - 1 && network.lossFromLogits;
    found.push(...checkLayerAlone(layers[l], l, inputs[l], fromLogits, settings));
  }
  for (const f of found) {
    const where = `[${f.position.join(', ')}]: analytic ${fmt(f.analytic)}, numeric ${fmt(f.numeric)}, error ${fmt(f.error)}`;
    if (f.component === 'loss') {
      suspects.push({
        component: 'loss',
        name: f.name,
        worstError: f.error,
        message: `loss ${f.name}: its gradient disagrees with its value on ${f.failed} of ${f.checked} predictions (worst at ${where})`,
      });
    } else {
      const what = f.kind === 'input' ? 'the gradient it passes to its input' : `its ${f.kind} gradient`;
      suspects.push({
        component: 'layer',
        name: f.name,
        layer: f.layer,
        kind: f.kind,
        worstError: f.error,
        message: `layer ${f.layer} (${f.name}): ${what} disagrees with its forward on ${f.failed} of ${f.checked} entries (worst at ${where})`,
      });
    }
  }
  return suspects;
}

function checkBoolean(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new OptionError(`${option} must be true or false, got ${JSON.stringify(value)}`, option);
  return value;
}

/** A number in 3 significant digits. */
export function fmt(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}
