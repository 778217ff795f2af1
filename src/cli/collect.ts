// One full garbage collection, when a command has just let go of a large file's cells.
//
// The cells of a file read whole (src/data/stream-store.ts: typed arrays, ~12 bytes a cell) are outside
// the JavaScript heap. Once encoded they are garbage, but V8 frees such buffers only at its next major
// collection, which it times by the JavaScript heap, not by them: a `train` that allocates little
// before its peak keeps them through training (measured, 120,000 rows × 10 columns: 26 MB of buffers
// at the end of reading, 49 MB at the end of a one-epoch run without a collection, 22 MB with one; peak
// RSS 165 → 123 MB). A collection there costs ~10–20 ms (the live heap is small then).
//
// `gc` is exposed the way jest's leak detector does it: the flag set at run time applies to contexts
// made afterwards, so a new context's `gc` collects the whole isolate (the command's own global is not
// given one).

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/** Collects garbage now (a no-op where the engine does not let us). */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const f: unknown = runInNewContext('gc');
      gc = typeof f === 'function' ? (f as () => void) : null;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
