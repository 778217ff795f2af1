// What every export checks itself against: sample records in the original columns and units (drawn
// from the model's stored scaling and categories, or given), the predictions `scratchnet predict`
// makes for them, and the comparison of an exported artifact's outputs with those predictions.

import {
  applyEncoding,
  classProbabilities,
  decodeOutputs,
  recordsToTable,
  type Cell,
  type NumberFormat,
} from '../../data/index.js';
import { isMissing } from '../../data/table.js';
import type { Matrix } from '../../matrix.js';
import { Random } from '../../random.js';
import { modelNetwork, type ModelFile } from '../model.js';

/** One data row by column name, as in a JSON records file. */
export type DataRecord = Record<string, Cell>;

/** The outcome of running sample rows through an exported artifact. */
export interface ExportCheck {
  /** the engine that ran the artifact ('onnxruntime-node 1.30.0'), or null when none is installed */
  runtime: string | null;
  rows: number;
  /** largest |exported − predict| / max(1, |predict|) over every value (or probability) */
  maxDifference: number;
  /** rows whose label differs (classification) */
  labelMismatches: number;
  tolerance: number;
  /** null when nothing could run the artifact */
  passed: boolean | null;
  /**
   * ONNX: maxDifference with onnxruntime's default graph optimizations, whose fused kernels are not
   * exact in float64 (maxDifference is with the graph's own operators, 'basic' optimizations)
   */
  defaultDifference?: number;
  note?: string;
}

/**
 * n records drawn around the training data the model describes: numbers (and dates, as years) from
 * its input mean and std, booleans and categories uniformly. Seeded.
 */
export function sampleRecords(model: ModelFile, n: number, seed = 1): DataRecord[] {
  const random = new Random(seed);
  const sc = model.network.scaling;
  const records: DataRecord[] = [];
  for (let r = 0; r < n; r++) {
    const rec: DataRecord = {};
    let c = 0;
    for (const f of model.encoding.features) {
      if (f.type === 'category') {
        rec[f.name] = f.categories[random.int(f.categories.length)];
        c += f.categories.length;
        continue;
      }
      const v = random.normal(sc?.inputMean[c] ?? 0, sc?.inputStd[c] ?? 1);
      if (f.type === 'number') rec[f.name] = v;
      else if (f.type === 'boolean') rec[f.name] = random.next() < 0.5;
      else rec[f.name] = isoDate(v);
      c++;
    }
    records.push(rec);
  }
  return records;
}

/** A fractional year as an ISO date (YYYY-MM-DD), as a CSV file would hold it. */
function isoDate(year: number): string {
  const y = Math.min(9999, Math.max(1, Math.floor(year)));
  const start = Date.UTC(y, 0, 1);
  const t = start + (year - y) * (Date.UTC(y + 1, 0, 1) - start);
  return new Date(Math.min(Math.max(t, start), Date.UTC(y, 11, 31))).toISOString().slice(0, 10);
}

/** What `scratchnet predict` computes for records: the encoded inputs, raw outputs, labels, probabilities. */
export interface Reference {
  /** the records kept (a model trained with --drop-missing leaves out rows with a missing cell) */
  records: DataRecord[];
  /** [N×inputs] encoded, unscaled */
  x: Matrix;
  /** [N×outputs] network.predict(x): values in original units, or probabilities */
  out: Matrix;
  /** per row: the predicted values (regression) or [label] */
  predictions: (string | number)[][];
  probabilities: number[][] | null;
}

/**
 * How the training file wrote its numbers: the decimal mark and thousands separator given
 * (--decimal, --thousands), else the decimal mark the file was read with (train saves a file's decimal
 * commas as data.decimal), else ".".
 */
export function modelNumberFormat(model: ModelFile): NumberFormat {
  const given = model.encoding.numbers ?? {};
  const read = model.data?.decimal === ',' ? ',' : '.';
  const decimal = given.decimal ?? read;
  const thousands =
    given.thousands !== undefined && given.thousands !== decimal ? given.thousands : undefined;
  return { decimal, ...(thousands !== undefined ? { thousands } : {}) };
}

export function referencePredictions(model: ModelFile, records: readonly DataRecord[]): Reference {
  // text cells are read as the training file wrote its numbers, as the exported module reads them
  const format = modelNumberFormat(model);
  const table = { ...recordsToTable(records, 'sample records'), ...format };
  const enc = applyEncoding(model.encoding, table, { withTarget: false });
  const out = modelNetwork(model).predict(enc.x);
  const classify = model.encoding.target.task !== 'regression';
  return {
    records: enc.rows.map((r) => records[r]),
    x: enc.x,
    out,
    predictions: decodeOutputs(model.encoding, out),
    probabilities: classify ? classProbabilities(model.encoding, out) : null,
  };
}

/** The largest |a − b| / max(1, |b|) over two equally long lists of numbers. */
export function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(d <= worst)) worst = d; // NaN counts as the worst
  }
  return worst;
}

/** What an artifact's flat outputs are compared with: predict's probabilities (classifiers) or values. */
export function expectedValues(ref: Reference): number[] {
  return ref.probabilities ? ref.probabilities.flat() : Array.from(ref.out.data);
}

/** An ExportCheck from an artifact's flat outputs and labels against the reference. */
export function compareOutputs(
  ref: Reference,
  values: ArrayLike<number>,
  labels: readonly string[] | null,
  runtime: string,
  tolerance: number,
): ExportCheck {
  const maxDifference = largestDifference(values, expectedValues(ref));
  const labelMismatches = labels ? labels.filter((l, i) => l !== ref.predictions[i][0]).length : 0;
  return {
    runtime,
    rows: ref.records.length,
    maxDifference,
    labelMismatches,
    tolerance,
    passed: maxDifference <= tolerance && labelMismatches === 0,
  };
}

/** An ExportCheck for an artifact nothing here can run. */
export function notChecked(rows: number, tolerance: number, note: string): ExportCheck {
  return {
    runtime: null,
    rows,
    maxDifference: Number.NaN,
    labelMismatches: 0,
    tolerance,
    passed: null,
    note,
  };
}

/** A record's cell, or null when absent. */
export function cellOf(record: DataRecord, column: string): Cell {
  const v = record[column];
  return v === undefined ? null : v;
}

/** Whether a cell is missing (null, NaN, '', 'NA', …: see data/table.ts). */
export { isMissing };
