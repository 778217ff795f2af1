// Table → numbers: which columns are inputs and targets, how each becomes numbers (number, 0/1,
// date → years, text and codes with leading zeros → one-hot), how missing cells are handled, and how class labels map to outputs.
// The Encoding is plain JSON: it is saved in the model file and re-applied by `predict`.
//
// Conventions (as scikit-learn's OneHotEncoder / LabelEncoder): categories and classes are sorted
// strings; a category unseen in training is an error naming the known ones (handle_unknown='error'),
// or all zeros with `unknown: 'ignore'` (handle_unknown='ignore'). Applying an encoding: apply.ts.

import { DataError, OptionError, shown } from '../errors.js';
import type { Matrix } from '../matrix.js';
import {
  clip,
  label,
  quote,
  readBoolean,
  readDate,
  readNumber,
  columnDateOrder,
  shortList,
  type DateOrder,
  type DecimalMark,
  type NumberFormat,
} from './cells.js';
import { constantReason, identifierReason, type IgnoredColumn } from './identifiers.js';
import { scanMissing, type LeftOut, type MissingStops } from './missing.js';
import {
  cellAt,
  cellLocation,
  columnIndex,
  isMissing,
  numberFormat,
  type Cell,
  type DataTable,
} from './table.js';
import { inferColumnType, leadingZeroCode } from './typing.js';

import { inferNumericTask, taskNames, type Task } from './task.js';

export { taskNames, type Task };

export type ColumnEncoding =
  | { name: string; type: 'number'; fill?: number }
  | { name: string; type: 'boolean'; fill?: number }
  /**
   * dates (cells.ts readDate) as fractional years (UTC): "1970-01-01" → 1970, "1970-07-02" → 1970.5;
   * `order`: numeric dates (13.03.2021) read day- or month-first, as the training column showed
   */
  | { name: string; type: 'date'; fill?: number; order?: DateOrder }
  /** text: one input per category, 1 for the row's category and 0 elsewhere */
  | { name: string; type: 'category'; categories: string[]; fill?: string };

export interface TargetEncoding {
  columns: string[];
  task: Task;
  /** class labels, sorted; binary: [negative, positive] with output = P(positive) */
  classes?: string[];
  /** why a numeric target's task was inferred (task.ts's rule); absent for text labels and a given --task */
  inferred?: string;
}

export interface Encoding {
  features: ColumnEncoding[];
  target: TargetEncoding;
  /** inputs: 'error' (default): missing cells stop with a list; 'drop': rows with one are left out; 'mean': filled */
  missing: MissingPolicy;
  /** 'drop': rows with a missing target were left out in training although inputs were filled */
  missingTarget?: 'error' | 'drop';
  /** 'ignore': a category unseen in training encodes as all zeros (counted); default 'error' */
  unknown?: UnknownPolicy;
  /** extra spellings of a missing cell, besides missingMarkers */
  naValues?: string[];
  /** columns left out of the inputs as identifiers (identifiers.ts): not needed by predict */
  ignored?: IgnoredColumn[];
  /** input columns of integers read as text because some are written with a leading zero (typing.ts) */
  codes?: { column: string; example: string }[];
  /**
   * how the training data's numbers were written, when given (--decimal, --thousands): new data is
   * read the same way unless told otherwise
   */
  numbers?: Partial<NumberFormat>;
}

export type MissingPolicy = 'error' | 'drop' | 'mean';
export type UnknownPolicy = 'error' | 'ignore';

export interface EncodeOptions {
  /** target column names (at least one) */
  target: readonly string[];
  /** input columns (default: every column but the targets) */
  features?: readonly string[];
  /** columns to treat as text (one-hot) even if they look numeric */
  categorical?: readonly string[];
  /** columns of integers to read as numbers although some have leading zeros (read as codes otherwise) */
  numeric?: readonly string[];
  /** how the data's numbers are written, when given: saved as `numbers` (the table reads them already) */
  numbers?: Partial<NumberFormat>;
  task?: Task;
  /** missing input cells: stop (default), leave the row out, or fill with the mean / most frequent */
  missing?: MissingPolicy;
  /** missing target cells: stop or leave the row out (default: 'drop' with missing 'drop', else 'error') */
  missingTarget?: 'error' | 'drop';
  /** unseen categories at predict time: stop (default) or encode as all zeros */
  unknown?: UnknownPolicy;
  /** extra spellings of a missing cell (--na-values) */
  naValues?: readonly string[];
  /** identifier-like columns (names, ids, row numbers; identifiers.ts): left out (default) or kept */
  identifiers?: 'leave out' | 'keep';
  /** the order of numeric dates (03/04/2021) in columns whose cells do not prove one (--date-order) */
  dateOrder?: DateOrder;
}

