// What the doctor's rules read: the data as the probes see it, the resolved options, and every
// probe (statistics, rate scans, counterfactual runs), each run once on first use and cached however
// many rules read it; plus the findings of the rules that ran before. With sampleWeight / classWeight
// the probes train on and judge by the loss weighted as fit weighs it.

import type { Matrix } from '../matrix.js';
import type { Loss } from '../nn/losses.js';
import type { Network } from '../nn/network.js';
import {
  baselineLoss,
  columnStats,
  standardizeCopy,
  targetInfo,
  type ColumnStats,
  type TargetInfo,
} from './doctor-data.js';
import { clampRate, holdOut, rateRange, type HeldOutSplit } from './doctor-heldout.js';
import type { DoctorOptions, Resolved } from './doctor-options.js';
import {
  allDense,
  gradientStats,
  layerStats,
  preserving,
  scanRates,
  subsample,
  withActivations,
  type LayerStats,
  type RateScan,
} from './doctor-probe.js';
import { outputCounterfactualFinding, outputName, outputRangeFinding, outputRun } from './doctor-rules.js';
import type { Finding } from './doctor-types.js';
import { rowWeights } from '../train/sample-weights.js';

/** The network the rate rules probe: the user's, or one with a structural fix (a linear output) applied. */
export interface ProbedNetwork {
  network: Network;
  /** the fix applied, in words ('a linear output'), when the network is not the user's */
  fixedBy?: string;
  /** the rate scan on that network */
  scan: RateScan;
  /** the counterfactual finding (the output activation against a linear one), when it was run */
  counterfactual: Finding | null;
}

export class DoctorContext {
  readonly loss: Loss;
  /** the data as training sees it (standardized when o.scale), all rows: [rows × inputs], [rows × outputs] */
  readonly X: Matrix;
  readonly Y: Matrix;
  /** column statistics of the data as given, in the caller's units */
  readonly rawStats: { x: ColumnStats; y: ColumnStats };
  /** the data as given, in the caller's units (what a trained network's predict takes) */
  readonly raw: { X: Matrix; Y: Matrix };
  readonly targets: TargetInfo;
  /** the targets as given (before standardization): class labels stay recognizable */
  readonly rawTargets: TargetInfo;
  /** the seeded sample of rows the probes train on, and their loss weights (undefined: unweighted) */
  readonly x: Matrix;
  readonly y: Matrix;
  readonly w: Float64Array | undefined;
  /** steps per probe run */
  readonly steps: number;
  /** every layer is Dense, so the network can be rebuilt with other activations or sizes */
  readonly dense: boolean;
  /** probe training runs made so far */
  probes = 0;
  /** rule 10a's finding (rows with NaN, left out of the data above), found before the data became matrices */
  nan: Finding | null = null;
  readonly #cache = new Map<string, unknown>();
  readonly #results = new Map<string, Finding[]>();

  constructor(
    readonly network: Network,
    X: Matrix,
    Y: Matrix,
    readonly options: DoctorOptions,
    readonly o: Resolved,
  ) {
    this.loss = network.loss;
    this.rawStats = { x: columnStats(X), y: columnStats(Y) };
    this.raw = { X, Y };
    if (o.scale) {
      X = standardizeCopy(X);
      if (this.loss.kind === 'regression') Y = standardizeCopy(Y);
    }
    this.X = X;
    this.Y = Y;
    this.targets = targetInfo(Y);
    this.rawTargets = o.scale ? targetInfo(this.raw.Y) : this.targets;
    const weights = rowWeights(options, this.raw.Y, this.loss.kind === 'classification')?.loss;
    ({ x: this.x, y: this.y, w: this.w } = subsample(X, Y, o.maxRows, o.seed, weights ?? undefined));
    this.steps = o.steps;
    this.dense = allDense(network);
  }

