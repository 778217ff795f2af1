// Files for the CLI: reading data (CSV / TSV / JSON records / JSON Lines) and model files with clear messages,
// outputs checked before a long run, and atomic writes (temp file in the same folder, then rename: a
// reader never sees half a file).
// A file's type follows its extension (a .csv is never sniffed as JSON); its bytes must be UTF-8.

import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import {
  decodeText,
  parseCsv,
  utf16AsUtf8,
  utf16Encoding,
  parseJsonLines,
  parseRecords,
  readCsvBlocks,
  readCsvStore,
  rowCount,
  selectRows,
  rowCells,
  sniffDelimiter,
  summaryLabel,
  MAX_SUMMARY_ROWS,
  withoutSummaryRows,
  type ByteSource,
  type CsvStreamOptions,
  type DataTable,
  type DecimalMark,
  type Encoding,
  type Table,
  type ThousandsSeparator,
} from '../data/index.js';
import { parseModel, type ModelFile } from '../io/index.js';
import { UsageError } from './errors.js';
import { foreignModelError, foreignModelKind } from './foreign-model.js';
import type { ReadProgress } from './progress.js';

/** A file's bytes; UsageError naming the file when it is missing, a folder, a FIFO or unreadable. */
export function readBytes(path: string, what = 'file'): Uint8Array {
  return readable(path, what, () => readFileSync(path));
}

