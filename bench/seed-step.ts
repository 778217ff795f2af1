// The seed step alone (workload W1 of `npm run bench`), for quick measurements while tuning the
// kernels: `npm run build && node dist/bench/seed-step.js [--cpu]` prints µs per step, f64 and f32,
// on the WebAssembly and the JavaScript kernels.

import { kernels } from '../src/index.js';
import { useCpuClock, clockName } from './measure.js';
import { seedStep } from './ours.js';

if (process.argv.includes('--cpu')) useCpuClock();
await kernels.wasmReady;

for (const backend of ['wasm', 'js'] as const) {
  kernels.setKernelBackend(backend);
  for (const dtype of ['float64', 'float32'] as const) {
    console.log(`seed step ${backend} ${dtype}: ${seedStep(dtype).toFixed(1)} µs (${clockName} clock)`);
  }
}
