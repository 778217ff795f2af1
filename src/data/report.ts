// What to tell the user about data once it is read and encoded: notes (decimal commas detected, rows
// left out with why, unseen categories counted) and warnings (a constant target, too few rows).
// Plain strings: the CLI decides where they go.

import type { Matrix } from '../matrix.js';
import { clip, quote, readNumber, shortList } from './cells.js';
import type { Encoded, Encoding } from './encoding.js';
import { describeIgnored } from './identifiers.js';
import { describeLeftOut, type LeftOut } from './missing.js';
import { missingMarkers, rowCount, type DataTable } from './table.js';
import { rareLabels } from './task.js';

/** Notes on reading and encoding `table`: decimal commas, rows left out, unseen categories. */
export function dataNotes(
  table: DataTable,
  encoded: Pick<Encoded, 'left' | 'unseen'> & Partial<Pick<Encoded, 'filled'>>,
): string[] {
  const left = describeLeftOut(encoded.left, rowCount(table));
  return [
    ...(table.notes ?? []),
    ...(left ? [`${table.source}: ${left}`] : []),
    ...describeUnseen(table.source, encoded.unseen),
    ...describeFilled(table.source, encoded.filled ?? []),
  ];
}

/**
 * "f.csv: --impute mean filled 59 missing cells: column "region" 59 with "AS" (its most frequent
 * value), read as missing where written "NA"" — so that a value that only looks missing (NA for North
 * America) is seen.
 */
export function describeFilled(source: string, filled: NonNullable<Encoded['filled']>): string[] {
  if (filled.length === 0) return [];
  const cells = filled.reduce((n, f) => n + f.cells, 0);
  const columns = filled.map((f) => {
    const fill =
      typeof f.fill === 'string'
        ? `${quote(f.fill, 30)} (its most frequent value)`
        : `${Number(f.fill.toPrecision(6))} (its mean)`;
    const written = f.spellings.map((s) => (s === '' ? 'empty' : quote(s, 20))).join(', ');
    return `column ${quote(clip(f.column))} ${f.cells.toLocaleString('en-US')} with ${fill}, written ${written}`;
  });
  // the library's spellings (not empty, not the user's --na-values): --not-na reads them as values
  const words = [
    ...new Set(filled.flatMap((f) => f.spellings.filter((s) => s && missingMarkers.includes(s)))),
  ];
  const keep = words.length
    ? `--not-na ${words.map((w) => JSON.stringify(w)).join(',')} reads ${words.length === 1 ? 'it as a value' : 'them as values'}`
    : 'another spelling in the file keeps it';
  return [
    `${source}: --impute mean filled ${cells.toLocaleString('en-US')} missing cell${cells === 1 ? '' : 's'}: ${shortList(columns, 5)}; where such a spelling is a value (NA for North America, None for no damage), ${keep}`,
  ];
}

/** Notes on what fitting an encoding decided: identifier columns left out, codes with leading zeros read as text. */
export function encodingNotes(source: string, encoding: Encoding): string[] {
  return [...describeIgnored(source, encoding.ignored ?? []), ...describeCodes(source, encoding.codes ?? [])];
}

/** "zips.csv: column "zip" holds integers written with leading zeros ("02139"): read as text, codes …" */
export function describeCodes(source: string, codes: NonNullable<Encoding['codes']>): string[] {
  if (codes.length === 0) return [];
  const one = codes.length === 1;
  const listed = shortList(
    codes.map((c) => `${quote(clip(c.column))} (${quote(c.example, 20)})`),
    5,
  );
  const names = codes.map((c) => c.column).join(',');
  return [
    `${source}: ${one ? 'column' : 'columns'} ${listed} ${one ? 'holds' : 'hold'} integers written with leading zeros: read as text (codes such as ZIP or product codes, not quantities); --numeric ${clip(names, 60)} reads ${one ? 'it' : 'them'} as numbers`,
  ];
}

/** "cars.csv: 3 cells of column "name" hold categories unseen in training, encoded as all zeros: …" */
export function describeUnseen(source: string, unseen: Encoded['unseen']): string[] {
  return unseen.map(
    (u) =>
      `${source}: ${u.cells} cell${u.cells === 1 ? '' : 's'} of column ${quote(u.column, 40)} ${u.cells === 1 ? 'holds a category' : 'hold categories'} unseen in training, encoded as all zeros (--unknown ignore): ${shortList(
        u.values.map((v) => quote(v, 30)),
        5,
      )}`,
  );
}

