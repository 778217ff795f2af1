// Kernels for a whole network of one hidden layer with one input and one output, [1, H, 1] (1-D
// curve fitting: the seed's network, the playground's one-feature fits): its forward pass in one
// sweep over the rows, and its backward pass — both layers' weight and bias gradients — in
// another. The loss between them stays in JavaScript (any loss, weighted or not: N values).
// The hidden activations are never stored: forward keeps them in registers on their way into the
// output's sums, and backward recomputes them (z = b₁ + x·w₁, two instructions) where it needs
// them; the input gradient of the hidden layer (N×H) is never written either.
//
// Every value is computed by the same instructions, and every sum in the same order, as the
// one-layer kernels of fused.ts (and so as the reference loops of ../matmul.ts), so results are
// bit-identical to the unfused path in both precisions:
//   forward, lanes = rows:   y[n] = b₂ + Σ_k f(b₁[k] + x[n]·w₁[k])·w₂[k], k in order (dense_forward_out1)
//   backward, lanes = units: dW₂[k] = Σ_n h·dY,  dH = dY·w₂[k],  dZ = dH ⊙ f'(z),
//                            dW₁[k] = Σ_n x·dZ,  dB₁[k] = Σ_n dZ,  n in order (dense_backward_*)
//   dB₂ = Σ_n dY[n].
// Shape legend: N rows, H hidden units. x[N], w₁[H], b₁[H], w₂[H], b₂[1], y[N] and dY[N].

import { type Epilogue, epilogues, kernelNames } from '../names.js';
import { Emit, type Precision, type Width, precisions } from './emit.js';
import { columnBlocks, oneColumnSum } from './fused.js';
import { FunctionBuilder, f64, i32, op, simd } from './encoder.js';

/** Emits `body(leakyAsMax)` twice behind a test of 0 < alpha ≤ 1 for leakyRelu (see Emit.activation), once otherwise. */
function leakyVariants(
  f: FunctionBuilder,
  epilogue: Epilogue,
  alpha: number,
  body: (max: boolean) => void,
): void {
  if (epilogue !== 'leakyRelu') {
    body(false);
    return;
  }
  f.get(alpha).f64(0).emit(op.f64Gt).get(alpha).f64(1).emit(op.f64Le, op.i32And);
  f.ifElse(
    () => body(true),
    () => body(false),
  );
}

/** The shuffles gathering (a[0], b[0]) and (a[1], b[1]) from two f64x2 vectors a and b. */
const low = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const high = low.map((b) => b + 8);

/**
 * Whether this precision's kernels keep the hidden values h[N×H] between the passes: float64,
 * where two units' vectors of two rows transpose into two rows' vectors by two shuffles, so
 * backward loads h instead of recomputing it (two multiplies and an add fewer per value, on the
 * floating-point ports this loop is bound by). Float32's four-by-four transpose would cost eight
 * shuffles per four vectors: it recomputes.
 */
export function pairKeepsHidden(p: Precision): boolean {
  return p.lanes === 2;
}

/**
 * dense_pair_forward: y[N] = b₂ + f(x·w₁ + b₁)·w₂, and h = f(x·w₁ + b₁) [N×H] row-major into HID
 * where pairKeepsHidden (its units in pairs: an odd last unit is left to backward's recomputing
 * tail). Lanes hold rows: `vectors` vectors of rows at a time (then one vector, then single rows),
 * each row's sum running over the hidden units in order while the unit's w₁, b₁ and w₂ are
 * splatted once for the whole block.
 */