/** `read()` of a regular file, with readBytes's checks and messages; its size in bytes. */
function readable<T>(path: string, what: string, read: (size: number) => T): T {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new UsageError(`${path}: is a folder, not a ${what}`);
    if (!stat.isFile()) {
      const kind = stat.isFIFO() ? 'a FIFO (named pipe)' : stat.isSocket() ? 'a socket' : 'a device';
      throw new UsageError(`${path}: is ${kind}, not a regular ${what}`);
    }
    return read(stat.size);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${path}: no such ${what}`);
    if (code === 'EISDIR') throw new UsageError(`${path}: is a folder, not a ${what}`);
    if (code === 'EACCES') throw new UsageError(`${path}: permission denied`);
    throw new UsageError(`${path}: cannot read the ${what} (${(e as Error).message})`);
  }
}

/**
 * A regular file as a ByteSource factory (each call opens it again: a streaming pass can start over)
 * and its size; the checks and messages of readBytes.
 */
export function openBytes(path: string, what = 'file'): { open: () => ByteSource; size: number } {
  return readable(path, what, (size) => ({
    size,
    open: () => {
      const fd = readable(path, what, () => openSync(path, 'r'));
      let closed = false;
      const raw = {
        read: (into: Uint8Array) => readSync(fd, into, 0, into.length, null),
        close: () => {
          if (!closed) closeSync(fd);
          closed = true;
        },
      };
      const utf16 = textEncoding(fd);
      return utf16 ? utf16AsUtf8(raw, utf16, path) : raw;
    },
  }));
}

/** UTF-16 when the file starts with its byte-order mark (read without moving the file position), else null. */
function textEncoding(fd: number): 'utf-16le' | 'utf-16be' | null {
  const head = new Uint8Array(2);
  return readSync(fd, head, 0, 2, 0) === 2 ? utf16Encoding(head) : null;
}

/** UTF-16 when a data file (read already) starts with its byte-order mark, else null. */
export function dataTextEncoding(path: string): 'utf-16le' | 'utf-16be' | null {
  const fd = openSync(path, 'r');
  try {
    return textEncoding(fd);
  } finally {
    closeSync(fd);
  }
}

/** The note said when a data file (read already) was read as UTF-16; none otherwise. */
function utf16Notes(path: string): string[] {
  const utf16 = dataTextEncoding(path);
  return utf16 ? [`${path}: read as ${utf16.toUpperCase()} (it starts with that byte-order mark)`] : [];
}

/** A file's text: strict UTF-8 (a BOM is dropped; invalid bytes and NUL bytes are errors with their place). */
export function readText(path: string, what = 'file'): string {
  return decodeText(readBytes(path, what), path);
}

export interface LoadOptions {
  /** decimal mark of the numbers (default: detected for ';'-separated files, else '.') */
  decimal?: DecimalMark;
  /** a thousands separator to accept in numbers (default: none: 1,500 is an error) */
  thousands?: ThousandsSeparator;
  /** extra spellings of a missing cell (--na-values): never read as numbers */
  naValues?: readonly string[];
  /** bytes and rows read so far, after each chunk of a CSV file (and once at the end) */
  progress?: ReadProgress;
  /** trailing "Total" / sum rows of a spreadsheet export (summary-rows.ts): left out with a note (default), or kept */
  summaryRows?: 'leave out' | 'keep';
}

/** The JSON a data file holds by its extension: records (.json: an array), lines (.jsonl, .ndjson), or null (CSV). */
export function jsonKind(path: string): 'records' | 'lines' | null {
  const ext = extname(path).toLowerCase();
  return ext === '.json' ? 'records' : ext === '.jsonl' || ext === '.ndjson' ? 'lines' : null;
}

/** A JSON data file parsed whole: an array of records, or JSON Lines. */
function parseJsonFile(path: string, kind: 'records' | 'lines'): Table {
  const text = readText(path, 'data file');
  return kind === 'lines' ? parseJsonLines(text, path) : parseRecords(text, path);
}

/**
 * A data file as a table: .json → records, .jsonl / .ndjson → JSON Lines (parsed whole); .tsv →
 * tab-separated; .csv, .txt or anything else → CSV, read in a streaming pass into a compact store
 * (src/data/csv-stream.ts).
 */
export function loadTable(path: string, options: LoadOptions = {}): DataTable {
  const { decimal, thousands } = options;
  checkNumberFlags(decimal, thousands);
  const json = jsonKind(path);
  if (json && decimal === ',')
    throw new UsageError(`${path}: --decimal applies to CSV files; JSON numbers always use "."`);
  const table = json
    ? parseJsonFile(path, json)
    : readCsvFile(path, csvOptions(path, options), options.progress);
  const read = withThousands(table, thousands);
  return options.summaryRows === 'keep' ? read : withoutSummaryRows(read);
}

/** The table with its thousands separator; UsageError when it is also the decimal mark. */
function withThousands<T extends DataTable>(table: T, thousands?: ThousandsSeparator): T {
  if (thousands === undefined) return table;
  if ((table.decimal ?? '.') === thousands)
    throw new UsageError(
      `${table.source}: --thousands ${thousands} needs numbers with decimal commas: add --decimal ,`,
    );
  return { ...table, thousands };
}

/** Rows per block when predict and evaluate stream a file (a few MB of cells and output text). */
export const BLOCK_ROWS = 16_384;

/**
 * A data file a block of rows at a time (CSV: streamed, memory independent of its length; JSON: one
 * block). onBlock(table, first) sees rows first … first + rows − 1; onStart runs before each pass (a CSV
 * pass starts over once when it finds decimal commas). Returns the row count and the reader's notes.
 * With `summaryRows: 'leave out'` (evaluate, predict), a spreadsheet's trailing summary rows are left
 * out with a note, as loadTable leaves them out: the last block is held back until the file ends.
 */
export function readBlocks(
  path: string,
  options: LoadOptions,
  onBlock: (table: DataTable, first: number) => void,
  onStart: (columns: string[]) => void,
  blockRows = BLOCK_ROWS,
): { rows: number; columns: string[]; notes: string[] } {
  if (jsonKind(path)) {
    const table = loadTable(path, { summaryRows: 'keep', ...options });
    onStart(table.columns);
    onBlock(table, 0);
    return { rows: rowCount(table), columns: table.columns, notes: table.notes ?? [] };
  }
  const { open, size } = openBytes(path, 'data file');
  const progress = options.progress;
  const hold = options.summaryRows === 'leave out';
  // with `hold`, each block's last rows wait (copied: the reader reuses its store) until the next block
  // or the end of the file, where they may turn out to be summary rows
  let carry: Table | null = null;
  let blocks = 0;
  const read = readCsvBlocks(
    open,
    path,
    {
      ...csvOptions(path, options),
      ...(progress ? { onProgress: (bytes: number, rows: number) => progress(path, bytes, rows, size) } : {}),
    },
    blockRows,
    (block, first) => {
      const table = withThousands(block, options.thousands);
      if (!hold) return onBlock(table, first);
      if (carry) onBlock(carry, first - carry.rows.length);
      const n = rowCount(table);
      const held = Math.min(n, MAX_SUMMARY_ROWS);
      if (n > held) onBlock(selectRows(table, rowRange(0, n - held)), first);
      carry = copyRows(table, n - held, n);
      blocks++;
    },
    (columns) => {
      carry = null; // a pass starting over
      blocks = 0;
      onStart(columns);
    },
  );
  progress?.(path, size, read.rows, size, true);
  const notes = [...utf16Notes(path), ...(read.notes ?? [])];
  const last = carry as Table | null;
  if (!last) return { rows: read.rows, columns: read.columns, notes };
  // judged on the whole file read again: when it is small (one block), or when its last row is labelled
  // "Total", "Sum"… (the sums of a long file are not kept while streaming it)
  const n = last.rows.length;
  const judged = blocks === 1 || (n > 0 && summaryLabel(last, n - 1));
  const left = judged ? trailingSummaryNotes(path, options).slice(-n) : [];
  const kept = n - left.length;
  if (kept > 0) onBlock(selectRows(last, rowRange(0, kept)), read.rows - n);
  return { rows: read.rows - left.length, columns: read.columns, notes: [...notes, ...left] };
}

const rowRange = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Rows from … to − 1 of a table as a Table of their own (their cells, lines and cell columns copied). */
function copyRows(table: DataTable, from: number, to: number): Table {
  const rows = rowRange(from, to);
  const { columns, source, kind, decimal, thousands, dotInferred } = table;
  const cells = rows.map((r) => rowCells(table, r));
  const located = 'store' in table;
  return {
    columns,
    source,
    kind,
    ...(decimal !== undefined ? { decimal } : {}),
    ...(thousands !== undefined ? { thousands } : {}),
    ...(dotInferred !== undefined ? { dotInferred } : {}),
    rows: cells,
    lines: rows.map((r) => ('store' in table ? table.store.line(r) : (table.lines?.[r] ?? 0))),
    ...(located ? { cellColumns: rows.map((r) => columns.map((_, j) => table.store.column(r, j))) } : {}),
  };
}

/** The notes for a data file's trailing summary rows (none: []), the file read whole. */
function trailingSummaryNotes(path: string, options: LoadOptions): string[] {
  const whole = loadTable(path, { ...options, progress: undefined, summaryRows: 'keep' });
  return withoutSummaryRows(whole).notes?.slice(whole.notes?.length ?? 0) ?? [];
}

/** A small data file parsed whole into rows of cells, as written (export's check data). */
export function loadRowTable(path: string): Table {
  const json = jsonKind(path);
  if (json) return parseJsonFile(path, json);
  const text = readText(path, 'data file');
  return parseCsv(text, path, extname(path).toLowerCase() === '.tsv' ? { delimiter: '\t' } : {});
}

/**
 * The number format to read new data with for a model (predict, evaluate, --resume…): the flags given,
 * else what training was told (encoding.numbers). A saved part that would clash with a given flag (the
 * same character as decimal mark and thousands separator) is dropped; JSON files take no decimal mark.
 */
export function savedFormat(
  encoding: Pick<Encoding, 'numbers'>,
  flags: { decimal?: DecimalMark; thousands?: ThousandsSeparator },
  path = '',
): { decimal?: DecimalMark; thousands?: ThousandsSeparator } {
  const saved = encoding.numbers ?? {};
  const json = jsonKind(path) !== null;
  let decimal = flags.decimal ?? (json ? undefined : saved.decimal);
  let thousands = flags.thousands ?? saved.thousands;
  if (flags.decimal === undefined && decimal === thousands) decimal = undefined;
  else if (flags.thousands === undefined && thousands === (decimal ?? '.')) thousands = undefined;
  return { ...(decimal !== undefined ? { decimal } : {}), ...(thousands !== undefined ? { thousands } : {}) };
}

function checkNumberFlags(decimal?: DecimalMark, thousands?: ThousandsSeparator): void {
  if (thousands !== undefined && thousands === decimal)
    throw new UsageError(`--thousands and --decimal cannot both be "${thousands}"`);
}

/** The streaming reader's options for a data file (delimiter by extension, number format, NA spellings). */
export function csvOptions(path: string, options: LoadOptions): CsvStreamOptions {
  const { decimal, thousands, naValues } = options;
  checkNumberFlags(decimal, thousands);
  return {
    ...(extname(path).toLowerCase() === '.tsv' ? { delimiter: '\t' } : {}),
    ...(decimal !== undefined ? { decimal } : {}),
    ...(thousands !== undefined ? { thousands } : {}),
    ...(naValues?.length ? { naValues } : {}),
  };
}

/**
 * The field delimiter a data file is read with (for writing output the same way): "," for JSON, a tab
 * for .tsv, else what the reader sniffs from the first line (csv-stream.ts: ",", a tab, ";").
 */
export function fieldDelimiter(path: string): string {
  if (jsonKind(path)) return ',';
  if (extname(path).toLowerCase() === '.tsv') return '\t';
  const bytes = openBytes(path, 'data file').open();
  try {
    const head = new Uint8Array(1 << 16);
    const n = bytes.read(head);
    const text = new TextDecoder('utf-8', { ignoreBOM: false }).decode(head.subarray(0, n));
    return sniffDelimiter(text);
  } finally {
    bytes.close?.();
  }
}

/** A CSV file read whole through the streaming reader, with progress. */
function readCsvFile(path: string, options: CsvStreamOptions, progress: LoadOptions['progress']): DataTable {
  const { open, size } = openBytes(path, 'data file');
  const table = readCsvStore(open, path, {
    ...options,
    sizeBytes: size,
    ...(progress ? { onProgress: (bytes: number, rows: number) => progress(path, bytes, rows, size) } : {}),
  });
  progress?.(path, size, table.store.rows, size, true);
  const utf16 = utf16Notes(path);
  return utf16.length ? { ...table, notes: [...utf16, ...(table.notes ?? [])] } : table;
}

/**
 * The data file a model or checkpoint names (by file name only): beside the model file, else as
 * given (relative to the current folder, as older model files stored it).
 */
export function dataFileNear(modelPath: string, file: string): string {
  const near = join(dirname(modelPath), basename(file));
  return existsSync(near) ? near : file;
}

/** A scratchnet model file; UsageError saying what it is when it is another kind of model (ONNX…). */
export function loadModel(path: string): ModelFile {
  const bytes = readBytes(path, 'model file');
  const foreign = foreignModelKind(path, bytes);
  if (foreign) throw foreignModelError(path, foreign);
  return parseModel(decodeText(bytes, path), path);
}

/**
 * A note when a model file is a checkpoint of an unfinished run (predict and evaluate work on it, with
 * the weights reached so far), or null for a finished model.
 */
export function checkpointNote(model: ModelFile, path: string): string | null {
  if (!model.checkpoint) return null;
  const epochs = (model.settings as { epochs?: unknown }).epochs;
  const of = typeof epochs === 'number' ? ` of ${epochs}` : '';
  const out = model.checkpoint.paths?.out;
  const finished = out ? dataFileNear(path, out) : undefined; // beside it, as the run wrote it
  const next =
    finished && existsSync(finished)
      ? `the run's finished model is ${finished}`
      : `finish it with \`scratchnet train --resume ${path}\``;
  return `${path} is a checkpoint of an unfinished run (saved after epoch ${model.checkpoint.epoch}${of}); ${next}`;
}

