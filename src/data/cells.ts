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
// (12:30) are recognized only to be refused by name — except in a column that proves its numeric dates
// day-first (13.03.2021 in some cell, no second field above 12, four-digit years): read DD.MM.YYYY.

import type { Cell } from './table.js';

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
  [/^[+-]?\d{1,3}([,.' ]\d{3})+([.,]\d+)?$/, 'thousands separators'],
  [/^[+-]?(\d+([.,]\d*)?|[.,]\d+)\s*%$/, 'percent'],
  [/^\u2212(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/, 'unicode minus'],
  [/^[+-]?([$€£¥₹]|US\$)\s?[+-]?\d[\d,.' ]*$/, 'currency'],
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
  let s = cell.trim();
  if (thousands !== undefined && grouped(thousands, decimal).test(s)) s = s.split(thousands).join('');
  if (plain[decimal].test(s)) {
    const value = Number(decimal === ',' ? s.replace(',', '.') : s);
    return Number.isFinite(value) ? { value } : { reason: 'out of range' };
  }
  for (const [re, reason] of numberLike) if (re.test(s)) return { reason };
  if (plain[decimal === '.' ? ',' : '.'].test(s) && /[.,]/.test(s)) return { reason: 'decimal mark' };
  return null;
}

/** Digits in groups of three with separator t, then an optional fraction and exponent. */
function grouped(t: ThousandsSeparator, decimal: DecimalMark): RegExp {
  const e = (c: string) => c.replace(/[.]/, '\\.');
  return new RegExp(`^[+-]?\\d{1,3}(${e(t)}\\d{3})+(${e(decimal)}\\d*)?([eE][+-]?\\d+)?$`);
}

/** Why a number-like cell is not read as a number, in words for messages. */
export function notNumberWhy(reason: NotNumberReason, decimal: DecimalMark = '.'): string {
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
      return 'has thousands separators, which are not read as numbers unless asked (--thousands SEPARATOR)';
    case 'percent':
      return 'is a percentage, which is not read as a number';
    case 'unicode minus':
      return 'starts with a Unicode minus sign (−) rather than "-"';
    case 'currency':
      return 'has a currency symbol, which is not read as a number (remove it, and say the unit in the column name)';
    case 'unit':
      return 'has a unit after the number, which is not read as a number (remove it, and say the unit in the column name)';
    case 'decimal mark':
      return decimal === ','
        ? 'has a "." decimal mark, but this file is read with decimal commas'
        : 'has a "," decimal mark, but this file is read with "." decimals (pass --decimal , for decimal commas)';
  }
}

/** true / false (any case), or booleans from JSON; null otherwise. */
export function readBoolean(cell: Cell): boolean | null {
  if (typeof cell === 'boolean') return cell;
  if (typeof cell !== 'string') return null;
  const s = cell.trim().toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : null;
}

const dateRe =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A year and month, ISO 8601's YYYY-MM, in 1800…2199 (4711-01 is a code, not a month). */
const yearMonth = /^(1[89]\d\d|2[01]\d\d)-(\d{2})$/;

/**
 * Whether cells of the YYYY-MM shape are seasons or spans rather than months: every one of them has
 * the year's last two digits plus one after the dash (2009-10, 2010-11: sports and fiscal years), so
 * a column of them stays text even where each would be a month.
 */
export function yearSpans(cells: readonly Cell[]): boolean {
  let seen = false;
  for (const c of cells) {
    const m = typeof c === 'string' ? yearMonth.exec(c.trim()) : null;
    if (!m) continue;
    if (Number(m[2]) !== (Number(m[1]) + 1) % 100) return false;
    seen = true;
  }
  return seen;
}

/** English month names and their abbreviations ("Sept" too), lower case → 1…12. */
const months = new Map<string, number>();
'january february march april may june july august september october november december'
  .split(' ')
  .forEach((name, i) => {
    months.set(name, i + 1);
    months.set(name.slice(0, 3), i + 1);
  });
months.set('sept', 9);
/** Weekday names and abbreviations, lower case: a leading one ("Mon, 12 Jun 1998", RFC 2822) is skipped. */
const weekdays = new Set(
  'monday tuesday wednesday thursday friday saturday sunday'.split(' ').flatMap((d) => [d, d.slice(0, 3)]),
);
const weekday = /^([a-z]{3,9})\.?,?\s+/i;

const clock = '(?:[ T](\\d{1,2}):(\\d{2})(?::(\\d{2})(\\.\\d+)?)?)?'; // an optional 24-hour time of day
/**
 * Other unambiguous dates: the pattern, and which groups hold year, month (number or name), day (0:
 * none, the month's first) and hour.
 */
const otherDateForms: [RegExp, { y: number; m: number; d: number; h: number }][] = [
  // 2021/03/12, 2021.3.12, 2015/01/01 01:00:00
  [new RegExp(`^(\\d{4})([/.])(\\d{1,2})\\2(\\d{1,2})${clock}$`), { y: 1, m: 3, d: 4, h: 5 }],
  // Jan 1 2000, January 1, 2000, Jan. 1st, 2000, Jun 12 1998 (with a time: Jan 1 2000 10:00)
  [
    new RegExp(`^([a-z]{3,9})\\.? (\\d{1,2})(?:st|nd|rd|th)?,? (\\d{4})${clock}$`, 'i'),
    { y: 3, m: 1, d: 2, h: 4 },
  ],
  // 1 Jan 2000, 01-Jan-2000, 1 January, 2000
  [
    new RegExp(`^(\\d{1,2})(?:st|nd|rd|th)?([ -])([a-z]{3,9})\\.?,?\\2(\\d{4})${clock}$`, 'i'),
    { y: 4, m: 3, d: 1, h: 5 },
  ],
  // Jan 2000, January 2000: the month's first day
  [/^([a-z]{3,9})\.? (\d{4})()$/i, { y: 2, m: 1, d: 0, h: 3 }],
];

/**
 * How numeric dates are read: 'day-first' (13.03.2021, 13/03/2021) — only in a column that proves it
 * (provenDateOrder), where every cell is then read that way (predict too: the encoding keeps `order`).
 * Month-first dates (03/13/2021) stay refused as ambiguous, as do columns whose cells all fit both.
 */
export type DateOrder = 'day-first';

/** DD.MM.YYYY, DD/MM/YYYY or DD-MM-YYYY, with an optional 24-hour time. */
const numericDate = new RegExp(`^(\\d{1,2})([/.-])(\\d{1,2})\\2(\\d{4})${clock}$`);

/**
 * 'day-first' when some cell is a numeric date whose first field is above 12 (13.03.2021) and none has
 * a second field above 12 (which would make the column mixed, or month-first); null otherwise.
 */
export function provenDateOrder(cells: readonly Cell[]): DateOrder | null {
  let day = false;
  for (const c of cells) {
    const m = typeof c === 'string' ? numericDate.exec(c.trim()) : null;
    if (!m) continue;
    if (Number(m[3]) > 12) return null;
    if (Number(m[1]) > 12) day = true;
  }
  return day ? 'day-first' : null;
}

/**
 * A date cell as fractional years (UTC): "1970-01-01" → 1970, "1970-07-02" → 1970.5. { value } for
 * a real date, { impossible: true } for a date-shaped cell the calendar does not have, null otherwise.
 * Read: YYYY-MM-DD (ISO 8601, with a time and zone), YYYY-MM (its first day; a month above 12 is no
 * date: 2019-20 is a season), YYYY/MM/DD and YYYY.MM.DD (with a time), and
 * month names with a four-digit year (Jan 1 2000, January 1, 2000, 1 Jan 2000, 01-Jan-2000, a leading
 * weekday as in Mon, 12 Jun 1998; Jan 2000 is its first day): the same instant as the ISO date, so the
 * same value. With order 'day-first', also DD.MM.YYYY, DD/MM/YYYY and DD-MM-YYYY (with a 24-hour time).
 */
export function readDate(cell: Cell, order?: DateOrder): { value: number } | { impossible: true } | null {
  if (typeof cell !== 'string') return null;
  const s = cell.trim();
  const m = dateRe.exec(s);
  if (m) return isoDate(s, m);
  const ym = yearMonth.exec(s); // 2021-03: the month's first day; 2019-20 (month 20: a season) is not a date
  if (ym)
    return Number(ym[2]) >= 1 && Number(ym[2]) <= 12 ? isoDate(`${s}-01`, dateRe.exec(`${s}-01`)) : null;
  const day = weekday.exec(s);
  const text = day && weekdays.has(day[1].toLowerCase()) ? s.slice(day[0].length) : s;
  const forms = order === 'day-first' ? [...otherDateForms, dayFirst] : otherDateForms;
  for (const [re, at] of forms) {
    const o = re.exec(text);
    if (!o) continue;
    const month = /^\d+$/.test(o[at.m]) ? Number(o[at.m]) : months.get(o[at.m].toLowerCase());
    if (month === undefined) return null; // "Foo 1 2000": not a month
    const [h = '0', mi = '00', sec = '00', frac = ''] = o.slice(at.h, at.h + 4);
    const iso = `${o[at.y]}-${pad(month)}-${pad(at.d ? o[at.d] : 1)}T${pad(h)}:${mi}:${sec}${frac}Z`;
    return isoDate(iso, dateRe.exec(iso));
  }
  return null;
}

/** DD.MM.YYYY and its kin as a date form: day, month, year, time. */
const dayFirst: (typeof otherDateForms)[number] = [numericDate, { y: 4, m: 3, d: 1, h: 5 }];

const pad = (v: string | number) => String(v).padStart(2, '0');

/** An ISO date (matched by dateRe) checked against the calendar, as fractional years. */
function isoDate(s: string, m: RegExpExecArray | null): { value: number } | { impossible: true } {
  if (!m) return { impossible: true }; // an hour of three digits, say
  const [y, mo, d, h = 0, mi = 0, sec = 0] = m.slice(1, 7).map((v) => (v === undefined ? 0 : Number(v)));
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || sec > 59)
    return { impossible: true };
  const t = Date.parse(m[4] !== undefined && m[7] === undefined ? s.replace(' ', 'T') + 'Z' : s);
  if (!Number.isFinite(t)) return { impossible: true };
  const year = new Date(t).getUTCFullYear();
  const start = Date.UTC(year, 0, 1);
  return { value: year + (t - start) / (Date.UTC(year + 1, 0, 1) - start) };
}

const time = '([ T]\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(\\s?[ap]\\.?m\\.?)?)?'; // an optional time of day
const otherDates: [RegExp, string][] = [
  [
    new RegExp(`^\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2,4}${time}$`, 'i'),
    'is a date written day and month first (DD/MM or MM/DD: ambiguous, unless a day above 12 shows the column is DD.MM.YYYY)',
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
  [/^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(\s?[ap]\.?m\.?)?$/i, 'is a time of day'],
];

/**
 * A cell that is a date or a time that readDate does not read (03/04/2021, whose day and month order is
 * ambiguous; 3 Apr 21; 12:30): why, for messages; null for anything else, dates readDate reads included.
 */
export function otherDate(cell: Cell, order?: DateOrder): string | null {
  if (typeof cell !== 'string') return null;
  const s = cell.trim();
  if (readDate(s, order) !== null) return null;
  for (const [re, why] of otherDates)
    if (re.test(s))
      return `${why}; dates are read as DD.MM.YYYY in a column with a day above 12, as YYYY/MM/DD, with a month name (Jan 2 2021) or as YYYY-MM-DD`;
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
