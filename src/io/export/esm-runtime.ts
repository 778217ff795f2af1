// The code of the standalone ES module (esm.ts writes each function's source text into the module):
// records → encoded inputs → standardization → dense layers → outputs in original units or labels,
// the same operations in the same order as applyEncoding, Network.predict and decodeOutputs, so the
// module predicts bit for bit what `scratchnet predict` writes (float64): tanh, sigmoid, elu, softplus
// and gelu by the vm* functions, a scalar transcription of kernels/wasm/vmath.ts's approximations.
// Every function here must stand alone: no imports, no module-level names but each other's (and those
// of src/data/dates.ts, whose date reader the module embeds as well, and of src/data/cells.ts's
// numberText, the number grammar training read the cells with).

import type { DecimalMark, ThousandsSeparator } from '../../data/cells.js';
import { numberText } from '../../data/cells.js';
import { dateForms, dateYears, type DateForms, type DateOrder } from '../../data/dates.js';

/** The model data the module embeds. */
export interface StandaloneModel {
  features: (
    | { name: string; type: 'number' | 'boolean'; fill?: number }
    | { name: string; type: 'date'; fill?: number; order?: DateOrder }
    | { name: string; type: 'category'; categories: string[]; fill?: string }
  )[];
  target: { columns: string[]; task: 'regression' | 'binary' | 'multiclass'; classes?: string[] };
  missing: 'error' | 'drop' | 'mean';
  /** the missing-value markers: the library's and the model's --na-values */
  markers: string[];
  /** how text cells write numbers: as the training file did (its decimal mark, --thousands) */
  numbers: { decimal: DecimalMark; thousands?: ThousandsSeparator };
  dtype: 'float64' | 'float32';
  scaling: { inputMean: number[]; inputStd: number[]; targetMean?: number[]; targetStd?: number[] } | null;
  layers: {
    inputSize: number;
    outputSize: number;
    activation: string;
    alpha: number;
    weight: number[];
    bias: number[];
  }[];
}

type Cell = string | number | boolean | null | undefined;
type Values = Float64Array | Float32Array;

export function isMissingCell(model: StandaloneModel, cell: Cell): boolean {
  if (cell === null || cell === undefined) return true;
  if (typeof cell === 'number') return Number.isNaN(cell);
  if (typeof cell === 'boolean') return false;
  return model.markers.includes(String(cell).trim());
}

/**
 * A cell as the model's column type reads it (NaN when it cannot), as src/data/encoding.ts: numbers by
 * cells.ts's grammar in the training file's format (not JavaScript's Number: 0x10, 1,5), dates by
 * dates.ts's reader, in the order the training column proved (`order`, for 03/04/2021).
 */
export function cellValue(
  type: string,
  cell: Cell,
  order: DateOrder | undefined,
  dates: DateForms,
  numbers: StandaloneModel['numbers'],
): number {
  if (type === 'number') {
    if (typeof cell === 'number') return cell;
    if (typeof cell !== 'string') return Number.NaN;
    const v = numberText(cell, numbers.decimal, numbers.thousands);
    return v !== null && Number.isFinite(v) ? v : Number.NaN;
  }
  if (type === 'boolean') {
    if (typeof cell === 'boolean') return cell ? 1 : 0;
    const s = String(cell).trim().toLowerCase();
    return s === 'true' ? 1 : s === 'false' ? 0 : Number.NaN;
  }
  // a JavaScript Date is read as its ISO text (UTC), as a CSV file would hold it
  const text: unknown = (cell as unknown) instanceof Date ? (cell as unknown as Date).toISOString() : cell;
  const years = typeof text === 'string' ? dateYears(text.trim(), order, dates) : null;
  return typeof years === 'number' ? years : Number.NaN;
}

