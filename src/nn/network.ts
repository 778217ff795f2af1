// A sequential network: layers applied in order, a loss, and weight penalties.
// All parameters live in one flat buffer (`params`) and all gradients in another (`grads`), so
// optimizers walk flat arrays and know nothing of layers; each layer's Parameter is a view into them.
// While the WebAssembly kernels are the backend (and their memory is shared) both buffers live in the
// kernels' memory for the network's life (kernels/resident.ts); dispose() frees them.

import {
  DataError,
  OptionError,
  ScratchnetError,
  ShapeError,
  checkNumber,
  checkOptionNames,
  shown,
} from '../errors.js';
import { RecentSizes, type FloatArray, type ResidentBlock, residentBlock } from '../kernels/index.js';
import {
  checkMatrix,
  checkSameRows,
  isMatrix,
  toMatrix,
  zeros,
  type DType,
  type Matrix,
  type MatrixLike,
} from '../matrix.js';
import { Random } from '../random.js';
import { getActivation, type Activation, type ActivationSpec } from './activations.js';
import { Dense } from './dense.js';
import { DensePair } from './dense-pair.js';
import type { Initializer, InitializerName } from './initializers.js';
import type { Layer, Parameter } from './layer.js';
import { getLoss, type Loss, type LossSpec } from './losses.js';
import { l1, l2, type Regularizer } from './regularizers.js';

export interface NetworkOptions {
  /** Layer sizes from input to output, e.g. [1, 64, 1]; or ready-made Layer objects. */
  layers: readonly number[] | readonly Layer[];
  /** Activation of the hidden layers (default 'relu'). */
  activation?: ActivationSpec | Activation;
  /** Activation of the output layer (default: linear for regression losses, sigmoid / softmax for the cross-entropies). */
  output?: ActivationSpec | Activation;
  /** Default 'mse'. */
  loss?: LossSpec | Loss;
  /** Weight initializer (default: He for the ReLU family, Glorot otherwise — per layer). */
  init?: InitializerName | Initializer;
  /** L2 λ: cost (λ/2m)·Σw², gradient (λ/m)·w (scikit-learn's alpha). Default 0. */
  weightDecay?: number;
  /** L1 λ: cost (λ/m)·Σ|w|, gradient (λ/m)·sign(w). Default 0. */
  l1?: number;
  /** Further penalties (user-written ones included), applied to every weight (not biases). */
  regularizers?: readonly Regularizer[];
  /** Seed of the weight initialization (default 42). */
  seed?: number;
  /** Default: the dtype of the given Layer objects (Dense has one), else 'float64'. Every layer must match it. */
  dtype?: DType;
  /** Receives warnings (default: they are collected in network.warnings; the library never prints). */
  onWarning?: (message: string) => void;
}

/** Every NetworkOptions name (the compiler keeps the list complete): the constructor refuses others. */
const networkOptionNames: Readonly<Record<keyof NetworkOptions, true>> = {
  layers: true,
  activation: true,
  output: true,
  loss: true,
  init: true,
  weightDecay: true,
  l1: true,
  regularizers: true,
  seed: true,
  dtype: true,
  onWarning: true,
};

/** Which parts of the cost to include. */
export interface Terms {
  data?: boolean;
  /** true: all penalties; false: none; or the names of the penalties to include ('l2', 'l1', …) */
  penalties?: boolean | readonly string[];
}

export interface LossTerms {
  /** data loss + penalties: the cost gradient descent minimizes */
  total: number;
  /** the loss on the data alone */
  data: number;
  /** each penalty's value, by regularizer name */
  penalties: Record<string, number>;
}

/** A parameter buffer of one layer, with where it sits in the flat buffers. */
export interface ParameterRef {
  layer: number;
  parameter: Parameter;
  offset: number;
}

/**
 * Standardization the network was trained with (fit's `scale` option; see train/scaling.ts):
 * inputs enter as (x − inputMean) / inputStd and, for regression, outputs leave as
 * y'·targetStd + targetMean. predict() applies both, so it works in original units; forward() and
 * computeGradient() work in the scaled space. One number per column; a constant column has std 1.
 */
export interface Scaling {
  inputMean: number[];
  inputStd: number[];
  targetMean?: number[];
  targetStd?: number[];
}

