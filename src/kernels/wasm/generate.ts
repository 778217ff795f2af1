// The WebAssembly SIMD128 kernels, written as TypeScript that emits their instructions (see
// encoder.ts). Each generator is the fast twin of a reference kernel in ../matmul.ts, ../elementwise.ts
// or ../optimizers.ts, and test/kernels.test.ts holds each pair equal.
//
// Conventions: every pointer argument is a byte address in the module's memory; sizes and strides
// count elements. Scalars (alpha, learning rate…) arrive as f64 for both precisions.
// Shape legend: M rows of the output, K the shared (inner) dimension, O (or P) output columns.
//
// Register blocking (Goto & van de Geijn 2008, "Anatomy of high-performance matrix multiplication"):
// the product is computed in R×C tiles held in SIMD registers, so each loaded value is used R or C
// times. Without FMA in SIMD128 every step is a mul then an add. Measured on Node 20 / x64: 4 rows ×
// 2 vectors (8 accumulators) is best; 12 or more accumulators spill registers (3-10× slower), and
// unrolling the k loop by 2 or 4 made V8's code 20-30% slower, so neither is done.

import {
  type BackwardActivation,
  type Epilogue,
  type PrecisionName,
  backwardActivations,
  epilogues,
  kernelNames,
} from '../names.js';
import { FunctionBuilder, f32, f64, i32, op, scalar, simd, type ValueType } from './encoder.js';

/** What differs between the float32 and float64 kernels. */
export interface Precision {
  readonly name: PrecisionName;
  readonly type: ValueType;
  /** bytes per element, and its log2 */
  readonly size: number;
  readonly shift: number;
  /** elements per v128 */
  readonly lanes: number;
  readonly v: typeof simd.f32x4 | typeof simd.f64x2;
  readonly s: typeof scalar.f32 | typeof scalar.f64;
  readonly splatLoad: number;
}

export const precisions: readonly Precision[] = [
  {
    name: 'f32',
    type: f32,
    size: 4,
    shift: 2,
    lanes: 4,
    v: simd.f32x4,
    s: scalar.f32,
    splatLoad: simd.load32Splat,
  },
  {
    name: 'f64',
    type: f64,
    size: 8,
    shift: 3,
    lanes: 2,
    v: simd.f64x2,
    s: scalar.f64,
    splatLoad: simd.load64Splat,
  },
];

/** A value held either as one v128 (lanes elements) or as one scalar element. */
export type Width = 'vector' | 'scalar';

/** Helpers binding a FunctionBuilder to a precision. */
export class Emit {
  constructor(
    readonly f: FunctionBuilder,
    readonly p: Precision,
  ) {}

  load(width: Width, offset = 0): void {
    if (width === 'vector') this.f.simd(simd.load).memarg(0, offset);
    else this.f.emit(this.p.s.load).memarg(this.p.shift, offset);
  }

  /** Loads one element and (for vectors) copies it to every lane. */
  loadSplat(width: Width, offset = 0): void {
    if (width === 'vector') this.f.simd(this.p.splatLoad).memarg(this.p.shift, offset);
    else this.f.emit(this.p.s.load).memarg(this.p.shift, offset);
  }

  store(width: Width, offset = 0): void {
    if (width === 'vector') this.f.simd(simd.store).memarg(0, offset);
    else this.f.emit(this.p.s.store).memarg(this.p.shift, offset);
  }

  add(width: Width): void {
    if (width === 'vector') this.f.simd(this.p.v.add);
    else this.f.emit(this.p.s.add);
  }

  sub(width: Width): void {
    if (width === 'vector') this.f.simd(this.p.v.sub);
    else this.f.emit(this.p.s.sub);
  }

  mul(width: Width): void {
    if (width === 'vector') this.f.simd(this.p.v.mul);
    else this.f.emit(this.p.s.mul);
  }

  /** A scalar f64 argument converted to this precision. */
  scalarArg(index: number): void {
    this.f.get(index);
    if (this.p.name === 'f32') this.f.emit(scalar.f32.demote);
  }

