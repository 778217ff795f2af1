// The scratchnet/interop entry: export of a model file's whole predictor to ONNX, TensorFlow.js
// Layers and a standalone ES module (each with a self-check), and import of ONNX, TensorFlow.js and
// Keras dense models. Its own entry, apart from scratchnet/io, so that only code that converts loads
// the protobuf library (about 0.2 s per process).
export { exportOnnx, ONNX_OPSET, ONNX_ML_OPSET, ONNX_IR_VERSION, type OnnxExportOptions } from './onnx.js';
export { checkOnnx, loadOnnxRuntime, type OnnxRuntime } from './onnx-check.js';
export { sampleRecords, type DataRecord, type ExportCheck } from './check.js';
export { exportEsm, checkEsm } from './esm.js';
export { exportTfjs, inputNames, type TfjsArtifacts, type TfjsModelJson } from './tfjs.js';
export { checkTfjs, loadTfjs } from './tfjs-check.js';
export { importOnnx, type OnnxImport } from './onnx-import.js';
export type { ImportOptions } from './import-network.js';
export { importTfjs, importKeras } from './tfjs-import.js';
