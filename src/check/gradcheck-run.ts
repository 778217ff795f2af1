// gradCheck's two sides at one point (x, y): the analytic gradient of every term (one backward
// each), and central differences for a seeded sample of entries (parameters and inputs), every
// evaluation giving all terms at once; a term whose steps cross a kink is retried once at h / 100.
// The method and the error measure are in gradcheck-numeric.ts, kinks in gradcheck-kinks.ts.

import type { FloatArray } from '../kernels/index.js';
import type { Matrix } from '../matrix.js';
import type { LossTerms, Network, ParameterRef, Terms } from '../nn/network.js';
import { Random } from '../random.js';
import { KinkWatch, straddles } from './gradcheck-kinks.js';
import {
  allocate,
  centralDifferences,
  judge,
  roundingScale,
  sampleIndices,
  stepFor,
  type EntryStatus,
} from './gradcheck-numeric.js';

/** Entries whose steps cross a kink are retried once with the step divided by this. */
export const RETRY_DIVISOR = 100;

export const STATUS: readonly EntryStatus[] = ['ok', 'fail', 'kink', 'unstable'];
export const NOT_CHECKED = 255;

/** The settings gradCheck resolved from its options. */
export interface Settings {
  epsilon: number;
  tolerance: number;
  maxParameters: number;
  maxInputs: number;
  maxExamples: number;
  seed: number;
  maxSetAside: number;
  worstCount: number;
  checkInputs: boolean;
  localize: boolean;
  /** the checked rows' loss weights (sampleWeight × classWeight); undefined: the unweighted loss */
  weights?: Float64Array;
}

/** The cost split into terms: the data loss, each penalty alone, the total (last). */
export class TermSet {
  readonly penaltyNames: string[];
  readonly names: string[];
  readonly count: number;
  /** index of the total */
  readonly total: number;

  constructor(network: Network) {
    this.penaltyNames = [...new Set(network.regularizers.map((r) => r.name))];
    this.names = ['data', ...this.penaltyNames, 'total'];
    this.count = this.names.length;
    this.total = this.count - 1;
  }

  isPenalty(t: number): boolean {
    return t > 0 && t < this.total;
  }

  /** What computeLoss / computeGradient include for term t. */
  spec(t: number): Terms {
    if (t === 0) return { data: true, penalties: false };
    if (t === this.total) return { data: true, penalties: true };
    return { data: false, penalties: [this.names[t]] };
  }

  /** Each term's value from one computeLoss. */
  valuesInto(out: Float64Array | number[], r: LossTerms): void {
    out[0] = r.data;
    for (let t = 1; t < this.total; t++) out[t] = r.penalties[this.names[t]] ?? 0;
    out[this.total] = r.total;
  }
}

/** One backward per term: parameter gradients and, for the data loss and total, input gradients. */
export function analyticGradients(
  network: Network,
  X: Matrix,
  Y: Matrix,
  terms: TermSet,
  checkInputs: boolean,
  w?: Float64Array,
): { analytic: Float64Array[]; analyticInput: (Float64Array | null)[]; deterministic: boolean } {
  const analytic: Float64Array[] = [];
  const analyticInput: (Float64Array | null)[] = [];
  for (let t = 0; t < terms.count; t++) {
    const wantInput = checkInputs && !terms.isPenalty(t);
    network.computeGradient(X, Y, terms.spec(t), wantInput, w);
    analytic.push(Float64Array.from(network.grads));
    analyticInput.push(
      wantInput && network.inputGradient ? Float64Array.from(network.inputGradient.data) : null,
    );
  }
  network.computeGradient(X, Y, terms.spec(0), false, w);
  const deterministic = network.grads.every((g, i) => Object.is(g, analytic[0][i]));
  return { analytic, analyticInput, deterministic };
}

/** The base point: each term's value and rounding scale, the predictions, and the side of every kink. */
export interface BasePoint {
  values: number[];
  scales: number[];
  /** the predictions the loss sees (logits when it takes them), recomputed cheaply from the output layer */
  predictions: () => FloatArray;
  watch: KinkWatch;
}

