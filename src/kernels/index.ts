// Every hot loop scratchnet runs, in one place. Layers and optimizers call these names only, so a
// faster implementation (WebAssembly) can be swapped in behind them and tested against the reference.
//   matmul.ts      the JavaScript reference products (readable; the fallback)
//   optimizers.ts  optimizer updates and reductions over flat buffers: sgdStep, momentumStep, adamStep (with
//                  AdamW's decay), dot; `allocate` makes buffers inside the WebAssembly memory, on
//                  which they run as SIMD128 (elsewhere they run the JavaScript loop)
//   reduce.ts      weightedPairSum: two chunk gradients summed in one pass (train/parallel.ts)
//   backend.ts     which of the two runs: setKernelBackend('wasm' | 'js'), kernelBackend()
//   dense.ts       the DenseKernels interface of a dense layer and its JavaScript reference;
//                  dense-wasm.ts its WebAssembly implementation (nn/dense.ts calls these);
//                  dense-pair-wasm.ts a whole [1, H, 1] network's passes (nn/dense-pair.ts calls it)
//   names.ts       the registry of WebAssembly kernel names, shared by the generators and callers
//   recent-sizes.ts  the buffers of the two most recent batch sizes (RecentSizes)
//   resident.ts    long-lived buffers in the WebAssembly memory (a network's parameters and
//                  gradients, optimizer moments), freed by release() or when their owners are collected
//   wasm/          the SIMD128 kernels: encoder.ts (a small binary encoder), emit.ts (the
//                  generators' per-precision vocabulary), generate.ts (the kernel generators: gemm_nn, gemm_nt, act_backward, column_sums, dot, sgd_step,
//                  adam_step, each in f32 and f64), fused.ts (one-sweep forward and backward
//                  passes of layers with one input or one output), pair.ts (of [1, H, 1] networks), vmath.ts and activations.ts
//                  (exp, expm1, log1p, tanh on vectors; act_forward for tanh, sigmoid, elu,
//                  softplus, gelu), steps.ts (momentum_step, nesterov_step), runtime.ts (module,
//                  memory, allocator)
// Dense layers use the WebAssembly kernels when they are compiled (`await wasmReady` in browsers),
// with float64 results bit-identical to the JavaScript path for products and relu, leakyRelu,
// linear, and within a few ulps for the approximated activations (README: Kernels and bit-identity).
export type { FloatArray } from './matmul.js';
export { matmul, matmulTransA, matmulTransB, columnSums, denseForward, denseBackward } from './matmul.js';
export { sgdStep, momentumStep, adamStep, dot, allocate, type AdamStepOptions } from './optimizers.js';
export { weightedPairSum } from './reduce.js';
export {
  type ActivationLoops,
  type DenseKernels,
  type DenseSpec,
  ReferenceDenseKernels,
} from './dense.js';
export { type GradientTarget, WasmDenseKernels, wasmDenseKernels } from './dense-wasm.js';
export { WasmDensePair, type PairParameters } from './dense-pair-wasm.js';
export { isEpilogue } from './names.js';
export { RecentSizes } from './recent-sizes.js';
export { ResidentBlock, residentBlock, residentCopy, isResident } from './resident.js';
export { kernelNames } from './names.js';
export { setKernelBackend, kernelBackend, type KernelBackend } from './backend.js';
export {
  wasmReady,
  wasmRuntime,
  wasmFailure,
  WasmRuntime,
  sharedKernels,
  joinKernels,
  type KernelExports,
  type SharedKernels,
} from './wasm/runtime.js';
/** whether the float32 products use relaxed SIMD's multiply-add (README: Kernels and bit-identity) */
export { relaxedSimdSupported } from './wasm/generate.js';
