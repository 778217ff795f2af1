// The WebAssembly SIMD128 kernels, written as TypeScript that emits their instructions (see
// encoder.ts, and emit.ts for the per-precision vocabulary). Each generator is the fast twin of a
// reference kernel in ../matmul.ts, nn/activations.ts or ../optimizers.ts, and
// test/kernels.test.ts holds each pair equal.
//
// Conventions: every pointer argument is a byte address in the module's memory; sizes and strides
// count elements. Scalars (alpha, learning rate…) arrive as f64 for both precisions. Parameters
// are named in capitals, locals in lower case; a B suffix marks a size or stride in bytes.
// Shape legend: M rows of the output, K the shared (inner) dimension, O (or P) output columns.
//
// Register blocking (Goto & van de Geijn 2008, "Anatomy of high-performance matrix multiplication"):
// the product is computed in R×C tiles held in SIMD registers, so each loaded value is used R or C
// times. Without FMA in SIMD128 every step is a mul then an add (float32 takes relaxed SIMD's
// relaxed_madd where the engine has it: allKernels). Measured on Node 20 / x64: 4 rows ×
// 2 vectors (8 accumulators) is best; 12 or more accumulators spill registers (3-10× slower), and
// unrolling the k loop by 2 or 4 made V8's code 20-30% slower, so neither is done. Rows left over
// take 2-row, then 1-row tiles (a layer of 10 inputs: dW's rows 8 and 9 were two 1-row tiles,
// 11.5 → 15.3 GFLOP/s). Float64 on this machine (Xeon, AVX-512, ~2.9 GHz): 2×4, 3×3, 4×3, 5×2 and
// 6×2 tiles measured no faster than 4×2 on the tabular shapes (750×64·64×64, 750×10·10×64) and
// slower on 128×784·784×128; ~16 GFLOP/s is near the bound of a separate multiply and add per
// term (float64 keeps them separate to stay bit-identical to the JavaScript reference).

import {
  type BackwardActivation,
  type Epilogue,
  type MathActivation,
  type ProductEpilogue,
  backwardActivations,
  epilogues,
  isMathActivation,
  kernelNames,
  productEpilogues,
} from '../names.js';
import { activationSweep } from './activations.js';
import {
  activationBackwardParameters,
  Emit,
  type Precision,
  type Width,
  elementwiseLoop,
  precisions,
} from './emit.js';
import { encodeModule, FunctionBuilder, f64, i32, op, scalar, simd } from './encoder.js';

/**
 * gemm_nn: out[M×O] = A · B (+ bias[O]), act[M×O] = f(out) when the epilogue is not linear.
 * A is read through strides (element (m, k) at A + m·SAR + k·SAK), so one kernel serves both
 *   the dense forward  z = x · W        (A = x,  SAR = K, SAK = 1)
 *   and the weight gradient dW = xᵀ · dZ (A = xᵀ, SAR = 1, SAK = rows of x).
 * B[K×O] is row-major; the output is vectorized along O. BIAS = 0: no bias.
 * relu and leakyRelu are applied in registers as each output is stored; the activations of
 * activations.ts (tanh…) to each band of rows once its products are stored, while in L1 cache.
 */
export function gemmNN(p: Precision, epilogue: ProductEpilogue, R = 4, C = 2): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.gemmNN(p.name, epilogue), {
    OUT: i32,
    ACT: i32,
    A: i32,
    SAR: i32,
    SAK: i32,
    B: i32,
    BIAS: i32,
    M: i32,
    K: i32,
    O: i32,
    ALPHA: f64,
  });
  const e = new Emit(f, p);
  const { M, K, ALPHA } = f.arg;
  const loops = gemmLocals(e, R, epilogue === 'leakyRelu' ? ALPHA : -1);
  const { m } = loops;
  // the tiles' epilogue, and the band's (an activation of activations.ts, else none)
  const inRegisters = isMathActivation(epilogue) ? 'linear' : epilogue;
  const afterBand = isMathActivation(epilogue) ? bandActivation(e, epilogue, loops) : (_: () => void) => {};
  const rowsOf = (layout: ALayout) => () =>
    tileBands(
      e,
      loops,
      C,
      R,
      (rows, cols, width) => gemmTile(e, inRegisters, loops, layout, rows, cols, width),
      afterBand,
    );
  // K = 1 (an outer product: a layer with one input, or dZ·Wᵀ of a layer with one output): each
  // output is bias + a·b, and the tiles' set-up would cost more than their one step, so rows
  // are swept directly. Same arithmetic as the tiles (0 + a·b without a bias).
  const outer = () => {
    outerProduct(e, inRegisters, loops);
    f.i32(0).set(m);
    afterBand(() => f.get(M));
  };
  // adjacent rows of A (SAR = 1: the weight gradient xᵀ·dZ, a product without epilogue) are read
  // through one pointer
  const tiles =
    epilogue === 'linear'
      ? () =>
          f
            .get(f.arg.SAR)
            .i32(1)
            .emit(op.i32Eq)
            .ifElse(() => inKBlocks(e, loops, rowsOf('adjacentRows')), rowsOf('strided'))
      : rowsOf('strided');
  f.get(K).i32(1).emit(op.i32Eq).ifElse(outer, tiles);
  return f;
}

