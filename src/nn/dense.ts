// A fully connected layer: out = f(input · weight + bias).
//   input  [N×I]   one example per row
//   weight [I×O]   weight[i, o] connects input i to output o
//   bias   [O]
//   z      [N×O]   pre-activation (kept for backward)
//   out    [N×O]   f(z)
// Backward, from dOut = ∂loss/∂out:
//   dZ = dOut ⊙ f'(z);  dWeight = inputᵀ · dZ;  dBias = Σ_n dZ[n, :];  dInput = dZ · weightᵀ.

import { denseBackward, denseForward, type FloatArray } from '../kernels/index.js';
import { activeRuntime } from '../kernels/backend.js';
import type { WasmRuntime } from '../kernels/wasm/runtime.js';
import { ShapeError, checkNumber } from '../errors.js';
import { zeros, type DType, type Matrix } from '../matrix.js';
import type { Random } from '../random.js';
import { builtinActivation, getActivation, type Activation, type ActivationSpec } from './activations.js';
import {
  defaultInitializer,
  getInitializer,
  type Initializer,
  type InitializerName,
} from './initializers.js';
import type { Layer, Parameter } from './layer.js';

export interface DenseOptions {
  activation?: ActivationSpec | Activation;
  init?: InitializerName | Initializer;
  dtype?: DType;
}

/** Buffers for one batch size, made once and reused by every step with that many rows. */
interface Workspace {
  z: Matrix;
  out: Matrix;
  dZ: Matrix;
  dInput: Matrix;
}

/**
 * The WebAssembly path's buffers for one batch size: addresses in the kernels' memory, and the
 * Workspace views on them (re-made when an unshared memory grows and detaches old views).
 */
interface WasmWorkspace {
  rows: number;
  /** [N×I] the input, copied here when it does not already live in the kernels' memory */
  input: number;
  z: number;
  out: number;
  dZ: number;
  dInput: number;
  views: Workspace;
  inputView: FloatArray;
  /** this workspace's blocks, released when it is dropped */
  blocks: number[];
}

/** The WebAssembly path's per-layer buffers (addresses); `blocks` lists everything to release. */
interface WasmState {
  rt: WasmRuntime;
  /** [I×O], and its transpose [O×I] for layers with few outputs */
  weight: number;
  weightT: number;
  /** [O] */
  bias: number;
  /** [I×O] and [O×I]: ∂loss/∂weight, computed here and copied to the parameter's grad */
  dWeight: number;
  dWeightT: number;
  dBias: number;
  blocks: number[];
  /** the workspaces of the two most recently used batch sizes, the most recent first */
  recent: WasmWorkspace | null;
  older: WasmWorkspace | null;
  /** views on the buffers above, re-made when `viewsOn` is no longer the memory's buffer */
  views: {
    weight: FloatArray;
    weightT: FloatArray;
    bias: FloatArray;
    dWeight: FloatArray;
    dWeightT: FloatArray;
    dBias: FloatArray;
  };
  viewsOn: ArrayBufferLike | null;
  /** the kernels this layer calls, looked up once */
  forward: (...args: number[]) => void;
  gemm: (...args: number[]) => void;
  columnSums: (...args: number[]) => void;
  activationBackward: ((...args: number[]) => void) | null;
  /** one-sweep kernels for one input (I = 1) or one output (O = 1): kernels/wasm/fused.ts */
  forwardOneInput: (...args: number[]) => void;
  forwardOneOutput: (...args: number[]) => void;
  /** from ∂loss/∂out through this layer's activation (null when the kernel lacks it), and from ∂loss/∂z */
  backwardOneInput: ((...args: number[]) => void) | null;
  backwardOneInputLinear: (...args: number[]) => void;
  backwardOneOutput: (...args: number[]) => void;
}

/** Frees a collected layer's blocks in the kernels' memory. */
const released = new FinalizationRegistry<{ rt: WasmRuntime; blocks: number[] }>(({ rt, blocks }) => {
  for (const b of blocks) rt.release(b);
});

