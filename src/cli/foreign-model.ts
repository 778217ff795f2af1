// Recognizes the files given as --model that are not scratchnet model files but other models (what
// `scratchnet export` writes: ONNX, TensorFlow.js, an ES module), so the error says what the file is.

import { extname } from 'node:path';
import { UsageError } from './errors.js';

/** What kind of non-scratchnet model file `bytes` looks like, or null when it looks like our JSON. */
export function foreignModelKind(path: string, bytes: Uint8Array): string | null {
  const ext = extname(path).toLowerCase();
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 4096));
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16) return null; // text in UTF-16: the reader's own message says to save it as UTF-8
  if (/^\uFEFF?\s*\{/.test(head))
    return /"modelTopology"|"weightsManifest"/.test(head) ? 'a TensorFlow.js model' : null;
  if (ext === '.onnx' || (bytes[0] === 0x08 && isBinary(bytes))) return 'an ONNX model';
  if (isBinary(bytes))
    return ext === '.bin'
      ? 'binary weights (TensorFlow.js weights.bin, say)'
      : 'a binary file, not JSON text';
  if (/^\s*(\/\/|\/\*|export |import )/.test(head)) return 'JavaScript source';
  return null;
}

/** Binary rather than text: a NUL byte, or many control bytes, in its first 4 KB. */
function isBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 4096);
  let control = 0;
  for (const b of head) {
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control > head.length / 100;
}

/** The one-line error for a --model file of another kind: what it is, and what reads it instead. */
export function foreignModelError(path: string, kind: string): UsageError {
  const importer = /ONNX/.test(kind) ? 'importOnnx' : /TensorFlow/.test(kind) ? 'importTfjs' : null;
  return new UsageError(
    `${path}: not a scratchnet model file: it is ${kind}. The CLI reads only the JSON model files that ` +
      '`scratchnet train` writes; give that file (there is no import command' +
      (importer
        ? `; in code, ${importer} of scratchnet/interop turns such a network into a scratchnet Network)`
        : ')'),
  );
}
