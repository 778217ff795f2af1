// Runs an exported ONNX predictor in onnxruntime-node (an optional package: when it is not installed,
// the check says so instead of failing) and compares it with `scratchnet predict` on sample records.

import type { ModelFile } from '../model.js';
import {
  cellOf,
  compareOutputs,
  expectedValues,
  largestDifference,
  isMissing,
  notChecked,
  referencePredictions,
  type DataRecord,
  type ExportCheck,
  type Reference,
} from './check.js';

/** The parts of onnxruntime's API used here (onnxruntime-node and onnxruntime-web share it). */
export interface OnnxRuntime {
  InferenceSession: {
    create(
      model: Uint8Array,
      options?: { graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all' },
    ): Promise<OnnxSession>;
  };
  Tensor: new (
    type: 'float32' | 'float64' | 'string',
    data: Float32Array | Float64Array | string[],
    dims: number[],
  ) => Tensor;
  env: { versions?: Record<string, string> };
}
interface Tensor {
  readonly data: unknown;
  readonly dims: readonly number[];
}
interface OnnxSession {
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
}

/** onnxruntime-node when installed, else null. */
export async function loadOnnxRuntime(): Promise<OnnxRuntime | null> {
  try {
    const mod = (await import('onnxruntime-node')) as unknown as { default?: OnnxRuntime } & OnnxRuntime;
    return mod.default ?? mod;
  } catch {
    return null;
  }
}

/**
 * The graph's inputs for records: numbers as the model encodes them (NaN where a cell is missing,
 * which the graph fills), category cells as strings (the missing spelling as given).
 */
export function onnxFeeds(
  ort: OnnxRuntime,
  model: ModelFile,
  ref: Reference,
  dtype: 'float32' | 'float64',
): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  const N = ref.records.length;
  let c = 0;
  for (const f of model.encoding.features) {
    const cells = ref.records.map((r) => cellOf(r, f.name));
    if (f.type === 'category') {
      const labels = cells.map((cell, r) => {
        if (isMissing(cell, model.encoding.naValues)) return cell === null ? '' : String(cell);
        const row = ref.x.data.subarray(r * ref.x.cols + c, r * ref.x.cols + c + f.categories.length);
        return f.categories[row.indexOf(1)];
      });
      feeds[f.name] = new ort.Tensor('string', labels, [N, 1]);
      c += f.categories.length;
      continue;
    }
    const values = dtype === 'float32' ? new Float32Array(N) : new Float64Array(N);
    for (let r = 0; r < N; r++)
      values[r] = isMissing(cells[r], model.encoding.naValues) ? Number.NaN : ref.x.data[r * ref.x.cols + c];
    feeds[f.name] = new ort.Tensor(dtype, values, [N, 1]);
    c++;
  }
  return feeds;
}

/** Runs `bytes` on records in onnxruntime and compares with `scratchnet predict`. */
export async function checkOnnx(
  bytes: Uint8Array,
  model: ModelFile,
  records: readonly DataRecord[],
  options: { tolerance?: number; dtype?: 'float32' | 'float64'; runtime?: OnnxRuntime } = {},
): Promise<ExportCheck> {
  const dtype = options.dtype ?? model.network.dtype;
  const tolerance = options.tolerance ?? (dtype === 'float32' ? 1e-4 : 1e-9);
  const ort = options.runtime ?? (await loadOnnxRuntime());
  if (!ort) return notChecked(records.length, tolerance, 'onnxruntime-node is not installed');
  const ref = referencePredictions(model, records);
  const feeds = onnxFeeds(ort, model, ref, dtype);
  const classify = model.encoding.target.task !== 'regression';
  const run = async (graphOptimizationLevel: 'basic' | 'all') => {
    const out = await (await ort.InferenceSession.create(bytes, { graphOptimizationLevel })).run(feeds);
    const values = (classify ? out.probabilities : out.value).data as Float32Array | Float64Array;
    return { values, labels: classify ? (out.label.data as string[]) : null };
  };
  // the graph as written ('basic': constant folding and no-op removal only) is what the check judges;
  // onnxruntime's default ('all') also fuses MatMul + Add + activation into kernels whose float64
  // results differ from the exact ones by up to ~1e-7 (measured), which the check reports beside it
  const exact = await run('basic');
  const version = ort.env.versions?.node ?? ort.env.versions?.common ?? '';
  const check = compareOutputs(
    ref,
    exact.values,
    exact.labels,
    `onnxruntime-node ${version}`.trim(),
    tolerance,
  );
  const fused = await run('all');
  return { ...check, defaultDifference: largestDifference(fused.values, expectedValues(ref)) };
}