/**
 * UsageError when `out` names one of the input files (the same file, however spelled): writing there
 * would destroy the input. `inputs` pairs each input's option with its path; `what` names the output
 * in the message (a file written beside `outOption`'s).
 */
export function checkOutput(
  out: string,
  outOption: string,
  inputs: [option: string, path?: string][],
  what = outOption,
): void {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const target = real(out);
  for (const [option, path] of inputs) {
    if (path !== undefined && real(path) === target)
      throw new UsageError(
        `${what} ${out} is the ${option} file: writing there would overwrite it; choose another ${outOption}`,
      );
  }
}

/**
 * UsageError unless a file can be written at `path` later (checked before a long run, so that a late
 * write does not lose it): `path` is not a folder, and its folder exists or can be made, writable.
 */
export function checkWritable(path: string, option: string): void {
  if (isFolder(path)) throw new UsageError(`${option} ${path}: is a folder; give a file name`);
  checkFolder(dirname(path), option, path);
}

/** UsageError unless `dir` is a folder, or can be made as one, that we may write into. */
export function checkFolder(dir: string, option: string, shown = dir): void {
  let existing = resolve(dir);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!isFolder(existing))
    throw new UsageError(`${option} ${shown}: cannot make the folder ${dir}: ${existing} is not a folder`);
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    throw new UsageError(`${option} ${shown}: cannot write in ${existing} (permission denied)`);
  }
}

const isFolder = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The temporary file beside `path` (`<dir>/.<name>.tmp-<pid>`, recognized and cleaned by the next run:
 * checkpoint-temp.ts), its folder made first; UsageError when that folder cannot be made.
 */
export function tempBeside(path: string): string {
  const dir = dirname(path);
  if (isFolder(path)) throw new UsageError(`${path}: is a folder; cannot write a file there`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : (e as Error).message;
    throw new UsageError(`${path}: cannot make the folder ${dir} (${why})`);
  }
  return join(dir, `.${basename(path)}.tmp-${process.pid}`);
}

/** Writes text atomically: `path.tmp-<pid>` then rename over `path` (same folder, so same file system). */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempBeside(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UsageError(`${path}: cannot write (${(e as Error).message})`);
  }
}
