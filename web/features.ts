// The network's input features, computed from a point's raw inputs (x1, or x1 and x2) as TensorFlow
// Playground offers them: x1, x2, x1², x2², x1·x2, sin x1, sin x2. The same function makes the
// training rows and the plot's grid, so predictions on the grid see what training saw.
// Our inputs lie in about [-1, 1], where sin x ≈ x; the sines are sin(πx), one period over the box
// (TensorFlow Playground's sin x spans about two over its ±6 box).

import { DataError, zeros, type Matrix } from '../src/index.js';

export type FeatureName = 'x1' | 'x2' | 'x1sq' | 'x2sq' | 'x1x2' | 'sinx1' | 'sinx2';

interface Feature {
  name: FeatureName;
  /** as the page shows it */
  label: string;
  /** raw inputs it needs: 1 (x1 only) or 2 */
  needs: 1 | 2;
  of(x1: number, x2: number): number;
}

/** Every feature, in the order they enter the network. */
export const features: readonly Feature[] = [
  { name: 'x1', label: 'x₁', needs: 1, of: (a) => a },
  { name: 'x2', label: 'x₂', needs: 2, of: (_, b) => b },
  { name: 'x1sq', label: 'x₁²', needs: 1, of: (a) => a * a },
  { name: 'x2sq', label: 'x₂²', needs: 2, of: (_, b) => b * b },
  { name: 'x1x2', label: 'x₁x₂', needs: 2, of: (a, b) => a * b },
  { name: 'sinx1', label: 'sin πx₁', needs: 1, of: (a) => Math.sin(Math.PI * a) },
  { name: 'sinx2', label: 'sin πx₂', needs: 2, of: (_, b) => Math.sin(Math.PI * b) },
];
export const featureNames: readonly FeatureName[] = features.map((f) => f.name);
/** A feature's label as the page shows it (x₁², sin πx₁); other names as they are. */
export const featureLabel = (name: string): string => features.find((f) => f.name === name)?.label ?? name;

/**
 * The chosen features a dataset with `dims` raw inputs can compute, in table order (those of x2 are
 * dropped for 1-D data). Throws DataError when none is left: the network would have no input.
 */
export function usableFeatures(chosen: readonly string[], dims: number): Feature[] {
  const usable = features.filter((f) => chosen.includes(f.name) && f.needs <= dims);
  if (usable.length === 0)
    throw new DataError(
      dims === 1
        ? 'no input feature of x1 is chosen (this dataset has no x2): choose x₁, x₁² or sin πx₁'
        : 'no input feature is chosen: choose at least one',
      'features',
    );
  return usable;
}

/** raw[N×dims] → [N×features]: each row's features, in the order given. */
export function featureMatrix(raw: Matrix, chosen: readonly Feature[]): Matrix {
  const out = zeros(raw.rows, chosen.length);
  for (let r = 0; r < raw.rows; r++) {
    const a = raw.data[r * raw.cols];
    const b = raw.cols > 1 ? raw.data[r * raw.cols + 1] : 0;
    for (let c = 0; c < chosen.length; c++) out.data[r * chosen.length + c] = chosen[c].of(a, b);
  }
  return out;
}
