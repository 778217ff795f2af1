// Kernels for dense layers with one input (I = 1) or one output (O = 1), each doing a layer's whole
// forward or backward pass in one sweep over its N×O (or N×I) activations — the shapes of the seed
// network [1, 64, 1], where the general products (gemm_nn) are latency-bound or sweep the same rows
// several times. Each sums in the order of the reference loops in ../matmul.ts and
// nn/activations.ts (every SIMD lane is a separate output; sums run over examples in row order), so
// float64 results stay bit-identical to the JavaScript path.
//
// Measured on the seed step (N = 201, float64, Node 20, 2.6 GHz EPYC, CPU time per call): forward
// in1 2.3 µs, forward out1 2.2, backward out1 3.1, backward in1 5.4 — 13 µs for the seven general
// kernel calls (gemm_nn ×5, act_backward, column_sums) that took 25 µs. The sweeps over 201×64
// values are bound by instructions or memory traffic, not by arithmetic: block sizes below are the
// best of those tried (forward out1: 4, 6, 8, 12 rows; backward out1: 2 to 16 vectors).
//
// Shape legend: N examples (rows), I inputs, O outputs. Pointers are byte addresses, sizes count
// elements, alpha arrives as f64 (see generate.ts).

import { type Epilogue, type LayerActivation, epilogues, kernelNames, layerActivations } from '../names.js';
import { FunctionBuilder, f64, i32, op } from './encoder.js';
import { Emit, precisions, type Precision, type Width } from './generate.js';

/**
 * Sweeps the columns of a row-major matrix in blocks: `block(width, count, o)` handles `count`
 * vectors (or one element for 'scalar') starting at byte offset `o` (a local) of every row.
 * Blocks of `vectors` vectors first, then single vectors, then single elements.
 */
function columnBlocks(
  f: FunctionBuilder,
  p: Precision,
  columns: number,
  vectors: number,
  block: (width: Width, count: number, o: number) => void,
): void {
  const o = f.local(i32);
  const end = f.local(i32);
  const vb = p.lanes * p.size;
  f.get(columns).i32(p.shift).emit(op.i32Shl).set(end);
  f.forLoop(
    o,
    () => f.i32(0),
    () =>
      f
        .get(end)
        .i32(vectors * vb - 1)
        .emit(op.i32Sub),
    vectors * vb,
    () => block('vector', vectors, o),
  );
  f.forLoop(
    o,
    () => f.get(o),
    () =>
      f
        .get(end)
        .i32(vb - 1)
        .emit(op.i32Sub),
    vb,
    () => block('vector', 1, o),
  );
  f.forLoop(
    o,
    () => f.get(o),
    () => f.get(end),
    p.size,
    () => block('scalar', 1, o),
  );
}

/** Locals of a width: `count` of them. */
function locals(f: FunctionBuilder, p: Precision, width: Width, count: number): number[] {
  return Array.from({ length: count }, () => f.local(width === 'vector' ? 0x7b : p.type));
}

/**
 * dense_forward_in1: z[N×O] = x[N×1] · weight[1×O] + bias[O], act = f(z) when the epilogue is not
 * linear. Column blocks hold their weights and biases in registers while the rows stream by:
 * z = bias + x·w, the reference's arithmetic for one input. With z = 0 and a fused activation only
 * act is written (half the memory traffic, which bounds this loop): the backward pass recomputes
 * z, and a caller wanting z later calls again with a z buffer.
 * params: z (0 = do not store), act, x, weight, bias, N, O, alpha (f64)
 */
