// The seed step alone (workload W1 of `npm run bench`), for quick measurements while tuning the
// kernels: `npm run build && node dist/bench/seed-step.js [--cpu]` prints µs per step, f64 and f32,
// on the WebAssembly and the JavaScript kernels.

import { Network, SGD, kernels, toMatrix } from '../src/index.js';
import { medianSeconds, useCpuClock, clockName } from './measure.js';
import { seedData } from './ours.js';

if (process.argv.includes('--cpu')) useCpuClock();
await kernels.wasmReady;

function seedStep(dtype: 'float64' | 'float32'): number {
  const { x, y } = seedData();
  const X = toMatrix(x, 'x', 1, dtype);
  const Y = toMatrix(y, 'y', 1, dtype);
  const net = new Network({ layers: [1, 64, 1], activation: 'leakyRelu', output: 'linear', seed: 3, dtype });
  const sgd = new SGD({ learningRate: 1e-3 });
  return medianSeconds(() => {
    net.computeGradient(X, Y);
    sgd.step(net.params, net.grads);
  }) * 1e6;
}

for (const backend of ['wasm', 'js'] as const) {
  kernels.setKernelBackend(backend);
  for (const dtype of ['float64', 'float32'] as const) {
    console.log(`seed step ${backend} ${dtype}: ${seedStep(dtype).toFixed(1)} µs (${clockName} clock)`);
  }
}
