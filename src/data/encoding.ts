// Table → numbers: which columns are inputs and targets, how each becomes numbers (number, 0/1,
// date → years, text → one-hot), how missing cells are handled, and how class labels map to outputs.
// The Encoding is plain JSON: it is saved in the model file and re-applied by `predict`.
//
// Conventions (as scikit-learn's OneHotEncoder / LabelEncoder): categories and classes are sorted
// strings; a category unseen in training is an error naming the known ones (handle_unknown='error').

import { DataError, OptionError } from '../errors.js';
import { zeros, type Matrix } from '../matrix.js';
import { cellLocation, columnIndex, isMissing, selectRows, type Cell, type Table } from './table.js';

export type Task = 'regression' | 'binary' | 'multiclass';
export const taskNames: readonly Task[] = ['regression', 'binary', 'multiclass'];

export type ColumnEncoding =
  | { name: string; type: 'number'; fill?: number }
  | { name: string; type: 'boolean'; fill?: number }
  /** ISO dates as fractional years (UTC): "1970-01-01" → 1970, "1970-07-02" → 1970.5 */
  | { name: string; type: 'date'; fill?: number }
  /** text: one input per category, 1 for the row's category and 0 elsewhere */
  | { name: string; type: 'category'; categories: string[]; fill?: string };

export interface TargetEncoding {
  columns: string[];
  task: Task;
  /** class labels, sorted; binary: [negative, positive] with output = P(positive) */
  classes?: string[];
}

export interface Encoding {
  features: ColumnEncoding[];
  target: TargetEncoding;
  /** 'error' (default): missing cells stop with a list; 'drop': rows with one are left out; 'mean': filled */
  missing: MissingPolicy;
}

export type MissingPolicy = 'error' | 'drop' | 'mean';

export interface EncodeOptions {
  /** target column names (at least one) */
  target: readonly string[];
  /** input columns (default: every column but the targets) */
  features?: readonly string[];
  /** columns to treat as text (one-hot) even if they look numeric */
  categorical?: readonly string[];
  task?: Task;
  missing?: MissingPolicy;
}

export interface Encoded {
  /** [rows × inputs] */
  x: Matrix;
  /** [rows × outputs]: the targets, or one-hot / 0-1 classes; null when the table has no target */
  y: Matrix | null;
  /** which rows of the table were kept (after dropping missing ones) */
  rows: number[];
  /** names of the network's inputs, e.g. "Origin=USA" */
  inputNames: string[];
}

const dateRe = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

function asNumber(cell: Cell): number {
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'boolean') return NaN;
  const s = (cell ?? '').trim();
  return s === '' ? NaN : Number(s);
}
function asBoolean(cell: Cell): number {
  if (typeof cell === 'boolean') return cell ? 1 : 0;
  const s = String(cell).trim().toLowerCase();
  return s === 'true' ? 1 : s === 'false' ? 0 : NaN;
}
function asDate(cell: Cell): number {
  if (typeof cell !== 'string' || !dateRe.test(cell.trim())) return NaN;
  const t = Date.parse(cell.trim());
  if (!Number.isFinite(t)) return NaN;
  const year = new Date(t).getUTCFullYear();
  const start = Date.UTC(year, 0, 1);
  return year + (t - start) / (Date.UTC(year + 1, 0, 1) - start);
}
function asLabel(cell: Cell): string {
  return typeof cell === 'string' ? cell.trim() : String(cell);
}