export function denseForwardOneInput(p: Precision, epilogue: Epilogue, vectors = 4): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.denseForwardOneInput(p.name, epilogue), [
    i32,
    i32,
    i32,
    i32,
    i32,
    i32,
    i32,
    f64,
  ]);
  const e = new Emit(f, p);
  const [Z, ACT, X, W, BIAS, N, O, ALPHA] = [0, 1, 2, 3, 4, 5, 6, 7];
  const alpha = { vector: e.scalarLocal('vector', ALPHA), scalar: e.scalarLocal('scalar', ALPHA) };
  const n = f.local(i32);
  const OB = f.local(i32);
  const pz = f.local(i32);
  const pa = f.local(i32);
  const px = f.local(i32);
  f.get(O).i32(p.shift).emit(op.i32Shl).set(OB);
  const sweep = (leakyAsMax: boolean, storeZ: boolean) =>
    columnBlocks(f, p, O, vectors, (width, count, o) => {
      const step = width === 'vector' ? p.lanes * p.size : p.size;
      const w = locals(f, p, width, count);
      const b = locals(f, p, width, count);
      const [xs, z] = locals(f, p, width, 2);
      for (let j = 0; j < count; j++) {
        f.get(W).get(o).emit(op.i32Add);
        e.load(width, j * step);
        f.set(w[j]);
        f.get(BIAS).get(o).emit(op.i32Add);
        e.load(width, j * step);
        f.set(b[j]);
      }
      f.get(Z).get(o).emit(op.i32Add).set(pz);
      f.get(ACT).get(o).emit(op.i32Add).set(pa);
      f.get(X).set(px);
      f.forLoop(
        n,
        () => f.i32(0),
        () => f.get(N),
        1,
        () => {
          f.get(px);
          e.loadSplat(width);
          f.set(xs);
          for (let j = 0; j < count; j++) {
            f.get(b[j]).get(xs).get(w[j]);
            e.mul(width);
            e.add(width);
            f.set(z);
            if (storeZ) {
              f.get(pz).get(z);
              e.store(width, j * step);
            }
            if (epilogue !== 'linear') {
              f.get(pa);
              e.activation(width, epilogue, z, alpha[width], leakyAsMax);
              e.store(width, j * step);
            }
          }
          if (storeZ) f.get(pz).get(OB).emit(op.i32Add).set(pz);
          if (epilogue !== 'linear') f.get(pa).get(OB).emit(op.i32Add).set(pa);
          f.get(px).i32(p.size).emit(op.i32Add).set(px);
        },
      );
    });
  const sweeps = (storeZ: boolean) => {
    if (epilogue === 'leakyRelu') {
      // 0 < alpha ≤ 1 (the usual case): leaky ReLU as pmax(z, alpha·z)
      f.get(ALPHA)
        .f64(0)
        .emit(0x64 /* f64.gt */)
        .get(ALPHA)
        .f64(1)
        .emit(0x65 /* f64.le */, 0x71 /* i32.and */);
      f.ifElse(
        () => sweep(true, storeZ),
        () => sweep(false, storeZ),
      );
    } else {
      sweep(false, storeZ);
    }
  };
  if (epilogue === 'linear') sweeps(true);
  else
    f.get(Z).ifElse(
      () => sweeps(true),
      () => sweeps(false),
    );
  return f;
}

/**
 * dense_forward_out1: z[N] = x[N×I] · weight[I] + bias[0], act = f(z) when fused. Each row is one
 * running sum from the bias in input order (the reference's order); what bounds this loop is the
 * latency of those additions, so many rows are summed at a time. In float64 two rows share a
 * vector: (x[n, k], x[n+1, k]) is gathered from the two rows' (k, k+1) pairs by two shuffles, so one
 * vector multiply-add advances both rows' sums by one term. Float32 sums `rows` rows as scalars.
 * params: z, act, x, weight, bias, N, I, alpha (f64)
 */
