// The optimizer interface: one step() over the flat parameter and gradient buffers.
// Optimizers know nothing of layers; they keep whatever state they need (velocities, moments)
// in Float64Array buffers of the same length as params, made on the first step, and can write that
// state out as plain JSON numbers (state()) and read it back (setState()) for checkpoints.

import { OptionError } from '../errors.js';
import type { FloatArray } from '../kernels/index.js';

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

/** Copies a state buffer out as plain numbers (empty when the buffer was never made). */
export function bufferToJSON(buffer: Float64Array | null): number[] {
  return buffer ? Array.from(buffer) : [];
}

/** Reads a state buffer back; an empty list means "not made yet". */
export function bufferFromJSON(state: OptimizerState, key: string): Float64Array | null {
  const values = state.buffers?.[key];
  if (!Array.isArray(values))
    throw new OptionError(
      `optimizer state for ${state.name} lacks the buffer ${JSON.stringify(key)}`,
      'optimizerState',
    );
  return values.length === 0 ? null : Float64Array.from(values);
}

/** Checks a state belongs to this optimizer; returns it. */
export function checkState(state: OptimizerState, name: string): OptimizerState {
  if (!state || typeof state !== 'object' || state.name !== name) {
    throw new OptionError(
      `optimizer state is for ${JSON.stringify(state?.name)}, not ${name}`,
      'optimizerState',
    );
  }
  if (!Number.isInteger(state.step) || state.step < 0) {
    throw new OptionError(
      `optimizer state step must be a non-negative integer, got ${JSON.stringify(state.step)}`,
      'optimizerState',
    );
  }
  return state;
}

/** A state buffer of n zeros, or the existing one after checking its length matches params. */
export function stateBuffer(buffer: Float64Array | null, n: number, name: string): Float64Array {
  if (buffer === null) return new Float64Array(n);
  if (buffer.length !== n) {
    throw new OptionError(
      `optimizer state buffer ${name} holds ${buffer.length} values but the network has ${n} parameters`,
      'optimizerState',
    );
  }
  return buffer;
}
