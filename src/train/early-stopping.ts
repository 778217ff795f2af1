// Early stopping (Keras's EarlyStopping): watches one loss per epoch, remembers the best epoch and,
// when enabled, stops after `patience` epochs without an improvement larger than minDelta and keeps
// a copy of the best weights to put back. Disabled, it still tracks the best epoch for History.

import type { FloatArray } from '../matrix.js';
import type { EarlyStoppingSettings } from './fit-options.js';
import type { FitCheckpoint } from './fit-types.js';

export type EarlyStoppingState = FitCheckpoint['earlyStopping'];

export class EarlyStopping {
  best = Infinity;
  /** the epoch (1-based) with the best monitored loss; 0 before any */
  bestEpoch = 0;
  /** epochs since the best one */
  wait = 0;
  /** the best epoch's weights (only when enabled with restoreBest) */
  bestParams: Float64Array | null = null;

  constructor(readonly settings: EarlyStoppingSettings) {}

  /**
   * Feeds epoch `epoch`'s monitored loss; `weights` are the parameters that loss belongs to.
   * Returns true when the run should stop.
   */
  observe(epoch: number, monitored: number, weights: FloatArray): boolean {
    const { enabled, restoreBest, minDelta, patience } = this.settings;
    if (monitored < this.best - minDelta) {
      this.best = monitored;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (enabled && restoreBest) (this.bestParams ??= new Float64Array(weights.length)).set(weights);
      return false;
    }
    return enabled && ++this.wait >= patience;
  }

  /** Puts the best weights back into params when the settings ask for it; true when it did. */
  restore(params: FloatArray): boolean {
    if (!this.settings.enabled || !this.settings.restoreBest || !this.bestParams) return false;
    params.set(this.bestParams);
    return true;
  }

  state(): EarlyStoppingState {
    return {
      best: Number.isFinite(this.best) ? this.best : null,
      bestEpoch: this.bestEpoch,
      wait: this.wait,
      bestParams: this.bestParams ? Array.from(this.bestParams) : null,
    };
  }

  setState(state: EarlyStoppingState): void {
    this.best = state.best ?? Infinity;
    this.bestEpoch = state.bestEpoch;
    this.wait = state.wait;
    this.bestParams = state.bestParams ? Float64Array.from(state.bestParams) : null;
  }
}