export function basePoint(
  network: Network,
  X: Matrix,
  Y: Matrix,
  terms: TermSet,
  w?: Float64Array,
): BasePoint {
  const N = X.rows;
  const baseTerms = network.computeLoss(X, Y, undefined, w);
  const values = terms.names.map(() => 0);
  terms.valuesInto(values, baseTerms);
  const last = network.layers[network.layers.length - 1];
  const buffer = new Float64Array(N * network.outputSize);
  const predictions = (): FloatArray => {
    const z = last.preActivation?.();
    if (network.lossFromLogits && z) return z.data;
    if (z && last.activation) {
      // the output is f(z): recompute it from z rather than running the whole network again
      last.activation.forward(buffer, z.data, N, network.outputSize);
      return buffer;
    }
    return network.forward(X).data;
  };
  const watch = new KinkWatch(network.layers, network.loss, Y, predictions);
  watch.capture();
  // the rounding scale of each term (see gradcheck-numeric.ts): the data loss's from its predictions
  const dataScale = roundingScale(
    network.loss,
    predictions(),
    Y.data,
    N,
    network.outputSize,
    baseTerms.data,
    w,
  );
  const scales = values.map((v, t) =>
    t === 0 ? dataScale : t === terms.total ? dataScale + Math.abs(v - baseTerms.data) : Math.abs(v),
  );
  return { values, scales, predictions, watch };
}

export interface Entry {
  /** index into network.parameterRefs, or -1 for an input entry */
  ref: number;
  index: number;
}

/** A seeded sample of parameters (each buffer represented), then of inputs. */
export function sampleEntries(
  refs: readonly ParameterRef[],
  inputs: number,
  inputCount: number,
  settings: Settings,
): { entries: Entry[]; parametersChecked: number } {
  const random = new Random(settings.seed);
  const entries: Entry[] = [];
  const perBuffer = allocate(
    refs.map((r) => r.parameter.value.length),
    settings.maxParameters,
  );
  refs.forEach((r, ri) => {
    for (const i of sampleIndices(r.parameter.value.length, perBuffer[ri], random))
      entries.push({ ref: ri, index: i });
  });
  const parametersChecked = entries.length;
  for (const i of sampleIndices(inputs, inputCount, random)) entries.push({ ref: -1, index: i });
  return { entries, parametersChecked };
}

/** Per term and entry: status (an index into STATUS, or NOT_CHECKED), numeric, analytic, error. */
export interface EntryResults {
  entries: Entry[];
  status: Uint8Array[];
  numeric: Float64Array[];
  analytic: Float64Array[];
  error: Float64Array[];
  /** the step of each entry's data term */
  steps: Float64Array;
  kinkBySource: Map<string, number>;
  smallestStep: number;
  largestStep: number;
}

/** The numeric side: central differences for every entry, judged against the analytic gradients. */
export class NumericSide {
  readonly results: EntryResults;
  readonly #refs: readonly ParameterRef[];
  readonly #params: Float64Array;
  // scratch, per term
  readonly #d1: Float64Array;
  readonly #d2: Float64Array;
  readonly #rough: Float64Array;
  readonly #plus: Float64Array;
  readonly #minus: Float64Array;
  readonly #regKink: boolean[];
  readonly #pending: boolean[];
  readonly #network: Network;
  readonly #X: Matrix;
  readonly #Y: Matrix;
  readonly #terms: TermSet;
  readonly #base: BasePoint;
  readonly #analytic: { analytic: Float64Array[]; analyticInput: (Float64Array | null)[] };
  readonly #settings: Settings;

  constructor(
    network: Network,
    X: Matrix,
    Y: Matrix,
    terms: TermSet,
    base: BasePoint,
    analytic: { analytic: Float64Array[]; analyticInput: (Float64Array | null)[] },
    settings: Settings,
    entries: Entry[],
  ) {
    this.#network = network;
    this.#X = X;
    this.#Y = Y;
    this.#terms = terms;
    this.#base = base;
    this.#analytic = analytic;
    this.#settings = settings;
    this.#refs = network.parameterRefs;
    this.#params = network.params as Float64Array;
    const T = terms.count;
    const E = entries.length;
    [this.#d1, this.#d2, this.#rough, this.#plus, this.#minus] = [0, 0, 0, 0, 0].map(
      () => new Float64Array(T),
    );
    this.#regKink = new Array<boolean>(T).fill(false);
    this.#pending = new Array<boolean>(T);
    this.results = {
      entries,
      status: terms.names.map(() => new Uint8Array(E).fill(NOT_CHECKED)),
      numeric: terms.names.map(() => new Float64Array(E)),
      analytic: terms.names.map(() => new Float64Array(E)),
      error: terms.names.map(() => new Float64Array(E)),
      steps: new Float64Array(E),
      kinkBySource: new Map(),
      smallestStep: Infinity,
      largestStep: 0,
    };
  }

