// One cell → a value, under a documented grammar that never guesses: what counts as a number,
// a boolean, a date, and why a cell that looks like one is not (overflow, hexadecimal, thousands
// separators…). Also how cells and lists are quoted in messages (short, whatever the cell's size).
//
// Number grammar (after trimming spaces):  [+-]? ( digits [D digits?] | D digits ) ( [eE] [+-]? digits )?
// where D is the decimal mark ('.' by default; ',' for decimal-comma files). The value must be finite.
// Not numbers, each with its reason: 1e999 (out of float64's range), Infinity, 0x10 (hexadecimal),
// 1_000 (digit separators), 1,500 or 1.500,5 (thousands separators), 15% (percent), −1 (Unicode minus)
// — unless asked: with a thousands separator T (--thousands), digits grouped by three with T
// between (1,500 or 1_000_000) are numbers too.
// Booleans: true / false in any case. Dates: YYYY-MM-DD, optionally THH:MM[:SS[.fff]] and a zone;
// YYYY-MM with a year in 1800…2199 (the month's first day; not in a column of year spans, 2010-11
// beside 2011-12: seasons);
// YYYY/MM/DD and YYYY.MM.DD; an English month name with a four-digit year (Jan 1 2000, January 1,
// 2000, 1 Jan 2000, 01-Jan-2000, Mon, 12 Jun 1998; Jan 2000: its first day), these with an optional
// 24-hour time; each must exist in the calendar (2020-02-31 is an error, not 2020-03-02). Dates whose
// reading is ambiguous (03/04/2021: day or month first; 3 Apr 21: which century) and times of day
// (12:30) are recognized only to be refused by name — except in a column that proves the order of its
// numeric dates (four-digit years): day-first when some first field is above 12 (13.03.2021: read
// DD.MM.YYYY), month-first when some second field is (03/13/2021: read MM/DD/YYYY), never both; or
// when the order is given (--date-order).

import { dateForms, dateYears, type DateOrder } from './dates.js';
import type { Cell } from './table.js';

export type { DateOrder } from './dates.js';

/** The decimal mark of a file's numbers: '.' (1.5) or ',' (1,5, with ';' between fields). */
export type DecimalMark = '.' | ',';
/** Characters accepted between groups of three digits when asked (1,500; 1.500; 1 500; 1'500; 1_500). */
export const thousandsSeparators = [',', '.', ' ', "'", '_'] as const;
export type ThousandsSeparator = (typeof thousandsSeparators)[number];
/** How a file writes its numbers: the decimal mark, and a thousands separator when asked for. */
export interface NumberFormat {
  decimal: DecimalMark;
  thousands?: ThousandsSeparator;
}

/** What a cell that is not a number but looks like one is. */
export type NotNumberReason =
  | 'out of range'
  | 'infinite'
  | 'hexadecimal'
  | 'digit separators'
  | 'thousands separators'
  | 'percent'
  | 'unicode minus'
  | 'currency'
  | 'accounting'
  | 'unit'
  | 'decimal mark';

export type NumberReading = { value: number } | { reason: NotNumberReason } | null;

