// Loads an exported TensorFlow.js Layers model in @tensorflow/tfjs (an optional package: when it is not
// installed, the check says so) and compares its outputs with `scratchnet predict` on sample records.

import type { ModelFile } from '../model.js';
import {
  compareOutputs,
  notChecked,
  referencePredictions,
  type DataRecord,
  type ExportCheck,
} from './check.js';
import type { TfjsArtifacts } from './tfjs.js';

/** The parts of TensorFlow.js used here. */
export interface Tfjs {
  version: { tfjs?: string; 'tfjs-core'?: string } | string;
  io: { fromMemory(artifacts: unknown): unknown };
  loadLayersModel(handler: unknown): Promise<{ predict(x: unknown): { dataSync(): Float32Array } }>;
  tensor2d(values: Float32Array, shape: [number, number]): unknown;
  enableProdMode?(): void;
}

/** @tensorflow/tfjs when installed, else null; in production mode (no "install tfjs-node" banner). */
export async function loadTfjs(): Promise<Tfjs | null> {
  try {
    const mod = (await import('@tensorflow/tfjs')) as unknown as { default?: Tfjs } & Tfjs;
    const tf = typeof mod.loadLayersModel === 'function' ? mod : (mod.default ?? null);
    tf?.enableProdMode?.();
    return tf;
  } catch {
    return null;
  }
}

/** The model loaded by tf.loadLayersModel from memory (no files). */
export function loadArtifacts(tf: Tfjs, artifacts: TfjsArtifacts) {
  const { modelTopology, weightsManifest } = artifacts.modelJson;
  const w = artifacts.weights;
  const weightData = w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength);
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology, weightSpecs: weightsManifest.flatMap((g) => g.weights), weightData }),
  );
}

/** Runs the tfjs model on the encoded records and compares with `scratchnet predict`. */
export async function checkTfjs(
  artifacts: TfjsArtifacts,
  model: ModelFile,
  records: readonly DataRecord[],
  options: { tolerance?: number; tf?: Tfjs } = {},
): Promise<ExportCheck> {
  const tolerance = options.tolerance ?? 1e-4;
  const tf = options.tf ?? (await loadTfjs());
  if (!tf) return notChecked(records.length, tolerance, '@tensorflow/tfjs is not installed');
  const ref = referencePredictions(model, records);
  const loaded = await loadArtifacts(tf, artifacts);
  const out = loaded.predict(tf.tensor2d(Float32Array.from(ref.x.data), [ref.x.rows, ref.x.cols])).dataSync();
  const classify = model.encoding.target.task !== 'regression';
  const values =
    classify && model.encoding.target.task === 'binary' ? Array.from(out).flatMap((p) => [1 - p, p]) : out;
  const version = typeof tf.version === 'string' ? tf.version : (tf.version.tfjs ?? tf.version['tfjs-core']);
  return compareOutputs(ref, values, null, `@tensorflow/tfjs ${version ?? ''}`.trim(), tolerance);
}
