// The streaming CSV reader's cells, without one JavaScript object per cell: numbers in one growing
// Float64Array (rows × columns, row-major), text as codes into each column's distinct values (a Map per
// column), and the line and column where each row and cell began (for messages). A CellStore.
//
// A cell comes back as a number when its text is exactly how JavaScript prints that number ("0.5",
// "-12"), so that labels, messages and `predict`'s echo of the input are the text itself; any other
// number ("0.50", "1e3", "3,25") is kept as text too, up to `numericTextCap` distinct such texts per
// column (then as its value alone: only labels of such a column could differ, as "0.5" for "0.50").

import { readNumber, type NumberFormat } from './cells.js';
import type { Cell, CellStore } from './table.js';

/** Distinct number texts ("0.50", "1e3") kept per column when reading a whole file (see above). */
export const NUMERIC_TEXT_CAP = 10_000;

export interface StoreOptions {
  format: NumberFormat;
  /** extra spellings of a missing cell: kept as text, never read as numbers */
  naValues?: readonly string[];
  /** distinct number texts kept per column (default NUMERIC_TEXT_CAP; Infinity: all) */
  numericTextCap?: number;
}

/** Cells of a CSV file, appended row by row; clear() empties it for the next block of rows. */
export class ColumnStore implements CellStore {
  rows = 0;
  private capacity: number;
  /** [capacity × width]: each cell's number, NaN when it is not one */
  private values: Float64Array;
  /** [capacity]: 1-based line where each row starts */
  private lines: Uint32Array;
  /** [capacity × width]: 1-based character column where each cell starts */
  private columns: Uint32Array;
  /** per column, [capacity] or null: 0 for "the number", k for texts[k − 1] */
  private readonly codes: (Uint32Array | null)[];
  private readonly texts: string[][];
  private readonly index: Map<string, number>[];
  /** per column: how many of its texts are numbers (bounded by the cap) */
  private readonly numberTexts: number[];
  /** per column: whether some cell is not a number */
  private readonly notNumber: boolean[];
  /** per column: whether some number is written with a leading zero (02139) */
  private readonly zeros: boolean[];
  private readonly na: Set<string> | null;
  private readonly cap: number;

  constructor(
    readonly width: number,
    private readonly options: StoreOptions,
    capacity = 1024,
  ) {
    this.capacity = capacity;
    this.values = new Float64Array(capacity * width);
    this.lines = new Uint32Array(capacity);
    this.columns = new Uint32Array(capacity * width);
    this.codes = Array.from({ length: width }, () => null);
    this.texts = Array.from({ length: width }, () => []);
    this.index = Array.from({ length: width }, () => new Map());
    this.numberTexts = new Array(width).fill(0);
    this.notNumber = new Array(width).fill(false);
    this.zeros = new Array(width).fill(false);
    this.na = options.naValues?.length ? new Set(options.naValues) : null;
    this.cap = options.numericTextCap ?? NUMERIC_TEXT_CAP;
  }

  /** Appends a record (as many cells as the store's width). */
  add(cells: readonly string[], line: number, cols: readonly number[]): void {
    if (this.rows === this.capacity) this.grow();
    const r = this.rows++;
    const base = r * this.width;
    this.lines[r] = line;
    for (let j = 0; j < this.width; j++) {
      const s = cells[j];
      this.columns[base + j] = cols[j];
      const value = this.read(s);
      this.values[base + j] = value;
      if (this.exact) {
        const codes = this.codes[j];
        if (codes) codes[r] = 0;
      } else if (Number.isNaN(value)) {
        this.notNumber[j] = true;
        this.setCode(j, r, s, false);
      } else {
        if (!this.zeros[j] && leadingZero.test(s)) this.zeros[j] = true;
        this.setCode(j, r, s, true);
      }
    }
  }

  /** Whether the last cell read is a number whose text is exactly how it prints. */
  private exact = false;

  /** A cell's number (NaN for text); sets `exact`. */
  private read(s: string): number {
    this.exact = false;
    if (this.na?.has(s.trim())) return Number.NaN;
    const shape = this.options.format.decimal === '.' ? numberShape(s) : 0;
    if (shape === 2) {
      this.exact = true;
      return Number(s);
    }
    if (shape === 1) {
      const v = Number(s);
      return Number.isFinite(v) ? v : Number.NaN;
    }
    if (!/\d/.test(s)) return Number.NaN;
    const n = readNumber(s, this.options.format);
    return n !== null && 'value' in n ? n.value : Number.NaN;
  }