  /** The constant c in this precision and width. */
  constant(width: Width, c: number): void {
    this.f.f64(c);
    if (this.p.name === 'f32') this.f.emit(scalar.f32.demote);
    if (width === 'vector') this.f.simd(this.p.v.splat);
  }

  /** Sets a new local of this width from a scalar f64 argument (splatted for vectors). */
  scalarLocal(width: Width, argument: number): number {
    const l = this.f.local(width === 'vector' ? 0x7b : this.p.type);
    this.scalarArg(argument);
    if (width === 'vector') this.f.simd(this.p.v.splat);
    this.f.set(l);
    return l;
  }

  /**
   * Applies an epilogue to the value in local `z`, leaving f(z) on the stack.
   * relu: z > 0 ? z : 0 (pmax(0, z), which also maps NaN and −0 like the reference);
   * leakyRelu: z > 0 ? z : alpha·z; with `leakyAsMax` (for callers that checked 0 < alpha ≤ 1)
   * vectors take pmax(z, alpha·z) instead, the same values (−0 and NaN included) in two
   * instructions rather than five.
   */
  activation(width: Width, epilogue: Epilogue, z: number, alpha: number, leakyAsMax = false): void {
    const f = this.f;
    if (epilogue === 'relu') {
      if (width === 'vector') {
        this.constant(width, 0);
        f.get(z).simd(this.p.v.pmax);
      } else {
        f.get(z);
        this.constant(width, 0);
        f.get(z);
        this.constant(width, 0);
        f.emit(this.p.s.gt, op.select);
      }
    } else if (epilogue === 'leakyRelu' && leakyAsMax && width === 'vector') {
      // pmax(a, b) = a < b ? b : a: z < alpha·z exactly when z < 0 (for 0 < alpha ≤ 1)
      f.get(z).get(z).get(alpha);
      this.mul(width);
      f.simd(this.p.v.pmax);
    } else if (epilogue === 'leakyRelu') {
      f.get(z).get(z).get(alpha);
      this.mul(width);
      f.get(z);
      this.constant(width, 0);
      if (width === 'vector') f.simd(this.p.v.gt).simd(simd.bitselect);
      else f.emit(this.p.s.gt, op.select);
    } else {
      f.get(z);
    }
  }

  /** local += value on the stack (as `local = local + value`). */
  accumulate(width: Width, local: number): void {
    this.f.get(local);
    this.add(width);
    this.f.set(local);
  }

  /**
   * Leaves dZ = dA · f'(z, a) on the stack, as each activation's backward loop in nn/activations.ts
   * computes it: dA in a local; z() and a() push the pre-activation and the output (each is pushed
   * only by the activations that need it); alpha and one are locals of this width.
   */
  derivative(
    width: Width,
    activation: BackwardActivation | 'linear',
    dA: number,
    z: () => void,
    a: () => void,
    alpha: number,
    one: number,
  ): void {
    const f = this.f;
    const zPositive = () => {
      z();
      this.constant(width, 0);
      if (width === 'vector') f.simd(this.p.v.gt);
      else f.emit(this.p.s.gt);
    };
    const select = () => {
      if (width === 'vector') f.simd(simd.bitselect);
      else f.emit(op.select);
    };
    if (activation === 'linear') {
      f.get(dA);
    } else if (activation === 'relu') {
      // z > 0 ? dA : 0
      f.get(dA);
      this.constant(width, 0);
      zPositive();
      select();
    } else if (activation === 'leakyRelu') {
      // z > 0 ? dA : alpha·dA
      f.get(dA).get(dA).get(alpha);
      this.mul(width);
      zPositive();
      select();
    } else if (activation === 'elu') {
      // z > 0 ? dA : dA·(a + alpha)
      f.get(dA).get(dA);
      a();
      f.get(alpha);
      this.add(width);
      this.mul(width);
      zPositive();
      select();
    } else if (activation === 'tanh') {
      // dA · (1 − a·a)
      f.get(dA).get(one);
      a();
      a();
      this.mul(width);
      this.sub(width);
      this.mul(width);
    } else {
      // sigmoid: dA · a · (1 − a)
      f.get(dA);
      a();
      this.mul(width);
      f.get(one);
      a();
      this.sub(width);
      this.mul(width);
    }
  }
}