export interface NetworkJSON {
  format: 'scratchnet-network';
  version: 1;
  dtype: DType;
  layers: Record<string, unknown>[];
  loss: LossSpec;
  weightDecay: number;
  l1: number;
  parameters: number[];
  /** present once fit has decided: the standardization, or null for a network trained unscaled */
  scaling?: Scaling | null;
}

const ALL: Terms = { data: true, penalties: true };

/**
 * Documented bounds, checked before anything is allocated (constructor, fromJSON, model files):
 * the widest layer (inputs, hidden units, outputs or classes) and the most weights and biases in all.
 * 100M float64 parameters already need 3.2 GB with their gradients and an optimizer's two moments.
 */
export const NETWORK_LIMITS = { layerWidth: 1_000_000, parameters: 100_000_000 } as const;

/** A network outside NETWORK_LIMITS; `bytes` is the memory it would need (parameters, gradients, two optimizer moments). */
export class NetworkSizeError extends OptionError {
  override name = 'NetworkSizeError';
  constructor(
    message: string,
    readonly parameters: number,
    readonly bytes: number,
  ) {
    super(message, 'layers');
  }
}

/** A network used after network.dispose(). */
export class NetworkDisposedError extends ScratchnetError {
  override name = 'NetworkDisposedError';
  constructor() {
    super(
      'this network was disposed (network.dispose()): its parameters are freed; make a new one or clone it before disposing',
    );
  }
}

/** One layer's shape, as NetworkSizeError's check reads it. */
export interface LayerShape {
  inputSize: number;
  outputSize: number;
}

/**
 * Throws NetworkSizeError unless every size is a positive integer within NETWORK_LIMITS.layerWidth
 * and the dense parameters Σ(in·out + out) stay within NETWORK_LIMITS.parameters. Allocates nothing.
 * Returns the parameter count.
 */
export function checkNetworkSize(shapes: readonly LayerShape[], dtype: DType = 'float64'): number {
  const { layerWidth, parameters: maxParameters } = NETWORK_LIMITS;
  let parameters = 0;
  shapes.forEach((shape, i) => {
    for (const side of ['inputSize', 'outputSize'] as const) {
      const n = shape?.[side];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > layerWidth) {
        const what = `layers[${i}].${side} is ${JSON.stringify(n) ?? String(n)}`;
        throw new NetworkSizeError(
          `${what}: a layer size must be an integer from 1 to ${layerWidth.toLocaleString('en-US')}`,
          NaN,
          NaN,
        );
      }
    }
    parameters += shape.inputSize * shape.outputSize + shape.outputSize;
  });
  const bytes = parameters * (dtype === 'float32' ? 4 : 8) * 4;
  if (parameters > maxParameters) {
    throw new NetworkSizeError(
      `a network of ${parameters.toLocaleString('en-US')} parameters would need ${formatBytes(bytes)} ` +
        `(${dtype} parameters, gradients and two optimizer moments); the limit is ${maxParameters.toLocaleString('en-US')} parameters — use fewer or narrower layers`,
      parameters,
      bytes,
    );
  }
  return parameters;
}

/** Consecutive sizes [in, h1, …, out] → the dense layers' shapes. */
function shapesOf(sizes: readonly number[]): LayerShape[] {
  return sizes.slice(1).map((outputSize, i) => ({ inputSize: sizes[i], outputSize }));
}