/**
 * gemm_nn_backward: the input gradient of a layer carried through the activation of the layer
 * below, and that layer's bias gradient, in one product:
 *   dZ[M×O] = (A · B) ⊙ f'(z, a),   dBias[O] = Σ_m dZ[m, :]
 * with A = dZ of the layer above (SAR = its outputs, SAK = 1) and B its transposed weight, so A·B
 * is dA of the layer below, whose z and a = f(z) are Z and ACT. Each dA is the sum gemm_nn
 * computes, dZ the same arithmetic as act_backward_sums, and each dBias sums its rows in order
 * from 0 (the tiles' bands run down the rows): the same bits as gemm_nn, then act_backward_sums,
 * without writing dA and reading it back. OUT = dZ, BIAS = dBias (zeroed here, then summed into).
 */
export function gemmNNBackward(p: Precision, activation: BackwardActivation, R = 4, C = 2): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.gemmNNBackward(p.name, activation), {
    OUT: i32,
    BIAS: i32,
    A: i32,
    SAR: i32,
    SAK: i32,
    B: i32,
    M: i32,
    K: i32,
    O: i32,
    Z: i32,
    ACT: i32,
    ALPHA: f64,
  });
  const e = new Emit(f, p);
  const { BIAS, O, ALPHA } = f.arg;
  const loops = gemmLocals(e, R, ALPHA);
  const derivative = { activation, one: e.constantPair(1), dZ: e.localPair() };
  elementwiseLoop(f, p, O, (width, i) => {
    f.at(BIAS, i);
    e.constant(width, 0);
    e.store(width);
  });
  const tile = (rows: number, cols: number, width: Width) =>
    gemmTile(e, derivative, loops, 'strided', rows, cols, width);
  tileBands(e, loops, C, R, tile, () => {});
  return f;
}

/** The locals of gemm_nn and gemm_nn_backward; `alpha`: the argument to splat into l.alpha, or -1. */
function gemmLocals(e: Emit, R: number, alpha: number): GemmLocals {
  const { f, p } = e;
  const [m, o, k, sArB, sAkB, OB, pb, po] = f.localsOf(i32, 8);
  f.shl(f.arg.SAR, p.shift).set(sArB);
  f.shl(f.arg.SAK, p.shift).set(sAkB);
  f.shl(f.arg.O, p.shift).set(OB);
  const pa = f.localsOf(i32, R);
  const z = e.localPair();
  const alphaPair = alpha >= 0 ? e.argumentPair(alpha) : { vector: -1, scalar: -1 };
  return { m, o, k, sArB, sAkB, OB, pb, po, pa, z, alpha: alphaPair, carry: f.local(i32) };
}

/**
 * The tiles' sweep: bands of R, 2, then 1 rows down M; in each, tiles of C vectors, one vector,
 * then single columns across O; `afterBand` once a band's tiles are stored (its row count pushed
 * by the function it is given).
 */
function tileBands(
  e: Emit,
  l: GemmLocals,
  C: number,
  R: number,
  tile: (rows: number, cols: number, width: Width) => void,
  afterBand: (rows: () => void) => void,
): void {
  const { f, p } = e;
  const band = (rows: number) => {
    f.sweep(
      l.o,
      () => f.get(f.arg.O),
      [p.lanes * C, p.lanes, 1],
      (_, i) => tile(rows, i === 0 ? C : 1, i === 2 ? 'scalar' : 'vector'),
    );
    afterBand(() => f.i32(rows));
  };
  f.sweep(l.m, () => f.get(f.arg.M), [R, 2, 1], band);
}

/**
 * gemm_nn's epilogue for an activation of activations.ts: act = f(out) over the rows from row m,
 * their count pushed by `rows()`; written once per band size.
 */
function bandActivation(e: Emit, activation: MathActivation, l: GemmLocals): (rows: () => void) => void {
  const { f } = e;
  const { OUT, ACT, O, ALPHA } = f.arg;
  const alpha = e.scalarLocal('vector', ALPHA);
  const [zAt, actAt, n] = f.localsOf(i32, 3);
  return (rows: () => void) => {
    f.get(l.m).get(l.OB).emit(op.i32Mul).set(actAt);
    f.get(OUT).get(actAt).emit(op.i32Add).set(zAt);
    f.get(ACT).get(actAt).emit(op.i32Add).set(actAt);
    rows();
    f.get(O).emit(op.i32Mul).set(n);
    activationSweep(e, activation, actAt, zAt, n, alpha);
  };
}

/**
 * Rows of K per block of the weight gradient xᵀ·dZ (K = the batch's rows): a block of dZ (K_BLOCK
 * rows of O values) stays in L1 cache while every band of rows reads it.
 */
const K_BLOCK = 64;

/**
 * Runs `tiles` over K in blocks of K_BLOCK (the weight gradient's long K: the rows of a batch),
 * the arguments A, B and K set to each block's; tiles after the first start from the sums stored
 * by the block before (l.carry), so each output still sums its k in order: the same bits as one
 * block. Measured on Node 20 / x64, float64, CPU time, dW = xᵀ·dZ of 750 rows, 64 × 64: one block
 * 13.4 GFLOP/s, blocks of 128 rows 13.5, of 64 rows 15.2, of 32 rows 15.0.
 */
