// The data-parallel trainer's reduction kernel (train/parallel.ts), the twin of ../reduce.ts
// weightedPairSum: two chunk gradients summed in one pass instead of two sgd_step passes over a
// zeroed buffer. The same operations per element (no fused multiply-add), so the same bits.
// Conventions as generate.ts: byte addresses, sizes in elements, scalars as f64.

import { kernelNames } from '../names.js';
import { Emit, type Precision, elementwiseLoop, precisions } from './emit.js';
import { FunctionBuilder, f64, i32 } from './encoder.js';

/**
 * weighted_pair_sum: out ← (0 − na·x) − nb·y, with na = −a and nb = −b: a·x + b·y as sgd_step
 * computes it twice from zero. x and y are loaded before out is stored, so out may be x or y.
 */
export function weightedPairSum(p: Precision): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.weightedPairSum(p.name), {
    OUT: i32,
    X: i32,
    Y: i32,
    N: i32,
    NA: f64,
    NB: f64,
  });
  const e = new Emit(f, p);
  const { OUT, X, Y, N } = f.arg;
  const na = e.argumentPair(f.arg.NA);
  const nb = e.argumentPair(f.arg.NB);
  const zero = e.constantPair(0);
  elementwiseLoop(f, p, N, (w, i) => {
    f.at(OUT, i);
    f.get(zero[w]);
    f.get(na[w]).at(X, i);
    e.load(w);
    e.mul(w);
    e.sub(w);
    f.get(nb[w]).at(Y, i);
    e.load(w);
    e.mul(w);
    e.sub(w);
    e.store(w);
  });
  return f;
}

/** Every kernel of this file, both precisions. */
export function reduceKernels(): FunctionBuilder[] {
  return precisions.map(weightedPairSum);
}
