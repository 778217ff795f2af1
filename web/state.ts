// The playground's whole UI state as one declarative table, and its round trip through the URL
// hash (`#dataset=xor&layers=8,8&…`), so any run can be shared — as TensorFlow Playground does
// (tensorflow/playground src/state.ts). No DOM here: the table is read by ui.ts and by the tests.

import { activationNames, lossNames, optimizerNames } from '../src/index.js';
import { datasetNames } from './datasets.js';

/** Everything a run depends on. Same state ⇒ same data, same initial weights, same curve. */
export interface PlaygroundState {
  dataset: string;
  /** standard deviation of the noise added to targets (1-D) or to point positions (2-D) */
  noise: number;
  /** share of the points held out as test data (never trained on); 0: none */
  testRatio: number;
  /** hidden layer sizes; [] is a model with no hidden layer */
  hidden: number[];
  activation: string;
  /** output activation, or 'auto': what the loss needs (linear for regression, sigmoid for cross-entropy) */
  output: string;
  /** 'auto': mse for regression data, binaryCrossEntropy for classification data */
  loss: string;
  optimizer: string;
  learningRate: number;
  /** L2 λ (the Network's weightDecay) */
  weightDecay: number;
  /** seeds both the data and the initial weights */
  seed: number;
  /** drawing only: the held-out points shown on the plot, and the output as classes (0 / 1) */
  showTest: boolean;
  discretize: boolean;
}

type Kind = 'choice' | 'number' | 'layers' | 'flag';

/** One row of the table: how a field is named, shown, parsed and written. */
export interface Field {
  key: keyof PlaygroundState;
  label: string;
  kind: Kind;
  /** the allowed values of a 'choice' field (read from the library, so new optimizers appear by themselves) */
  choices?: () => readonly string[];
  /** bounds of a 'number' field */
  min?: number;
  max?: number;
  integer?: boolean;
  /** a 'number' field whose lower bound is excluded (learning rate > 0) */
  positive?: boolean;
}

export const MAX_HIDDEN_LAYERS = 6;
export const MAX_LAYER_SIZE = 256;

export const fields: readonly Field[] = [
  { key: 'dataset', label: 'Data', kind: 'choice', choices: () => datasetNames },
  { key: 'noise', label: 'Noise', kind: 'number', min: 0, max: 1 },
  { key: 'testRatio', label: 'Test share', kind: 'number', min: 0, max: 0.9 },
  { key: 'hidden', label: 'Hidden layers', kind: 'layers' },
  {
    key: 'activation',
    label: 'Activation',
    kind: 'choice',
    choices: () => activationNames.filter((a) => a !== 'softmax'),
  },
  { key: 'output', label: 'Output', kind: 'choice', choices: () => ['auto', ...activationNames] },
  { key: 'loss', label: 'Loss', kind: 'choice', choices: () => ['auto', ...lossNames] },
  { key: 'optimizer', label: 'Optimizer', kind: 'choice', choices: () => optimizerNames },
  { key: 'learningRate', label: 'Learning rate', kind: 'number', min: 0, max: 10, positive: true },
  { key: 'weightDecay', label: 'L2 λ', kind: 'number', min: 0, max: 100 },
  { key: 'seed', label: 'Seed', kind: 'number', min: 0, max: 2 ** 31 - 1, integer: true },
  { key: 'showTest', label: 'Show test data', kind: 'flag' },
  { key: 'discretize', label: 'Discretize output', kind: 'flag' },
];

/** The seed experiment's fixed setup: [1, 64, 1], leaky ReLU, linear output, MSE, gradient descent. */
export const defaultState: Readonly<PlaygroundState> = Object.freeze({
  dataset: 'square',
  noise: 0,
  testRatio: 0,
  hidden: [64],
  activation: 'leakyRelu',
  output: 'auto',
  loss: 'auto',
  optimizer: 'sgd',
  learningRate: 0.1,
  weightDecay: 0,
  seed: 1,
  showTest: false,
  discretize: false,
});

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
    case 'flag':
      return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'layers': {
      const parts = text.split(/[\s,]+/).filter(Boolean);
      if (parts.length > MAX_HIDDEN_LAYERS) return undefined;
      const sizes = parts.map(Number);
      return sizes.every((s) => Number.isInteger(s) && s >= 1 && s <= MAX_LAYER_SIZE) ? sizes : undefined;
    }
  }
}

/** Writes one field's value as text (the inverse of parseField). */
export function formatField(field: Field, value: PlaygroundState[keyof PlaygroundState]): string {
  return field.kind === 'layers' ? (value as number[]).join(',') : String(value);
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
  const state: PlaygroundState = { ...defaultState, hidden: [...defaultState.hidden] };
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

/** decodeURIComponent, or undefined for a malformed `%` escape (`%E0%A4%A`, a lone `%`). */
function decodeOr(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
