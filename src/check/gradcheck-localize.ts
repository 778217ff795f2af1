// Localizing a failed gradient check: each component checked on its own, so the report can say
// WHICH one is wrong. A wrong input gradient in layer 3 makes the weights of layers 0–2 disagree too;
// checked alone, layer 3 is the one that fails.
//   loss:   value(p, t) against gradient(dP, p, t), by central differences in each prediction p
//   layer:  the scalar Σ R ⊙ out for a fixed random R[N×O] — its gradient is exactly what
//           backward(R) returns: each parameter's grad and the input gradient
// Same step rule, extrapolation and error measure as the network-level check (gradcheck-numeric.ts).

import type { FloatArray } from '../kernels/index.js';
import type { Matrix } from '../matrix.js';
import type { Layer } from '../nn/layer.js';
import type { Loss } from '../nn/losses.js';
import { Random } from '../random.js';
import { KinkWatch, straddles } from './gradcheck-kinks.js';
import {
  allocate,
  centralDifferences,
  judge,
  roundingScale,
  sampleIndices,
  stepFor,
} from './gradcheck-numeric.js';

export interface CheckSettings {
  epsilon: number;
  tolerance: number;
  /** at most this many entries per component (sampled, seeded) */
  budget: number;
  seed: number;
}

/** One component's disagreement: the worst failing entry of one buffer. */
export interface ComponentFailure {
  component: 'loss' | 'layer';
  /** the loss name, or the layer type */
  name: string;
  /** layer index (layer findings) */
  layer?: number;
  /** parameter name ('weight', 'bias', …), 'input' for the gradient a layer passes back, 'prediction' for a loss */
  kind: string;
  index: number;
  position: number[];
  analytic: number;
  numeric: number;
  error: number;
  failed: number;
  checked: number;
}

/** Row-major index → position in `shape`. */
export function unravel(index: number, shape: readonly number[]): number[] {
  const position = new Array<number>(shape.length);
  let rest = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    position[d] = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
  }
  return position;
}

interface Buffer {
  kind: string;
  values: Float64Array;
  analytic: Float64Array;
  shape: readonly number[];
}

/** Judges every sampled entry of each buffer against evaluate(); returns the failing buffers. */
function checkBuffers(
  buffers: Buffer[],
  evaluate: (out: Float64Array, watch: boolean) => boolean,
  base: number,
  scale: number,
  settings: CheckSettings,
  random: Random,
  component: 'loss' | 'layer',
  name: string,
  layer: number | undefined,
  kinkAt?: (buffer: number, index: number, low: number, high: number) => boolean,
): ComponentFailure[] {
  const counts = allocate(
    buffers.map((b) => b.values.length),
    settings.budget,
  );
  const d1 = new Float64Array(1),
    d2 = new Float64Array(1),
    rough = new Float64Array(1),
    plus = new Float64Array(1),
    minus = new Float64Array(1);
  const baseValue = [base];
  const failures: ComponentFailure[] = [];
  buffers.forEach((b, bi) => {
    let worst: ComponentFailure | null = null;
    let failed = 0;
    const indices = sampleIndices(b.values.length, counts[bi], random);
    for (const i of indices) {
      const theta = b.values[i];
      const h = stepFor(theta, settings.epsilon);
      let kink = centralDifferences(b.values, i, h, 1, evaluate, baseValue, d1, d2, rough, plus, minus);
      if (kinkAt) kink = kinkAt(bi, i, theta - 2 * h, theta + 2 * h) || kink;
      const j = judge(b.analytic[i], d1[0], d2[0], rough[0], h, scale, settings.tolerance, kink);
      if (j.status !== 'fail') continue;
      failed++;
      if (!worst || j.error > worst.error) {
        worst = {
          component,
          name,
          layer,
          kind: b.kind,
          index: i,
          position: unravel(i, b.shape),
          analytic: b.analytic[i],
          numeric: j.numeric,
          error: j.error,
          failed: 0,
          checked: indices.length,
        };
      }
    }
    if (worst) failures.push({ ...worst, failed });
  });
  return failures;
}

