// Seeded pseudo-random numbers: the only source of randomness in scratchnet.
// Passed explicitly (never a global), so the same seed gives a bit-identical run.
// Generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, from PractRand),
// seeded through splitmix32 so that nearby seeds give unrelated streams.

import { OptionError, checkNumber, shown } from './errors.js';

export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spare = NaN; // second value of the last Box–Muller pair

  constructor(readonly seed: number = 42) {
    checkNumber('seed', seed, { integer: true, min: 0, max: 2 ** 53 });
    // splitmix32 over the low and high 32 bits of the seed
    let s = (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.uint32() >>> 5; // 27 bits
    const lo = this.uint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform double in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.next();
  }

  /** A standard normal deviate (Box–Muller, both values of each pair used). */
  normal(mean = 0, std = 1): number {
    if (!Number.isNaN(this.#spare)) {
      const z = this.#spare;
      this.#spare = NaN;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }

  /** The generator's full state as plain numbers (for checkpoints); setState(state()) resumes the stream exactly. */
  state(): number[] {
    return [this.#a, this.#b, this.#c, this.#d, this.#spare];
  }

  /** Restores a state written by state(). */
  setState(state: readonly number[]): this {
    if (!Array.isArray(state) || state.length !== 5 || !state.slice(0, 4).every((v) => Number.isInteger(v))) {
      throw new OptionError(
        `a Random state is 5 numbers written by state(), got ${shown(state)}`,
        'randomState',
      );
    }
    [this.#a, this.#b, this.#c, this.#d] = state.map((v) => v | 0);
    this.#spare = state[4] === null ? NaN : state[4];
    return this;
  }

  /** A new generator whose stream depends only on this one's next draw. */
  fork(): Random {
    return new Random(this.uint32() * 2048 + (this.uint32() >>> 21));
  }
}
