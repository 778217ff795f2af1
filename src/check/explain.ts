// explain(): what a trained network relies on and why it predicted what it did, in the original
// columns — permutation importance (explain-permutation.ts), integrated-gradient attributions with
// their completeness check (explain-integrated.ts), partial dependence / ICE (explain-dependence.ts).

import { OptionError, checkNumber, checkOptionNames, shown } from '../errors.js';
import type { Encoding } from '../data/encoding.js';
import { toMatrix, type Matrix, type MatrixLike } from '../matrix.js';
import type { Network } from '../nn/network.js';
import { predictedClasses } from '../train/metrics.js';
import {
  baselineInputs,
  columnGroups,
  sumByGroup,
  type BaselineColumn,
  type ColumnGroup,
} from './explain-columns.js';
import { partialDependence, type DependenceCurve } from './explain-dependence.js';
import type { AttributeTo } from './explain-gradient.js';
import { integratedGradients, type RowAttribution } from './explain-integrated.js';
import {
  permutationImportance,
  type PermutationImportance,
  type PermutationOptions,
} from './explain-permutation.js';

/** A network and, from a model file, the encoding that names its inputs. */
export interface ExplainModel {
  network: Network;
  encoding?: Encoding;
  /** input names when there is no encoding (default x1, x2, …) */
  inputNames?: readonly string[];
}

/** Encoded rows: inputs in original units and, for importance, the targets (held-out rows). */
export interface ExplainData {
  x: MatrixLike;
  y?: MatrixLike;
}

export interface ExplainOptions extends Omit<PermutationOptions, 'target'> {
  /** rows (0-based) to attribute (default: the first 5) */
  rows?: readonly number[];
  /**
   * What the attributions explain: 'output' (default) is what predict gives — the value in target
   * units for regression, the probability for classifiers; 'logit' the output layer's pre-activation.
   */
  attributeTo?: AttributeTo;
  /** output unit (default 0; multiclass: each row's predicted class, and for the curves the class predicted most) */
  unit?: number;
  /** completeness tolerance, relative to |f(x) − f(baseline)| (default 1e-6) */
  tolerance?: number;
  /** most gradient evaluations per row (default 20,000) */
  maxSteps?: number;
  /** dependence curves for this many top columns (default 3) */
  top?: number;
  gridSize?: number;
  iceRows?: number;
}

/** One row's attributions by original column (one-hot parts summed). */
export interface RowExplanation {
  /** 0-based row of the data */
  row: number;
  unit: number;
  /** f(x), f(baseline) */
  value: number;
  baselineValue: number;
  columns: { column: string; input: number | string; attribution: number }[];
  completenessError: number;
  /** completenessError / |f(x) − f(baseline)| */
  relativeError: number;
  steps: number;
  converged: boolean;
}

export interface ExplainReport {
  /** what f is: "Miles_per_Gallon", "P(Species = Adelie)", "logit of …" */
  explained: string;
  attributeTo: AttributeTo;
  importance: PermutationImportance | null;
  baseline: { rule: string; columns: BaselineColumn[] };
  attributions: RowExplanation[];
  completeness: {
    tolerance: number;
    rows: number;
    converged: number;
    worstRelativeError: number;
    meanSteps: number;
  };
  /** what the dependence curves show: what predict gives for one output unit (never the logit) */
  curvesOf: string;
  dependence: DependenceCurve[];
  seconds: number;
}

export const BASELINE_RULE =
  'training means of numeric inputs (the means the network was standardized with; the data means when it was trained unscaled), most frequent category of text columns';

/** Every ExplainOptions name (the compiler keeps the list complete): explain refuses others. */
const explainOptionNames: Readonly<Record<keyof ExplainOptions, true>> = {
  metric: true,
  repeats: true,
  seed: true,
  rows: true,
  attributeTo: true,
  unit: true,
  tolerance: true,
  maxSteps: true,
  top: true,
  gridSize: true,
  iceRows: true,
};

export function explain(model: ExplainModel, data: ExplainData, options: ExplainOptions = {}): ExplainReport {
  const started = performance.now();
  checkOptionNames('explain option', options, explainOptionNames);
  const { network, encoding } = model;
  const x = toMatrix(data.x, 'x', network.inputSize);
  const y = data.y === undefined ? null : toMatrix(data.y, 'y', network.outputSize);
  if (y && y.rows !== x.rows) throw new OptionError(`x has ${x.rows} rows but y has ${y.rows}`, 'y');
  const groups = columnGroups(network.inputSize, encoding, model.inputNames);
  const attributeTo = options.attributeTo ?? 'output';
  if (attributeTo !== 'output' && attributeTo !== 'logit')
    throw new OptionError(
      `attributeTo must be 'output' or 'logit', got ${shown(attributeTo)}`,
      'attributeTo',
    );
  const rows = checkRows(options.rows ?? Array.from({ length: Math.min(5, x.rows) }, (_, i) => i), x.rows);
  const perClass = options.unit === undefined && network.outputSize > 1 && network.loss.kind !== 'regression';
  const units = unitsOf(network, x, options.unit, perClass);
  // several regression targets: the importance is that of the explained one (options.unit), as the attributions
  const target =
    network.loss.kind === 'regression' && network.outputSize > 1 ? (options.unit ?? 0) : undefined;
  const importance = y
    ? permutationImportance(network, x, y, groups, {
        ...options,
        ...(target !== undefined ? { target } : {}),
      })
    : null;
  const baseline = baselineInputs(network, x, groups);
  const attributions = attributeRows(network, x, rows, units, baseline.inputs, groups, options);
  const order = importance
    ? importance.columns.map((c) => c.column)
    : rankByAttribution(attributions, groups);
  const top = checkNumber('top', options.top ?? 3, { integer: true, min: 0 });
  const curveUnit = mostFrequent(units);
  const dependence = order.slice(0, top).map((name) =>
    partialDependence(network, x, groups.find((g) => g.name === name) as ColumnGroup, {
      ...options,
      unit: curveUnit,
    }),
  );
  return {
    explained: describeOutput(encoding, perClass ? 'predicted' : (options.unit ?? 0), attributeTo),
    attributeTo,
    importance,
    baseline: { rule: BASELINE_RULE, columns: baseline.columns },
    attributions,
    completeness: summarize(attributions, options.tolerance ?? 1e-6),
    curvesOf: describeOutput(encoding, curveUnit, 'output'),
    dependence,
    seconds: (performance.now() - started) / 1000,
  };
}

