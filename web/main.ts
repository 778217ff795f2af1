// The playground page: builds the controls from the state table, keeps the URL hash in step with
// them, and draws what the training worker (worker.ts) sends. The page never trains: Start/Pause,
// Step (one epoch) and Reset are commands to the worker, answered with snapshots that the page draws
// on the next animation frame, so any allowed network leaves the page free to answer input.

import { enableFeatures, makeInput, readInput, showLayerEditor, writeInput } from './controls.js';
import type { Dataset } from './datasets.js';
import { CsvView, isCsvFile } from './csv-view.js';
import { DiagramView } from './diagram.js';
import { applyHide, hideSuffix, splitHide } from './hide.js';
import { ExplainView } from './explain-view.js';
import {
  drawFit,
  drawLossCurve,
  drawNoPlot,
  drawRegions,
  plotFrame,
  pointStride,
  type PointView,
} from './plot.js';
import type { Command, Order, Ready, Report, Setup, Snapshot } from './protocol.js';
import { showTool } from './tools-view.js';
import {
  MAX_HIDDEN_LAYERS,
  MAX_LAYER_SIZE,
  checkedState,
  fields,
  fromHash,
  setLibraryNames,
  parseField,
  toHash,
  withHidden,
  type Field,
  type PlaygroundState,
} from './state.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const controls = $('controls');
const startButton = $<HTMLButtonElement>('start');
const stepButton = $<HTMLButtonElement>('step');
const resetButton = $<HTMLButtonElement>('reset');
const fitCanvas = $<HTMLCanvasElement>('fit');
const lossCanvas = $<HTMLCanvasElement>('loss-curve');
const epochText = $('epoch');
const lossText = $('loss');
const speedText = $('speed');
const testLossText = $('test-loss');
const testAccuracyText = $('test-accuracy');
const message = $('message');
const warningList = $('warnings');
const summary = $('summary');
const kernelText = $('kernels');
const layerEditor = document.createElement('div');
layerEditor.id = 'layer-editor';

const worker = new Worker(new URL('./playground-worker.js', import.meta.url), { type: 'module' });
let state: PlaygroundState;
/** the controls the URL hides (web/hide.ts): kept in the URL beside the state */
let hide: string[] = [];
let running = false;
/** the last command sent; the page is settled once it has drawn the snapshot answering it */
let sent = 0;
let data: Dataset | null = null;
let latest: Snapshot | null = null;
/** the last command answered without a run (its settings did not fit together) */
let answered = 0;
let needsDraw = false;
// the plots' extras: held-out rows, what the points show, the explain hover (issue 17)
const views = $('views');
let testRows: ReadonlySet<number> = new Set();
let resized = false;
let names = { inputs: ['x'], target: 'y' };
/** The plot's axes: the raw inputs (x₁, x₂ before any feature; a CSV file's columns), and the target for 1-D. */
const axisNames = (d: Dataset): readonly [string, string] => {
  const raw = d.name === 'csv' ? names.inputs : ['x₁', 'x₂'];
  return d.x[0].length === 1 ? [raw[0], names.target] : [raw[0], raw[1]];
};
const csvView = new CsvView(() => reset());
const explainer = new ExplainView(fitCanvas, $('explain'), {
  data: () => data,
  shown: (row) => row % pointStride(data?.x.length ?? 0) === 0 && (state.showTest || !testRows.has(row)),
  names: () => names.inputs,
  send: (request) => worker.postMessage(request satisfies Command),
  redraw: () => {
    needsDraw = true;
  },
});

const diagram = new DiagramView(
  $('diagram'),
  $('diagram-readout'),
  $('diagram-description'),
  () => names.inputs,
);

/** A built-in 2-D regression (plane, gaussians: targets in −1…1), drawn as a map of its value. */
const valueMap = (d: Dataset) => d.x[0].length === 2 && d.task === 'regression' && d.name !== 'csv';

/**
 * The fit plot: 1-D a curve, 2-D classes a decision map, the 2-D regressions (plane, gaussians: targets
 * in −1…1) a map of the prediction on the map's 0…1 scale; other data (a CSV file's) has no plot.
 */