export function denseForwardOneOutput(p: Precision, epilogue: Epilogue, rows = 6): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.denseForwardOneOutput(p.name, epilogue), [
    i32,
    i32,
    i32,
    i32,
    i32,
    i32,
    i32,
    f64,
  ]);
  const e = new Emit(f, p);
  const [Z, ACT, X, W, BIAS, N, I, ALPHA] = [0, 1, 2, 3, 4, 5, 6, 7];
  const alpha = { vector: e.scalarLocal('vector', ALPHA), scalar: e.scalarLocal('scalar', ALPHA) };
  const m = f.local(i32);
  const k = f.local(i32);
  const IB = f.local(i32);
  const pw = f.local(i32);
  const bias = f.local(p.type);
  f.get(I).i32(p.shift).emit(op.i32Shl).set(IB);
  f.get(BIAS);
  e.load('scalar');
  f.set(bias);
  /** Stores the sums of rows m.. (a vector of two rows, or one scalar) at byte offset `at` from m. */
  const store = (width: Width, sum: number, at: number) => {
    f.get(Z).get(m).i32(p.shift).emit(op.i32Shl, op.i32Add).get(sum);
    e.store(width, at);
    if (epilogue !== 'linear') {
      f.get(ACT).get(m).i32(p.shift).emit(op.i32Shl, op.i32Add);
      e.activation(width, epilogue, sum, alpha[width]);
      e.store(width, at);
    }
  };
  /** R rows from m, one scalar sum each. */
  const scalarBand = (R: number) => {
    const px = Array.from({ length: R }, () => f.local(i32));
    const acc = locals(f, p, 'scalar', R);
    const wv = f.local(p.type);
    f.get(X).get(m).get(IB).emit(op.i32Mul, op.i32Add).set(px[0]);
    for (let r = 1; r < R; r++)
      f.get(px[r - 1])
        .get(IB)
        .emit(op.i32Add)
        .set(px[r]);
    for (const a of acc) f.get(bias).set(a);
    f.get(W).set(pw);
    f.forLoop(
      k,
      () => f.i32(0),
      () => f.get(I),
      1,
      () => {
        f.get(pw);
        e.load('scalar');
        f.set(wv);
        for (let r = 0; r < R; r++) {
          f.get(acc[r]).get(px[r]);
          e.load('scalar');
          f.get(wv);
          e.mul('scalar');
          e.add('scalar');
          f.set(acc[r]);
          f.get(px[r]).i32(p.size).emit(op.i32Add).set(px[r]);
        }
        f.get(pw).i32(p.size).emit(op.i32Add).set(pw);
      },
    );
    for (let r = 0; r < R; r++) store('scalar', acc[r], r * p.size);
  };
  if (p.lanes !== 2) {
    f.forLoop(
      m,
      () => f.i32(0),
      () =>
        f
          .get(N)
          .i32(rows - 1)
          .emit(op.i32Sub),
      rows,
      () => scalarBand(rows),
    );
    f.forLoop(
      m,
      () => f.get(m),
      () => f.get(N),
      1,
      () => scalarBand(1),
    );
    return f;
  }
  // float64: P pairs of rows, pair r = rows m + 2r and m + 2r + 1, its two sums in one vector
  const low = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]; // (a[0], b[0])
  const high = low.map((b) => b + 8); // (a[1], b[1])
  const pairBand = (P: number) => {
    const pr = Array.from({ length: P }, () => f.local(i32));
    const acc = locals(f, p, 'vector', P);
    const [w0, w1, va, vb] = locals(f, p, 'vector', 4);
    f.get(X).get(m).get(IB).emit(op.i32Mul, op.i32Add).set(pr[0]);
    for (let r = 1; r < P; r++)
      f.get(pr[r - 1])
        .get(IB)
        .get(IB)
        .emit(op.i32Add, op.i32Add)
        .set(pr[r]);
    for (const a of acc) f.get(bias).simd(p.v.splat).set(a);
    f.get(W).set(pw);
    const term = (r: number, lanes: number[], w: number) => {
      f.get(acc[r])
        .get(va)
        .get(vb)
        .simd(0x0d /* i8x16.shuffle */, ...lanes)
        .get(w);
      e.mul('vector');
      e.add('vector');
      f.set(acc[r]);
    };
    // two inputs at a time: k, k + 1
    f.forLoop(
      k,
      () => f.i32(1),
      () => f.get(I),
      2,
      () => {
        f.get(pw);
        e.loadSplat('vector');
        f.set(w0);
        f.get(pw);
        e.loadSplat('vector', p.size);
        f.set(w1);
        for (let r = 0; r < P; r++) {
          f.get(pr[r]);
          e.load('vector');
          f.set(va);
          f.get(pr[r]).get(IB).emit(op.i32Add);
          e.load('vector');
          f.set(vb);
          term(r, low, w0);
          term(r, high, w1);
          f.get(pr[r])
            .i32(2 * p.size)
            .emit(op.i32Add)
            .set(pr[r]);
        }
        f.get(pw)
          .i32(2 * p.size)
          .emit(op.i32Add)
          .set(pw);
      },
    );
    // an odd last input
    f.get(k)
      .get(I)
      .emit(op.i32Eq)
      .ifElse(() => {
        f.get(pw);
        e.loadSplat('vector');
        f.set(w0);
        for (let r = 0; r < P; r++) {
          f.get(pr[r]);
          e.loadSplat('vector');
          f.set(va);
          f.get(pr[r]).get(IB).emit(op.i32Add);
          e.loadSplat('vector');
          f.set(vb);
          term(r, low, w0);
        }
      });
    for (let r = 0; r < P; r++) store('vector', acc[r], 2 * r * p.size);
  };
  const P = rows / 2;
  f.forLoop(
    m,
    () => f.i32(0),
    () =>
      f
        .get(N)
        .i32(2 * P - 1)
        .emit(op.i32Sub),
    2 * P,
    () => pairBand(P),
  );
  f.forLoop(
    m,
    () => f.get(m),
    () => f.get(N).i32(1).emit(op.i32Sub),
    2,
    () => pairBand(1),
  );
  f.forLoop(
    m,
    () => f.get(m),
    () => f.get(N),
    1,
    () => scalarBand(1),
  );
  return f;
}