export function densePairForward(
  p: Precision,
  epilogue: Epilogue,
  // (measured: float64 keeping h, 2 beat 3 and 4 — registers for two units' weights; float32, 2–8 alike)
  vectors = pairKeepsHidden(p) ? 2 : 4,
): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.densePairForward(p.name, epilogue), {
    Y: i32,
    /** h [N×H] (float64; float32 ignores it) */
    HID: i32,
    X: i32,
    W1: i32,
    B1: i32,
    W2: i32,
    B2: i32,
    N: i32,
    H: i32,
    ALPHA: f64,
  });
  const e = new Emit(f, p);
  const { N, H, ALPHA } = f.arg;
  const alpha = e.argumentPair(ALPHA);
  const [m, k, at, HB] = f.localsOf(i32, 4);
  f.shl(H, p.shift).set(HB);
  /** i·HB: the byte offset of row i of a block in h */
  const rowOffsets = f.localsOf(i32, vectors * p.lanes);
  rowOffsets.forEach((local, i) => f.get(HB).i32(i).emit(op.i32Mul).set(local));
  const b: ForwardBlock = { epilogue, alpha, m, k, at, HB, rowOffsets };
  leakyVariants(f, epilogue, ALPHA, (leakyAsMax) =>
    f.sweep(
      m,
      () => f.get(N),
      [vectors * p.lanes, p.lanes, 1],
      (_, i) => forwardBlock(e, b, i === 2 ? 'scalar' : 'vector', i === 0 ? vectors : 1, leakyAsMax),
    ),
  );
  return f;
}

/** dense_pair_forward's settings and locals shared by its blocks: the row m, the unit k, h's row stride HB and its multiples. */
interface ForwardBlock {
  epilogue: Epilogue;
  alpha: Record<Width, number>;
  m: number;
  k: number;
  at: number;
  HB: number;
  rowOffsets: readonly number[];
}

/** `count` values (vectors of rows, or one row) from row m: their sums over every unit, stored in y. */
function forwardBlock(e: Emit, b: ForwardBlock, width: Width, count: number, leakyAsMax: boolean): void {
  const { f, p } = e;
  const { Y, HID, X, W1, B1, W2, B2, H } = f.arg;
  const { m, k, at, HB } = b;
  const step = width === 'vector' ? p.lanes * p.size : p.size;
  const l: ForwardLocals = {
    xs: e.locals(width, count),
    acc: e.locals(width, count),
    h: e.locals(width, 2),
    z: e.local(width),
    pointers: f.localsOf(i32, 4),
  };
  const [pw1, pb1, pw2, ph] = l.pointers;
  f.get(X).shl(m, p.shift).emit(op.i32Add).set(at);
  for (let r = 0; r < count; r++) {
    e.loadLocal(width, l.xs[r], at, r * step);
    f.get(B2);
    e.loadSplat(width);
    f.set(l.acc[r]);
  }
  for (const [pointer, base] of [
    [pw1, W1],
    [pb1, B1],
    [pw2, W2],
  ] as const)
    f.get(base).set(pointer);
  f.get(HID).get(m).get(HB).emit(op.i32Mul, op.i32Add).set(ph);
  const alpha = b.alpha[width];
  const units = (u: number) =>
    forwardUnits(e, width, b.epilogue, leakyAsMax, alpha, l, b.rowOffsets, u, u === 2);
  if (pairKeepsHidden(p)) {
    // units in pairs (h kept), then an odd last one
    f.forLoop(
      k,
      () => f.i32(0),
      () => f.get(H).i32(1).emit(op.i32Sub),
      2,
      () => units(2),
    );
    f.get(k)
      .get(H)
      .emit(op.i32LtS)
      .ifElse(() => units(1));
  } else f.upTo(k, H, () => units(1));
  f.get(Y).shl(m, p.shift).emit(op.i32Add).set(at);
  for (let r = 0; r < count; r++) {
    f.get(at).get(l.acc[r]);
    e.store(width, r * step);
  }
}

/** dense_pair_forward's locals for one block of rows: x and the sums per vector, h per unit, pointers w₁, b₁, w₂, h. */
interface ForwardLocals {
  xs: number[];
  acc: number[];
  h: number[];
  z: number;
  pointers: number[];
}

