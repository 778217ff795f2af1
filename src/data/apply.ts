// Applying an Encoding to a table (the training table, or new data at predict / evaluate time):
// cells → the network's inputs [rows × inputs] and targets, with every row accounted for (kept, or
// left out with its reason) and every unseen category counted.

import { DataError } from '../errors.js';
import { zeros, type Matrix } from '../matrix.js';
import { clip, label, quote, readBoolean, shortList, type NumberFormat } from './cells.js';
import {
  classOf,
  dateValue,
  numberValue,
  type ColumnEncoding,
  type Encoded,
  type Encoding,
  type MissingPolicy,
  type UnknownPolicy,
} from './encoding.js';
import { scanMissing } from './missing.js';
import {
  cellAt,
  cellLocation,
  columnIndex,
  headerlessHint,
  isMissing,
  numberFormat,
  type Cell,
  type DataTable,
} from './table.js';

export interface ApplyOptions {
  /** false: the table need not have the target columns (predict) */
  withTarget?: boolean;
  /** missing input cells (default: the encoding's policy) */
  missing?: MissingPolicy;
  /** missing target cells (default: the encoding's, 'drop' when missing is 'drop') */
  missingTarget?: 'error' | 'drop';
  /** unseen categories (default: the encoding's) */
  unknown?: UnknownPolicy;
  /** appended to the missing-values error (default: "Pass --drop-missing to leave those rows out") */
  hint?: string;
  /** true: every row may be left out without an error (predict writes them all, unscored) */
  allowEmpty?: boolean;
  /** true: rows with a missing cell under an 'error' policy are counted in `stops`, not thrown (blocks) */
  collectMissing?: boolean;
  /** at most this many encoded cells, rows × inputs (default: no limit; the CLI's training: MAX_ENCODED_CELLS) */
  maxCells?: number;
}

/** 2²⁸ float64 cells, 2 GiB: more is an error before allocation (42k zip codes' 18,932 cities took 15 GB). */
export const MAX_ENCODED_CELLS = 2 ** 28;

/** Applies an Encoding to a table; rows with missing cells are left out or stop, as the policy says. */
export function applyEncoding(encoding: Encoding, table: DataTable, options: ApplyOptions = {}): Encoded {
  const { withTarget = true, missing = encoding.missing } = options;
  const fIdx = encoding.features.map((f) => columnIndex(table, f.name, 'feature column'));
  const absent = encoding.target.columns.filter((c) => !table.columns.includes(c));
  if (withTarget && absent.length > 0)
    throw new DataError(
      `${table.source}: no target column ${absent.map((c) => quote(c, 40)).join(', ')}; columns are: ${shortList(
        table.columns.map((c) => clip(c)),
        20,
      )}${headerlessHint(table)}`,
      'target',
    );
  const tIdx = withTarget ? encoding.target.columns.map((c) => table.columns.indexOf(c)) : [];
  const { kept, left, stops } = scanMissing(table, fIdx, tIdx, {
    inputs: missing === 'drop' ? 'drop' : missing === 'mean' ? 'fill' : 'error',
    fillable: encoding.features.map((f) => f.fill !== undefined),
    target: options.missingTarget ?? (missing === 'drop' ? 'drop' : (encoding.missingTarget ?? 'error')),
    naValues: encoding.naValues,
    hint: options.hint ?? 'Pass --drop-missing to leave those rows out',
    allowEmpty: options.allowEmpty,
    collectStops: options.collectMissing,
  });
  const inputNames = encoding.features.flatMap((f) =>
    f.type === 'category' ? f.categories.map((c) => `${f.name}=${c}`) : [f.name],
  );
  if (kept.length * inputNames.length > (options.maxCells ?? Number.POSITIVE_INFINITY))
    throw tooManyCells(table.source, encoding, kept.length, inputNames.length);
  const x = zeros(kept.length, inputNames.length);
  const unseen = new Map<string, { cells: number; values: Set<string> }>();
  const ctx: RowContext = {
    table,
    encoding,
    fIdx,
    format: numberFormat(table),
    unknown: options.unknown ?? encoding.unknown ?? 'error',
    unseen,
    filled: new Map(),
  };
  kept.forEach((r, i) => encodeRow(ctx, r, x.data.subarray(i * x.cols, (i + 1) * x.cols)));
  const y = withTarget ? encodeTargets(encoding, table, tIdx, kept) : null;
  return {
    x,
    y,
    rows: kept,
    left,
    ...(options.collectMissing ? { stops } : {}),
    unseen: [...unseen.entries()].map(([column, u]) => ({ column, cells: u.cells, values: [...u.values] })),
    inputNames,
    ...(ctx.filled.size
      ? {
          filled: [...ctx.filled.entries()].map(([column, f]) => ({
            column,
            cells: f.cells,
            fill: f.fill,
            spellings: [...f.spellings],
          })),
        }
      : {}),
  };
}

/** "f.csv: 42,049 rows × 20,900 inputs would take 7.0 GB …, column "city" alone is 18,932 inputs …" */
function tooManyCells(source: string, encoding: Encoding, rows: number, inputs: number): DataError {
  const widest = encoding.features
    .flatMap((f) => (f.type === 'category' ? [{ name: f.name, k: f.categories.length }] : []))
    .sort((a, b) => b.k - a.k)
    .slice(0, 3)
    .map((c) => `${quote(c.name, 40)} ${c.k.toLocaleString('en-US')}`);
  const gb = ((rows * inputs * 8) / 1e9).toFixed(1);
  return new DataError(
    `${source}: ${rows.toLocaleString('en-US')} rows × ${inputs.toLocaleString('en-US')} inputs would take ${gb} GB as float64 (more than ${((MAX_ENCODED_CELLS * 8) / 2 ** 30).toFixed(0)} GiB)${widest.length ? `; one-hot inputs per text column: ${widest.join(', ')}` : ''}; leave the widest columns out (--features), or use fewer rows`,
    'data',
  );
}

