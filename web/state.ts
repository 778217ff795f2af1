// The playground's whole UI state as one declarative table, and its round trip through the URL
// hash (`#dataset=xor&layers=8,8&…`), so any run can be shared — as TensorFlow Playground does
// (tensorflow/playground src/state.ts). No DOM here: the table is read by main.ts and by the tests.

import { datasetNames } from './datasets.js';
import { featureNames } from './features.js';

/** Everything a run depends on. Same state ⇒ same data, same initial weights, same curve. */
export interface PlaygroundState {
  dataset: string;
  /** seeds the data (points, noise, the test split) apart from the weights: 0 uses `seed` (Regenerate data sets it) */
  dataSeed: number;
  /** standard deviation of the noise added to targets (1-D) or to point positions (2-D) */
  noise: number;
  /** share of the points held out as test data (never trained on); 0: none */
  testRatio: number;
  /** the input features (web/features.ts), in table order; those of x2 are ignored on 1-D data */
  features: string[];
  /** hidden layer sizes; [] is a model with no hidden layer */
  hidden: number[];
  /** activation of every hidden layer, unless `layerActivations` names another for a layer */
  activation: string;
  /** per hidden layer: its activation (entry i for layer i); [] or a missing entry: `activation` */
  layerActivations: string[];
  /** output activation, or 'auto': what the loss needs (linear for regression, sigmoid for cross-entropy) */
  output: string;
  /** 'auto': mse for regression data, binaryCrossEntropy for classification data */
  loss: string;
  optimizer: string;
  learningRate: number;
  /** rows per mini-batch; 0: all the training rows (full batch) */
  batchSize: number;
  /** L2 λ (the Network's weightDecay) */
  weightDecay: number;
  /** L1 λ (the Network's l1) */
  l1: number;
  /** seeds the initial weights and the mini-batch shuffles, and the data unless `dataSeed` is set */
  seed: number;
  /** draw the held-out test points on the map (the plots read it; training ignores it) */
  showTest: boolean;
  /** draw the map as class 0 / class 1 only, no shades (the plots read it) */
  discretize: boolean;
}

type Kind = 'choice' | 'number' | 'layers' | 'list' | 'boolean';

/** One row of the table: how a field is named, shown, parsed and written. */
export interface Field {
  key: keyof PlaygroundState;
  label: string;
  kind: Kind;
  /** the allowed values of a 'choice' field, or of each entry of a 'list' field (read from the library, so new optimizers appear by themselves) */
  choices?: () => readonly string[];
  /** bounds of a 'number' field */
  min?: number;
  max?: number;
  integer?: boolean;
  /** a 'number' field whose lower bound is excluded (learning rate > 0) */
  positive?: boolean;
  /** a 'number' field shown as a slider with this step */
  slider?: number;
  /** a 'list' field: at most this many entries, and at least `minItems` */
  maxItems?: number;
  minItems?: number;
}

export const MAX_HIDDEN_LAYERS = 6;
export const MAX_LAYER_SIZE = 256;

/** The library's names the choice fields offer. */
export interface LibraryNames {
  activations: readonly string[];
  losses: readonly string[];
  optimizers: readonly string[];
}

/**
 * Empty until set: from the library by web/library-names.ts (the worker, Node), on the page from the
 * worker's `ready` message, so the page's bundle carries none of the library's kernels for them.
 */
const library: LibraryNames = { activations: [], losses: [], optimizers: [] };

export function setLibraryNames(names: LibraryNames): void {
  Object.assign(library, names);
}

const hiddenActivations = () => library.activations.filter((a) => a !== 'softmax');

