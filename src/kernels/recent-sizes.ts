// A cache of per-batch-size buffers that keeps the two most recently used sizes: full batches and
// an epoch's remainder batch alternate without making new buffers, and predict() on ever new row
// counts does not keep a buffer per count (the least recently used one is dropped).

export class RecentSizes<T extends { readonly rows: number }> {
  #recent: T | null = null;
  #older: T | null = null;
  readonly #make: (rows: number) => T;
  readonly #drop: ((dropped: T) => void) | undefined;

  /**
   * @param make the buffers for a batch of `rows` rows
   * @param drop called on the buffers being dropped, before `make` (e.g. to release memory it can reuse)
   */
  constructor(make: (rows: number) => T, drop?: (dropped: T) => void) {
    this.#make = make;
    this.#drop = drop;
  }

  /** The buffers for `rows` rows: kept ones when this size is one of the last two, else new ones. */
  get(rows: number): T {
    const recent = this.#recent;
    if (recent !== null && recent.rows === rows) return recent;
    const older = this.#older;
    if (older !== null && older.rows === rows) {
      this.#older = recent;
      this.#recent = older;
      return older;
    }
    if (older !== null && this.#drop) this.#drop(older);
    this.#older = recent;
    this.#recent = null; // (if `make` throws, nothing half-made is kept)
    const made = this.#make(rows);
    this.#recent = made;
    return made;
  }

  /** The kept buffers, the most recent first. */
  kept(): T[] {
    const out: T[] = [];
    if (this.#recent !== null) out.push(this.#recent);
    if (this.#older !== null) out.push(this.#older);
    return out;
  }
}
