// Optimizer updates (sgd, momentum, adam) and reductions over flat buffers: the JavaScript reference loops, and the
// dispatch to their WebAssembly twins when every buffer lives in the kernels' memory (see
// `allocate`). Buffers elsewhere (plain Float64Arrays) take the JavaScript loop: copying them in and
// out would cost more than the update itself.

import { activeRuntime } from './backend.js';
import type { FloatArray } from './matmul.js';
import { kernelNames } from './names.js';
import type { WasmRuntime } from './wasm/runtime.js';

/** The addresses `residentRuntime` found (reused: a step allocates nothing). */
const at = [0, 0, 0, 0];

/**
 * The runtime when every buffer given lives in its memory, all of one precision, with their
 * addresses in `at` (in order); else null.
 */
function residentRuntime(
  a: FloatArray,
  b: FloatArray,
  c: FloatArray | null = null,
  d: FloatArray | null = null,
): WasmRuntime | null {
  const rt = activeRuntime();
  if (!rt) return null;
  const f32 = a instanceof Float32Array;
  at[0] = rt.addressOf(a);
  at[1] = b instanceof Float32Array === f32 ? rt.addressOf(b) : -1;
  at[2] = c === null ? 0 : c instanceof Float32Array === f32 ? rt.addressOf(c) : -1;
  at[3] = d === null ? 0 : d instanceof Float32Array === f32 ? rt.addressOf(d) : -1;
  return at[0] < 0 || at[1] < 0 || at[2] < 0 || at[3] < 0 ? null : rt;
}

/** residentRuntime for float32 params and grads with float64 state (both pairs of one precision). */
function mixedRuntime(
  params: FloatArray,
  grads: FloatArray,
  m: FloatArray,
  v: FloatArray,
): WasmRuntime | null {
  const rt = residentRuntime(m, v);
  if (!rt) return null;
  const [mAt, vAt] = at;
  if (!residentRuntime(params, grads)) return null;
  at[2] = mAt;
  at[3] = vAt;
  return rt;
}

const suffix = (a: FloatArray): 'f32' | 'f64' => (a instanceof Float32Array ? 'f32' : 'f64');

/** Moves the addresses `residentRuntime` found to element `from` of their buffers (`ranged` below). */
function offsetAddresses(from: number, a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray): void {
  at[0] += from * a.BYTES_PER_ELEMENT;
  at[1] += from * b.BYTES_PER_ELEMENT;
  at[2] += from * c.BYTES_PER_ELEMENT;
  at[3] += from * d.BYTES_PER_ELEMENT;
}

// Each update below takes an optional range [from, to) of the buffers (default: all of them): the
// data-parallel trainer's threads apply one step to disjoint ranges at once (train/parallel.ts). The
// updates are elementwise, so a range gets the same bits as the whole update there.

/** params[i] ← params[i] − learningRate · grads[i] for i in [from, to) (plain gradient descent). */
export function sgdStep(
  params: FloatArray,
  grads: FloatArray,
  learningRate: number,
  from = 0,
  to = params.length,
): void {
  const rt = residentRuntime(params, grads);
  if (rt) {
    offsetAddresses(from, params, grads, params, params);
    rt.kernels[kernelNames.sgdStep(suffix(params))](at[0], at[1], to - from, learningRate);
    return;
  }
  for (let i = from; i < to; i++) params[i] -= learningRate * grads[i];
}

/**
 * One momentum step (PyTorch's torch.optim.SGD, dampening 0) over params, grads and the velocity v,
 * elements [from, to):  v ← μ·v + g;  θ ← θ − η·v,  or with `nesterov` θ ← θ − η·(g + μ·v).
 */
export function momentumStep(
  params: FloatArray,
  grads: FloatArray,
  v: FloatArray,
  learningRate: number,
  momentum: number,
  nesterov: boolean,
  from = 0,
  to = params.length,
): void {
  // a float32 network's velocity is float64 (optim/optimizer.ts): momentum_step_f32_f64 when all are resident
  const mixed = params instanceof Float32Array && v instanceof Float64Array;
  const rt = mixed ? mixedRuntime(params, grads, v, v) : residentRuntime(params, grads, v);
  if (rt) {
    const name = mixed
      ? kernelNames.momentumStepMixed(nesterov)
      : kernelNames.momentumStep(suffix(params), nesterov);
    offsetAddresses(from, params, grads, v, v);
    rt.kernels[name](at[0], at[1], at[2], to - from, learningRate, momentum);
    return;
  }
  const lr = learningRate;
  const mu = momentum;
  if (nesterov) {
    for (let i = from; i < to; i++) {
      v[i] = mu * v[i] + grads[i];
      params[i] -= lr * (grads[i] + mu * v[i]);
    }
  } else {
    for (let i = from; i < to; i++) {
      v[i] = mu * v[i] + grads[i];
      params[i] -= lr * v[i];
    }
  }
}