/**
 * gemm_nn: out[M×O] = A · B (+ bias[O]), act[M×O] = f(out) when the epilogue is not linear.
 * A is read through strides (element (m, k) at a + m·sAr + k·sAk), so one kernel serves both
 *   the dense forward  z = x · W        (A = x,  sAr = K, sAk = 1)
 *   and the weight gradient dW = xᵀ · dZ (A = xᵀ, sAr = 1, sAk = rows of x).
 * B[K×O] is row-major; the output is vectorized along O.
 * params: out, act, a, sAr, sAk, b, bias (0 = none), M, K, O, alpha (f64)
 */
export function gemmNN(p: Precision, epilogue: Epilogue, R = 4, C = 2): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.gemmNN(p.name, epilogue), [
    i32,
    i32,
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
  const [OUT, ACT, A, SAR, SAK, B, BIAS, M, K, O, ALPHA] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const m = f.local(i32);
  const o = f.local(i32);
  const k = f.local(i32);
  const sArB = f.local(i32); // strides in bytes
  const sAkB = f.local(i32);
  const OB = f.local(i32);
  const pb = f.local(i32);
  const po = f.local(i32);
  const alphaV = epilogue === 'leakyRelu' ? e.scalarLocal('vector', ALPHA) : -1;
  const alphaS = epilogue === 'leakyRelu' ? e.scalarLocal('scalar', ALPHA) : -1;
  f.get(SAR).i32(p.shift).emit(op.i32Shl).set(sArB);
  f.get(SAK).i32(p.shift).emit(op.i32Shl).set(sAkB);
  f.get(O).i32(p.shift).emit(op.i32Shl).set(OB);
  const pa = Array.from({ length: R }, () => f.local(i32));
  const zl = { vector: f.local(0x7b), scalar: f.local(p.type) };

  /** One R'×C' tile at rows m.., columns o..; width: vectors of `lanes` or single elements. */
  const tile = (rows: number, cols: number, width: Width) => {
    const step = width === 'vector' ? p.lanes * p.size : p.size;
    const acc = Array.from({ length: rows * cols }, () => f.local(width === 'vector' ? 0x7b : p.type));
    const bv = Array.from({ length: cols }, () => f.local(width === 'vector' ? 0x7b : p.type));
    const av = f.local(width === 'vector' ? 0x7b : p.type);
    // accumulators start at the bias (or 0)
    f.get(BIAS).ifElse(
      () => {
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            f.get(BIAS).get(o).i32(p.shift).emit(op.i32Shl, op.i32Add);
            e.load(width, c * step);
            f.set(acc[r * cols + c]);
          }
        }
      },
      () => {
        for (const a of acc) {
          e.constant(width, 0);
          f.set(a);
        }
      },
    );
    // row pointers into A and the column pointer into B
    f.get(A).get(m).get(sArB).emit(op.i32Mul, op.i32Add).set(pa[0]);
    for (let r = 1; r < rows; r++)
      f.get(pa[r - 1])
        .get(sArB)
        .emit(op.i32Add)
        .set(pa[r]);
    f.get(B).get(o).i32(p.shift).emit(op.i32Shl, op.i32Add).set(pb);
    f.forLoop(
      k,
      () => f.i32(0),
      () => f.get(K),
      1,
      () => {
        for (let c = 0; c < cols; c++) {
          f.get(pb);
          e.load(width, c * step);
          f.set(bv[c]);
        }
        for (let r = 0; r < rows; r++) {
          f.get(pa[r]);
          e.loadSplat(width);
          f.set(av);
          for (let c = 0; c < cols; c++) {
            f.get(av).get(bv[c]);
            e.mul(width);
            e.accumulate(width, acc[r * cols + c]);
          }
          f.get(pa[r]).get(sAkB).emit(op.i32Add).set(pa[r]);
        }
        f.get(pb).get(OB).emit(op.i32Add).set(pb);
      },
    );
    // epilogue: store z, and f(z) when fused
    f.get(m).get(O).emit(op.i32Mul).get(o).emit(op.i32Add).i32(p.shift).emit(op.i32Shl).set(po);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        f.get(OUT)
          .get(po)
          .emit(op.i32Add)
          .get(acc[r * cols + c]);
        e.store(width, c * step);
        if (epilogue !== 'linear') {
          f.get(acc[r * cols + c]).set(zl[width]);
          f.get(ACT).get(po).emit(op.i32Add);
          e.activation(width, epilogue, zl[width], width === 'vector' ? alphaV : alphaS);
          e.store(width, c * step);
        }
      }
      if (r < rows - 1) f.get(po).get(OB).emit(op.i32Add).set(po);
    }
  };

  /** Column loops for a band of `rows` rows starting at m. */
  const band = (rows: number) => {
    const LC = p.lanes * C;
    f.forLoop(
      o,
      () => f.i32(0),
      () =>
        f
          .get(O)
          .i32(LC - 1)
          .emit(op.i32Sub),
      LC,
      () => tile(rows, C, 'vector'),
    );
    f.forLoop(
      o,
      () => f.get(o),
      () =>
        f
          .get(O)
          .i32(p.lanes - 1)
          .emit(op.i32Sub),
      p.lanes,
      () => tile(rows, 1, 'vector'),
    );
    f.forLoop(
      o,
      () => f.get(o),
      () => f.get(O),
      1,
      () => tile(rows, 1, 'scalar'),
    );
  };
  // K = 1 (an outer product: a layer with one input, or dZ·Wᵀ of a layer with one output): each
  // output is bias + a·b, and the tiles' set-up would cost more than their one step, so rows
  // are swept directly. Same arithmetic as the tiles (0 + a·b without a bias).
  f.get(K)
    .i32(1)
    .emit(op.i32Eq)
    .ifElse(
      () => {
        const av = { vector: f.local(0x7b), scalar: f.local(p.type) };
        const z = { vector: f.local(0x7b), scalar: f.local(p.type) };
        const pa = f.local(i32);
        const rowOut = f.local(i32);
        const sweep = (withBias: boolean) => {
          f.forLoop(
            m,
            () => f.i32(0),
            () => f.get(M),
            1,
            () => {
              f.get(A).get(m).get(sArB).emit(op.i32Mul, op.i32Add).set(pa);
              f.get(m).get(OB).emit(op.i32Mul).set(rowOut);
              for (const width of ['vector', 'scalar'] as const) {
                f.get(pa);
                e.loadSplat(width);
                f.set(av[width]);
              }
              const column = (width: Width) => {
                // z = (bias or 0) + a·b at byte offset o·size of the row
                if (withBias) {
                  f.get(BIAS).get(o).emit(op.i32Add);
                  e.load(width);
                } else {
                  e.constant(width, 0);
                }
                f.get(av[width]).get(B).get(o).emit(op.i32Add);
                e.load(width);
                e.mul(width);
                e.add(width);
                f.set(z[width]);
                f.get(OUT).get(rowOut).emit(op.i32Add).get(o).emit(op.i32Add).get(z[width]);
                e.store(width);
                if (epilogue !== 'linear') {
                  f.get(ACT).get(rowOut).emit(op.i32Add).get(o).emit(op.i32Add);
                  e.activation(width, epilogue, z[width], width === 'vector' ? alphaV : alphaS);
                  e.store(width);
                }
              };
              // o counts bytes here
              f.forLoop(
                o,
                () => f.i32(0),
                () =>
                  f
                    .get(OB)
                    .i32(p.lanes * p.size - 1)
                    .emit(op.i32Sub),
                p.lanes * p.size,
                () => column('vector'),
              );
              f.forLoop(
                o,
                () => f.get(o),
                () => f.get(OB),
                p.size,
                () => column('scalar'),
              );
            },
          );
        };
        f.get(BIAS).ifElse(
          () => sweep(true),
          () => sweep(false),
        );
      },
      () => {
        f.forLoop(
          m,
          () => f.i32(0),
          () =>
            f
              .get(M)
              .i32(R - 1)
              .emit(op.i32Sub),
          R,
          () => band(R),
        );
        f.forLoop(
          m,
          () => f.get(m),
          () => f.get(M),
          1,
          () => band(1),
        );
      },
    );
  return f;
}