function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.ceil(bytes / 1e6)} MB`;
}

export class Network {
  readonly layers: readonly Layer[];
  readonly loss: Loss;
  readonly regularizers: readonly Regularizer[];
  readonly dtype: DType;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly parameterRefs: readonly ParameterRef[];
  /** ∂cost/∂input after computeGradient(…, { inputGradient: true }) */
  inputGradient: Matrix | null = null;
  /** Set by fit: the standardization predict() applies (null: trained without; undefined: not trained yet). */
  scaling?: Scaling | null;
  /** warnings about the construction (an output activation that does not suit the loss) when no onWarning was given */
  readonly warnings: string[] = [];
  readonly #useLogits: boolean;
  /** ∂loss/∂prediction buffers for the two most recently used batch sizes (full and remainder batches), the most recent first */
  readonly #dPredictions = new RecentSizes((rows) => zeros(rows, this.outputSize, this.dtype));
  #forwardOutput: Matrix | null = null;
  readonly #flatParams: FloatArray;
  readonly #flatGrads: FloatArray;
  /** where the layers' parameter values live: flatParams, or a buffer given to readParametersFrom */
  #paramsHome: FloatArray;
  /** the kernels' memory holding flatParams and flatGrads, or null: ordinary typed arrays */
  readonly #resident: ResidentBlock | null;
  #disposed = false;
  /** the fused passes of a [1, H, 1] network (null: the layers' own passes) */
  readonly #pair: DensePair | null;

  constructor(options: NetworkOptions) {
    if (!options || typeof options !== 'object')
      throw new OptionError('Network needs an options object, e.g. { layers: [1, 64, 1] }', 'options');
    checkOptionNames('Network option', options, networkOptionNames);
    const warn = options.onWarning ?? ((m: string) => this.warnings.push(m));
    this.loss = getLoss(options.loss ?? 'mse');
    this.dtype = options.dtype ?? layersDType(options.layers) ?? 'float64';
    if (this.dtype !== 'float64' && this.dtype !== 'float32') {
      throw new OptionError(`dtype must be 'float64' or 'float32', got ${shown(this.dtype)}`, 'dtype');
    }
    this.layers = buildLayers(options, this.loss, this.dtype);
    this.inputSize = this.layers[0].inputSize;
    this.outputSize = this.layers[this.layers.length - 1].outputSize;
    this.regularizers = [...penalties(options), ...(options.regularizers ?? [])];
    this.#useLogits = pairOutput(this.loss, this.layers[this.layers.length - 1], this.outputSize, warn);
    const flat = flatten(this.layers, this.dtype);
    this.#flatParams = flat.params;
    this.#flatGrads = flat.grads;
    this.#paramsHome = flat.params;
    this.parameterRefs = flat.refs;
    this.#resident = flat.resident;
    this.#pair = flat.resident && !this.#useLogits ? DensePair.of(this.layers) : null;
    // the fallback for networks dropped without dispose(): the layers' Parameters hold views too
    this.#resident?.releaseWhenCollected([this, ...flat.refs.map((r) => r.parameter)]);
  }

  /** every parameter, layer by layer, weight then bias */
  get params(): FloatArray {
    if (this.#disposed) throw new NetworkDisposedError();
    return this.#flatParams;
  }

  /** ∂cost/∂params after computeGradient */
  get grads(): FloatArray {
    if (this.#disposed) throw new NetworkDisposedError();
    return this.#flatGrads;
  }

  /**
   * Internal (data-parallel workers): points every layer's parameter values into `buffer`, laid out as
   * `params`, so that the passes read the weights there (another thread's, in place); `params` keeps
   * its own values and is no longer what the layers read.
   */
  readParametersFrom(buffer: FloatArray): void {
    if (buffer.length !== this.#flatParams.length)
      throw new ShapeError(
        `readParametersFrom: ${buffer.length} values for ${this.#flatParams.length} parameters`,
      );
    for (const { parameter, offset } of this.parameterRefs)
      parameter.value = buffer.subarray(offset, offset + parameter.value.length);
    this.#paramsHome = buffer;
  }

  /** Whether params and grads live in the WebAssembly kernels' memory (read and written there in place). */
  get isResident(): boolean {
    return this.#resident !== null && !this.#disposed;
  }

  /**
   * Frees the network's memory in the WebAssembly kernels now (its parameters, gradients and layer
   * buffers) instead of when it is collected. Calling it again does nothing; any other use of the
   * network afterwards throws NetworkDisposedError. Its layers keep their last parameter values (in
   * ordinary arrays) and stay usable: a new Network can be built from them.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const block = this.#resident;
    // a layer whose parameters view another network's buffers now (shared layers) is left alone
    const owned = this.layers.filter((l) => !block || l.parameters.some((p) => block.holds(p.value)));
    if (block) {
      for (const { parameter: p } of this.parameterRefs) {
        if (block.holds(p.value)) p.value = p.value.slice();
        if (block.holds(p.grad)) p.grad = p.grad.slice();
      }
      block.release();
    }
    for (const layer of owned) layer.dispose?.();
    this.#pair?.dispose();
    this.#forwardOutput = null;
    this.inputGradient = null;
  }

  get parameterCount(): number {
    return this.params.length;
  }

  /**
   * The network's output for x[N×inputSize] (probabilities for sigmoid/softmax outputs), in the
   * scaled space (predict() works in original units). Buffers are reused: copy to keep. x is checked:
   * a Matrix of inputSize columns, finite values.
   */
  forward(x: Matrix): Matrix {
    if (this.#disposed) throw new NetworkDisposedError();
    checkMatrix(this.#checkInput(x, 'x', this.inputSize), 'x');
    return this.#layersForward(x);
  }

  /** The layers' forward passes on x (checked by the caller). */
  #layersForward(x: Matrix): Matrix {
    if (this.#disposed) throw new NetworkDisposedError();
    this.#checkLayersOwned();
    let a = x;
    for (const layer of this.layers) a = layer.forward(a);
    this.#forwardOutput = a;
    return a;
  }

  /** Validates x and returns a fresh copy of the network's output, in original units when `scaling` is set. */
  predict(x: MatrixLike): Matrix {
    // a float64 copy (safe to standardize in place): a float32 network standardizes in float64 as fit
    // does, so an input beyond float32's range that standardizes within it is read as training read it
    const m = toMatrix(x, 'x', this.inputSize);
    const sc = this.scaling;
    if (sc) {
      for (let r = 0; r < m.rows; r++) {
        for (let c = 0; c < m.cols; c++)
          m.data[r * m.cols + c] = (m.data[r * m.cols + c] - sc.inputMean[c]) / sc.inputStd[c];
      }
    }
    const out = this.#layersForward(this.dtype === 'float64' ? m : inFloat32(m, !!sc));
    const copy = zeros(out.rows, out.cols, this.dtype);
    copy.data.set(out.data);
    if (sc?.targetMean && sc.targetStd) {
      for (let r = 0; r < copy.rows; r++) {
        for (let c = 0; c < copy.cols; c++)
          copy.data[r * copy.cols + c] = copy.data[r * copy.cols + c] * sc.targetStd[c] + sc.targetMean[c];
      }
    }
    return copy;
  }

  /** The cost of x against y, by terms (forward only); with per-row weights w[N], the loss's weighted mean. */
  computeLoss(x: Matrix, y: Matrix, terms: Terms = ALL, w?: ArrayLike<number>): LossTerms {
    this.#checkBatch(x, y);
    checkMatrix(x, 'x');
    checkMatrix(y, 'y');
    this.#layersForward(x);
    return this.#lossTerms(y, x.rows, terms, w);
  }

  /**
   * Forward and backward: returns the cost and writes ∂cost/∂params into `grads` (only the terms
   * asked for). With inputGradient, also sets `inputGradient` = ∂cost/∂x. With per-row weights
   * w[N], the data loss is the loss's weighted mean (penalties are not weighted). The shapes are
   * checked; the values are not scanned (this is the training step: fit and the data readers check
   * them once) — NaN or Infinity in x or y give a NaN cost, or a ReLU may turn a NaN into 0.
   */
  computeGradient(
    x: Matrix,
    y: Matrix,
    terms: Terms = ALL,
    inputGradient = false,
    w?: ArrayLike<number>,
  ): LossTerms {
    this.#checkBatch(x, y);
    // a [1, H, 1] network runs both layers in one kernel call each way (nn/dense-pair.ts)
    const pair = terms.data !== false && !inputGradient ? this.#fusedForward(x) : null;
    if (!pair) this.#layersForward(x);
    const result = this.#lossTerms(y, x.rows, terms, w);
    const N = x.rows;
    if (pair) {
      this.loss.gradient(pair.dPrediction().data, this.#lossInput().data, y.data, N, this.outputSize, w);
      pair.backward();
      this.inputGradient = null;
    } else if (terms.data !== false) {
      const dPred = this.#dPredictions.get(N);
      this.loss.gradient(dPred.data, this.#lossInput().data, y.data, N, this.outputSize, w);
      this.inputGradient = this.#backwardLayers(dPred, inputGradient);
    } else {
      this.grads.fill(0);
      this.inputGradient = inputGradient ? zeros(N, this.inputSize, this.dtype) : null;
    }
    for (const r of this.regularizers) {
      if (!includes(terms, r.name)) continue;
      for (const ref of this.parameterRefs) {
        if (ref.parameter.regularize) r.addGradient(ref.parameter.grad, ref.parameter.value, N);
      }
    }
    return result;
  }

  /** Backward through every layer from dPred = ∂loss/∂prediction; returns ∂loss/∂x when asked. */
  #backwardLayers(dPred: Matrix, inputGradient: boolean): Matrix | null {
    const last = this.layers[this.layers.length - 1];
    let d: Matrix | null =
      this.#useLogits && last.backwardFromPreActivation
        ? last.backwardFromPreActivation(dPred, this.layers.length > 1 || inputGradient)
        : last.backward(dPred, this.layers.length > 1 || inputGradient, this.layers[this.layers.length - 2]);
    for (let l = this.layers.length - 2; l >= 0; l--) {
      if (!d) throw new Error(`layer ${l + 2} returned no input gradient`);
      d = this.layers[l].backward(d, l > 0 || inputGradient, this.layers[l - 1]);
    }
    return inputGradient ? d : null;
  }

  /**
   * Throws unless every layer's parameters still view this network's buffers: a Network built later
   * from the same layer objects re-points them into its own, and this one would then train buffers
   * that nothing reads (and predict with the other network's weights).
   */
  #checkLayersOwned(): void {
    const params = this.#paramsHome;
    const bytes = params.BYTES_PER_ELEMENT;
    for (const ref of this.parameterRefs) {
      const v = ref.parameter.value;
      if (v.buffer === params.buffer && v.byteOffset === params.byteOffset + ref.offset * bytes) continue;
      const layer = this.layers[ref.layer];
      throw new OptionError(
        `layers[${ref.layer}] (${layer.toString().split('  ')[0]}) now belongs to another network (a Network built ` +
          'from the same layer objects takes over their parameters): give each network its own layers, or use network.clone()',
        'layers',
      );
    }
  }

  /** The fused forward pass of a [1, H, 1] network when it applies (its output kept as forward's), else null. */
  #fusedForward(x: Matrix): DensePair | null {
    if (this.#disposed) throw new NetworkDisposedError();
    this.#checkLayersOwned();
    const pair = this.#pair;
    const out = pair?.forward(x);
    if (!pair || !out) return null;
    this.#forwardOutput = out;
    return pair;
  }

  /** What the loss takes, from the last forward: the last layer's pre-activation (logits) or the output. */
  #lossInput(): Matrix {
    const pred = this.#useLogits
      ? this.layers[this.layers.length - 1].preActivation?.()
      : this.#forwardOutput;
    if (!pred) throw new Error('the loss needs a forward pass first');
    return pred;
  }

  #lossTerms(y: Matrix, N: number, terms: Terms, w?: ArrayLike<number>): LossTerms {
    const pred = this.#lossInput();
    const data = this.loss.value(pred.data, y.data, N, this.outputSize, w);
    const penalties: Record<string, number> = {};
    let total = terms.data !== false ? data : 0;
    for (const r of this.regularizers) {
      if (!includes(terms, r.name)) continue;
      let p = 0;
      for (const ref of this.parameterRefs)
        if (ref.parameter.regularize) p += r.penalty(ref.parameter.value, N);
      penalties[r.name] = (penalties[r.name] ?? 0) + p;
      total += p;
    }
    return { total, data, penalties };
  }

  /** Whether the loss is computed from the output layer's pre-activation (logits). */
  get lossFromLogits(): boolean {
    return this.#useLogits;
  }

  /** A serializable description: architecture, loss, penalties and every parameter value. */
  toJSON(): NetworkJSON {
    const layers = this.layers.map((l) => l.config());
    for (const r of this.regularizers) {
      if (r.name !== 'l2' && r.name !== 'l1')
        throw new OptionError(`cannot serialize the custom regularizer ${r.name}`, 'regularizers');
    }
    return {
      format: 'scratchnet-network',
      version: 1,
      dtype: this.dtype,
      layers,
      loss: this.loss.spec,
      weightDecay: this.regularizers.find((r) => r.name === 'l2')?.lambda ?? 0,
      l1: this.regularizers.find((r) => r.name === 'l1')?.lambda ?? 0,
      parameters: Array.from(this.params), // (a disposed network throws here)
      ...(this.scaling !== undefined ? { scaling: this.scaling && structuredClone(this.scaling) } : {}),
    };
  }

  /** Rebuilds a network written by toJSON (dense layers only); parameters round-trip exactly. */
  static fromJSON(json: NetworkJSON): Network {
    if (!json || json.format !== 'scratchnet-network')
      throw new OptionError('not a scratchnet network description (format field missing)', 'json');
    if (json.version !== 1)
      throw new OptionError(
        `unsupported network format version ${json.version} (this scratchnet reads version 1)`,
        'json',
      );
    if (!Array.isArray(json.layers) || !Array.isArray(json.parameters))
      throw new OptionError('a network description needs layers and parameters arrays', 'json');
    const declared = checkNetworkSize(json.layers as unknown as LayerShape[], json.dtype);
    if (json.parameters.length !== declared) {
      throw new ShapeError(
        `the description holds ${json.parameters.length} parameters but its layers need ${declared}`,
        'json',
      );
    }
    const random = new Random(0);
    const layers = json.layers.map((c, i) => {
      if (c.type !== 'dense')
        throw new OptionError(`layers[${i}]: unknown layer type ${JSON.stringify(c.type)}`, 'json');
      return new Dense(c.inputSize as number, c.outputSize as number, random, {
        // the initializer only names how the weights began (they are overwritten just below)
        activation: c.activation as ActivationSpec,
        init: typeof c.init === 'string' && c.init !== 'custom' ? (c.init as InitializerName) : 'zeros',
        dtype: json.dtype,
      });
    });
    const net = new Network({
      layers,
      loss: json.loss,
      weightDecay: json.weightDecay,
      l1: json.l1,
      dtype: json.dtype,
      onWarning: () => {},
    });
    if (json.parameters.length !== net.params.length) {
      throw new ShapeError(
        `the description holds ${json.parameters.length} parameters but its layers need ${net.params.length}`,
        'json',
      );
    }
    net.params.set(json.parameters);
    if (json.scaling) checkScaling(json.scaling, net.inputSize, net.outputSize);
    if (json.scaling !== undefined) net.scaling = json.scaling && structuredClone(json.scaling);
    return net;
  }

  /** An independent copy with the same parameters. */
  clone(): Network {
    return Network.fromJSON(this.toJSON());
  }

  /** A readable summary: one line per layer, then loss, penalties and the parameter count. */
  toString(): string {
    const lines = this.layers.map((l, i) => `  ${i}: ${l.toString()}`);
    const pens = this.regularizers.map((r) => `${r.name}(λ=${r.lambda})`).join(', ') || 'none';
    const loss = typeof this.loss.spec === 'string' ? this.loss.spec : JSON.stringify(this.loss.spec);
    return `Network (${this.inputSize} → ${this.outputSize}, ${this.parameterCount} parameters, ${this.dtype})\n${lines.join('\n')}\n  loss: ${loss}${this.#useLogits ? ' (from logits)' : ''}; penalties: ${pens}`;
  }

  /** x unless it is not a Matrix of `cols` columns whose data holds rows × cols values (an O(1) check). */
  #checkInput(x: Matrix, name: string, cols: number): Matrix {
    if (!isMatrix(x))
      throw new ShapeError(
        `${name} must be a Matrix ({ rows, cols, data }, e.g. toMatrix(${name}Rows)); arrays of rows go to predict()`,
        name,
      );
    if (x.data.length !== x.rows * x.cols || x.rows < 1)
      throw new ShapeError(
        `${name}: data has ${x.data.length} values but rows × cols = ${x.rows} × ${x.cols}`,
        name,
      );
    if (x.cols !== cols) {
      const what =
        name === 'x'
          ? `takes ${cols} input${cols === 1 ? '' : 's'}`
          : `gives ${cols} output${cols === 1 ? '' : 's'}`;
      throw new ShapeError(
        `${name} has ${x.cols} column${x.cols === 1 ? '' : 's'} but the network ${what}`,
        name,
      );
    }
    return x;
  }

  #checkBatch(x: Matrix, y: Matrix): void {
    this.#checkInput(x, 'x', this.inputSize);
    this.#checkInput(y, 'y', this.outputSize);
    checkSameRows(x, y);
  }
}