export interface Encoded {
  /** [rows × inputs] */
  x: Matrix;
  /** [rows × outputs]: the targets, or one-hot / 0-1 classes; null when the table has no target */
  y: Matrix | null;
  /** which rows of the table were kept (after dropping missing ones) */
  rows: number[];
  /** the rows left out, each with why (missing cells): rows + left (+ stops) = every row of the table */
  left: LeftOut[];
  /** with applyEncoding's collectMissing: rows that stop (a missing cell under an 'error' policy) */
  stops?: MissingStops;
  /** cells whose category the model never saw, encoded as all zeros (unknown 'ignore'), per column */
  unseen: { column: string; cells: number; values: string[] }[];
  /** names of the network's inputs, e.g. "Origin=USA" */
  inputNames: string[];
  /** missing input cells filled with the column's fill value (--impute mean), per column: how many, and how they were written */
  filled?: { column: string; cells: number; fill: number | string; spellings: string[] }[];
}

const missingHint = 'Pass --drop-missing to leave those rows out, or --impute mean to fill them';

/** Builds an Encoding from training data: detects column types, categories, classes and the task. */
export function fitEncoding(table: DataTable, options: EncodeOptions): Encoding {
  const { missing, missingTarget, unknown } = checkEncodeOptions(options);
  const targetIdx = options.target.map((t) => columnIndex(table, t, 'target column'));
  const featureNames = options.features ?? table.columns.filter((c) => !options.target.includes(c));
  if (featureNames.length === 0)
    throw new OptionError(
      `${table.source}: no input columns left once the target ${options.target.join(', ')} is taken out`,
      'features',
    );
  const featureIdx = featureNames.map((f) => columnIndex(table, f, 'feature column'));
  for (const f of featureNames) {
    if (options.target.includes(f))
      throw new OptionError(`column ${quote(f, 40)} is both a feature and a target`, 'features');
  }
  checkNamedColumns(options, featureNames);
  const naValues = options.naValues?.length ? [...options.naValues] : undefined;
  const hint =
    missing === 'mean' && missingTarget === 'error'
      ? '--impute mean fills inputs only: add --drop-missing to leave out the rows whose target is missing'
      : missingHint;
  const { kept } = scanMissing(table, featureIdx, targetIdx, {
    inputs: missing === 'drop' ? 'drop' : missing === 'mean' ? 'fill' : 'error',
    fillable: featureIdx.map(() => true),
    target: missingTarget,
    naValues,
    hint,
    sparseAdvice: true,
  });
  const fitted = featureNames.map((name, k) =>
    fitFeature(table, name, featureIdx[k], kept, { ...options, missing, naValues }),
  );
  const { features, ignored } = leaveOutIdentifiers(table, fitted, featureIdx, kept, options);
  const target = fitTarget(table, options, targetIdx, kept);
  const codes = codeColumns(table, fitted, featureIdx, kept, options);
  const numbers = given(options.numbers);
  return {
    features,
    ...(ignored.length ? { ignored } : {}),
    ...(codes.length ? { codes } : {}),
    target,
    missing,
    ...(missingTarget === 'drop' && missing !== 'drop' ? { missingTarget } : {}),
    ...(unknown === 'ignore' ? { unknown } : {}),
    ...(naValues ? { naValues } : {}),
    ...(numbers ? { numbers } : {}),
  };
}

/** --categorical and --numeric name features, not both the same one. */
function checkNamedColumns(options: EncodeOptions, featureNames: readonly string[]): void {
  for (const [list, option] of [
    [options.categorical, 'categorical'],
    [options.numeric, 'numeric'],
  ] as const) {
    for (const c of list ?? []) {
      if (!featureNames.includes(c))
        throw new OptionError(
          `--${option} names ${quote(c, 40)}, which is not one of the features (${shortList(featureNames)})`,
          option,
        );
      if (option === 'numeric' && options.categorical?.includes(c))
        throw new OptionError(`--categorical and --numeric both name ${quote(c, 40)}`, option);
    }
  }
}

/** The number format's given parts (undefined when none is). */
function given(format?: Partial<NumberFormat>): Partial<NumberFormat> | undefined {
  const { decimal, thousands } = format ?? {};
  if (decimal === undefined && thousands === undefined) return undefined;
  return { ...(decimal !== undefined ? { decimal } : {}), ...(thousands !== undefined ? { thousands } : {}) };
}

