// Model files: schema, serialization and validation (no file access here; see src/cli/files.ts).
export {
  MODEL_FORMAT,
  MODEL_VERSION,
  modelSchema,
  serializeModel,
  parseModel,
  modelNetwork,
  networkModel,
  type ModelFile,
  type NetworkModelOptions,
} from './model.js';
