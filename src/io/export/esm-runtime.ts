// The code of the standalone ES module (esm.ts writes each function's source text into the module):
// records → encoded inputs → standardization → dense layers → outputs in original units or labels,
// the same operations in the same order as applyEncoding, Network.predict and decodeOutputs, so the
// module predicts bit for bit what `scratchnet predict` writes (float64).
// Every function here must stand alone: no imports, no module-level names but each other's.

/** The model data the module embeds. */
export interface StandaloneModel {
  features: (
    | { name: string; type: 'number' | 'boolean' | 'date'; fill?: number }
    | { name: string; type: 'category'; categories: string[]; fill?: string }
  )[];
  target: { columns: string[]; task: 'regression' | 'binary' | 'multiclass'; classes?: string[] };
  missing: 'error' | 'drop' | 'mean';
  markers: string[];
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

/** A cell as the model's column type reads it (NaN when it cannot), as src/data/encoding.ts. */
export function cellValue(type: string, cell: Cell): number {
  if (type === 'number') {
    if (typeof cell === 'number') return cell;
    if (typeof cell === 'boolean') return Number.NaN;
    const s = (cell ?? '').trim();
    return s === '' ? Number.NaN : Number(s);
  }
  if (type === 'boolean') {
    if (typeof cell === 'boolean') return cell ? 1 : 0;
    const s = String(cell).trim().toLowerCase();
    return s === 'true' ? 1 : s === 'false' ? 0 : Number.NaN;
  }
  const dateRe = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
  if (typeof cell !== 'string' || !dateRe.test(cell.trim())) return Number.NaN;
  const t = Date.parse(cell.trim());
  if (!Number.isFinite(t)) return Number.NaN;
  const year = new Date(t).getUTCFullYear();
  const start = Date.UTC(year, 0, 1);
  return year + (t - start) / (Date.UTC(year + 1, 0, 1) - start);
}

/** One record → the network's inputs (one-hot categories), or null to leave the row out ('drop'). */
export function encodeRecord(
  model: StandaloneModel,
  record: Record<string, Cell>,
  row: number,
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
    const v = typeof cell === 'number' && missing ? cell : cellValue(f.type, cell);
    if (!Number.isFinite(v))
      throw new Error(
        `row ${row + 1}: ${JSON.stringify(record[f.name])} in column ${JSON.stringify(f.name)} is not a ${f.type}`,
      );
    x.push(v);
  }
  return x;
}

/** a = f(z) over n values, the formulas of src/nn/activations.ts (softmax over rows of `cols`). */
export function activate(name: string, alpha: number, a: Values, z: Values, n: number, cols: number): void {
  const gc = Math.sqrt(2 / Math.PI);
  for (let i = 0; i < n && name !== 'softmax'; i++) {
    const v = z[i];
    if (name === 'linear') a[i] = v;
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
  const encoded = rows.map((r, i) => encodeRecord(model, r, i));
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
