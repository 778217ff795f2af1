// Files for the CLI: reading data (CSV / TSV / JSON records) and model files with clear messages,
// and atomic writes (temp file in the same folder, then rename: a reader never sees half a file).
// A file's type follows its extension (a .csv is never sniffed as JSON); its bytes must be UTF-8.

import {
  existsSync,
  mkdirSync,
  readFileSync,
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
  parseRecords,
  type DecimalMark,
  type Table,
  type ThousandsSeparator,
} from '../data/index.js';
import { parseModel, type ModelFile } from '../io/index.js';
import { UsageError } from './errors.js';

/** A file's bytes; UsageError naming the file when it is missing, a folder, a FIFO or unreadable. */
export function readBytes(path: string, what = 'file'): Uint8Array {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new UsageError(`${path}: is a folder, not a ${what}`);
    if (!stat.isFile()) {
      const kind = stat.isFIFO() ? 'a FIFO (named pipe)' : stat.isSocket() ? 'a socket' : 'a device';
      throw new UsageError(`${path}: is ${kind}, not a regular ${what}`);
    }
    return readFileSync(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${path}: no such ${what}`);
    if (code === 'EISDIR') throw new UsageError(`${path}: is a folder, not a ${what}`);
    if (code === 'EACCES') throw new UsageError(`${path}: permission denied`);
    throw new UsageError(`${path}: cannot read the ${what} (${(e as Error).message})`);
  }
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
}

/** A data file as a Table: .json → records; .tsv → tab-separated; .csv, .txt or anything else → CSV. */
export function loadTable(path: string, options: LoadOptions = {}): Table {
  const { decimal, thousands } = options;
  if (thousands !== undefined && thousands === decimal)
    throw new UsageError(`--thousands and --decimal cannot both be "${thousands}"`);
  const text = readText(path, 'data file');
  const ext = extname(path).toLowerCase();
  if (ext === '.json' && decimal === ',')
    throw new UsageError(`${path}: --decimal applies to CSV files; JSON numbers always use "."`);
  const table =
    ext === '.json'
      ? parseRecords(text, path)
      : parseCsv(text, path, {
          ...(ext === '.tsv' ? { delimiter: '\t' } : {}),
          decimal: decimal ?? (thousands === ',' ? '.' : undefined),
        });
  if (thousands === undefined) return table;
  if ((table.decimal ?? '.') === thousands)
    throw new UsageError(
      `${path}: --thousands ${thousands} needs numbers with decimal commas: add --decimal ,`,
    );
  return { ...table, thousands };
}

/**
 * The data file a model or checkpoint names (by file name only): beside the model file, else as
 * given (relative to the current folder, as older model files stored it).
 */
export function dataFileNear(modelPath: string, file: string): string {
  const near = join(dirname(modelPath), basename(file));
  return existsSync(near) ? near : file;
}

export function loadModel(path: string): ModelFile {
  return parseModel(readText(path, 'model file'), path);
}

/**
 * UsageError when `out` names one of the input files (the same file, however spelled): writing there
 * would destroy the input. `inputs` pairs each input's option with its path.
 */
export function checkOutput(out: string, outOption: string, inputs: [option: string, path?: string][]): void {
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
        `${outOption} ${out} is the ${option} file: writing there would overwrite it; choose another ${outOption}`,
      );
  }
}

/** Writes text atomically: `path.tmp-<pid>` then rename over `path` (same folder, so same file system). */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`${dir}: cannot create the folder (${(e as Error).message})`);
  }
  const tmp = `${dir}/.${basename(path)}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UsageError(`${path}: cannot write (${(e as Error).message})`);
  }
}
