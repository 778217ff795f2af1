// JSON text → Table: an array of records ({"column": value, …}), like vega-datasets' files, or JSON
// Lines (one record per line, the CLI's .jsonl and .ndjson files: pandas' to_json(lines=True)).
// Columns are the union of the records' keys in first-seen order; an absent key is a missing cell.

import { DataError } from '../errors.js';
import { quote } from './cells.js';
import type { Cell, Table } from './table.js';

export function parseRecords(text: string, source = 'data.json'): Table {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const where = jsonErrorPosition(text, (e as Error).message);
    const [line, col] = where.split(':').map(Number);
    const ch = text.split('\n')[line - 1]?.[col - 1];
    const lines =
      /^\s*\{/.test(text) && ch === '{'
        ? ' (one record per line, JSON Lines, is not read from a .json file: name it .jsonl, or write the records as a JSON array, [ … ])'
        : '';
    throw new DataError(
      `${source}:${where} invalid JSON: ${ch === undefined ? 'the text ends too early' : `unexpected ${JSON.stringify(ch)}`}${lines}`,
      'data',
    );
  }
  const twice = repeatedKey(text);
  if (twice)
    throw new DataError(
      `${source}: record ${twice.record + 1} (line ${twice.line}) has the field ${quote(twice.key, 40)} twice; every column needs a distinct name`,
      'data',
      twice.record,
    );
  return recordsToTable(value, source, recordLines(text));
}

/**
 * JSON Lines → Table: each non-blank line one JSON record; errors name the line (and column of a
 * syntax error), as parseRecords' do.
 */
export function parseJsonLines(text: string, source = 'data.jsonl'): Table {
  const values: unknown[] = [];
  const lines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      values.push(JSON.parse(line));
    } catch (e) {
      const col = jsonErrorPosition(line, (e as Error).message).split(':')[1];
      const ch = line[Number(col) - 1];
      throw new DataError(
        `${source}:${i + 1}:${col}: invalid JSON: ${ch === undefined ? 'the line ends too early' : `unexpected ${JSON.stringify(ch)}`} (JSON Lines: one record per line)`,
        'data',
        values.length,
      );
    }
    lines.push(i + 1);
    const twice = repeatedKey(`[${line}]`);
    if (twice)
      throw new DataError(
        `${source}: record ${values.length} (line ${i + 1}) has the field ${quote(twice.key, 40)} twice; every column needs a distinct name`,
        'data',
        values.length - 1,
      );
  });
  if (values.length === 0) throw new DataError(`${source}: the file holds no records`, 'data');
  return recordsToTable(values, source, lines);
}

/**
 * The first key repeated within one top-level record of valid JSON text (JSON.parse would keep the
 * last value silently), with the record's index and the key's line; null when there is none.
 */
function repeatedKey(text: string): { key: string; line: number; record: number } | null {
  let depth = 0;
  let line = 1;
  let record = -1;
  let keys = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    else if (ch === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (depth !== 2) continue;
      let k = i + 1;
      while (k < text.length && ' \t\r\n'.includes(text[k])) k++;
      if (text[k] !== ':') continue;
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      if (keys.has(key)) return { key, line, record };
      keys.add(key);
    } else if (ch === '[' || ch === '{') {
      if (depth === 1) {
        record++;
        keys = new Set();
      }
      depth++;
    } else if (ch === ']' || ch === '}') depth--;
  }
  return null;
}

/** An array of plain objects → Table (lines: where each record starts, when known). */
export function recordsToTable(value: unknown, source = 'records', lines?: number[]): Table {
  if (!Array.isArray(value)) {
    if ((value as { format?: unknown } | null)?.format === 'scratchnet-model')
      throw new DataError(`${source}: is a scratchnet model file, not data (give it as --model)`, 'data');
    throw new DataError(
      `${source}: expected a JSON array of records ([{"column": value, …}, …]), got ${value === null ? 'null' : typeof value}`,
      'data',
    );
  }
  if (value.length === 0) throw new DataError(`${source}: the array holds no records`, 'data');
  const columns: string[] = [];
  const seen = new Map<string, number>();
  value.forEach((rec, r) => {
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      throw new DataError(
        `${source}: record ${r + 1}${lines?.[r] ? ` (line ${lines[r]})` : ''} is ${Array.isArray(rec) ? 'an array' : typeof rec === 'string' ? quote(rec) : JSON.stringify(rec)}, not an object`,
        'data',
        r,
      );
    }
    for (const k of Object.keys(rec)) {
      if (k.trim() === '')
        throw new DataError(
          `${source}: record ${r + 1}${lines?.[r] ? ` (line ${lines[r]})` : ''} has a field with an empty name (${JSON.stringify(k)}); every column needs a name`,
          'data',
          r,
        );
      if (!seen.has(k)) {
        seen.set(k, columns.length);
        columns.push(k);
      }
    }
  });
  const rows: Cell[][] = value.map((rec: Record<string, unknown>, r) =>
    columns.map((c) => {
      const v = rec[c];
      if (v === undefined || v === null) return null;
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
      throw new DataError(
        `${source}: record ${r + 1}${lines?.[r] ? ` (line ${lines[r]})` : ''}, field ${quote(c, 40)} is ${Array.isArray(v) ? 'an array' : 'an object'}; cells must be numbers, strings or booleans`,
        'data',
        r,
        seen.get(c),
      );
    }),
  );
  return {
    columns,
    rows,
    source,
    kind: 'json',
    lines: lines && lines.length === rows.length ? lines : undefined,
  };
}

/**
 * "line:column:" of the first JSON syntax error. V8's messages do not always carry a position
 * (Node 20: 'Unexpected token }, "…" is not valid JSON'), so a small validating scanner finds it.
 */
function jsonErrorPosition(text: string, message: string): string {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return `${lc[1]}:${lc[2]}:`;
  const pos = firstJsonError(text);
  let line = 1;
  let last = -1;
  for (let i = 0; i < pos && i < text.length; i++)
    if (text[i] === '\n') {
      line++;
      last = i;
    }
  return `${line}:${pos - last}:`;
}

/** Index of the first character where `text` stops being valid JSON (text.length if it ends early). */
function firstJsonError(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (ch === '{') {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          return;
        }
        fail();
      }
    }
    if (ch === '"') {
      string();
      return;
    }
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (m === null) fail();
    else i += m[0].length;
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  try {
    value();
    ws();
    return i < text.length ? i : text.length;
  } catch (at) {
    return Math.min(at as number, text.length);
  }
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
