// Errors are data: a few Error subclasses with a name and fields saying what was wrong and where.
// The CLI formats them as one line; library users can branch on `instanceof` or `.name`.

/** Base class of every error scratchnet throws on purpose (user mistakes, divergence). */
export class ScratchnetError extends Error {
  override name = 'ScratchnetError';
}

/** Shapes that do not fit: wrong number of columns, rows of x and y that differ, ragged rows. */
export class ShapeError extends ScratchnetError {
  override name = 'ShapeError';
  constructor(
    message: string,
    readonly argument?: string,
  ) {
    super(message);
  }
}

/** Bad data values: NaN, Infinity, empty data; `row` and `column` are 0-based when known. */
export class DataError extends ScratchnetError {
  override name = 'DataError';
  constructor(
    message: string,
    readonly argument?: string,
    readonly row?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/** A bad option: unknown name, value out of range. `option` names the argument. */
export class OptionError extends ScratchnetError {
  override name = 'OptionError';
  constructor(
    message: string,
    readonly option?: string,
  ) {
    super(message);
  }
}

/** Training produced a NaN or infinite loss; the network holds its last good weights. */
export class DivergenceError extends ScratchnetError {
  override name = 'DivergenceError';
  constructor(
    message: string,
    readonly epoch: number,
    readonly batch: number,
  ) {
    super(message);
  }
}

/** Throws an OptionError naming the unknown value, the known ones and a near one (a case or a letter or two off). */
export function unknownName(kind: string, name: unknown, known: readonly string[], option = kind): never {
  const near = typeof name === 'string' ? nearest(name, known) : undefined;
  throw new OptionError(
    `unknown ${kind} ${JSON.stringify(name)}; expected one of: ${known.join(', ')}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`,
    option,
  );
}

/**
 * Throws OptionError (unknownName) on the first key of `options` that is not an option: a misspelt
 * option would otherwise be ignored and its default used without a word. `known` lists the names;
 * typed as Record<keyof TheOptions, true> the compiler keeps it complete. `prefix` names a nested
 * object in the message ('earlyStopping.' → "earlyStopping.patiense").
 */
export function checkOptionNames(
  kind: string,
  options: unknown,
  known: Readonly<Record<string, unknown>> | readonly string[],
  prefix = '',
): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return;
  const names = Array.isArray(known) ? known : Object.keys(known);
  for (const key of Object.keys(options)) {
    if (!names.includes(key))
      unknownName(
        kind,
        `${prefix}${key}`,
        names.map((n) => `${prefix}${n}`),
        `${prefix}${key}`,
      );
  }
}

/** The name in `known` equal to `name` but for letter case, or within two edits of it (the closest); else undefined. */
function nearest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = name.length > 2 ? 3 : 1; // short names: only a difference of letter case
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Levenshtein distance of a and b. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/**
 * A value as an error message shows it: numbers as JavaScript prints them (NaN, Infinity and -0, which
 * JSON would print as null or 0), strings quoted, undefined as undefined, other values as JSON.
 */
export function shown(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (
    value === undefined ||
    typeof value === 'function' ||
    typeof value === 'symbol' ||
    typeof value === 'bigint'
  )
    return String(value);
  try {
    return (
      JSON.stringify(value, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ??
      String(value)
    );
  } catch {
    return String(value);
  }
}

/** Checks a number option: finite, and within [min, max] when given. Returns the value. */
export function checkNumber(
  option: string,
  value: unknown,
  { min = -Infinity, max = Infinity, integer = false, exclusiveMin = false } = {},
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (exclusiveMin ? value > min : value >= min) &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const range = [
      integer ? 'an integer' : 'a number',
      min > -Infinity ? (exclusiveMin ? `> ${min}` : `>= ${min}`) : '',
      max < Infinity ? `<= ${max}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    throw new OptionError(`${option} must be ${range}, got ${shown(value)}`, option);
  }
  return value as number;
}

/** Checks a boolean option. Returns the value. */
export function checkBoolean(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new OptionError(`${option} must be true or false, got ${shown(value)}`, option);
  return value;
}