function inKBlocks(e: Emit, l: GemmLocals, tiles: () => void): void {
  const { f } = e;
  const { A, B, K } = f.arg;
  const [k0, all, a0, b0] = f.localsOf(i32, 4);
  f.get(K).set(all);
  f.get(A).set(a0);
  f.get(B).set(b0);
  f.i32(0).set(l.carry);
  f.forLoop(
    k0,
    () => f.i32(0),
    // K = 0 runs once (the tiles store their bias or 0)
    () => f.get(all).get(all).emit(op.i32Eqz, op.i32Or),
    K_BLOCK,
    () => {
      // K = min(K_BLOCK, all − k0)
      f.i32(K_BLOCK).get(all).get(k0).emit(op.i32Sub);
      f.i32(K_BLOCK).get(all).get(k0).emit(op.i32Sub, op.i32LtS, op.select).set(K);
      f.get(a0).get(k0).get(l.sAkB).emit(op.i32Mul, op.i32Add).set(A);
      f.get(b0).get(k0).get(l.OB).emit(op.i32Mul, op.i32Add).set(B);
      tiles();
      f.i32(1).set(l.carry);
    },
  );
}

/** gemm_nn's locals, shared by its tiles and its K = 1 sweep. */
interface GemmLocals {
  m: number;
  o: number;
  k: number;
  sArB: number;
  sAkB: number;
  OB: number;
  /** B's row k */
  pb: number;
  po: number;
  /** row pointers into A */
  pa: number[];
  /** z of one output, to apply the epilogue to */
  z: Record<Width, number>;
  alpha: Record<Width, number>;
  /** 1: the tiles continue the sums already in OUT (a K block after the first, inKBlocks) */
  carry: number;
}

/**
 * How gemm_nn reads A: through a pointer per row, or through one pointer when rows are adjacent
 * (SAR = 1: row r at byte offset r·size), which saves rows − 1 additions per k. Each output sums
 * its k in order either way, so both give the same bits.
 */
type ALayout = 'strided' | 'adjacentRows';

/** One rows×cols tile of gemm_nn at rows m.., columns o..; width: vectors of `lanes` or single elements. */
/** gemm_nn_backward's tile epilogue: dZ = dA ⊙ f'(z, a), summed into dBias; `one` and `dZ` are locals. */
interface DerivativeEpilogue {
  activation: BackwardActivation;
  one: Record<Width, number>;
  dZ: Record<Width, number>;
}

function gemmTile(
  e: Emit,
  epilogue: Epilogue | DerivativeEpilogue,
  l: GemmLocals,
  layout: ALayout,
  rows: number,
  cols: number,
  width: Width,
): void {
  const { f, p } = e;
  const { OUT, ACT, A, B, K } = f.arg;
  const step = width === 'vector' ? p.lanes * p.size : p.size;
  const acc = e.locals(width, rows * cols);
  const bv = e.locals(width, cols);
  const av = e.local(width);
  startTile(e, l, layout, acc, rows, width, typeof epilogue === 'string');
  // row pointers into A and the column pointer into B
  f.get(A).get(l.m).get(l.sArB).emit(op.i32Mul, op.i32Add).set(l.pa[0]);
  if (layout !== 'adjacentRows') for (let r = 1; r < rows; r++) f.at(l.pa[r - 1], l.sArB).set(l.pa[r]);
  f.get(B).shl(l.o, p.shift).emit(op.i32Add).set(l.pb);
  f.upTo(l.k, K, () => {
    for (let c = 0; c < cols; c++) e.loadLocal(width, bv[c], l.pb, c * step);
    for (let r = 0; r < rows; r++) {
      if (layout === 'adjacentRows') e.splatLocal(width, av, l.pa[0], r * p.size);
      else e.splatLocal(width, av, l.pa[r]);
      for (let c = 0; c < cols; c++) e.multiplyAccumulate(width, av, bv[c], acc[r * cols + c]);
      if (layout !== 'adjacentRows') f.advance(l.pa[r], l.sAkB);
    }
    if (layout === 'adjacentRows') f.advance(l.pa[0], l.sAkB);
    f.advance(l.pb, l.OB);
  });
  tileOutput(e, l);
  if (typeof epilogue === 'object') {
    derivativeOutput(e, epilogue, l, acc, rows, width);
    return;
  }
  // epilogue: store z, and f(z) when fused
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      f.at(OUT, l.po).get(acc[r * cols + c]);
      e.store(width, c * step);
      if (epilogue !== 'linear') {
        f.get(acc[r * cols + c]).set(l.z[width]);
        f.at(ACT, l.po);
        e.activation(width, epilogue, l.z[width], l.alpha[width]);
        e.store(width, c * step);
      }
    }
    if (r < rows - 1) f.advance(l.po, l.OB);
  }
}

/**
 * gemm_nn_backward's tile epilogue: each dA in acc (rows × acc.length / rows) becomes
 * dZ = dA ⊙ f'(z, a), stored at OUT and added to the column's dBias, row after row (the tiles of
 * a column run down the rows in order, so each dBias sums its rows in order, as column_sums).
 */
