// The model file: one JSON document holding everything needed to use or continue a trained network —
// architecture and weights, input scaling, the data encoding (columns, categories, class labels),
// training settings, metrics and history, and (in checkpoints) the optimizer and random state.
// Validated on load with a zod schema; numbers are written by JSON.stringify, whose shortest
// round-trip form makes float64 weights come back bit-exactly (ECMA-262 Number::toString).
// Pure data: reading and writing files is the CLI's job (src/cli/files.ts, atomic writes).

import { z } from 'zod';
import { DataError } from '../errors.js';
import { NETWORK_LIMITS, Network, checkNetworkSize, type NetworkJSON } from '../nn/network.js';
import type { Encoding } from '../data/encoding.js';
import { thousandsSeparators } from '../data/cells.js';

export const MODEL_FORMAT = 'scratchnet-model';
export const MODEL_VERSION = 1;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
/** a layer's width: NETWORK_LIMITS bound every size a model file declares, checked before allocation */
const width = z.number().int().positive().max(NETWORK_LIMITS.layerWidth);
const name = z.string().min(1);

const columnEncoding = z.discriminatedUnion('type', [
  z.object({ name, type: z.literal('number'), fill: finite.optional() }),
  z.object({ name, type: z.literal('boolean'), fill: finite.optional() }),
  z.object({
    name,
    type: z.literal('date'),
    fill: finite.optional(),
    order: z.enum(['day-first', 'month-first']).optional(),
  }),
  z.object({
    name,
    type: z.literal('category'),
    categories: z.array(z.string()).min(1),
    fill: z.string().optional(),
  }),
]);

const encoding = z.object({
  features: z.array(columnEncoding).min(1),
  target: z.object({
    columns: z.array(name).min(1),
    task: z.enum(['regression', 'binary', 'multiclass']),
    classes: z.array(z.string()).min(2).max(NETWORK_LIMITS.layerWidth).optional(),
    inferred: z.string().optional(),
  }),
  missing: z.enum(['error', 'drop', 'mean']),
  missingTarget: z.enum(['error', 'drop']).optional(),
  unknown: z.enum(['error', 'ignore']).optional(),
  naValues: z.array(z.string()).optional(),
  ignored: z.array(z.object({ column: name, reason: z.string() })).optional(),
  codes: z.array(z.object({ column: name, example: z.string() })).optional(),
  numbers: z
    .object({ decimal: z.enum(['.', ',']).optional(), thousands: z.enum(thousandsSeparators).optional() })
    .optional(),
});

const network = z.looseObject({
  format: z.literal('scratchnet-network'),
  version: z.number().int(),
  dtype: z.enum(['float64', 'float32']),
  layers: z
    .array(
      z.looseObject({
        type: z.string(),
        inputSize: width,
        outputSize: width,
      }),
    )
    .min(1),
  loss: z.unknown(),
  weightDecay: finite,
  l1: finite,
  parameters: z.array(finite),
});

/** Training settings as given (after defaults): what `train --resume` re-uses. */
const settings = z.looseObject({
  layers: z.array(width).optional(),
  activation: z.string().optional(),
  output: z.string().optional(),
  loss: z.string().optional(),
  optimizer: z.string().optional(),
  learningRate: finite.optional(),
  epochs: z.number().int().positive().optional(),
  batchSize: z.number().int().positive().optional(),
  weightDecay: finite.optional(),
  validationSplit: finite.optional(),
  earlyStopping: z.unknown().optional(),
  seed: z.number().int().nonnegative(),
});

const history = z.looseObject({
  loss: z.array(z.number()),
});

export const modelSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  createdBy: z.string().optional(),
  /** where the data came from: the file's name ("cars.csv", never its folder) or "dataset spirals" */
  data: z.looseObject({ source: z.string() }).optional(),
  network,
  encoding,
  settings,
  history: history.optional(),
  metrics: z.record(z.string(), z.unknown()).optional(),
  /** the model search that chose the configuration (autoFit): chosen, leaderboard, settings; absent without one */
  search: z
    .looseObject({
      chosen: z.record(z.string(), z.unknown()),
      leaderboard: z.array(z.record(z.string(), z.unknown())),
      settings: z.record(z.string(), z.unknown()),
    })
    .optional(),
  /** present while training is unfinished: enough state to continue bit-identically */
  checkpoint: z
    .looseObject({
      epoch: z.number().int().nonnegative(),
      reason: z.string(),
      state: z.unknown(),
    })
    .optional(),
});

/** A model file's content (what modelSchema validates; settings and history are the CLI's records). */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  createdBy?: string;
  data?: { source: string; [key: string]: unknown };
  network: NetworkJSON;
  encoding: Encoding;
  settings: object;
  history?: { loss: number[]; [key: string]: unknown };
  metrics?: Record<string, unknown>;
  search?: { chosen: object; leaderboard: object[]; settings: object };
  checkpoint?: {
    epoch: number;
    reason: string;
    paths?: { out: string; plots: string | null; checkpoint: string };
    state: unknown;
  };
}

/** Model → JSON text (indented by one space; weights as shortest round-trip decimals). */
export function serializeModel(model: ModelFile): string {
  return JSON.stringify(model, null, 1) + '\n';
}

