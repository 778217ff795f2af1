// Optimizer update kernels beyond generate.ts's sgd_step and adam_step: heavy-ball and Nesterov
// momentum, the twins of ../optimizers.ts momentumStep (optim/momentum.ts, optim/nesterov.ts).
// The same arithmetic in the same order per element (SIMD lanes are separate elements, no fused
// multiply-add), so float64 results are bit-identical to the JavaScript loops.
// Conventions as generate.ts: byte addresses, sizes in elements, scalars as f64.

import { kernelNames } from '../names.js';
import { Emit, type Precision, elementwiseLoop, precisions } from './emit.js';
import { FunctionBuilder, f64, i32 } from './encoder.js';

/**
 * momentum_step (PyTorch's torch.optim.SGD with momentum μ, dampening 0):
 *   v ← μ·v + g;  θ ← θ − η·v          (nesterov_step: θ ← θ − η·(g + μ·v))
 */
export function momentumStep(p: Precision, nesterov: boolean): FunctionBuilder {
  const f = new FunctionBuilder(kernelNames.momentumStep(p.name, nesterov), {
    PARAMS: i32,
    GRADS: i32,
    V: i32,
    N: i32,
    LR: f64,
    MU: f64,
  });
  const e = new Emit(f, p);
  const { PARAMS, GRADS, V, N } = f.arg;
  const lr = e.argumentPair(f.arg.LR);
  const mu = e.argumentPair(f.arg.MU);
  const g = e.localPair();
  const v = e.localPair();
  elementwiseLoop(f, p, N, (w, i) => {
    f.at(GRADS, i);
    e.load(w);
    f.set(g[w]);
    // v ← μ·v + g
    f.at(V, i);
    f.get(mu[w]).at(V, i);
    e.load(w);
    e.mul(w);
    f.get(g[w]);
    e.add(w);
    f.tee(v[w]);
    e.store(w);
    // θ ← θ − η·v, or θ − η·(g + μ·v)
    f.at(PARAMS, i);
    f.at(PARAMS, i);
    e.load(w);
    f.get(lr[w]);
    if (nesterov) {
      f.get(g[w]);
      f.get(mu[w]).get(v[w]);
      e.mul(w);
      e.add(w);
    } else f.get(v[w]);
    e.mul(w);
    e.sub(w);
    e.store(w);
  });
  return f;
}

/** Every kernel of this file, both precisions. */
export function stepKernels(): FunctionBuilder[] {
  return precisions.flatMap((p) => [momentumStep(p, false), momentumStep(p, true)]);
}