function drawData(d: Dataset, snap: Snapshot): void {
  const inputs = d.x[0].length;
  if (inputs === 1) drawFit(fitCanvas, d, snap.gridX, snap.grid, pointView(d));
  else if (inputs === 2 && d.task === 'classification')
    drawRegions(fitCanvas, d, snap.grid, snap.gridSide, pointView(d));
  else if (valueMap(d)) {
    const toScale = (v: number) => Math.min(1, Math.max(0, (v + 1) / 2));
    const scaled = { ...d, y: d.y.map(([v]) => [toScale(v)]) };
    drawRegions(fitCanvas, scaled, snap.grid.map(toScale), snap.gridSide, pointView(d));
  } else
    drawNoPlot(
      fitCanvas,
      `${inputs} inputs${inputs === 2 ? ' and a numeric target' : ''}: no plot of the inputs (choose one feature, or two for two classes)`,
    );
}

/** How the points are drawn, from the state and the explain hover. */
function pointView(d: Dataset): PointView {
  views.dataset.showTest = String(state.showTest && testRows.size > 0);
  return {
    testRows,
    showTest: state.showTest,
    discretize: state.discretize,
    marked: explainer.marked,
    names: axisNames(d),
  };
}

/** One <label> with its control (web/controls.ts) per field of the table; ids are `control-<key>`. */
function buildControls(): void {
  for (const field of fields) {
    const input = makeInput(field);
    if (!input) continue;
    const label = document.createElement(field.key === 'features' ? 'div' : 'label');
    label.className = `field ${field.kind}`;
    label.textContent = field.label;
    if (field.slider) label.append(valueText(field));
    input.addEventListener('change', () => onControlChange(field, input));
    label.append(input);
    controls.append(label);
    if (field.key === 'hidden') controls.append(layerEditor);
  }
}

/** A slider's value, shown beside its label. */
function valueText(field: Field): HTMLElement {
  const output = document.createElement('output');
  output.id = `value-${field.key}`;
  output.htmlFor.add(`control-${field.key}`);
  return output;
}

function showState(): void {
  for (const field of fields) {
    writeInput(field, state[field.key]);
    const input = document.getElementById(`control-${field.key}`);
    if (input) markValid(input, true);
  }
  const choices = (key: string) => fields.find((f) => f.key === key)?.choices?.() ?? [];
  showLayerEditor(layerEditor, state, { hidden: choices('activation'), output: choices('output') }, (next) =>
    applyChange(next),
  );
}

/** Fields that change only what is drawn: the run goes on. */
const viewOnly = new Set<keyof PlaygroundState>(['showTest', 'discretize']);

function onControlChange(field: Field, input: HTMLElement): void {
  const text = readInput(field);
  const value = parseField(field, text);
  if (value === undefined) {
    markValid(input, false);
    say(`${field.label}: ${JSON.stringify(text)} is not a valid value (${expected(field)})`);
    return;
  }
  if (field.key === 'dataset') csvView.leave();
  markValid(input, true);
  (state as unknown as Record<string, unknown>)[field.key] = value;
  // the common activation is every hidden layer's: per-layer choices give way to it
  if (field.key === 'activation') state.layerActivations = [];
  // typed layers: the per-layer activations follow them, as with the editor's buttons
  if (field.key === 'hidden') Object.assign(state, withHidden(state, state.hidden));
  writeInput(field, value);
  if (viewOnly.has(field.key)) {
    writeHash();
    needsDraw = true;
    return;
  }
  applyChange({});
}

/** An invalid field is marked and linked to the message that says why (aria-describedby). */
function markValid(input: HTMLElement, valid: boolean): void {
  if (valid) {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  } else {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', 'message');
  }
}

/** What a field accepts, for the message shown on a bad value. */
function expected(field: Field): string {
  if (field.kind === 'layers')
    return `up to ${MAX_HIDDEN_LAYERS} sizes from 1 to ${MAX_LAYER_SIZE}, separated by commas`;
  if (field.kind === 'choice') return `one of ${field.choices!().join(', ')}`;
  if (field.kind === 'list') return `at least ${field.minItems ?? 0} of ${field.choices!().join(', ')}`;
  return `${field.integer ? 'an integer' : 'a number'} ${field.positive ? '>' : '≥'} ${field.min} and ≤ ${field.max}`;
}

/** Shows a message (an error, or '' to clear). */
function say(text: string): void {
  message.textContent = text;
  message.className = text ? 'error' : '';
}

/** The library's warnings about the current setup (network.warnings), one paragraph each. */
function showWarnings(warnings: readonly string[]): void {
  warningList.replaceChildren(
    ...warnings.map((w) => {
      const item = document.createElement('p');
      item.textContent = `Warning: ${w}`;
      return item;
    }),
  );
  warningList.hidden = warnings.length === 0;
}

/** Sends an order to the worker; the page is unsettled until it has drawn the answer. */
function command(order: Order): void {
  document.body.dataset.settled = 'false';
  worker.postMessage({ ...order, seq: ++sent } satisfies Command);
}

