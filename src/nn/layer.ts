// The interface every layer implements. A user can write a new layer type by implementing it:
// forward keeps what backward needs; backward writes its parameter gradients and returns the
// gradient with respect to its input.

import type { FloatArray } from '../kernels/index.js';
import type { Matrix } from '../matrix.js';
import type { Activation } from './activations.js';

/** One trainable buffer of a layer. The network may re-point `value` and `grad` into its flat buffers. */
export interface Parameter {
  /** 'weight', 'bias', or a custom layer's own names */
  readonly name: string;
  /** e.g. [inputs, outputs] for a dense weight */
  readonly shape: readonly number[];
  value: FloatArray;
  /** ∂loss/∂value, same length as value; written by backward */
  grad: FloatArray;
  /** whether weight penalties (L2, L1) apply: true for weights, false for biases */
  readonly regularize: boolean;
}

export interface Layer {
  /** e.g. 'dense' */
  readonly type: string;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly parameters: Parameter[];
  /** The activation applied last, when the layer has one (lets a loss work from logits). */
  readonly activation?: Activation;
  /** out[N×outputSize] from input[N×inputSize]; keeps what backward needs. */
  forward(input: Matrix): Matrix;
  /**
   * Given dOutput = ∂loss/∂output from the last forward, writes each parameter's grad and returns
   * ∂loss/∂input (or null when `inputGradient` is false and the layer can skip that work).
   * `below`, the layer the returned gradient goes to next, may be ignored (Dense uses it to fuse
   * the step into a Dense below: what it returns is then only for that layer's backward).
   */
  backward(dOutput: Matrix, inputGradient: boolean, below?: Layer): Matrix | null;
  /** The pre-activation of the last forward (logits), for layers with an activation. */
  preActivation?(): Matrix;
  /** Backward starting from ∂loss/∂pre-activation, skipping the activation (fused loss-from-logits). */
  backwardFromPreActivation?(dPre: Matrix, inputGradient: boolean): Matrix | null;
  /** Frees memory the layer holds outside the JavaScript heap (WebAssembly buffers); optional. */
  dispose?(): void;
  /** A serializable description (without parameter values). */
  config(): Record<string, unknown>;
  /** One line for printing the network. */
  toString(): string;
}
