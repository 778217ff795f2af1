// Resident parameters (issue 16): a network's params and grads, and its optimizer's state, live in
// the WebAssembly kernels' memory. Training, save/load, warm start, setting parameters and
// checkpoint/resume end bit-identical to the same work on the JavaScript reference backend
// (float64, leaky ReLU: the kernels' products are bit-identical there); dispose() and the collector
// give the memory back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  Dense,
  Network,
  NetworkDisposedError,
  TrainingRun,
  fit,
  kernels,
  toMatrix,
  Random,
  type FitCheckpoint,
  type FitOptions,
  type Layer,
  type NetworkJSON,
} from '../src/index.js';

await kernels.wasmReady;
const rt = kernels.wasmRuntime();
const shared = rt?.shared === true;

const r = new Random(5);
const x = Array.from({ length: 96 }, () => [r.uniform(-1, 1), r.uniform(-1, 1)]);
const y = x.map(([a, b]) => [Math.sin(3 * a) * b + 0.1 * a]);
/** one-input, one-output and general layers: every kernel path of the dense layer */
const shapes = [
  [2, 16, 8, 1],
  [2, 1, 16, 1],
];
const makeNet = (layers: number[]) => new Network({ layers, activation: 'leakyRelu', seed: 7 });

/** fn on the given kernel backend (networks made inside are resident only on 'wasm'). */
function on<T>(backend: 'wasm' | 'js', fn: () => T): T {
  kernels.setKernelBackend(backend);
  try {
    return fn();
  } finally {
    kernels.setKernelBackend('wasm');
  }
}

/** Asserts equal bits, naming the first parameter that differs. */
function assertSameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i]))
      assert.fail(`${what}: parameter ${i} is ${a[i]} here and ${b[i]} on the reference`);
  }
}

const roundTrip = (net: Network) => Network.fromJSON(JSON.parse(JSON.stringify(net.toJSON())) as NetworkJSON);

test('a network made on the WebAssembly backend is resident; trained, it ends bit-identical to the reference', {
  skip: !shared && 'the kernels memory is not shared here: parameters stay ordinary arrays',
}, () => {
  for (const layers of shapes) {
    for (const optimizer of ['sgd', 'momentum', 'nesterov', 'adam'] as const) {
      const options: FitOptions = { optimizer, epochs: 6, batchSize: 32, learningRate: 0.01 };
      const a = makeNet(layers);
      assert.ok(a.isResident, 'resident');
      fit(a, x, y, options);
      const b = on('js', () => {
        const net = makeNet(layers);
        assert.equal(net.isResident, false);
        fit(net, x, y, options);
        return net;
      });
      assertSameBits(a.params, b.params, `[${layers}] ${optimizer}`);
    }
  }
});

test('save/load and warm start: a reloaded resident network continues bit-identically', () => {
  for (const layers of shapes) {
    const options: FitOptions = { optimizer: 'adam', epochs: 5, batchSize: 24 };
    const reference = on('js', () => {
      const net = makeNet(layers);
      fit(net, x, y, options);
      const back = roundTrip(net);
      fit(back, x, y, options); // warm start from the loaded weights and scaling
      return back;
    });
    const a = makeNet(layers);
    fit(a, x, y, options);
    const loaded = roundTrip(a);
    assert.equal(loaded.isResident, shared);
    assertSameBits(loaded.params, a.params, 'loaded');
    fit(loaded, x, y, options);
    assertSameBits(loaded.params, reference.params, `[${layers}] warm start after load`);
    fit(a, x, y, options); // the same warm start without the round trip
    assertSameBits(a.params, reference.params, `[${layers}] warm start`);
  }
});

test('setting parameters (params.set, a Parameter view) reaches the kernels: outputs and gradients equal the reference', () => {
  const X = toMatrix(x, 'x', 2);
  const Y = toMatrix(y, 'y', 1);
  const values = Float64Array.from({ length: makeNet(shapes[0]).parameterCount }, (_, i) => Math.sin(i) / 4);
  const a = makeNet(shapes[0]);
  a.forward(X); // the kernels have seen the old weights
  a.params.set(values);
  const b = on('js', () => makeNet(shapes[0]));
  b.params.set(values);
  // one weight through a layer's Parameter view
  a.layers[1].parameters[0].value[3] = 0.5;
  b.layers[1].parameters[0].value[3] = 0.5;
  const ta = a.computeGradient(X, Y);
  const tb = on('js', () => b.computeGradient(X, Y));
  assert.equal(ta.total, tb.total);
  assertSameBits(a.grads, b.grads, 'gradients');
  assertSameBits(
    a.predict(x).data,
    on('js', () => b.predict(x).data),
    'predictions',
  );
});