export interface AdamStepOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** the step number t ≥ 1 (for the bias corrections 1 − βᵗ) */
  step: number;
  /** decoupled weight decay (AdamW, Loshchilov & Hutter 2019); 0 for Adam */
  decay?: number;
}

/**
 * One Adam step (Kingma & Ba 2015, Algorithm 1) over params, grads and the moments m, v, elements [from, to):
 *   m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²,  θ ← θ·(1 − η·decay) − η·(m/c1) / (√(v/c2) + ε)
 * with c1 = 1 − β1ᵗ and c2 = 1 − β2ᵗ — the same arithmetic as optim/adam.ts.
 */
export function adamStep(
  params: FloatArray,
  grads: FloatArray,
  m: FloatArray,
  v: FloatArray,
  o: AdamStepOptions,
  from = 0,
  to = params.length,
): void {
  const c1 = 1 - o.beta1 ** o.step;
  const c2 = 1 - o.beta2 ** o.step;
  const decay = o.decay ?? 0;
  const keep = 1 - o.learningRate * decay;
  // a float32 network's moments are float64 (optim/adam.ts): adam_step_f32_f64 when all are resident
  const mixed = params instanceof Float32Array && m instanceof Float64Array;
  const rt = mixed ? mixedRuntime(params, grads, m, v) : residentRuntime(params, grads, m, v);
  if (rt) {
    offsetAddresses(from, params, grads, m, v);
    rt.kernels[mixed ? kernelNames.adamStepMixed : kernelNames.adamStep(suffix(params))](
      at[0],
      at[1],
      at[2],
      at[3],
      to - from,
      o.learningRate,
      o.beta1,
      o.beta2,
      o.epsilon,
      c1,
      c2,
      keep,
    );
    return;
  }
  const { beta1: b1, beta2: b2, epsilon: eps, learningRate: lr } = o;
  for (let i = from; i < to; i++) {
    const g = grads[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    const p = decay > 0 ? params[i] * keep : params[i];
    params[i] = p - (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
  }
}

/** dot's result: one float64 or float32 in the kernels' memory, and views of it */
const dotResult: { at: number; f64: Float64Array<ArrayBufferLike>; f32: Float32Array<ArrayBufferLike> } = {
  at: 0,
  f64: new Float64Array(0),
  f32: new Float32Array(0),
};

/** Σ a[i]·b[i] (the sum of squares when a = b, as the L2 penalty needs). */
export function dot(a: FloatArray, b: FloatArray): number {
  const n = a.length;
  const rt = residentRuntime(a, b);
  if (rt) {
    const r = dotResult;
    if (!r.at) r.at = rt.allocate(8);
    // (re)made views: first use, or an unshared memory grew and detached them
    if (r.f64.buffer !== rt.buffer) {
      r.f64 = rt.f64(r.at, 1);
      r.f32 = rt.f32(r.at, 1);
    }
    rt.kernels[kernelNames.dot(suffix(a))](r.at, at[0], at[1], n);
    return a instanceof Float32Array ? r.f32[0] : r.f64[0];
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i] * b[i];
  return sum;
}

/**
 * A zeroed buffer of n elements inside the kernels' memory when the WebAssembly kernels are in use
 * and their memory is shared (so views survive growth), else an ordinary typed array. sgdStep /
 * adamStep / dot run in WebAssembly on such buffers. Never freed: meant for long-lived buffers
 * such as parameters and optimizer moments.
 */
export function allocate(dtype: 'float64' | 'float32', n: number): FloatArray {
  const rt = activeRuntime();
  if (!rt || !rt.shared) return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  const size = dtype === 'float32' ? 4 : 8;
  const ptr = rt.allocate(n * size);
  const view = dtype === 'float32' ? rt.f32(ptr, n) : rt.f64(ptr, n);
  view.fill(0);
  return view;
}
