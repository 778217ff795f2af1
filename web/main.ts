// The playground page: builds the controls from the state table, keeps the URL hash in step with
// them, and trains in requestAnimationFrame chunks (about 9 ms of epochs per frame) so the page
// stays responsive. Start/Pause, Step (one epoch) and Reset; redraws the fit and the loss curve.
// The core is the compiled public entry, dist/src/index.js, loaded as plain ES modules.

import { ScratchnetError, kernels } from '../src/index.js';
import { drawFit, drawLossCurve, drawRegions } from './plot.js';
import {
  MAX_HIDDEN_LAYERS,
  MAX_LAYER_SIZE,
  fields,
  formatField,
  fromHash,
  parseField,
  toHash,
  type Field,
  type PlaygroundState,
} from './state.js';
import { Trainer } from './trainer.js';

const FRAME_BUDGET_MS = 9; // of a 16.7 ms frame at 60 Hz, leaving time to draw
const GRID_1D = 200; // prediction points along x
const GRID_2D = 60; // heat-map cells per side

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
const message = $('message');
const warningList = $('warnings');
const summary = $('summary');
const kernelText = $('kernels');

let state: PlaygroundState;
let trainer: Trainer | null = null;
let running = false;
let grid: ReturnType<Trainer['makeGrid']> | null = null;
let gridPred = new Float64Array(0);
let speed = { epochs: 0, since: performance.now() };

/** One <label> with a <select> or <input> per field of the table; ids are `control-<key>`. */
function buildControls(): void {
  for (const field of fields) {
    const label = document.createElement('label');
    label.textContent = field.label;
    let input: HTMLSelectElement | HTMLInputElement;
    if (field.kind === 'choice') {
      input = document.createElement('select');
      for (const choice of field.choices!()) input.add(new Option(choice, choice));
    } else {
      input = document.createElement('input');
      input.type = 'text';
      input.spellcheck = false;
      if (field.kind === 'layers') input.placeholder = 'e.g. 8,8 (empty: none)';
    }
    input.id = `control-${field.key}`;
    input.addEventListener('change', () => onControlChange(field, input));
    label.append(input);
    controls.append(label);
  }
}

function showState(): void {
  for (const field of fields) {
    const input = $<HTMLInputElement>(`control-${field.key}`);
    input.value = formatField(field, state[field.key]);
    input.removeAttribute('aria-invalid');
  }
}

function onControlChange(field: Field, input: HTMLSelectElement | HTMLInputElement): void {
  const value = parseField(field, input.value);
  if (value === undefined) {
    input.setAttribute('aria-invalid', 'true');
    say(`${field.label}: ${JSON.stringify(input.value)} is not a valid value (${expected(field)})`);
    return;
  }
  input.removeAttribute('aria-invalid');
  (state as unknown as Record<string, unknown>)[field.key] = value;
  history.replaceState(null, '', `#${toHash(state)}`);
  reset();
}

/** What a field accepts, for the message shown on a bad value. */
function expected(field: Field): string {
  if (field.kind === 'layers')
    return `up to ${MAX_HIDDEN_LAYERS} sizes from 1 to ${MAX_LAYER_SIZE}, separated by commas`;
  if (field.kind === 'choice') return `one of ${field.choices!().join(', ')}`;
  return `${field.integer ? 'an integer' : 'a number'} ${field.positive ? '>' : '≥'} ${field.min} and ≤ ${field.max}`;
}

/** Shows a message (an error, or '' to clear). */
function say(text: string): void {
  message.textContent = text;
  message.className = text ? 'error' : '';
}

/** The library's warnings about the current setup (network.warnings), one list item each. */
function showWarnings(warnings: readonly string[]): void {
  warningList.replaceChildren(
    ...warnings.map((w) => {
      const item = document.createElement('li');
      item.textContent = `Warning: ${w}`;
      return item;
    }),
  );
  warningList.hidden = warnings.length === 0;
}