/** m in float32, or DataError naming the first value beyond float32's range (±3.4e38). */
function inFloat32(m: Matrix, standardized: boolean): Matrix {
  const out = zeros(m.rows, m.cols, 'float32');
  out.data.set(m.data);
  for (let i = 0; i < out.data.length; i++) {
    if (Number.isFinite(out.data[i])) continue;
    const r = Math.floor(i / m.cols);
    const c = i % m.cols;
    throw new DataError(
      `x[${r}][${c}] is ${m.data[i]}${standardized ? ' once standardized' : ''}: beyond float32's range (±3.4e38), which this float32 network computes in`,
      'x',
      r,
      c,
    );
  }
  return out;
}

/** A stored scaling must fit the network: one finite mean and one positive std per column. */
function checkScaling(s: Scaling, inputs: number, outputs: number): void {
  const check = (name: string, values: unknown, n: number, positive: boolean) => {
    if (!Array.isArray(values) || values.length !== n) {
      throw new ShapeError(
        `scaling.${name} must hold ${n} numbers (one per ${name.startsWith('input') ? 'input' : 'output'}), got ${Array.isArray(values) ? values.length : typeof values}`,
        'json',
      );
    }
    values.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || (positive && v <= 0)) {
        throw new ShapeError(
          `scaling.${name}[${i}] is ${shown(v)}: it must be a finite number${positive ? ' > 0' : ''}`,
          'json',
        );
      }
    });
  };
  if (typeof s !== 'object') throw new ShapeError('scaling must be an object or null', 'json');
  check('inputMean', s.inputMean, inputs, false);
  check('inputStd', s.inputStd, inputs, true);
  if (s.targetMean !== undefined || s.targetStd !== undefined) {
    check('targetMean', s.targetMean, outputs, false);
    check('targetStd', s.targetStd, outputs, true);
  }
}