test('checkpoint/resume through JSON ends bit-identical to an uninterrupted reference run', () => {
  for (const optimizer of ['adam', 'momentum'] as const) {
    const options: FitOptions = { optimizer, epochs: 8, batchSize: 20, validationSplit: 0.25 };
    const reference = on('js', () => {
      const net = makeNet(shapes[0]);
      fit(net, x, y, options);
      return net;
    });
    let net = makeNet(shapes[0]);
    let run = new TrainingRun(net, x, y, options);
    for (const count of [5, 7]) {
      for (let i = 0; i < count && !run.done; i++) run.step();
      const saved = JSON.stringify({ network: net.toJSON(), checkpoint: run.checkpoint() });
      const back = JSON.parse(saved) as { network: NetworkJSON; checkpoint: FitCheckpoint };
      net.dispose(); // the interrupted run's memory goes back at once
      net = Network.fromJSON(back.network);
      run = new TrainingRun(net, x, y, { ...options, resume: back.checkpoint });
    }
    while (!run.done) run.step();
    assertSameBits(net.params, reference.params, `${optimizer} resumed twice`);
  }
});

test('dispose(): idempotent, frees the memory, and later use throws NetworkDisposedError', () => {
  const before = rt?.allocatedBytes ?? 0;
  const net = makeNet(shapes[0]);
  const X = toMatrix(x, 'x', 2);
  const Y = toMatrix(y, 'y', 1);
  net.computeGradient(X, Y);
  const weight = net.layers[0].parameters[0];
  const kept = Float64Array.from(weight.value);
  net.dispose();
  net.dispose();
  assert.equal(rt?.allocatedBytes ?? 0, before, 'every block released');
  assertSameBits(weight.value, kept, 'the layers keep their weights');
  for (const use of [
    () => net.forward(X),
    () => net.computeGradient(X, Y),
    () => net.predict(x),
    () => net.params,
    () => net.grads,
    () => net.toJSON(),
  ]) {
    assert.throws(use, (e: Error) => e instanceof NetworkDisposedError && e.name === 'NetworkDisposedError');
  }
  assert.equal(net.isResident, false);
});

test("a network over another one's layers (as the doctor's probes make): disposing it leaves the first intact", () => {
  const X = toMatrix(x, 'x', 2);
  const Y = toMatrix(y, 'y', 1);
  const a = makeNet(shapes[0]);
  const before = a.computeGradient(X, Y).total;
  const grads = Float64Array.from(a.grads);
  const b = new Network({ layers: a.layers as Layer[], weightDecay: 0.1 });
  b.computeGradient(X, Y);
  for (const ref of a.parameterRefs) {
    const n = ref.parameter.value.length;
    ref.parameter.value = a.params.subarray(ref.offset, ref.offset + n);
    ref.parameter.grad = a.grads.subarray(ref.offset, ref.offset + n);
  }
  b.dispose();
  assert.equal(a.computeGradient(X, Y).total, before);
  assertSameBits(a.grads, grads, 'gradients after the other network was disposed');
});

test('a Network built from the layers of a live one takes them over: the first then refuses to train or predict', () => {
  const X = toMatrix(x, 'x', 2);
  const Y = toMatrix(y, 'y', 1);
  for (const backend of ['wasm', 'js'] as const) {
    on(backend, () => {
      const a = makeNet(shapes[0]);
      a.computeGradient(X, Y);
      const b = new Network({ layers: a.layers as Layer[] });
      b.computeGradient(X, Y); // the new owner trains
      for (const use of [() => a.computeGradient(X, Y), () => a.forward(X), () => a.predict(x)]) {
        assert.throws(
          use,
          /^OptionError: layers\[0\] \(Dense\(2 → 16, leakyRelu\)\) now belongs to another network/,
        );
      }
      // disposed, the owner hands its layers (and their last values) to a new network
      b.dispose();
      const c = new Network({ layers: a.layers as Layer[] });
      assert.ok(Number.isFinite(c.computeGradient(X, Y).total));
      c.dispose();
    });
  }
});

test("layers of another dtype are refused, naming the layer; without a dtype the network takes the layers'", () => {
  const random = new Random(1);
  const f32 = [
    new Dense(2, 4, random, { activation: 'tanh', dtype: 'float32' }),
    new Dense(4, 1, random, { dtype: 'float32' }),
  ];
  assert.throws(
    () => new Network({ layers: f32, dtype: 'float64' }),
    /^OptionError: layers\[0\] holds float32 parameters but the network is float64: make every layer with dtype 'float64', or pass dtype: "float32" to the Network/,
  );
  const mixed = [new Dense(2, 4, random, { dtype: 'float32' }), new Dense(4, 1, random)];
  assert.throws(
    () => new Network({ layers: mixed }),
    /^OptionError: layers\[1\] holds float64 parameters but the network is float32/,
  );
  const net = new Network({ layers: f32 });
  assert.equal(net.dtype, 'float32');
  assert.ok(net.params instanceof Float32Array);
  const X = toMatrix(x, 'x', 2, 'float32');
  const Y = toMatrix(y, 'y', 1, 'float32');
  assert.ok(Number.isFinite(net.computeGradient(X, Y).total));
  net.dispose();
});

