// The two DenseKernels implementations (kernels/dense.ts, kernels/dense-wasm.ts) against each
// other: float64 results bit-identical for every pass, on the one-input, one-output, narrow and
// general paths, with and without an activation kernel, over batch sizes that come and go. The
// WebAssembly side runs on an unshared memory that starts at one page, so its growth detaches the
// views of other layers between their forward and backward passes (the browser's case).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Activation, Random, getActivation, kernels } from '../src/index.js';
import { builtinActivation } from '../src/nn/activations.js';
import { encodeModule } from '../src/kernels/wasm/encoder.js';
import { allKernels } from '../src/kernels/wasm/generate.js';
import { fusedKernels } from '../src/kernels/wasm/fused.js';

type Matrix = { rows: number; cols: number; data: Float64Array | Float32Array };

const ok = await kernels.wasmReady;

/** A runtime of its own on an unshared memory of one page: every allocation grows it. */
function unsharedRuntime(): kernels.WasmRuntime {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const module = new WebAssembly.Module(encodeModule([...allKernels(), ...fusedKernels()], 0));
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return new kernels.WasmRuntime(memory, instance.exports as unknown as kernels.KernelExports, false);
}

function random(rows: number, cols: number, r: Random): Matrix {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = r.normal();
  return { rows, cols, data };
}

function same(actual: Matrix | null, expected: Matrix | null, what: string): void {
  assert.ok(actual && expected, `${what}: missing`);
  assert.deepEqual([actual.rows, actual.cols], [expected.rows, expected.cols], `${what}: shape`);
  for (let i = 0; i < expected.data.length; i++) {
    if (!Object.is(actual.data[i], expected.data[i]))
      assert.fail(`${what}[${i}]: ${actual.data[i]} vs ${expected.data[i]} (reference)`);
  }
}

const softplusByHand: Activation = { ...getActivation('softplus'), name: 'mine' as Activation['name'] };
// [inputs, outputs, activation]: one input, one output, narrow, general; with and without kernels
const layers: [number, number, Activation][] = [
  [1, 64, getActivation('leakyRelu')],
  [1, 9, getActivation('tanh')],
  [1, 5, getActivation('linear')],
  [64, 1, getActivation('linear')],
  [7, 1, getActivation('relu')],
  [9, 3, getActivation('relu')],
  [5, 7, getActivation('sigmoid')],
  [6, 10, getActivation({ name: 'elu', alpha: 0.7 })],
  // ten inputs: dWeight's rows in bands of 4, 4, 2 (gemm_nn's remainders); N = 130, 300 span K blocks
  [10, 12, getActivation('relu')],
  [4, 6, softplusByHand],
];

test('WasmDenseKernels equal ReferenceDenseKernels bit for bit (float64, unshared memory)', {
  skip: !ok,
}, () => {
  const rt = unsharedRuntime();
  const r = new Random(5);
  const made = layers.map(([I, O, activation]) => {
    const spec = {
      inputSize: I,
      outputSize: O,
      dtype: 'float64' as const,
      activation,
      builtin: builtinActivation(activation),
    };
    return {
      I,
      O,
      name: `${I}→${O} ${activation.name}`,
      reference: new kernels.ReferenceDenseKernels(spec),
      wasm: new kernels.WasmDenseKernels(rt, spec),
      weight: random(I, O, r).data,
      bias: random(1, O, r).data,
    };
  });
  let detached = 0; // backward passes after the memory grew since their forward pass
  for (const N of [9, 40, 9, 130, 40, 1, 300]) {
    for (const backward of ['backward', 'backwardFromPreActivation'] as const) {
      for (const inputGradient of [false, true]) {
        // every layer's forward first, then every backward: later layers' buffers grow the memory
        const passes = made.map((l) => {
          const input = random(N, l.I, r);
          const expected = l.reference.forward(input, l.weight, l.bias);
          const actual = l.wasm.forward(input, l.weight, l.bias);
          same(actual, expected, `${l.name} N=${N} out`);
          return { l, dOut: random(N, l.O, r), memory: rt.buffer };
        });
        for (const { l, dOut, memory } of passes) {
          if (memory !== rt.buffer) detached++;
          const what = `${l.name} N=${N} ${backward} inputGradient=${inputGradient}`;
          same(l.wasm.preActivation(), l.reference.preActivation(), `${what} z`);
          const grads = () => ({ dWeight: new Float64Array(l.I * l.O), dBias: new Float64Array(l.O) });
          const e = grads();
          const a = grads();
          const dInputExpected = l.reference[backward](dOut, e.dWeight, e.dBias, inputGradient);
          const dInput = l.wasm[backward](dOut, a.dWeight, a.dBias, inputGradient);
          same(
            { rows: l.I, cols: l.O, data: a.dWeight },
            { rows: l.I, cols: l.O, data: e.dWeight },
            `${what} dWeight`,
          );
          same({ rows: 1, cols: l.O, data: a.dBias }, { rows: 1, cols: l.O, data: e.dBias }, `${what} dBias`);
          if (inputGradient) same(dInput, dInputExpected, `${what} dInput`);
          else assert.equal(dInput, null, `${what} dInput`);
        }
      }
    }
  }
  assert.ok(detached > 0, 'the memory grew between some forward pass and its backward pass');
});

test('RecentSizes keeps the two most recent batch sizes and drops the least recently used', () => {
  const made: number[] = [];
  const dropped: number[] = [];
  const cache = new kernels.RecentSizes(
    (rows) => {
      made.push(rows);
      return { rows };
    },
    (d) => dropped.push(d.rows),
  );
  const first = cache.get(32);
  assert.equal(cache.get(32), first);
  cache.get(7);
  assert.equal(cache.get(32), first, 'full and remainder batches alternate without new buffers');
  cache.get(5); // drops 7, the least recently used
  assert.deepEqual(made, [32, 7, 5]);
  assert.deepEqual(dropped, [7]);
  assert.deepEqual(
    cache.kept().map((k) => k.rows),
    [5, 32],
  );
});