/** The loss alone: its gradient against central differences of its value, at predictions p[N×O] (rows weighted by w when given). */
export function checkLossAlone(
  loss: Loss,
  predictions: FloatArray,
  targets: Matrix,
  settings: CheckSettings,
  w?: Float64Array,
): ComponentFailure[] {
  const { rows, cols } = targets;
  const p = Float64Array.from(predictions);
  const dP = new Float64Array(p.length);
  loss.gradient(dP, p, targets.data, rows, cols, w);
  const value = loss.value(p, targets.data, rows, cols, w);
  const scale = roundingScale(loss, p, targets.data, rows, cols, value, w);
  const evaluate = (out: Float64Array, watchKinks: boolean) => {
    out[0] = loss.value(p, targets.data, rows, cols, w);
    return false;
  };
  // a step across one of this element's kinks (mae at t, huber at t ± δ) is not judged
  const kinkAt = (_b: number, i: number, low: number, high: number) =>
    straddles(low, high, loss.kinks(targets.data[i]));
  return checkBuffers(
    [{ kind: 'prediction', values: p, analytic: dP, shape: [rows, cols] }],
    evaluate,
    value,
    scale,
    settings,
    new Random(settings.seed),
    'loss',
    loss.name,
    undefined,
    kinkAt,
  );
}

/**
 * One layer alone, on its own input (from the network's forward at the base point): the scalar
 * Σ R ⊙ out (or Σ R ⊙ z when the loss takes this layer's logits) against backward(R).
 */
export function checkLayerAlone(
  layer: Layer,
  index: number,
  input: Matrix,
  fromLogits: boolean,
  settings: CheckSettings,
): ComponentFailure[] {
  const random = new Random(settings.seed + 7919 * (index + 1));
  const rows = input.rows;
  const x: Matrix = { rows, cols: input.cols, data: Float64Array.from(input.data) };
  // R[rows×outputSize]: a random direction, so no output is weighted by zero
  const R: Matrix = { rows, cols: layer.outputSize, data: new Float64Array(rows * layer.outputSize) };
  for (let i = 0; i < R.data.length; i++) R.data[i] = random.normal();
  // with fromLogits the layer is the network's last and exposes its pre-activations (Network checks)
  const preActivation = () => {
    const z = layer.preActivation?.();
    if (!z)
      throw new Error(`layer ${index} (${layer.type}) feeds a loss from logits but has no preActivation()`);
    return z;
  };
  const output = (): FloatArray => {
    const out = layer.forward(x);
    return fromLogits ? preActivation().data : out.data;
  };
  const base = output();
  let scale = 0,
    value = 0;
  for (let i = 0; i < base.length; i++) {
    scale += Math.abs(R.data[i] * base[i]);
    value += R.data[i] * base[i];
  }
  const watch = new KinkWatch([layer], null, null, () => new Float64Array(0), index);
  watch.capture();
  const dInput =
    fromLogits && layer.backwardFromPreActivation
      ? layer.backwardFromPreActivation(R, true)
      : layer.backward(R, true);
  const buffers: Buffer[] = layer.parameters.map((p) => ({
    kind: p.name,
    // the layer reads p.value: check on it directly (restored exactly after each step)
    values: p.value as Float64Array,
    analytic: Float64Array.from(p.grad),
    shape: p.shape,
  }));
  if (dInput)
    buffers.push({
      kind: 'input',
      values: x.data as Float64Array,
      analytic: Float64Array.from(dInput.data),
      shape: [rows, input.cols],
    });
  const evaluate = (out: Float64Array, watchKinks: boolean) => {
    const o = output();
    let sum = 0;
    for (let i = 0; i < o.length; i++) sum += R.data[i] * o[i];
    out[0] = sum;
    return watchKinks && watch.active && watch.crossed();
  };
  const failures = checkBuffers(
    buffers,
    evaluate,
    value,
    scale,
    settings,
    random,
    'layer',
    layer.type,
    index,
  );
  watch.settle(false);
  return failures;
}
