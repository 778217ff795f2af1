// The loss per epoch, kept in bounded memory for runs of any length: each entry holds the lowest and
// highest loss of `stride` consecutive epochs; when the buffers fill, neighbouring entries merge and
// the stride doubles. So drawing stays O(capacity) per frame and oscillations are never averaged away.

export class LossHistory {
  /** low[i], high[i]: the smallest and largest loss of epochs [i·stride, (i+1)·stride) */
  readonly low: Float64Array;
  readonly high: Float64Array;
  /** epochs per entry: 1, 2, 4, … */
  stride = 1;
  /** epochs recorded */
  epochs = 0;
  /** the latest loss (NaN before any) */
  last = NaN;

  /** capacity: entries kept (even, ≥ 2) */
  constructor(readonly capacity = 1 << 16) {
    if (!Number.isInteger(capacity) || capacity < 2 || capacity % 2 !== 0) {
      throw new RangeError(`LossHistory capacity must be an even integer ≥ 2, got ${capacity}`);
    }
    this.low = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
  }

  /** entries in use, the last one possibly partial (fewer than `stride` epochs) */
  get length(): number {
    return Math.ceil(this.epochs / this.stride);
  }

  push(loss: number): void {
    if (this.epochs === this.capacity * this.stride) this.#merge();
    const i = Math.floor(this.epochs / this.stride);
    if (this.epochs % this.stride === 0) {
      this.low[i] = loss;
      this.high[i] = loss;
    } else {
      if (loss < this.low[i]) this.low[i] = loss;
      if (loss > this.high[i]) this.high[i] = loss;
    }
    this.epochs++;
    this.last = loss;
  }

  /** Halves the entries: entry i becomes the range of entries 2i and 2i+1; the stride doubles. */
  #merge(): void {
    const { low, high } = this;
    for (let i = 0; i < this.capacity / 2; i++) {
      low[i] = Math.min(low[2 * i], low[2 * i + 1]);
      high[i] = Math.max(high[2 * i], high[2 * i + 1]);
    }
    this.stride *= 2;
  }
}

/**
 * A value sampled now and then (the test loss, at each snapshot), as (epoch, value) pairs in bounded
 * memory: when full, every other sample is dropped (the first and the latest stay), so a long run
 * keeps samples spread over all of it. A sample at the epoch of the previous one replaces it.
 */
export class SampledHistory {
  /** epochs[i], values[i]: the i-th sample kept, epochs increasing */
  readonly epochs: Float64Array;
  readonly values: Float64Array;
  length = 0;

  /** capacity: samples kept (≥ 4) */
  constructor(readonly capacity = 2048) {
    if (!Number.isInteger(capacity) || capacity < 4)
      throw new RangeError(`SampledHistory capacity must be an integer ≥ 4, got ${capacity}`);
    this.epochs = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  push(epoch: number, value: number): void {
    if (this.length > 0 && this.epochs[this.length - 1] === epoch) this.length--;
    if (this.length === this.capacity) this.#thin();
    this.epochs[this.length] = epoch;
    this.values[this.length] = value;
    this.length++;
  }

  /** Keeps samples 0, 2, 4, … and the last one. */
  #thin(): void {
    const last = this.length - 1;
    let kept = 0;
    for (let i = 0; i < last; i += 2) {
      this.epochs[kept] = this.epochs[i];
      this.values[kept++] = this.values[i];
    }
    this.epochs[kept] = this.epochs[last];
    this.values[kept++] = this.values[last];
    this.length = kept;
  }
}