function derivativeOutput(
  e: Emit,
  d: DerivativeEpilogue,
  l: GemmLocals,
  acc: number[],
  rows: number,
  width: Width,
): void {
  const { f, p } = e;
  const { OUT, BIAS, Z, ACT } = f.arg;
  const cols = acc.length / rows;
  const step = width === 'vector' ? p.lanes * p.size : p.size;
  const sums = e.locals(width, cols);
  const dZ = d.dZ[width];
  for (let c = 0; c < cols; c++) {
    f.get(BIAS).shl(l.o, p.shift).emit(op.i32Add);
    e.load(width, c * step);
    f.set(sums[c]);
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const load = (base: number) => () => {
        f.at(base, l.po);
        e.load(width, c * step);
      };
      e.derivative(width, d.activation, acc[r * cols + c], load(Z), load(ACT), l.alpha[width], d.one[width]);
      f.set(dZ);
      f.at(OUT, l.po).get(dZ);
      e.store(width, c * step);
      f.get(dZ);
      e.accumulate(width, sums[c]);
    }
    if (r < rows - 1) f.advance(l.po, l.OB);
  }
  for (let c = 0; c < cols; c++) {
    f.get(BIAS).shl(l.o, p.shift).emit(op.i32Add).get(sums[c]);
    e.store(width, c * step);
  }
}

/** po ← the byte offset of the tile's first output, (m·O + o)·size. */
function tileOutput(e: Emit, l: GemmLocals): void {
  const { f, p } = e;
  f.get(l.m).get(f.arg.O).emit(op.i32Mul).get(l.o).emit(op.i32Add).i32(p.shift).emit(op.i32Shl).set(l.po);
}

/**
 * Sets a tile's accumulators (rows × acc.length / rows) to the bias (or 0; always 0 without
 * `withBias`: gemm_nn_backward, whose BIAS is the bias gradient it writes), or, in a K block after
 * the first (l.carry, inKBlocks; the weight gradient's adjacent-rows layout only), to the sums the
 * block before stored in OUT.
 */
function startTile(
  e: Emit,
  l: GemmLocals,
  layout: ALayout,
  acc: number[],
  rows: number,
  width: Width,
  withBias: boolean,
): void {
  const { f, p } = e;
  const { OUT, BIAS } = f.arg;
  const cols = acc.length / rows;
  const step = width === 'vector' ? p.lanes * p.size : p.size;
  const zeros = () => {
    for (const a of acc) {
      e.constant(width, 0);
      f.set(a);
    }
  };
  const fresh = () =>
    f.get(BIAS).ifElse(() => {
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          f.get(BIAS).shl(l.o, p.shift).emit(op.i32Add);
          e.load(width, c * step);
          f.set(acc[r * cols + c]);
        }
      }
    }, zeros);
  if (layout !== 'adjacentRows') {
    if (withBias) fresh();
    else zeros();
    return;
  }
  const carried = () => {
    tileOutput(e, l);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        f.at(OUT, l.po);
        e.load(width, c * step);
        f.set(acc[r * cols + c]);
      }
      if (r < rows - 1) f.advance(l.po, l.OB);
    }
  };
  f.get(l.carry).ifElse(carried, fresh);
}

/** gemm_nn for K = 1: out[m, :] = (bias or 0) + a[m]·b, one row at a time. */
function outerProduct(e: Emit, epilogue: Epilogue, l: GemmLocals): void {
  const { f, p } = e;
  const { OUT, ACT, A, B, BIAS, M } = f.arg;
  const av = e.localPair();
  const z = e.localPair();
  const pa = f.local(i32);
  const rowOut = f.local(i32);
  const o = l.o; // counts bytes here
  const sweep = (withBias: boolean) =>
    f.upTo(l.m, M, () => {
      f.get(A).get(l.m).get(l.sArB).emit(op.i32Mul, op.i32Add).set(pa);
      f.get(l.m).get(l.OB).emit(op.i32Mul).set(rowOut);
      for (const width of ['vector', 'scalar'] as const) {
        e.splatLocal(width, av[width], pa);
      }
      const column = (width: Width) => {
        // z = (bias or 0) + a·b at byte offset o of the row
        if (withBias) {
          f.at(BIAS, o);
          e.load(width);
        } else {
          e.constant(width, 0);
        }
        f.get(av[width]).at(B, o);
        e.load(width);
        e.mul(width);
        e.add(width);
        f.set(z[width]);
        f.at(OUT, rowOut).get(o).emit(op.i32Add).get(z[width]);
        e.store(width);
        if (epilogue !== 'linear') {
          f.at(ACT, rowOut).get(o).emit(op.i32Add);
          e.activation(width, epilogue, z[width], l.alpha[width]);
          e.store(width);
        }
      };
      f.sweep(
        o,
        () => f.get(l.OB),
        [p.lanes * p.size, p.size],
        (_, i) => column(i === 0 ? 'vector' : 'scalar'),
      );
    });
  f.get(BIAS).ifElse(
    () => sweep(true),
    () => sweep(false),
  );
}

