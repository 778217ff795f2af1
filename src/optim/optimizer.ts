// The optimizer interface, and the base class every optimizer here extends (as tinygrad's optim.py
// leaves each subclass its step). Optimizers walk the flat parameter and gradient buffers and know
// nothing of layers. The base owns what every optimizer would otherwise repeat: the learning rate and
// step count, the state buffers (velocities, moments: Float64Arrays as long as params, made on the
// first step; in the WebAssembly kernels' memory beside resident float64 parameters, so that the
// update runs there in one call), reset(), and the state as plain JSON (state() / setState()) for
// checkpoints.
// Hyper-parameters are declared once per optimizer (`static hyperParameters`: default and range);
// the constructor reads them with readHyperParameters, and index.ts derives the options from them.

import { OptionError, checkNumber, checkOptionNames, shown } from '../errors.js';
import { type FloatArray, type ResidentBlock, isResident, residentCopy } from '../kernels/index.js';

/** An optimizer's state as plain JSON: enough to continue a run bit-identically. */
export interface OptimizerState {
  name: string;
  /** updates taken so far (Adam's bias correction uses it) */
  step: number;
  learningRate: number;
  /** each state buffer (velocity, moments, …) by name, as plain numbers */
  buffers: Record<string, number[]>;
  /** anything else (L-BFGS keeps its curvature pairs here) */
  extra?: Record<string, unknown>;
}

/** Evaluates the full-batch cost at the current `params` and writes its gradient into `grads` (for L-BFGS). */
export type LossClosure = () => number;

export interface Optimizer {
  readonly name: string;
  /** The current learning rate (a schedule may change it between steps). */
  learningRate: number;
  /** Updates taken so far. */
  readonly stepCount: number;
  /**
   * params ← params − update(grads). Optimizers that need to re-evaluate the cost (L-BFGS) take a
   * closure and report `needsClosure`; fit then gives them the whole training set as one batch, and
   * `loss`, the cost at params (whose gradient grads holds).
   */
  step(params: FloatArray, grads: FloatArray, closure?: LossClosure, loss?: number): void;
  /** true for optimizers whose step needs the closure (L-BFGS). */
  readonly needsClosure?: boolean;
  /** set by optimizers that can tell they have converged (L-BFGS); fit then stops */
  readonly converged?: boolean;
  /** Forgets accumulated state (moments, step count). */
  reset(): void;
  /** The state as plain JSON numbers. */
  state(): OptimizerState;
  /** Restores a state written by state() of the same optimizer. */
  setState(state: OptimizerState): void;
}

/**
 * An optimizer whose update is elementwise (sgd, momentum, nesterov, adam, adamw) splits its step in
 * two, so that threads can apply one step to disjoint ranges of the parameters at once
 * (DataParallel.step): beginStep advances the step (its count; its state buffers made), then
 * updateRange applies that step to parameters [from, to) — each element gets the same bits as from
 * step(), which is the two over every parameter. A worker thread applies its ranges with a twin:
 * getOptimizer(name, hyperParameterValues()) sharing the calling thread's state buffers (shareState).
 */
export interface SplitOptimizer extends Optimizer {
  stepCount: number;
  beginStep(params: FloatArray): void;
  updateRange(params: FloatArray, grads: FloatArray, from: number, to: number): void;
  /** the hyper-parameters it was made with, by name */
  hyperParameterValues(): Record<string, number>;
  /** the state buffers (made by beginStep), in the order the optimizer declares them */
  stateViews(): Float64Array[];
  /** makes `views` this optimizer's state buffers, in place (a twin's: the calling thread's buffers) */
  shareState(views: Float64Array[]): void;
}

/** Whether an optimizer's step can be split between threads (SplitOptimizer). */
export function splits(optimizer: Optimizer): optimizer is SplitOptimizer {
  return typeof (optimizer as Partial<SplitOptimizer>).updateRange === 'function';
}

/** One hyper-parameter: its default (cited in the optimizer's opening comment) and its valid range. */
export interface HyperParameter {
  default: number;
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  integer?: boolean;
  /** the name of an earlier hyper-parameter this one must exceed (L-BFGS: c1 < c2) */
  above?: string;
}
export type HyperParameters = Readonly<Record<string, HyperParameter>>;
/** The options an optimizer takes: each hyper-parameter it declares, optional. */
export type OptionsOf<H extends HyperParameters> = { [K in keyof H]?: number };

/** A hyper-parameter that must be > 0 (learning rates, ε). */
export function positive(defaultValue: number): HyperParameter {
  return { default: defaultValue, min: 0, exclusiveMin: true };
}

/**
 * Each declared hyper-parameter in order: the option or its default, checked (bad values throw). Names
 * outside `accepted` (default: the declared ones; a subclass adds its own) throw OptionError.
 */
export function readHyperParameters<H extends HyperParameters>(
  declared: H,
  options: OptionsOf<H>,
  accepted: HyperParameters = declared,
): { readonly [K in keyof H]: number } {
  const given = options as Record<string, number | undefined>;
  checkOptionNames('optimizer option', given, accepted);
  const values: Record<string, number> = {};
  for (const [key, { default: fallback, above, ...range }] of Object.entries(declared)) {
    const limits = above === undefined ? range : { ...range, min: values[above], exclusiveMin: true };
    values[key] = checkNumber(key, given[key] ?? fallback, limits);
  }
  return values as { readonly [K in keyof H]: number };
}

