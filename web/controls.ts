// The playground's setting controls, one per field of the state table (web/state.ts): a select, a
// text box, a slider, a checkbox, or a set of checkboxes (the input features); and the layer editor
// (+/- for layers and for each layer's neurons, each hidden layer's activation). DOM only: values go
// through the table's parseField/formatField, so the controls and the URL hash say the same.

import { features } from './features.js';
import {
  MAX_HIDDEN_LAYERS,
  MAX_LAYER_SIZE,
  formatField,
  layerActivation,
  withHidden,
  withLayerActivation,
  type Field,
  type PlaygroundState,
} from './state.js';

const byId = (id: string) => document.getElementById(id);

/**
 * The control of a field (ids `control-<key>`; a feature's checkbox `control-features-<name>`);
 * null for the per-layer activations and the output activation: the layer editor shows them.
 */
export function makeInput(field: Field): HTMLElement | null {
  if (field.key === 'layerActivations' || field.key === 'output') return null;
  if (field.key === 'features') return featureBoxes();
  let input: HTMLSelectElement | HTMLInputElement;
  if (field.kind === 'choice') {
    input = document.createElement('select');
    for (const choice of field.choices?.() ?? []) input.add(new Option(choice, choice));
  } else {
    input = document.createElement('input');
    input.type = field.kind === 'boolean' ? 'checkbox' : field.slider ? 'range' : 'text';
    if (field.slider) Object.assign(input, { min: field.min, max: field.max, step: field.slider });
    input.spellcheck = false;
    if (field.kind === 'layers') input.placeholder = 'e.g. 8,8 (empty: none)';
    if (field.key === 'batchSize') input.title = '0: every training row in one batch';
    if (field.key === 'dataSeed') input.title = '0: the seed';
  }
  input.id = `control-${field.key}`;
  return input;
}

/** The input features as checkboxes in a group labelled by the field's label. */
function featureBoxes(): HTMLElement {
  const group = document.createElement('span');
  group.id = 'control-features';
  group.className = 'features';
  group.setAttribute('role', 'group');
  for (const f of features) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.id = `control-features-${f.name}`;
    box.value = f.name;
    label.append(box, f.label);
    group.append(label);
  }
  return group;
}

/** The text parseField reads from a field's control. */
export function readInput(field: Field): string {
  const element = byId(`control-${field.key}`);
  if (field.key === 'features' && element)
    return Array.from(element.querySelectorAll<HTMLInputElement>('input:checked'), (b) => b.value).join(',');
  if (field.kind === 'boolean') return String((element as HTMLInputElement).checked);
  return (element as HTMLInputElement).value;
}

/** Shows a value in a field's control (a slider's value beside it). */
export function writeInput(field: Field, value: PlaygroundState[keyof PlaygroundState]): void {
  const element = byId(`control-${field.key}`);
  if (!element) return;
  if (field.key === 'features') {
    for (const box of Array.from(element.querySelectorAll<HTMLInputElement>('input')))
      box.checked = (value as string[]).includes(box.value);
  } else if (field.kind === 'boolean') (element as HTMLInputElement).checked = value === true;
  else (element as HTMLInputElement).value = formatField(field, value);
  if (field.slider) element.title = formatField(field, value);
  const shown = byId(`value-${field.key}`);
  if (shown) shown.textContent = formatField(field, value);
}

/** The features a 1-D dataset cannot compute (those of x2) are disabled. */
export function enableFeatures(dims: number): void {
  for (const f of features) {
    const box = byId(`control-features-${f.name}`) as HTMLInputElement | null;
    if (box) box.disabled = f.needs > dims;
  }
}

/**
 * The layer editor: "− N hidden layers +", then per hidden layer "− size +" and its activation, then
 * the output layer's activation (`control-output`). Each change calls `change` with the new state
 * (the `hidden` text field is redrawn from it). `choices`: the activations a hidden layer and the
 * output may have.
 */
export function showLayerEditor(
  editor: HTMLElement,
  state: PlaygroundState,
  choices: { hidden: readonly string[]; output: readonly string[] },
  change: (next: PlaygroundState) => void,
): void {
  const { hidden } = state;
  const focused = editor.contains(document.activeElement) ? document.activeElement?.id : undefined;
  const count = row('layers', `${hidden.length} hidden layer${hidden.length === 1 ? '' : 's'}`, [
    button('−', 'remove the last hidden layer', hidden.length > 0, () =>
      change(withHidden(state, hidden.slice(0, -1))),
    ),
    button('+', 'add a hidden layer', hidden.length < MAX_HIDDEN_LAYERS, () =>
      change(withHidden(state, [...hidden, hidden.at(-1) ?? 4])),
    ),
  ]);
  const layers = hidden.map((size, i) => {
    const resize = (by: number) => {
      const next = [...hidden];
      next[i] = size + by;
      change(withHidden(state, next));
    };
    const select = activationSelect(`layer-${i}-activation`, `layer ${i + 1} activation`, choices.hidden);
    select.value = layerActivation(state, i);
    select.addEventListener('change', () => change(withLayerActivation(state, i, select.value)));
    return row(`layer-${i}`, `${size}`, [
      button('−', `one neuron fewer in layer ${i + 1}`, size > 1, () => resize(-1)),
      button('+', `one neuron more in layer ${i + 1}`, size < MAX_LAYER_SIZE, () => resize(1)),
      select,
    ]);
  });
  // the output layer: its activation ('auto': what the loss needs)
  const output = activationSelect('control-output', 'output activation', choices.output);
  output.value = state.output;
  output.addEventListener('change', () => change({ ...state, output: output.value }));
  const last = document.createElement('div');
  last.className = 'layer-row';
  last.id = 'editor-output';
  last.append(
    Object.assign(document.createElement('span'), { className: 'count', textContent: 'output' }),
    output,
  );
  editor.replaceChildren(count, ...layers, last);
  if (focused) keepFocus(focused);
}

/**
 * A keyboard user stays on the button pressed; when the change disabled it (− at no hidden layer or
 * at one neuron, + at the most), on its partner, rather than losing the focus to the page.
 */
function keepFocus(id: string): void {
  const again = byId(id) as HTMLButtonElement | null;
  const partner = id.endsWith('-minus') ? id.replace(/-minus$/, '-plus') : id.replace(/-plus$/, '-minus');
  (again && !again.disabled ? again : byId(partner))?.focus();
}

/** One editor row: [−] text [+] and whatever follows (the − and + around the text). */
function row(id: string, text: string, parts: HTMLElement[]): HTMLElement {
  const div = document.createElement('div');
  div.className = 'layer-row';
  div.id = `editor-${id}`;
  const span = document.createElement('span');
  span.className = 'count';
  span.textContent = text;
  const [minus, plus, ...rest] = parts;
  minus.id = `${div.id}-minus`;
  plus.id = `${div.id}-plus`;
  div.append(minus, span, plus, ...rest);
  return div;
}

function activationSelect(id: string, label: string, names: readonly string[]): HTMLSelectElement {
  const select = document.createElement('select');
  select.id = id;
  select.setAttribute('aria-label', label);
  for (const name of names) select.add(new Option(name, name));
  return select;
}

function button(text: string, title: string, enabled: boolean, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.title = title;
  b.setAttribute('aria-label', title);
  b.disabled = !enabled;
  b.addEventListener('click', onClick);
  return b;
}
