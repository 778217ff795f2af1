// The WebAssembly implementation of DenseKernels (dense.ts): the same passes on the SIMD128 kernels
// of wasm/generate.ts, wasm/fused.ts and wasm/activations.ts. Float64 results are bit-identical to
// the reference for products and the relu, leakyRelu and linear activations; tanh, sigmoid, elu,
// softplus and gelu are approximations within a few ulps of Math.* (wasm/vmath.ts), the same in
// every run.
//
// Parameters resident in the kernels' memory (a network's flat buffers, kernels/resident.ts) are
// read and written in place: the kernels take their addresses, and the gradients are written
// straight into the network's grads. Ordinary typed arrays (the reference backend made them, or
// the memory is not shared) are copied in at each forward and their gradients copied out at each
// backward, O(parameters) per step. Activations and their gradients always stay inside.
// Layers with one input or one output (the seed's [1, 64, 1]) take one-sweep kernels (fused.ts):
// forward writes f(z) only (z is stored when preActivation() asks), and backward forms dZ on the
// fly while it sums dWeight and dBias and writes dInput, instead of four sweeps of separate
// kernels. Other products are the gemm_nn kernel. All of them sum in the same order as the
// reference loops (SIMD lanes are separate outputs), so float64 products are bit-identical: a run
// on those activations does not change when the kernels switch (or finish compiling in a
// browser). gemm_nn applies every activation that has a kernel as its epilogue, and
// act_backward_sums forms dZ while it sums dBias, before the gradients' products; or, when the
// layer above is a Dense layer too, that layer's input-gradient product forms them in its epilogue
// (gemm_nn_backward, inputGradientTarget). The dot-product kernel (gemm_nt) would sum in another
// order, so dZ·Wᵀ uses W transposed (by the transpose kernel).

import type { Matrix } from '../matrix.js';
import { activeRuntime } from './backend.js';
import type { DenseKernels, DenseSpec } from './dense.js';
import type { FloatArray } from './matmul.js';
import {
  type Epilogue,
  hasActivationBackward,
  isBackwardActivation,
  isEpilogue,
  isLayerActivation,
  isProductEpilogue,
  isMathActivation,
  kernelNames,
} from './names.js';
import { RecentSizes } from './recent-sizes.js';
import type { WasmRuntime } from './wasm/runtime.js';

type Kernel = (...args: number[]) => void;

/** The kernels one layer calls, looked up once by their registered names. */
interface LayerKernels {
  /** gemm_nn with this layer's fused activation (any of ProductEpilogue), and without (the gradients' products) */
  forward: Kernel;
  gemm: Kernel;
  columnSums: Kernel;
  /** out[C×R] = aᵀ: the weight transposed for the input gradient's product */
  transpose: Kernel;
  /** a = f(z) after a product without epilogue (null when no kernel has this layer's activation) */
  activationForward: Kernel | null;
  /** dZ = dA ⊙ f'(z) (null when no kernel has this layer's activation), and with dBias summed */
  activationBackward: Kernel | null;
  activationBackwardSums: Kernel | null;
  /**
   * the same computed where the layer above forms dA: in its product (gemm_nn_backward), or in
   * the sweep of a one-output layer (dense_backward_out1_through); null without such kernels
   */
  gemmBackward: Kernel | null;
  oneOutputThrough: Kernel | null;
  /** one-sweep kernels for one input (I = 1) or one output (O = 1): wasm/fused.ts */
  forwardOneInput: Kernel;
  forwardOneOutput: Kernel;
  /** from ∂loss/∂out through this layer's activation (null when the kernel lacks it), and from ∂loss/∂z */
  backwardOneInput: Kernel | null;
  backwardOneInputLinear: Kernel;
  backwardOneOutput: Kernel;
}

