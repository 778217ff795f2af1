// The fused training passes of a network of two dense layers with one input and one output,
// [1, H, 1], a linear output and a hidden relu, leakyRelu or linear activation (1-D curve fitting:
// the seed's network, the playground's one-feature fits): forward in one kernel call, backward of
// both layers in another, instead of four layer calls. Network.computeGradient takes it when it
// fits and falls back to the layers otherwise. Bit-identical to the layers' own passes.
//
// Taken only on the WebAssembly kernels with the parameters resident (kernels/resident.ts), for the
// data term, without an input gradient. The layers are bypassed: their preActivation() and
// backward() refuse until their next forward (stale values could not be told from fresh ones).

import { isEpilogue, type PairParameters, WasmDensePair } from '../kernels/index.js';
import type { Matrix } from '../matrix.js';
import { builtinActivation } from './activations.js';
import { Dense } from './dense.js';
import type { Layer } from './layer.js';

export class DensePair {
  #kernels: WasmDensePair | null = null;
  readonly #params: PairParameters;
  readonly #grads: PairParameters;
  readonly #first: Dense;
  readonly #second: Dense;
  readonly #hidden: 'linear' | 'relu' | 'leakyRelu';
  readonly #alpha: number;

  private constructor(first: Dense, second: Dense, hidden: 'linear' | 'relu' | 'leakyRelu', alpha: number) {
    this.#first = first;
    this.#second = second;
    this.#hidden = hidden;
    this.#alpha = alpha;
    const view = (side: 'value' | 'grad') => ({
      get w1() {
        return first.weight[side];
      },
      get b1() {
        return first.bias[side];
      },
      get w2() {
        return second.weight[side];
      },
      get b2() {
        return second.bias[side];
      },
    });
    this.#params = view('value');
    this.#grads = view('grad');
  }

  /** The pair for these layers, or null when they are not [1, H, 1] dense layers this can fuse. */
  static of(layers: readonly Layer[]): DensePair | null {
    if (layers.length !== 2) return null;
    const [first, second] = layers;
    if (!(first instanceof Dense) || !(second instanceof Dense)) return null;
    if (first.inputSize !== 1 || second.outputSize !== 1 || first.dtype !== second.dtype) return null;
    const hidden = builtinActivation(first.activation);
    const output = builtinActivation(second.activation);
    if (!hidden || !isEpilogue(hidden.name) || output?.name !== 'linear') return null;
    return new DensePair(first, second, hidden.name, hidden.alpha);
  }

  /** The network's output y[N×1] for x[N×1] (valid until the next pass), or null: take the layers. */
  forward(x: Matrix): Matrix | null {
    const first = this.#first;
    const kernels = WasmDensePair.on(this.#kernels, first.dtype, this.#hidden, this.#alpha, first.outputSize);
    this.#kernels = kernels;
    const y = kernels?.forward(x, this.#params) ?? null;
    if (y) {
      this.#first.forgetForward();
      this.#second.forgetForward();
    }
    return y;
  }

  /** Where dY = ∂loss/∂y goes before backward(), after a forward that returned y. */
  dPrediction(): Matrix {
    return this.#lastKernels().dPrediction();
  }

  /** Writes every parameter's gradient from dY (both layers), after a forward that returned y. */
  backward(): void {
    if (!this.#lastKernels().backward(this.#params, this.#grads))
      throw new Error('the fused pair lost its resident gradients between forward and backward');
  }

  dispose(): void {
    this.#kernels?.dispose();
    this.#kernels = null;
  }

  #lastKernels(): WasmDensePair {
    if (!this.#kernels) throw new Error('the fused pair needs a forward pass first');
    return this.#kernels;
  }
}