/**
 * `units` hidden units (1 or 2) for a block of rows: z = b₁ + x·w₁ (dense_forward_in1), then
 * acc += f(z)·w₂ (dense_forward_out1), unit by unit; with `store`, the two units' h written to
 * each row of h[N×H] (vectors transposed by shuffles).
 */
function forwardUnits(
  e: Emit,
  width: Width,
  epilogue: Epilogue,
  leakyAsMax: boolean,
  alpha: number,
  l: ForwardLocals,
  rowOffsets: readonly number[],
  units: number,
  store: boolean,
): void {
  const { f, p } = e;
  const [pw1, pb1, pw2, ph] = l.pointers;
  const w = Array.from({ length: units }, () => e.locals(width, 3));
  for (let j = 0; j < w.length; j++) {
    e.splatLocal(width, w[j][0], pw1, j * p.size);
    e.splatLocal(width, w[j][1], pb1, j * p.size);
    e.splatLocal(width, w[j][2], pw2, j * p.size);
  }
  l.xs.forEach((x, r) => {
    for (let j = 0; j < w.length; j++) {
      f.get(w[j][1]).get(x).get(w[j][0]);
      e.mul(width);
      e.add(width);
      f.set(l.z);
      e.activation(width, epilogue, l.z, alpha, leakyAsMax);
      f.tee(l.h[j]).get(w[j][2]);
      e.mul(width);
      e.accumulate(width, l.acc[r]);
    }
    if (!store) return;
    // rows r·lanes + lane of the block, at columns k, k + 1
    const rows = width === 'vector' ? p.lanes : 1;
    for (let lane = 0; lane < rows; lane++) {
      f.get(ph)
        .get(rowOffsets[r * rows + lane])
        .emit(op.i32Add);
      if (width === 'vector') {
        f.get(l.h[0])
          .get(l.h[1])
          .simd(simd.shuffle, ...(lane === 0 ? low : high));
        e.store(width);
      } else {
        f.get(l.h[0]);
        e.store(width);
        f.get(ph).get(rowOffsets[r]).emit(op.i32Add).get(l.h[1]);
        e.store(width, p.size);
      }
    }
  });
  for (const pointer of l.pointers) f.advanceBytes(pointer, w.length * p.size);
}

/**
 * The backward kernel's hidden unit, in two halves around dH. Vectors keep the comparison z > 0
 * (the reference's test) as bits in `c.slope` instead of selecting: relu h = z AND mask and
 * dZ = dH AND mask (the value or +0); leakyRelu s = alpha XOR (mask AND (alpha XOR 1)), which is
 * 1 or alpha, then h = z·s and dZ = dH·s — x·1 = x and x·alpha = alpha·x exactly, so these are the
 * select's values (−0, ±Infinity and NaN included) in fewer floating-point instructions, the
 * resource this loop runs out of. The scalar tail and the linear activation take Emit's forms.
 */
function hiddenValue(e: Emit, width: Width, epilogue: Epilogue, c: BackwardConstants, z: number): void {
  const { f, p } = e;
  if (width === 'scalar' || epilogue === 'linear') {
    e.activation(width, epilogue, z, c.alpha[width]);
    return;
  }
  f.get(z).get(c.zero).simd(p.v.gt);
  if (epilogue === 'leakyRelu') f.get(c.flip).simd(simd.and).get(c.alpha.vector).simd(simd.xor);
  f.tee(c.slope).get(z);
  if (epilogue === 'relu') f.simd(simd.and);
  else e.mul(width);
}

/** c.slope from a kept h (vectors): the mask h > 0 for relu, 1 or alpha for leakyRelu (see hiddenValue). */
function hiddenSlope(e: Emit, epilogue: Epilogue, c: BackwardConstants, h: number): void {
  if (epilogue === 'linear') return;
  const f = e.f;
  f.get(h).get(c.zero).simd(e.p.v.gt);
  if (epilogue === 'leakyRelu') f.get(c.flip).simd(simd.and).get(c.alpha.vector).simd(simd.xor);
  f.set(c.slope);
}