/** The input columns read as text because their integers have leading zeros, each with its first such cell. */
function codeColumns(
  table: DataTable,
  fitted: readonly ColumnEncoding[],
  featureIdx: readonly number[],
  kept: readonly number[],
  options: EncodeOptions,
): { column: string; example: string }[] {
  const format = numberFormat(table);
  return fitted.flatMap((f, k) => {
    if (f.type !== 'category' || options.categorical?.includes(f.name)) return [];
    const j = featureIdx[k];
    const cells = kept.map((r) => cellAt(table, r, j)).filter((c) => !isMissing(c, options.naValues));
    const example = leadingZeroCode(cells, format);
    return example === null ? [] : [{ column: f.name, example }];
  });
}

/**
 * The features without the identifier-like ones (identifiers.ts's rule), unless kept: asked for, forced
 * --categorical, or all of them (a file whose only input is a row number keeps it).
 */
function leaveOutIdentifiers(
  table: DataTable,
  fitted: ColumnEncoding[],
  featureIdx: readonly number[],
  kept: readonly number[],
  options: EncodeOptions,
): { features: ColumnEncoding[]; ignored: IgnoredColumn[] } {
  if (options.identifiers === 'keep') return { features: fitted, ignored: [] };
  const format = numberFormat(table);
  const ignored: IgnoredColumn[] = [];
  const features = fitted.filter((f, k) => {
    if (options.categorical?.includes(f.name)) return true;
    const j = featureIdx[k];
    const numeric = 'store' in table && table.store.numeric(j);
    const rows = numeric ? kept : kept.filter((r) => !isMissing(cellAt(table, r, j), options.naValues));
    const value = (i: number) => {
      const cell = cellAt(table, rows[i], j);
      if (f.type === 'boolean') return readBoolean(cell) ? 1 : 0;
      return f.type === 'date' ? dateValue(cell, f.order) : numberValue(cell, format);
    };
    const reason = identifierReason(f, rows, value);
    if (reason) ignored.push({ column: f.name, reason });
    const constant = reason === null ? constantReason(f, rows, value) : null;
    if (constant) ignored.push({ column: f.name, reason: constant, constant: true });
    return reason === null && constant === null;
  });
  return features.length ? { features, ignored } : { features: fitted, ignored: [] };
}

/** Option values checked (duplicates in target and features are errors); the policies resolved. */
function checkEncodeOptions(options: EncodeOptions) {
  const missing = options.missing ?? 'error';
  if (!['error', 'drop', 'mean'].includes(missing))
    throw new OptionError(`missing must be error, drop or mean, got ${shown(missing)}`, 'missing');
  const missingTarget = options.missingTarget ?? (missing === 'drop' ? 'drop' : 'error');
  if (!['error', 'drop'].includes(missingTarget))
    throw new OptionError(`missingTarget must be error or drop, got ${shown(missingTarget)}`, 'missing');
  const unknown = options.unknown ?? 'error';
  if (!['error', 'ignore'].includes(unknown))
    throw new OptionError(`unknown must be error or ignore, got ${shown(unknown)}`, 'unknown');
  if (!options.target || options.target.length === 0)
    throw new OptionError('at least one target column is needed (--target NAME)', 'target');
  for (const [list, option] of [
    [options.target, 'target'],
    [options.features ?? [], 'features'],
    [options.categorical ?? [], 'categorical'],
  ] as const) {
    const twice = list.find((c, i) => list.indexOf(c) !== i);
    if (twice !== undefined) throw new OptionError(`--${option} names ${quote(twice, 40)} twice`, option);
  }
  if (options.task !== undefined && !taskNames.includes(options.task))
    throw new OptionError(
      `unknown task ${JSON.stringify(options.task)}; expected one of: ${taskNames.join(', ')}`,
      'task',
    );
  return { missing, missingTarget, unknown };
}