/**
 * gemm_nt: out[M×P] = A[M×K] · B[P×K]ᵀ (+ bias[P]), act = f(out) when fused. Dot products along K,
 * which is contiguous in both A and B, so it vectorizes when the output is narrow (O = 1) but K
 * is long (dX = dZ · Wᵀ; the forward pass of a layer with one output). Each lane sums every
 * lanes-th term, an order the reference loops do not use: Dense therefore calls gemm_nn with the
 * transposed weight instead, to stay bit-identical to the JavaScript path; this kernel is for
 * callers that prefer speed on narrow outputs. BIAS = 0: no bias.
 */
export function gemmNT(p: Precision, epilogue: Epilogue, R = 2, C = 4): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.gemmNT(p.name, epilogue), {
    OUT: i32,
    ACT: i32,
    A: i32,
    B: i32,
    BIAS: i32,
    M: i32,
    K: i32,
    P: i32,
    ALPHA: f64,
  });
  const e = new Emit(f, p);
  const { M, K, P, ALPHA } = f.arg;
  const m = f.local(i32);
  const q = f.local(i32); // column of the output = row of B
  const kb = f.local(i32); // byte offset along K
  const KB = f.local(i32);
  const KV = f.local(i32); // byte offset where whole vectors end
  const po = f.local(i32);
  const alpha = epilogue === 'leakyRelu' ? e.scalarLocal('scalar', ALPHA) : -1;
  f.shl(K, p.shift).set(KB);
  f.get(K).i32(-p.lanes).emit(op.i32And).i32(p.shift).emit(op.i32Shl).set(KV);
  const pa = f.localsOf(i32, R);
  const pbs = f.localsOf(i32, C);
  const z = f.local(p.type);

  const l: DotLocals = { m, q, kb, KB, KV, po, alpha, pa, pbs, z };
  const band = (rows: number) =>
    f.sweep(
      q,
      () => f.get(P),
      [C, 1],
      (cols) => dotTile(e, epilogue, l, rows, cols),
    );
  f.sweep(m, () => f.get(M), [R, 1], band);
  return f;
}

/** gemm_nt's locals, shared by its tiles. */
interface DotLocals {
  m: number;
  /** column of the output = row of B */
  q: number;
  /** byte offset along K; K in bytes; the byte offset where whole vectors end */
  kb: number;
  KB: number;
  KV: number;
  po: number;
  alpha: number;
  /** row pointers into A and B */
  pa: number[];
  pbs: number[];
  z: number;
}

/** One rows×cols tile of gemm_nt at rows m.., columns q..: its dot products along K, then the stores. */
function dotTile(e: Emit, epilogue: Epilogue, l: DotLocals, rows: number, cols: number): void {
  const { f, p } = e;
  const { OUT, ACT, BIAS, P } = f.arg;
  const sums = dotProducts(e, l, rows, cols);
  f.get(l.m).get(P).emit(op.i32Mul).get(l.q).emit(op.i32Add).i32(p.shift).emit(op.i32Shl).set(l.po);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      f.get(sums[r * cols + c]).set(l.z);
      f.get(BIAS).ifElse(() => {
        f.get(BIAS).shl(l.q, p.shift).emit(op.i32Add);
        e.load('scalar', c * p.size);
        e.accumulate('scalar', l.z);
      });
      f.at(OUT, l.po).get(l.z);
      e.store('scalar', c * p.size);
      if (epilogue !== 'linear') {
        f.at(ACT, l.po);
        e.activation('scalar', epilogue, l.z, l.alpha);
        e.store('scalar', c * p.size);
      }
    }
    if (r < rows - 1) f.get(l.po).shl(P, p.shift).emit(op.i32Add).set(l.po);
  }
}

/** The tile's rows·cols dot products: vectors of lanes summed across at the end, then the scalar tail of K. */
function dotProducts(e: Emit, l: DotLocals, rows: number, cols: number): number[] {
  const { f, p } = e;
  const { A, B } = f.arg;
  const acc = e.locals('vector', rows * cols);
  const sums = e.locals('scalar', rows * cols);
  const av = e.locals('vector', rows);
  const as = e.local('scalar');
  const bv = e.local('vector');
  f.get(A).get(l.m).get(l.KB).emit(op.i32Mul, op.i32Add).set(l.pa[0]);
  for (let r = 1; r < rows; r++) f.at(l.pa[r - 1], l.KB).set(l.pa[r]);
  f.get(B).get(l.q).get(l.KB).emit(op.i32Mul, op.i32Add).set(l.pbs[0]);
  for (let c = 1; c < cols; c++) f.at(l.pbs[c - 1], l.KB).set(l.pbs[c]);
  for (const a of acc) {
    e.constant('vector', 0);
    f.set(a);
  }
  const vectorStep = () => {
    for (let r = 0; r < rows; r++) {
      f.at(l.pa[r], l.kb);
      e.load('vector');
      f.set(av[r]);
    }
    for (let c = 0; c < cols; c++) {
      // load B's vector once, multiply it into every row's accumulator
      f.at(l.pbs[c], l.kb);
      e.load('vector');
      f.set(bv);
      for (let r = 0; r < rows; r++) e.multiplyAccumulate('vector', av[r], bv, acc[r * cols + c]);
    }
  };
  const scalarStep = () => {
    for (let r = 0; r < rows; r++) {
      f.at(l.pa[r], l.kb);
      e.load('scalar');
      f.set(as);
      for (let c = 0; c < cols; c++) {
        f.get(as).at(l.pbs[c], l.kb);
        e.load('scalar');
        e.mul('scalar');
        e.accumulate('scalar', sums[r * cols + c]);
      }
    }
  };
  f.upTo(l.kb, l.KV, vectorStep, p.lanes * p.size);
  // horizontal sums, then the scalar tail of K
  for (let i = 0; i < acc.length; i++) {
    e.sumLanes(acc[i]);
    f.set(sums[i]);
  }
  f.forLoop(
    l.kb,
    () => f.get(l.KV),
    () => f.get(l.KB),
    p.size,
    scalarStep,
  );
  return sums;
}