function lookUp(rt: WasmRuntime, spec: DenseSpec, epilogue: Epilogue): LayerKernels {
  const p = spec.dtype === 'float32' ? 'f32' : 'f64';
  const name = spec.builtin ? spec.builtin.name : '';
  const kernel = (n: string) => rt.kernels[n];
  return {
    forward: kernel(kernelNames.gemmNN(p, isProductEpilogue(name) ? name : 'linear')),
    gemm: kernel(kernelNames.gemmNN(p, 'linear')),
    columnSums: kernel(kernelNames.columnSums(p)),
    transpose: kernel(kernelNames.transpose(p)),
    activationForward: isMathActivation(name) ? kernel(kernelNames.activationForward(p, name)) : null,
    activationBackward: hasActivationBackward(name) ? kernel(kernelNames.activationBackward(p, name)) : null,
    activationBackwardSums: isBackwardActivation(name)
      ? kernel(kernelNames.activationBackwardSums(p, name))
      : null,
    gemmBackward: isBackwardActivation(name) ? kernel(kernelNames.gemmNNBackward(p, name)) : null,
    oneOutputThrough: isBackwardActivation(name)
      ? kernel(kernelNames.denseBackwardOneOutputThrough(p, name))
      : null,
    forwardOneInput: kernel(kernelNames.denseForwardOneInput(p, epilogue)),
    forwardOneOutput: kernel(kernelNames.denseForwardOneOutput(p, epilogue)),
    backwardOneInput: isLayerActivation(name) ? kernel(kernelNames.denseBackwardOneInput(p, name)) : null,
    backwardOneInputLinear: kernel(kernelNames.denseBackwardOneInput(p, 'linear')),
    backwardOneOutput: kernel(kernelNames.denseBackwardOneOutput(p)),
  };
}

/** The layer's own buffers in the kernels' memory (addresses), and views on them. */
interface LayerBuffers extends LayerAddresses {
  views: { [K in keyof LayerAddresses]: FloatArray };
}
interface LayerAddresses {
  /** [I×O], and its transpose [O×I] for the input gradient */
  weight: number;
  weightT: number;
  /** [O] */
  bias: number;
  /** [I×O] and [O×I]: ∂loss/∂weight, computed here and copied to the parameter's grad (when not resident) */
  dWeight: number;
  dWeightT: number;
  dBias: number;
}

/** The buffers for one batch size: addresses, and matrices viewing them. */
interface Workspace {
  readonly rows: number;
  /** [N×I] the input, copied here when it does not already live in the kernels' memory */
  readonly input: number;
  readonly z: number;
  readonly out: number;
  readonly dZ: number;
  readonly dInput: number;
  /** this workspace's blocks, released when it is dropped */
  readonly blocks: number[];
  views: { z: Matrix; out: Matrix; dZ: Matrix; dInput: Matrix; input: FloatArray };
}

/** Frees the blocks of collected kernels in the kernels' memory (dispose() frees them at once). */
const released = new FinalizationRegistry<{ rt: WasmRuntime; blocks: number[] }>(({ rt, blocks }) => {
  for (const b of blocks) rt.release(b);
});

/**
 * Where the last pass found its parameters and put its gradients: the addresses of resident
 * buffers, or of this layer's copies (the `…Copied` flags say which gradients to copy out).
 */
interface ParameterAddresses {
  weight: number;
  bias: number;
  dWeight: number;
  dBias: number;
  dWeightCopied: boolean;
  dBiasCopied: boolean;
}

/**
 * Where the layer above writes this layer's dZ = dA ⊙ f'(z) and bias gradient straight from the
 * product that yields dA (gemm_nn_backward; see WasmDenseKernels.inputGradientTarget).
 */
export interface GradientTarget {
  readonly rt: WasmRuntime;
  readonly dtype: DenseSpec['dtype'];
  /** gemm_nn_backward and dense_backward_out1_through for this layer's activation */
  readonly kernel: Kernel;
  readonly oneOutputKernel: Kernel;
  /** addresses: dZ [N×O], the bias gradient [O], z and a = f(z) [N×O] of the last forward */
  dZ: number;
  dBias: number;
  z: number;
  act: number;
  readonly alpha: number;
  /** dZ as a matrix: what the layer above returns as its input gradient */
  view: Matrix;
}