interface RowContext {
  table: DataTable;
  encoding: Encoding;
  fIdx: number[];
  format: NumberFormat;
  unknown: UnknownPolicy;
  unseen: Map<string, { cells: number; values: Set<string> }>;
  filled: Map<string, { cells: number; fill: number | string; spellings: Set<string> }>;
}

/** One row's inputs into `out` (one value per input; a category's block stays zero if unseen). */
function encodeRow(ctx: RowContext, r: number, out: Float64Array | Float32Array): void {
  let c = 0;
  ctx.encoding.features.forEach((f, k) => {
    const j = ctx.fIdx[k];
    const raw = cellAt(ctx.table, r, j);
    if (f.type === 'number' && typeof raw === 'number' && Number.isFinite(raw)) {
      out[c++] = raw; // the common case, as numberValue reads it
      return;
    }
    const filled = isMissing(raw, ctx.encoding.naValues);
    if (filled && f.fill !== undefined) countFilled(ctx, f.name, f.fill, raw);
    const cell = filled ? (f.fill ?? null) : raw;
    if (f.type === 'category') {
      const i = f.categories.indexOf(label(cell));
      if (i >= 0) out[c + i] = 1;
      else unseenCategory(ctx, f, r, j, label(cell));
      c += f.categories.length;
      return;
    }
    const v = filled && typeof f.fill === 'number' ? f.fill : cellValue(f, cell, ctx.format);
    if (!Number.isFinite(v)) {
      const what = f.type === 'number' ? 'a number' : f.type === 'boolean' ? 'true or false' : 'a date';
      throw new DataError(
        `${cellLocation(ctx.table, r, j)}: ${quote(raw)} in column ${quote(f.name, 40)} is not ${what} (the model reads this column as ${f.type === 'number' ? 'numbers' : `${f.type}s`})`,
        'data',
        r,
        j,
      );
    }
    out[c++] = v;
  });
}

/** Counts a missing cell filled with `fill` in column `name`, and how the cell was written. */
function countFilled(ctx: RowContext, name: string, fill: number | string, raw: Cell | undefined): void {
  let f = ctx.filled.get(name);
  if (!f) {
    f = { cells: 0, fill, spellings: new Set() };
    ctx.filled.set(name, f);
  }
  f.cells++;
  if (f.spellings.size < 5) f.spellings.add(typeof raw === 'string' ? raw.trim() : String(raw ?? null));
}

function cellValue(f: ColumnEncoding, cell: Cell, format: NumberFormat): number {
  if (f.type === 'number') return numberValue(cell, format);
  if (f.type === 'boolean') {
    const b = readBoolean(cell);
    return b === null ? Number.NaN : b ? 1 : 0;
  }
  return dateValue(cell, f.type === 'date' ? f.order : undefined);
}

/** An unseen category: counted (unknown 'ignore', inputs stay zero) or an error naming the known ones. */
function unseenCategory(
  ctx: RowContext,
  f: Extract<ColumnEncoding, { type: 'category' }>,
  r: number,
  j: number,
  value: string,
): void {
  if (ctx.unknown === 'ignore') {
    const u = ctx.unseen.get(f.name) ?? { cells: 0, values: new Set<string>() };
    u.cells++;
    u.values.add(value);
    ctx.unseen.set(f.name, u);
    return;
  }
  throw new DataError(
    `${cellLocation(ctx.table, r, j)}: ${quote(value)} in column ${quote(f.name, 40)} is a category the model never saw; known: ${shortList(f.categories.map((c) => clip(c)))}; --unknown ignore encodes unseen ones as zeros`,
    'data',
    r,
    j,
  );
}

/** The targets of the kept rows: values (regression), 0/1 (binary) or one-hot classes. */
function encodeTargets(encoding: Encoding, table: DataTable, tIdx: number[], kept: number[]): Matrix {
  const tg = encoding.target;
  const format = numberFormat(table);
  const classes = tg.classes ?? [];
  const cols = tg.task === 'regression' ? tIdx.length : tg.task === 'binary' ? 1 : classes.length;
  const y = zeros(kept.length, cols);
  kept.forEach((r, i) => {
    tIdx.forEach((j, k) => {
      const cell = cellAt(table, r, j);
      if (tg.task === 'regression') {
        const v = numberValue(cell, format);
        if (!Number.isFinite(v))
          throw new DataError(
            `${cellLocation(table, r, j)}: target ${quote(tg.columns[k], 40)} is ${quote(cell)}, not a number`,
            'data',
            r,
            j,
          );
        y.data[i * cols + k] = v;
        return;
      }
      const c = classes.indexOf(classOf(cell, classes));
      if (c < 0) {
        // 3 against a model trained on 3.0 (pandas writes integer classes with a decimal point once a column had a gap)
        const written = label(cell);
        const same = classes.find(
          (l) => l.trim() !== '' && written.trim() !== '' && Number(l) === Number(written),
        );
        throw new DataError(
          `${cellLocation(table, r, j)}: class ${quote(written)} is not one the model knows (${shortList(classes.map((l) => clip(l)))})${same !== undefined ? `; the model's class ${quote(same)} is the same number written otherwise: classes are matched as written, so write them as in training` : classes.every((l) => /^-?\d+$/.test(l)) ? '; if the target is a quantity, not classes, train with --task regression' : ''}`,
          'data',
          r,
          j,
        );
      }
      if (tg.task === 'binary') y.data[i] = c;
      else y.data[i * cols + c] = 1;
    });
  });
  return y;
}
