// A float32 network's momentum (and Nesterov) step on resident buffers runs the
// momentum_step_f32_f64 kernel: float64 velocity and arithmetic, θ rounded to float32 when stored —
// the same bits as the JavaScript loop on ordinary arrays (before the kernel, that loop ran there too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Momentum, Nesterov, Network, Random, kernels } from '../src/index.js';

for (const nesterov of [false, true]) {
  test(`float32 ${nesterov ? 'Nesterov' : 'momentum'} on resident buffers equals the JavaScript loop, bit for bit`, async () => {
    await kernels.wasmReady;
    // 4,929 parameters (odd: vectors of two, then one element); resident in the kernels' memory
    const net = new Network({ layers: [10, 64, 64, 1], seed: 4, dtype: 'float32' });
    assert.ok(net.isResident);
    const name = `${nesterov ? 'nesterov' : 'momentum'}_step_f32_f64`;
    assert.equal(typeof kernels.wasmRuntime()?.kernels[name], 'function', `the kernel ${name}`);
    const n = net.params.length;
    const v = kernels.allocate('float64', n) as Float64Array;
    const plain = { params: Float32Array.from(net.params), v: new Float64Array(n) };
    const random = new Random(9);
    for (let step = 1; step <= 5; step++) {
      for (let i = 0; i < n; i++) net.grads[i] = random.normal() * 10 ** random.int(6) * 1e-3;
      const grads = Float32Array.from(net.grads);
      kernels.momentumStep(net.params, net.grads, v, 0.05, 0.9, nesterov);
      kernels.momentumStep(plain.params, grads, plain.v, 0.05, 0.9, nesterov);
      assert.deepEqual(Float32Array.from(net.params), plain.params, `step ${step}: parameters`);
      assert.deepEqual(Float64Array.from(v), plain.v, `step ${step}: velocity`);
    }
  });
}

test('the optimizers take that kernel: a float32 network trained by Momentum and Nesterov equals plain arrays', async () => {
  await kernels.wasmReady;
  for (const Optimizer of [Momentum, Nesterov]) {
    const net = new Network({ layers: [10, 64, 64, 1], seed: 4, dtype: 'float32' });
    const params = Float32Array.from(net.params);
    const [resident, plain] = [new Optimizer({ learningRate: 0.05 }), new Optimizer({ learningRate: 0.05 })];
    const random = new Random(3);
    for (let step = 0; step < 3; step++) {
      for (let i = 0; i < net.grads.length; i++) net.grads[i] = random.normal();
      const grads = Float32Array.from(net.grads);
      resident.step(net.params, net.grads);
      plain.step(params, grads);
    }
    assert.deepEqual(Float32Array.from(net.params), params, Optimizer.name);
  }
});
