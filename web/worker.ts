// The training worker: owns the run (web/trainer.ts, the library's TrainingRun stepped epoch by
// epoch), trains in time slices of SLICE_MS, reads the page's commands between slices, and sends a
// snapshot (loss curve, grid predictions) whenever the page has drawn the previous one. The page's
// main thread never trains, so any allowed network leaves it free to draw and answer clicks.

// wasmReady, not kernels.wasmReady: the namespace object keeps every kernel export (533 B gzipped)
import {
  DataError,
  ScratchnetError,
  kernelBackend,
  wasmFailure,
  wasmReady,
  zeros,
  type Matrix,
  type Table,
} from '../src/index.js';
import type { Command, Order, Report, Snapshot } from './protocol.js';
import { explainPoint } from './attribution.js';
import { csvDataset, readCsv, type CsvModel } from './csv-data.js';
import { featureLabel } from './features.js';
import { SampledHistory } from './history.js';
import { libraryNames } from './library-names.js';
import { diagramOf, diagramSide } from './neurons.js';
import { doctorFindings, exportModel, gradientCheck, importModel } from './tools.js';
import { Trainer } from './trainer.js';

/** training per slice before the worker looks at its messages again */
const SLICE_MS = 12;
const GRID_1D = 200;
/** multiply-adds one 2-D prediction map may cost (about 30 ms of WebAssembly): sets the map's side */
const MAP_BUDGET = 72e6;

interface Run {
  trainer: Trainer;
  /** the plot's grid points (raw x1 / x1, x2), and the same points as the network's inputs (features) */
  grid: Matrix;
  inputs: Matrix;
  side: number;
  pred: Float64Array;
  /** the test loss at each snapshot (none without test rows) */
  testCurve: SampledHistory;
  /** the network diagram's coarse grid, and when it was last computed (ms) */
  diagramGrid: Matrix;
  diagramSide: number;
  diagramAt: number;
  /** a CSV file's run: its encoding and standardization, for Export */
  csv: CsvModel | null;
}

let run: Run | null = null;
let running = false;
let seq = 0;
/** a snapshot is on its way to the page and not drawn yet */
let inFlight = false;
/** training time since the last snapshot, and what the last prediction map cost (ms) */
let trainedMs = 0;
let predictMs = 0;
let speed = { epochs: 0, since: 0, value: Number.NaN };

const post = (report: Report, transfer: Transferable[] = []) => postMessage(report, { transfer });
// a zero-delay task: setTimeout would be clamped to 4 ms once nested
const channel = new MessageChannel();
channel.port1.onmessage = () => slice();
let scheduled = false;
function schedule(): void {
  if (scheduled || !running) return;
  scheduled = true;
  channel.port2.postMessage(null);
}

function slice(): void {
  scheduled = false;
  if (!running || !run) return;
  const start = performance.now();
  const done = run.trainer.run(Number.POSITIVE_INFINITY, SLICE_MS);
  const now = performance.now();
  trainedMs += now - start;
  speed.epochs += done;
  if (now - speed.since >= 500)
    speed = { epochs: 0, since: now, value: (speed.epochs * 1000) / (now - speed.since) };
  if (done === 0 && run.trainer.finished) running = false; // diverged, or L-BFGS converged
  // predictions take at most a third of the worker's time
  if (!inFlight && (trainedMs >= 2 * predictMs || !running)) send();
  schedule();
}