/**
 * The WebAssembly kernels for a layer while that backend is in use: `current` when it runs on the
 * active runtime, else new ones; null while the reference kernels are the backend.
 */
export function wasmDenseKernels(current: WasmDenseKernels | null, spec: DenseSpec): WasmDenseKernels | null {
  const rt = activeRuntime();
  if (!rt) return null;
  return current && current.rt === rt ? current : new WasmDenseKernels(rt, spec);
}

export class WasmDenseKernels implements DenseKernels {
  /** every block this layer holds, released when it is collected */
  readonly #blocks: number[] = [];
  readonly #kernels: LayerKernels;
  readonly #epilogue: Epilogue;
  readonly #alpha: number;
  #layer: LayerBuffers | null = null;
  readonly #workspaces: RecentSizes<Workspace>;
  /** the buffer the views were made on: an unshared memory's growth detaches them */
  #viewsOn: ArrayBufferLike | null = null;
  /** the last forward pass: its workspace and the input's address */
  #work: Workspace | null = null;
  #inputAt = 0;
  /** set when the last forward (one-input kernel) skipped storing z: stored on demand */
  #zPending = false;
  /** set when the layer above was handed this layer's dZ (inputGradientTarget) for the last pass */
  #dZHandedOut = false;
  /** what inputGradientTarget hands out (made on first use) */
  #target: GradientTarget | null = null;
  readonly #at: ParameterAddresses = {
    weight: 0,
    bias: 0,
    dWeight: 0,
    dBias: 0,
    dWeightCopied: false,
    dBiasCopied: false,
  };
  /** the fallback's registration, dropped by dispose() */
  readonly #holdings: { rt: WasmRuntime; blocks: number[] };
  readonly #spec: DenseSpec;

  constructor(
    readonly rt: WasmRuntime,
    spec: DenseSpec,
  ) {
    this.#spec = spec;
    const name = spec.builtin ? spec.builtin.name : '';
    this.#epilogue = isEpilogue(name) ? name : 'linear';
    this.#alpha = spec.builtin ? spec.builtin.alpha : 0;
    this.#kernels = lookUp(rt, spec, this.#epilogue);
    this.#workspaces = new RecentSizes(
      (rows) => this.#makeWorkspace(rows),
      (dropped) => this.#releaseBlocks(dropped.blocks),
    );
    this.#holdings = { rt, blocks: this.#blocks };
    released.register(this, this.#holdings, this.#holdings);
  }

  /** Frees every block this layer holds (the kernels object is not used again). */
  dispose(): void {
    released.unregister(this.#holdings);
    for (const b of this.#blocks) this.rt.release(b);
    this.#blocks.length = 0;
    this.#layer = null;
    this.#work = null;
  }

  /** The output, or null when the kernels' memory could not hold this layer's buffers. */
  forward(input: Matrix, weight: FloatArray, bias: FloatArray): Matrix | null {
    const { inputSize: I, outputSize: O } = this.#spec;
    const N = input.rows;
    // the addresses first: allocating below may grow an unshared memory and detach their views
    let inputAt = this.rt.addressOf(input.data);
    const at = this.#at;
    at.weight = this.rt.addressOf(weight);
    at.bias = this.rt.addressOf(bias);
    let layer: LayerBuffers;
    let w: Workspace;
    try {
      layer = this.#layer ?? this.#makeLayerBuffers();
      w = this.#workspaces.get(N);
    } catch {
      // the kernels' memory cannot grow that far (2 GiB when shared): the caller takes the reference
      return null;
    }
    this.#refreshViews();
    const views = w.views;
    if (inputAt < 0) {
      views.input.set(input.data);
      inputAt = w.input;
    }
    this.#placeParameters(layer, weight, bias);
    const k = this.#kernels;
    const fused = this.#epilogue !== 'linear';
    // one input and a fused activation: z is not stored (the backward pass recomputes it)
    this.#zPending = I === 1 && fused;
    const a = this.#alpha;
    if (I === 1) k.forwardOneInput(this.#zPending ? 0 : w.z, w.out, inputAt, at.weight, at.bias, N, O, a);
    else if (O === 1) k.forwardOneOutput(w.z, w.out, inputAt, at.weight, at.bias, N, I, a);
    else k.forward(w.z, w.out, inputAt, I, 1, at.weight, at.bias, N, I, O, a);
    if (fused || views.out === views.z || (I > 1 && O > 1 && k.activationForward)) {
      // f(z) written by the product (gemm_nn fuses every activation that has a kernel), or a linear layer
    } else if (k.activationForward) k.activationForward(w.out, w.z, N * O, a);
    else this.#spec.activation.forward(views.out.data, views.z.data, N, O);
    this.#inputAt = inputAt;
    this.#work = w;
    this.#dZHandedOut = false;
    return views.out;
  }

  preActivation(): Matrix {
    const w = this.#lastWork();
    if (this.#zPending) this.#storePreActivation(w);
    return w.views.z;
  }

  /**
   * `below`: where the layer below takes its dZ and bias gradient (its inputGradientTarget), for
   * the input gradient's product to form them instead of dInput; null: dInput as usual.
   */
  backward(
    dOut: Matrix,
    dWeight: FloatArray,
    dBias: FloatArray,
    inputGradient: boolean,
    below: GradientTarget | null = null,
  ): Matrix | null {
    const { inputSize: I, outputSize: O, activation } = this.#spec;
    if (activation.name === 'linear')
      return this.backwardFromPreActivation(dOut, dWeight, dBias, inputGradient, false, below);
    const w = this.#lastWork();
    if (this.#dZHandedOut && dOut.data === w.views.dZ.data) {
      // the layer above formed dZ and the bias gradient (inputGradientTarget)
      this.#dZHandedOut = false;
      return this.backwardFromPreActivation(w.views.dZ, dWeight, dBias, inputGradient, true, below);
    }
    const layer = this.#layerBuffers();
    const views = w.views;
    const k = this.#kernels;
    if (k.backwardOneInput && I === 1 && !inputGradient) {
      // one sweep: dZ formed on the fly, dWeight and dBias summed
      const dA = this.#placed(dOut, w.dZ, views.dZ);
      const at = this.#gradientAddresses(layer, dWeight, dBias);
      k.backwardOneInput(at.dWeight, at.dBias, dA, w.z, w.out, this.#inputAt, dOut.rows, O, this.#alpha);
      this.#copyGradients(layer, dWeight, dBias);
      return null;
    }
    if (this.#zPending) this.#storePreActivation(w);
    if (k.activationBackwardSums && I > 1 && O > 1 && !this.#narrow) {
      // dZ formed while dBias sums it; the products below read dZ
      const dA = this.#placed(dOut, w.dZ, views.dZ);
      const at = this.#gradientAddresses(layer, dWeight, dBias);
      k.activationBackwardSums(at.dBias, w.dZ, dA, w.z, w.out, dOut.rows, this.#alpha, O);
      return this.backwardFromPreActivation(views.dZ, dWeight, dBias, inputGradient, true, below);
    }
    if (k.activationBackward) {
      const dA = this.#placed(dOut, w.dZ, views.dZ);
      k.activationBackward(w.dZ, dA, w.z, w.out, dOut.rows * O, this.#alpha);
    } else {
      activation.backward(views.dZ.data, dOut.data, views.z.data, views.out.data, dOut.rows, O);
    }
    return this.backwardFromPreActivation(views.dZ, dWeight, dBias, inputGradient, false, below);
  }

  /**
   * `biasSummed`: dBias is already in the kernels' buffer (act_backward_sums or the layer above
   * wrote it); `below` as in backward.
   */
  backwardFromPreActivation(
    dZ: Matrix,
    dWeight: FloatArray,
    dBias: FloatArray,
    inputGradient: boolean,
    biasSummed = false,
    below: GradientTarget | null = null,
  ): Matrix | null {
    const { inputSize: I, outputSize: O } = this.#spec;
    const N = dZ.rows;
    const w = this.#lastWork();
    const layer = this.#layerBuffers();
    const views = w.views;
    const k = this.#kernels;
    const dZAt = this.#placed(dZ, w.dZ, views.dZ);
    const at = this.#gradientAddresses(layer, dWeight, dBias);
    if (I === 1 && !inputGradient) {
      k.backwardOneInputLinear(at.dWeight, at.dBias, dZAt, 0, 0, this.#inputAt, N, O, 0);
      this.#copyGradients(layer, dWeight, dBias);
      return null;
    }
    if (O === 1) {
      this.#backwardOneOutput(dZAt, N, inputGradient ? below : null, inputGradient);
      this.#copyGradients(layer, dWeight, dBias);
      return !inputGradient ? null : this.#feeds(below, N) ? below.view : views.dInput;
    }
    if (this.#narrow) {
      // dWᵀ[O×I] = dZᵀ · x, vectorized along I, then transposed into the gradient
      k.gemm(layer.dWeightT, 0, dZAt, 1, O, this.#inputAt, 0, O, N, I, 0);
      transpose(dWeight, layer.views.dWeightT, O, I);
      at.dWeightCopied = false;
    } else {
      // dW[I×O] = xᵀ · dZ
      k.gemm(at.dWeight, 0, this.#inputAt, 1, I, dZAt, 0, I, N, O, 0);
    }
    if (!biasSummed) k.columnSums(at.dBias, dZAt, N, O);
    this.#copyGradients(layer, dWeight, dBias);
    if (!inputGradient) return null;
    // dX[N×I] = dZ · Wᵀ, as a product with the transposed weight (vectorized along I)
    k.transpose(layer.weightT, at.weight, I, O);
    if (this.#feeds(below, N)) {
      // the layer below's dZ = dX ⊙ f'(z) and its bias gradient, in the same product
      const b = below;
      b.kernel(b.dZ, b.dBias, dZAt, O, 1, layer.weightT, N, O, I, b.z, b.act, b.alpha);
      return b.view;
    }
    k.gemm(w.dInput, 0, dZAt, O, 1, layer.weightT, 0, N, O, I, 0);
    return views.dInput;
  }

  /**
   * dense_backward_out1 from dZ[N] at dZAt: the gradients at this.at, and the input gradient when
   * asked, into this layer's dInput or, carried on through `below`, as its dZ and bias gradient.
   */
  #backwardOneOutput(dZAt: number, N: number, below: GradientTarget | null, inputGradient: boolean): void {
    const I = this.#spec.inputSize;
    const at = this.#at;
    const w = this.#lastWork();
    if (this.#feeds(below, N)) {
      const b = below;
      const { dBias, z, act, alpha } = b;
      b.oneOutputKernel(
        at.dWeight,
        at.dBias,
        b.dZ,
        dZAt,
        this.#inputAt,
        at.weight,
        N,
        I,
        dBias,
        z,
        act,
        alpha,
      );
      return;
    }
    const dInputAt = inputGradient ? w.dInput : 0;
    this.#kernels.backwardOneOutput(at.dWeight, at.dBias, dInputAt, dZAt, this.#inputAt, at.weight, N, I);
  }

  /** Whether `below` (a layer's inputGradientTarget) takes this layer's input gradient of N rows. */
  #feeds(below: GradientTarget | null, N: number): below is GradientTarget {
    return (
      below !== null && below.rt === this.rt && below.dtype === this.#spec.dtype && below.view.rows === N
    );
  }

  /**
   * For the layer above, whose input gradient is this layer's dA: where its product may write
   * dZ = dA ⊙ f'(z) and the bias gradient instead (gemm_nn_backward: the same bits as
   * act_backward_sums after the product, one sweep fewer), or null when this layer's backward
   * forms them otherwise. The next backward() given that dZ then starts from it.
   */
  inputGradientTarget(dWeight: FloatArray, dBias: FloatArray): GradientTarget | null {
    const { inputSize: I, outputSize: O, dtype } = this.#spec;
    const { gemmBackward: kernel, oneOutputThrough: oneOutputKernel } = this.#kernels;
    // the conditions of backward()'s act_backward_sums path
    if (!kernel || !oneOutputKernel || !this.#work || I === 1 || O === 1 || this.#narrow) return null;
    const w = this.#lastWork();
    const at = this.#gradientAddresses(this.#layerBuffers(), dWeight, dBias);
    this.#dZHandedOut = true;
    // one object per layer, updated: a step allocates nothing
    const target = (this.#target ??= {
      rt: this.rt,
      dtype,
      kernel,
      oneOutputKernel,
      alpha: this.#alpha,
      dZ: 0,
      dBias: 0,
      z: 0,
      act: 0,
      view: w.views.dZ,
    });
    target.dZ = w.dZ;
    target.dBias = at.dBias;
    target.z = w.z;
    target.act = w.out;
    target.view = w.views.dZ;
    return target;
  }

  /**
   * Whether this layer has too few outputs to vectorize along them: then the weight gradient is
   * computed transposed, dWᵀ = dZᵀ · x, vectorized along the inputs.
   */
  get #narrow(): boolean {
    const lanes = this.#spec.dtype === 'float32' ? 4 : 2;
    return this.#spec.outputSize < 2 * lanes && this.#spec.inputSize >= this.#spec.outputSize;
  }

  /**
   * The weight and bias the kernels read: resident ones where they are, else copied into this
   * layer's buffers. Their addresses were taken before allocating (which may detach views).
   */
  #placeParameters(layer: LayerBuffers, weight: FloatArray, bias: FloatArray): void {
    const at = this.#at;
    // a one-input layer with a fused activation recomputes z later (storePreActivation) from the
    // weights of this pass, which a step in between may change: it copies them (2·O values)
    const keep = this.#spec.inputSize === 1 && this.#epilogue !== 'linear';
    if (at.weight < 0 || keep) {
      layer.views.weight.set(weight);
      at.weight = layer.weight;
    }
    if (at.bias < 0 || keep) {
      layer.views.bias.set(bias);
      at.bias = layer.bias;
    }
  }

  /** Where the kernels write dWeight and dBias: the parameters' resident grads, else this layer's buffers. */
  #gradientAddresses(layer: LayerBuffers, dWeight: FloatArray, dBias: FloatArray): ParameterAddresses {
    const at = this.#at;
    at.dWeight = this.rt.addressOf(dWeight);
    at.dBias = this.rt.addressOf(dBias);
    at.dWeightCopied = at.dWeight < 0;
    at.dBiasCopied = at.dBias < 0;
    if (at.dWeightCopied) at.dWeight = layer.dWeight;
    if (at.dBiasCopied) at.dBias = layer.dBias;
    return at;
  }

  /** Copies the gradients the kernels wrote into this layer's buffers out to the parameters' grads. */
  #copyGradients(layer: LayerBuffers, dWeight: FloatArray, dBias: FloatArray): void {
    if (this.#at.dWeightCopied) dWeight.set(layer.views.dWeight);
    if (this.#at.dBiasCopied) dBias.set(layer.views.dBias);
  }

  /** The last forward pass's workspace, its views made current. */
  #lastWork(): Workspace {
    if (!this.#work) throw new Error('backward() called before forward()');
    this.#refreshViews();
    return this.#work;
  }

  #layerBuffers(): LayerBuffers {
    if (!this.#layer) throw new Error('backward() called before forward()');
    return this.#layer;
  }

  /** Re-makes every view when an unshared memory grew (other layers' buffers) and detached them. */
  #refreshViews(): void {
    if (this.#viewsOn !== this.rt.buffer) this.#makeViews();
  }

  #allocate(count: number, into: number[]): number {
    const at = this.rt.allocate(count * (this.#spec.dtype === 'float32' ? 4 : 8));
    this.#blocks.push(at);
    into.push(at);
    return at;
  }

  #makeLayerBuffers(): LayerBuffers {
    const { inputSize: I, outputSize: O } = this.#spec;
    const a = (count: number) => this.#allocate(count, []);
    const at = {
      weight: a(I * O),
      weightT: a(I * O),
      bias: a(O),
      dWeight: a(I * O),
      dWeightT: a(I * O),
      dBias: a(O),
    };
    this.#layer = { ...at, views: this.#layerViews(at) };
    this.#viewsOn = null; // every view re-made on first use
    return this.#layer;
  }

  /** Makes the buffers for a new batch size (the dropped size's blocks were released first, free for these). */
  #makeWorkspace(rows: number): Workspace {
    const { inputSize: I, outputSize: O, activation } = this.#spec;
    const blocks: number[] = [];
    const a = (count: number) => this.#allocate(count, blocks);
    const z = a(rows * O);
    const out = activation.name === 'linear' ? z : a(rows * O);
    const at = { rows, input: a(rows * I), z, out, dZ: a(rows * O), dInput: a(rows * I) };
    this.#viewsOn = null; // every view re-made on first use (allocating may have detached the others)
    return { ...at, blocks, views: this.#workspaceViews(at) };
  }

  #releaseBlocks(blocks: readonly number[]): void {
    for (const b of blocks) {
      this.rt.release(b);
      this.#blocks.splice(this.#blocks.indexOf(b), 1);
    }
  }

  /** Every view re-made on the memory's current buffer. */
  #makeViews(): void {
    for (const w of this.#workspaces.kept()) w.views = this.#workspaceViews(w);
    if (this.#layer) this.#layer.views = this.#layerViews(this.#layer);
    this.#viewsOn = this.rt.buffer;
  }

  #view(at: number, rows: number, cols: number): Matrix {
    const n = rows * cols;
    return { rows, cols, data: this.#spec.dtype === 'float32' ? this.rt.f32(at, n) : this.rt.f64(at, n) };
  }

  #workspaceViews(w: Omit<Workspace, 'blocks' | 'views'>): Workspace['views'] {
    const { inputSize: I, outputSize: O } = this.#spec;
    const z = this.#view(w.z, w.rows, O);
    return {
      z,
      out: w.out === w.z ? z : this.#view(w.out, w.rows, O),
      dZ: this.#view(w.dZ, w.rows, O),
      dInput: this.#view(w.dInput, w.rows, I),
      input: this.#view(w.input, w.rows, I).data,
    };
  }

  #layerViews(l: LayerAddresses): LayerBuffers['views'] {
    const { inputSize: I, outputSize: O } = this.#spec;
    return {
      weight: this.#view(l.weight, I, O).data,
      weightT: this.#view(l.weightT, O, I).data,
      bias: this.#view(l.bias, 1, O).data,
      dWeight: this.#view(l.dWeight, I, O).data,
      dWeightT: this.#view(l.dWeightT, O, I).data,
      dBias: this.#view(l.dBias, 1, O).data,
    };
  }

  /** The address of m's data in the kernels' memory, copying it to `at` (viewed by `staging`) when it lives elsewhere. */
  #placed(m: Matrix, at: number, staging: Matrix): number {
    const address = this.rt.addressOf(m.data);
    if (address >= 0) return address;
    staging.data.set(m.data);
    return at;
  }

  /**
   * Stores z of the last forward pass, which the one-input kernel skipped: the same kernel again,
   * on the same input and weights as that pass, writing z (and f(z) once more, the
   * same values).
   */
  #storePreActivation(w: Workspace): void {
    const O = this.#spec.outputSize;
    const at = this.#at;
    this.#kernels.forwardOneInput(w.z, w.out, this.#inputAt, at.weight, at.bias, w.rows, O, this.#alpha);
    this.#zPending = false;
  }
}

/** out[C×R] = aᵀ for a[R×C]. */
function transpose(out: FloatArray, a: FloatArray, R: number, C: number): void {
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) out[c * R + r] = a[r * C + c];
}