export const fields: readonly Field[] = [
  { key: 'dataset', label: 'Data', kind: 'choice', choices: () => datasetNames },
  { key: 'noise', label: 'Noise', kind: 'number', min: 0, max: 1, slider: 0.01 },
  { key: 'testRatio', label: 'Test share', kind: 'number', min: 0, max: 0.9, slider: 0.05 },
  { key: 'dataSeed', label: 'Data seed', kind: 'number', min: 0, max: 2 ** 31 - 1, integer: true },
  { key: 'features', label: 'Features', kind: 'list', choices: () => featureNames, minItems: 1 },
  { key: 'activation', label: 'Activation', kind: 'choice', choices: hiddenActivations },
  { key: 'hidden', label: 'Hidden layers', kind: 'layers' },
  {
    key: 'layerActivations',
    label: 'Per layer',
    kind: 'list',
    choices: hiddenActivations,
    maxItems: MAX_HIDDEN_LAYERS,
  },
  { key: 'output', label: 'Output', kind: 'choice', choices: () => ['auto', ...library.activations] },
  { key: 'loss', label: 'Loss', kind: 'choice', choices: () => ['auto', ...library.losses] },
  { key: 'optimizer', label: 'Optimizer', kind: 'choice', choices: () => library.optimizers },
  { key: 'learningRate', label: 'Learning rate', kind: 'number', min: 0, max: 10, positive: true },
  { key: 'batchSize', label: 'Batch size', kind: 'number', min: 0, max: 10_000, integer: true },
  { key: 'weightDecay', label: 'L2 λ', kind: 'number', min: 0, max: 100 },
  { key: 'l1', label: 'L1 λ', kind: 'number', min: 0, max: 100 },
  { key: 'seed', label: 'Seed', kind: 'number', min: 0, max: 2 ** 31 - 1, integer: true },
  { key: 'showTest', label: 'Show test data', kind: 'boolean' },
  { key: 'discretize', label: 'Discretize output', kind: 'boolean' },
];

/** The seed experiment's fixed setup: [1, 64, 1], leaky ReLU, linear output, MSE, gradient descent. */
export const defaultState: Readonly<PlaygroundState> = Object.freeze({
  dataset: 'square',
  dataSeed: 0,
  noise: 0,
  testRatio: 0,
  features: ['x1', 'x2'],
  hidden: [64],
  activation: 'leakyRelu',
  layerActivations: [],
  output: 'auto',
  loss: 'auto',
  optimizer: 'sgd',
  learningRate: 0.1,
  batchSize: 0,
  weightDecay: 0,
  l1: 0,
  seed: 1,
  showTest: false,
  discretize: false,
});

/** A fresh, unfrozen copy of the defaults (its lists not shared). */
export function defaults(): PlaygroundState {
  return structuredClone(defaultState) as PlaygroundState;
}

/** Parses one field's text; returns undefined when the text is not a valid value. */
export function parseField(field: Field, text: string): PlaygroundState[keyof PlaygroundState] | undefined {
  switch (field.kind) {
    case 'choice':
      return field.choices!().includes(text) ? text : undefined;
    case 'number': {
      if (text.trim() === '') return undefined;
      const v = Number(text);
      if (!Number.isFinite(v) || v < (field.min ?? -Infinity) || v > (field.max ?? Infinity))
        return undefined;
      if (field.positive && v <= 0) return undefined;
      if (field.integer && !Number.isInteger(v)) return undefined;
      return v;
    }
    case 'layers': {
      const parts = text.split(/[\s,]+/).filter(Boolean);
      if (parts.length > MAX_HIDDEN_LAYERS) return undefined;
      const sizes = parts.map(Number);
      return sizes.every((s) => Number.isInteger(s) && s >= 1 && s <= MAX_LAYER_SIZE) ? sizes : undefined;
    }
    case 'list':
      return parseList(field, text);
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : undefined;
  }
}

/** A comma-separated list of allowed names; a 'features'-like list is kept in table order, without repeats. */
function parseList(field: Field, text: string): string[] | undefined {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const allowed = field.choices!();
  if (parts.length < (field.minItems ?? 0) || parts.length > (field.maxItems ?? allowed.length))
    return undefined;
  if (!parts.every((p) => allowed.includes(p))) return undefined;
  // per-layer lists keep their order; a set of names (at most one of each) is written in table order
  if (field.maxItems !== undefined) return parts;
  return new Set(parts).size === parts.length ? allowed.filter((a) => parts.includes(a)) : undefined;
}