/** Builds an Encoding from training data: detects column types, categories, classes and the task. */
export function fitEncoding(table: Table, options: EncodeOptions): Encoding {
  const missing = options.missing ?? 'error';
  if (!['error', 'drop', 'mean'].includes(missing))
    throw new OptionError(`missing must be error, drop or mean, got ${JSON.stringify(missing)}`, 'missing');
  if (!options.target || options.target.length === 0)
    throw new OptionError('at least one target column is needed (--target NAME)', 'target');
  const targetIdx = options.target.map((t) => columnIndex(table, t, 'target column'));
  const featureNames = options.features ?? table.columns.filter((c) => !options.target.includes(c));
  if (featureNames.length === 0)
    throw new OptionError(
      `${table.source}: no input columns left once the target ${options.target.join(', ')} is taken out`,
      'features',
    );
  for (const f of featureNames) {
    columnIndex(table, f, 'feature column');
    if (options.target.includes(f))
      throw new OptionError(`column ${JSON.stringify(f)} is both a feature and a target`, 'features');
  }
  for (const c of options.categorical ?? []) {
    if (!featureNames.includes(c))
      throw new OptionError(
        `--categorical names ${JSON.stringify(c)}, which is not one of the features (${featureNames.join(', ')})`,
        'categorical',
      );
  }
  const used = [...featureNames.map((f) => table.columns.indexOf(f)), ...targetIdx];
  const kept = missingRows(
    table,
    used,
    missing === 'mean' ? targetIdx : used,
    missing === 'error' || missing === 'mean' ? 'error' : 'drop',
  );
  const t = selectRows(table, kept);

  const features: ColumnEncoding[] = featureNames.map((name) => {
    const j = t.columns.indexOf(name);
    const present = t.rows.map((row, r) => ({ cell: row[j], r })).filter(({ cell }) => !isMissing(cell));
    if (present.length === 0)
      throw new DataError(`${table.source}: column ${JSON.stringify(name)} has no values`, 'data');
    if (!options.categorical?.includes(name)) {
      const nums = present.filter(({ cell }) => Number.isFinite(asNumber(cell)));
      if (nums.length === present.length) {
        return {
          name,
          type: 'number',
          ...(missing === 'mean' ? { fill: mean(nums.map(({ cell }) => asNumber(cell))) } : {}),
        };
      }
      if (present.every(({ cell }) => !Number.isNaN(asBoolean(cell)))) {
        return {
          name,
          type: 'boolean',
          ...(missing === 'mean' ? { fill: mean(present.map(({ cell }) => asBoolean(cell))) } : {}),
        };
      }
      if (present.every(({ cell }) => Number.isFinite(asDate(cell)))) {
        return {
          name,
          type: 'date',
          ...(missing === 'mean' ? { fill: mean(present.map(({ cell }) => asDate(cell))) } : {}),
        };
      }
      // Mostly numbers with a few stray cells: a typo, not a text column.
      if (nums.length >= 0.8 * present.length) {
        const bad = present.find(({ cell }) => !Number.isFinite(asNumber(cell)))!;
        throw new DataError(
          `${cellLocation(t, bad.r, j)}: ${JSON.stringify(bad.cell)} in column ${JSON.stringify(name)} is not a number ` +
            `(the column is otherwise numeric; fix the cell, or pass --categorical ${name} to treat it as text)`,
          'data',
          kept[bad.r],
          j,
        );
      }
    }
    const counts = new Map<string, number>();
    for (const { cell } of present) counts.set(asLabel(cell), (counts.get(asLabel(cell)) ?? 0) + 1);
    const categories = [...counts.keys()].sort();
    const enc: ColumnEncoding = { name, type: 'category', categories };
    if (missing === 'mean')
      enc.fill = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    return enc;
  });

  // The target: numbers → regression unless two distinct values; text → classes.
  const targetCells = targetIdx.map((j) => t.rows.map((row) => row[j]));
  let task = options.task;
  if (task !== undefined && !taskNames.includes(task))
    throw new OptionError(
      `unknown task ${JSON.stringify(task)}; expected one of: ${taskNames.join(', ')}`,
      'task',
    );
  const numeric = targetCells.map((cells) => cells.every((c) => Number.isFinite(asNumber(c))));
  if (task === undefined) {
    if (numeric.every(Boolean)) {
      task =
        targetCells.length === 1 && new Set(targetCells[0].map(asNumber)).size === 2
          ? 'binary'
          : 'regression';
    } else {
      // Mostly numbers with a few stray cells: a typo in a numeric target, not class labels (as for inputs).
      numeric.forEach((ok, k) => {
        const cells = targetCells[k];
        const nums = cells.filter((c) => Number.isFinite(asNumber(c))).length;
        if (ok || nums < 0.8 * cells.length) return;
        const r = cells.findIndex((c) => !Number.isFinite(asNumber(c)));
        throw new DataError(
          `${cellLocation(t, r, targetIdx[k])}: target ${JSON.stringify(options.target[k])} is ${JSON.stringify(cells[r])}, not a number ` +
            `(the column is otherwise numeric; fix the cell, or pass --task multiclass to treat its values as class labels)`,
          'data',
          kept[r],
          targetIdx[k],
        );
      });
      if (targetCells.length > 1)
        throw new OptionError(
          `the targets ${options.target.join(', ')} are not all numeric: classification takes one target column`,
          'target',
        );
      task = new Set(targetCells[0].map(asLabel)).size <= 2 ? 'binary' : 'multiclass';
    }
  }
  const target: TargetEncoding = { columns: [...options.target], task };
  if (task === 'regression') {
    numeric.forEach((ok, k) => {
      if (ok) return;
      const r = targetCells[k].findIndex((c) => !Number.isFinite(asNumber(c)));
      throw new DataError(
        `${cellLocation(t, r, targetIdx[k])}: target ${JSON.stringify(options.target[k])} is ${JSON.stringify(targetCells[k][r])}, not a number (regression needs numeric targets; use --task binary or multiclass for labels)`,
        'data',
        kept[r],
        targetIdx[k],
      );
    });
  } else {
    if (targetCells.length > 1)
      throw new OptionError(
        `${task} classification takes one target column, got ${options.target.length}: ${options.target.join(', ')}`,
        'target',
      );
    const labels = [...new Set(targetCells[0].map(asLabel))];
    labels.sort(numeric[0] ? (a, b) => Number(a) - Number(b) : undefined);
    if (task === 'binary' && labels.length !== 2) {
      throw new DataError(
        `${table.source}: --task binary needs exactly 2 classes in ${JSON.stringify(options.target[0])}, found ${labels.length}: ${labels.slice(0, 10).join(', ')}${labels.length > 10 ? ', …' : ''}`,
        'target',
      );
    }
    if (task === 'multiclass' && labels.length < 2)
      throw new DataError(
        `${table.source}: target ${JSON.stringify(options.target[0])} has a single class (${labels[0]}); classification needs at least 2`,
        'target',
      );
    target.classes = labels;
  }
  return { features, target, missing };
}