/**
 * gemm_nt: out[M×P] = A[M×K] · B[P×K]ᵀ (+ bias[P]), act = f(out) when fused. Dot products along K,
 * which is contiguous in both A and B, so it vectorizes when the output is narrow (O = 1) but K
 * is long (dX = dZ · Wᵀ; the forward pass of a layer with one output). Each lane sums every
 * lanes-th term, an order the reference loops do not use: Dense therefore calls gemm_nn with the
 * transposed weight instead, to stay bit-identical to the JavaScript path; this kernel is for
 * callers that prefer speed on narrow outputs.
 * params: out, act, a, b, bias (0 = none), M, K, P, alpha (f64)
 */
export function gemmNT(p: Precision, epilogue: Epilogue, R = 2, C = 4): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.gemmNT(p.name, epilogue), [
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
  const [OUT, ACT, A, B, BIAS, M, K, P, ALPHA] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const m = f.local(i32);
  const q = f.local(i32); // column of the output = row of B
  const kb = f.local(i32); // byte offset along K
  const KB = f.local(i32);
  const KV = f.local(i32); // byte offset where whole vectors end
  const po = f.local(i32);
  const alphaS = epilogue === 'leakyRelu' ? e.scalarLocal('scalar', ALPHA) : -1;
  f.get(K).i32(p.shift).emit(op.i32Shl).set(KB);
  f.get(K).i32(-p.lanes).emit(0x71 /* i32.and */).i32(p.shift).emit(op.i32Shl).set(KV);
  const pa = Array.from({ length: R }, () => f.local(i32));
  const pbs = Array.from({ length: C }, () => f.local(i32));
  const z = f.local(p.type);

  const tile = (rows: number, cols: number) => {
    const acc = Array.from({ length: rows * cols }, () => f.local(0x7b));
    const sums = Array.from({ length: rows * cols }, () => f.local(p.type));
    const av = Array.from({ length: rows }, () => f.local(0x7b));
    const as = f.local(p.type);
    const bv = f.local(0x7b);
    f.get(A).get(m).get(KB).emit(op.i32Mul, op.i32Add).set(pa[0]);
    for (let r = 1; r < rows; r++)
      f.get(pa[r - 1])
        .get(KB)
        .emit(op.i32Add)
        .set(pa[r]);
    f.get(B).get(q).get(KB).emit(op.i32Mul, op.i32Add).set(pbs[0]);
    for (let c = 1; c < cols; c++)
      f.get(pbs[c - 1])
        .get(KB)
        .emit(op.i32Add)
        .set(pbs[c]);
    for (const a of acc) {
      e.constant('vector', 0);
      f.set(a);
    }
    f.forLoop(
      kb,
      () => f.i32(0),
      () => f.get(KV),
      p.lanes * p.size,
      () => {
        for (let r = 0; r < rows; r++) {
          f.get(pa[r]).get(kb).emit(op.i32Add);
          e.load('vector');
          f.set(av[r]);
        }
        for (let c = 0; c < cols; c++) {
          // load B's vector once, multiply it into every row's accumulator
          f.get(pbs[c]).get(kb).emit(op.i32Add);
          e.load('vector');
          f.set(bv);
          for (let r = 0; r < rows; r++) {
            f.get(av[r]).get(bv);
            e.mul('vector');
            e.accumulate('vector', acc[r * cols + c]);
          }
        }
      },
    );
    // horizontal sums, then the scalar tail of K
    for (let i = 0; i < acc.length; i++) {
      for (let lane = 0; lane < p.lanes; lane++) {
        f.get(acc[i]).simd(p.v.extractLane, lane);
        if (lane > 0) f.emit(p.s.add);
      }
      f.set(sums[i]);
    }
    f.forLoop(
      kb,
      () => f.get(KV),
      () => f.get(KB),
      p.size,
      () => {
        for (let r = 0; r < rows; r++) {
          f.get(pa[r]).get(kb).emit(op.i32Add);
          e.load('scalar');
          f.set(as);
          for (let c = 0; c < cols; c++) {
            f.get(as).get(pbs[c]).get(kb).emit(op.i32Add);
            e.load('scalar');
            e.mul('scalar');
            e.accumulate('scalar', sums[r * cols + c]);
          }
        }
      },
    );
    f.get(m).get(P).emit(op.i32Mul).get(q).emit(op.i32Add).i32(p.shift).emit(op.i32Shl).set(po);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        f.get(sums[r * cols + c]).set(z);
        f.get(BIAS).ifElse(() => {
          f.get(BIAS).get(q).i32(p.shift).emit(op.i32Shl, op.i32Add);
          e.load('scalar', c * p.size);
          e.accumulate('scalar', z);
        });
        f.get(OUT).get(po).emit(op.i32Add).get(z);
        e.store('scalar', c * p.size);
        if (epilogue !== 'linear') {
          f.get(ACT).get(po).emit(op.i32Add);
          e.activation('scalar', epilogue, z, alphaS);
          e.store('scalar', c * p.size);
        }
      }
      if (r < rows - 1) f.get(po).get(P).i32(p.shift).emit(op.i32Shl, op.i32Add).set(po);
    }
  };
  const band = (rows: number) => {
    f.forLoop(
      q,
      () => f.i32(0),
      () =>
        f
          .get(P)
          .i32(C - 1)
          .emit(op.i32Sub),
      C,
      () => tile(rows, C),
    );
    f.forLoop(
      q,
      () => f.get(q),
      () => f.get(P),
      1,
      () => tile(rows, 1),
    );
  };
  f.forLoop(
    m,
    () => f.i32(0),
    () =>
      f
        .get(M)
        .i32(R - 1)
        .emit(op.i32Sub),
    R,
    () => band(R),
  );
  f.forLoop(
    m,
    () => f.get(m),
    () => f.get(M),
    1,
    () => band(1),
  );
  return f;
}

