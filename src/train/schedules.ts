// Learning-rate schedules, applied once per epoch (epoch e counts from 0), with an optional linear
// warm-up (Goyal et al. 2017, "Accurate, Large Minibatch SGD"): η·(e + 1)/warmup for e < warmup.
//   constant                         η
//   { type: 'step', stepSize, gamma = 0.1 }          η·gamma^⌊e / stepSize⌋      (PyTorch StepLR)
//   { type: 'exponential', gamma }                   η·gamma^e                    (PyTorch ExponentialLR)
//   { type: 'cosine', epochs?, minLearningRate = 0 } ηmin + (η − ηmin)·(1 + cos(π·e/T))/2, T = epochs
//                                                    (default: fit's epochs)       (Loshchilov & Hutter 2017, no restarts)
//   { type: 'plateau', factor = 0.1, patience = 10, minDelta = 1e-4, minLearningRate = 0 }
//     multiplies η by factor after `patience` epochs without the monitored loss (validation loss when
//     there is validation data, else training loss) improving by minDelta (Keras ReduceLROnPlateau).

import { OptionError, checkNumber, unknownName, shown } from '../errors.js';

export type ScheduleSpec =
  | 'constant'
  | { type: 'constant' }
  | { type: 'step'; stepSize: number; gamma?: number }
  | { type: 'exponential'; gamma: number }
  | { type: 'cosine'; epochs?: number; minLearningRate?: number }
  | { type: 'plateau'; factor?: number; patience?: number; minDelta?: number; minLearningRate?: number };

export const scheduleTypes = ['constant', 'step', 'exponential', 'cosine', 'plateau'];

/** A plateau schedule's running state (plain JSON, for checkpoints). */
export interface ScheduleState {
  factor: number;
  best: number | null;
  wait: number;
}

export class LearningRateSchedule {
  readonly type: string;
  readonly #spec: Record<string, number>;
  #factor = 1; // plateau: product of the reductions so far
  #best = Infinity;
  #wait = 0;

  constructor(
    spec: ScheduleSpec | undefined,
    readonly baseLearningRate: number,
    readonly epochs: number,
    readonly warmup = 0,
  ) {
    checkNumber('warmup', warmup, { integer: true, min: 0 });
    const s = spec === undefined || spec === 'constant' ? { type: 'constant' } : spec;
    if (typeof s !== 'object' || s === null) {
      throw new OptionError(
        `schedule must be 'constant' or an object such as { type: 'cosine' }, got ${shown(spec)}`,
        'schedule',
      );
    }
    const type = (s as { type?: unknown }).type;
    if (typeof type !== 'string' || !scheduleTypes.includes(type))
      unknownName('schedule type', type, scheduleTypes, 'schedule');
    this.type = type as string;
    const o = s as Record<string, unknown>;
    const allowed: Record<string, string[]> = {
      constant: [],
      step: ['stepSize', 'gamma'],
      exponential: ['gamma'],
      cosine: ['epochs', 'minLearningRate'],
      plateau: ['factor', 'patience', 'minDelta', 'minLearningRate'],
    };
    for (const key of Object.keys(o)) {
      if (key !== 'type' && !allowed[this.type].includes(key))
        unknownName(`${this.type} schedule option`, key, allowed[this.type], 'schedule');
    }
    const p: Record<string, number> = {};
    switch (this.type) {
      case 'step':
        if (o.stepSize === undefined)
          throw new OptionError(
            "a step schedule needs stepSize (epochs between reductions), e.g. { type: 'step', stepSize: 100 }",
            'schedule',
          );
        p.stepSize = checkNumber('schedule.stepSize', o.stepSize, { integer: true, min: 1 });
        p.gamma = checkNumber('schedule.gamma', o.gamma ?? 0.1, { min: 0, exclusiveMin: true, max: 1 });
        break;
      case 'exponential':
        if (o.gamma === undefined)
          throw new OptionError(
            "an exponential schedule needs gamma (the factor per epoch), e.g. { type: 'exponential', gamma: 0.99 }",
            'schedule',
          );
        p.gamma = checkNumber('schedule.gamma', o.gamma, { min: 0, exclusiveMin: true, max: 1 });
        break;
      case 'cosine':
        p.epochs = checkNumber('schedule.epochs', o.epochs ?? epochs, { integer: true, min: 1 });
        p.minLearningRate = checkNumber('schedule.minLearningRate', o.minLearningRate ?? 0, {
          min: 0,
          max: baseLearningRate,
        });
        if (p.epochs < epochs && p.minLearningRate === 0)
          throw new OptionError(
            `schedule.epochs ${p.epochs} < the run's ${epochs}: the learning rate would stay 0 after epoch ${p.epochs}, training nothing; leave schedule.epochs out or set schedule.minLearningRate > 0`,
            'schedule',
          );
        break;
      case 'plateau':
        p.factor = checkNumber('schedule.factor', o.factor ?? 0.1, { min: 0, exclusiveMin: true, max: 1 });
        p.patience = checkNumber('schedule.patience', o.patience ?? 10, { integer: true, min: 0 });
        p.minDelta = checkNumber('schedule.minDelta', o.minDelta ?? 1e-4, { min: 0 });
        p.minLearningRate = checkNumber('schedule.minLearningRate', o.minLearningRate ?? 0, { min: 0 });
        break;
    }
    this.#spec = p;
  }

  /** The learning rate for epoch e (0-based). */
  rate(e: number): number {
    const eta = this.baseLearningRate;
    const p = this.#spec;
    let rate: number;
    switch (this.type) {
      case 'step':
        rate = eta * p.gamma ** Math.floor(e / p.stepSize);
        break;
      case 'exponential':
        rate = eta * p.gamma ** e;
        break;
      case 'cosine': {
        const t = Math.min(e, p.epochs);
        rate = p.minLearningRate + ((eta - p.minLearningRate) * (1 + Math.cos((Math.PI * t) / p.epochs))) / 2;
        break;
      }
      case 'plateau':
        rate = Math.max(eta * this.#factor, Math.min(p.minLearningRate, eta));
        break;
      default:
        rate = eta;
    }
    return e < this.warmup ? (rate * (e + 1)) / this.warmup : rate;
  }

  /** Feeds the epoch's monitored loss (the plateau schedule reacts; the others ignore it). */
  observe(value: number): void {
    if (this.type !== 'plateau') return;
    if (value < this.#best - this.#spec.minDelta) {
      this.#best = value;
      this.#wait = 0;
    } else if (++this.#wait >= this.#spec.patience) {
      this.#factor *= this.#spec.factor;
      this.#wait = 0;
    }
  }

  state(): ScheduleState {
    return { factor: this.#factor, best: Number.isFinite(this.#best) ? this.#best : null, wait: this.#wait };
  }

  setState(state: ScheduleState): void {
    this.#factor = state.factor;
    this.#best = state.best ?? Infinity;
    this.#wait = state.wait;
  }
}
