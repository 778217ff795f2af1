// The kernels of a dense layer, out = f(input · weight + bias), behind one interface with two
// implementations: the JavaScript reference below (readable; the fallback) and the WebAssembly one
// in dense-wasm.ts, whose float64 results are bit-identical to it except where it approximates an
// activation (tanh, sigmoid, elu, softplus, gelu: within a few ulps). nn/dense.ts calls only this.
//
// Shape legend: N examples (rows), I inputs, O outputs.
//   input [N×I], weight [I×O], bias [O];  z [N×O] the pre-activation, out [N×O] = f(z)
// Backward, from dOut = ∂loss/∂out:
//   dZ = dOut ⊙ f'(z);  dWeight = inputᵀ · dZ;  dBias = Σ_n dZ[n, :];  dInput = dZ · weightᵀ

import type { DType, Matrix } from '../matrix.js';
import { zeros } from '../matrix.js';
import { denseBackward, denseForward, type FloatArray } from './matmul.js';
import { RecentSizes } from './recent-sizes.js';

/** An activation as the kernels see it: its loops over [rows×cols] (nn/activations.ts). */
export interface ActivationLoops {
  /** 'linear' means out is z itself */
  readonly name: string;
  /** a = f(z) */
  forward(a: FloatArray, z: FloatArray, rows: number, cols: number): void;
  /** dZ = dA ⊙ f'(z), from z and a = f(z) */
  backward(dZ: FloatArray, dA: FloatArray, z: FloatArray, a: FloatArray, rows: number, cols: number): void;
}

/** What a dense layer's kernels are made for. */
export interface DenseSpec {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly dtype: DType;
  readonly activation: ActivationLoops;
  /** the activation's built-in name and alpha, for kernels that fuse it (null for a user-written one) */
  readonly builtin: { readonly name: string; readonly alpha: number } | null;
}

/**
 * One layer's forward and backward passes. The matrices returned are the kernels' own buffers,
 * valid until the next forward pass with the same number of rows.
 */
export interface DenseKernels {
  /**
   * out[N×O] = f(input · weight + bias); keeps what backward needs. Null when these kernels cannot
   * hold the batch (the WebAssembly memory cannot grow that far): the reference never refuses.
   */
  forward(input: Matrix, weight: FloatArray, bias: FloatArray): Matrix | null;
  /** z[N×O] of the last forward pass. */
  preActivation(): Matrix;
  /** From dOut = ∂loss/∂out: writes dWeight [I×O] and dBias [O], returns dInput [N×I] when asked. */
  backward(dOut: Matrix, dWeight: FloatArray, dBias: FloatArray, inputGradient: boolean): Matrix | null;
  /** The same from dZ = ∂loss/∂z, skipping the activation (a loss computed from logits). */
  backwardFromPreActivation(
    dZ: Matrix,
    dWeight: FloatArray,
    dBias: FloatArray,
    inputGradient: boolean,
  ): Matrix | null;
}

/** The buffers for one batch size, made once and reused by every step with that many rows. */
interface Workspace {
  readonly rows: number;
  readonly z: Matrix;
  /** f(z); z itself for a linear layer */
  readonly out: Matrix;
  readonly dZ: Matrix;
  readonly dInput: Matrix;
}

/** The JavaScript reference: the loops of matmul.ts and the activation's own. */
export class ReferenceDenseKernels implements DenseKernels {
  readonly #workspaces: RecentSizes<Workspace>;
  /** the last forward pass's buffers, input and weight (backward needs them) */
  #work: Workspace | null = null;
  #input: Matrix | null = null;
  #weight: FloatArray | null = null;
  readonly #spec: DenseSpec;

  constructor(spec: DenseSpec) {
    this.#spec = spec;
    const { inputSize: I, outputSize: O, dtype, activation } = spec;
    this.#workspaces = new RecentSizes((rows) => {
      const z = zeros(rows, O, dtype);
      const out = activation.name === 'linear' ? z : zeros(rows, O, dtype);
      return { rows, z, out, dZ: zeros(rows, O, dtype), dInput: zeros(rows, I, dtype) };
    });
  }

  forward(input: Matrix, weight: FloatArray, bias: FloatArray): Matrix {
    const { inputSize: I, outputSize: O, activation } = this.#spec;
    const N = input.rows;
    const work = this.#workspaces.get(N);
    this.#work = work;
    this.#input = input;
    this.#weight = weight;
    denseForward(work.z.data, input.data, weight, bias, N, I, O);
    if (work.out !== work.z) activation.forward(work.out.data, work.z.data, N, O);
    return work.out;
  }

  preActivation(): Matrix {
    if (!this.#work) throw new Error('preActivation() called before forward()');
    return this.#work.z;
  }

  backward(dOut: Matrix, dWeight: FloatArray, dBias: FloatArray, inputGradient: boolean): Matrix | null {
    const { activation, outputSize: O } = this.#spec;
    if (activation.name === 'linear')
      return this.backwardFromPreActivation(dOut, dWeight, dBias, inputGradient);
    const work = this.#lastWork();
    activation.backward(work.dZ.data, dOut.data, work.z.data, work.out.data, dOut.rows, O);
    return this.backwardFromPreActivation(work.dZ, dWeight, dBias, inputGradient);
  }

  backwardFromPreActivation(
    dZ: Matrix,
    dWeight: FloatArray,
    dBias: FloatArray,
    inputGradient: boolean,
  ): Matrix | null {
    const { inputSize: I, outputSize: O } = this.#spec;
    const work = this.#lastWork();
    const input = this.#input;
    const weight = this.#weight;
    if (!input || !weight) throw new Error('backward() called before forward()');
    const dInput = inputGradient ? work.dInput : null;
    denseBackward(dInput ? dInput.data : null, dWeight, dBias, dZ.data, input.data, weight, dZ.rows, I, O);
    return dInput;
  }

  #lastWork(): Workspace {
    if (!this.#work) throw new Error('backward() called before forward()');
    return this.#work;
  }
}
