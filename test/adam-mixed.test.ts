// A float32 network's Adam (and AdamW) step on resident buffers runs the adam_step_f32_f64 kernel:
// float64 moments and arithmetic, θ rounded to float32 when stored: the same bits as the
// JavaScript loop on ordinary arrays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network, Random, kernels } from '../src/index.js';

for (const decay of [0, 0.01]) {
  test(`float32 Adam on resident buffers equals the JavaScript loop, bit for bit (decay ${decay})`, async () => {
    await kernels.wasmReady;
    // 4,929 parameters (odd: vectors of two, then one element); resident in the kernels' memory
    const net = new Network({ layers: [10, 64, 64, 1], seed: 4, dtype: 'float32' });
    assert.ok(net.isResident);
    const n = net.params.length;
    const m = kernels.allocate('float64', n) as Float64Array;
    const v = kernels.allocate('float64', n) as Float64Array;
    assert.ok((kernels.wasmRuntime()?.addressOf(m) ?? -1) >= 0, 'the moments live in the kernels memory');
    const random = new Random(9);
    const params = Float32Array.from(net.params);
    const plain = { m: new Float64Array(n), v: new Float64Array(n) };
    for (let step = 1; step <= 5; step++) {
      for (let i = 0; i < n; i++) net.grads[i] = random.normal() * 10 ** random.int(6) * 1e-3;
      const grads = Float32Array.from(net.grads);
      const o = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step, decay };
      kernels.adamStep(net.params, net.grads, m, v, o);
      kernels.adamStep(params, grads, plain.m, plain.v, o);
      assert.deepEqual(Float32Array.from(net.params), params, `step ${step}: parameters`);
      assert.deepEqual(Float64Array.from(m), plain.m, `step ${step}: first moment`);
      assert.deepEqual(Float64Array.from(v), plain.v, `step ${step}: second moment`);
    }
  });
}
