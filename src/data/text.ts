// Bytes → text, strictly: UTF-8 only (the byte offset of the first invalid sequence is named, never
// replaced by "�"), a leading byte-order mark dropped, NUL bytes rejected (binary data, or UTF-16).
// No Node APIs: Uint8Array and TextDecoder exist in browsers too.

import { DataError } from '../errors.js';

/** The text of a data or model file; DataError naming the place of the first bad byte. */
export function decodeText(bytes: Uint8Array, source: string): string {
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) throw badByte(bytes, bad, source);
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw badByte(bytes, nul, source);
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The error for the bad byte at `at` (invalid UTF-8, or NUL) of `bytes`, which start at a line's start:
 * `before` counts the lines and bytes of the file before them (a streaming reader's earlier chunks).
 */
export function badByte(
  bytes: Uint8Array,
  at: number,
  source: string,
  before = { lines: 0, bytes: 0 },
): DataError {
  const { line, column } = position(bytes, at);
  const where = `${source}:${line + before.lines}:${column}`;
  const offset = at + before.bytes;
  if (bytes[at] === 0)
    return new DataError(
      `${where}: a NUL byte at byte offset ${offset}; this is not a text file (binary, or UTF-16: save it as UTF-8)`,
      'data',
    );
  const shown = Array.from(
    bytes.subarray(at, Math.min(at + 4, bytes.length)),
    (b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join(' ');
  const utf16 =
    offset === 0 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  return new DataError(
    `${where}: not valid UTF-8 at byte offset ${offset} (bytes ${shown}${utf16 ? ': a UTF-16 byte-order mark' : ''}); save the file as UTF-8`,
    'data',
  );
}

/** 1-based line and character column of a byte offset (the bytes before it are valid UTF-8). */
function position(bytes: Uint8Array, offset: number): { line: number; column: number } {
  const lineStart = offset > 0 ? bytes.lastIndexOf(0x0a, offset - 1) + 1 : 0; // -1 would search from the end
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
  const before = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset));
  return { line, column: [...before].length + 1 };
}

/**
 * Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (Unicode
 * 15, table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF); -1 if all are valid.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    // [length, low, high] of the second byte for each lead byte range
    const [n, lo, hi] =
      c >= 0xc2 && c <= 0xdf
        ? [2, 0x80, 0xbf]
        : c === 0xe0
          ? [3, 0xa0, 0xbf]
          : c === 0xed
            ? [3, 0x80, 0x9f]
            : c >= 0xe1 && c <= 0xef
              ? [3, 0x80, 0xbf]
              : c === 0xf0
                ? [4, 0x90, 0xbf]
                : c >= 0xf1 && c <= 0xf3
                  ? [4, 0x80, 0xbf]
                  : c === 0xf4
                    ? [4, 0x80, 0x8f]
                    : [0, 0, 0];
    if (n === 0 || i + n > b.length || b[i + 1] < lo || b[i + 1] > hi) return i;
    for (let k = 2; k < n; k++) if (b[i + k] < 0x80 || b[i + k] > 0xbf) return i;
    i += n;
  }
  return -1;
}
