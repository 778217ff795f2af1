// Test helpers: seeded data and a plain central-difference gradient (the library's gradCheck is
// tested on its own; core tests use this independent, obviously-correct version).
import { type Random, toMatrix, type Matrix, type Network, type Terms } from '../src/index.js';

export function randomMatrix(rows: number, cols: number, random: Random, scale = 1): Matrix {
  const m = toMatrix(
    Array.from({ length: rows }, () => Array.from({ length: cols }, () => random.normal() * scale)),
  );
  return m;
}

/** Central differences of network.computeLoss(x, y).total with respect to every parameter. */
export function numericGradient(net: Network, x: Matrix, y: Matrix, h = 1e-5, terms?: Terms): Float64Array {
  const out = new Float64Array(net.params.length);
  for (let i = 0; i < net.params.length; i++) {
    const old = net.params[i];
    net.params[i] = old + h;
    const plus = net.computeLoss(x, y, terms).total;
    net.params[i] = old - h;
    const minus = net.computeLoss(x, y, terms).total;
    net.params[i] = old;
    out[i] = (plus - minus) / (2 * h);
  }
  return out;
}

/** The worst |a − n| / max(|a|, |n|, floor) over all entries, and where. */
export function worstRelativeError(
  a: ArrayLike<number>,
  n: ArrayLike<number>,
  floor = 1e-7,
): { error: number; index: number } {
  let error = 0;
  let index = -1;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - n[i]) / Math.max(Math.abs(a[i]), Math.abs(n[i]), floor);
    if (e > error) {
      error = e;
      index = i;
    }
  }
  return { error, index };
}

export function oneHot(labels: number[], classes: number): number[][] {
  return labels.map((l) => Array.from({ length: classes }, (_, c) => (c === l ? 1 : 0)));
}

export function grid(n: number, low = 0, high = 1): number[][] {
  return Array.from({ length: n }, (_, i) => [low + ((high - low) * i) / (n - 1)]);
}