/** Applies an Encoding to a table (the training table, or new data at predict time). */
export function applyEncoding(
  encoding: Encoding,
  table: Table,
  { withTarget = true, missing = encoding.missing }: { withTarget?: boolean; missing?: MissingPolicy } = {},
): Encoded {
  const fIdx = encoding.features.map((f) => columnIndex(table, f.name, 'feature column'));
  const hasTarget = withTarget && encoding.target.columns.every((c) => table.columns.includes(c));
  if (withTarget && !hasTarget) {
    const absent = encoding.target.columns.filter((c) => !table.columns.includes(c));
    throw new DataError(
      `${table.source}: no target column ${absent.map((c) => JSON.stringify(c)).join(', ')}; columns are: ${table.columns.join(', ')}`,
      'target',
    );
  }
  const tIdx = hasTarget ? encoding.target.columns.map((c) => table.columns.indexOf(c)) : [];
  const fillable = missing === 'mean' ? fIdx.filter((_, k) => encoding.features[k].fill !== undefined) : [];
  const kept = missingRows(
    table,
    [...fIdx, ...tIdx],
    [...fIdx.filter((j) => !fillable.includes(j)), ...tIdx],
    missing === 'drop' ? 'drop' : 'error',
  );
  const t = selectRows(table, kept);
  const inputNames = encoding.features.flatMap((f) =>
    f.type === 'category' ? f.categories.map((c) => `${f.name}=${c}`) : [f.name],
  );
  const x = zeros(t.rows.length, inputNames.length);
  for (let r = 0; r < t.rows.length; r++) {
    let c = 0;
    const row = t.rows[r];
    encoding.features.forEach((f, k) => {
      const j = fIdx[k];
      let cell = row[j];
      if (isMissing(cell)) cell = f.fill ?? null;
      if (f.type === 'category') {
        const label = asLabel(cell);
        const i = f.categories.indexOf(label);
        if (i < 0) {
          throw new DataError(
            `${cellLocation(t, r, j)}: ${JSON.stringify(label)} in column ${JSON.stringify(f.name)} is a category the model never saw; known: ${f.categories.join(', ')}`,
            'data',
            kept[r],
            j,
          );
        }
        x.data[r * x.cols + c + i] = 1;
        c += f.categories.length;
        return;
      }
      const v =
        typeof cell === 'number' && f.fill !== undefined && isMissing(row[j])
          ? cell
          : f.type === 'number'
            ? asNumber(cell)
            : f.type === 'boolean'
              ? asBoolean(cell)
              : asDate(cell);
      if (!Number.isFinite(v)) {
        const what =
          f.type === 'number' ? 'a number' : f.type === 'boolean' ? 'true or false' : 'a date (YYYY-MM-DD)';
        throw new DataError(
          `${cellLocation(t, r, j)}: ${JSON.stringify(row[j])} in column ${JSON.stringify(f.name)} is not ${what}`,
          'data',
          kept[r],
          j,
        );
      }
      x.data[r * x.cols + c] = v;
      c++;
    });
  }
  let y: Matrix | null = null;
  if (hasTarget) {
    const tg = encoding.target;
    if (tg.task === 'regression') {
      y = zeros(t.rows.length, tIdx.length);
      for (let r = 0; r < t.rows.length; r++) {
        tIdx.forEach((j, k) => {
          const v = asNumber(t.rows[r][j]);
          if (!Number.isFinite(v))
            throw new DataError(
              `${cellLocation(t, r, j)}: target ${JSON.stringify(tg.columns[k])} is ${JSON.stringify(t.rows[r][j])}, not a number`,
              'data',
              kept[r],
              j,
            );
          y!.data[r * tIdx.length + k] = v;
        });
      }
    } else {
      const classes = tg.classes!;
      const j = tIdx[0];
      y = zeros(t.rows.length, tg.task === 'binary' ? 1 : classes.length);
      for (let r = 0; r < t.rows.length; r++) {
        const label = asLabel(t.rows[r][j]);
        const i = classes.indexOf(label);
        if (i < 0)
          throw new DataError(
            `${cellLocation(t, r, j)}: class ${JSON.stringify(label)} is not one the model knows (${classes.join(', ')})`,
            'data',
            kept[r],
            j,
          );
        if (tg.task === 'binary') y.data[r] = i;
        else y.data[r * classes.length + i] = 1;
      }
    }
  }
  return { x, y, rows: kept, inputNames };
}

