// Every hot loop scratchnet runs, in one place. Layers and optimizers call these names only, so a
// faster implementation (WebAssembly) can be swapped in behind them and tested against the reference.
//   matmul.ts      the JavaScript reference products (readable; the fallback)
//   optimizers.ts  optimizer updates and reductions over flat buffers (JavaScript or WebAssembly)
//   backend.ts     which of the two runs
//   wasm/          the SIMD128 kernels: a small encoder, the kernel generators, the runtime
export type { FloatArray } from './matmul.js';
export { matmul, matmulTransA, matmulTransB, columnSums, denseForward, denseBackward } from './matmul.js';
export { sgdStep, adamStep, dot, allocate, type AdamStepOptions } from './optimizers.js';
export { setKernelBackend, kernelBackend, type KernelBackend } from './backend.js';
export { wasmReady, wasmRuntime, wasmFailure, WasmRuntime, type KernelExports } from './wasm/runtime.js';
