// Kink watching for the gradient checker: records on which side of each kink every pre-activation
// and every prediction lies at the base point, then tells whether a perturbed point moved any of
// them to the other side. A central difference across a kink measures the average of two slopes,
// not the derivative — not evidence of a bug (CS231n, "Kinks in the objective"), so such entries are
// set aside and counted instead of judged.
//
// Sources of kinks: Activation.kinks (z values, e.g. 0 for relu / leakyRelu), Loss.kinks(t)
// (prediction values for target t, e.g. t for mae, t ± δ for huber), Regularizer.kinks (weight
// values, e.g. 0 for L1; checked by the caller on the perturbed weight itself).

import type { FloatArray } from '../kernels/index.js';
import type { Matrix } from '../matrix.js';
import type { Layer } from '../nn/layer.js';
import type { Loss } from '../nn/losses.js';

/** How many of the (sorted) kinks lie strictly below v: the "side" of v. */
export function side(v: number, kinks: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < kinks.length; k++) if (v > kinks[k]) s++;
  return s;
}

/** Whether v and w lie on different sides of some kink. */
export function straddles(v: number, w: number, kinks: ArrayLike<number>): boolean {
  return kinks.length > 0 && side(v, kinks) !== side(w, kinks);
}

interface WatchedLayer {
  index: number;
  layer: Layer;
  /** the layer's pre-activations z[N×O] from its last forward */
  preActivation: () => Matrix;
  kinks: readonly number[];
  /** side of every pre-activation z[N×O] at the base point */
  base: Uint8Array;
}

interface WatchedLoss {
  /** kinks of element i are values[offsets[i] .. offsets[i + 1]) */
  values: Float64Array;
  offsets: Int32Array;
  /** side of every prediction at the base point */
  base: Uint8Array;
}

/** Counts by source of the entries set aside, for the report. */
export interface KinkSources {
  /** layer index → entries whose step moved a pre-activation of that layer across a kink */
  layers: Map<number, number>;
  /** entries whose step moved a prediction across a kink of the loss */
  loss: number;
}

/**
 * Watches the pre-activations of `layers` (those with an activation that has kinks and expose
 * preActivation()) and the predictions fed to `loss`, read through `predictions()`.
 */
export class KinkWatch {
  readonly #watched: WatchedLayer[] = [];
  readonly #lossWatch: WatchedLoss | null = null;
  readonly sources: KinkSources = { layers: new Map(), loss: 0 };
  readonly #pendingLayers = new Set<number>();
  #pendingLoss = false;
  readonly #predictions: () => FloatArray;

  constructor(
    layers: readonly Layer[],
    loss: Loss | null,
    targets: Matrix | null,
    predictions: () => FloatArray,
    /** layer indices for the report (layers[i] is reported as firstIndex + i) */
    firstIndex = 0,
  ) {
    this.#predictions = predictions;
    layers.forEach((layer, i) => {
      const kinks = layer.activation?.kinks ?? [];
      if (kinks.length === 0 || typeof layer.preActivation !== 'function') return;
      const preActivation = layer.preActivation.bind(layer);
      const z = preActivation();
      this.#watched.push({
        index: firstIndex + i,
        layer,
        preActivation,
        kinks: [...kinks].sort((a, b) => a - b),
        base: new Uint8Array(z.data.length),
      });
    });
    if (loss && targets) {
      const n = targets.data.length;
      const offsets = new Int32Array(n + 1);
      const values: number[] = [];
      for (let i = 0; i < n; i++) {
        const k = loss
          .kinks(targets.data[i])
          .slice()
          .sort((a, b) => a - b);
        values.push(...k);
        offsets[i + 1] = values.length;
      }
      if (values.length > 0)
        this.#lossWatch = { values: Float64Array.from(values), offsets, base: new Uint8Array(n) };
    }
  }

  /** Whether anything is watched at all (when not, crossed() is always false). */
  get active(): boolean {
    return this.#watched.length > 0 || this.#lossWatch !== null;
  }

  /** Records the sides at the current point (call right after a forward pass at the base point). */
  capture(): void {
    for (const w of this.#watched) {
      const z = w.preActivation().data;
      for (let i = 0; i < z.length; i++) w.base[i] = side(z[i], w.kinks);
    }
    const l = this.#lossWatch;
    if (l) {
      const p = this.#predictions();
      for (let i = 0; i < p.length; i++) l.base[i] = this.#lossSide(p[i], i);
    }
  }

  /** After a forward pass at a perturbed point: did any watched value change side? Notes where, until settle(). */
  crossed(): boolean {
    let any = false;
    for (const w of this.#watched) {
      const z = w.preActivation().data;
      const base = w.base;
      let moved = false;
      if (w.kinks.length === 1) {
        // the common case (relu family at 0), specialized: this loop runs on every evaluation
        const k = w.kinks[0];
        for (let i = 0; i < z.length; i++) {
          if ((z[i] > k ? 1 : 0) !== base[i]) {
            moved = true;
            break;
          }
        }
      } else {
        for (let i = 0; i < z.length; i++) {
          if (side(z[i], w.kinks) !== base[i]) {
            moved = true;
            break;
          }
        }
      }
      if (moved) {
        this.#pendingLayers.add(w.index);
        any = true;
      }
    }
    const l = this.#lossWatch;
    if (l) {
      const p = this.#predictions();
      for (let i = 0; i < p.length; i++) {
        if (this.#lossSide(p[i], i) !== l.base[i]) {
          this.#pendingLoss = true;
          any = true;
          break;
        }
      }
    }
    return any;
  }

  /** Ends one entry's evaluations: counts its crossings when `count` (the entry was set aside). */
  settle(count: boolean): void {
    if (count) {
      for (const l of this.#pendingLayers) this.sources.layers.set(l, (this.sources.layers.get(l) ?? 0) + 1);
      if (this.#pendingLoss) this.sources.loss++;
    }
    this.#pendingLayers.clear();
    this.#pendingLoss = false;
  }

  #lossSide(p: number, i: number): number {
    const l = this.#lossWatch;
    if (!l) return 0;
    let s = 0;
    for (let k = l.offsets[i]; k < l.offsets[i + 1]; k++) if (p > l.values[k]) s++;
    return s;
  }
}