/** The constructor's check of number sizes: layer i of the message is sizes[i] (an input, hidden or output size). */
function checkSizes(sizes: readonly number[], dtype: DType): void {
  const widest = sizes.findIndex((n) => n > NETWORK_LIMITS.layerWidth);
  if (widest >= 0) {
    throw new NetworkSizeError(
      `layers[${widest}] is ${sizes[widest].toLocaleString('en-US')} units: the limit is ${NETWORK_LIMITS.layerWidth.toLocaleString('en-US')} per layer`,
      NaN,
      NaN,
    );
  }
  checkNetworkSize(shapesOf(sizes), dtype);
}

function includes(terms: Terms, name: string): boolean {
  const p = terms.penalties ?? true;
  return typeof p === 'boolean' ? p : p.includes(name);
}

/** The layers: Dense layers from sizes and activations, or the given Layer objects (checked to chain). */
function buildLayers(options: NetworkOptions, loss: Loss, dtype: DType): Layer[] {
  const spec = options.layers;
  if (!Array.isArray(spec) || spec.length === 0) {
    throw new OptionError(
      'layers must be a non-empty array: sizes such as [1, 64, 1], or Layer objects',
      'layers',
    );
  }
  if (typeof spec[0] !== 'number') {
    const layers = [...(spec as readonly Layer[])];
    layers.forEach((layer, i) => {
      const own = (layer as { dtype?: unknown }).dtype;
      if (own !== undefined && own !== dtype) {
        throw new OptionError(
          `layers[${i}] holds ${String(own)} parameters but the network is ${dtype}: ` +
            `make every layer with dtype '${dtype}', or pass dtype: ${JSON.stringify(own)} to the Network`,
          'layers',
        );
      }
    });
    for (let i = 1; i < layers.length; i++) {
      if (layers[i].inputSize !== layers[i - 1].outputSize) {
        throw new ShapeError(
          `layers[${i}] takes ${layers[i].inputSize} inputs but layers[${i - 1}] gives ${layers[i - 1].outputSize}`,
          'layers',
        );
      }
    }
    return layers;
  }
  const sizes = spec as readonly number[];
  if (sizes.length < 2)
    throw new OptionError(
      `layers needs at least an input and an output size, got [${sizes.join(', ')}]`,
      'layers',
    );
  sizes.forEach((s, i) => checkNumber(`layers[${i}]`, s, { integer: true, min: 1 }));
  checkSizes(sizes, dtype); // bounds before anything is allocated
  const random = new Random(options.seed ?? 42);
  const hidden = getActivation(options.activation ?? 'relu', 'activation');
  if (hidden.name === 'softmax')
    throw new OptionError(
      'softmax is an output activation; choose another for the hidden layers',
      'activation',
    );
  const output = getActivation(options.output ?? loss.logitsOf ?? 'linear', 'output');
  return sizes.slice(1).map(
    (size, i) =>
      new Dense(sizes[i], size, random, {
        activation: i === sizes.length - 2 ? output : hidden,
        init: options.init,
        dtype,
      }),
  );
}