/** One input column's encoding: its type by the rules of typing.ts, categories, and fill value. */
function fitFeature(
  table: DataTable,
  name: string,
  j: number,
  kept: readonly number[],
  options: EncodeOptions & { missing: MissingPolicy },
): ColumnEncoding {
  const numeric = 'store' in table && table.store.numeric(j); // every cell a number: none missing
  const present = numeric ? kept : kept.filter((r) => !isMissing(cellAt(table, r, j), options.naValues));
  if (present.length === 0)
    throw new DataError(`${table.source}: column ${quote(name, 40)} has no values`, 'data');
  const fill = options.missing === 'mean';
  const format = numberFormat(table);
  const type = options.categorical?.includes(name)
    ? 'text'
    : inferColumnType(table, j, present, {
        role: 'column',
        choices: `fix the cells, list such values as missing with --na-values, or pass --categorical ${name} to read the column as text`,
        codes: options.numeric?.includes(name) ? 'number' : 'text',
        ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
      });
  if (type !== 'number' && options.numeric?.includes(name)) throw notNumeric(table, name, j, present);
  if (type === 'number') {
    if (!fill) return { name, type };
    return { name, type, fill: mean(present.map((r) => numberValue(cellAt(table, r, j), format))) };
  }
  const cells = present.map((r) => cellAt(table, r, j));
  if (type === 'boolean')
    return { name, type, ...(fill ? { fill: mean(cells.map((c) => (readBoolean(c) ? 1 : 0))) } : {}) };
  if (type === 'date') {
    const order = columnDateOrder(cells, options.dateOrder);
    const filled = fill ? { fill: mean(cells.map((c) => dateValue(c, order))) } : {};
    return { name, type, ...(order ? { order } : {}), ...filled };
  }
  const counts = new Map<string, number>();
  for (const c of cells) counts.set(label(c), (counts.get(label(c)) ?? 0) + 1);
  const categories = [...counts.keys()].sort();
  const enc: ColumnEncoding = { name, type: 'category', categories };
  if (fill) enc.fill = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
  return enc;
}

/** The target: numbers → regression unless two distinct values; text → classes; errors name the cells. */
function fitTarget(
  table: DataTable,
  options: EncodeOptions,
  targetIdx: number[],
  kept: number[],
): TargetEncoding {
  const choices =
    'fix the cells, list such values as missing with --na-values, or pass --task multiclass to read the values as class labels';
  const given = options.task;
  const types = targetIdx.map((j) =>
    given === 'binary' || given === 'multiclass'
      ? 'text'
      : inferColumnType(table, j, kept, { role: 'target', choices }),
  );
  if (given === 'regression')
    types.forEach((type, k) => {
      if (type !== 'number') throw notNumericTarget(table, targetIdx[k], kept);
    });
  const cells = targetIdx.map((j) => kept.map((r) => cellAt(table, r, j)));
  const inferred =
    given === undefined ? inferTargetTask(options, types, cells, numberFormat(table)) : undefined;
  const task = inferred?.task ?? given ?? 'regression';
  const target: TargetEncoding = {
    columns: [...options.target],
    task,
    ...(inferred?.reason ? { inferred: inferred.reason } : {}),
  };
  if (task === 'regression') return target;
  if (cells.length > 1)
    throw new OptionError(
      `${task} classification takes one target column, got ${options.target.length}: ${options.target.join(', ')}`,
      'target',
    );
  target.classes = classLabels(table, options, cells[0], types[0] === 'number', task);
  return target;
}

/**
 * The task of targets given no --task: task.ts's rule for one numeric column (with its reason: the
 * ambiguous case, which --task overrides); text labels → binary or multiclass (no reason: text
 * cannot be regression).
 */
function inferTargetTask(
  options: EncodeOptions,
  types: string[],
  cells: Cell[][],
  format: NumberFormat,
): { task: Task; reason?: string } {
  if (types.every((t) => t === 'number'))
    return cells.length > 1
      ? { task: 'regression' }
      : inferNumericTask(cells[0].map((c) => numberValue(c, format)));
  if (cells.length > 1)
    throw new OptionError(
      `the targets ${options.target.join(', ')} are not all numeric: classification takes one target column`,
      'target',
    );
  return { task: new Set(classCells(cells[0])).size <= 2 ? 'binary' : 'multiclass' };
}

/**
 * Each cell's class label: as written (label), except in a column of booleans, whose labels are "false"
 * and "true" whatever their case (TRUE and true are one class, and "true" is the positive one).
 */
function classCells(cells: readonly Cell[]): string[] {
  const bools = cells.map(readBoolean);
  return bools.every((b) => b !== null) ? bools.map(String) : cells.map(label);
}

/** A cell's class among `classes`: its label; for the classes false/true, any spelling of a boolean. */
export function classOf(cell: Cell, classes: readonly string[]): string {
  const b =
    classes.length === 2 && classes[0] === 'false' && classes[1] === 'true' ? readBoolean(cell) : null;
  return b === null ? label(cell) : String(b);
}

