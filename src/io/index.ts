// Model files: schema, serialization and validation (no file access here; see src/cli/files.ts).
export {
  MODEL_FORMAT,
  MODEL_VERSION,
  modelSchema,
  serializeModel,
  parseModel,
  modelNetwork,
  type ModelFile,
} from './model.js';
// Export and import: ONNX, TensorFlow.js Layers / Keras, a standalone ES module (src/io/export/).
export { exportOnnx, type OnnxExportOptions } from './export/onnx.js';
export { checkOnnx, loadOnnxRuntime, type OnnxRuntime } from './export/onnx-check.js';
export { sampleRecords, type DataRecord, type ExportCheck } from './export/check.js';
export { exportEsm, checkEsm } from './export/esm.js';
export { exportTfjs, inputNames, type TfjsArtifacts, type TfjsModelJson } from './export/tfjs.js';
export { checkTfjs, loadTfjs } from './export/tfjs-check.js';
export { importOnnx, type OnnxImport } from './export/onnx-import.js';
export type { ImportOptions } from './export/import-network.js';
export { importTfjs, importKeras } from './export/tfjs-import.js';