/**
 * An elementwise loop over n elements: vectors first, then the scalar tail. `body(width, offset)`
 * emits the work for one vector or element at byte offset `offset` (a local).
 */
export function elementwiseLoop(
  f: FunctionBuilder,
  p: Precision,
  n: number,
  body: (width: Width, offset: number) => void,
): void {
  const i = f.local(i32);
  const end = f.local(i32);
  const vend = f.local(i32);
  f.get(n).i32(p.shift).emit(op.i32Shl).set(end);
  f.get(n).i32(-p.lanes).emit(0x71).i32(p.shift).emit(op.i32Shl).set(vend);
  f.forLoop(
    i,
    () => f.i32(0),
    () => f.get(vend),
    p.lanes * p.size,
    () => body('vector', i),
  );
  f.forLoop(
    i,
    () => f.get(i),
    () => f.get(end),
    p.size,
    () => body('scalar', i),
  );
}

/**
 * act_backward: dZ[n] = dA[n] · f'(z, a), the twins of each activation's backward loop in
 * nn/activations.ts. params: dZ, dA, z, a, n, alpha (f64; leakyRelu and elu)
 */
export function activationBackward(p: Precision, activation: BackwardActivation): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.activationBackward(p.name, activation), [
    i32,
    i32,
    i32,
    i32,
    i32,
    f64,
  ]);
  const e = new Emit(f, p);
  const [DZ, DA, Z, A, N, ALPHA] = [0, 1, 2, 3, 4, 5];
  const alpha = { vector: e.scalarLocal('vector', ALPHA), scalar: e.scalarLocal('scalar', ALPHA) };
  const one = { vector: f.local(0x7b), scalar: f.local(p.type) };
  e.constant('vector', 1);
  f.set(one.vector);
  e.constant('scalar', 1);
  f.set(one.scalar);
  const dAValue = { vector: f.local(0x7b), scalar: f.local(p.type) };
  elementwiseLoop(f, p, N, (width, i) => {
    // dA is read once into a local (leakyRelu and elu use it twice)
    f.get(DA).get(i).emit(op.i32Add);
    e.load(width);
    f.set(dAValue[width]);
    f.get(DZ).get(i).emit(op.i32Add);
    const load = (base: number) => () => {
      f.get(base).get(i).emit(op.i32Add);
      e.load(width);
    };
    e.derivative(width, activation, dAValue[width], load(Z), load(A), alpha[width], one[width]);
    e.store(width);
  });
  return f;
}

