// The seed step alone (workload W1 of `npm run bench`), for quick measurements while tuning the
// kernels: `npm run build && node dist/bench/seed-step.js [--cpu] [--tabular]` prints µs per step,
// f64 and f32, on the WebAssembly and the JavaScript kernels (--help lists the flags); with
// --tabular also the tabular-default workload's seconds (f64, f32; WebAssembly), to check a change
// for regressions.
// The peers' figures (numpy, TensorFlow.js) come from the whole `npm run bench`.

import { kernels } from '../src/index.js';
import { useCpuClock, clockName } from './measure.js';
import { seedStep, tabularDefault } from './ours.js';

if (process.argv.includes('--help')) {
  console.log(
    [
      'usage: node dist/bench/seed-step.js [--cpu] [--tabular]',
      "  --cpu      time by the process's CPU time (default: wall clock)",
      '  --tabular  also the tabular-default workload (default: off; several seconds)',
      'Prints µs per seed step (201 rows, [1, 64, 1] leaky ReLU, MSE, full-batch SGD), f64 and f32,',
      'on the WebAssembly kernels (a [1, H, 1] network: the fused passes) and the JavaScript ones.',
    ].join('\n'),
  );
  process.exit(0);
}
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