/** One record → the network's inputs (one-hot categories), or null to leave the row out ('drop'). */
export function encodeRecord(
  model: StandaloneModel,
  record: Record<string, Cell>,
  row: number,
  dates: DateForms,
): number[] | null {
  const x: number[] = [];
  for (const f of model.features) {
    let cell = record[f.name];
    const missing = isMissingCell(model, cell);
    if (missing && model.missing === 'drop') return null;
    if (missing && (model.missing === 'error' || f.fill === undefined))
      throw new Error(`row ${row + 1}: column ${JSON.stringify(f.name)} is missing`);
    if (missing) cell = f.fill;
    if (f.type === 'category') {
      const label = typeof cell === 'string' ? cell.trim() : String(cell);
      const i = f.categories.indexOf(label);
      if (i < 0)
        throw new Error(
          `row ${row + 1}: ${JSON.stringify(label)} in column ${JSON.stringify(f.name)} is a category the model never saw; known: ${f.categories.join(', ')}`,
        );
      for (let k = 0; k < f.categories.length; k++) x.push(k === i ? 1 : 0);
      continue;
    }
    const order = f.type === 'date' ? f.order : undefined;
    const v =
      typeof cell === 'number' && missing ? cell : cellValue(f.type, cell, order, dates, model.numbers);
    if (!Number.isFinite(v))
      throw new Error(
        `row ${row + 1}: ${JSON.stringify(record[f.name])} in column ${JSON.stringify(f.name)} is not a ${f.type}`,
      );
    x.push(v);
  }
  return x;
}

/** The constants of kernels/wasm/vmath.ts's float64 approximations (the same values). */
export interface VMath {
  shifter: number;
  invLn2: number;
  ln2hi: number;
  ln2lo: number;
  expm1Series: number[];
  atanhSeries: number[];
  /** 8 bytes of scratch for vmPow2 */
  view: DataView;
}

/**
 * The float64 constants of kernels/wasm/vmath.ts: 1/2!…1/13! (expm1) and 1/3, 1/5…1/23 (atanh),
 * computed as there; fdlibm's split of ln 2; 1.5·2⁵² (adding it rounds to an integer).
 */
export function vmathConstants(): VMath {
  const expm1Series: number[] = [];
  for (let i = 0; i < 12; i++) {
    let f = 1;
    for (let j = 2; j <= i + 2; j++) f *= j;
    expm1Series.push(1 / f);
  }
  const atanhSeries = Array.from({ length: 11 }, (_, i) => 1 / (2 * i + 3));
  return {
    shifter: 6755399441055744,
    invLn2: 1 / Math.LN2,
    ln2hi: 0.6931471803691238,
    ln2lo: 1.9082149292705877e-10,
    expm1Series,
    atanhSeries,
    view: new DataView(new ArrayBuffer(8)),
  };
}

/** c₀ + c₁x + c₂x² + … by Estrin's scheme, pairs and powers in the order of vmath.ts's series. */
export function vmSeries(x: number, coefficients: readonly number[]): number {
  let terms = coefficients.slice();
  let power = x;
  while (terms.length > 1) {
    const next: number[] = [];
    for (let j = 0; j < terms.length; j += 2)
      next.push(j + 1 === terms.length ? terms[j] : terms[j] + terms[j + 1] * power);
    terms = next;
    if (terms.length > 1) power = power * power;
  }
  return terms[0];
}

/** 2^k for an integer-valued k, as vmath.ts's powerOfTwo: the low bits of k + 1.5·2⁵² shifted into the exponent field. */
export function vmPow2(m: VMath, k: number): number {
  const v = m.view;
  v.setFloat64(0, k + m.shifter, true);
  const low = v.getUint32(0, true);
  v.setUint32(4, ((low << 20) + (1023 << 20)) >>> 0, true);
  v.setUint32(0, 0, true);
  return v.getFloat64(0, true);
}

/** [k, expm1(r)] of the reduction y = k·ln2 + r (y ≤ 0, clamped), as vmath.ts's reduce. */
export function vmReduce(m: VMath, y: number): [number, number] {
  const k = y * m.invLn2 + m.shifter - m.shifter;
  const r = y - k * m.ln2hi - k * m.ln2lo;
  return [k, r + r * r * vmSeries(r, m.expm1Series)];
}

