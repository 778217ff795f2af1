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
// elements, alpha arrives as f64; parameters are named in capitals (see generate.ts).

import {
  type BackwardActivation,
  type Epilogue,
  type LayerActivation,
  backwardActivations,
  epilogues,
  kernelNames,
  layerActivations,
} from '../names.js';
import { Emit, type Precision, type Width, precisions } from './emit.js';
import { FunctionBuilder, type RowPointer, f64, i32, op, simd } from './encoder.js';

/**
 * Sweeps the columns of a row-major matrix in blocks: `block(width, count, o)` handles `count`
 * vectors (or one element for 'scalar') starting at byte offset `o` (a local) of every row.
 * Blocks of `vectors` vectors first, then single vectors, then single elements.
 */
export function columnBlocks(
  e: Emit,
  columns: number,
  vectors: number,
  block: (width: Width, count: number, o: number) => void,
): void {
  const { f, p } = e;
  const o = f.local(i32);
  const end = f.local(i32);
  const vb = p.lanes * p.size;
  f.shl(columns, p.shift).set(end);
  f.sweep(
    o,
    () => f.get(end),
    [vectors * vb, vb, p.size],
    (_, i) => block(i === 2 ? 'scalar' : 'vector', i === 0 ? vectors : 1, o),
  );
}

/**
 * dense_forward_in1: z[N×O] = x[N×1] · weight[1×O] + bias[O], act = f(z) when the epilogue is not
 * linear. Column blocks hold their weights and biases in registers while the rows stream by:
 * z = bias + x·w, the reference's arithmetic for one input. With Z = 0 and a fused activation only
 * act is written (half the memory traffic, which bounds this loop): the backward pass recomputes
 * z, and a caller wanting z later calls again with a z buffer.
 */
export function denseForwardOneInput(p: Precision, epilogue: Epilogue, vectors = 4): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.denseForwardOneInput(p.name, epilogue), {
    /** 0: do not store z */
    Z: i32,
    ACT: i32,
    X: i32,
    W: i32,
    BIAS: i32,
    N: i32,
    O: i32,
    ALPHA: f64,
  });
  const e = new Emit(f, p);
  const { Z, ACT, X, W, BIAS, N, O, ALPHA } = f.arg;
  const alpha = e.argumentPair(ALPHA);
  const [n, OB, pz, pa, px] = f.localsOf(i32, 5);
  f.shl(O, p.shift).set(OB);
  const fused = epilogue !== 'linear';
  const sweep = (leakyAsMax: boolean, storeZ: boolean) =>
    columnBlocks(e, O, vectors, (width, count, o) => {
      const step = width === 'vector' ? p.lanes * p.size : p.size;
      const w = e.locals(width, count);
      const b = e.locals(width, count);
      const [xs, z] = e.locals(width, 2);
      for (let j = 0; j < count; j++) {
        f.at(W, o);
        e.load(width, j * step);
        f.set(w[j]);
        f.at(BIAS, o);
        e.load(width, j * step);
        f.set(b[j]);
      }
      f.at(Z, o).set(pz);
      f.at(ACT, o).set(pa);
      f.get(X).set(px);
      const rows: (RowPointer | false)[] = [storeZ && [pz, OB], fused && [pa, OB], [px, { bytes: p.size }]];
      f.sweepRows(n, N, rows, () => {
        e.splatLocal(width, xs, px);
        for (let j = 0; j < count; j++) {
          // z = bias + x·w
          f.get(b[j]).get(xs).get(w[j]);
          e.mul(width);
          e.add(width);
          f.set(z);
          if (storeZ) {
            f.get(pz).get(z);
            e.store(width, j * step);
          }
          if (fused) {
            f.get(pa);
            e.activation(width, epilogue, z, alpha[width], leakyAsMax);
            e.store(width, j * step);
          }
        }
      });
    });
  const sweeps = (storeZ: boolean) => {
    if (epilogue === 'leakyRelu') {
      // 0 < alpha ≤ 1 (the usual case): leaky ReLU as pmax(z, alpha·z)
      f.get(ALPHA).f64(0).emit(op.f64Gt).get(ALPHA).f64(1).emit(op.f64Le, op.i32And);
      f.ifElse(
        () => sweep(true, storeZ),
        () => sweep(false, storeZ),
      );
    } else {
      sweep(false, storeZ);
    }
  };
  if (!fused) sweeps(true);
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
 */
