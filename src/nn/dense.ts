// A fully connected layer: out = f(input · weight + bias), one example per row.
//   input  [N×I]   weight [I×O] (weight[i, o] connects input i to output o)   bias [O]
//   z      [N×O]   the pre-activation input · weight + bias;   out [N×O] = f(z)
// Backward, from dOut = ∂loss/∂out:
//   dZ = dOut ⊙ f'(z);  dWeight = inputᵀ · dZ;  dBias = Σ_n dZ[n, :];  dInput = dZ · weightᵀ
// The arithmetic runs on kernels/ (DenseKernels): the JavaScript reference, or the WebAssembly
// kernels while they are the backend (float64 results bit-identical, or within the stated bounds
// for the activations they approximate: README, Kernels and bit-identity).

import { ShapeError, checkNumber } from '../errors.js';
import {
  type DenseKernels,
  type DenseSpec,
  type GradientTarget,
  ReferenceDenseKernels,
  WasmDenseKernels,
  wasmDenseKernels,
} from '../kernels/index.js';
import type { DType, Matrix } from '../matrix.js';
import type { Random } from '../random.js';
import { type Activation, type ActivationSpec, builtinActivation, getActivation } from './activations.js';
import {
  type Initializer,
  type InitializerName,
  defaultInitializer,
  getInitializer,
} from './initializers.js';
import type { Layer, Parameter } from './layer.js';

export interface DenseOptions {
  activation?: ActivationSpec | Activation;
  init?: InitializerName | Initializer;
  dtype?: DType;
}

export class Dense implements Layer {
  readonly type = 'dense';
  readonly activation: Activation;
  readonly parameters: Parameter[];
  readonly weight: Parameter;
  readonly bias: Parameter;
  readonly init: InitializerName | 'custom';
  readonly dtype: DType;
  readonly #spec: DenseSpec;
  readonly #reference: ReferenceDenseKernels;
  #wasm: WasmDenseKernels | null = null;
  /** set when the kernels' memory could not hold this layer's buffers: it stays on the reference */
  #wasmRefused = false;
  /** the kernels of the last forward pass (backward runs on the same), and its row count */
  #last: DenseKernels | null = null;
  #lastRows = 0;

  constructor(
    readonly inputSize: number,
    readonly outputSize: number,
    random: Random,
    options: DenseOptions = {},
  ) {
    checkNumber('dense inputSize', inputSize, { integer: true, min: 1 });
    checkNumber('dense outputSize', outputSize, { integer: true, min: 1 });
    this.activation = getActivation(options.activation ?? 'linear');
    this.dtype = options.dtype ?? 'float64';
    const make = (n: number) => (this.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n));
    const initName = options.init ?? defaultInitializer(this.activation.name);
    this.init = typeof initName === 'function' ? 'custom' : initName;
    const size = inputSize * outputSize;
    this.weight = {
      name: 'weight',
      shape: [inputSize, outputSize],
      value: make(size),
      grad: make(size),
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
    const builtin = builtinActivation(this.activation);
    this.#spec = { inputSize, outputSize, dtype: this.dtype, activation: this.activation, builtin };
    this.#reference = new ReferenceDenseKernels(this.#spec);
  }

  /** out = f(input · weight + bias) */
  forward(input: Matrix): Matrix {
    if (input.cols !== this.inputSize) {
      throw new ShapeError(
        `dense layer expects ${this.inputSize} inputs per example, got ${input.cols}`,
        'input',
      );
    }
    this.#lastRows = input.rows;
    const out = this.#wasmForward(input);
    if (out) return out;
    this.#last = this.#reference;
    return this.#reference.forward(input, this.weight.value, this.bias.value);
  }

  /**
   * dZ = dOut ⊙ f'(z), then as backwardFromPreActivation. With `below` a Dense layer on the same
   * WebAssembly kernels, the input gradient's product forms below's dZ and bias gradient instead
   * of dInput (the same bits, one sweep fewer) and returns that dZ, from which below.backward starts.
   */
  backward(dOutput: Matrix, inputGradient: boolean, below?: Layer): Matrix | null {
    const kernels = this.#lastKernels(dOutput);
    const { weight, bias } = this;
    if (inputGradient && below instanceof Dense && kernels instanceof WasmDenseKernels) {
      const target = below.#inputGradientTarget();
      return kernels.backward(dOutput, weight.grad, bias.grad, true, target);
    }
    return kernels.backward(dOutput, weight.grad, bias.grad, inputGradient);
  }

  /** Where the layer above may write this layer's dZ and bias gradient (WasmDenseKernels.inputGradientTarget), or null. */
  #inputGradientTarget(): GradientTarget | null {
    const last = this.#last;
    if (!(last instanceof WasmDenseKernels)) return null;
    return last.inputGradientTarget(this.weight.grad, this.bias.grad);
  }

  /** dWeight = inputᵀ · dZ;  dBias = Σ_n dZ[n, :];  dInput = dZ · weightᵀ (when asked) */
  backwardFromPreActivation(dZ: Matrix, inputGradient: boolean): Matrix | null {
    return this.#lastKernels(dZ).backwardFromPreActivation(
      dZ,
      this.weight.grad,
      this.bias.grad,
      inputGradient,
    );
  }

  /** z of the last forward pass (the logits, for a loss computed from them) */
  preActivation(): Matrix {
    if (!this.#last) throw new Error('preActivation() called before forward()');
    return this.#last.preActivation();
  }

  /**
   * Drops the last forward pass (a fused pass of the network, nn/dense-pair.ts, bypassed this
   * layer): backward() and preActivation() refuse until the next forward.
   */
  forgetForward(): void {
    this.#last = null;
  }

  /**
   * Frees this layer's buffers in the kernels' memory now rather than when it is collected. The
   * layer stays usable: a later forward pass makes new ones.
   */
  dispose(): void {
    this.#wasm?.dispose();
    this.#wasm = null;
    this.#last = null;
  }

  /** The forward pass on the WebAssembly kernels, or null while they are not the backend or cannot hold the batch. */
  #wasmForward(input: Matrix): Matrix | null {
    if (this.#wasmRefused) return null;
    const wasm = (this.#wasm = wasmDenseKernels(this.#wasm, this.#spec));
    if (!wasm) return null;
    const out = wasm.forward(input, this.weight.value, this.bias.value);
    // null: the kernels' memory cannot grow that far (2 GiB when shared), this layer stays on the reference
    if (!out) this.#wasmRefused = true;
    else this.#last = wasm;
    return out;
  }

  /** The kernels of the last forward pass, once d (∂loss/∂out or ∂loss/∂z) is checked against its shape. */
  #lastKernels(d: Matrix): DenseKernels {
    if (!this.#last) throw new Error('backward() called before forward()');
    if (d.rows !== this.#lastRows || d.cols !== this.outputSize) {
      throw new ShapeError(
        `dense backward: gradient is ${d.rows}×${d.cols}, forward output was ${this.#lastRows}×${this.outputSize}`,
      );
    }
    return this.#last;
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