/** |t| with the sign of y (v128.bitselect with the mask −0), for y not NaN. */
export function vmCopySign(t: number, y: number): number {
  const magnitude = Math.abs(t);
  return y < 0 || Object.is(y, -0) ? -magnitude : magnitude;
}

/** expm1(y) for y ≤ 0 or NaN: 2^k·expm1(r) + (2^k − 1), with the sign of y. */
export function vmExpm1(m: VMath, y: number): number {
  const [k, pm1] = vmReduce(m, y < -40 ? -40 : y);
  const s = vmPow2(m, k);
  return vmCopySign(s * pm1 + (s - 1), y);
}

/** exp(y) for y ≤ 0 or NaN: (1 + expm1(r))·2^k₁·2^k₂, k₁ = trunc(k/2). */
export function vmExp(m: VMath, y: number): number {
  const [k, pm1] = vmReduce(m, y < -746 ? -746 : y);
  const k1 = Math.trunc(k * 0.5);
  return (pm1 + 1) * vmPow2(m, k1) * vmPow2(m, k - k1);
}

/** log1p(v) for v ∈ [0, 1] or NaN: k·ln2 + 2·atanh(s) + c, as vmath.ts's log1p. */
export function vmLog1p(m: VMath, v: number): number {
  const w = v + 1;
  const big = w > Math.SQRT2;
  const f0 = w - 1;
  const x = big ? (v - 1) * 0.5 : f0;
  const s = x / (x + 2);
  const s2 = s * s;
  const twoS = s + s;
  const c = big ? 0 : (v - f0) / w;
  return (big ? Math.LN2 : 0) + (twoS + twoS * s2 * vmSeries(s2, m.atanhSeries) + c);
}