/** Builds the run for a state; the library's error when its settings do not fit together. */
function reset(command: Extract<Order, { type: 'reset' }>): void {
  running = false;
  run = null;
  try {
    const { trainer, inputNames, targetName, note, csv } = makeTrainer(command);
    if (command.params) loadWeights(trainer, command.params);
    const params = trainer.network.params.length;
    const side =
      trainer.dims === 1 ? GRID_1D : Math.max(16, Math.min(80, Math.floor(Math.sqrt(MAP_BUDGET / params))));
    const grid = gridFor(trainer, side);
    const dSide = diagramSide(trainer.dims, params);
    run = {
      trainer,
      grid,
      inputs: trainer.inputsOf(grid),
      side,
      pred: new Float64Array(grid.rows),
      testCurve: new SampledHistory(),
      diagramGrid: trainer.inputsOf(gridFor(trainer, dSide)),
      diagramSide: dSide,
      diagramAt: Number.NEGATIVE_INFINITY,
      csv,
    };
    const { data, network } = trainer;
    post({
      type: 'setup',
      seq,
      error: '',
      data,
      inputSize: network.inputSize,
      summary: String(network),
      warnings: [...network.warnings],
      features: [...trainer.features],
      testRows: trainer.test?.rows ?? [],
      inputNames,
      targetName,
      note,
    });
  } catch (e) {
    const error = e instanceof ScratchnetError ? `${e.name}: ${e.message}` : String(e);
    post({
      type: 'setup',
      seq,
      error,
      data: null,
      inputSize: 0,
      summary: '',
      warnings: [],
      features: [],
      testRows: [],
      inputNames: [],
      targetName: '',
      note: '',
    });
  }
}

/** the CSV files by number: the one the run trains on and the last one read (web/csv-data.ts) */
const tables = new Map<number, Table>();
let filesRead = 0;
let trainedFile = 0;

/** The run's trainer: on the state's dataset, or on the CSV file's columns the reset names. */
function makeTrainer(command: Extract<Order, { type: 'reset' }>): {
  trainer: Trainer;
  inputNames: string[];
  targetName: string;
  note: string;
  csv: CsvModel | null;
} {
  if (!command.csv) {
    const trainer = new Trainer(command.state);
    const inputNames = trainer.features.map(featureLabel);
    const targetName = trainer.data.task === 'regression' ? 'y' : 'class';
    return { trainer, inputNames, targetName, note: '', csv: null };
  }
  const table = tables.get(command.csv.file);
  if (!table) throw new DataError('no CSV file loaded', 'data');
  trainedFile = command.csv.file;
  const { data, inputNames, note, model } = csvDataset(table, command.csv.target, command.csv.features);
  return {
    trainer: new Trainer(command.state, undefined, data),
    inputNames,
    targetName: command.csv.target,
    note,
    csv: model,
  };
}

/** The plot's grid (makeGrid, raw points) for one or two raw inputs; beyond two there is no plot: one dummy point. */
function gridFor(trainer: Trainer, side: number): Matrix {
  return trainer.dims <= 2 ? trainer.makeGrid(side) : zeros(1, trainer.dims);
}

/** Reads a CSV file: its columns for the page to choose from, or the library's error. */
function readCsvFile(text: string, name: string): void {
  try {
    const read = readCsv(text, name);
    const file = ++filesRead;
    // a new file does not change the run: the page trains on it once its columns are chosen
    for (const kept of tables.keys()) if (kept !== trainedFile) tables.delete(kept);
    tables.set(file, read.table);
    post({ type: 'csv', file, name, rows: read.table.rows.length, columns: read.columns, error: '' });
  } catch (e) {
    const error = e instanceof ScratchnetError ? `${e.name}: ${e.message}` : String(e);
    post({ type: 'csv', file: 0, name, rows: 0, columns: [], error });
  }
}

/** An imported model's weights into a run built from its settings: the same shapes and activations, or an error. */
function loadWeights(trainer: Trainer, params: number[]): void {
  const { network } = trainer;
  if (params.length !== network.params.length)
    throw new DataError(
      `the model has ${params.length} parameters, this setup ${network.params.length}`,
      'model',
    );
  network.params.set(params);
}

/** the diagram is renewed at most this often while training runs (ms) */
const DIAGRAM_MS = 250;

/** The network diagram when it is due (always when paused: every step shows), else null. */
function newDiagram(r: Run): ReturnType<typeof diagramOf> | null {
  const now = performance.now();
  if (running && now - r.diagramAt < DIAGRAM_MS) return null;
  r.diagramAt = now;
  return diagramOf(r.trainer, r.diagramGrid, r.diagramSide);
}