  /** Checks every entry, then counts the kinks by the layer or loss they came from. */
  run(): EntryResults {
    const { results } = this;
    const network = this.#network;
    const { watch } = this.#base;
    for (let e = 0; e < results.entries.length; e++) {
      this.#checkEntry(e);
      watch.settle(results.status[0][e] === STATUS.indexOf('kink'));
    }
    const layers = network.layers;
    for (const [l, n] of watch.sources.layers)
      results.kinkBySource.set(`layer ${l} ${layers[l].activation?.name ?? layers[l].type}`, n);
    if (watch.sources.loss > 0) results.kinkBySource.set(`loss ${network.loss.name}`, watch.sources.loss);
    return results;
  }

  /** One term's value per evaluation; true when a watched kink was crossed. */
  readonly #evaluate = (out: Float64Array, watchKinks: boolean): boolean => {
    this.#terms.valuesInto(
      out,
      this.#network.computeLoss(this.#X, this.#Y, undefined, this.#settings.weights),
    );
    return watchKinks && this.#base.watch.active && this.#base.watch.crossed();
  };

  #checkEntry(e: number): void {
    const { ref, index } = this.results.entries[e];
    const terms = this.#terms;
    const pending = this.#pending;
    const values = ref < 0 ? (this.#X.data as Float64Array) : this.#params;
    const at = ref < 0 ? index : this.#refs[ref].offset + index;
    const theta = values[at];
    const regularized = ref >= 0 && this.#refs[ref].parameter.regularize;
    for (let t = 0; t < terms.count; t++)
      pending[t] =
        !(terms.isPenalty(t) && !regularized) && (ref >= 0 || this.#analytic.analyticInput[t] !== null);
    // A term whose steps cross a kink is tried again at h / 100 (from the set {h, h/100}): most
    // crossings are of values within 2h of a kink, not within 2h/100.
    for (let attempt = 0; attempt < 2; attempt++) {
      const h = stepFor(theta, this.#settings.epsilon) / (attempt === 0 ? 1 : RETRY_DIVISOR);
      this.results.smallestStep = Math.min(this.results.smallestStep, h);
      this.results.largestStep = Math.max(this.results.largestStep, h);
      const d1 = this.#d1;
      const d2 = this.#d2;
      const rough = this.#rough;
      const plus = this.#plus;
      const minus = this.#minus;
      const crossed = centralDifferences(
        values,
        at,
        h,
        terms.count,
        this.#evaluate,
        this.#base.values,
        d1,
        d2,
        rough,
        plus,
        minus,
      );
      this.#penaltyKinks(theta, h, regularized);
      if (!this.#judgeTerms(e, at, h, crossed, attempt === 0)) break;
    }
  }

  /** Penalties with kinks (L1 at 0): does the perturbed weight itself cross one? */
  #penaltyKinks(theta: number, h: number, regularized: boolean): void {
    this.#regKink.fill(false);
    if (!regularized) return;
    for (const r of this.#network.regularizers) {
      if (
        straddles(
          theta - 2 * h,
          theta + 2 * h,
          [...r.kinks].sort((a, b) => a - b),
        )
      )
        this.#regKink[this.#terms.names.indexOf(r.name)] = true;
    }
  }

  /** Judges every pending term of entry e at step h; true when some term crossed a kink and may retry. */
  #judgeTerms(e: number, at: number, h: number, crossed: boolean, mayRetry: boolean): boolean {
    const { results } = this;
    const terms = this.#terms;
    const pending = this.#pending;
    const regKink = this.#regKink;
    const { ref, index } = results.entries[e];
    let again = false;
    for (let t = 0; t < terms.count; t++) {
      if (!pending[t]) continue;
      const kink = t === 0 ? crossed : terms.isPenalty(t) ? regKink[t] : crossed || regKink.some(Boolean);
      if (kink && mayRetry) {
        again = true;
        continue;
      }
      const a = ref < 0 ? (this.#analytic.analyticInput[t]?.[index] ?? NaN) : this.#analytic.analytic[t][at];
      const j = judge(
        a,
        this.#d1[t],
        this.#d2[t],
        this.#rough[t],
        h,
        this.#base.scales[t],
        this.#settings.tolerance,
        kink,
      );
      results.status[t][e] = STATUS.indexOf(j.status);
      results.numeric[t][e] = j.numeric;
      results.analytic[t][e] = a;
      results.error[t][e] = j.error;
      pending[t] = false;
      if (t === 0) results.steps[e] = h;
      if (terms.isPenalty(t) && j.status === 'kink') {
        const source = `penalty ${terms.names[t]}`;
        results.kinkBySource.set(source, (results.kinkBySource.get(source) ?? 0) + 1);
      }
    }
    return again;
  }
}
