// The messages between the page (main.ts) and the training worker (worker.ts). The worker owns the
// run and trains in time slices; the page only draws the latest snapshot it was sent.

import type { Dataset } from './datasets.js';
import type { LibraryNames, PlaygroundState } from './state.js';

/** What the page asks of the worker. */
export type Order =
  /** a new run; `params`: start from these weights (an imported model's) instead of the seeded ones */
  | { type: 'reset'; state: PlaygroundState; params?: number[]; csv?: CsvChoice }
  | { type: 'run'; on: boolean }
  | { type: 'step' }
  /** the tools (web/tools.ts), on the current run: each answered by a ToolReport, then a snapshot */
  | { type: 'doctor' }
  | { type: 'gradcheck' }
  | { type: 'export' }
  /** a model file's text; `state`: the page's settings, for what the file does not say */
  | { type: 'import'; text: string; name: string; state: PlaygroundState }
  /** a CSV file's text: read, answered by a CsvReport; a reset with `csv` then trains on it */
  | { type: 'csv'; text: string; name: string };

/**
 * The page's messages: orders, numbered by `seq` so the page knows when the worker has answered all
 * of them; and `drawn`: the page drew the last snapshot, the worker may send the next one.
 */
export type Command = (Order & { seq: number }) | { type: 'drawn' } | ExplainRequest;

/** The loss history as the plots read it (a copy of the entries in use of a LossHistory). */
export interface LossCurve {
  low: Float64Array;
  high: Float64Array;
  length: number;
  epochs: number;
}

export interface Snapshot {
  type: 'snapshot';
  /** the last command the worker has handled */
  seq: number;
  running: boolean;
  epoch: number;
  /** the latest loss; NaN before the first epoch */
  loss: number;
  curve: LossCurve;
  /** on the held-out rows: the data loss, and the share classified right (NaN: no test rows, or regression) */
  testLoss: number;
  testAccuracy: number;
  /** the test loss at each snapshot so far (empty without test rows) */
  testCurve: SampledCurve;
  /** the network diagram's numbers, renewed at a low rate (null: keep the last one) */
  diagram: Diagram | null;
  /** predictions on the grid: 1-D, `gridSide` points; 2-D, gridSide² cells, top row first */
  grid: Float64Array;
  gridX: Float64Array;
  gridSide: number;
  /** epochs per second while running (NaN otherwise) */
  speed: number;
  /** the divergence message, once diverged */
  diverged: string;
}

/** Sent after each reset: what the new run is, or why it could not be made. */
export interface Setup {
  type: 'setup';
  seq: number;
  /** the library's error for settings that do not fit together; '' when the run was made */
  error: string;
  data: Dataset | null;
  inputSize: number;
  /** String(network) */
  summary: string;
  /** the library's warnings (network.warnings) */
  warnings: string[];
  /** the network's input features (web/features.ts names, in input order); a CSV file's: its encoded columns */
  features: string[];
  /** the held-out rows (indices into data.x, in data order), drawn when showTest is on; [] when none */
  testRows: number[];
  /** the network's inputs as the page names them (the features' labels; a CSV file's encoded columns) and the target's */
  inputNames: string[];
  targetName: string;
  /** what the data is, when it is not in the URL (a CSV file); '' otherwise */
  note: string;
}

/** The answer to a command when there is no run to snapshot (its settings did not fit together). */
export interface Answered {
  type: 'answered';
  seq: number;
}

/** Sent once, when the worker's kernels are chosen. */
export interface Ready {
  type: 'ready';
  backend: string;
  note: string;
  /** the library's activation, loss and optimizer names: the page's choices (web/library-names.ts) */
  names: LibraryNames;
}

/** A doctor finding as the page shows it; `fixOptions`: its fix as library options (the page's settings: web/state.ts settingsChange). */
export interface DoctorFinding {
  rule: string;
  severity: string;
  observed: string;
  why: string;
  fix: string;
  fixOptions: Record<string, unknown> | null;
}

/** A tool's answer: doctor findings, a gradient check, or a model file; `error` (the library's message) when it failed. */
export interface ToolReport {
  type: 'tool';
  tool: 'doctor' | 'gradcheck' | 'export' | 'import';
  error: string;
  findings?: DoctorFinding[];
  /** gradcheck: the verdict; text: its report, or the exported model file */
  verdict?: string;
  text?: string;
  /** export: a file name; import: the model file's name */
  name?: string;
  /** import: the model's settings (unchecked: the page checks them) and weights, for the page to start a run from */
  state?: PlaygroundState;
  params?: number[];
}

/**
 * The network diagram (web/neurons.ts → web/diagram.ts): for the inputs and each layer, at most
 * MAX_SHOWN neurons ("shown"), each neuron's output at `points` grid points (2-D: side² cells, top
 * row first; 1-D: side points), and the weights and biases between shown neurons.
 */
export interface Diagram {
  /** neurons per layer, the inputs first: [inputs, hidden…, outputs] */
  sizes: number[];
  /** the activation of each layer ('input' for the inputs) */
  activations: string[];
  side: number;
  points: number;
  /** layer by layer, shown neuron by neuron: `points` values each */
  values: Float64Array;
  /** layer by layer (1…): weight[i, o] for shown i, o, row-major */
  weights: Float64Array;
  /** layer by layer (1…): the shown neurons' biases */
  biases: Float64Array;
}

/** A sampled curve as the plots read it (a copy of the samples of a SampledHistory). */
export interface SampledCurve {
  epochs: Float64Array;
  values: Float64Array;
  length: number;
}

/**
 * Explain (issue 17): the attribution of one point's prediction to its inputs, asked when the page
 * hovers a point (not numbered: it does not unsettle the page); `id` pairs the answer with the ask.
 */
export interface ExplainRequest {
  type: 'explain';
  id: number;
  /** the point's raw inputs (x1, or x1 and x2; a CSV row's columns) */
  point: number[];
}

/** Integrated gradients from the training means, with the completeness check (the library's integratedGradients). */
export interface ExplainReport {
  type: 'explain';
  id: number;
  point: number[];
  /** [I] the network's inputs at the point (its features; the point itself when they are x1, x2) */
  inputs: number[];
  /** [I] the training rows' means: the baseline b */
  baseline: number[];
  /** [I] a_i; Σ a_i = f(x) − f(b) within tolerance·|f(x) − f(b)| */
  attributions: number[];
  /** f(x), f(b): the network's output unit `unit` (probabilities for sigmoid / softmax outputs) */
  value: number;
  baselineValue: number;
  unit: number;
  completenessError: number;
  tolerance: number;
  steps: number;
  converged: boolean;
  /** how long the worker took (ms): the page renews no more often than every 3× this */
  ms: number;
  /** the library's message when it could not be computed */
  error: string;
}

/** Which columns of the loaded CSV file to train on. */
export interface CsvChoice {
  /** which file: the CsvReport's `file` (the worker keeps the file trained on and the last one read) */
  file: number;
  target: string;
  features: string[];
}

/** A CSV file's column: its name and its first distinct values (`many`: there are more). */
export interface CsvColumn {
  name: string;
  values: string[];
  many: boolean;
}

/** The answer to a CSV file: its columns, or the library's error reading it. */
export interface CsvReport {
  type: 'csv';
  /** the file's number (1, 2, … in the order read), for the CsvChoice that trains on it */
  file: number;
  name: string;
  rows: number;
  columns: CsvColumn[];
  error: string;
}

export type Report = Snapshot | Setup | Ready | ToolReport | ExplainReport | CsvReport | Answered;