/** The dtype shared by ready-made layers that declare one (Dense does), as the network's default; else undefined. */
function layersDType(spec: NetworkOptions['layers']): DType | undefined {
  if (!Array.isArray(spec) || typeof spec[0] !== 'object' || spec[0] === null) return undefined;
  const own = (spec[0] as { dtype?: unknown }).dtype;
  return own === 'float32' || own === 'float64' ? own : undefined;
}

/** The built-in penalties the options ask for (weightDecay: L2, l1: L1). */
function penalties(options: NetworkOptions): Regularizer[] {
  const regs: Regularizer[] = [];
  if (options.weightDecay !== undefined && checkNumber('weightDecay', options.weightDecay, { min: 0 }) > 0)
    regs.push(l2(options.weightDecay));
  if (options.l1 !== undefined && checkNumber('l1', options.l1, { min: 0 }) > 0) regs.push(l1(options.l1));
  return regs;
}

/**
 * Pairs the output activation with the loss: whether the loss works from the last layer's
 * pre-activation (logits). Refuses pairs that cannot train; warns on a non-linear regression output.
 */
function pairOutput(loss: Loss, last: Layer, outputSize: number, warn: (message: string) => void): boolean {
  const outName = last.activation?.name ?? 'linear';
  if (!loss.logitsOf) {
    if (loss.kind === 'regression' && outName !== 'linear') {
      warn(
        `output activation ${outName} with loss ${loss.name}: a regression network needs a linear output ` +
          `(use output: 'linear'); ${outName} bends or clips what it can predict, so it usually fails to fit the targets.`,
      );
    }
    return false;
  }
  if (outName !== loss.logitsOf && outName !== 'linear') {
    throw new OptionError(
      `loss ${loss.name} works from logits: the output activation must be ${loss.logitsOf} or linear, not ${outName}`,
      'output',
    );
  }
  if (loss.logitsOf === 'softmax' && outputSize < 2) {
    throw new OptionError(
      'softmaxCrossEntropy needs an output layer of at least 2 units (one per class)',
      'layers',
    );
  }
  const useLogits = outName === loss.logitsOf;
  if (useLogits && !last.preActivation) {
    throw new OptionError(
      `the last layer (${last.type}) exposes no pre-activation, which ${loss.name} needs`,
      'layers',
    );
  }
  return useLogits;
}

