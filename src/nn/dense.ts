// A fully connected layer: out = f(input · weight + bias).
//   input  [N×I]   one example per row
//   weight [I×O]   weight[i, o] connects input i to output o
//   bias   [O]
//   z      [N×O]   pre-activation (kept for backward)
//   out    [N×O]   f(z)
// Backward, from dOut = ∂loss/∂out:
//   dZ = dOut ⊙ f'(z);  dWeight = inputᵀ · dZ;  dBias = Σ_n dZ[n, :];  dInput = dZ · weightᵀ.

import { denseBackward, denseForward, type FloatArray } from '../kernels/index.js';
import { ShapeError, checkNumber } from '../errors.js';
import { zeros, type DType, type Matrix } from '../matrix.js';
import type { Random } from '../random.js';
import { getActivation, type Activation, type ActivationSpec } from './activations.js';
import { defaultInitializer, getInitializer, type Initializer, type InitializerName } from './initializers.js';
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
  private readonly workspaces = new Map<number, Workspace>();

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
    this.weight = { name: 'weight', shape: [inputSize, outputSize], value: make(inputSize * outputSize), grad: make(inputSize * outputSize), regularize: true };
    this.bias = { name: 'bias', shape: [outputSize], value: make(outputSize), grad: make(outputSize), regularize: false };
    getInitializer(initName)(this.weight.value, inputSize, outputSize, random);
    this.parameters = [this.weight, this.bias];
  }

  private workspace(rows: number): Workspace {
    let w = this.workspaces.get(rows);
    if (!w) {
      const O = this.outputSize;
      const z = zeros(rows, O, this.dtype);
      // a linear layer's output is its pre-activation: no copy needed
      const out = this.activation.name === 'linear' ? z : zeros(rows, O, this.dtype);
      w = { z, out, dZ: zeros(rows, O, this.dtype), dInput: zeros(rows, this.inputSize, this.dtype) };
      this.workspaces.set(rows, w);
    }
    return w;
  }

  forward(input: Matrix): Matrix {
    if (input.cols !== this.inputSize) {
      throw new ShapeError(`dense layer expects ${this.inputSize} inputs per example, got ${input.cols}`, 'input');
    }
    const N = input.rows;
    const w = (this.work = this.workspace(N));
    this.input = input;
    denseForward(w.z.data, input.data, this.weight.value, this.bias.value, N, this.inputSize, this.outputSize);
    if (w.out !== w.z) this.activation.forward(w.out.data, w.z.data, N, this.outputSize);
    return w.out;
  }

  preActivation(): Matrix {
    if (!this.work) throw new Error('preActivation() called before forward()');
    return this.work.z;
  }

  backward(dOutput: Matrix, inputGradient: boolean): Matrix | null {
    const w = this.lastWorkspace(dOutput);
    if (this.activation.name === 'linear') return this.backwardFromPreActivation(dOutput, inputGradient);
    this.activation.backward(w.dZ.data, dOutput.data, w.z.data, w.out.data, dOutput.rows, this.outputSize);
    return this.backwardFromPreActivation(w.dZ, inputGradient);
  }

  backwardFromPreActivation(dZ: Matrix, inputGradient: boolean): Matrix | null {
    const w = this.lastWorkspace(dZ);
    const dInput: FloatArray | null = inputGradient ? w.dInput.data : null;
    denseBackward(dInput, this.weight.grad, this.bias.grad, dZ.data, this.input!.data, this.weight.value,
      dZ.rows, this.inputSize, this.outputSize);
    return inputGradient ? w.dInput : null;
  }

  private lastWorkspace(d: Matrix): Workspace {
    const w = this.work;
    if (!w || !this.input) throw new Error('backward() called before forward()');
    if (d.rows !== w.z.rows || d.cols !== this.outputSize) {
      throw new ShapeError(`dense backward: gradient is ${d.rows}×${d.cols}, forward output was ${w.z.rows}×${this.outputSize}`);
    }
    return w;
  }

  config(): Record<string, unknown> {
    return { type: 'dense', inputSize: this.inputSize, outputSize: this.outputSize, activation: this.activation.spec, init: this.init };
  }

  toString(): string {
    const act = typeof this.activation.spec === 'string' ? this.activation.spec : JSON.stringify(this.activation.spec);
    return `Dense(${this.inputSize} → ${this.outputSize}, ${act})  ${this.inputSize * this.outputSize + this.outputSize} parameters`;
  }
}
