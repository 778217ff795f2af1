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

/** Throws an OptionError naming the unknown value and the known ones. */
export function unknownName(kind: string, name: unknown, known: readonly string[], option = kind): never {
  throw new OptionError(
    `unknown ${kind} ${JSON.stringify(name)}; expected one of: ${known.join(', ')}`,
    option,
  );
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
    throw new OptionError(`${option} must be ${range}, got ${JSON.stringify(value)}`, option);
  }
  return value as number;
}