/** Makes a new run from the state; settings that do not fit together show the library's error. */
function reset(): void {
  say('');
  try {
    trainer = new Trainer(state);
    grid = trainer.makeGrid(trainer.network.inputSize === 1 ? GRID_1D : GRID_2D);
    gridPred = new Float64Array(grid.rows);
    summary.textContent = String(trainer.network);
    showWarnings(trainer.network.warnings);
  } catch (e) {
    showWarnings([]);
    trainer = null;
    summary.textContent = '';
    setRunning(false);
    say(e instanceof ScratchnetError ? `${e.name}: ${e.message}` : String(e));
  }
  speed = { epochs: 0, since: performance.now() };
  speedText.textContent = '–';
  draw();
}

function setRunning(on: boolean): void {
  const was = running;
  running = on && trainer !== null && trainer.diverged === null;
  if (running && !was) speed = { epochs: 0, since: performance.now() };
  startButton.textContent = running ? 'Pause' : 'Start';
  document.body.dataset.running = String(running);
}

function draw(): void {
  if (!trainer || !grid) {
    drawLossCurve(lossCanvas, null);
    fitCanvas.getContext('2d')!.clearRect(0, 0, fitCanvas.width, fitCanvas.height);
    epochText.textContent = '–';
    lossText.textContent = '–';
    delete lossText.dataset.value;
    return;
  }
  trainer.predictInto(gridPred, grid);
  if (trainer.network.inputSize === 1) drawFit(fitCanvas, trainer.data, grid.data, gridPred);
  else drawRegions(fitCanvas, trainer.data, gridPred, GRID_2D);
  drawLossCurve(lossCanvas, trainer.history);
  const loss = trainer.epoch > 0 ? trainer.history.last : undefined;
  epochText.textContent = String(trainer.epoch);
  lossText.textContent = loss === undefined ? '–' : loss.toExponential(3);
  if (loss === undefined) delete lossText.dataset.value;
  else lossText.dataset.value = String(loss);
  if (trainer.diverged) say(trainer.diverged.message);
}

function frame(): void {
  if (running && trainer) {
    speed.epochs += trainer.run(Infinity, FRAME_BUDGET_MS);
    const now = performance.now();
    if (now - speed.since > 500) {
      speedText.textContent = `${Math.round((speed.epochs * 1000) / (now - speed.since)).toLocaleString('en')} epochs/s`;
      speed = { epochs: 0, since: now };
    }
    if (trainer.diverged) setRunning(false);
    draw();
  }
  requestAnimationFrame(frame);
}

startButton.addEventListener('click', () => setRunning(!running));
stepButton.addEventListener('click', () => {
  setRunning(false);
  trainer?.run(1);
  draw();
});
resetButton.addEventListener('click', () => reset());
// a pasted or edited URL: take its settings (those it lacks, or gets wrong, take their defaults)
window.addEventListener('hashchange', () => loadHash());
window.addEventListener('resize', () => draw());

function loadHash(): void {
  const parsed = fromHash(location.hash);
  state = parsed.state;
  showState();
  reset();
  if (parsed.rejected.length) say(`ignored from the URL: ${parsed.rejected.join(', ')}`);
  history.replaceState(null, '', `#${toHash(state)}`);
}

/**
 * Which kernels run: the WebAssembly ones compile asynchronously in a browser, so the page waits
 * for them before the first run — a run never switches kernels half-way, and the same URL gives the
 * same numbers. (They need a shared memory or a plain one; web/serve.ts makes the page
 * cross-origin isolated, which allows the shared one.)
 */
async function chooseKernels(): Promise<void> {
  let note = '';
  try {
    await kernels.wasmReady;
  } catch (e) {
    note = `WebAssembly failed: ${(e as Error).message}`;
  }
  note ||= kernels.wasmFailure() ?? '';
  kernelText.textContent =
    kernels.kernelBackend() === 'wasm' ? 'WebAssembly SIMD128' : `JavaScript${note ? ` (${note})` : ''}`;
  kernelText.dataset.backend = kernels.kernelBackend();
}

buildControls();
setRunning(false);
// chooseKernels reports its own failures on the page (never rejects)
void chooseKernels().then(() => {
  loadHash();
  document.body.dataset.ready = 'true';
  requestAnimationFrame(frame);
});