/** act_backward: dZ[n] = dA[n] · f'(z, a), the twins of each activation's backward loop in nn/activations.ts. */
export function activationBackward(p: Precision, activation: BackwardActivation): FunctionBuilder {
  const f = new FunctionBuilder(
    kernelNames.activationBackward(p.name, activation),
    activationBackwardParameters,
  );
  const e = new Emit(f, p);
  const { DZ, DA, Z, A, N, ALPHA } = f.arg;
  const alpha = e.argumentPair(ALPHA);
  const one = e.constantPair(1);
  const dA = e.localPair();
  elementwiseLoop(f, p, N, (width, i) => {
    // dA is read once into a local (leakyRelu and elu use it twice)
    f.at(DA, i);
    e.load(width);
    f.set(dA[width]);
    f.at(DZ, i);
    const load = (base: number) => () => {
      f.at(base, i);
      e.load(width);
    };
    e.derivative(width, activation, dA[width], load(Z), load(A), alpha[width], one[width]);
    e.store(width);
  });
  return f;
}

/**
 * column_sums: out[C] = Σ_r a[r, :] for a[R×C] (the bias gradient). Four vectors of columns at a
 * time, so four independent chains of additions keep the adder busy.
 */
export function columnSums(p: Precision): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.columnSums(p.name), { OUT: i32, A: i32, R: i32, C: i32 });
  const e = new Emit(f, p);
  const { OUT, A, R, C } = f.arg;
  const [c, r, pa, CB] = f.localsOf(i32, 4);
  f.shl(C, p.shift).set(CB);
  columnBands(f, e, p, { c, C, OUT }, (acc, width, step) => {
    f.get(A).shl(c, p.shift).emit(op.i32Add).set(pa);
    f.upTo(r, R, () => {
      acc.forEach((a, j) => {
        f.get(pa);
        e.load(width, j * step);
        e.accumulate(width, a);
      });
      f.advance(pa, CB);
    });
  });
  return f;
}

/**
 * The column sweep of column_sums and act_backward_sums: bands of four vectors, one vector, then
 * single columns; each band's accumulators start at 0, `rows` sums the rows into them (`step`: bytes
 * between accumulators' columns), and they are stored at OUT[c…].
 */
function columnBands(
  f: FunctionBuilder,
  e: Emit,
  p: Precision,
  at: { c: number; C: number; OUT: number },
  rows: (acc: number[], width: Width, step: number) => void,
): void {
  const { c, C, OUT } = at;
  const band = (vectors: number, width: Width) => {
    const step = width === 'vector' ? p.lanes * p.size : p.size;
    const acc = e.locals(width, vectors);
    for (const a of acc) {
      e.constant(width, 0);
      f.set(a);
    }
    rows(acc, width, step);
    acc.forEach((a, j) => {
      f.get(OUT).shl(c, p.shift).emit(op.i32Add).get(a);
      e.store(width, j * step);
    });
  };
  f.sweep(
    c,
    () => f.get(C),
    [4 * p.lanes, p.lanes, 1],
    (_, i) => band(i === 0 ? 4 : 1, i === 2 ? 'scalar' : 'vector'),
  );
}

/**
 * act_backward_sums: dZ[R×C] = dA ⊙ f'(z, a) (as act_backward) and dBias[C] = Σ_r dZ[r, :] (as
 * column_sums, the same order), in one sweep: the derivative is formed while the bias gradient reads
 * it, and stored for the weight and input gradients' products. DZ may equal DA.
 */
export function activationBackwardSums(p: Precision, activation: BackwardActivation): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.activationBackwardSums(p.name, activation), {
    DBIAS: i32,
    ...activationBackwardParameters,
    C: i32,
  });
  const e = new Emit(f, p);
  const { DBIAS, DZ, DA, Z, A, N: R, C, ALPHA } = f.arg;
  const [c, r, at, CB] = f.localsOf(i32, 4);
  const alpha = e.argumentPair(ALPHA);
  const one = e.constantPair(1);
  const dA = e.localPair();
  const dZ = e.localPair();
  f.shl(C, p.shift).set(CB);
  columnBands(f, e, p, { c, C, OUT: DBIAS }, (acc, width, step) => {
    f.shl(c, p.shift).set(at);
    f.upTo(r, R, () => {
      acc.forEach((sum, j) => {
        f.at(DA, at);
        e.load(width, j * step);
        f.set(dA[width]);
        const load = (base: number) => () => {
          f.at(base, at);
          e.load(width, j * step);
        };
        e.derivative(width, activation, dA[width], load(Z), load(A), alpha[width], one[width]);
        f.set(dZ[width]);
        f.at(DZ, at).get(dZ[width]);
        e.store(width, j * step);
        f.get(dZ[width]);
        e.accumulate(width, sum);
      });
      f.advance(at, CB);
    });
  });
  return f;
}

