// scratchnet's side of `npm run bench`: the same workloads as the peers (see peers.py for the list),
// on the WebAssembly kernels, and on the JavaScript reference kernels for comparison.

import { Network, SGD, Random, fit, kernels, toMatrix, type Matrix } from '../src/index.js';
import { medianOfCalls, medianSeconds, type Figure } from './measure.js';

type Emit = (f: Figure) => void;

/** The seed's data: 201 points of [0, 1] and their squares. */
export function seedData(): { x: number[][]; y: number[][] } {
  const x = Array.from({ length: 201 }, (_, i) => [i / 200]);
  return { x, y: x.map(([v]) => [v * v]) };
}

/** One full-batch gradient-descent step of the seed's [1, 64, 1] leaky-ReLU network, in µs. */
export function seedStep(dtype: 'float64' | 'float32'): number {
  const { x, y } = seedData();
  const X = toMatrix(x, 'x', 1, dtype);
  const Y = toMatrix(y, 'y', 1, dtype);
  const net = new Network({ layers: [1, 64, 1], activation: 'leakyRelu', output: 'linear', seed: 3, dtype });
  const sgd = new SGD({ learningRate: 1e-3 });
  return (
    medianSeconds(() => {
      net.computeGradient(X, Y);
      sgd.step(net.params, net.grads);
    }) * 1e6
  );
}

/** Synthetic MNIST-sized data: 128 rows of 784 pixels in [0, 1), one-hot labels of 10 classes. */
export function mnistBatch(dtype: 'float64' | 'float32'): { x: Matrix; y: Matrix } {
  const random = new Random(0);
  const x = toMatrix(
    Array.from({ length: 128 }, () => Array.from({ length: 784 }, () => random.uniform())),
    'x',
    784,
    dtype,
  );
  const y = toMatrix(
    Array.from({ length: 128 }, () => {
      const k = random.int(10);
      return Array.from({ length: 10 }, (_, c) => (c === k ? 1 : 0));
    }),
    'y',
    10,
    dtype,
  );
  return { x, y };
}

/** One SGD step of 784-128-10 (ReLU, softmax cross-entropy) on a batch of 128, in samples/s. */
function mnistStep(dtype: 'float64' | 'float32'): number {
  const { x, y } = mnistBatch(dtype);
  const net = new Network({
    layers: [784, 128, 10],
    activation: 'relu',
    loss: 'softmaxCrossEntropy',
    seed: 3,
    dtype,
  });
  const sgd = new SGD({ learningRate: 0.01 });
  return (
    128 /
    medianSeconds(() => {
      net.computeGradient(x, y);
      sgd.step(net.params, net.grads);
    })
  );
}

/** 128×784 · 784×128 on the product kernel, operands already in the kernels' memory, in GFLOP/s. */
function matmul(dtype: 'float64' | 'float32'): number {
  const M = 128,
    K = 784,
    O = 128;
  const random = new Random(1);
  const a = kernels.allocate(dtype, M * K);
  const b = kernels.allocate(dtype, K * O);
  const out = kernels.allocate(dtype, M * O);
  for (let i = 0; i < a.length; i++) a[i] = random.uniform();
  for (let i = 0; i < b.length; i++) b[i] = random.uniform();
  const rt = kernels.wasmRuntime();
  if (rt && rt.addressOf(a) >= 0) {
    const gemm = rt.kernels[`gemm_nn_${dtype === 'float32' ? 'f32' : 'f64'}_linear`];
    const [pa, pb, po] = [rt.addressOf(a), rt.addressOf(b), rt.addressOf(out)];
    return (2 * M * K * O) / medianSeconds(() => gemm(po, 0, pa, K, 1, pb, 0, M, K, O, 0)) / 1e9;
  }
  return (2 * M * K * O) / medianSeconds(() => kernels.matmul(out, a, b, M, K, O)) / 1e9;
}

/**
 * Seconds to fit y = x² on the 201 points to MSE < 1e-5 with [1, 64, 1] ReLU (the network
 * scikit-learn's MLPRegressor gets in peers.py), no scaling, stopping as soon as the loss is below.
 */
function fitSquare(optimizer: 'lbfgs' | 'adam'): { seconds: number; epochs: number; mse: number } {
  const { x, y } = seedData();
  let epochs = 0;
  let mse = Infinity;
  const run = () => {
    const net = new Network({ layers: [1, 64, 1], activation: 'relu', output: 'linear', seed: 3 });
    const h = fit(net, x, y, {
      optimizer,
      learningRate: optimizer === 'adam' ? 0.01 : 1,
      epochs: 20000,
      scale: false,
      onEpoch: (_info, loss) => loss >= 1e-5,
    });
    epochs = h.loss.length;
    const p = net.predict(x).data;
    mse = y.reduce((s, [t], i) => s + (p[i] - t) ** 2, 0) / y.length;
  };
  const seconds = medianOfCalls(run, 5);
  return { seconds, epochs, mse };
}