const plain = {
  '.': /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/,
  ',': /^[+-]?(\d+(,\d*)?|,\d+)([eE][+-]?\d+)?$/,
};
const numberLike: [RegExp, NotNumberReason][] = [
  [/^[+-]?(inf|infinity)$/i, 'infinite'],
  [/^[+-]?0[xX][\da-fA-F]+$/, 'hexadecimal'],
  [/^[+-]?\d+(_\d+)+([.,]\d+)?$/, 'digit separators'],
  [/^[+-]?\d{1,3}([,.' \u00a0\u202f]\d{3})+([.,]\d+)?$/, 'thousands separators'],
  [/^[+-]?(\d+([.,]\d*)?|[.,]\d+)\s*%$/, 'percent'],
  [/^\u2212(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/, 'unicode minus'],
  [/^[+-]?([$€£¥₹]|US\$|(USD|EUR|GBP|JPY|CHF)\b)\s?[+-]?\d[\d,.' ]*$/i, 'currency'],
  // (1,930.87), ($12.50): a negative amount as accountants write it
  [
    /^\(\s*([$€£¥₹]|US\$|(USD|EUR|GBP|JPY|CHF)\b)?\s?\d[\d,.' ]*\s?([$€£¥₹]|(USD|EUR|GBP|JPY|CHF))?\s*\)$/i,
    'accounting',
  ],
  [/^[+-]?\d[\d,.' ]*\s?([$€£¥₹]|(USD|EUR|GBP|JPY|CHF)\b)$/i, 'currency'],
  [/^[+-]?(\d+([.,]\d*)?|[.,]\d+)\s?(?![eE]$)[a-zA-Zµ°][a-zA-Zµ°/²³]{0,5}$/, 'unit'], // 1e: not a unit
];

/**
 * A cell as a number: { value } when it is one under the grammar, { reason } when it looks like
 * one but is not, null when it is not number-like at all (text, booleans, missing).
 */
export function readNumber(cell: Cell, format: DecimalMark | NumberFormat = '.'): NumberReading {
  if (typeof cell === 'number') return Number.isFinite(cell) ? { value: cell } : { reason: 'out of range' };
  if (typeof cell !== 'string') return null;
  const { decimal, thousands } =
    typeof format === 'string' ? { decimal: format, thousands: undefined } : format;
  const value = numberText(cell, decimal, thousands);
  if (value !== null) return Number.isFinite(value) ? { value } : { reason: 'out of range' };
  const s = cell.trim();
  for (const [re, reason] of numberLike) if (re.test(s)) return { reason };
  if (plain[decimal === '.' ? ',' : '.'].test(s) && /[.,]/.test(s)) return { reason: 'decimal mark' };
  return null;
}

/**
 * The number grammar itself: a text's value (Infinity past float64's range), or null when it is not a
 * number. It stands alone (no module-level names): the exported ES module embeds this very function,
 * so that the module reads a cell exactly as training did (esm-runtime.ts).
 */
export function numberText(
  text: string,
  decimal: DecimalMark,
  thousands: ThousandsSeparator | undefined,
): number | null {
  let s = text.trim();
  if (thousands !== undefined) {
    // digits in groups of three with the separator between; " " stands for the no-break spaces too
    // (U+00A0, U+202F: French spreadsheets group thousands with them)
    const t = thousands === ' ' ? '[ \\u00a0\\u202f]' : thousands === '.' ? '\\.' : thousands;
    const d = decimal === '.' ? '\\.' : ',';
    if (new RegExp(`^[+-]?\\d{1,3}(${t}\\d{3})+(${d}\\d*)?([eE][+-]?\\d+)?$`).test(s))
      s = thousands === ' ' ? s.replace(/[ \u00a0\u202f]/g, '') : s.split(thousands).join('');
  }
  const plain =
    decimal === ',' ? /^[+-]?(\d+(,\d*)?|,\d+)([eE][+-]?\d+)?$/ : /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
  return plain.test(s) ? Number(decimal === ',' ? s.replace(',', '.') : s) : null;
}

/**
 * Why a number-like cell is not read as a number, in words for messages (with the cell: the exact flags
 * that would read it, for thousands separators).
 */
export function notNumberWhy(reason: NotNumberReason, decimal: DecimalMark = '.', cell?: Cell): string {
  switch (reason) {
    case 'out of range':
      return 'is out of the range of float64 numbers (about ±1.8e308)';
    case 'infinite':
      return 'is infinite';
    case 'hexadecimal':
      return 'is hexadecimal, which is not read as a number';
    case 'digit separators':
      return 'has "_" digit separators, which are not read as numbers unless asked (--thousands _)';
    case 'thousands separators':
      return `has thousands separators, which are not read as numbers unless asked (${thousandsFlags(cell, decimal)})`;
    case 'percent':
      return 'is a percentage, which is not read as a number';
    case 'unicode minus':
      return 'starts with a Unicode minus sign (−) rather than "-"';
    case 'currency':
      return 'has a currency symbol, which is not read as a number (remove it, and say the unit in the column name)';
    case 'accounting':
      return 'is a negative amount in parentheses, as accountants write it, which is not read as a number (write it with a minus sign: -1930.87)';
    case 'unit':
      return 'has a unit after the number, which is not read as a number (remove it, and say the unit in the column name)';
    case 'decimal mark':
      return decimal === ','
        ? 'has a "." decimal mark, but this file is read with decimal commas'
        : 'has a "," decimal mark, but this file is read with "." decimals (pass --decimal , for decimal commas)';
  }
}

/**
 * The flags that read a cell with thousands separators: its separator, and the decimal mark it implies
 * when that is not the file's (1.234,5 in a file read with "." decimals: --thousands . --decimal ,).
 */
function thousandsFlags(cell: Cell | undefined, decimal: DecimalMark): string {
  const s = typeof cell === 'string' ? cell.trim() : '';
  const m = /^[+-]?\d{1,3}([,.' \u00a0\u202f])\d{3}(?:\1\d{3})*([.,]\d+)?$/.exec(s);
  if (!m) return '--thousands SEPARATOR';
  const t = /\s/.test(m[1]) ? '" "' : m[1] === "'" ? `"'"` : m[1]; // " " stands for no-break spaces too
  const mark = m[2]?.[0] ?? (m[1] === '.' ? ',' : m[1] === ',' ? '.' : decimal); // the other of . and ,
  return mark === decimal ? `--thousands ${t}` : `--thousands ${t} --decimal ${mark}`;
}

/** true / false (any case), or booleans from JSON; null otherwise. */
export function readBoolean(cell: Cell): boolean | null {
  if (typeof cell === 'boolean') return cell;
  if (typeof cell !== 'string') return null;
  const s = cell.trim().toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : null;
}

/** The date patterns, built once (dates.ts: the same functions the exported module embeds). */
const forms = dateForms();

/**
 * Whether cells of the YYYY-MM shape are seasons or spans rather than months: every one of them has
 * the year's last two digits plus one after the dash (2009-10, 2010-11: sports and fiscal years), so
 * a column of them stays text even where each would be a month.
 */
export function yearSpans(cells: readonly Cell[]): boolean {
  let seen = false;
  for (const c of cells) {
    const m = typeof c === 'string' ? forms.yearMonth.exec(c.trim()) : null;
    if (!m) continue;
    if (Number(m[2]) !== (Number(m[1]) + 1) % 100) return false;
    seen = true;
  }
  return seen;
}

/** Whether some numeric date's first field (day) or second field (month) is above 12. */
function dateProof(cells: readonly Cell[]): { day: boolean; month: boolean } {
  let day = false;
  let month = false;
  for (const c of cells) {
    const m = typeof c === 'string' ? forms.numeric.exec(c.trim()) : null;
    if (!m) continue;
    if (Number(m[1]) > 12) day = true;
    if (Number(m[3]) > 12) month = true;
  }
  return { day, month };
}

/**
 * The order a column proves for its numeric dates: 'day-first' when some cell's first field is above
 * 12 (13.03.2021), 'month-first' when some cell's second field is (03/13/2021); null when neither
 * (every cell fits both: ambiguous) or both (mixedDateOrders).
 */
export function provenDateOrder(cells: readonly Cell[]): DateOrder | null {
  const { day, month } = dateProof(cells);
  return day === month ? null : day ? 'day-first' : 'month-first';
}

/** Whether the column's numeric dates prove both orders (13.04.2021 beside 04.13.2021): an error. */
export function mixedDateOrders(cells: readonly Cell[]): boolean {
  const { day, month } = dateProof(cells);
  return day && month;
}

/**
 * The order to read a column's numeric dates in: the one its cells prove, else `given` (--date-order)
 * when it has numeric dates at all; undefined otherwise (none to read, or ambiguous: refused).
 */
export function columnDateOrder(cells: readonly Cell[], given?: DateOrder): DateOrder | undefined {
  const proven = provenDateOrder(cells);
  if (proven || !given) return proven ?? undefined;
  return cells.some((c) => typeof c === 'string' && forms.numeric.test(c.trim())) ? given : undefined;
}

/**
 * A date cell as fractional years (UTC): "1970-01-01" → 1970, "1970-07-02" → 1970.5. { value } for
 * a real date, { impossible: true } for a date-shaped cell the calendar does not have, null otherwise
 * (the forms: dates.ts's dateYears). With an order, also DD.MM.YYYY (day-first) or MM/DD/YYYY
 * (month-first), with '.', '/' or '-' and an optional 24-hour time.
 */
export function readDate(cell: Cell, order?: DateOrder): { value: number } | { impossible: true } | null {
  if (typeof cell !== 'string') return null;
  const v = dateYears(cell.trim(), order, forms);
  return v === null ? null : v === 'impossible' ? { impossible: true } : { value: v };
}

const time = '([ T]\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(\\s?[ap]\\.?m\\.?)?)?'; // an optional time of day
const otherDates: [RegExp, string][] = [
  [
    new RegExp(`^\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2}${time}$`, 'i'),
    'is a date with a two-digit year (which century is ambiguous)',
  ],
  [
    /^\d{1,2}([/.-])\d{1,2}\1\d{4}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s?[ap]\.?m\.?$/i,
    'is a date with a 12-hour time (AM/PM), which is not read; write the time in 24 hours',
  ],
  [
    new RegExp(`^\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{4}${time}$`, 'i'),
    'is a date written day and month first (DD/MM/YYYY or MM/DD/YYYY: ambiguous, no day above 12 in the column proves the order; pass --date-order day-first or month-first)',
  ],
  [
    new RegExp(`^\\d{4}[/.]\\d{1,2}[/.]\\d{1,2}${time}$`, 'i'),
    'is a date with a 12-hour time or mixed "/" and "."',
  ],
  [/^\d{1,2}[ -][a-z]{3,9}\.?[ ,-]+\d{2}$/i, 'is a date with a two-digit year (which century is ambiguous)'],
  [
    /^[a-z]{3,9}\.? \d{1,2}(st|nd|rd|th)?,? \d{2}$/i,
    'is a date with a two-digit year (which century is ambiguous)',
  ],
  [
    /^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s?[A-Z]{3,5}$/,
    'is a date with a time-zone abbreviation (which zone "CET" or "EST" means is ambiguous; write an offset such as +01:00, or Z for UTC)',
  ],
  [/^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(\s?[ap]\.?m\.?)?$/i, 'is a time of day'],
];

/** In a column whose numeric dates have both a day above 12 and a month above 12. */
const mixedOrders =
  'is a date written day and month first, in a column mixing both orders (a cell with a first field above 12 and one with a second field above 12)';

/**
 * A cell that is a date or a time that readDate does not read (03/04/2021, whose day and month order is
 * ambiguous; 3 Apr 21; 12:30): why, for messages; null for anything else, dates readDate reads included.
 * `mixed`: the column mixes day-first and month-first dates (mixedDateOrders).
 */
export function otherDate(cell: Cell, order?: DateOrder, mixed = false): string | null {
  if (typeof cell !== 'string') return null;
  const s = cell.trim();
  if (readDate(s, order) !== null) return null;
  for (const [re, why] of otherDates)
    if (re.test(s))
      return `${mixed && forms.numeric.test(s) ? mixedOrders : why}; dates read: YYYY-MM-DD, YYYY/MM/DD, Jan 2 2021, and DD.MM.YYYY or MM/DD/YYYY where the column or --date-order gives the order`;
  return null;
}

/** A cell as a class label or category: trimmed text; numbers and booleans as they print. */
export function label(cell: Cell): string {
  return typeof cell === 'string' ? cell.trim() : String(cell);
}

/** A cell quoted for a message: JSON-style, at most ~80 characters ("…" and the length beyond). */
export function quote(cell: Cell | undefined, max = 80): string {
  if (typeof cell !== 'string') return String(cell); // numbers as JavaScript prints them: 1e999 is Infinity
  if (cell.length <= max) return JSON.stringify(cell);
  return `${JSON.stringify(cell.slice(0, max))}… (${cell.length.toLocaleString('en-US')} characters)`;
}

/** Text cut to `max` characters for a message ("…" when cut). */
export function clip(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** A list for a message: the first `max` items, then "… N more". */
export function shortList(items: readonly string[], max = 10, separator = ', '): string {
  if (items.length <= max) return items.join(separator);
  return `${items.slice(0, max).join(separator)}${separator}… ${items.length - max} more`;
}