/** Network outputs → labels (classification) or values (regression), per row. */
export function decodeOutputs(encoding: Encoding, out: Matrix): (string | number)[][] {
  const tg = encoding.target;
  const rows: (string | number)[][] = [];
  for (let r = 0; r < out.rows; r++) {
    const o = out.data.subarray(r * out.cols, (r + 1) * out.cols);
    if (tg.task === 'regression') rows.push(Array.from(o));
    else if (tg.task === 'binary') rows.push([tg.classes![o[0] >= 0.5 ? 1 : 0]]);
    else {
      let best = 0;
      for (let k = 1; k < o.length; k++) if (o[k] > o[best]) best = k;
      rows.push([tg.classes![best]]);
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

/**
 * Rows to keep given missing cells in `check` columns. policy 'error': a DataError listing up to ten
 * cells (file:line:column) and how many rows; 'drop': rows with any missing cell in `used` are left out.
 */
function missingRows(
  table: Table,
  used: readonly number[],
  check: readonly number[],
  policy: 'error' | 'drop',
): number[] {
  const kept: number[] = [];
  const bad: string[] = [];
  let badRows = 0;
  const cols = policy === 'drop' ? used : check;
  table.rows.forEach((row, r) => {
    const miss = cols.filter((j) => isMissing(row[j]));
    if (miss.length === 0) return kept.push(r);
    badRows++;
    if (bad.length < 6) {
      bad.push(
        table.kind === 'csv'
          ? miss.map((j) => `${cellLocation(table, r, j)} (${table.columns[j]})`).join(', ')
          : `${cellLocation(table, r)} (${miss.map((j) => table.columns[j]).join(', ')})`,
      );
    }
  });
  if (policy === 'error' && badRows > 0) {
    throw new DataError(
      `${table.source}: ${badRows} row${badRows === 1 ? ' has' : 's have'} missing values: ${bad.join('; ')}${badRows > bad.length ? `; and ${badRows - bad.length} more` : ''}. ` +
        'Pass --drop-missing to leave those rows out, or --impute mean to fill them',
      'data',
    );
  }
  if (kept.length === 0)
    throw new DataError(
      `${table.source}: every row has a missing value in the columns used; nothing is left to learn from`,
      'data',
    );
  return kept;
}

function mean(v: number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}
