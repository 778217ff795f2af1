// Numerical stability and the pieces under the network: losses at extreme logits, the PRNG, kernels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random, getLoss, getActivation, kernels, toArrays } from '../src/index.js';

test('cross-entropies from logits are finite for logits of ±1000, with the right values', () => {
  const bce = getLoss('binaryCrossEntropy');
  const z = new Float64Array([1000, -1000, 1000, -1000]);
  const t = new Float64Array([1, 0, 0, 1]);
  const v = bce.value(z, t, 4, 1);
  assert.ok(Number.isFinite(v));
  assert.ok(Math.abs(v - (0 + 0 + 1000 + 1000) / 4) < 1e-9, `bce ${v}`);
  const g = new Float64Array(4);
  bce.gradient(g, z, t, 4, 1);
  assert.deepEqual(Array.from(g), [0, 0, 0.25, -0.25]);

  const sce = getLoss('softmaxCrossEntropy');
  const logits = new Float64Array([1000, -1000, 0, -1000, 1000, 0]);
  const oneHot = new Float64Array([1, 0, 0, 1, 0, 0]);
  const s = sce.value(logits, oneHot, 2, 3);
  assert.ok(Math.abs(s - (0 + 2000) / 2) < 1e-9, `sce ${s}`);
  const gs = new Float64Array(6);
  sce.gradient(gs, logits, oneHot, 2, 3);
  assert.ok(gs.every(Number.isFinite));
});

test('softmax is stable for large logits and rows sum to 1', () => {
  const sm = getActivation('softmax');
  const a = new Float64Array(3);
  sm.forward(a, new Float64Array([1000, 999, -1000]), 1, 3);
  assert.ok(Math.abs(a[0] + a[1] + a[2] - 1) < 1e-15 && a.every(Number.isFinite));
});

test('sigmoid and softplus do not overflow', () => {
  for (const name of ['sigmoid', 'softplus'] as const) {
    const f = getActivation(name);
    const a = new Float64Array(2);
    f.forward(a, new Float64Array([1000, -1000]), 1, 2);
    assert.ok(a.every(Number.isFinite), `${name}: ${a}`);
  }
});

test('Random: same seed, same stream; uniform in [0, 1); normal has mean 0 and variance 1', () => {
  const a = new Random(123),
    b = new Random(123),
    c = new Random(124);
  const xs = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(
    xs,
    Array.from({ length: 5 }, () => b.next()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 5 }, () => c.next()),
  );
  const r = new Random(1);
  let sum = 0,
    sq = 0;
  const n = 100000;
  for (let i = 0; i < n; i++) {
    const u = r.next();
    assert.ok(u >= 0 && u < 1);
    const z = r.normal();
    sum += z;
    sq += z * z;
  }
  assert.ok(Math.abs(sum / n) < 0.02 && Math.abs(sq / n - 1) < 0.02);
});

test('kernels: the three matrix products against an index-by-index definition, odd sizes included', () => {
  const r = new Random(9);
  for (const [N, K, O] of [
    [1, 1, 1],
    [3, 7, 1],
    [7, 3, 5],
    [201, 1, 64],
    [5, 64, 3],
  ]) {
    const a = Float64Array.from({ length: N * K }, () => r.normal());
    const b = Float64Array.from({ length: K * O }, () => r.normal());
    const out = new Float64Array(N * O);
    kernels.matmul(out, a, b, N, K, O);
    for (let n = 0; n < N; n++)
      for (let o = 0; o < O; o++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[n * K + k] * b[k * O + o];
        assert.ok(Math.abs(out[n * O + o] - s) < 1e-12);
      }
    // Aᵀ·B with A[K×N] viewed as N examples of K... use a as [N×K] and c as [N×O]
    const c = Float64Array.from({ length: N * O }, () => r.normal());
    const tA = new Float64Array(K * O);
    kernels.matmulTransA(tA, a, c, N, K, O);
    for (let k = 0; k < K; k++)
      for (let o = 0; o < O; o++) {
        let s = 0;
        for (let n = 0; n < N; n++) s += a[n * K + k] * c[n * O + o];
        assert.ok(Math.abs(tA[k * O + o] - s) < 1e-12);
      }
    const tB = new Float64Array(N * K);
    kernels.matmulTransB(tB, c, b, N, O, K);
    for (let n = 0; n < N; n++)
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let o = 0; o < O; o++) s += c[n * O + o] * b[k * O + o];
        assert.ok(Math.abs(tB[n * K + k] - s) < 1e-12);
      }
  }
  assert.deepEqual(toArrays({ rows: 2, cols: 2, data: new Float64Array([1, 2, 3, 4]) }), [
    [1, 2],
    [3, 4],
  ]);
});