/**
 * dense_backward_in1: the backward pass of a layer with one input, in one sweep over its rows:
 *   dZ = dA ⊙ f'(z, a) (formed on the fly, never stored);  dWeight[O] = Σ_n x[n]·dZ[n, :];
 *   dBias[O] = Σ_n dZ[n, :]
 * Column blocks keep their sums in registers while the rows stream by. relu and leakyRelu test
 * a > 0 where their backward tests z > 0 — the same outcome for alpha ≥ 0, NaN included — so that
 * dense_forward_in1 need not store z; elu reads z and a, tanh and sigmoid a. No input gradient: a
 * first layer needs none (callers wanting one take the general kernels).
 * (Measured slower, so not done: recomputing z = bias + x·w instead of reading a, 10%; two rows
 * per iteration, 15%. This loop is bound by instructions, not memory.)
 * params: dWeight, dBias, dA, z, a, x, N, O, alpha (f64)
 */
export function denseBackwardOneInput(
  p: Precision,
  activation: LayerActivation,
  vectors = 4,
): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.denseBackwardOneInput(p.name, activation), [
    i32,
    i32,
    i32,
    i32,
    i32,
    i32,
    i32,
    i32,
    f64,
  ]);
  const e = new Emit(f, p);
  const [DW, DB, DA, Z, A, X, N, O, ALPHA] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const alpha = { vector: e.scalarLocal('vector', ALPHA), scalar: e.scalarLocal('scalar', ALPHA) };
  const one = { vector: f.local(0x7b), scalar: f.local(p.type) };
  e.constant('vector', 1);
  f.set(one.vector);
  e.constant('scalar', 1);
  f.set(one.scalar);
  const n = f.local(i32);
  const OB = f.local(i32);
  const pdA = f.local(i32);
  const pz = f.local(i32);
  const pa = f.local(i32);
  const px = f.local(i32);
  f.get(O).i32(p.shift).emit(op.i32Shl).set(OB);
  const signFromA = activation === 'relu' || activation === 'leakyRelu';
  const readsZ = activation === 'elu';
  const readsA = activation !== 'linear';
  columnBlocks(f, p, O, vectors, (width, count, o) => {
    const step = width === 'vector' ? p.lanes * p.size : p.size;
    const dW = locals(f, p, width, count);
    const dB = locals(f, p, width, count);
    const [xs, dA, dZ] = locals(f, p, width, 3);
    for (const a of [...dW, ...dB]) {
      e.constant(width, 0);
      f.set(a);
    }
    f.get(DA).get(o).emit(op.i32Add).set(pdA);
    if (readsZ) f.get(Z).get(o).emit(op.i32Add).set(pz);
    if (readsA) f.get(A).get(o).emit(op.i32Add).set(pa);
    f.get(X).set(px);
    f.forLoop(
      n,
      () => f.i32(0),
      () => f.get(N),
      1,
      () => {
        f.get(px);
        e.loadSplat(width);
        f.set(xs);
        for (let j = 0; j < count; j++) {
          f.get(pdA);
          e.load(width, j * step);
          f.set(dA);
          const load = (at: number) => () => {
            f.get(at);
            e.load(width, j * step);
          };
          e.derivative(
            width,
            activation,
            dA,
            signFromA ? load(pa) : load(pz),
            load(pa),
            alpha[width],
            one[width],
          );
          f.set(dZ);
          // dWeight += x·dZ (matmulTransA), dBias += dZ (columnSums)
          f.get(xs).get(dZ);
          e.mul(width);
          e.accumulate(width, dW[j]);
          f.get(dZ);
          e.accumulate(width, dB[j]);
        }
        for (const at of [pdA, ...(readsZ ? [pz] : []), ...(readsA ? [pa] : [])])
          f.get(at).get(OB).emit(op.i32Add).set(at);
        f.get(px).i32(p.size).emit(op.i32Add).set(px);
      },
    );
    for (let j = 0; j < count; j++) {
      f.get(DW).get(o).emit(op.i32Add).get(dW[j]);
      e.store(width, j * step);
      f.get(DB).get(o).emit(op.i32Add).get(dB[j]);
      e.store(width, j * step);
    }
  });
  return f;
}