/** dZ = dH ⊙ f' on the stack, after hiddenValue or hiddenSlope on the same unit (see hiddenValue). */
function hiddenDerivative(
  e: Emit,
  width: Width,
  epilogue: Epilogue,
  c: BackwardConstants,
  h: number,
  dH: number,
): void {
  const f = e.f;
  if (width === 'scalar' || epilogue === 'linear') {
    // relu and leakyRelu test h > 0, as dense_backward_in1 tests a > 0 (z > 0 alike for alpha ≥ 0)
    e.derivative(
      width,
      epilogue,
      dH,
      () => f.get(h),
      () => f.get(h),
      c.alpha[width],
      c.one[width],
    );
    return;
  }
  f.get(dH).get(c.slope);
  if (epilogue === 'relu') f.simd(simd.and);
  else e.mul(width);
}

/** The backward kernel's constants: alpha and 1 in both widths, a zero vector, alpha XOR 1, and the slope of the unit at hand. */
interface BackwardConstants {
  alpha: Record<Width, number>;
  one: Record<Width, number>;
  zero: number;
  flip: number;
  slope: number;
}

/**
 * dense_pair_backward: from dY[N] = ∂loss/∂y, writes dW₁[H], dB₁[H], dW₂[H] and dB₂[1]. Lanes hold
 * hidden units: column blocks of `vectors` vectors keep their weights and their three sums in
 * registers while the rows stream by, two at a time (x[n] and dY[n] splatted once per row).
 */
export function densePairBackward(p: Precision, epilogue: Epilogue, vectors = 2): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.densePairBackward(p.name, epilogue), {
    DW1: i32,
    DB1: i32,
    DW2: i32,
    DB2: i32,
    DY: i32,
    /** h [N×H] as forward kept it (float64; float32 recomputes) */
    HID: i32,
    X: i32,
    W1: i32,
    B1: i32,
    W2: i32,
    N: i32,
    H: i32,
    ALPHA: f64,
  });
  const e = new Emit(f, p);
  const { DB2, DY, N, H, ALPHA } = f.arg;
  const c: BackwardConstants = {
    alpha: e.argumentPair(ALPHA),
    one: e.constantPair(1),
    zero: e.local('vector'),
    flip: e.local('vector'),
    slope: e.local('vector'),
  };
  e.constant('vector', 0);
  f.set(c.zero);
  f.get(c.alpha.vector).get(c.one.vector).simd(simd.xor).set(c.flip);
  const [n, px, pd, ph, HB] = f.localsOf(i32, 5);
  f.shl(H, p.shift).set(HB);
  const rows: RowLocals = { n, px, pd, ph, HB };
  columnBlocks(e, H, vectors, (width, count, o) => backwardColumns(e, epilogue, c, rows, width, count, o));
  oneColumnSum(e, DY, DB2, n, N); // dB₂ = Σ_n dY[n]
  return f;
}

/** dense_pair_backward's row counter and pointers (x, dY, h) and h's row stride in bytes. */
interface RowLocals {
  n: number;
  px: number;
  pd: number;
  ph: number;
  HB: number;
}

