// TensorFlow.js peers of `npm run bench`, cpu and wasm backends (the wasm one single-threaded).
// tfjs-core alone ships no gradient functions (they come with the @tensorflow/tfjs union package),
// so each step is written with explicit backward ops, exactly as the numpy peer does it.

import { createRequire } from 'node:module';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs-core';
import { medianSeconds, type Figure } from './measure.js';

type Emit = (f: Figure) => void;
type TF = typeof tfjs;

const require = createRequire(import.meta.url);

function load(): TF {
  const tf = require('@tensorflow/tfjs-core');
  require('@tensorflow/tfjs-backend-cpu');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  // In Node the wasm backend reads its .wasm from a path: the package's dist folder.
  wasm.setWasmPaths(
    path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep,
  );
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false); // one thread, like the other peers
  tf.env().set('IS_TEST', true); // quiets the "install tfjs-node" banner
  return tf;
}

/**
 * medianSeconds after running fn for `seconds` first. TensorFlow.js needs longer than the common
 * 0.3 s warm-up: measured by CPU time, its seed step took 780–830 µs in a first medianSeconds and
 * 470–510 µs in the next ones (its JavaScript dispatch still being optimized, and V8's background
 * compilers counted in the process's CPU time), so a row timed cold flattered scratchnet ~1.6×.
 */
function settledSeconds(fn: () => void, seconds = 2): number {
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) fn();
  return medianSeconds(fn);
}

/** The seed step: [1, 64, 1] leaky ReLU, MSE, full batch of 201, one gradient-descent step (float32). */
function seedStep(tf: TF): number {
  const x = tf.tensor2d(
    Array.from({ length: 201 }, (_, i) => i / 200),
    [201, 1],
  );
  const y = tf.mul(x, x);
  const w1 = tf.variable(tf.randomNormal([1, 64], 0, Math.sqrt(2), 'float32', 1));
  const b1 = tf.variable(tf.zeros([64]));
  const w2 = tf.variable(tf.randomNormal([64, 1], 0, Math.sqrt(2 / 64), 'float32', 2));
  const b2 = tf.variable(tf.zeros([1]));
  const lr = tf.scalar(1e-3);
  const step = () =>
    tf.tidy(() => {
      const z1 = tf.add(tf.matMul(x, w1), b1);
      const positive = tf.greater(z1, 0);
      const a1 = tf.where(positive, z1, tf.mul(z1, 0.01));
      const p = tf.add(tf.matMul(a1, w2), b2);
      const dp = tf.mul(tf.sub(p, y), 2 / 201);
      const dw2 = tf.matMul(a1, dp, true, false);
      const db2 = tf.sum(dp, 0);
      const da1 = tf.matMul(dp, w2, false, true);
      const dz1 = tf.where(positive, da1, tf.mul(da1, 0.01));
      const dw1 = tf.matMul(x, dz1, true, false);
      const db1 = tf.sum(dz1, 0);
      w1.assign(tf.sub(w1, tf.mul(lr, dw1)));
      b1.assign(tf.sub(b1, tf.mul(lr, db1)));
      w2.assign(tf.sub(w2, tf.mul(lr, dw2)));
      b2.assign(tf.sub(b2, tf.mul(lr, db2)));
    });
  const seconds = settledSeconds(() => {
    step();
    b2.dataSync(); // wait for the step to finish
  });
  tf.disposeVariables();
  return seconds * 1e6;
}

/** 784-128-10, ReLU, softmax cross-entropy, batch 128, one SGD step (float32), in samples/s. */
function mnistStep(tf: TF): number {
  const x = tf.randomUniform([128, 784], 0, 1, 'float32', 3);
  const y = tf.cast(tf.oneHot(tf.randomUniform([128], 0, 10, 'int32', 4), 10), 'float32');
  const w1 = tf.variable(tf.randomNormal([784, 128], 0, Math.sqrt(2 / 784), 'float32', 5));
  const b1 = tf.variable(tf.zeros([128]));
  const w2 = tf.variable(tf.randomNormal([128, 10], 0, Math.sqrt(1 / 128), 'float32', 6));
  const b2 = tf.variable(tf.zeros([10]));
  const lr = tf.scalar(0.01);
  const step = () =>
    tf.tidy(() => {
      const z1 = tf.add(tf.matMul(x, w1), b1);
      const a1 = tf.relu(z1);
      const z2 = tf.add(tf.matMul(a1, w2), b2);
      const dz2 = tf.div(tf.sub(tf.softmax(z2), y), 128);
      const dw2 = tf.matMul(a1, dz2, true, false);
      const db2 = tf.sum(dz2, 0);
      const da1 = tf.matMul(dz2, w2, false, true);
      const dz1 = tf.mul(da1, tf.step(z1));
      const dw1 = tf.matMul(x, dz1, true, false);
      const db1 = tf.sum(dz1, 0);
      w1.assign(tf.sub(w1, tf.mul(lr, dw1)));
      b1.assign(tf.sub(b1, tf.mul(lr, db1)));
      w2.assign(tf.sub(w2, tf.mul(lr, dw2)));
      b2.assign(tf.sub(b2, tf.mul(lr, db2)));
    });
  const seconds = settledSeconds(() => {
    step();
    b2.dataSync();
  });
  tf.disposeVariables();
  tf.dispose([x, y]);
  return 128 / seconds;
}

function matmul(tf: TF): number {
  const a = tf.randomUniform([128, 784], 0, 1, 'float32', 7);
  const b = tf.randomUniform([784, 128], 0, 1, 'float32', 8);
  const seconds = settledSeconds(() => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  });
  tf.dispose([a, b]);
  return (2 * 128 * 784 * 128) / seconds / 1e9;
}

export async function benchTfjs(emit: Emit, notice: (s: string) => void): Promise<void> {
  let tf: TF;
  try {
    tf = load();
  } catch (e) {
    notice(`TensorFlow.js not loadable (${(e as Error).message}): skipped`);
    return;
  }
  for (const backend of ['wasm', 'cpu']) {
    if (!(await tf.setBackend(backend))) {
      notice(`TensorFlow.js ${backend} backend failed to start: skipped`);
      continue;
    }
    await tf.ready();
    const impl = `tfjs-${backend}`;
    emit({ workload: 'seed', impl, metric: 'us_per_step', value: seedStep(tf), unit: 'us' });
    emit({ workload: 'mnist', impl, metric: 'samples_per_s', value: mnistStep(tf), unit: 'samples/s' });
    emit({ workload: 'matmul', impl, metric: 'gflops', value: matmul(tf), unit: 'GFLOP/s' });
  }
}