/** Sorted class labels (numerically when the labels are numbers); the count must fit the task. */
function classLabels(table: DataTable, options: EncodeOptions, cells: Cell[], numeric: boolean, task: Task) {
  const format = numberFormat(table);
  const labels = [...new Set(classCells(cells))];
  const name = quote(options.target[0], 40);
  // labels that are all numbers (a numeric column, or one read as labels by --task) sort as numbers
  if (numeric || labels.every((l) => Number.isFinite(numberValue(l, format)))) {
    labels.sort((a, b) => numberValue(a, format) - numberValue(b, format));
    // in a column read as numbers, "1" and "1.0" would be two classes of one number: say so rather than
    // train a class of nothing (under --task the text is the label: codes 01 and 1 may differ)
    const twice = labels.findIndex(
      (l, i) => numeric && i > 0 && numberValue(l, format) === numberValue(labels[i - 1], format),
    );
    if (twice > 0)
      throw new DataError(
        `${table.source}: target ${name} writes one class two ways, ${quote(labels[twice - 1])} and ${quote(labels[twice])} ` +
          '(the same number): write each class one way, or pass --task regression to read the values as numbers',
        'target',
      );
  } else labels.sort();
  if (labels.length < 2)
    throw new DataError(
      options.task === undefined
        ? `${table.source}: target ${name} has a single value (${quote(labels[0])}) in every row used; there is nothing to learn`
        : `${table.source}: target ${name} has a single class (${quote(labels[0])}); classification needs at least 2`,
      'target',
    );
  if (task === 'binary' && labels.length !== 2)
    throw new DataError(
      `${table.source}: --task binary needs exactly 2 classes in ${name}, found ${labels.length}: ${shortList(labels.map((l) => clip(l)))}`,
      'target',
    );
  return labels;
}

/** --numeric named a column that is not one of numbers: the first cell that is not. */
function notNumeric(table: DataTable, name: string, j: number, present: readonly number[]): OptionError {
  const format = numberFormat(table);
  const r = present.find((i) => !('value' in (readNumber(cellAt(table, i, j), format) ?? {}))) ?? present[0];
  return new OptionError(
    `--numeric names ${quote(name, 40)}, but ${cellLocation(table, r, j)} ${quote(cellAt(table, r, j))} is not a number`,
    'numeric',
  );
}

function notNumericTarget(table: DataTable, j: number, kept: readonly number[]): DataError {
  const format = numberFormat(table);
  const r = kept.find((i) => !('value' in (readNumber(cellAt(table, i, j), format) ?? {}))) ?? kept[0];
  return new DataError(
    `${cellLocation(table, r, j)}: target ${quote(table.columns[j], 40)} is ${quote(cellAt(table, r, j))}, not a number (regression needs numeric targets; use --task binary or multiclass for labels)`,
    'data',
    r,
    j,
  );
}

/** A cell known to be a number under the grammar (NaN otherwise). */
export function numberValue(cell: Cell, format: DecimalMark | NumberFormat = '.'): number {
  const n = readNumber(cell, format);
  return n !== null && 'value' in n ? n.value : Number.NaN;
}

/** A cell known to be a date, as fractional years (NaN otherwise). */
export function dateValue(cell: Cell, order?: DateOrder): number {
  const d = readDate(cell, order);
  return d !== null && 'value' in d ? d.value : Number.NaN;
}

function mean(v: number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

/** Network outputs → labels (classification) or values (regression), per row. */
export function decodeOutputs(encoding: Encoding, out: Matrix): (string | number)[][] {
  const tg = encoding.target;
  const rows: (string | number)[][] = [];
  for (let r = 0; r < out.rows; r++) {
    const o = out.data.subarray(r * out.cols, (r + 1) * out.cols);
    const classes = tg.classes ?? [];
    if (tg.task === 'regression') rows.push(Array.from(o));
    else if (tg.task === 'binary') rows.push([classes[o[0] >= 0.5 ? 1 : 0]]);
    else {
      let best = 0;
      for (let k = 1; k < o.length; k++) if (o[k] > o[best]) best = k;
      rows.push([classes[best]]);
    }
  }
  return rows;
}

/** Class probabilities per row, in the order of encoding.target.classes (binary: both columns). */
export function classProbabilities(encoding: Encoding, out: Matrix): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < out.rows; r++) {
    const o = Array.from(out.data.subarray(r * out.cols, (r + 1) * out.cols));
    rows.push(encoding.target.task === 'binary' ? [1 - o[0], o[0]] : o);
  }
  return rows;
}

/** The inputs of text columns (one 0/1 input per category, `name=value`): the search's indicators. */
export function indicatorInputs(encoding: Encoding): number[] {
  const out: number[] = [];
  let input = 0;
  for (const f of encoding.features) {
    const width = f.type === 'category' ? f.categories.length : 1;
    if (f.type === 'category') for (let j = 0; j < width; j++) out.push(input + j);
    input += width;
  }
  return out;
}
