// Original columns behind a network's inputs (a text column's one-hot inputs form one group), and the
// baseline integrated gradients start from: the training mean of each numeric input, the most
// frequent category of each text column.

import { OptionError } from '../errors.js';
import type { Encoding } from '../data/encoding.js';
import type { Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';

/** One original column and the network inputs that encode it. */
export interface ColumnGroup {
  name: string;
  type: 'number' | 'boolean' | 'date' | 'category';
  /** indices of its network inputs: one, or one per category */
  inputs: number[];
  /** category names, in the order of `inputs` (category columns only) */
  categories?: string[];
}

/**
 * Groups from a model's encoding, or one group per input named by `names` (default x1, x2, …)
 * when there is no encoding (a network trained on a plain matrix).
 */
export function columnGroups(
  inputSize: number,
  encoding?: Encoding,
  names?: readonly string[],
): ColumnGroup[] {
  if (!encoding) {
    if (names && names.length !== inputSize)
      throw new OptionError(
        `inputNames has ${names.length} names but the network takes ${inputSize} inputs`,
        'inputNames',
      );
    return Array.from({ length: inputSize }, (_, i) => ({
      name: names?.[i] ?? `x${i + 1}`,
      type: 'number',
      inputs: [i],
    }));
  }
  const groups: ColumnGroup[] = [];
  let next = 0;
  for (const f of encoding.features) {
    const width = f.type === 'category' ? f.categories.length : 1;
    const inputs = Array.from({ length: width }, (_, k) => next + k);
    next += width;
    groups.push(
      f.type === 'category'
        ? { name: f.name, type: f.type, inputs, categories: f.categories }
        : { name: f.name, type: f.type, inputs },
    );
  }
  if (next !== inputSize)
    throw new OptionError(
      `the encoding describes ${next} inputs but the network takes ${inputSize}`,
      'encoding',
    );
  return groups;
}

/** How the baseline was chosen, per column (for reports). */
export interface BaselineColumn {
  column: string;
  /** the number, or the category */
  value: number | string;
}

/**
 * The baseline [I]: the training means the network was standardized with (network.scaling.inputMean),
 * else the means of `x`; for a category column, the one-hot row of its most frequent category
 * (the largest mean among its inputs), so the baseline is a row the model could really see.
 */
export function baselineInputs(
  network: Network,
  x: Matrix,
  groups: readonly ColumnGroup[],
): { inputs: Float64Array; columns: BaselineColumn[] } {
  const I = x.cols;
  const mean = new Float64Array(I);
  if (network.scaling) mean.set(network.scaling.inputMean);
  else {
    for (let r = 0; r < x.rows; r++) for (let i = 0; i < I; i++) mean[i] += x.data[r * I + i];
    for (let i = 0; i < I; i++) mean[i] /= Math.max(1, x.rows);
  }
  const inputs = Float64Array.from(mean);
  const columns = groups.map((g): BaselineColumn => {
    if (!g.categories) return { column: g.name, value: mean[g.inputs[0]] };
    let best = 0;
    g.inputs.forEach((input, k) => {
      if (mean[input] > mean[g.inputs[best]]) best = k;
    });
    g.inputs.forEach((input, k) => (inputs[input] = k === best ? 1 : 0));
    return { column: g.name, value: g.categories[best] };
  });
  return { inputs, columns };
}

/** Per-input values [N×I] or [I] summed into one value per group. */
export function sumByGroup(values: Float64Array, groups: readonly ColumnGroup[]): number[] {
  return groups.map((g) => g.inputs.reduce((s, i) => s + values[i], 0));
}
