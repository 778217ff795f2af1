// Date cells → fractional years (UTC): the grammar of the dates scratchnet reads (cells.ts says which
// and why). Every function here stands alone — no imports, no module-level names but each other's —
// because the standalone module (src/io/export/esm.ts) embeds their source to read dates as training did.

/** How numeric dates (03.04.2021, 04/03/2021) are read; only in a column that proves it (cells.ts). */
export type DateOrder = 'day-first' | 'month-first';

/** The compiled patterns and month names (dateForms() builds them once per reader). */
export interface DateForms {
  iso: RegExp;
  yearMonth: RegExp;
  /** a zone written as a name that means UTC ("UTC", "GMT") after a date-time */
  utcName: RegExp;
  /** a zone offset of whole hours ("-05", PostgreSQL's timestamptz) after a date-time */
  hourOffset: RegExp;
  weekday: RegExp;
  weekdays: Set<string>;
  months: Map<string, number>;
  /** unambiguous forms: the pattern and which groups hold year, month (number or name), day (0: the first), hour */
  forms: [RegExp, { y: number; m: number; d: number; h: number }][];
  /** DD.MM.YYYY, MM/DD/YYYY and kin (read only with an order) */
  numeric: RegExp;
}

/** The patterns of dateYears. */
export function dateForms(): DateForms {
  const clock = '(?:[ T](\\d{1,2}):(\\d{2})(?::(\\d{2})(\\.\\d+)?)?)?'; // an optional 24-hour time of day
  const months = new Map<string, number>();
  const names = 'january february march april may june july august september october november december';
  names.split(' ').forEach((name, i) => {
    months.set(name, i + 1);
    months.set(name.slice(0, 3), i + 1);
  });
  months.set('sept', 9);
  const days = 'monday tuesday wednesday thursday friday saturday sunday'.split(' ');
  return {
    iso: /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/,
    yearMonth: /^(1[89]\d\d|2[01]\d\d)-(\d{2})$/,
    utcName: /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) ?(?:UTC|GMT)$/,
    hourOffset: /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?[+-]\d{2}$/,
    weekday: /^([a-z]{3,9})\.?,?\s+/i,
    weekdays: new Set(days.flatMap((d) => [d, d.slice(0, 3)])),
    months,
    forms: [
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
    ],
    numeric: new RegExp(`^(\\d{1,2})([/.-])(\\d{1,2})\\2(\\d{4})${clock}$`),
  };
}

/**
 * A trimmed cell as fractional years: a number for a real date, 'impossible' for a date-shaped cell
 * the calendar does not have (2020-02-31), null for anything else. Read: YYYY-MM-DD (ISO 8601, with a
 * time and a zone: Z, UTC, GMT, +02:00, +0200, -05), YYYY-MM (its first day; month 20 is no date),
 * YYYY/MM/DD and YYYY.MM.DD, month names with a four-digit year (an optional leading weekday); with an
 * order, DD.MM.YYYY / MM/DD/YYYY and kin. Each is the same instant as the ISO date, so the same value.
 */
export function dateYears(
  s: string,
  order: DateOrder | undefined,
  f: DateForms,
): number | 'impossible' | null {
  const named = f.utcName.exec(s); // 10:00 UTC → 10:00Z; 10:00-05 → 10:00-05:00
  const iso = named ? `${named[1]}Z` : f.hourOffset.test(s) ? `${s}:00` : s;
  const m = f.iso.exec(iso);
  if (m) return isoYears(iso, m);
  const ym = f.yearMonth.exec(s); // 2021-03: the month's first day; 2019-20 (month 20: a season) is not a date
  if (ym)
    return Number(ym[2]) >= 1 && Number(ym[2]) <= 12 ? isoYears(`${s}-01`, f.iso.exec(`${s}-01`)) : null;
  const day = f.weekday.exec(s);
  const text = day && f.weekdays.has(day[1].toLowerCase()) ? s.slice(day[0].length) : s;
  const numeric: DateForms['forms'][number][] =
    order === 'day-first'
      ? [[f.numeric, { y: 4, m: 3, d: 1, h: 5 }]]
      : order === 'month-first'
        ? [[f.numeric, { y: 4, m: 1, d: 3, h: 5 }]]
        : [];
  for (const [re, at] of [...f.forms, ...numeric]) {
    const o = re.exec(text);
    if (!o) continue;
    const month = /^\d+$/.test(o[at.m]) ? Number(o[at.m]) : f.months.get(o[at.m].toLowerCase());
    if (month === undefined) return null; // "Foo 1 2000": not a month
    const [h = '0', mi = '00', sec = '00', frac = ''] = o.slice(at.h, at.h + 4);
    const pad = (v: string | number) => String(v).padStart(2, '0');
    const at0 = `${o[at.y]}-${pad(month)}-${pad(at.d ? o[at.d] : 1)}T${pad(h)}:${mi}:${sec}${frac}Z`;
    return isoYears(at0, f.iso.exec(at0));
  }
  return null;
}

/** An ISO date (matched by the iso pattern, groups m) checked against the calendar, as fractional years. */
export function isoYears(s: string, m: RegExpExecArray | null): number | 'impossible' {
  if (!m) return 'impossible'; // an hour of three digits, say
  const [y, mo, d, h = 0, mi = 0, sec = 0] = m.slice(1, 7).map((v) => (v === undefined ? 0 : Number(v)));
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || sec > 59) return 'impossible';
  const t = Date.parse(m[4] !== undefined && m[7] === undefined ? `${s.replace(' ', 'T')}Z` : s);
  if (!Number.isFinite(t)) return 'impossible';
  const year = new Date(t).getUTCFullYear();
  const start = Date.UTC(year, 0, 1);
  return year + (t - start) / (Date.UTC(year + 1, 0, 1) - start);
}