function checkRows(rows: readonly number[], count: number): number[] {
  if (!Array.isArray(rows)) throw new OptionError('rows must be an array of row indices', 'rows');
  return rows.map((r, i) => checkNumber(`rows[${i}]`, r, { integer: true, min: 0, max: count - 1 }));
}

/** Output unit per row: the option, else 0, else (classes in several outputs) the predicted class. */
function unitsOf(network: Network, x: Matrix, unit: number | undefined, perClass: boolean): Int32Array {
  if (unit !== undefined) {
    checkNumber('unit', unit, { integer: true, min: 0, max: network.outputSize - 1 });
    return new Int32Array(x.rows).fill(unit);
  }
  return perClass ? predictedClasses(network.predict(x)) : new Int32Array(x.rows);
}

function attributeRows(
  network: Network,
  x: Matrix,
  rows: readonly number[],
  units: Int32Array,
  baseline: Float64Array,
  groups: readonly ColumnGroup[],
  options: ExplainOptions,
): RowExplanation[] {
  const I = x.cols;
  const picked = { rows: rows.length, cols: I, data: new Float64Array(rows.length * I) };
  rows.forEach((r, k) => picked.data.set(x.data.subarray(r * I, (r + 1) * I), k * I));
  const found = integratedGradients(network, picked, baseline, {
    units: Int32Array.from(rows, (r) => units[r]),
    attributeTo: options.attributeTo,
    tolerance: options.tolerance,
    maxSteps: options.maxSteps,
  });
  return found.map((a: RowAttribution, k) => {
    const input = picked.data.subarray(k * I, (k + 1) * I);
    const byGroup = sumByGroup(a.attributions, groups);
    return {
      row: rows[k],
      unit: units[rows[k]],
      value: a.value,
      baselineValue: a.baselineValue,
      columns: groups.map((g, j) => ({
        column: g.name,
        input: inputValue(g, input),
        attribution: byGroup[j],
      })),
      completenessError: a.completenessError,
      relativeError: a.completenessError / Math.abs(a.value - a.baselineValue),
      steps: a.steps,
      converged: a.converged,
    };
  });
}

/** The row's value of a column: the number, or the category whose one-hot input is 1. */
function inputValue(g: ColumnGroup, input: ArrayLike<number>): number | string {
  if (!g.categories) return input[g.inputs[0]];
  const k = g.inputs.findIndex((i) => input[i] === 1);
  return k < 0 ? '?' : g.categories[k];
}

/** Columns by mean |attribution| over the attributed rows (when there are no targets for importance). */
function rankByAttribution(rows: readonly RowExplanation[], groups: readonly ColumnGroup[]): string[] {
  const mean = groups.map((g, j) => ({
    name: g.name,
    v: rows.reduce((s, r) => s + Math.abs(r.columns[j].attribution), 0),
  }));
  return mean.sort((a, b) => b.v - a.v).map((m) => m.name);
}

function mostFrequent(units: Int32Array): number {
  const counts = new Map<number, number>();
  for (const u of units) counts.set(u, (counts.get(u) ?? 0) + 1);
  let best = 0;
  let most = -1;
  for (const [u, n] of counts) if (n > most || (n === most && u < best)) [best, most] = [u, n];
  return best;
}

function describeOutput(
  encoding: Encoding | undefined,
  unit: number | 'predicted',
  attributeTo: AttributeTo,
): string {
  const target = encoding?.target;
  const u = unit === 'predicted' ? 0 : unit;
  let name = target
    ? target.columns[Math.min(u, target.columns.length - 1)]
    : `output ${unit === 'predicted' ? 'of the predicted class' : u}`;
  if (target?.classes) {
    const label =
      unit === 'predicted'
        ? 'the predicted class'
        : target.task === 'binary'
          ? target.classes[1]
          : target.classes[u];
    name = `P(${target.columns[0]} = ${label})`;
  }
  return attributeTo === 'logit' ? `logit of ${name}` : name;
}

function summarize(rows: readonly RowExplanation[], tolerance: number): ExplainReport['completeness'] {
  return {
    tolerance,
    rows: rows.length,
    converged: rows.filter((r) => r.converged).length,
    worstRelativeError: rows.reduce(
      (m, r) => Math.max(m, Number.isFinite(r.relativeError) ? r.relativeError : 0),
      0,
    ),
    meanSteps: rows.length ? rows.reduce((s, r) => s + r.steps, 0) / rows.length : 0,
  };
}
