// The kernel generators' vocabulary: what differs between float32 and float64 (Precision), and
// Emit, which writes one value-level operation (load, multiply, an activation, its derivative…)
// for a vector of lanes or a single element, so a kernel's vector loop and its scalar tail are
// written once. Builds on encoder.ts; the kernels themselves are in generate.ts and fused.ts.

import type { BackwardActivation, Epilogue, PrecisionName } from '../names.js';
import { type FunctionBuilder, f32, f64, i32, op, scalar, simd, v128, type ValueType } from './encoder.js';

/** The parameters of every act_backward kernel (generate.ts's and activations.ts's): callers need not tell them apart. */
export const activationBackwardParameters = {
  DZ: i32,
  DA: i32,
  Z: i32,
  A: i32,
  N: i32,
  /** leakyRelu and elu */
  ALPHA: f64,
} as const satisfies Record<string, ValueType>;

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
  /**
   * float32 products only: vectors multiply-add with relaxed SIMD's f32x4.relaxed_madd (one fused
   * rounding where the CPU has FMA), where the engine supports it (generate.ts's relaxedSimdSupported)
   */
  readonly relaxedMadd?: boolean;
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
const widths: readonly Width[] = ['vector', 'scalar'];

/** Helpers binding a FunctionBuilder to a precision. */
export class Emit {
  constructor(
    readonly f: FunctionBuilder,
    readonly p: Precision,
  ) {}

  /** A new local holding one value of this width: a v128, or one element. */
  local(width: Width): number {
    return this.f.local(width === 'vector' ? v128 : this.p.type);
  }

  /** `count` new locals of this width. */
  locals(width: Width, count: number): number[] {
    return Array.from({ length: count }, () => this.local(width));
  }

  /** A local of each width (the vector loop's and the scalar tail's twin of one variable). */
  localPair(): Record<Width, number> {
    return { vector: this.local('vector'), scalar: this.local('scalar') };
  }

  /** A local of each width set from a scalar f64 argument (splatted for the vector). */
  argumentPair(argument: number): Record<Width, number> {
    return { vector: this.scalarLocal('vector', argument), scalar: this.scalarLocal('scalar', argument) };
  }

  /** A local of each width set to the constant c. */
  constantPair(c: number): Record<Width, number> {
    const pair = this.localPair();
    for (const width of widths) {
      this.constant(width, c);
      this.f.set(pair[width]);
    }
    return pair;
  }

  load(width: Width, offset = 0): void {
    if (width === 'vector') this.f.simd(simd.load).memarg(0, offset);
    else this.f.emit(this.p.s.load).memarg(this.p.shift, offset);
  }

  /** Loads one element and (for vectors) copies it to every lane. */
  loadSplat(width: Width, offset = 0): void {
    if (width === 'vector') this.f.simd(this.p.splatLoad).memarg(this.p.shift, offset);
    else this.f.emit(this.p.s.load).memarg(this.p.shift, offset);
  }

  /** local ← the value of this width at pointer + offset. */
  loadLocal(width: Width, local: number, pointer: number, offset = 0): void {
    this.f.get(pointer);
    this.load(width, offset);
    this.f.set(local);
  }

  /** local ← the element at pointer + offset, in every lane. */
  splatLocal(width: Width, local: number, pointer: number, offset = 0): void {
    this.f.get(pointer);
    this.loadSplat(width, offset);
    this.f.set(local);
  }

  store(width: Width, offset = 0): void {
    if (width === 'vector') this.f.simd(simd.store).memarg(0, offset);
    else this.f.emit(this.p.s.store).memarg(this.p.shift, offset);
  }

  add(width: Width): void {
    this.#arithmetic(width, 'add');
  }

  sub(width: Width): void {
    this.#arithmetic(width, 'sub');
  }

  mul(width: Width): void {
    this.#arithmetic(width, 'mul');
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
    const l = this.local(width);
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

  div(width: Width): void {
    this.#arithmetic(width, 'div');
  }

  sqrt(width: Width): void {
    this.#arithmetic(width, 'sqrt');
  }

  /** One arithmetic instruction on the values on the stack: its f32x4 / f64x2 form, or the scalar one. */
  #arithmetic(width: Width, operation: 'add' | 'sub' | 'mul' | 'div' | 'sqrt'): void {
    if (width === 'vector') this.f.simd(this.p.v[operation]);
    else this.f.emit(this.p.s[operation]);
  }

  /** acc += a·b for locals of this width: a multiply then an add, or one relaxed_madd (see Precision). */
  multiplyAccumulate(width: Width, a: number, b: number, acc: number): void {
    if (width === 'vector' && this.p.relaxedMadd && this.p.name === 'f32') {
      this.f.get(a).get(b).get(acc).simd(simd.f32x4.relaxedMadd).set(acc);
      return;
    }
    this.f.get(a).get(b);
    this.mul(width);
    this.accumulate(width, acc);
  }

  /** Pushes the sum of a vector local's lanes, lane 0 first. */
  sumLanes(vector: number): void {
    for (let lane = 0; lane < this.p.lanes; lane++) {
      this.f.get(vector).simd(this.p.v.extractLane, lane);
      if (lane > 0) this.f.emit(this.p.s.add);
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
  f.get(n).i32(-p.lanes).emit(op.i32And).i32(p.shift).emit(op.i32Shl).set(vend);
  f.upTo(i, vend, () => body('vector', i), p.lanes * p.size);
  f.forLoop(
    i,
    () => f.get(i),
    () => f.get(end),
    p.size,
    () => body('scalar', i),
  );
}