export function denseForwardOneOutput(p: Precision, epilogue: Epilogue, rows = 6): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.denseForwardOneOutput(p.name, epilogue), {
    Z: i32,
    ACT: i32,
    X: i32,
    W: i32,
    BIAS: i32,
    N: i32,
    I: i32,
    ALPHA: f64,
  });
  const e = new Emit(f, p);
  const { Z, ACT, BIAS, N, I, ALPHA } = f.arg;
  const alpha = e.argumentPair(ALPHA);
  const [m, k, IB, pw] = f.localsOf(i32, 4);
  const bias = e.local('scalar');
  f.shl(I, p.shift).set(IB);
  e.loadLocal('scalar', bias, BIAS);
  /** Stores the sums of rows m.. (a vector of two rows, or one scalar) at byte offset `at` from m. */
  const store = (width: Width, sum: number, at: number) => {
    f.get(Z).shl(m, p.shift).emit(op.i32Add).get(sum);
    e.store(width, at);
    if (epilogue !== 'linear') {
      f.get(ACT).shl(m, p.shift).emit(op.i32Add);
      e.activation(width, epilogue, sum, alpha[width]);
      e.store(width, at);
    }
  };
  const l: OneOutputLocals = { m, k, IB, pw, bias, store };
  if (p.lanes !== 2) {
    f.sweep(
      m,
      () => f.get(N),
      [rows, 1],
      (R) => rowsAsScalars(e, l, R),
    );
    return f;
  }
  // float64: pairs of rows first, then one pair, then one row
  const P = rows / 2;
  f.sweep(
    m,
    () => f.get(N),
    [2 * P, 2, 1],
    (_, i) => (i === 2 ? rowsAsScalars(e, l, 1) : rowPairs(e, l, i === 0 ? P : 1)),
  );
  return f;
}

/** dense_forward_out1's locals, shared by its bands of rows. */
interface OneOutputLocals {
  m: number;
  k: number;
  IB: number;
  pw: number;
  bias: number;
  store: (width: Width, sum: number, at: number) => void;
}

/** dense_forward_out1 on R rows from m, one scalar sum each. */
function rowsAsScalars(e: Emit, l: OneOutputLocals, R: number): void {
  const { f, p } = e;
  const { X, W, I } = f.arg;
  const px = f.localsOf(i32, R);
  const acc = e.locals('scalar', R);
  const wv = e.local('scalar');
  f.get(X).get(l.m).get(l.IB).emit(op.i32Mul, op.i32Add).set(px[0]);
  for (let r = 1; r < R; r++) f.at(px[r - 1], l.IB).set(px[r]);
  for (const a of acc) f.get(l.bias).set(a);
  f.get(W).set(l.pw);
  f.upTo(l.k, I, () => {
    e.loadLocal('scalar', wv, l.pw);
    for (let r = 0; r < R; r++) {
      // acc[r] += x[m + r, k]·w[k]
      f.get(acc[r]).get(px[r]);
      e.load('scalar');
      f.get(wv);
      e.mul('scalar');
      e.add('scalar');
      f.set(acc[r]);
      f.advanceBytes(px[r], p.size);
    }
    f.advanceBytes(l.pw, p.size);
  });
  for (let r = 0; r < R; r++) l.store('scalar', acc[r], r * p.size);
}

/** The shuffles gathering (a[0], b[0]) and (a[1], b[1]) from two f64x2 vectors a and b. */
const low = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const high = low.map((b) => b + 8);