/**
 * column_sums: out[C] = Σ_r a[r, :] for a[R×C] (the bias gradient). Four vectors of columns at a
 * time, so four independent chains of additions keep the adder busy.
 * params: out, a, R, C
 */
export function columnSums(p: Precision): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.columnSums(p.name), [i32, i32, i32, i32]);
  const e = new Emit(f, p);
  const [OUT, A, R, C] = [0, 1, 2, 3];
  const c = f.local(i32);
  const r = f.local(i32);
  const pa = f.local(i32);
  const CB = f.local(i32);
  f.get(C).i32(p.shift).emit(op.i32Shl).set(CB);
  const band = (vectors: number, width: Width) => {
    const step = width === 'vector' ? p.lanes * p.size : p.size;
    const acc = Array.from({ length: vectors }, () => f.local(width === 'vector' ? 0x7b : p.type));
    for (const a of acc) {
      e.constant(width, 0);
      f.set(a);
    }
    f.get(A).get(c).i32(p.shift).emit(op.i32Shl, op.i32Add).set(pa);
    f.forLoop(
      r,
      () => f.i32(0),
      () => f.get(R),
      1,
      () => {
        acc.forEach((a, j) => {
          f.get(pa);
          e.load(width, j * step);
          e.accumulate(width, a);
        });
        f.get(pa).get(CB).emit(op.i32Add).set(pa);
      },
    );
    acc.forEach((a, j) => {
      f.get(OUT).get(c).i32(p.shift).emit(op.i32Shl, op.i32Add).get(a);
      e.store(width, j * step);
    });
  };
  f.forLoop(
    c,
    () => f.i32(0),
    () =>
      f
        .get(C)
        .i32(4 * p.lanes - 1)
        .emit(op.i32Sub),
    4 * p.lanes,
    () => band(4, 'vector'),
  );
  f.forLoop(
    c,
    () => f.get(c),
    () =>
      f
        .get(C)
        .i32(p.lanes - 1)
        .emit(op.i32Sub),
    p.lanes,
    () => band(1, 'vector'),
  );
  f.forLoop(
    c,
    () => f.get(c),
    () => f.get(C),
    1,
    () => band(1, 'scalar'),
  );
  return f;
}

