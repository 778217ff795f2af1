// Optimizer update kernels beyond generate.ts's sgd_step and adam_step: heavy-ball and Nesterov
// momentum, the twins of ../optimizers.ts momentumStep (optim/momentum.ts, optim/nesterov.ts).
// The same arithmetic in the same order per element (SIMD lanes are separate elements, no fused
// multiply-add), so float64 results are bit-identical to the JavaScript loops; so are a float32
// network's (momentum_step_f32_f64: float64 velocity and arithmetic, as the loop does).
// Conventions as generate.ts: byte addresses, sizes in elements, scalars as f64.

import { kernelNames } from '../names.js';
import { Emit, type Precision, type Width, elementwiseLoop, precisions } from './emit.js';
import { FunctionBuilder, f64, i32, op, scalar, simd } from './encoder.js';

const momentumParameters = { PARAMS: i32, GRADS: i32, V: i32, N: i32, LR: f64, MU: f64 } as const;

/** How the update reaches θ and g of one element or vector (the velocity is always at offset i of V). */
interface Access {
  /** pushes θ's address */
  thetaAddress: () => void;
  load: (base: number) => void;
  /** stores the θ on the stack (after its address) */
  storeTheta: () => void;
}

/**
 * momentum_step (PyTorch's torch.optim.SGD with momentum μ, dampening 0):
 *   v ← μ·v + g;  θ ← θ − η·v          (nesterov_step: θ ← θ − η·(g + μ·v))
 */
export function momentumStep(p: Precision, nesterov: boolean): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.momentumStep(p.name, nesterov), momentumParameters);
  const e = new Emit(f, p);
  const update = momentumUpdate(e, nesterov);
  elementwiseLoop(f, p, f.arg.N, (w, i) =>
    update(w, i, {
      thetaAddress: () => f.at(f.arg.PARAMS, i),
      load: (base) => {
        f.at(base, i);
        e.load(w);
      },
      storeTheta: () => e.store(w),
    }),
  );
  return f;
}

/**
 * momentum_step_f32_f64 (and nesterov_…): momentum_step for a float32 network, whose velocity stays
 * float64 (optim/optimizer.ts): θ and g widened to float64, the same float64 arithmetic, θ rounded
 * to float32 as it is stored — the JavaScript loop's bits on those buffers, two elements per vector.
 */
export function momentumStepMixed(nesterov: boolean): FunctionBuilder {
  const [p32, p64] = precisions;
  const f = new FunctionBuilder(kernelNames.momentumStepMixed(nesterov), momentumParameters);
  const e = new Emit(f, p64);
  const update = momentumUpdate(e, nesterov);
  const half = f.local(i32); // the float32 buffers' byte offset: half the velocity's
  elementwiseLoop(f, p64, f.arg.N, (w, i) => {
    f.get(i).i32(1).emit(op.i32ShrU).set(half);
    update(w, i, {
      thetaAddress: () => f.at(f.arg.PARAMS, half),
      load: (base) => {
        f.at(base, base === f.arg.V ? i : half);
        if (base === f.arg.V) e.load(w);
        else if (w === 'vector') f.simd(simd.load64Zero).memarg(3, 0).simd(simd.f64x2.promoteLow);
        else f.emit(p32.s.load).memarg(2, 0).emit(scalar.f64.promote);
      },
      storeTheta: () => {
        if (w === 'vector') f.simd(simd.f32x4.demoteZero).simd(simd.store64Lane).memarg(3, 0).emit(0);
        else f.emit(scalar.f32.demote, p32.s.store).memarg(2, 0);
      },
    });
  });
  return f;
}

/** The momentum update of one element or vector; returns the writer, its locals made once per kernel. */
function momentumUpdate(e: Emit, nesterov: boolean): (w: Width, i: number, a: Access) => void {
  const { f } = e;
  const { PARAMS, GRADS, V } = f.arg;
  const lr = e.argumentPair(f.arg.LR);
  const mu = e.argumentPair(f.arg.MU);
  const g = e.localPair();
  const v = e.localPair();
  return (w, i, a) => {
    a.load(GRADS);
    f.set(g[w]);
    // v ← μ·v + g
    f.at(V, i);
    f.get(mu[w]);
    a.load(V);
    e.mul(w);
    f.get(g[w]);
    e.add(w);
    f.tee(v[w]);
    e.store(w);
    // θ ← θ − η·v, or θ − η·(g + μ·v)
    a.thetaAddress();
    a.load(PARAMS);
    f.get(lr[w]);
    if (nesterov) {
      f.get(g[w]);
      f.get(mu[w]).get(v[w]);
      e.mul(w);
      e.add(w);
    } else f.get(v[w]);
    e.mul(w);
    e.sub(w);
    a.storeTheta();
  };
}

/** Every kernel of this file, both precisions. */
export function stepKernels(): FunctionBuilder[] {
  return [
    ...precisions.flatMap((p) => [momentumStep(p, false), momentumStep(p, true)]),
    momentumStepMixed(false),
    momentumStepMixed(true),
  ];
}