/**
 * The `tabular-default` table: 750 rows of 10 features and one target, the same formula as
 * peers.py's (deterministic, so both sides fit the same numbers).
 */
export function tabularData(): { x: number[][]; y: number[][] } {
  const x = Array.from({ length: 750 }, (_, i) =>
    Array.from({ length: 10 }, (_, j) => (((i * 31 + j * 17) % 101) / 50 - 1) * (1 + j / 10)),
  );
  const y = x.map((r) => [Math.sin(r[0]) + r[1] * r[2] - 0.5 * r[3] + 0.1 * r[4] * r[4]]);
  return { x, y };
}

/**
 * Seconds for the CLI's default network and optimizer on the tabular table: 10-64-64-1 tanh,
 * linear output, MSE, Adam (learning rate 0.001, as scikit-learn's), 1,000 full-batch epochs
 * through `fit`, inputs unscaled (the table is already of unit scale; the peers do not scale either).
 */
export function tabularDefault(dtype: 'float64' | 'float32'): number {
  const { x, y } = tabularData();
  const run = () => {
    const net = new Network({
      layers: [10, 64, 64, 1],
      activation: 'tanh',
      output: 'linear',
      seed: 3,
      dtype,
    });
    fit(net, x, y, { optimizer: 'adam', learningRate: 0.001, epochs: 1000, batchSize: 750, scale: false });
  };
  return medianOfCalls(run, 5, 1);
}

/** The tabular-default rows, float64 and float32, on the WebAssembly kernels. */
function benchTabular(emit: Emit): void {
  for (const [dtype, impl] of [
    ['float64', 'scratchnet-f64'],
    ['float32', 'scratchnet-f32'],
  ] as const) {
    emit({ workload: 'tabular-default', impl, metric: 'seconds', value: tabularDefault(dtype), unit: 's' });
  }
}

export function benchOurs(emit: Emit, notice: (s: string) => void): void {
  const backends: ['wasm' | 'js', string][] =
    kernels.kernelBackend() === 'wasm'
      ? [
          ['wasm', ''],
          ['js', '-js'],
        ]
      : [['js', '-js']];
  if (kernels.kernelBackend() !== 'wasm')
    notice(`WebAssembly kernels unavailable (${kernels.wasmFailure()}): JavaScript kernels only`);
  for (const [backend, suffix] of backends) {
    kernels.setKernelBackend(backend);
    emit({
      workload: 'seed',
      impl: `scratchnet-f64${suffix}`,
      metric: 'us_per_step',
      value: seedStep('float64'),
      unit: 'us',
    });
    emit({
      workload: 'seed',
      impl: `scratchnet-f32${suffix}`,
      metric: 'us_per_step',
      value: seedStep('float32'),
      unit: 'us',
    });
    emit({
      workload: 'mnist',
      impl: `scratchnet-f32${suffix}`,
      metric: 'samples_per_s',
      value: mnistStep('float32'),
      unit: 'samples/s',
    });
    emit({
      workload: 'mnist',
      impl: `scratchnet-f64${suffix}`,
      metric: 'samples_per_s',
      value: mnistStep('float64'),
      unit: 'samples/s',
    });
    emit({
      workload: 'matmul',
      impl: `scratchnet-f32${suffix}`,
      metric: 'gflops',
      value: matmul('float32'),
      unit: 'GFLOP/s',
    });
    emit({
      workload: 'matmul',
      impl: `scratchnet-f64${suffix}`,
      metric: 'gflops',
      value: matmul('float64'),
      unit: 'GFLOP/s',
    });
  }
  kernels.setKernelBackend('wasm');
  benchTabular(emit);
  for (const optimizer of ['lbfgs', 'adam'] as const) {
    try {
      const r = fitSquare(optimizer);
      if (r.mse >= 1e-5)
        notice(
          `scratchnet-${optimizer} stopped at MSE ${r.mse.toExponential(2)} after ${r.epochs} epochs (not < 1e-5)`,
        );
      else notice(`scratchnet-${optimizer}: ${r.epochs} epochs to MSE < 1e-5`);
      emit({
        workload: 'fit-square',
        impl: `scratchnet-${optimizer}`,
        metric: 'seconds',
        value: r.seconds,
        unit: 's',
      });
    } catch (e) {
      notice(`scratchnet-${optimizer} fit failed: ${(e as Error).message}`);
    }
  }
}