/** Moves every parameter into one flat buffer (and its gradient into another); layers keep views. */
function flatten(
  layers: readonly Layer[],
  dtype: DType,
): { params: FloatArray; grads: FloatArray; refs: ParameterRef[]; resident: ResidentBlock | null } {
  const refs: ParameterRef[] = [];
  let total = 0;
  layers.forEach((layer, l) =>
    layer.parameters.forEach((p) => {
      refs.push({ layer: l, parameter: p, offset: total });
      total += p.value.length;
    }),
  );
  // grads start on a 16-byte boundary (whole SIMD vectors)
  const gradsAt = Math.ceil(total / 4) * 4;
  const size = dtype === 'float32' ? 4 : 8;
  const resident = residentBlock((gradsAt + total) * size);
  const make = (offset: number) =>
    resident
      ? resident.view(dtype, offset, total)
      : dtype === 'float32'
        ? new Float32Array(total)
        : new Float64Array(total);
  const params = make(0);
  const grads = make(gradsAt);
  for (const r of refs) {
    const n = r.parameter.value.length;
    params.set(r.parameter.value, r.offset);
    r.parameter.value = params.subarray(r.offset, r.offset + n);
    r.parameter.grad = grads.subarray(r.offset, r.offset + n);
  }
  return { params, grads, refs, resident };
}
