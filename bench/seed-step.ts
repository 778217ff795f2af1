// The seed step alone (workload W1 of `npm run bench`), for quick measurements while tuning the
// kernels: `npm run build && node dist/bench/seed-step.js [--cpu] [--tabular]` prints µs per step,
// f64 and f32, on the WebAssembly and the JavaScript kernels; with --tabular also the
// tabular-default workload's seconds (f64, f32; WebAssembly), to check a change for regressions.
// The peers' figures (numpy, TensorFlow.js) come from the whole `npm run bench`.

import { kernels } from '../src/index.js';
import { useCpuClock, clockName } from './measure.js';
import { seedStep, tabularDefault } from './ours.js';

if (process.argv.includes('--cpu')) useCpuClock();
await kernels.wasmReady;

for (const backend of ['wasm', 'js'] as const) {
  kernels.setKernelBackend(backend);
  for (const dtype of ['float64', 'float32'] as const) {
    console.log(`seed step ${backend} ${dtype}: ${seedStep(dtype).toFixed(1)} µs (${clockName} clock)`);
  }
}
kernels.setKernelBackend('wasm');
if (process.argv.includes('--tabular')) {
  for (const dtype of ['float64', 'float32'] as const) {
    console.log(`tabular-default wasm ${dtype}: ${tabularDefault(dtype).toFixed(3)} s (${clockName} clock)`);
  }
}