/** dense_forward_out1 in float64 on P pairs of rows from m: pair r is rows m + 2r and m + 2r + 1, its two sums in one vector. */
function rowPairs(e: Emit, l: OneOutputLocals, P: number): void {
  const { f, p } = e;
  const { X, W, I } = f.arg;
  const pr = f.localsOf(i32, P);
  const acc = e.locals('vector', P);
  const [w0, w1, va, vb] = e.locals('vector', 4);
  f.get(X).get(l.m).get(l.IB).emit(op.i32Mul, op.i32Add).set(pr[0]);
  for (let r = 1; r < P; r++)
    f.get(pr[r - 1])
      .get(l.IB)
      .get(l.IB)
      .emit(op.i32Add, op.i32Add)
      .set(pr[r]);
  for (const a of acc) f.get(l.bias).simd(p.v.splat).set(a);
  f.get(W).set(l.pw);
  /** acc[r] += (the lanes of va, vb picked by `lanes`) · w */
  const term = (r: number, lanes: number[], w: number) => {
    f.get(acc[r])
      .get(va)
      .get(vb)
      .simd(simd.shuffle, ...lanes)
      .get(w);
    e.mul('vector');
    e.add('vector');
    f.set(acc[r]);
  };
  /** va, vb ← pair r's two rows at the current input: the (k, k + 1) pairs, or x[k] splatted */
  const loadPair = (r: number, load: () => void) => {
    f.get(pr[r]);
    load();
    f.set(va);
    f.at(pr[r], l.IB);
    load();
    f.set(vb);
  };
  // two inputs at a time: k, k + 1
  f.forLoop(
    l.k,
    () => f.i32(1),
    () => f.get(I),
    2,
    () => {
      e.splatLocal('vector', w0, l.pw);
      e.splatLocal('vector', w1, l.pw, p.size);
      for (let r = 0; r < P; r++) {
        loadPair(r, () => e.load('vector'));
        term(r, low, w0);
        term(r, high, w1);
        f.advanceBytes(pr[r], 2 * p.size);
      }
      f.advanceBytes(l.pw, 2 * p.size);
    },
  );
  // an odd last input
  f.get(l.k)
    .get(I)
    .emit(op.i32Eq)
    .ifElse(() => {
      e.splatLocal('vector', w0, l.pw);
      for (let r = 0; r < P; r++) {
        loadPair(r, () => e.loadSplat('vector'));
        term(r, low, w0);
      }
    });
  for (let r = 0; r < P; r++) l.store('vector', acc[r], 2 * r * p.size);
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
 */
export function denseBackwardOneInput(
  p: Precision,
  activation: LayerActivation,
  vectors = 4,
): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.denseBackwardOneInput(p.name, activation), {
    DW: i32,
    DB: i32,
    DA: i32,
    Z: i32,
    A: i32,
    X: i32,
    N: i32,
    O: i32,
    ALPHA: f64,
  });
  const e = new Emit(f, p);
  const { DW, DB, DA, Z, A, X, N, O, ALPHA } = f.arg;
  const alpha = e.argumentPair(ALPHA);
  const one = e.constantPair(1);
  const [n, OB, pdA, pz, pa, px] = f.localsOf(i32, 6);
  f.shl(O, p.shift).set(OB);
  const signFromA = activation === 'relu' || activation === 'leakyRelu';
  const readsZ = activation === 'elu';
  const readsA = activation !== 'linear';
  columnBlocks(e, O, vectors, (width, count, o) => {
    const step = width === 'vector' ? p.lanes * p.size : p.size;
    const dW = e.locals(width, count);
    const dB = e.locals(width, count);
    const [xs, dA, dZ] = e.locals(width, 3);
    for (const a of [...dW, ...dB]) {
      e.constant(width, 0);
      f.set(a);
    }
    f.at(DA, o).set(pdA);
    if (readsZ) f.at(Z, o).set(pz);
    if (readsA) f.at(A, o).set(pa);
    f.get(X).set(px);
    const rows: (RowPointer | false)[] = [
      [pdA, OB],
      readsZ && [pz, OB],
      readsA && [pa, OB],
      [px, { bytes: p.size }],
    ];
    f.sweepRows(n, N, rows, () => {
      e.splatLocal(width, xs, px);
      for (let j = 0; j < count; j++) {
        e.loadLocal(width, dA, pdA, j * step);
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
    });
    for (let j = 0; j < count; j++) {
      f.at(DW, o).get(dW[j]);
      e.store(width, j * step);
      f.at(DB, o).get(dB[j]);
      e.store(width, j * step);
    }
  });
  return f;
}

