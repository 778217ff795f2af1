// weightedPairSum: the first two terms of the data-parallel trainer's reduction (train/parallel.ts)
// in one pass; the WebAssembly kernel (wasm/reduce.ts) when every buffer lives in its memory, else
// the JavaScript loop, each the same arithmetic as two sgdStep calls on a zeroed buffer.

import { activeRuntime } from './backend.js';
import type { FloatArray } from './matmul.js';
import { kernelNames } from './names.js';

/**
 * out[n] ← a·x + b·y, computed as (0 − (−a)·x) − (−b)·y: bit for bit what sgdStep(out, x, −a) then
 * sgdStep(out, y, −b) give from a zeroed out (the same backend, the same rounding of each step).
 * out may be x or y.
 */
export function weightedPairSum(out: FloatArray, x: FloatArray, a: number, y: FloatArray, b: number): void {
  const n = out.length;
  const rt = activeRuntime();
  const f32 = out instanceof Float32Array;
  if (rt && x instanceof Float32Array === f32 && y instanceof Float32Array === f32) {
    const o = rt.addressOf(out);
    const xi = rt.addressOf(x);
    const yi = rt.addressOf(y);
    if (o >= 0 && xi >= 0 && yi >= 0) {
      rt.kernels[kernelNames.weightedPairSum(f32 ? 'f32' : 'f64')](o, xi, yi, n, -a, -b);
      return;
    }
  }
  for (let i = 0; i < n; i++) {
    const yi = y[i];
    out[i] = 0 - -a * x[i];
    out[i] -= -b * yi;
  }
}
