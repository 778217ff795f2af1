// The doctor's options: what the caller tells `diagnose` about the training it plans, validated
// once where they enter, with the defaults resolved in one place.

import { defaultBatchSize, fitDefaults } from '../train/fit-options.js';
import { OptionError, checkNumber, checkOptionNames } from '../errors.js';
import { isMatrix, type MatrixLike } from '../matrix.js';
import { makeOptimizer } from './doctor-probe.js';
import type { ClassWeight } from '../train/sample-weights.js';

export interface DoctorData {
  x: MatrixLike;
  y: MatrixLike;
}

export interface DoctorOptions {
  /** The optimizer training will use (default 'sgd'); probes use it too. */
  optimizer?: string;
  /** The learning rate training will use (default 0.01, fit's default for sgd). */
  learningRate?: number;
  /** Epochs training will run (default 1000). */
  epochs?: number;
  /** Examples per step (default: all rows up to 1024, else 32); probes are full-batch. */
  batchSize?: number;
  /**
   * Whether training standardizes inputs and regression targets (default false: the doctor looks
   * at the data as given). With true the doctor standardizes them the same way before probing.
   */
  scale?: boolean;
  /** Held-out data: enables the overfitting probe. */
  validation?: DoctorData;
  /**
   * What training holds out (train holds out a fifth, with early stopping, by default): fixes then do
   * not suggest it again.
   */
  heldOut?: { validationSplit?: number; earlyStopping?: boolean };
  /** The loss history of a finished run (per epoch), to judge overfitting from. */
  history?: { loss: number[]; validationLoss?: number[] };
  /** The network has been trained (a model file): skip the initialization-scale rule. Default false. */
  trained?: boolean;
  /** Steps per probe run (default 200). */
  probeSteps?: number;
  /** Probes use at most this many rows, a seeded sample (default 256). */
  maxProbeRows?: number;
  /** Gradient check: 'auto' (default) checks only networks with a user-written layer, loss or penalty. */
  gradCheck?: boolean | 'auto';
  /** Run the sanity suite (default true). */
  sanity?: boolean;
  /** Seed of the samples (default 0). */
  seed?: number;
  /**
   * Names of the input and target columns (x's and y's columns, in order), when the caller knows
   * them: findings then name columns by name (`dropFeatures: ['Weight']`) instead of by index.
   */
  columns?: { inputs?: readonly string[]; targets?: readonly string[] };
  /** The row and class weights training will use (fit's options): the class-imbalance rule is then silent. */
  sampleWeight?: ArrayLike<number>;
  classWeight?: ClassWeight;
}

/** Every DoctorOptions name (the compiler keeps the list complete): diagnose refuses others. */
export const doctorOptionNames: Readonly<Record<keyof DoctorOptions, true>> = {
  optimizer: true,
  learningRate: true,
  epochs: true,
  batchSize: true,
  scale: true,
  validation: true,
  heldOut: true,
  history: true,
  trained: true,
  probeSteps: true,
  maxProbeRows: true,
  gradCheck: true,
  sanity: true,
  seed: true,
  columns: true,
  sampleWeight: true,
  classWeight: true,
};

/** A fix's options without what training already does (DoctorOptions.heldOut): advice never repeats the run. */
export function notYetDone(fix: Record<string, unknown>, options: DoctorOptions): Record<string, unknown> {
  const held = options.heldOut;
  const done = (key: string) =>
    (key === 'validationSplit' && (held?.validationSplit ?? 0) > 0) ||
    (key === 'earlyStopping' && held?.earlyStopping === true);
  return Object.fromEntries(Object.entries(fix).filter(([key]) => !done(key)));
}

/** The options with every default filled in. */
export interface Resolved {
  optimizer: string;
  /** the optimizer probes use: L-BFGS needs a closure and searches its own step, so its probes use Adam */
  probe: string;
  learningRate: number;
  epochs: number;
  batchSize: number;
  scale: boolean;
  steps: number;
  maxRows: number;
  seed: number;
}

export function resolveDoctorOptions(o: DoctorOptions, rows: number): Resolved {
  if (o === null || typeof o !== 'object')
    throw new OptionError(
      `doctor options must be an object, got ${o === null ? 'null' : typeof o}`,
      'options',
    );
  checkOptionNames('doctor option', o, doctorOptionNames);
  const optimizer = o.optimizer ?? 'sgd';
  if (typeof optimizer !== 'string')
    throw new OptionError(`optimizer must be a name, got ${typeof optimizer}`, 'optimizer');
  return {
    optimizer,
    probe: optimizer === 'lbfgs' ? 'adam' : optimizer,
    // the optimizer's own default rate when none is given
    learningRate: checkNumber(
      'learningRate',
      o.learningRate ?? makeOptimizer(optimizer, undefined).learningRate,
      { min: 0, exclusiveMin: true },
    ),
    epochs: checkNumber('epochs', o.epochs ?? fitDefaults.fullBatchEpochs, { integer: true, min: 1 }),
    batchSize: checkNumber('batchSize', o.batchSize ?? defaultBatchSize(rows), { integer: true, min: 1 }),
    scale: o.scale ?? false,
    steps: checkNumber('probeSteps', o.probeSteps ?? 200, { integer: true, min: 10 }),
    maxRows: checkNumber('maxProbeRows', o.maxProbeRows ?? 256, { integer: true, min: 8 }),
    seed: checkNumber('seed', o.seed ?? 0, { integer: true, min: 0 }),
  };
}

function isDataObject(v: unknown): v is DoctorData {
  return typeof v === 'object' && v !== null && !isMatrix(v) && !Array.isArray(v) && 'x' in v && 'y' in v;
}

/** The two call forms of `diagnose`: (network, { x, y }, options) and (network, x, y, options). */
export function readArguments(
  a: DoctorData | MatrixLike,
  b?: MatrixLike | DoctorOptions,
  c?: DoctorOptions,
): { x: MatrixLike; y: MatrixLike; options: DoctorOptions } {
  if (isDataObject(a)) return { x: a.x, y: a.y, options: (b as DoctorOptions | undefined) ?? {} };
  return { x: a as MatrixLike, y: b as MatrixLike, options: c ?? {} };
}

/** Column c's name for a message: its name when the caller gave names, else "column c". */
export function columnName(names: readonly string[] | undefined, c: number): string {
  return names?.[c] ?? `column ${c}`;
}