/**
 * transpose: out[C×R] = aᵀ for a[R×C] (a weight transposed for the input gradient's product). Read
 * in order, written down the columns: 64 × 64 in 2.2 µs (float32) and 2.9 (float64), where the
 * JavaScript loop on views of a shared memory took 11 and 9 (CPU time, Node 20, x64).
 */
export function transpose(p: Precision): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.transpose(p.name), { OUT: i32, A: i32, R: i32, C: i32 });
  const e = new Emit(f, p);
  const { OUT, A, R, C } = f.arg;
  const [r, c, pa, po, RB] = f.localsOf(i32, 5);
  f.shl(R, p.shift).set(RB);
  f.get(A).set(pa);
  f.upTo(r, R, () => {
    f.get(OUT).shl(r, p.shift).emit(op.i32Add).set(po);
    f.upTo(c, C, () => {
      f.get(po).get(pa);
      e.load('scalar');
      e.store('scalar');
      f.get(pa).i32(p.size).emit(op.i32Add).set(pa);
      f.advance(po, RB);
    });
  });
  return f;
}

/** dot: out[0] = Σ a[i]·b[i] over n elements (sum of squares when a = b). */
export function dot(p: Precision): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.dot(p.name), { OUT: i32, A: i32, B: i32, N: i32 });
  const e = new Emit(f, p);
  const { OUT, A, B, N } = f.arg;
  const acc = e.constantPair(0);
  elementwiseLoop(f, p, N, (width, i) => {
    f.at(A, i);
    e.load(width);
    f.at(B, i);
    e.load(width);
    e.mul(width);
    e.accumulate(width, acc[width]);
  });
  f.get(OUT);
  e.sumLanes(acc.vector);
  f.get(acc.scalar).emit(p.s.add);
  e.store('scalar');
  return f;
}

/** sgd_step: params ← params − lr·grads. */
export function sgdStep(p: Precision): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.sgdStep(p.name), { PARAMS: i32, GRADS: i32, N: i32, LR: f64 });
  const e = new Emit(f, p);
  const { PARAMS, GRADS, N, LR } = f.arg;
  const lr = e.argumentPair(LR);
  elementwiseLoop(f, p, N, (width, i) => {
    f.at(PARAMS, i);
    f.at(PARAMS, i);
    e.load(width);
    f.at(GRADS, i);
    e.load(width);
    f.get(lr[width]);
    e.mul(width);
    e.sub(width);
    e.store(width);
  });
  return f;
}

/**
 * adam_step (Kingma & Ba 2015, Algorithm 1; the twin of optim/adam.ts):
 *   m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  θ ← θ·keep − lr·(m/c1) / (√(v/c2) + ε)
 * with c1 = 1 − β1ᵗ, c2 = 1 − β2ᵗ and keep = 1 − lr·decay (AdamW; 1 for Adam).
 */
export function adamStep(p: Precision): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.adamStep(p.name), adamParameters);
  const e = new Emit(f, p);
  const { PARAMS, GRADS, N } = f.arg;
  const update = adamUpdate(e);
  elementwiseLoop(f, p, N, (w, i) => {
    const element = (base: number) => () => {
      f.at(base, i);
      e.load(w);
    };
    update(
      w,
      i,
      { address: () => f.at(PARAMS, i), load: element(PARAMS), store: () => e.store(w) },
      element(GRADS),
    );
  });
  return f;
}

/**
 * adam_step_f32_f64: adam_step for a float32 network, whose moments stay float64 (optim/adam.ts):
 * θ and g widened to float64, the same float64 arithmetic, θ rounded to float32 as it is stored.
 * The same bits as the JavaScript loop on those buffers, two elements per vector.
 */
export function adamStepMixed(): FunctionBuilder {
  const [p32, p64] = precisions;
  const f = new FunctionBuilder(kernelNames.adamStepMixed, adamParameters);
  const e = new Emit(f, p64);
  const { PARAMS, GRADS, N } = f.arg;
  const update = adamUpdate(e);
  const half = f.local(i32); // the float32 buffers' byte offset: half the moments'
  elementwiseLoop(f, p64, N, (w, i) => {
    f.get(i).i32(1).emit(op.i32ShrU).set(half);
    const widened = (base: number) => () => {
      f.at(base, half);
      if (w === 'vector') f.simd(simd.load64Zero).memarg(3, 0).simd(simd.f64x2.promoteLow);
      else f.emit(p32.s.load).memarg(2, 0).emit(scalar.f64.promote);
    };
    const store = () => {
      if (w === 'vector') f.simd(simd.f32x4.demoteZero).simd(simd.store64Lane).memarg(3, 0).emit(0);
      else f.emit(scalar.f32.demote, p32.s.store).memarg(2, 0);
    };
    update(w, i, { address: () => f.at(PARAMS, half), load: widened(PARAMS), store }, widened(GRADS));
  });
  return f;
}

