// CSV bytes → cells, in one streaming pass over chunks: strict UTF-8 (a sequence cut by a chunk's end is
// completed by the next), the same tokenizer, header checks, delimiter sniffing, decimal-comma
// detection and messages as parseCsv, and the cells kept compactly (stream-store.ts), either whole
// (readCsvStore) or a block of rows at a time (readCsvBlocks: memory independent of the file's length).
// No Node APIs: bytes come from a ByteSource (the CLI's is a file descriptor).
//
// Decimal commas: a ';'-separated file read without a decimal mark is read with '.' until a cell such as
// "3,25" appears; the pass then starts over with ',' (at most once), as parseCsv decides from the whole text.

import type { ThousandsSeparator } from './cells.js';
import type { CsvOptions } from './csv.js';
import {
  CsvTokenizer,
  checkRecordLength,
  csvHeader,
  decimalComma,
  decimalCommaNote,
  emptyFile,
  noDataRows,
  sniffDelimiter,
  type CsvRecord,
} from './csv-tokens.js';
import { ColumnStore } from './stream-store.js';
import type { StoredTable } from './table.js';
import { badByte, firstInvalidUtf8 } from './text.js';

/** Bytes from a file or anything else: read(into) fills `into` from the start, returns 0 at the end. */
export interface ByteSource {
  read(into: Uint8Array): number;
  /** called once the pass ends, by its end or by an error */
  close?(): void;
}

export interface CsvStreamOptions extends CsvOptions {
  /** a thousands separator to accept in numbers */
  thousands?: ThousandsSeparator;
  /** extra spellings of a missing cell (kept as text, never read as numbers) */
  naValues?: readonly string[];
  /** bytes read at a time (default 1 MiB) */
  chunkBytes?: number;
  /** distinct number texts kept per column ("0.50" beside 0.5; stream-store.ts) */
  numericTextCap?: number;
  /** after each chunk: bytes read and rows read so far */
  onProgress?: (bytes: number, rows: number) => void;
  /**
   * the file's size in bytes, when known: readCsvStore then sizes its store from the first chunk's
   * bytes per row (2% spare), instead of doubling its capacity as rows come (up to 3× the cells' bytes)
   */
  sizeBytes?: number;
}

/** The default chunk: large enough that per-chunk work vanishes, small beside any data set. */
export const CHUNK_BYTES = 1 << 20;

/** Reads a whole CSV file into a StoredTable (one Float64Array of rows × columns, plus texts). */
export function readCsvStore(
  open: () => ByteSource,
  source: string,
  options: CsvStreamOptions = {},
): StoredTable {
  let table: StoredTable | null = null;
  let store: ColumnStore | null = null;
  const size = options.sizeBytes;
  const onProgress = (bytes: number, rows: number) => {
    // once, after the first chunk with rows: the rows the whole file likely holds
    if (store && size && rows > 0 && bytes < size && store.rows === rows) {
      store.reserve(Math.ceil(((rows * size) / bytes) * 1.02) + 16);
      store = null;
    }
    options.onProgress?.(bytes, rows);
  };
  const pass = streamPass(
    open,
    source,
    { ...options, onProgress },
    {
      header: (info, s) => {
        table = { ...info, store: s };
        store = s;
      },
      row: (record, store) => store.add(record.cells, record.line, record.cols),
    },
  );
  if (!table) throw emptyFile(source);
  return { ...(table as StoredTable), ...pass };
}

/**
 * Reads a CSV file a block of `blockRows` rows at a time: onBlock(table, first) sees rows first … first +
 * table.store.rows − 1, in order; the table is reused by the next block. onStart runs before each pass (a
 * pass can start over once, for decimal commas: whatever onBlock wrote must then be undone).
 */
export function readCsvBlocks(
  open: () => ByteSource,
  source: string,
  options: CsvStreamOptions,
  blockRows: number,
  onBlock: (table: StoredTable, first: number) => void,
  onStart: (columns: string[]) => void = () => {},
): { rows: number; columns: string[]; notes?: string[] } {
  let table: StoredTable | null = null;
  let first = 0;
  const flush = () => {
    if (!table || table.store.rows === 0) return;
    const store = table.store as ColumnStore;
    onBlock(table, first);
    first += store.rows;
    store.clear();
  };
  const pass = streamPass(
    open,
    source,
    { ...options, numericTextCap: options.numericTextCap ?? Number.POSITIVE_INFINITY },
    {
      header: (info, store) => {
        table = { ...info, store };
        first = 0;
        onStart(info.columns);
      },
      row: (record, store) => {
        store.add(record.cells, record.line, record.cols);
        if (store.rows >= blockRows) flush();
      },
      end: flush,
    },
    Math.min(blockRows, 1024),
  );
  if (!table) throw emptyFile(source);
  return {
    rows: first,
    columns: (table as StoredTable).columns,
    ...(pass.notes ? { notes: pass.notes } : {}),
  };
}

type TableInfo = Omit<StoredTable, 'store'>;

interface Sink {
  header(info: TableInfo, store: ColumnStore): void;
  row(record: CsvRecord, store: ColumnStore): void;
  end?(): void;
}

/** Thrown inside a pass when a decimal comma shows that the file must be read again with ','. */
class DecimalComma {
  constructor(readonly note: string) {}
}