/** Makes a new run from the state (in the worker); settings that do not fit together show the library's error. */
function reset(params?: number[]): void {
  say('');
  setRunning(false);
  speedText.textContent = '–';
  command({
    type: 'reset',
    state,
    ...(params ? { params } : {}),
    ...(csvView.active ? { csv: csvView.active } : {}),
  });
}

function setRunning(on: boolean): void {
  running = on && data !== null && !latest?.diverged;
  startButton.textContent = running ? 'Pause' : 'Start';
  document.body.dataset.running = String(running);
}

function onSetup(setup: Setup): void {
  data = setup.data;
  testRows = new Set(setup.testRows);
  // a CSV file's columns go in as they are: the features and the noise apply to the built-in sets only
  const csv = data?.name === 'csv';
  if (data) enableFeatures(csv ? 0 : data.x[0].length);
  $<HTMLInputElement>('control-noise').disabled = csv;
  explainer.clear();
  diagram.clear();
  names = { inputs: setup.inputNames, target: setup.targetName };
  csvView.setup(setup.note, setup.error);
  // which legend shows: a built-in 2-D regression is drawn as a map of its value ('map')
  views.dataset.task = data && valueMap(data) ? 'map' : (data?.task ?? '');
  views.dataset.test = String(setup.testRows.length > 0);
  latest = null;
  summary.textContent = setup.summary;
  showWarnings(setup.warnings);
  if (setup.error) {
    setRunning(false);
    say(setup.error);
  }
  needsDraw = true;
}

function onSnapshot(snapshot: Snapshot): void {
  latest = snapshot;
  needsDraw = true;
  // the worker stopped by itself (diverged, converged): only a snapshot answering the latest command says so
  if (snapshot.seq === sent && running && !snapshot.running) setRunning(false);
}

function draw(): void {
  const snap = latest;
  if (!data || !snap) {
    drawLossCurve(lossCanvas, null);
    fitCanvas.getContext('2d')?.clearRect(0, 0, fitCanvas.width, fitCanvas.height);
    epochText.textContent = '–';
    for (const [text, value] of [
      [lossText, Number.NaN],
      [testLossText, Number.NaN],
      [testAccuracyText, Number.NaN],
    ] as const)
      showNumber(text, value, '');
    return;
  }
  drawData(data, snap);
  drawLossCurve(lossCanvas, snap.curve, snap.testCurve);
  // the diagram only when the worker sent a new one (at most every 250 ms), or the page was resized
  if (snap.diagram || resized) diagram.draw(snap.diagram);
  resized = false;
  epochText.textContent = String(snap.epoch);
  showNumber(lossText, snap.epoch > 0 ? snap.loss : Number.NaN, 'loss');
  showNumber(testLossText, snap.testLoss, 'loss');
  showNumber(testAccuracyText, snap.testAccuracy, 'share');
  if (Number.isFinite(snap.speed))
    speedText.textContent = `${Math.round(snap.speed).toLocaleString('en')} epochs/s`;
  if (snap.diverged) say(snap.diverged);
}

/** A readout: the number in its data-value (for tests), shown as a loss (1.234e-3) or a percentage; '–' for NaN. */
function showNumber(element: HTMLElement, value: number, kind: 'loss' | 'share' | ''): void {
  if (Number.isNaN(value)) {
    element.textContent = '–';
    delete element.dataset.value;
    return;
  }
  element.textContent = kind === 'share' ? `${(100 * value).toFixed(1)}%` : value.toExponential(3);
  element.dataset.value = String(value);
}

function frame(): void {
  if (needsDraw) {
    needsDraw = false;
    draw();
    if (latest) worker.postMessage({ type: 'drawn' } satisfies Command);
    explainer.renew();
    const settled = latest === null ? data === null && answered === sent : latest.seq === sent;
    document.body.dataset.settled = String(settled);
    if (settled) document.body.dataset.ready = 'true';
  }
  requestAnimationFrame(frame);
}