const adamParameters = {
  PARAMS: i32,
  GRADS: i32,
  M: i32,
  V: i32,
  N: i32,
  LR: f64,
  BETA1: f64,
  BETA2: f64,
  EPSILON: f64,
  C1: f64,
  C2: f64,
  KEEP: f64,
} as const;

/**
 * The Adam update of one element or vector, its moments at byte offset i of M and V; `theta`
 * pushes θ's address, loads θ and stores the new θ (after the address and the value), `gradient`
 * loads g. Returns the writer, its locals made once per kernel.
 */
function adamUpdate(
  e: Emit,
): (
  w: Width,
  i: number,
  theta: { address: () => void; load: () => void; store: () => void },
  gradient: () => void,
) => void {
  const { f } = e;
  const { M, V } = f.arg;
  const lr = e.argumentPair(f.arg.LR);
  const beta1 = e.argumentPair(f.arg.BETA1);
  const beta2 = e.argumentPair(f.arg.BETA2);
  const epsilon = e.argumentPair(f.arg.EPSILON);
  const c1 = e.argumentPair(f.arg.C1);
  const c2 = e.argumentPair(f.arg.C2);
  const keep = e.argumentPair(f.arg.KEEP);
  const one = e.constantPair(1);
  const g = e.localPair();
  const m = e.localPair();
  const v = e.localPair();
  return (w, i, theta, gradient) => {
    /** state[i] ← β·state[i] + (1 − β)·(the product of `factors`), also kept in the local `into` */
    const movingAverage = (state: number, beta: number, factors: number[], into: number) => {
      f.at(state, i);
      f.get(beta).at(state, i);
      e.load(w);
      e.mul(w);
      f.get(one[w]).get(beta);
      e.sub(w);
      for (const factor of factors) {
        f.get(factor);
        e.mul(w);
      }
      e.add(w);
      f.tee(into);
      e.store(w);
    };
    gradient();
    f.set(g[w]);
    movingAverage(M, beta1[w], [g[w]], m[w]); // m ← β1·m + (1 − β1)·g
    movingAverage(V, beta2[w], [g[w], g[w]], v[w]); // v ← β2·v + (1 − β2)·g·g
    // θ ← θ·keep − lr·(m/c1) / (√(v/c2) + ε)
    theta.address();
    theta.load();
    f.get(keep[w]);
    e.mul(w);
    f.get(lr[w]).get(m[w]).get(c1[w]);
    e.div(w);
    e.mul(w);
    f.get(v[w]).get(c2[w]);
    e.div(w);
    e.sqrt(w);
    f.get(epsilon[w]);
    e.add(w);
    e.div(w);
    e.sub(w);
    theta.store();
  };
}

/** The tiny module relaxedSimdSupported() validates: one function, f32x4.relaxed_madd of three zeros. */
function relaxedProbe(): Uint8Array<ArrayBuffer> {
  const f = new FunctionBuilder('probe', {});
  const e = new Emit(f, { ...precisions[0], relaxedMadd: true });
  const [a, acc] = e.locals('vector', 2);
  e.multiplyAccumulate('vector', a, a, acc);
  return encodeModule([f]);
}

let relaxedSupport: boolean | null = null;

/**
 * Whether this engine validates relaxed SIMD (Chromium ≥ 114 by default; Node 20 with
 * --experimental-wasm-relaxed-simd), found once by validating a tiny module that uses it.
 */
export function relaxedSimdSupported(): boolean {
  if (relaxedSupport === null) {
    try {
      relaxedSupport = typeof WebAssembly === 'object' && WebAssembly.validate(relaxedProbe());
    } catch {
      relaxedSupport = false;
    }
  }
  return relaxedSupport;
}

/**
 * Every kernel, both precisions. With `relaxed` (by default where the engine supports it), the
 * float32 products multiply-add with f32x4.relaxed_madd: faster, and within rounding of the plain
 * kernels (fused where the CPU has FMA, so results may differ between machines, never between runs
 * or worker counts on one machine). Float64 kernels are the same either way.
 */
export function allKernels(relaxed = relaxedSimdSupported()): FunctionBuilder[] {
  const out: FunctionBuilder[] = [];
  for (const p of precisions) {
    const products: Precision = relaxed && p.name === 'f32' ? { ...p, relaxedMadd: true } : p;
    for (const ep of productEpilogues) out.push(gemmNN(products, ep));
    for (const ep of epilogues) out.push(gemmNT(products, ep));
    for (const a of backwardActivations) {
      out.push(activationBackward(p, a), activationBackwardSums(p, a), gemmNNBackward(products, a));
    }
    out.push(columnSums(p), dot(p), sgdStep(p), adamStep(p), transpose(p));
  }
  out.push(adamStepMixed());
  return out;
}