/** One column block of `count` values (vectors or one unit) from byte offset o: its sums over every row, stored. */
function backwardColumns(
  e: Emit,
  epilogue: Epilogue,
  c: BackwardConstants,
  rows: RowLocals,
  width: Width,
  count: number,
  o: number,
): void {
  const { f, p } = e;
  const { DW1, DB1, DW2, X, W1, B1, W2, DY, HID, N } = f.arg;
  const step = width === 'vector' ? p.lanes * p.size : p.size;
  const [w1, b1, w2, dW1, dB1, dW2] = Array.from({ length: 6 }, () => e.locals(width, count));
  for (let j = 0; j < count; j++) {
    for (const [local, base] of [
      [w1, W1],
      [b1, B1],
      [w2, W2],
    ] as const) {
      f.at(base, o);
      e.load(width, j * step);
      f.set(local[j]);
    }
    for (const sum of [dW1[j], dB1[j], dW2[j]]) {
      e.constant(width, 0);
      f.set(sum);
    }
  }
  const { n, px, pd, ph, HB } = rows;
  const l: ColumnLocals = { w1, b1, w2, dW1, dB1, dW2, scratch: e.locals(width, 5) };
  f.get(X).set(px);
  f.get(DY).set(pd);
  f.at(HID, o).set(ph);
  f.sweep(
    n,
    () => f.get(N),
    [2, 1],
    (count) => {
      for (let r = 0; r < count; r++) backwardRow(e, epilogue, c, rows, l, width, r);
      f.advanceBytes(px, count * p.size).advanceBytes(pd, count * p.size);
      for (let r = 0; r < count; r++) f.advance(ph, HB);
    },
  );
  for (let j = 0; j < count; j++) {
    for (const [base, sum] of [
      [DW1, dW1[j]],
      [DB1, dB1[j]],
      [DW2, dW2[j]],
    ] as const) {
      f.at(base, o).get(sum);
      e.store(width, j * step);
    }
  }
}

/** A column block's weights and sums (one local per value of the block), and five scratch locals. */
interface ColumnLocals {
  w1: number[];
  b1: number[];
  w2: number[];
  dW1: number[];
  dB1: number[];
  dW2: number[];
  scratch: number[];
}

/** Row r (0 or 1) from the row pointers: every value of the column block. */
function backwardRow(
  e: Emit,
  epilogue: Epilogue,
  c: BackwardConstants,
  rows: RowLocals,
  l: ColumnLocals,
  width: Width,
  r: number,
): void {
  const { f, p } = e;
  const step = width === 'vector' ? p.lanes * p.size : p.size;
  // vector columns are whole pairs of units: forward kept their h
  const loadsH = pairKeepsHidden(p) && width === 'vector';
  const [xs, dy, z, h, dH] = l.scratch;
  e.splatLocal(width, xs, rows.px, r * p.size);
  e.splatLocal(width, dy, rows.pd, r * p.size);
  for (let j = 0; j < l.w1.length; j++) {
    if (loadsH) {
      // h as forward kept it, the slope from h > 0 (z > 0 alike: alpha ≥ 0)
      f.get(rows.ph);
      if (r > 0) f.get(rows.HB).emit(op.i32Add);
      e.load(width, j * step);
      f.set(h);
      hiddenSlope(e, epilogue, c, h);
    } else {
      // h = f(b₁ + x·w₁), as forward computed it
      f.get(l.b1[j]).get(xs).get(l.w1[j]);
      e.mul(width);
      e.add(width);
      f.set(z);
      hiddenValue(e, width, epilogue, c, z);
      f.set(h);
    }
    // dW₂ += h·dY;  dH = dY·w₂ (dense_backward_out1)
    f.get(h).get(dy);
    e.mul(width);
    e.accumulate(width, l.dW2[j]);
    f.get(dy).get(l.w2[j]);
    e.mul(width);
    f.set(dH);
    // dZ = dH ⊙ f'; dW₁ += x·dZ; dB₁ += dZ (dense_backward_in1)
    hiddenDerivative(e, width, epilogue, c, h, dH);
    f.set(z);
    f.get(xs).get(z);
    e.mul(width);
    e.accumulate(width, l.dW1[j]);
    f.get(z);
    e.accumulate(width, l.dB1[j]);
  }
}

/** Every dense-pair kernel, both precisions, each hidden activation an epilogue can apply. */
export function pairKernels(): FunctionBuilder[] {
  return precisions.flatMap((p) =>
    epilogues.flatMap((ep) => [densePairForward(p, ep), densePairBackward(p, ep)]),
  );
}
