// scratchnet's public API: re-exports only.
export { ScratchnetError, ShapeError, DataError, OptionError, DivergenceError } from './errors.js';
export { Random } from './random.js';
export {
  toMatrix,
  zeros,
  toArrays,
  at,
  isMatrix,
  type Matrix,
  type MatrixLike,
  type DType,
  type FloatArray,
} from './matrix.js';
export * as kernels from './kernels/index.js';
// also by name: a bundler keeps every kernel export for a namespace object (the playground's worker)
export { kernelBackend, wasmFailure, wasmReady } from './kernels/index.js';
export {
  getActivation,
  activationNames,
  linear,
  relu,
  leakyRelu,
  elu,
  tanh,
  sigmoid,
  softplus,
  gelu,
  softmax,
  type Activation,
  type ActivationName,
  type ActivationSpec,
} from './nn/activations.js';
export {
  getLoss,
  lossNames,
  mse,
  mae,
  huber,
  binaryCrossEntropy,
  softmaxCrossEntropy,
  type Loss,
  type LossName,
  type LossSpec,
} from './nn/losses.js';
export {
  initializers,
  initializerNames,
  getInitializer,
  defaultInitializer,
  type Initializer,
  type InitializerName,
} from './nn/initializers.js';
export { l2, l1, type Regularizer } from './nn/regularizers.js';
export type { Layer, Parameter } from './nn/layer.js';
export { Dense, type DenseOptions } from './nn/dense.js';
export {
  Network,
  NETWORK_LIMITS,
  NetworkSizeError,
  NetworkDisposedError,
  checkNetworkSize,
  type NetworkOptions,
  type NetworkJSON,
  type LossTerms,
  type Terms,
  type ParameterRef,
} from './nn/network.js';
export * from './optim/index.js';
export * from './train/index.js';
export * from './check/index.js';
export * from './data/index.js';
// Model files (src/io) validate with zod, a runtime dependency: they live at 'scratchnet/io' so that
// this entry stays dependency-free and loads in a browser as it is.
export * from './plot/index.js';
export { importanceChart, waterfallChart, dependenceChart } from './plot/explain-specs.js';