/**
 * JSON text → validated ModelFile. DataError (message starting with `source:`) for invalid JSON,
 * another format, a newer version, or a schema violation (with the path of the first bad field).
 */
export function parseModel(text: string, source = 'model.json'): ModelFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DataError(`${source}: not a model file: invalid JSON (${(e as Error).message})`, 'model');
  }
  if (!value || typeof value !== 'object' || (value as { format?: unknown }).format !== MODEL_FORMAT) {
    throw new DataError(
      `${source}: not a scratchnet model file (expected "format": "${MODEL_FORMAT}")`,
      'model',
    );
  }
  const version = (value as { version?: unknown }).version;
  if (version !== MODEL_VERSION) {
    throw new DataError(
      `${source}: model format version ${JSON.stringify(version)} is not supported; this scratchnet reads version ${MODEL_VERSION}`,
      'model',
    );
  }
  const result = modelSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    throw new DataError(`${source}: invalid model file: ${path || '(top level)'}: ${issue.message}`, 'model');
  }
  checkDeclaredSize(value as ModelFile, source);
  return value as ModelFile; // as written (zod's copy would reorder keys)
}

/** The layers' parameter count within NETWORK_LIMITS, before any allocation (modelNetwork checks it against the weights). */
function checkDeclaredSize(model: ModelFile, source: string): void {
  const { layers, dtype } = model.network;
  try {
    checkNetworkSize(layers as unknown as { inputSize: number; outputSize: number }[], dtype);
  } catch (e) {
    throw new DataError(`${source}: invalid model file: network: ${(e as Error).message}`, 'model');
  }
}

/** networkModel's names: of the input columns (default x1, x2, …), the target columns and the classes. */
export interface NetworkModelOptions {
  inputs?: readonly string[];
  /** default: y (one column), or y1, y2, … (a regression network with several outputs) */
  targets?: readonly string[];
  /** class labels, in output order (binary: [negative, positive]); default '0', '1', … */
  classes?: readonly string[];
  /** the data it was trained on, for the record (default 'library') */
  source?: string;
  /** the seed it was trained with, recorded as settings.seed (default 42, fit's) */
  seed?: number;
}

/**
 * A model file for a network trained in code (fit, trainNetwork): numeric input columns, and the task
 * its loss implies (MSE/MAE/Huber: regression; binary cross-entropy: binary; softmax cross-entropy:
 * multiclass) — what `scratchnet predict` and the exporters (scratchnet/interop) take. The network's
 * scaling, if fit set one, goes with it. Validated as a model file read from disk is.
 */
export function networkModel(network: Network, options: NetworkModelOptions = {}): ModelFile {
  const kind = network.loss.kind;
  const task = kind === 'regression' ? 'regression' : network.outputSize === 1 ? 'binary' : 'multiclass';
  const n = network.outputSize;
  const count = task === 'binary' ? 2 : n;
  const inputs = options.inputs ?? Array.from({ length: network.inputSize }, (_, i) => `x${i + 1}`);
  const targets =
    options.targets ??
    (task === 'regression' && n > 1 ? Array.from({ length: n }, (_, i) => `y${i + 1}`) : ['y']);
  const classes = options.classes ?? Array.from({ length: count }, (_, i) => String(i));
  const check = (what: string, names: readonly string[], want: number) => {
    if (
      names.length !== want ||
      new Set(names).size !== want ||
      names.some((v) => typeof v !== 'string' || v === '')
    )
      throw new DataError(
        `networkModel: ${what} must be ${want} distinct non-empty names, got ${JSON.stringify(names)}`,
        what,
      );
  };
  check('inputs', inputs, network.inputSize);
  check('targets', targets, task === 'regression' ? n : 1);
  if (task !== 'regression') check('classes', classes, count);
  const model: ModelFile = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    createdBy: 'scratchnet 0.1.0 (networkModel)',
    data: { source: options.source ?? 'library' },
    network: network.toJSON(),
    encoding: {
      features: inputs.map((name) => ({ name, type: 'number' as const })),
      target: { columns: [...targets], task, ...(task === 'regression' ? {} : { classes: [...classes] }) },
      missing: 'error',
    },
    settings: { loss: network.loss.name, seed: options.seed ?? 42 },
  };
  return parseModel(serializeModel(model), 'networkModel');
}

/** Rebuilds the Network of a model file; DataError if the weights do not fit the layers. */
export function modelNetwork(model: ModelFile, source = 'model.json'): Network {
  let net: Network;
  try {
    net = Network.fromJSON(model.network);
  } catch (e) {
    throw new DataError(`${source}: invalid model file: ${(e as Error).message}`, 'model');
  }
  // The network's outputs must fit the task the encoding describes.
  const { task, classes, columns } = model.encoding.target;
  const expected = task === 'binary' ? 1 : task === 'multiclass' ? classes?.length : columns.length;
  const loss = net.loss.name;
  const lossFits = task !== 'regression' || net.loss.kind === 'regression'; // classes may be trained with any loss
  if (expected === undefined || net.outputSize !== expected || !lossFits) {
    throw new DataError(
      `${source}: invalid model file: a ${task} model${task === 'multiclass' ? ` with ${classes?.length ?? 'no'} classes` : ''} ` +
        `cannot have a network with ${net.outputSize} output${net.outputSize === 1 ? '' : 's'} and loss ${loss}`,
      'model',
    );
  }
  return net;
}
