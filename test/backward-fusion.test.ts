// The input gradient's product carried through the activation of the Dense layer below
// (gemm_nn_backward: dZ = (dZ_above · Wᵀ) ⊙ f'(z) and that layer's bias gradient in one pass) gives
// the same bits as the separate passes it replaces: each layer's backward run alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Network,
  Random,
  kernels,
  toMatrix,
  type ActivationName,
  type DType,
  type Matrix,
} from '../src/index.js';

function randomMatrix(rows: number, cols: number, random: Random, dtype: DType): Matrix {
  const values = Array.from({ length: rows }, () => Array.from({ length: cols }, () => random.normal()));
  return toMatrix(values, 'x', cols, dtype);
}

/** The gradients of one step, every layer's backward run alone (no fusion across layers). */
function layerByLayer(net: Network, x: Matrix, y: Matrix): Float64Array {
  const out = net.forward(x);
  const dPred = { rows: out.rows, cols: out.cols, data: out.data.slice() };
  net.loss.gradient(dPred.data, out.data, y.data, x.rows, net.outputSize);
  let d: Matrix | null = dPred;
  for (let l = net.layers.length - 1; l >= 0; l--) {
    if (!d) throw new Error('no input gradient');
    const next: Matrix | null = net.layers[l].backward(d, l > 0);
    d = next && { rows: next.rows, cols: next.cols, data: next.data.slice() };
  }
  return Float64Array.from(net.grads);
}

const activations: ActivationName[] = ['tanh', 'relu', 'leakyRelu', 'sigmoid', 'elu'];

for (const dtype of ['float64', 'float32'] as const) {
  test(`fused backward equals layer by layer, bit for bit (${dtype})`, async () => {
    await kernels.wasmReady;
    assert.equal(kernels.kernelBackend(), 'wasm');
    const random = new Random(5);
    // odd sizes: tiles of 4 and 2 rows and a single row, vectors and single columns
    for (const layers of [
      [10, 64, 64, 1],
      [5, 7, 9, 3],
      [3, 6, 5, 4, 2],
      [7, 13, 1],
    ]) {
      for (const activation of activations) {
        const options = { layers, activation, output: 'linear' as const, seed: 2, dtype };
        const fused = new Network(options);
        const alone = new Network(options);
        for (const rows of [1, 7, 33]) {
          const x = randomMatrix(rows, layers[0], random, dtype);
          const y = randomMatrix(rows, layers[layers.length - 1], random, dtype);
          fused.computeGradient(x, y);
          const expected = layerByLayer(alone, x, y);
          assert.deepEqual(
            Float64Array.from(fused.grads),
            expected,
            `${layers.join('-')} ${activation}, ${rows} rows`,
          );
        }
      }
    }
  });
}

test("a Dense layer given the Dense below returns that layer's dZ, not its dA", async () => {
  await kernels.wasmReady;
  const net = new Network({ layers: [4, 8, 8, 1], activation: 'tanh', seed: 1 });
  const random = new Random(2);
  const x = randomMatrix(9, 4, random, 'float64');
  const dPred = randomMatrix(9, 1, random, 'float64');
  const backward = (below: boolean) => {
    net.forward(x);
    const dA = net.layers[2].backward(dPred, true);
    if (!dA) throw new Error('no input gradient');
    const d = net.layers[1].backward(dA, true, below ? net.layers[0] : undefined);
    return d ? Float64Array.from(d.data) : null;
  };
  const dA = backward(false);
  const dZ = backward(true);
  assert.ok(dA && dZ);
  // dZ = dA ⊙ (1 − a²): smaller in magnitude wherever a ≠ 0
  assert.ok(dZ.some((v, i) => v !== dA[i]));
  assert.ok(dZ.every((v, i) => Math.abs(v) <= Math.abs(dA[i])));
});