  /** Row r of column j holds text s (a number's text: kept while under the cap, else the value alone). */
  private setCode(j: number, r: number, s: string, isNumber: boolean): void {
    let k = this.index[j].get(s);
    if (k === undefined) {
      if (isNumber && this.numberTexts[j] >= this.cap) {
        const codes = this.codes[j];
        if (codes) codes[r] = 0;
        return;
      }
      if (isNumber) this.numberTexts[j]++;
      k = this.texts[j].push(s);
      this.index[j].set(s, k);
    }
    let codes = this.codes[j];
    if (!codes) {
      codes = new Uint32Array(this.capacity);
      this.codes[j] = codes;
    }
    codes[r] = k;
  }

  /** Makes room for `rows` rows in all (a size hint: adding beyond it still grows the store). */
  reserve(rows: number): void {
    if (rows > this.capacity) this.grow(rows);
  }

  private grow(capacity = this.capacity * 2): void {
    const bigger = <A extends Float64Array | Uint32Array>(a: A, n: number, make: (n: number) => A): A => {
      const b = make(n);
      b.set(a);
      return b;
    };
    const f64 = (n: number) => new Float64Array(n);
    const u32 = (n: number) => new Uint32Array(n);
    this.values = bigger(this.values, capacity * this.width, f64);
    this.columns = bigger(this.columns, capacity * this.width, u32);
    this.lines = bigger(this.lines, capacity, u32);
    for (let j = 0; j < this.width; j++) {
      const codes = this.codes[j];
      if (codes) this.codes[j] = bigger(codes, capacity, u32);
    }
    this.capacity = capacity;
  }

  /** Empties the store for the next block (its buffers are kept; its texts are forgotten). */
  clear(): void {
    this.rows = 0;
    for (let j = 0; j < this.width; j++) {
      this.texts[j] = [];
      this.index[j].clear();
      this.numberTexts[j] = 0;
      this.notNumber[j] = false;
      this.zeros[j] = false;
      this.codes[j]?.fill(0);
    }
  }

  cell(row: number, column: number): Cell {
    const k = this.codes[column]?.[row] ?? 0;
    return k === 0 ? this.values[row * this.width + column] : this.texts[column][k - 1];
  }

  line(row: number): number {
    return this.lines[row];
  }

  column(row: number, column: number): number {
    return this.columns[row * this.width + column];
  }

  numeric(column: number): boolean {
    return !this.notNumber[column];
  }

  leadingZeros(column: number): boolean {
    return this.zeros[column];
  }

  /** Bytes held by the typed arrays (for tests and progress). */
  get bytes(): number {
    let n = this.values.byteLength + this.columns.byteLength + this.lines.byteLength;
    for (const c of this.codes) n += c?.byteLength ?? 0;
    return n;
  }
}

/** A number written with a leading zero, spaces around allowed: 02139, 007, -01, 00.5 (typing.ts decides). */
const leadingZero = /^\s*[+-]?0\d/;

const isDigit = (c: number) => c >= 48 && c <= 57;
/** + - . e E */
const isNumberSign = (c: number) => c === 43 || c === 45 || c === 46 || c === 101 || c === 69;

/**
 * 2 when s is how JavaScript prints Number(s): -?(0|[1-9]\d*)(\.\d*[1-9])?, at most 15 significant
 * digits (so no other decimal of ≤ 15 digits has the same float64, and the shortest printing is s
 * itself) and not below 1e-6 (printed with an exponent); not "-0". 1 for other text made of digits
 * and + - . e E (Number() then reads it exactly as the grammar of cells.ts would). 0 otherwise.
 */
export function numberShape(s: string): 0 | 1 | 2 {
  const n = s.length;
  if (n === 0) return 0;
  const negative = s.charCodeAt(0) === 45;
  let i = negative ? 1 : 0;
  const intStart = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  const intDigits = i - intStart;
  const zero = intDigits === 1 && s.charCodeAt(intStart) === 48;
  let canonical = intDigits > 0 && (intDigits === 1 || s.charCodeAt(intStart) !== 48);
  let significant = zero ? 0 : intDigits;
  if (i < n && s.charCodeAt(i) === 46) {
    const fracStart = ++i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === fracStart || s.charCodeAt(i - 1) === 48) canonical = false;
    if (zero) {
      let z = fracStart;
      while (z < i && s.charCodeAt(z) === 48) z++;
      if (z - fracStart > 5) canonical = false;
      significant = i - z;
    } else significant += i - fracStart;
  }
  if (i < n) {
    canonical = false;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (!isDigit(c) && !isNumberSign(c)) return 0;
    }
  }
  if (significant > 15 || (negative && significant === 0)) canonical = false;
  return canonical ? 2 : 1;
}
