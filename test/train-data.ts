// Seeded toy data for the training tests: two interleaved spirals and Gaussian blobs.
import { Random } from '../src/index.js';
import { oneHot } from './helpers.js';

/** Two spirals of n/2 points each, 1.5 turns, labels 0/1 in one column. */
export function spirals(n: number, seed: number, noise = 0.02): { x: number[][]; y: number[][] } {
  const r = new Random(seed);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let k = 0; k < 2; k++) {
    for (let i = 0; i < n / 2; i++) {
      const t = (i / (n / 2)) * 3 * Math.PI + 0.5;
      const radius = t / (3 * Math.PI);
      x.push([
        radius * Math.cos(t + k * Math.PI) + r.normal(0, noise),
        radius * Math.sin(t + k * Math.PI) + r.normal(0, noise),
      ]);
      y.push([k]);
    }
  }
  return { x, y };
}

/** `perClass` points around each center with standard deviation `std`; one-hot targets. */
export function blobs(
  centers: number[][],
  perClass: number,
  std: number,
  seed: number,
): { x: number[][]; y: number[][] } {
  const r = new Random(seed);
  const x: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < perClass; i++) {
    centers.forEach((c, k) => {
      x.push(c.map((v) => v + r.normal(0, std)));
      labels.push(k);
    });
  }
  return { x, y: oneHot(labels, centers.length) };
}
