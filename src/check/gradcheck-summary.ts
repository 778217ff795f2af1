// gradCheck's judgement of the compared entries: a summary per term and per (term, layer, kind),
// the worst entries, the suspects (a failure traced to the loss, a layer or a penalty) and the
// verdict with its one-sentence summary.

import type { FloatArray } from '../kernels/index.js';
import type { Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';
import { checkLayerAlone, checkLossAlone, unravel, type ComponentFailure } from './gradcheck-localize.js';
import { textbookError } from './gradcheck-numeric.js';
import { NOT_CHECKED, STATUS, type EntryResults, type Settings, type TermSet } from './gradcheck-run.js';
import type {
  GradCheckEntry,
  GradCheckGroup,
  GradCheckSuspect,
  GradCheckTermSummary,
  GradCheckVerdict,
} from './gradcheck.js';

/** A number in 3 significant digits. */
export function fmt(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}

/** What the summaries read: the network at the point checked and the compared entries. */
export interface Compared {
  network: Network;
  X: Matrix;
  terms: TermSet;
  values: number[];
  results: EntryResults;
}

/** Entry e's comparison in term t, for the report. */
export function describeEntry(c: Compared, e: number, t: number): GradCheckEntry {
  const { network, X, results } = c;
  const { ref, index } = results.entries[e];
  const r = ref >= 0 ? network.parameterRefs[ref] : null;
  const layers = network.layers;
  return {
    term: c.terms.names[t],
    layer: r ? r.layer : 0,
    layerType: r ? layers[r.layer].type : layers[0].type,
    kind: r ? r.parameter.name : 'input',
    index,
    position: r ? unravel(index, r.parameter.shape) : [Math.floor(index / X.cols), index % X.cols],
    value: r ? network.params[r.offset + index] : X.data[index],
    step: results.steps[e],
    analytic: results.analytic[t][e],
    numeric: results.numeric[t][e],
    error: results.error[t][e],
    status: STATUS[results.status[t][e]],
  };
}

function emptyCounts() {
  return { checked: 0, judged: 0, failed: 0, kinks: 0, unstable: 0, worstError: 0 };
}

/** The group an entry belongs to (its parameter buffer, or the input), made on first use. */
function groupOf(c: Compared, t: number, e: number, index: Map<string, GradCheckGroup>): GradCheckGroup {
  const { ref } = c.results.entries[e];
  const r = ref >= 0 ? c.network.parameterRefs[ref] : null;
  const key = r ? `${r.layer}:${ref}` : 'input';
  let g = index.get(key);
  if (!g) {
    const layers = c.network.layers;
    g = {
      term: c.terms.names[t],
      layer: r ? r.layer : 0,
      layerType: r ? layers[r.layer].type : layers[0].type,
      kind: r ? r.parameter.name : 'input',
      size: r ? r.parameter.value.length : c.X.data.length,
      ...emptyCounts(),
    };
    index.set(key, g);
  }
  return g;
}

/** One term's summary and groups; the judged entries join `candidates` for the worst list. */
function summarizeTerm(
  c: Compared,
  t: number,
  candidates: { e: number; t: number }[],
): { summary: GradCheckTermSummary; groups: GradCheckGroup[] } {
  const { status, analytic, numeric, error } = c.results;
  const summary: GradCheckTermSummary = {
    term: c.terms.names[t],
    value: c.values[t],
    ...emptyCounts(),
    textbook: 0,
    textbookJudged: 0,
  };
  const groupIndex = new Map<string, GradCheckGroup>();
  const all = { a: [] as number[], n: [] as number[] };
  const judged = { a: [] as number[], n: [] as number[] };
  for (let e = 0; e < c.results.entries.length; e++) {
    const s = status[t][e];
    if (s === NOT_CHECKED) continue;
    const g = groupOf(c, t, e, groupIndex);
    summary.checked++;
    g.checked++;
    all.a.push(analytic[t][e]);
    all.n.push(numeric[t][e]);
    const st = STATUS[s];
    if (st === 'kink' || st === 'unstable') {
      const field = st === 'kink' ? 'kinks' : 'unstable';
      summary[field]++;
      g[field]++;
      continue;
    }
    summary.judged++;
    g.judged++;
    judged.a.push(analytic[t][e]);
    judged.n.push(numeric[t][e]);
    if (st === 'fail') {
      summary.failed++;
      g.failed++;
    }
    summary.worstError = Math.max(summary.worstError, error[t][e]);
    g.worstError = Math.max(g.worstError, error[t][e]);
    candidates.push({ e, t });
  }
  summary.textbook = textbookError(all.a, all.n);
  summary.textbookJudged = textbookError(judged.a, judged.n);
  return { summary, groups: [...groupIndex.values()] };
}

export interface Summaries {
  terms: GradCheckTermSummary[];
  groups: GradCheckGroup[];
  /** judged (term, entry) pairs, failures first, then by error, largest first */
  candidates: { e: number; t: number }[];
}

export function summarize(c: Compared): Summaries {
  const terms: GradCheckTermSummary[] = [];
  const groups: GradCheckGroup[] = [];
  const candidates: { e: number; t: number }[] = [];
  for (let t = 0; t < c.terms.count; t++) {
    const s = summarizeTerm(c, t, candidates);
    terms.push(s.summary);
    groups.push(...s.groups);
  }
  const { status, error } = c.results;
  candidates.sort((p, q) => {
    const fp = status[p.t][p.e] === 1 ? 1 : 0;
    const fq = status[q.t][q.e] === 1 ? 1 : 0;
    return fq - fp || error[q.t][q.e] - error[p.t][p.e];
  });
  return { terms, groups, candidates };
}

/** The worst entries, one line per checked number (the same entry often tops both the data term and the total). */
export function worstEntries(c: Compared, s: Summaries, count: number): GradCheckEntry[] {
  const listed = new Set<number>();
  const worst: GradCheckEntry[] = [];
  for (const { e, t } of s.candidates) {
    if (worst.length >= count) break;
    if (listed.has(e)) continue;
    listed.add(e);
    worst.push(describeEntry(c, e, t));
  }
  return worst;
}

/** Suspects: penalties named by their own term; data-term failures traced to one component. */
export function findSuspects(
  c: Compared,
  s: Summaries,
  Y: Matrix,
  predictions: () => FloatArray,
  settings: Settings,
): GradCheckSuspect[] {
  const { terms } = s;
  const total = c.terms.total;
  const suspects: GradCheckSuspect[] = [];
  const dataFailed =
    terms[0].failed > 0 ||
    (terms[total].failed > 0 && c.terms.penaltyNames.every((_, k) => terms[k + 1].failed === 0));
  if (dataFailed && settings.localize) {
    const { epsilon, tolerance, seed } = settings;
    const budget = Math.min(settings.maxParameters, 512);
    const local = { epsilon, tolerance, seed, budget };
    suspects.push(...localizeFailure(c.network, c.X, Y, predictions, local, settings.weights));
  }
  for (let t = 1; t < total; t++) {
    const failing = s.candidates.find((q) => q.t === t && c.results.status[t][q.e] === 1);
    if (terms[t].failed === 0 || !failing) continue;
    suspects.push(penaltySuspect(terms[t], describeEntry(c, failing.e, t)));
  }
  if (dataFailed && !suspects.some((q) => q.component !== 'penalty'))
    suspects.push(...networkSuspects(s.groups));
  return suspects;
}

function penaltySuspect(term: GradCheckTermSummary, entry: GradCheckEntry): GradCheckSuspect {
  return {
    component: 'penalty',
    name: term.term,
    worstError: term.worstError,
    message:
      `penalty ${term.term}: its gradient disagrees with its cost on ${term.failed} of ${term.judged} entries ` +
      `(worst: layer ${entry.layer} ${entry.kind} [${entry.position.join(', ')}], analytic ${fmt(entry.analytic)}, numeric ${fmt(entry.numeric)})`,
  };
}

/** No single component fails alone: name the buffers that fail in the network. */
function networkSuspects(groups: GradCheckGroup[]): GradCheckSuspect[] {
  const suspects: GradCheckSuspect[] = [];
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
  return suspects;
}

/** Checks the loss and each layer alone (see gradcheck-localize.ts); returns the ones that fail. */
function localizeFailure(
  network: Network,
  X: Matrix,
  Y: Matrix,
  predictions: () => FloatArray,
  settings: { epsilon: number; tolerance: number; seed: number; budget: number },
  w?: Float64Array,
): GradCheckSuspect[] {
  const layers = network.layers;
  // inputs of every layer at the base point (copied: layers reuse their buffers)
  const inputs: Matrix[] = [];
  let a: Matrix = X;
  for (const layer of layers) {
    inputs.push({ rows: a.rows, cols: a.cols, data: Float64Array.from(a.data) });
    a = layer.forward(a);
  }
  const found: ComponentFailure[] = checkLossAlone(network.loss, predictions(), Y, settings, w);
  for (let l = layers.length - 1; l >= 0; l--) {
    const fromLogits = l === layers.length - 1 && network.lossFromLogits;
    found.push(...checkLayerAlone(layers[l], l, inputs[l], fromLogits, settings));
  }
  return found.map(componentSuspect);
}

function componentSuspect(f: ComponentFailure): GradCheckSuspect {
  const where = `[${f.position.join(', ')}]: analytic ${fmt(f.analytic)}, numeric ${fmt(f.numeric)}, error ${fmt(f.error)}`;
  if (f.component === 'loss')
    return {
      component: 'loss',
      name: f.name,
      worstError: f.error,
      message: `loss ${f.name}: its gradient disagrees with its value on ${f.failed} of ${f.checked} predictions (worst at ${where})`,
    };
  const what = f.kind === 'input' ? 'the gradient it passes to its input' : `its ${f.kind} gradient`;
  return {
    component: 'layer',
    name: f.name,
    layer: f.layer,
    kind: f.kind,
    worstError: f.error,
    message: `layer ${f.layer} (${f.name}): ${what} disagrees with its forward on ${f.failed} of ${f.checked} entries (worst at ${where})`,
  };
}

/** The verdict and its sentence: fail on any disagreement; inconclusive when too much was set aside. */
export function verdictOf(
  terms: GradCheckTermSummary[],
  suspects: GradCheckSuspect[],
  settings: Settings,
): { verdict: GradCheckVerdict; summary: string; kinks: number; unstable: number } {
  const sum = (f: (t: GradCheckTermSummary) => number) => terms.reduce((s, t) => s + f(t), 0);
  const max = (f: (t: GradCheckTermSummary) => number) => terms.reduce((m, t) => Math.max(m, f(t)), 0);
  const failed = sum((t) => t.failed);
  const setAsideWorst = max((t) => (t.checked > 0 ? (t.kinks + t.unstable) / t.checked : 0));
  const kinks = max((t) => t.kinks);
  const unstable = max((t) => t.unstable);
  const judged = sum((t) => t.judged);
  if (failed > 0) {
    const more =
      suspects.length > 1
        ? ` (and ${suspects.length - 1} more suspect${suspects.length > 2 ? 's' : ''})`
        : '';
    return {
      verdict: 'fail',
      summary: `fail: ${suspects[0]?.message ?? `${failed} entries disagree`}${more}`,
      kinks,
      unstable,
    };
  }
  if (terms[0].judged === 0 || setAsideWorst > settings.maxSetAside) {
    const summary =
      `inconclusive: ${(100 * setAsideWorst).toFixed(0)}% of the entries of some term were set aside ` +
      `(${kinks} crossed a kink, ${unstable} unstable), more than the ${(100 * settings.maxSetAside).toFixed(0)}% allowed; ` +
      `the ${judged} judged entries agree. Try a smaller epsilon or another point (after some training).`;
    return { verdict: 'inconclusive', summary, kinks, unstable };
  }
  const summary =
    `pass: ${judged} gradient entries agree within ${fmt(settings.tolerance)} (worst error ${fmt(max((t) => t.worstError))})` +
    (kinks + unstable > 0 ? `; ${kinks} set aside at kinks, ${unstable} unstable` : '');
  return { verdict: 'pass', summary, kinks, unstable };
}