/**
 * dense_backward_out1: the backward pass of a layer with one output, from dZ[N] = ∂loss/∂z, in
 * one sweep over its input rows:
 *   dWeight[I] = Σ_n x[n, :]·dZ[n];  dBias[0] = Σ_n dZ[n];  dInput[N×I] = dZ[n]·weight (when asked)
 * params: dWeight, dBias, dInput (0 = none), dZ, x, weight, N, I
 */
export function denseBackwardOneOutput(p: Precision, vectors = 8): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.denseBackwardOneOutput(p.name), [
    i32,
    i32,
    i32,
    i32,
    i32,
    i32,
    i32,
    i32,
  ]);
  const e = new Emit(f, p);
  const [DW, DB, DI, DZ, X, W, N, I] = [0, 1, 2, 3, 4, 5, 6, 7];
  const n = f.local(i32);
  const IB = f.local(i32);
  const px = f.local(i32);
  const pd = f.local(i32);
  const pz = f.local(i32);
  f.get(I).i32(p.shift).emit(op.i32Shl).set(IB);
  const sweep = (withInput: boolean) =>
    columnBlocks(f, p, I, vectors, (width, count, i) => {
      const step = width === 'vector' ? p.lanes * p.size : p.size;
      const dW = locals(f, p, width, count);
      const w = locals(f, p, width, count);
      const dz = f.local(width === 'vector' ? 0x7b : p.type);
      for (let j = 0; j < count; j++) {
        e.constant(width, 0);
        f.set(dW[j]);
        if (withInput) {
          f.get(W).get(i).emit(op.i32Add);
          e.load(width, j * step);
          f.set(w[j]);
        }
      }
      f.get(X).get(i).emit(op.i32Add).set(px);
      if (withInput) f.get(DI).get(i).emit(op.i32Add).set(pd);
      f.get(DZ).set(pz);
      f.forLoop(
        n,
        () => f.i32(0),
        () => f.get(N),
        1,
        () => {
          f.get(pz);
          e.loadSplat(width);
          f.set(dz);
          for (let j = 0; j < count; j++) {
            // dWeight += x·dZ (matmulTransA)
            f.get(px);
            e.load(width, j * step);
            f.get(dz);
            e.mul(width);
            e.accumulate(width, dW[j]);
            if (withInput) {
              // dInput = dZ·w (matmulTransB with one term per sum)
              f.get(pd).get(dz).get(w[j]);
              e.mul(width);
              e.store(width, j * step);
            }
          }
          f.get(px).get(IB).emit(op.i32Add).set(px);
          if (withInput) f.get(pd).get(IB).emit(op.i32Add).set(pd);
          f.get(pz).i32(p.size).emit(op.i32Add).set(pz);
        },
      );
      for (let j = 0; j < count; j++) {
        f.get(DW).get(i).emit(op.i32Add).get(dW[j]);
        e.store(width, j * step);
      }
    });
  f.get(DI).ifElse(
    () => sweep(true),
    () => sweep(false),
  );
  // dBias = Σ_n dZ[n] (columnSums of one column)
  const sum = f.local(p.type);
  e.constant('scalar', 0);
  f.set(sum);
  f.forLoop(
    n,
    () => f.i32(0),
    () => f.get(N),
    1,
    () => {
      f.get(DZ).get(n).i32(p.shift).emit(op.i32Shl, op.i32Add);
      e.load('scalar');
      e.accumulate('scalar', sum);
    },
  );
  f.get(DB).get(sum);
  e.store('scalar');
  return f;
}

/** Every fused layer kernel, both precisions. */
export function fusedKernels(): FunctionBuilder[] {
  const out: FunctionBuilder[] = [];
  for (const p of precisions) {
    for (const ep of epilogues) out.push(denseForwardOneInput(p, ep), denseForwardOneOutput(p, ep));
    for (const a of layerActivations) out.push(denseBackwardOneInput(p, a));
    out.push(denseBackwardOneOutput(p));
  }
  return out;
}