/** One state buffer[P] (a velocity, a moment): zeros on the first step, kept and checkpointed by the base. */
export class StateBuffer {
  #held: Float64Array | null = null;
  /** the kernels' memory holding the values, when they moved there beside resident parameters */
  #block: ResidentBlock | null = null;
  constructor(readonly name: string) {}

  /** The values, or null before the first step. */
  get values(): Float64Array | null {
    return this.#held;
  }

  /**
   * The buffer for n parameters (made on first use; a restored one must match n). Given resident
   * `params` (float64, or float32: the state stays float64), the buffer moves into the kernels'
   * memory too (once, values kept).
   */
  get(n: number, params?: FloatArray): Float64Array {
    const values = stateBuffer(this.#held, n, this.name);
    this.#held = values;
    // (a buffer already in the kernels' memory stays where it is: a twin's, shared with the calling thread)
    if (params && !this.#block && isResident(params) && !isResident(values)) {
      const moved = residentCopy(values, this);
      if (moved) ({ view: this.#held, block: this.#block } = moved);
    }
    return this.#held;
  }

  /** Replaces the values (null: forget them), freeing kernel memory they held. */
  set(values: Float64Array | null): void {
    this.#block?.release();
    this.#block = null;
    this.#held = values;
  }
}

/** Learning rate, step count and state buffers, with reset / state / setState; subclasses write step(). */
export abstract class BaseOptimizer implements Optimizer {
  abstract readonly name: string;
  learningRate: number;
  stepCount = 0;
  readonly #buffers: StateBuffer[] = [];

  constructor(learningRate: number) {
    this.learningRate = learningRate;
  }

  abstract step(params: FloatArray, grads: FloatArray, closure?: LossClosure, loss?: number): void;

  /** A state buffer this optimizer keeps (declare it as a field): reset() forgets it, state() writes it. */
  protected stateBuffer(name: string): StateBuffer {
    const buffer = new StateBuffer(name);
    this.#buffers.push(buffer);
    return buffer;
  }

  /** (SplitOptimizer) The hyper-parameters as the constructor read them: the fields named as they are. */
  hyperParameterValues(): Record<string, number> {
    const declared = (this.constructor as { hyperParameters?: HyperParameters }).hyperParameters ?? {};
    const fields = this as unknown as Record<string, number>;
    return Object.fromEntries(Object.keys(declared).map((key) => [key, fields[key]]));
  }

  /**
   * (SplitOptimizer) The state buffers' values, in declaration order (each made: beginStep first).
   * The same array while the buffers stay the same (a data-parallel step asks each step).
   */
  stateViews(): Float64Array[] {
    const views = this.#views;
    let same = views.length === this.#buffers.length;
    for (let i = 0; same && i < views.length; i++) same = views[i] === this.#buffers[i].values;
    if (same) return views;
    this.#views = this.#buffers.map((buffer) => {
      if (!buffer.values) throw new Error(`${this.name}: state buffer ${buffer.name} not made yet`);
      return buffer.values;
    });
    return this.#views;
  }
  #views: Float64Array[] = [];

  /** (SplitOptimizer) Makes `views` the state buffers, in place (nothing copied). */
  shareState(views: Float64Array[]): void {
    if (views.length !== this.#buffers.length)
      throw new Error(`${this.name} keeps ${this.#buffers.length} state buffers, got ${views.length}`);
    this.#buffers.forEach((buffer, i) => buffer.set(views[i]));
  }

  reset(): void {
    for (const buffer of this.#buffers) buffer.set(null);
    this.stepCount = 0;
  }

  state(): OptimizerState {
    return {
      name: this.name,
      step: this.stepCount,
      learningRate: this.learningRate,
      buffers: Object.fromEntries(this.#buffers.map((b) => [b.name, bufferToJSON(b.values)])),
    };
  }

  setState(state: OptimizerState): void {
    this.stepCount = checkState(state, this.name).step;
    this.learningRate = state.learningRate;
    for (const buffer of this.#buffers) buffer.set(bufferFromJSON(state, buffer.name));
  }
}

/** Copies a state buffer out as plain numbers (empty when the buffer was never made). */
function bufferToJSON(buffer: Float64Array | null): number[] {
  return buffer ? Array.from(buffer) : [];
}

/** Reads a state buffer back; an empty list means "not made yet". */
function bufferFromJSON(state: OptimizerState, key: string): Float64Array | null {
  const values = state.buffers?.[key];
  if (!Array.isArray(values))
    throw new OptionError(
      `optimizer state for ${state.name} lacks the buffer ${JSON.stringify(key)}`,
      'optimizerState',
    );
  return values.length === 0 ? null : Float64Array.from(values);
}

/** Checks a state belongs to this optimizer; returns it. */
function checkState(state: OptimizerState, name: string): OptimizerState {
  if (!state || typeof state !== 'object' || state.name !== name) {
    throw new OptionError(
      `optimizer state is for ${JSON.stringify(state?.name)}, not ${name}`,
      'optimizerState',
    );
  }
  if (!Number.isInteger(state.step) || state.step < 0) {
    throw new OptionError(
      `optimizer state step must be a non-negative integer, got ${shown(state.step)}`,
      'optimizerState',
    );
  }
  return state;
}

/** A state buffer of n zeros, or the existing one after checking its length matches params. */
function stateBuffer(buffer: Float64Array | null, n: number, name: string): Float64Array {
  if (buffer === null) return new Float64Array(n);
  if (buffer.length !== n) {
    throw new OptionError(
      `optimizer state buffer ${name} holds ${buffer.length} values but the network has ${n} parameters`,
      'optimizerState',
    );
  }
  return buffer;
}