/** Runs passes until one completes (at most two); returns the table's decimal mark and notes. */
function streamPass(
  open: () => ByteSource,
  source: string,
  options: CsvStreamOptions,
  sink: Sink,
  capacity?: number,
): Pick<StoredTable, 'decimal' | 'notes'> {
  const thousandsComma = options.thousands === ',' ? '.' : undefined;
  const decimal = options.decimal ?? thousandsComma;
  try {
    onePass(open, source, options, sink, decimal, capacity);
    return decimal === ',' ? { decimal } : {};
  } catch (e) {
    if (!(e instanceof DecimalComma)) throw e;
    onePass(open, source, options, sink, ',', capacity);
    return { decimal: ',', notes: [e.note] };
  }
}

/** One pass over the bytes: chunks → text → records → the sink. */
function onePass(
  open: () => ByteSource,
  source: string,
  options: CsvStreamOptions,
  sink: Sink,
  decimal: CsvOptions['decimal'],
  capacity?: number,
): void {
  const bytes = open();
  try {
    readAll(bytes, source, options, sink, decimal, capacity);
  } finally {
    bytes.close?.();
  }
}

/** The records of every chunk of `bytes` → the sink; the empty-file and header-only errors. */
function readAll(
  bytes: ByteSource,
  source: string,
  options: CsvStreamOptions,
  sink: Sink,
  decimal: CsvOptions['decimal'],
  capacity?: number,
): void {
  const utf8 = new Utf8Chunks(source);
  const buffer = new Uint8Array(options.chunkBytes ?? CHUNK_BYTES);
  let head = ''; // the text before the tokenizer knows its delimiter
  let tokenizer: CsvTokenizer | null = null;
  let store: ColumnStore | null = null;
  let header: string[] = []; // the header's names, for the comment-line hint
  let rows = 0;
  let detect = false; // looking for a decimal comma
  const onRecord = (record: CsvRecord) => {
    if (!store) {
      const columns = csvHeader(record, source);
      header = columns;
      const format = {
        decimal: decimal ?? '.',
        ...(options.thousands ? { thousands: options.thousands } : {}),
      };
      store = new ColumnStore(
        columns.length,
        { format, naValues: options.naValues, numericTextCap: options.numericTextCap },
        capacity,
      );
      const info: TableInfo = {
        columns,
        source,
        kind: 'csv',
        ...(decimal === ',' ? { decimal } : {}),
        ...(options.thousands ? { thousands: options.thousands } : {}),
        ...(detect ? { dotInferred: true } : {}), // so far no decimal comma (else the pass starts over)
      };
      sink.header(info, store);
      return;
    }
    checkRecordLength(record, header, source, rows);
    if (detect) findDecimalComma(record, source);
    sink.row(record, store);
    rows++;
  };
  for (let total = 0; ; ) {
    const n = bytes.read(buffer);
    total += n;
    const text = utf8.decode(buffer.subarray(0, n), n === 0);
    if (tokenizer) tokenizer.push(text);
    else {
      head += text;
      // the delimiter is sniffed from the header and the line after it (when it has come)
      const lineEnd = head.search(/\r?\n/);
      const twoLines = lineEnd >= 0 && (head.indexOf('\n', lineEnd + 1) >= 0 || head.length > 1 << 16);
      if (twoLines || n === 0 || options.delimiter !== undefined) {
        const delimiter = options.delimiter ?? sniffDelimiter(head.slice(0, 1 << 16));
        detect = delimiter === ';' && decimal === undefined;
        tokenizer = new CsvTokenizer(source, delimiter, onRecord);
        tokenizer.push(head);
      }
    }
    options.onProgress?.(total, rows);
    if (n === 0) break;
  }
  tokenizer?.end();
  if (!store) throw emptyFile(source);
  if (rows === 0) throw noDataRows(source);
  sink.end?.();
}

/** Throws DecimalComma at the record's first cell that has a decimal comma, as parseCsv's detection. */
function findDecimalComma(record: CsvRecord, source: string): void {
  const j = record.cells.findIndex((c) => decimalComma.test(c.trim()));
  if (j < 0) return;
  throw new DecimalComma(
    decimalCommaNote(source, record.cells[j], `${source}:${record.line}:${record.cols[j]}`),
  );
}

/**
 * Bytes → text chunk by chunk, strictly (invalid UTF-8 and NUL bytes are errors naming line, column and
 * byte offset, as decodeText's); a leading byte-order mark dropped.
 */
class Utf8Chunks {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private started = false;
  /** lines and bytes before `tail` */
  private before = { lines: 0, bytes: 0 };
  /** the bytes of the current line read in earlier chunks */
  private tail: Uint8Array = new Uint8Array(0);

  constructor(private readonly source: string) {}

  decode(chunk: Uint8Array, final: boolean): string {
    let text: string;
    try {
      if (chunk.indexOf(0) >= 0) throw new Error('NUL');
      text = this.decoder.decode(chunk, { stream: !final });
    } catch {
      throw this.error(chunk);
    }
    this.advance(chunk);
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }

  private advance(chunk: Uint8Array): void {
    const last = chunk.lastIndexOf(0x0a);
    if (last < 0) {
      this.tail = concat(this.tail, chunk);
      return;
    }
    let lines = 0;
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) lines++;
    this.before = {
      lines: this.before.lines + lines,
      bytes: this.before.bytes + this.tail.length + last + 1,
    };
    this.tail = chunk.slice(last + 1);
  }

  /** The first invalid UTF-8 sequence or NUL byte of the current line's bytes, with its place. */
  private error(chunk: Uint8Array) {
    const bytes = concat(this.tail, chunk);
    const nul = bytes.indexOf(0);
    const bad = firstInvalidUtf8(bytes);
    const at = bad < 0 ? nul : nul < 0 ? bad : Math.min(bad, nul);
    return badByte(bytes, at, this.source, this.before);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