/**
 * A warning when rows left out for missing cells are most of the table's `total` and one input column
 * (or more) is missing in most rows: leaving that column out of the inputs would keep them.
 */
export function sparseColumnWarnings(source: string, left: readonly LeftOut[], total: number): string[] {
  if (2 * left.length <= total) return [];
  const counts = new Map<string, number>();
  for (const l of left) for (const c of l.inputs) counts.set(c, (counts.get(c) ?? 0) + 1);
  const sparse = [...counts].filter(([, n]) => 2 * n > total);
  if (sparse.length === 0) return [];
  const listed = sparse.map(([c, n]) => `${quote(clip(c))} (missing in ${n.toLocaleString('en-US')})`);
  return [
    `${source}: ${left.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows were left out for missing cells, most because of ${sparse.length === 1 ? 'column' : 'columns'} ${shortList(listed, 5)}: leaving ${sparse.length === 1 ? 'it' : 'them'} out of the inputs (--features) would keep those rows`,
  ];
}

/** Warnings about training data: a constant target, a single row, fewer rows than classes. */
export function dataWarnings(
  encoding: Encoding,
  encoded: Pick<Encoded, 'y' | 'x'> & Partial<Pick<Encoded, 'inputNames'>>,
): string[] {
  const warnings: string[] = [];
  const { y, x } = encoded;
  if (x.rows === 1)
    warnings.push(
      'only 1 row to learn from: the network can only memorize it, and R², accuracy and any validation are undefined or meaningless',
    );
  if (y && encoding.target.task === 'regression' && x.rows > 1) {
    const constant = encoding.target.columns.filter((_, k) => {
      for (let r = 1; r < y.rows; r++) if (y.data[r * y.cols + k] !== y.data[k]) return false;
      return true;
    });
    for (const c of constant)
      warnings.push(
        `target ${quote(clip(c))} has the same value (${y.data[encoding.target.columns.indexOf(c)]}) in every row: there is nothing to learn, and R² is undefined`,
      );
  }
  if (y && encoding.target.classes && x.rows > 1) warnings.push(...rareClasses(encoding.target.classes, y));
  const rare = encoding.target.inferred && y?.cols === 1 ? rareLabels(y.data) : [];
  if (rare.length)
    warnings.push(
      `target ${quote(clip(encoding.target.columns[0]))} holds a few integers, read as a quantity (regression) because ${shortList(rare.map(String))} ${rare.length === 1 ? 'is' : 'are'} seen only once; if they are class labels (a rare class, or a mistyped label), --task multiclass reads them as classes`,
    );
  if (encoding.target.classes)
    warnings.push(
      ...caseVariants(`target ${quote(clip(encoding.target.columns[0]))}`, encoding.target.classes),
    );
  for (const f of encoding.features)
    if (f.type === 'category') warnings.push(...caseVariants(`column ${quote(clip(f.name))}`, f.categories));
  if (y && encoding.target.task === 'regression')
    encoding.target.columns.forEach((c, k) => warnings.push(...farTargets(c, y, k)));
  return [...warnings, ...numbersAsText(encoding), ...compactDates(encoding, x, encoded.inputNames ?? [])];
}

/**
 * A few target values far outside the rest (beyond the quartiles by 10 interquartile ranges, in at most
 * 1% of the rows, and 5 of them apart from the others): squared error lets them decide the fit, and the scores.
 */
function farTargets(column: string, y: Matrix, k: number): string[] {
  const v = Float64Array.from({ length: y.rows }, (_, r) => y.data[r * y.cols + k]).sort();
  const q = (p: number) => v[Math.floor(p * (v.length - 1))];
  const iqr = q(0.75) - q(0.25);
  const low = q(0.25) - 10 * iqr;
  const high = q(0.75) + 10 * iqr;
  const far = v.filter((t) => t < low || t > high);
  if (v.length < 20 || !(iqr > 0) || far.length === 0 || 100 * far.length > v.length) return [];
  // apart from the rest by a gap of 5 IQR, not the end of a long tail (incomes, lognormal): the nearest
  // values inside the bounds, against the nearest outside
  const inside = v.filter((t) => t >= low && t <= high);
  const below = far.filter((t) => t < low);
  const above = far.filter((t) => t > high);
  const apart =
    (below.length === 0 || inside[0] - below[below.length - 1] > 5 * iqr) &&
    (above.length === 0 || above[0] - inside[inside.length - 1] > 5 * iqr);
  if (!apart) return [];
  return [
    `target ${quote(clip(column))} has ${far.length} value${far.length === 1 ? '' : 's'} far from the others (${shortList(
      [...far].map((t) => String(Number(t.toPrecision(6)))),
      4,
    )}; half the values lie in ${Number(q(0.25).toPrecision(6))} … ${Number(q(0.75).toPrecision(6))}): squared error lets a few such rows decide the fit and the scores; check them, leave them out, or train with --loss huber`,
  ];
}