/**
 * dense_backward_out1: the backward pass of a layer with one output, from dZ[N] = ∂loss/∂z, in
 * one sweep over its input rows:
 *   dWeight[I] = Σ_n x[n, :]·dZ[n];  dBias[0] = Σ_n dZ[n];  dInput[N×I] = dZ[n]·weight (when asked)
 * With `below` (dense_backward_out1_through_…, for a Dense layer below with that activation, whose
 * z and a = f(z) are ZB and AB): dInput is that layer's dA, carried on to its
 * dZ = dA ⊙ f'(z, a), stored at DI, and its bias gradient DBB[I] = Σ_n dZ[n, :], summed in row
 * order: the same bits as act_backward_sums after this kernel, in the same sweep. Block sizes:
 * 8 vectors alone, 4 carrying on (each block also holds its bias gradients in registers).
 */
export function denseBackwardOneOutput(
  p: Precision,
  below: BackwardActivation | null = null,
): FunctionBuilder {
  const f = new FunctionBuilder(
    below
      ? kernelNames.denseBackwardOneOutputThrough(p.name, below)
      : kernelNames.denseBackwardOneOutput(p.name),
    {
      DW: i32,
      DB: i32,
      /** 0: no input gradient */
      DI: i32,
      DZ: i32,
      X: i32,
      W: i32,
      N: i32,
      I: i32,
      DBB: i32,
      ZB: i32,
      AB: i32,
      ALPHA: f64,
    },
  );
  const e = new Emit(f, p);
  const { DB, DI, DZ, N, I, ALPHA } = f.arg;
  const [n, IB, px, pd, pz, pzb, pab] = f.localsOf(i32, 7);
  const l = { n, IB, px, pd, pz };
  const through = below && {
    activation: below,
    one: e.constantPair(1),
    alpha: e.argumentPair(ALPHA),
    dA: e.localPair(),
    z: pzb,
    a: pab,
  };
  f.shl(I, p.shift).set(IB);
  const sweep = (withInput: boolean) =>
    columnBlocks(e, I, below ? 4 : 8, (width, count, i) =>
      oneOutputBlock(e, l, withInput ? through || 'dInput' : null, width, count, i),
    );
  f.get(DI).ifElse(
    () => sweep(true),
    () => sweep(false),
  );
  oneColumnSum(e, DZ, DB, n, N); // dBias = Σ_n dZ[n]
  return f;
}

/** dense_backward_out1_through's locals: the layer below's activation, its z and a row pointers. */
interface Through {
  activation: BackwardActivation;
  one: Record<Width, number>;
  alpha: Record<Width, number>;
  dA: Record<Width, number>;
  z: number;
  a: number;
}

/**
 * One block of `count` columns (vectors, or one element) at byte offset i of dense_backward_out1:
 * dWeight summed over the rows; the input gradient written (`'dInput'`), carried on through the
 * layer below (Through), or not asked (null).
 */