startButton.addEventListener('click', () => {
  setRunning(!running);
  command({ type: 'run', on: running });
});
stepButton.addEventListener('click', () => {
  setRunning(false);
  command({ type: 'step' });
});
resetButton.addEventListener('click', () => reset());
// Regenerate data: a new data seed (the next one), the weights' seed unchanged
$('regenerate').addEventListener('click', () => {
  const next = (state.dataSeed || state.seed) + 1;
  applyChange({ dataSeed: next > 2 ** 31 - 1 ? 1 : next });
});
for (const tool of ['doctor', 'gradcheck', 'export'] as const) {
  $(tool).addEventListener('click', () => {
    setRunning(false);
    $(tool).setAttribute('aria-busy', 'true');
    command({ type: tool });
  });
}
// a pasted or edited URL: take its settings (those it lacks, or gets wrong, take their defaults)
window.addEventListener('hashchange', () => loadHash());
window.addEventListener('resize', () => {
  needsDraw = true;
  resized = true;
});

/** A doctor fix: the new settings shown, written to the URL, and a new run. */
function applyChange(change: Partial<PlaygroundState>, params?: number[]): void {
  Object.assign(state, change);
  showState();
  writeHash();
  reset(params);
}

/** A model file chosen or dropped: the worker reads it; its answer starts a run from its weights. */
async function importFile(file: File): Promise<void> {
  setRunning(false);
  if (isCsvFile(file)) {
    command({ type: 'csv', text: await file.text(), name: file.name });
    return;
  }
  csvView.leave();
  command({ type: 'import', text: await file.text(), name: file.name, state: { ...state } });
}

for (const id of ['import', 'csv-file'])
  $<HTMLInputElement>(id).addEventListener('change', (event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file)
      void importFile(file).finally(() => {
        input.value = '';
      });
  });
document.addEventListener('dragover', (event) => {
  event.preventDefault();
  document.body.classList.add('dropping');
});
document.addEventListener('dragleave', () => document.body.classList.remove('dropping'));
document.addEventListener('drop', (event) => {
  event.preventDefault();
  document.body.classList.remove('dropping');
  const file = event.dataTransfer?.files[0];
  if (file) void importFile(file);
});

function loadHash(): void {
  const split = splitHide(location.hash);
  const parsed = fromHash(split.rest);
  state = parsed.state;
  hide = split.hide;
  applyHide(hide);
  showState();
  reset();
  const rejected = [...parsed.rejected, ...split.rejected];
  if (rejected.length) say(`ignored from the URL: ${rejected.join(', ')}`);
  writeHash();
}

/** The URL: the state's hash, and the controls it hides. */
function writeHash(): void {
  history.replaceState(null, '', `#${toHash(state)}${hideSuffix(hide)}`);
}

/** Which kernels the worker runs (it waits for the WebAssembly ones to compile before any run). */
function showKernels({ backend, note }: Ready): void {
  kernelText.textContent =
    backend === 'wasm' ? 'WebAssembly SIMD128' : `JavaScript${note ? ` (${note})` : ''}`;
  kernelText.dataset.backend = backend;
}

worker.onmessage = (event: MessageEvent<Report>) => {
  const report = event.data;
  if (report.type === 'ready') {
    showKernels(report);
    // the choices come from the worker's library: the controls are built once they are known
    setLibraryNames(report.names);
    buildControls();
    loadHash();
    requestAnimationFrame(frame);
  } else if (report.type === 'setup') onSetup(report);
  else if (report.type === 'explain') explainer.show(report);
  else if (report.type === 'csv') csvView.show(report);
  else if (report.type === 'answered') {
    answered = report.seq;
    needsDraw = true;
  } else if (report.type === 'tool' && report.tool === 'import') {
    if (report.error) say(report.error);
    else if (report.state) {
      const { state: checked, rejected } = checkedState(report.state);
      if (rejected.length) say(`${report.name}: the playground cannot show ${rejected.join(', ')}`);
      else applyChange(checked, report.params);
    }
  } else if (report.type === 'tool') {
    $(report.tool).removeAttribute('aria-busy');
    showTool(report, state, applyChange);
  } else onSnapshot(report);
};
worker.onerror = (event) => say(`the training worker failed: ${event.message}`);

setRunning(false);
// for tests and the console: the snapshot on screen (grid predictions as the page drew them)
Object.assign(globalThis, { playgroundSnapshot: () => latest });
// for tests: the points of the current run (Setup.data) and which of them are held out; where data
// row `row` is drawn on the fit canvas (CSS pixels from its top left corner)
Object.assign(globalThis, {
  playgroundData: () => ({ data, testRows: [...testRows] }),
  playgroundTestRows: () => [...testRows],
  playgroundPointAt: (row: number) => {
    if (!data || !data.x[row]) return null;
    const f = plotFrame(fitCanvas.clientWidth, fitCanvas.clientHeight, data);
    const [a, b] = data.x[row];
    return { x: f.px(a), y: f.py(b === undefined ? data.y[row][0] : b) };
  },
});
