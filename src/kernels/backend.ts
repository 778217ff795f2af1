// Which implementation the layers and optimizers use: the WebAssembly SIMD128 kernels when they are
// available (the default), or the JavaScript reference kernels. Switching is for comparing the two
// (tests, benchmarks); results agree to rounding.

import { OptionError, shown } from '../errors.js';
import { wasmRuntime, type WasmRuntime } from './wasm/runtime.js';

export type KernelBackend = 'wasm' | 'js';

let preferred: KernelBackend = 'wasm';

/** Chooses the kernels used from the next forward pass or optimizer step on. */
export function setKernelBackend(backend: KernelBackend): void {
  if (backend !== 'wasm' && backend !== 'js') {
    throw new OptionError(`kernel backend must be 'wasm' or 'js', got ${shown(backend)}`, 'backend');
  }
  preferred = backend;
}

/** The kernels in use now: 'wasm' only when preferred and compiled. */
export function kernelBackend(): KernelBackend {
  return preferred === 'wasm' && wasmRuntime() ? 'wasm' : 'js';
}

/** The WebAssembly runtime when it is the backend in use, else null. */
export function activeRuntime(): WasmRuntime | null {
  return preferred === 'wasm' ? wasmRuntime() : null;
}