/**
 * Text columns that are numbers but for a placeholder or two ("not disclosed", "unknown"): each number
 * became a category of its own, where the placeholder is likely a missing value.
 */
function numbersAsText(encoding: Encoding): string[] {
  const format = { decimal: encoding.numbers?.decimal ?? '.', thousands: encoding.numbers?.thousands };
  const codes = new Set((encoding.codes ?? []).map((c) => c.column));
  return encoding.features.flatMap((f) => {
    if (f.type !== 'category' || codes.has(f.name)) return [];
    const words = f.categories.filter((c) => !('value' in (readNumber(c, format) ?? {})));
    const numbers = f.categories.length - words.length;
    if (numbers < 10 || words.length === 0 || words.length > 3) return [];
    return [
      `column ${quote(clip(f.name))} is read as text, ${f.categories.length} categories, but ${numbers} of them are numbers: if ${shortList(words.map((w) => quote(clip(w))))} ${words.length === 1 ? 'means' : 'mean'} a missing value, --na-values ${words.map((w) => JSON.stringify(w)).join(',')} reads the column as numbers`,
    ];
  });
}

/**
 * Number columns whose values are all dates written as YYYYMMDD integers (20190513): as numbers, a year
 * ends with a jump (20191231 → 20200101 is 8,870) that a network has to learn around.
 */
function compactDates(encoding: Encoding, x: Matrix, inputNames: readonly string[]): string[] {
  return encoding.features.flatMap((f) => {
    const c = inputNames.indexOf(f.name);
    if (f.type !== 'number' || c < 0 || x.rows < 10) return [];
    const seen = new Set<number>();
    for (let r = 0; r < x.rows; r++) {
      const v = x.data[r * x.cols + c];
      if (!Number.isInteger(v) || v < 17000101 || v > 22001231) return [];
      const day = new Date(Date.UTC(Math.floor(v / 1e4), (Math.floor(v / 100) % 100) - 1, v % 100));
      if (Number(day.toISOString().slice(0, 10).replaceAll('-', '')) !== v) return [];
      seen.add(v);
    }
    if (seen.size < 10) return [];
    const first = String(x.data[c]);
    return [
      `column ${quote(clip(f.name))} holds dates written as numbers (${first}): read as numbers, in which a year's end is a jump (…1231 → …0101); written as ${first.slice(0, 4)}-${first.slice(4, 6)}-${first.slice(6)} they are read as dates`,
    ];
  });
}

/**
 * Labels that differ only in letter case ("Yes" and "yes", "Paris" and "paris"): different classes or
 * categories to the network; likely one value typed two ways, which a silent reading would split.
 */
function caseVariants(what: string, labels: readonly string[]): string[] {
  const groups = new Map<string, string[]>();
  for (const l of labels) {
    const key = l.toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  const variants = [...groups.values()].filter((g) => g.length > 1);
  if (variants.length === 0) return [];
  const listed = variants.map((g) => g.map((l) => quote(clip(l))).join(' and '));
  return [
    `${what} has values that differ only in letter case (${shortList(listed, 3, '; ')}): they are read as different ${what.startsWith('target') ? 'classes' : 'categories'}; if they mean the same, write them the same way in the file`,
  ];
}

/** "class "d" has 1 row of 30": a class seen once cannot be learned, nor both trained on and scored. */
function rareClasses(classes: readonly string[], y: Matrix): string[] {
  const counts = new Array<number>(classes.length).fill(0);
  for (let r = 0; r < y.rows; r++) {
    if (y.cols === 1) counts[y.data[r] >= 0.5 ? 1 : 0]++;
    else for (let k = 0; k < y.cols; k++) if (y.data[r * y.cols + k] === 1) counts[k]++;
  }
  const once = classes.filter((_, k) => counts[k] === 1);
  if (once.length === 0) return [];
  return [
    `${once.length === 1 ? 'class' : 'classes'} ${shortList(once.map((c) => quote(clip(c))))} ${once.length === 1 ? 'has' : 'each have'} a single row of ${y.rows}: the network cannot learn ${once.length === 1 ? 'it' : 'them'} from one example, and held-out scores cannot include ${once.length === 1 ? 'it' : 'them'}`,
  ];
}