/** Writes one field's value as text (the inverse of parseField). */
export function formatField(field: Field, value: PlaygroundState[keyof PlaygroundState]): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** `dataset=square&noise=0&…`, every field in table order. */
export function toHash(state: PlaygroundState): string {
  return fields.map((f) => `${f.key}=${encodeURIComponent(formatField(f, state[f.key]))}`).join('&');
}

/**
 * Reads a hash (with or without its '#'). Missing fields take their defaults; a field with an
 * invalid value also takes its default and is named in `rejected` (so the page can say so).
 */
export function fromHash(hash: string): { state: PlaygroundState; rejected: string[] } {
  const state = defaults();
  const rejected: string[] = [];
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const pair of text.split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const key = decodeOr(rawKey);
    const field = fields.find((f) => f.key === key);
    if (!field) {
      rejected.push(key ?? rawKey);
      continue;
    }
    const raw = decodeOr(eq < 0 ? '' : pair.slice(eq + 1));
    if (raw === undefined) {
      rejected.push(field.key);
      continue;
    }
    const value = parseField(field, raw);
    if (value === undefined) rejected.push(`${field.key}=${raw}`);
    else (state as unknown as Record<string, unknown>)[field.key] = value;
  }
  return { state, rejected };
}

/**
 * Settings from elsewhere (an imported model file) taken through the URL hash, so every value is
 * checked as a shared link's would be: the state, and the values the page cannot show.
 */
export function checkedState(wanted: PlaygroundState): { state: PlaygroundState; rejected: string[] } {
  return fromHash(toHash(wanted));
}

/** decodeURIComponent, or undefined for a malformed `%` escape (`%E0%A4%A`, a lone `%`). */
function decodeOr(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** The activation of hidden layer i: its own (layerActivations[i]) or the common one. */
export function layerActivation(state: PlaygroundState, i: number): string {
  return state.layerActivations[i] || state.activation;
}

/**
 * New hidden sizes, the per-layer activations kept in step: a removed layer takes its entry with it,
 * an added one has the common activation. The list is emptied when every entry is the common one.
 */
export function withHidden(state: PlaygroundState, hidden: number[]): PlaygroundState {
  const own = state.layerActivations.length > 0;
  const activations = own ? hidden.map((_, i) => layerActivation(state, i)) : [];
  return { ...state, hidden, layerActivations: normalized(activations, state.activation) };
}

/** Hidden layer i's activation set to `name` (the others keep theirs). */
export function withLayerActivation(state: PlaygroundState, i: number, name: string): PlaygroundState {
  const activations = state.hidden.map((_, j) => (j === i ? name : layerActivation(state, j)));
  return { ...state, layerActivations: normalized(activations, state.activation) };
}

function normalized(activations: string[], common: string): string[] {
  return activations.every((a) => a === common) ? [] : activations;
}

/**
 * A doctor finding's fix (its fixOptions, as the library writes them) as new values of the page's
 * settings; null when the page has no setting for it.
 */
export function settingsChange(
  fixOptions: Readonly<Record<string, unknown>> | null,
  state: PlaygroundState,
): Partial<PlaygroundState> | null {
  const change: Partial<PlaygroundState> = {};
  for (const [key, value] of Object.entries(fixOptions ?? {})) {
    if (key === 'layers' && Array.isArray(value) && value.every(Number.isInteger)) {
      // the per-layer activations follow the new layers
      const next = withHidden(state, (value as number[]).slice(1, -1));
      change.hidden = next.hidden;
      if (state.layerActivations.length > 0) change.layerActivations = next.layerActivations;
    } else if (
      (key === 'learningRate' || key === 'weightDecay' || key === 'l1') &&
      typeof value === 'number'
    ) {
      change[key] = value;
    } else if (
      (key === 'output' || key === 'activation' || key === 'optimizer' || key === 'loss') &&
      typeof value === 'string'
    ) {
      change[key] = value;
      // a new hidden activation is every hidden layer's: per-layer choices give way to it
      if (key === 'activation' && state.layerActivations.length > 0) change.layerActivations = [];
    } else {
      return null;
    }
  }
  return Object.keys(change).length > 0 &&
    Object.entries(change).some(([k, v]) => String(state[k as keyof PlaygroundState]) !== String(v))
    ? change
    : null;
}