  /** `fn()` the first time `key` is asked for, the cached value after. */
  memo<T>(key: string, fn: () => T): T {
    if (!this.#cache.has(key)) this.#cache.set(key, fn());
    return this.#cache.get(key) as T;
  }

  /** Records what a rule found (called by the rule runner). */
  record(rule: string, findings: Finding[]): void {
    this.#results.set(rule, findings);
  }

  /** The findings of a rule that has already run. */
  of(rule: string): Finding[] {
    return this.#results.get(rule) ?? [];
  }

  /** The finding of a rule that has already run, if it found something. */
  found(rule: string): Finding | undefined {
    return this.#results.get(rule)?.[0];
  }

  /** Every finding so far, in the order the rules ran. */
  findings(): Finding[] {
    return [...this.#results.values()].flat();
  }

  /** The probes' rows split into a part to train on and a held-out part to judge by (null: too few rows). */
  split(): HeldOutSplit | null {
    return this.memo('split', () =>
      holdOut(this.x, this.y, this.loss.kind === 'classification', this.o.seed, undefined, this.w),
    );
  }

  /** The rate the doctor recommends: the scan's, inside the optimizer's range (undefined: none stable). */
  recommendedRate(): number | undefined {
    const { scan } = this.probed();
    const r = scan.recommended;
    return r === undefined ? undefined : clampRate(r, rateRange(this.o.optimizer, scan));
  }

  /** Forward statistics per layer at the current weights. */
  stats(): LayerStats[] {
    return this.memo('stats', () => preserving(this.network, () => layerStats(this.network, this.x)));
  }

  /** Gradient and weight RMS per layer at the current weights. */
  grads(): { layer: number; gradRms: number; weightRms: number }[] {
    return this.memo('grads', () =>
      preserving(this.network, () => gradientStats(this.network, this.x, this.y)),
    );
  }

  /** The loss of the best constant prediction on the probes' rows. */
  baseline(): number {
    return this.memo('baseline', () => baselineLoss(this.loss, this.y, this.w));
  }

  /** Rule 1's part that needs no training: targets outside the output's range. */
  range(): Finding | null {
    return this.memo('range', () => outputRangeFinding(this.network, this.Y, this.targets));
  }

  /** A rate scan of `network` on the probes' rows, counted. */
  scan(network: Network): RateScan {
    const s = scanRates(network, this.x, this.y, this.o.probe, this.steps, this.w);
    this.probes += s.probes.length;
    return s;
  }

  /**
   * The network the rate rules probe. A regression network with a non-linear output is judged with
   * a linear one when that output is the problem (targets out of its range, or the counterfactual
   * run shows it stalls); otherwise the user's network as it is.
   */
  probed(): ProbedNetwork {
    return this.memo('probed', () => {
      const { network } = this;
      // (class labels under a regression loss are the loss-task rule's: a linear output is no fix)
      const labels = this.rawTargets.binary || this.rawTargets.oneHot;
      const linearOutput =
        this.loss.kind === 'regression' && outputName(network) !== 'linear' && this.dense && !labels;
      if (!linearOutput) return { network, scan: this.scan(network), counterfactual: null };
      const last = network.layers.length - 1;
      const fixed = withActivations(
        network,
        network.layers.map((_, i) => (i === last ? 'linear' : undefined)),
      );
      const fixedScan = this.scan(fixed);
      const probedFixed = {
        network: fixed,
        fixedBy: 'a linear output',
        scan: fixedScan,
        counterfactual: null,
      };
      if (this.range()) return probedFixed;
      const currentScan = this.scan(network);
      const counterfactual = this.#counterfactual(fixed, fixedScan, currentScan);
      if (counterfactual && counterfactual.severity !== 'info') return { ...probedFixed, counterfactual };
      return { network, scan: currentScan, counterfactual };
    });
  }

  /** Rule 1 counterfactual: the network against the same weights with a linear output, long runs at each's best rate. */
  #counterfactual(fixed: Network, fixedScan: RateScan, currentScan: RateScan): Finding | null {
    const { network, x, y } = this;
    const long = 5 * this.steps;
    const run = (net: Network, rate: number | undefined) =>
      rate !== undefined ? outputRun(net, x, y, this.o.probe, rate, long, this.w) : undefined;
    const current = run(network, currentScan.recommended);
    const linear = run(fixed, fixedScan.recommended);
    this.probes += 2;
    return current && linear ? outputCounterfactualFinding(network, current, linear) : null;
  }
}
