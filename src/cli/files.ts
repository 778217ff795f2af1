// Files for the CLI: reading data (CSV / TSV / JSON records) and model files with clear messages,
// and atomic writes (temp file in the same folder, then rename: a reader never sees half a file).

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { parseCsv, parseRecords, type Table } from '../data/index.js';
import { parseModel, type ModelFile } from '../io/index.js';
import { UsageError } from './errors.js';

/** A file's text; UsageError naming the file when it is missing, a folder or unreadable. */
export function readText(path: string, what = 'file'): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${path}: no such ${what}`);
    if (code === 'EISDIR') throw new UsageError(`${path}: is a folder, not a ${what}`);
    if (code === 'EACCES') throw new UsageError(`${path}: permission denied`);
    throw new UsageError(`${path}: cannot read the ${what} (${(e as Error).message})`);
  }
}

/** A data file as a Table: .json → records; .csv, .tsv, .txt or anything else → CSV with header. */
export function loadTable(path: string): Table {
  const text = readText(path, 'data file');
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return parseRecords(text, path);
  if (text.trimStart().startsWith('[')) return parseRecords(text, path);
  return parseCsv(text, path, ext === '.tsv' ? { delimiter: '\t' } : {});
}

export function loadModel(path: string): ModelFile {
  return parseModel(readText(path, 'model file'), path);
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
