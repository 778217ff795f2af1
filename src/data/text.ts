// Bytes → text, strictly: UTF-8 (the byte offset of the first invalid sequence is named, never
// replaced by "�"), a leading byte-order mark dropped, NUL bytes rejected (binary data); and UTF-16
// with a byte-order mark (Excel's "Unicode text") turned into UTF-8 for the CSV reader.
// No Node APIs: Uint8Array and TextDecoder exist in browsers too.

import { DataError } from '../errors.js';
import type { ByteSource } from './csv-stream.js';

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
    `${where}: not valid UTF-8 at byte offset ${offset} (bytes ${shown}${utf16 ? ': a UTF-16 byte-order mark' : singleByte(bytes, at)}); save the file as UTF-8`,
    'data',
  );
}

/**
 * A hint for a lone byte above 0x7F followed by printable ASCII, the mark of Windows-1252 / Latin-1 text (Excel's
 * "CSV" on Windows): what it is there (0xE9 is "é"). Only a hint: the file is not read that way.
 */
function singleByte(bytes: Uint8Array, at: number): string {
  const next = bytes[at + 1] ?? 0; // printable ASCII after it: text, not a stray byte at a line's end
  const lone = bytes[at] >= 0x80 && next >= 0x20 && next < 0x7f;
  if (!lone) return '';
  const char = new TextDecoder('windows-1252').decode(bytes.subarray(at, at + 1));
  return `: Windows-1252 or Latin-1 text? 0x${bytes[at].toString(16).toUpperCase()} is "${char}" there`;
}

/** The UTF-16 a byte-order mark announces (FF FE: little-endian, Excel's "Unicode text"; FE FF), or null. */
export function utf16Encoding(head: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  return head[0] === 0xfe && head[1] === 0xff ? 'utf-16be' : null;
}

/**
 * UTF-16 bytes (with their byte-order mark) as a source of UTF-8 bytes, decoded chunk by chunk (so the
 * CSV reader reads them as any file); an unpaired surrogate is an error naming its byte offsets.
 */
export function utf16AsUtf8(raw: ByteSource, encoding: 'utf-16le' | 'utf-16be', source: string): ByteSource {
  const decoder = new TextDecoder(encoding, { fatal: true }); // drops the byte-order mark
  const encoder = new TextEncoder();
  const chunk = new Uint8Array(1 << 16);
  let pending = new Uint8Array(0);
  let offset = 0;
  let consumed = 0;
  let done = false;
  const refill = () => {
    const n = raw.read(chunk);
    try {
      pending = encoder.encode(decoder.decode(chunk.subarray(0, n), { stream: n > 0 }));
    } catch {
      const range = `between byte offsets ${consumed} and ${consumed + n}`;
      throw new DataError(
        `${source}: not valid ${encoding.toUpperCase()} ${range}; save the file as UTF-8`,
        'data',
      );
    }
    offset = 0;
    consumed += n;
    done = n === 0;
  };
  return {
    read(into: Uint8Array): number {
      while (offset === pending.length && !done) refill();
      const k = Math.min(into.length, pending.length - offset);
      into.set(pending.subarray(offset, offset + k));
      offset += k;
      return k;
    },
    close: () => raw.close?.(),
  };
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