/** f(v) for the activations the WebAssembly kernels approximate, as wasm/activations.ts's forwardValue. */
export function vmActivation(m: VMath, name: string, alpha: number, v: number): number {
  const tanh = (x: number) => {
    const u = vmExpm1(m, Math.abs(x) * -2);
    return vmCopySign(-u / (u + 2), x);
  };
  if (name === 'tanh') return tanh(v);
  if (name === 'sigmoid') {
    const e = vmExp(m, -Math.abs(v));
    const d = e + 1;
    return v < 0 ? e / d : 1 / d;
  }
  if (name === 'elu') return v > 0 ? v : alpha * vmExpm1(m, 0 < v ? 0 : v);
  if (name === 'softplus') return (v < 0 ? 0 : v) + vmLog1p(m, vmExp(m, -Math.abs(v)));
  return 0.5 * v * (1 + tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
}

/**
 * a = f(z) over n values, the formulas of src/nn/activations.ts (softmax over rows of `cols`);
 * float64 tanh, sigmoid, elu, softplus and gelu as the WebAssembly kernels (vmActivation). A float32
 * network keeps Math.*: its kernels run float32 lanes and sum its products in another order than
 * forward's loops, so the module agrees with predict within 1e-4 only, whatever the activation.
 */
export function activate(name: string, alpha: number, a: Values, z: Values, n: number, cols: number): void {
  const gc = Math.sqrt(2 / Math.PI);
  const approximated = ['tanh', 'sigmoid', 'elu', 'softplus', 'gelu'].includes(name);
  const m = a instanceof Float64Array && approximated ? vmathConstants() : null;
  for (let i = 0; i < n && name !== 'softmax'; i++) {
    const v = z[i];
    if (m) a[i] = vmActivation(m, name, alpha, v);
    else if (name === 'linear') a[i] = v;
    else if (name === 'relu') a[i] = v > 0 ? v : 0;
    else if (name === 'leakyRelu') a[i] = v > 0 ? v : alpha * v;
    else if (name === 'elu') a[i] = v > 0 ? v : alpha * Math.expm1(v);
    else if (name === 'tanh') a[i] = Math.tanh(v);
    else if (name === 'sigmoid') a[i] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    else if (name === 'softplus') a[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    else if (name === 'gelu') a[i] = 0.5 * v * (1 + Math.tanh(gc * (v + 0.044715 * v * v * v)));
    else throw new Error(`unknown activation ${name}`);
  }
  for (let o = 0; o < n && name === 'softmax'; o += cols) {
    let max = -Infinity;
    for (let c = 0; c < cols; c++) if (z[o + c] > max) max = z[o + c];
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += a[o + c] = Math.exp(z[o + c] - max);
    for (let c = 0; c < cols; c++) a[o + c] /= sum;
  }
}

/** The network's outputs [N×O] for encoded inputs [N×I], in original units: Network.predict. */
export function forward(model: StandaloneModel, inputs: number[][]): Values {
  const make = (n: number) => (model.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n));
  const N = inputs.length;
  let I = model.layers[0].inputSize;
  let h = make(N * I);
  for (let r = 0; r < N; r++) for (let c = 0; c < I; c++) h[r * I + c] = inputs[r][c];
  const sc = model.scaling;
  if (sc) for (let i = 0; i < N * I; i++) h[i] = (h[i] - sc.inputMean[i % I]) / sc.inputStd[i % I];
  for (const layer of model.layers) {
    const O = layer.outputSize;
    const w = make(I * O);
    const b = make(O);
    w.set(layer.weight);
    b.set(layer.bias);
    const z = make(N * O);
    for (let n = 0; n < N; n++) {
      // as kernels/matmul.ts denseForward: bias first, then inputs in order, zeros skipped
      if (O === 1 && z instanceof Float64Array) {
        let sum = b[0];
        for (let i = 0; i < I; i++) if (h[n * I + i] !== 0) sum += h[n * I + i] * w[i];
        z[n] = sum;
        continue;
      }
      for (let o = 0; o < O; o++) z[n * O + o] = b[o];
      for (let i = 0; i < I; i++) {
        const x = h[n * I + i];
        if (x === 0) continue;
        for (let o = 0; o < O; o++) z[n * O + o] += x * w[i * O + o];
      }
    }
    const a = layer.activation === 'linear' ? z : make(N * O);
    activate(layer.activation, layer.alpha, a, z, N * O, O);
    h = a;
    I = O;
  }
  if (sc?.targetMean && sc.targetStd) {
    const mean = sc.targetMean;
    const std = sc.targetStd;
    for (let i = 0; i < h.length; i++) h[i] = h[i] * std[i % I] + mean[i % I];
  }
  return h;
}

/** Records → per row the network's outputs (values or probabilities), or null for a left-out row. */
export function outputs(model: StandaloneModel, rows: Record<string, Cell>[]): (number[] | null)[] {
  if (!Array.isArray(rows)) throw new Error('predict takes an array of records ({ column: value })');
  const dates = dateForms();
  const encoded = rows.map((r, i) => encodeRecord(model, r, i, dates));
  const kept = encoded.filter((x): x is number[] => x !== null);
  const out = kept.length > 0 ? forward(model, kept) : new Float64Array(0);
  const O = model.layers[model.layers.length - 1].outputSize;
  let k = 0;
  return encoded.map((x) => (x === null ? null : Array.from(out.subarray(k * O, ++k * O))));
}

/** Predictions: a number (one target), numbers (several), or a class label; null for a left-out row. */
export function predictRows(model: StandaloneModel, rows: Record<string, Cell>[]): unknown[] {
  const t = model.target;
  const classes = t.classes ?? [];
  return outputs(model, rows).map((o) => {
    if (o === null) return null;
    if (t.task === 'regression') return o.length === 1 ? o[0] : o;
    if (t.task === 'binary') return classes[o[0] >= 0.5 ? 1 : 0];
    let best = 0;
    for (let k = 1; k < o.length; k++) if (o[k] > o[best]) best = k;
    return classes[best];
  });
}

/** Class probabilities per row in the order of `classes` (binary: [1 − p, p]); null for a left-out row. */
export function probabilityRows(model: StandaloneModel, rows: Record<string, Cell>[]): (number[] | null)[] {
  if (model.target.task === 'regression') throw new Error('predictProba applies to classification models');
  return outputs(model, rows).map((o) =>
    o === null ? null : model.target.task === 'binary' ? [1 - o[0], o[0]] : o,
  );
}