export class Dense implements Layer {
  readonly type = 'dense';
  readonly activation: Activation;
  readonly parameters: Parameter[];
  readonly weight: Parameter;
  readonly bias: Parameter;
  readonly init: InitializerName | 'custom';
  readonly dtype: DType;
  private input: Matrix | null = null;
  private work: Workspace | null = null;
  /**
   * The workspaces of the two most recently used batch sizes, the most recent first: full batches
   * and an epoch's remainder batch alternate without new buffers, and predict() on ever new row
   * counts does not keep a buffer per count (older ones are dropped).
   */
  private recent: Workspace | null = null;
  private older: Workspace | null = null;
  /** Set while the last forward ran on the WebAssembly kernels: its workspace and input address. */
  private wasmWork: WasmWorkspace | null = null;
  private inputAt = 0;
  private wasm: WasmState | null = null;
  /** set when the kernels' memory could not hold this layer's buffers */
  private wasmRefused = false;
  /** set when the last forward (one-input kernel) skipped storing z: preActivation() stores it on demand */
  private zPending = false;
  /** the built-in activation by name (null for a user-written one), for the kernels */
  private readonly kernelActivation: { name: string; alpha: number } | null;

  constructor(
    readonly inputSize: number,
    readonly outputSize: number,
    random: Random,
    options: DenseOptions = {},
  ) {
    checkNumber('dense inputSize', inputSize, { integer: true, min: 1 });
    checkNumber('dense outputSize', outputSize, { integer: true, min: 1 });
    this.activation = getActivation(options.activation ?? 'linear');
    this.kernelActivation = builtinActivation(this.activation);
    this.dtype = options.dtype ?? 'float64';
    const make = (n: number) => (this.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n));
    const initName = options.init ?? defaultInitializer(this.activation.name);
    this.init = typeof initName === 'function' ? 'custom' : initName;
    this.weight = {
      name: 'weight',
      shape: [inputSize, outputSize],
      value: make(inputSize * outputSize),
      grad: make(inputSize * outputSize),
      regularize: true,
    };
    this.bias = {
      name: 'bias',
      shape: [outputSize],
      value: make(outputSize),
      grad: make(outputSize),
      regularize: false,
    };
    getInitializer(initName)(this.weight.value, inputSize, outputSize, random);
    this.parameters = [this.weight, this.bias];
  }

  private workspace(rows: number): Workspace {
    const r = this.recent;
    if (r && r.z.rows === rows) return r;
    const o = this.older;
    if (o && o.z.rows === rows) {
      this.older = r;
      this.recent = o;
      return o;
    }
    const O = this.outputSize;
    const z = zeros(rows, O, this.dtype);
    // a linear layer's output is its pre-activation: no copy needed
    const out = this.activation.name === 'linear' ? z : zeros(rows, O, this.dtype);
    const w = { z, out, dZ: zeros(rows, O, this.dtype), dInput: zeros(rows, this.inputSize, this.dtype) };
    this.older = r; // the previous `older` is dropped
    this.recent = w;
    return w;
  }

  forward(input: Matrix): Matrix {
    if (input.cols !== this.inputSize) {
      throw new ShapeError(
        `dense layer expects ${this.inputSize} inputs per example, got ${input.cols}`,
        'input',
      );
    }
    const rt = activeRuntime();
    if (rt && !this.wasmRefused) {
      const out = this.forwardWasm(rt, input);
      if (out) return out;
    }
    this.wasmWork = null;
    this.zPending = false;
    const N = input.rows;
    const w = (this.work = this.workspace(N));
    this.input = input;
    denseForward(
      w.z.data,
      input.data,
      this.weight.value,
      this.bias.value,
      N,
      this.inputSize,
      this.outputSize,
    );
    if (w.out !== w.z) this.activation.forward(w.out.data, w.z.data, N, this.outputSize);
    return w.out;
  }

  preActivation(): Matrix {
    if (!this.work) throw new Error('preActivation() called before forward()');
    this.refreshViews();
    if (this.zPending) this.storePreActivation();
    return this.work.z;
  }

  backward(dOutput: Matrix, inputGradient: boolean): Matrix | null {
    this.refreshViews();
    const w = this.lastWorkspace(dOutput);
    if (this.activation.name === 'linear') return this.backwardFromPreActivation(dOutput, inputGradient);
    const ww = this.wasmWork;
    const s = this.wasm;
    if (ww && s && s.backwardOneInput && this.inputSize === 1 && !inputGradient) {
      // one sweep: dZ formed on the fly, dWeight and dBias summed
      const dA = this.placed(s.rt, dOutput, ww.dZ, ww.views.dZ);
      s.backwardOneInput(
        s.dWeight,
        s.dBias,
        dA,
        ww.z,
        ww.out,
        this.inputAt,
        dOutput.rows,
        this.outputSize,
        this.kernelActivation!.alpha,
      );
      this.copyGradients(s);
      return null;
    }
    if (this.zPending) this.storePreActivation();
    if (ww && s && s.activationBackward) {
      const dA = this.placed(s.rt, dOutput, ww.dZ, ww.views.dZ);
      s.activationBackward(
        ww.dZ,
        dA,
        ww.z,
        ww.out,
        dOutput.rows * this.outputSize,
        this.kernelActivation!.alpha,
      );
    } else {
      this.activation.backward(w.dZ.data, dOutput.data, w.z.data, w.out.data, dOutput.rows, this.outputSize);
    }
    return this.backwardFromPreActivation(w.dZ, inputGradient);
  }

  backwardFromPreActivation(dZ: Matrix, inputGradient: boolean): Matrix | null {
    this.refreshViews();
    const w = this.lastWorkspace(dZ);
    if (this.wasmWork) return this.backwardWasm(dZ, inputGradient);
    const dInput: FloatArray | null = inputGradient ? w.dInput.data : null;
    denseBackward(
      dInput,
      this.weight.grad,
      this.bias.grad,
      dZ.data,
      this.input!.data,
      this.weight.value,
      dZ.rows,
      this.inputSize,
      this.outputSize,
    );
    return inputGradient ? w.dInput : null;
  }

  /**
   * After the last forward pass on the WebAssembly kernels, an unshared memory may have grown
   * (other layers' buffers) and detached this layer's views: re-made on the current buffer.
   */
  private refreshViews(): void {
    const ww = this.wasmWork;
    const s = this.wasm;
    if (ww && s && s.viewsOn !== s.rt.buffer) {
      this.makeWasmWorkspace(s, ww.rows);
      this.work = ww.views;
    }
  }

  private lastWorkspace(d: Matrix): Workspace {
    const w = this.work;
    if (!w || !this.input) throw new Error('backward() called before forward()');
    if (d.rows !== w.z.rows || d.cols !== this.outputSize) {
      throw new ShapeError(
        `dense backward: gradient is ${d.rows}×${d.cols}, forward output was ${w.z.rows}×${this.outputSize}`,
      );
    }
    return w;
  }

  // ---- the WebAssembly path: the same computation on the SIMD128 kernels (kernels/wasm) ----
  // Parameters stay ordinary typed arrays (the network's flat buffers): each forward copies them
  // into the kernels' memory and each backward copies their gradients out, O(parameters) per step
  // against O(batch × parameters) of arithmetic. Activations and their gradients stay inside.
  // Layers with one input or one output (the seed's [1, 64, 1]) take one-sweep kernels
  // (kernels/wasm/fused.ts): forward writes f(z) only (z is stored when preActivation() asks), and
  // backward forms dZ on the fly while it sums dWeight and dBias and writes dInput, instead of
  // four sweeps of separate kernels. Other products are the gemm_nn kernel. All of them sum in the
  // same order as the reference loops (SIMD lanes are separate outputs), so float64 results are
  // bit-identical to the JavaScript path: a run does not change when the kernels switch (or
  // finish compiling in a browser). The dot-product kernel (gemm_nt) would sum in another order,
  // so dZ·Wᵀ uses the transposed W.

  private get precision(): 'f32' | 'f64' {
    return this.dtype === 'float32' ? 'f32' : 'f64';
  }

  /**
   * Whether this layer has too few outputs to vectorize along them: then the weight gradient is
   * computed transposed, dWᵀ = dZᵀ · x, vectorized along the inputs.
   */
  private get narrow(): boolean {
    const lanes = this.dtype === 'float32' ? 4 : 2;
    return this.outputSize < 2 * lanes && this.inputSize >= this.outputSize;
  }

  private view(rt: WasmRuntime, at: number, rows: number, cols: number): Matrix {
    return { rows, cols, data: this.dtype === 'float32' ? rt.f32(at, rows * cols) : rt.f64(at, rows * cols) };
  }

  private wasmState(rt: WasmRuntime): WasmState {
    // (the slow path is a separate method: its closures would otherwise cost an allocation per call)
    return this.wasm && this.wasm.rt === rt ? this.wasm : this.makeWasmState(rt);
  }

  private makeWasmState(rt: WasmRuntime): WasmState {
    const size = this.dtype === 'float32' ? 4 : 8;
    const I = this.inputSize;
    const O = this.outputSize;
    const blocks: number[] = [];
    const alloc = (n: number) => {
      const at = rt.allocate(n * size);
      blocks.push(at);
      return at;
    };
    const p = this.precision;
    const k = this.kernelActivation;
    const fused = k && (k.name === 'relu' || k.name === 'leakyRelu') ? k.name : 'linear';
    const backward =
      k &&
      (k.name === 'relu' ||
        k.name === 'leakyRelu' ||
        k.name === 'tanh' ||
        k.name === 'sigmoid' ||
        k.name === 'elu');
    const oneInputBackward = backward || (k && k.name === 'linear');
    this.wasm = {
      rt,
      blocks,
      recent: null,
      older: null,
      viewsOn: null,
      views: null as unknown as WasmState['views'],
      weight: alloc(I * O),
      weightT: alloc(I * O),
      bias: alloc(O),
      dWeight: alloc(I * O),
      dWeightT: alloc(I * O),
      dBias: alloc(O),
      forward: rt.kernels[`gemm_nn_${p}_${fused}`],
      gemm: rt.kernels[`gemm_nn_${p}_linear`],
      columnSums: rt.kernels[`column_sums_${p}`],
      activationBackward: backward ? rt.kernels[`act_backward_${p}_${k!.name}`] : null,
      forwardOneInput: rt.kernels[`dense_forward_in1_${p}_${fused}`],
      forwardOneOutput: rt.kernels[`dense_forward_out1_${p}_${fused}`],
      backwardOneInput: oneInputBackward ? rt.kernels[`dense_backward_in1_${p}_${k!.name}`] : null,
      backwardOneInputLinear: rt.kernels[`dense_backward_in1_${p}_linear`],
      backwardOneOutput: rt.kernels[`dense_backward_out1_${p}`],
    };
    released.register(this, { rt, blocks });
    return this.wasm;
  }

  private wasmWorkspace(s: WasmState, rows: number): WasmWorkspace {
    if (s.viewsOn === s.rt.buffer) {
      const r = s.recent;
      if (r && r.rows === rows) return r;
      const o = s.older;
      if (o && o.rows === rows) {
        s.older = r;
        s.recent = o;
        return o;
      }
    }
    return this.makeWasmWorkspace(s, rows);
  }

  /** Makes the buffers for a new batch size, and re-makes every view after the memory grew. */
  private makeWasmWorkspace(s: WasmState, rows: number): WasmWorkspace {
    let w = s.recent && s.recent.rows === rows ? s.recent : s.older && s.older.rows === rows ? s.older : null;
    if (w === s.older && w) {
      s.older = s.recent;
      s.recent = w;
    }
    if (!w) {
      // the least recently used workspace's blocks are released first (free for these buffers)
      const dropped = s.older;
      if (dropped) {
        for (const b of dropped.blocks) {
          s.rt.release(b);
          s.blocks.splice(s.blocks.indexOf(b), 1);
        }
      }
      const size = this.dtype === 'float32' ? 4 : 8;
      const I = this.inputSize;
      const O = this.outputSize;
      const own: number[] = [];
      const alloc = (n: number) => {
        const at = s.rt.allocate(n * size);
        s.blocks.push(at);
        own.push(at);
        return at;
      };
      s.older = s.recent;
      s.recent = null;
      const z = alloc(rows * O);
      const out = this.activation.name === 'linear' ? z : alloc(rows * O);
      w = {
        rows,
        input: alloc(rows * I),
        z,
        out,
        dZ: alloc(rows * O),
        dInput: alloc(rows * I),
        views: null as unknown as Workspace,
        inputView: null as unknown as FloatArray,
        blocks: own,
      };
      s.recent = w;
      s.viewsOn = null; // (re)make views below
    }
    if (s.viewsOn !== s.rt.buffer) {
      // memory grew (or new buffers): every view re-made on the current buffer
      const I = this.inputSize;
      const O = this.outputSize;
      const v = (at: number, rows: number, cols: number) => this.view(s.rt, at, rows, cols);
      for (const x of [s.recent!, s.older]) {
        if (!x) continue;
        const z = v(x.z, x.rows, O);
        x.views = {
          z,
          out: x.out === x.z ? z : v(x.out, x.rows, O),
          dZ: v(x.dZ, x.rows, O),
          dInput: v(x.dInput, x.rows, I),
        };
        x.inputView = v(x.input, x.rows, I).data;
      }
      s.views = {
        weight: v(s.weight, I, O).data,
        weightT: v(s.weightT, O, I).data,
        bias: v(s.bias, 1, O).data,
        dWeight: v(s.dWeight, I, O).data,
        dWeightT: v(s.dWeightT, O, I).data,
        dBias: v(s.dBias, 1, O).data,
      };
      s.viewsOn = s.rt.buffer;
    }
    return w;
  }

  /** The address of m's data in the kernels' memory, copying it to `at` (viewed by `staging`) when it lives elsewhere. */
  private placed(rt: WasmRuntime, m: Matrix, at: number, staging: Matrix): number {
    const a = rt.addressOf(m.data);
    if (a >= 0) return a;
    staging.data.set(m.data);
    return at;
  }

  /** The output, or null when the kernels' memory could not hold this layer's buffers. */
  private forwardWasm(rt: WasmRuntime, input: Matrix): Matrix | null {
    const N = input.rows;
    const I = this.inputSize;
    const O = this.outputSize;
    // the input's address first: allocating below may grow an unshared memory and detach its view
    let inputAt = rt.addressOf(input.data);
    let s: WasmState;
    let w: WasmWorkspace;
    try {
      s = this.wasmState(rt);
      w = this.wasmWorkspace(s, N);
    } catch {
      // the kernels' memory cannot grow that far (2 GiB when shared): this layer stays on JavaScript
      this.wasmRefused = true;
      return null;
    }
    if (inputAt < 0) {
      w.inputView.set(input.data);
      inputAt = w.input;
    }
    s.views.weight.set(this.weight.value);
    s.views.bias.set(this.bias.value);
    const k = this.kernelActivation;
    const fused = k !== null && (k.name === 'relu' || k.name === 'leakyRelu');
    const alpha = k ? k.alpha : 0;
    // one input and a fused activation: z is not stored (the backward pass recomputes it)
    this.zPending = I === 1 && fused;
    if (I === 1) s.forwardOneInput(this.zPending ? 0 : w.z, w.out, inputAt, s.weight, s.bias, N, O, alpha);
    else if (O === 1) s.forwardOneOutput(w.z, w.out, inputAt, s.weight, s.bias, N, I, alpha);
    else s.forward(w.z, w.out, inputAt, I, 1, s.weight, s.bias, N, I, O, alpha);
    const v = w.views;
    if (!fused && v.out !== v.z) this.activation.forward(v.out.data, v.z.data, N, O);
    this.input = input;
    this.inputAt = inputAt;
    this.work = v;
    this.wasmWork = w;
    return v.out;
  }

  private backwardWasm(dZ: Matrix, inputGradient: boolean): Matrix | null {
    const s = this.wasm!;
    const w = this.wasmWork!;
    const rt = s.rt;
    const N = dZ.rows;
    const I = this.inputSize;
    const O = this.outputSize;
    const gemmNN = s.gemm;
    const dZAt = this.placed(rt, dZ, w.dZ, w.views.dZ);
    if (I === 1 && !inputGradient) {
      s.backwardOneInputLinear(s.dWeight, s.dBias, dZAt, 0, 0, this.inputAt, N, O, 0);
      this.copyGradients(s);
      return null;
    }
    if (O === 1) {
      s.backwardOneOutput(
        s.dWeight,
        s.dBias,
        inputGradient ? w.dInput : 0,
        dZAt,
        this.inputAt,
        s.weight,
        N,
        I,
      );
      this.copyGradients(s);
      return inputGradient ? w.views.dInput : null;
    }
    if (this.narrow) {
      // dWᵀ[O×I] = dZᵀ · x, vectorized along I, then transposed into the gradient
      gemmNN(s.dWeightT, 0, dZAt, 1, O, this.inputAt, 0, O, N, I, 0);
      const dWT = s.views.dWeightT;
      const grad = this.weight.grad;
      for (let i = 0; i < I; i++) for (let o = 0; o < O; o++) grad[i * O + o] = dWT[o * I + i];
    } else {
      // dW[I×O] = xᵀ · dZ
      gemmNN(s.dWeight, 0, this.inputAt, 1, I, dZAt, 0, I, N, O, 0);
      this.weight.grad.set(s.views.dWeight);
    }
    s.columnSums(s.dBias, dZAt, N, O);
    this.bias.grad.set(s.views.dBias);
    if (!inputGradient) return null;
    // dX[N×I] = dZ · Wᵀ, as a product with the transposed weight (vectorized along I)
    const weight = s.views.weight;
    const weightT = s.views.weightT;
    for (let i = 0; i < I; i++) for (let o = 0; o < O; o++) weightT[o * I + i] = weight[i * O + o];
    gemmNN(w.dInput, 0, dZAt, O, 1, s.weightT, 0, N, O, I, 0);
    return w.views.dInput;
  }

  /**
   * Stores z of the last forward pass, which the one-input kernel skipped: the same kernel again,
   * on the same input and the weights copied for that pass, writing z (and f(z) once more, the
   * same values).
   */
  private storePreActivation(): void {
    const s = this.wasm!;
    const w = this.wasmWork!;
    s.forwardOneInput(
      w.z,
      w.out,
      this.inputAt,
      s.weight,
      s.bias,
      w.rows,
      this.outputSize,
      this.kernelActivation!.alpha,
    );
    this.zPending = false;
  }

  /** Copies the gradients the kernels wrote (dWeight [I×O], dBias) into the parameters' grads. */
  private copyGradients(s: WasmState): void {
    this.weight.grad.set(s.views.dWeight);
    this.bias.grad.set(s.views.dBias);
  }

  config(): Record<string, unknown> {
    return {
      type: 'dense',
      inputSize: this.inputSize,
      outputSize: this.outputSize,
      activation: this.activation.spec,
      init: this.init,
    };
  }

  toString(): string {
    const act =
      typeof this.activation.spec === 'string' ? this.activation.spec : JSON.stringify(this.activation.spec);
    return `Dense(${this.inputSize} → ${this.outputSize}, ${act})  ${this.inputSize * this.outputSize + this.outputSize} parameters`;
  }
}