function oneOutputBlock(
  e: Emit,
  l: { n: number; IB: number; px: number; pd: number; pz: number },
  input: 'dInput' | Through | null,
  width: Width,
  count: number,
  i: number,
): void {
  const { f, p } = e;
  const { DW, DI, DZ, X, W, N, DBB, ZB, AB } = f.arg;
  const step = width === 'vector' ? p.lanes * p.size : p.size;
  const dW = e.locals(width, count);
  const w = e.locals(width, count);
  const sums = typeof input === 'object' && input !== null ? e.locals(width, count) : [];
  const dz = e.local(width);
  for (let j = 0; j < count; j++) {
    e.constant(width, 0);
    f.set(dW[j]);
    if (input) {
      f.at(W, i);
      e.load(width, j * step);
      f.set(w[j]);
    }
  }
  for (const sum of sums) {
    e.constant(width, 0);
    f.set(sum);
  }
  f.at(X, i).set(l.px);
  if (input) f.at(DI, i).set(l.pd);
  const carried = typeof input === 'object' && input !== null ? input : false;
  if (carried) {
    f.at(ZB, i).set(carried.z);
    f.at(AB, i).set(carried.a);
  }
  f.get(DZ).set(l.pz);
  const rows: (RowPointer | false)[] = [
    [l.px, l.IB],
    input !== null && [l.pd, l.IB],
    [l.pz, { bytes: p.size }],
    carried && [carried.z, l.IB],
    carried && [carried.a, l.IB],
  ];
  f.sweepRows(l.n, N, rows, () => {
    e.splatLocal(width, dz, l.pz);
    for (let j = 0; j < count; j++) {
      // dWeight += x·dZ (matmulTransA)
      f.get(l.px);
      e.load(width, j * step);
      f.get(dz);
      e.mul(width);
      e.accumulate(width, dW[j]);
      if (!input) continue;
      // dInput = dZ·w (matmulTransB with one term per sum)
      f.get(l.pd).get(dz).get(w[j]);
      e.mul(width);
      if (carried) carryOn(e, carried, width, j * step, sums[j]);
      else e.store(width, j * step);
    }
  });
  for (let j = 0; j < count; j++) {
    f.at(DW, i).get(dW[j]);
    e.store(width, j * step);
  }
  sums.forEach((sum, j) => {
    f.at(DBB, i).get(sum);
    e.store(width, j * step);
  });
}

/**
 * With dA on the stack and DI's row pointer below it: stores dZ = dA ⊙ f'(z, a) of the layer
 * below (z and a at byte offset `offset` of their rows) and adds it to that layer's bias gradient.
 */
function carryOn(e: Emit, t: Through, width: Width, offset: number, sum: number): void {
  const { f } = e;
  const dA = t.dA[width];
  f.set(dA);
  const load = (pointer: number) => () => {
    f.get(pointer);
    e.load(width, offset);
  };
  e.derivative(width, t.activation, dA, load(t.z), load(t.a), t.alpha[width], t.one[width]);
  f.tee(dA);
  e.store(width, offset);
  f.get(dA);
  e.accumulate(width, sum);
}

/** Stores at DST the sum of the N scalars from SRC (counter n): a one-column bias gradient, summed in row order. */
export function oneColumnSum(e: Emit, SRC: number, DST: number, n: number, N: number): void {
  const { f, p } = e;
  const sum = e.local('scalar');
  e.constant('scalar', 0);
  f.set(sum);
  f.upTo(n, N, () => {
    f.get(SRC).shl(n, p.shift).emit(op.i32Add);
    e.load('scalar');
    e.accumulate('scalar', sum);
  });
  f.get(DST).get(sum);
  e.store('scalar');
}

/** Every fused layer kernel, both precisions. */
export function fusedKernels(): FunctionBuilder[] {
  const out: FunctionBuilder[] = [];
  for (const p of precisions) {
    for (const ep of epilogues) out.push(denseForwardOneInput(p, ep), denseForwardOneOutput(p, ep));
    for (const a of layerActivations) out.push(denseBackwardOneInput(p, a));
    out.push(denseBackwardOneOutput(p));
    for (const a of backwardActivations) out.push(denseBackwardOneOutput(p, a));
  }
  return out;
}