/** Predicts the grid and posts a snapshot of the run. */
function send(): void {
  if (!run) {
    post({ type: 'answered', seq });
    return;
  }
  const { trainer, grid, inputs, side, pred } = run;
  const start = performance.now();
  trainer.predictInto(pred, inputs);
  predictMs = performance.now() - start;
  trainedMs = 0;
  const h = trainer.history;
  const test = trainer.testMetrics();
  if (trainer.test && Number.isFinite(test.loss)) run.testCurve.push(trainer.epoch, test.loss);
  const tc = run.testCurve;
  const diagram = newDiagram(run);
  const snapshot: Snapshot = {
    type: 'snapshot',
    seq,
    running,
    epoch: trainer.epoch,
    loss: trainer.epoch > 0 ? h.last : Number.NaN,
    testLoss: test.loss,
    testAccuracy: test.accuracy,
    curve: {
      low: h.low.slice(0, h.length),
      high: h.high.slice(0, h.length),
      length: h.length,
      epochs: h.epochs,
    },
    testCurve: {
      epochs: tc.epochs.slice(0, tc.length),
      values: tc.values.slice(0, tc.length),
      length: tc.length,
    },
    diagram,
    grid: pred.slice(),
    gridX: trainer.dims === 1 ? Float64Array.from(grid.data) : new Float64Array(0),
    gridSide: side,
    speed: running ? speed.value : Number.NaN,
    diverged: trainer.diverged?.message ?? '',
  };
  inFlight = true;
  post(snapshot, [
    snapshot.curve.low.buffer,
    snapshot.curve.high.buffer,
    snapshot.grid.buffer,
    snapshot.gridX.buffer,
    snapshot.testCurve.epochs.buffer,
    snapshot.testCurve.values.buffer,
  ]);
}

function handle(command: Command): void {
  if (command.type === 'drawn') {
    inFlight = false;
    if (!running) return;
    if (trainedMs >= 2 * predictMs) send();
    return;
  }
  if (command.type === 'explain') {
    // answered at once, between slices; training goes on
    if (run) post(explainPoint(run.trainer, command));
    return;
  }
  seq = command.seq;
  if (command.type === 'reset') reset(command);
  else if (command.type === 'step') {
    running = false;
    run?.trainer.run(1);
  } else if (command.type === 'run') {
    running = command.on && run !== null && run.trainer.diverged === null;
    speed = { epochs: 0, since: performance.now(), value: Number.NaN };
  } else if (command.type === 'csv') readCsvFile(command.text, command.name);
  else if (command.type === 'import') {
    try {
      post({
        type: 'tool',
        tool: 'import',
        error: '',
        name: command.name,
        ...importModel(command.text, command.name, command.state),
      });
    } catch (e) {
      post({
        type: 'tool',
        tool: 'import',
        error: e instanceof ScratchnetError ? `${e.name}: ${e.message}` : String(e),
      });
    }
  } else tool(command.type);
  send(); // every command is answered by a snapshot carrying its seq
  schedule();
}

/** Runs a tool on the current run (training paused while it runs) and posts its report. */
function tool(name: 'doctor' | 'gradcheck' | 'export'): void {
  const trainer = run?.trainer;
  const csv = run?.csv ?? null;
  try {
    if (!trainer) throw new Error('no run: fix the settings first');
    if (name === 'doctor') post({ type: 'tool', tool: name, error: '', findings: doctorFindings(trainer) });
    else if (name === 'gradcheck') post({ type: 'tool', tool: name, error: '', ...gradientCheck(trainer) });
    else {
      const data = csv ? csv.source.replace(/\.\w+$/, '') : trainer.state.dataset;
      const file = `playground-${data}-epoch${trainer.epoch}.model.json`;
      post({ type: 'tool', tool: name, error: '', text: exportModel(trainer, csv), name: file });
    }
  } catch (e) {
    const error =
      e instanceof ScratchnetError ? `${e.name}: ${e.message}` : String((e as Error).message ?? e);
    post({ type: 'tool', tool: name, error });
  }
}

/** Which kernels run: the WebAssembly ones compile asynchronously; commands wait for them. */
async function start(): Promise<void> {
  let note = '';
  try {
    await wasmReady;
  } catch (e) {
    note = `WebAssembly failed: ${(e as Error).message}`;
  }
  note ||= wasmFailure() ?? '';
  post({ type: 'ready', backend: kernelBackend(), note, names: libraryNames });
  addEventListener('message', (event: MessageEvent<Command>) => handle(event.data));
}

void start();
