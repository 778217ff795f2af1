// The activation kernels whose functions need exp, log or tanh (vmath.ts): act_forward, a = f(z),
// for tanh, sigmoid, elu, softplus and gelu, and act_backward, dZ = dA ⊙ f'(z), for softplus and
// gelu (whose derivatives need z; the others' are in generate.ts, from a = f(z)). Each follows the
// formula of its twin in nn/activations.ts, within the error bounds of test/activation-kernels.test.ts.
// The scalar tail computes one element as a vector (the element in every lane, lane 0 kept), so
// each function is written once.

import {
  type MathActivation,
  type ZBackwardActivation,
  kernelNames,
  mathActivations,
  zBackwardActivations,
} from '../names.js';
import {
  activationBackwardParameters,
  Emit,
  type Precision,
  type Width,
  elementwiseLoop,
  precisions,
} from './emit.js';
import { FunctionBuilder, f64, i32 } from './encoder.js';
import { VectorMath } from './vmath.js';

/** √(2/π) and the cubic coefficient of GELU's tanh form (as nn/activations.ts). */
const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/** Pushes f(z) for a vector local z (alpha a vector local, for elu). */
function forwardValue(m: VectorMath, activation: MathActivation, z: number, alpha: number): void {
  const f = m.e.f;
  if (activation === 'tanh') m.tanh(z);
  else if (activation === 'sigmoid') m.sigmoid(z);
  else if (activation === 'elu') {
    // z > 0 ? z : alpha·expm1(z), expm1 taken of min(z, 0)
    f.get(z).get(alpha);
    m.clampAtZero(z, 'pmin');
    m.expm1(m.local());
    m.arithmetic('mul');
    f.get(z);
    m.constant(0);
    m.arithmetic('gt');
    m.bitselect();
  } else if (activation === 'softplus') {
    // max(z, 0) + log1p(exp(−|z|))
    m.clampAtZero(z, 'pmax');
    f.get(z);
    m.arithmetic('abs');
    m.arithmetic('neg');
    m.exp(m.local());
    m.log1p(m.local());
    m.arithmetic('add');
  } else {
    // 0.5·z·(1 + tanh(C·(z + A·z·z·z)))
    const t = geluTanh(m, z);
    m.constant(0.5);
    f.get(z);
    m.arithmetic('mul');
    m.constant(1);
    f.get(t);
    m.arithmetic('add');
    m.arithmetic('mul');
  }
}

/** tanh(C·(z + A·z·z·z)) of GELU, into a new local. */
function geluTanh(m: VectorMath, z: number): number {
  const f = m.e.f;
  m.constant(GELU_C);
  f.get(z);
  m.constant(GELU_A);
  f.get(z);
  m.arithmetic('mul');
  f.get(z);
  m.arithmetic('mul');
  f.get(z);
  m.arithmetic('mul');
  m.arithmetic('add');
  m.arithmetic('mul');
  m.tanh(m.local());
  return m.local();
}

/** Pushes f'(z) for a vector local z, softplus or gelu. */
function derivativeValue(m: VectorMath, activation: ZBackwardActivation, z: number): void {
  const f = m.e.f;
  if (activation === 'softplus') {
    m.sigmoid(z);
    return;
  }
  // 0.5·(1 + t) + 0.5·z·(1 − t·t)·C·(1 + 3A·z·z)
  const t = geluTanh(m, z);
  // float32's z·z overflows from |z| ≈ 1.8e19 (0·∞ = NaN where the reference, in float64, has
  // (1 − t·t)·(1 + 3A·z·z) = 0): the last factor takes z within ±10⁴, where t = ±1 already
  const zz = m.e.p.name === 'f32' ? m.clamp(z, 1e4) : z;
  m.constant(0.5);
  m.constant(1);
  f.get(t);
  m.arithmetic('add');
  m.arithmetic('mul');
  m.constant(0.5);
  f.get(z);
  m.arithmetic('mul');
  m.constant(1);
  f.get(t).get(t);
  m.arithmetic('mul');
  m.arithmetic('sub');
  m.arithmetic('mul');
  m.constant(GELU_C);
  m.arithmetic('mul');
  m.constant(1);
  m.constant(3 * GELU_A);
  f.get(zz);
  m.arithmetic('mul');
  f.get(zz);
  m.arithmetic('mul');
  m.arithmetic('add');
  m.arithmetic('mul');
  m.arithmetic('add');
}

/** Loads the element(s) at base + i as a vector: a whole vector, or one element in every lane. */
function loadVector(e: Emit, width: Width, base: number, i: number): number {
  e.f.at(base, i);
  if (width === 'vector') e.load('vector');
  else e.loadSplat('vector');
  const l = e.local('vector');
  e.f.set(l);
  return l;
}

/** Stores the vector on the stack at the address pushed before it: all lanes, or lane 0. */
function storeVector(e: Emit, width: Width): void {
  if (width === 'scalar') e.f.simd(e.p.v.extractLane, 0);
  e.store(width);
}

/** act_forward: out[n] = f(z[n]). OUT may equal Z. */
export function activationForward(p: Precision, activation: MathActivation): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.activationForward(p.name, activation), {
    OUT: i32,
    Z: i32,
    N: i32,
    /** elu */
    ALPHA: f64,
  });
  const e = new Emit(f, p);
  const { OUT, Z, N, ALPHA } = f.arg;
  activationSweep(e, activation, OUT, Z, N, e.scalarLocal('vector', ALPHA));
  return f;
}

/**
 * out[i] = f(z[i]) for n elements: the loop of act_forward, also gemm_nn's epilogue for these
 * activations (generate.ts). out, z (byte addresses) and n are i32 locals; alpha a vector local.
 */
export function activationSweep(
  e: Emit,
  activation: MathActivation,
  out: number,
  z: number,
  n: number,
  alpha: number,
): void {
  const m = new VectorMath(e);
  elementwiseLoop(e.f, e.p, n, (width, i) => {
    const zi = loadVector(e, width, z, i);
    e.f.at(out, i);
    forwardValue(m, activation, zi, alpha);
    storeVector(e, width);
  });
}

/** act_backward for the activations whose derivative needs z: dZ[n] = dA[n] · f'(z[n]). DZ may equal DA. */
export function activationBackwardFromZ(p: Precision, activation: ZBackwardActivation): FunctionBuilder {
  // the same parameters as generate.ts's act_backward, so that callers need not tell them apart
  const f = new FunctionBuilder(
    kernelNames.activationBackward(p.name, activation),
    activationBackwardParameters,
  );
  const e = new Emit(f, p);
  const m = new VectorMath(e);
  const { DZ, DA, Z, N } = f.arg;
  elementwiseLoop(f, p, N, (width, i) => {
    const z = loadVector(e, width, Z, i);
    const dA = loadVector(e, width, DA, i);
    f.at(DZ, i);
    f.get(dA);
    derivativeValue(m, activation, z);
    m.arithmetic('mul');
    storeVector(e, width);
  });
  return f;
}

/** Every kernel of this file, in both precisions. */
export function activationKernels(): FunctionBuilder[] {
  const out: FunctionBuilder[] = [];
  for (const p of precisions) {
    for (const a of mathActivations) out.push(activationForward(p, a));
    for (const a of zBackwardActivations) out.push(activationBackwardFromZ(p, a));
  }
  return out;
}
