// Every hot loop scratchnet runs, in one place. Layers and optimizers call these names only, so a
// faster implementation (WebAssembly) can be swapped in behind them and tested against the reference.
export type { FloatArray } from './matmul.js';
export { matmul, matmulTransA, matmulTransB, columnSums, denseForward, denseBackward } from './matmul.js';