/** Makes and trains `count` networks (and Adam state), disposing each or dropping it; prints the memory's figures. */
const churn = `
const { Network, Adam, kernels, toMatrix } = await import(process.argv[1]);
await kernels.wasmReady;
const rt = kernels.wasmRuntime();
const dispose = process.argv[2] === 'dispose';
const X = toMatrix(Array.from({ length: 32 }, (_, i) => Array.from({ length: 8 }, (_, j) => Math.sin(i + j))), 'x', 8);
const Y = toMatrix(Array.from({ length: 32 }, (_, i) => [Math.cos(i)]), 'y', 1);
const settle = async () => { globalThis.gc?.(); await new Promise((r) => setTimeout(r, 0)); globalThis.gc?.(); await new Promise((r) => setTimeout(r, 0)); };
const one = () => {
  const net = new Network({ layers: [8, 64, 64, 1], seed: 1 });
  const adam = new Adam();
  net.computeGradient(X, Y);
  adam.step(net.params, net.grads);
  const bytes = rt.allocatedBytes;
  if (dispose) { net.dispose(); adam.reset(); }
  return bytes;
};
const start = rt.allocatedBytes;
const perNetwork = one() - start;
await settle();
const baseline = rt.allocatedBytes;
const memoryBefore = rt.memory.buffer.byteLength;
for (let i = 0; i < 1000; i++) {
  one();
  if (!dispose && i % 50 === 49) await settle();
}
await settle();
console.log(JSON.stringify({ gc: typeof globalThis.gc === 'function', baseline, after: rt.allocatedBytes, perNetwork, grew: rt.memory.buffer.byteLength - memoryBefore }));
`;

test('heap: 1,000 networks made and dropped, with and without dispose, leave the WebAssembly memory where it was', {
  skip: !shared && 'parameters are resident only in a shared memory',
}, () => {
  const index = new URL('../src/index.js', import.meta.url).href;
  for (const mode of ['dispose', 'collect']) {
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--input-type=module', '-e', churn, index, mode],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(child.status, 0, child.stderr);
    const m = JSON.parse(child.stdout) as {
      gc: boolean;
      baseline: number;
      after: number;
      perNetwork: number;
      grew: number;
    };
    assert.ok(m.gc, 'gc exposed in the child');
    assert.ok(m.perNetwork > 50_000, `a network holds ${m.perNetwork} bytes of the kernels' memory`);
    // dispose gives every byte back; the collector all but a few networks' worth (those not yet collected)
    const leftOver = m.after - m.baseline;
    if (mode === 'dispose') assert.equal(leftOver, 0, 'dispose released every block');
    else
      assert.ok(
        leftOver <= 5 * m.perNetwork,
        `${leftOver} bytes still held after gc (bound: 5 networks, ${5 * m.perNetwork})`,
      );
    // between collections (every 50 networks) the memory may grow, by doubling: bounded by 150
    // networks' worth, where 1,000 kept networks would need 1,000 (about 470 MB)
    assert.ok(
      m.grew <= 150 * m.perNetwork,
      `${mode}: the memory grew by ${m.grew} bytes (bound ${150 * m.perNetwork})`,
    );
  }
});

test('momentumStep and its Nesterov form on buffers in the kernels memory equal the JavaScript loops', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const nesterov of [false, true]) {
      const n = 37; // vectors and a scalar tail
      const random = new Random(2);
      const fill = (a: Float64Array | Float32Array) => a.forEach((_, i) => (a[i] = random.normal()));
      const fast = {
        p: kernels.allocate(dtype, n),
        g: kernels.allocate(dtype, n),
        v: kernels.allocate(dtype, n),
      };
      for (const a of Object.values(fast)) fill(a);
      const slow = { p: fast.p.slice(), g: fast.g.slice(), v: fast.v.slice() };
      for (let step = 0; step < 3; step++) {
        kernels.momentumStep(fast.p, fast.g, fast.v, 0.05, 0.9, nesterov);
        on('js', () => kernels.momentumStep(slow.p, slow.g, slow.v, 0.05, 0.9, nesterov));
      }
      // float64: the same operations in the same order; float32: the kernel rounds μ·v and η·v to
      // float32 where the JavaScript loop rounds once, after float64 arithmetic
      for (const key of ['p', 'v'] as const) {
        const what = `${key} (${dtype}, nesterov ${nesterov})`;
        if (dtype === 'float64') assertSameBits(fast[key], slow[key], what);
        else
          fast[key].forEach((a, i) =>
            assert.ok(Math.abs(a - slow[key][i]) <= 1e-6 * (1 + Math.abs(a)), `${what} [${i}]`),
          );
      }
    }
  }
});
