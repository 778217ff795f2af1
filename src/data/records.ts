// JSON text → Table: an array of records ({"column": value, …}), like vega-datasets' files.
// Columns are the union of the records' keys in first-seen order; an absent key is a missing cell.

import { DataError } from '../errors.js';
import type { Cell, Table } from './table.js';

export function parseRecords(text: string, source = 'data.json'): Table {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DataError(`${source}:${jsonErrorPosition(text, (e as Error).message)} invalid JSON: ${(e as Error).message}`, 'data');
  }
  return recordsToTable(value, source, recordLines(text));
}

/** An array of plain objects → Table (lines: where each record starts, when known). */
export function recordsToTable(value: unknown, source = 'records', lines?: number[]): Table {
  if (!Array.isArray(value)) {
    throw new DataError(`${source}: expected a JSON array of records ([{"column": value, …}, …]), got ${value === null ? 'null' : typeof value}`, 'data');
  }
  if (value.length === 0) throw new DataError(`${source}: the array holds no records`, 'data');
  const columns: string[] = [];
  const seen = new Map<string, number>();
  value.forEach((rec, r) => {
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      throw new DataError(`${source}: record ${r + 1}${lines?.[r] ? ` (line ${lines[r]})` : ''} is ${Array.isArray(rec) ? 'an array' : JSON.stringify(rec)}, not an object`, 'data', r);
    }
    for (const k of Object.keys(rec)) if (!seen.has(k)) { seen.set(k, columns.length); columns.push(k); }
  });
  const rows: Cell[][] = value.map((rec: Record<string, unknown>, r) => columns.map((c) => {
    const v = rec[c];
    if (v === undefined || v === null) return null;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
    throw new DataError(`${source}: record ${r + 1}${lines?.[r] ? ` (line ${lines[r]})` : ''}, field ${JSON.stringify(c)} is ${Array.isArray(v) ? 'an array' : 'an object'}; cells must be numbers, strings or booleans`, 'data', r, seen.get(c));
  }));
  return { columns, rows, source, kind: 'json', lines: lines && lines.length === rows.length ? lines : undefined };
}

/** "line:column:" of a JSON.parse error, from the position V8 puts in its message. */
function jsonErrorPosition(text: string, message: string): string {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return `${lc[1]}:${lc[2]}:`;
  const m = /position (\d+)/.exec(message);
  let pos = m ? Number(m[1]) : /end of JSON input/.test(message) ? text.length : -1;
  if (pos < 0) return '';
  let line = 1;
  let last = -1;
  for (let i = 0; i < pos && i < text.length; i++) if (text[i] === '\n') { line++; last = i; }
  return `${line}:${pos - last}:`;
}

/** The 1-based line on which each top-level array element starts (a scan that skips strings). */
function recordLines(text: string): number[] {
  const lines: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      if (depth === 1) lines.push(line);
      depth++;
    } else if (ch === ']' || ch === '}') depth--;
  }
  return lines;
}