/** dot: out[0] = Σ a[i]·b[i] over n elements (sum of squares when a = b). params: out, a, b, n */
export function dot(p: Precision): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.dot(p.name), [i32, i32, i32, i32]);
  const e = new Emit(f, p);
  const [OUT, A, B, N] = [0, 1, 2, 3];
  const acc = { vector: f.local(0x7b), scalar: f.local(p.type) };
  e.constant('vector', 0);
  f.set(acc.vector);
  e.constant('scalar', 0);
  f.set(acc.scalar);
  elementwiseLoop(f, p, N, (width, i) => {
    f.get(A).get(i).emit(op.i32Add);
    e.load(width);
    f.get(B).get(i).emit(op.i32Add);
    e.load(width);
    e.mul(width);
    e.accumulate(width, acc[width]);
  });
  f.get(OUT);
  for (let lane = 0; lane < p.lanes; lane++) {
    f.get(acc.vector).simd(p.v.extractLane, lane);
    if (lane > 0) f.emit(p.s.add);
  }
  f.get(acc.scalar).emit(p.s.add);
  e.store('scalar');
  return f;
}

/** sgd_step: params ← params − lr·grads. params: params, grads, n, lr (f64) */
export function sgdStep(p: Precision): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.sgdStep(p.name), [i32, i32, i32, f64]);
  const e = new Emit(f, p);
  const [PARAMS, GRADS, N, LR] = [0, 1, 2, 3];
  const lr = { vector: e.scalarLocal('vector', LR), scalar: e.scalarLocal('scalar', LR) };
  elementwiseLoop(f, p, N, (width, i) => {
    f.get(PARAMS).get(i).emit(op.i32Add);
    f.get(PARAMS).get(i).emit(op.i32Add);
    e.load(width);
    f.get(GRADS).get(i).emit(op.i32Add);
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
 * params: params, grads, m, v, n, lr, beta1, beta2, epsilon, c1, c2, keep (all f64)
 */
export function adamStep(p: Precision): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.adamStep(p.name), [
    i32,
    i32,
    i32,
    i32,
    i32,
    f64,
    f64,
    f64,
    f64,
    f64,
    f64,
    f64,
  ]);
  const e = new Emit(f, p);
  const [PARAMS, GRADS, M, V, N, LR, B1, B2, EPS, C1, C2, KEEP] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const ws: Width[] = ['vector', 'scalar'];
  const loc = (arg: number) =>
    Object.fromEntries(ws.map((w) => [w, e.scalarLocal(w, arg)])) as Record<Width, number>;
  const lr = loc(LR);
  const b1 = loc(B1);
  const b2 = loc(B2);
  const eps = loc(EPS);
  const c1 = loc(C1);
  const c2 = loc(C2);
  const keep = loc(KEEP);
  const one = { vector: f.local(0x7b), scalar: f.local(p.type) };
  for (const w of ws) {
    e.constant(w, 1);
    f.set(one[w]);
  }
  const g = { vector: f.local(0x7b), scalar: f.local(p.type) };
  const mv = { vector: f.local(0x7b), scalar: f.local(p.type) };
  const vv = { vector: f.local(0x7b), scalar: f.local(p.type) };
  elementwiseLoop(f, p, N, (w, i) => {
    const sqrt = () => (w === 'vector' ? f.simd(p.v.sqrt) : f.emit(p.s.sqrt));
    const div = () => (w === 'vector' ? f.simd(p.v.div) : f.emit(p.s.div));
    f.get(GRADS).get(i).emit(op.i32Add);
    e.load(w);
    f.set(g[w]);
    // m ← β1·m + (1 − β1)·g
    f.get(M).get(i).emit(op.i32Add);
    f.get(b1[w]).get(M).get(i).emit(op.i32Add);
    e.load(w);
    e.mul(w);
    f.get(one[w]).get(b1[w]);
    e.sub(w);
    f.get(g[w]);
    e.mul(w);
    e.add(w);
    f.tee(mv[w]);
    e.store(w);
    // v ← β2·v + (1 − β2)·g·g
    f.get(V).get(i).emit(op.i32Add);
    f.get(b2[w]).get(V).get(i).emit(op.i32Add);
    e.load(w);
    e.mul(w);
    f.get(one[w]).get(b2[w]);
    e.sub(w);
    f.get(g[w]);
    e.mul(w);
    f.get(g[w]);
    e.mul(w);
    e.add(w);
    f.tee(vv[w]);
    e.store(w);
    // θ ← θ·keep − lr·(m/c1) / (√(v/c2) + ε)
    f.get(PARAMS).get(i).emit(op.i32Add);
    f.get(PARAMS).get(i).emit(op.i32Add);
    e.load(w);
    f.get(keep[w]);
    e.mul(w);
    f.get(lr[w]).get(mv[w]).get(c1[w]);
    div();
    e.mul(w);
    f.get(vv[w]).get(c2[w]);
    div();
    sqrt();
    f.get(eps[w]);
    e.add(w);
    div();
    e.sub(w);
    e.store(w);
  });
  return f;
}

/** Every kernel, both precisions. */
export function allKernels(): FunctionBuilder[] {
  const out: FunctionBuilder[] = [];
  for (const p of precisions) {
    for (const ep of epilogues) out.push(gemmNN(p, ep), gemmNT(p, ep));
    for (const a of backwardActivations) out.push(activationBackward(p, a));
    out.push(columnSums(p), dot(p), sgdStep(p), adamStep(p));
  }
  return out;
}
