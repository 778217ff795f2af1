// Long-lived buffers inside the WebAssembly kernels' memory: a network's parameters and gradients,
// an optimizer's moments. The kernels read and write them in place, so a training step copies
// nothing in or out. Not the per-batch workspaces (dense-wasm.ts keeps those).
//
// Only in a shared memory (Node; browsers with cross-origin isolation): its growth never detaches a
// view, so the typed arrays handed out here stay valid for their whole life. An ordinary memory's
// growth detaches every view, including ones already passed down a call (the parameters an
// optimizer step received before allocating its moments), so there `residentBlock` returns null and
// the owner keeps ordinary typed arrays, copied in and out by the kernels each step as before.
//
// Freed by `release()` (a network's dispose()), or when every owner was collected
// (FinalizationRegistry): the owners are the objects holding views (the network and its layers'
// Parameter objects), so a layer shared with another network keeps the block alive.

import type { DType } from '../matrix.js';
import { activeRuntime } from './backend.js';
import type { FloatArray } from './matmul.js';
import type { WasmRuntime } from './wasm/runtime.js';

/** One block of the kernels' memory; `release()` frees it once (later calls do nothing). */
export class ResidentBlock {
  #freed = false;
  /** the fallback's registration, dropped by release() */
  #holdings: { block: ResidentBlock; owners: number } | null = null;

  constructor(
    readonly rt: WasmRuntime,
    /** byte address */
    readonly address: number,
    readonly bytes: number,
  ) {}

  get released(): boolean {
    return this.#freed;
  }

  /** A view of `length` elements starting `offset` elements into the block. */
  view(dtype: DType, offset: number, length: number): FloatArray {
    const size = dtype === 'float32' ? 4 : 8;
    if ((offset + length) * size > this.bytes) throw new RangeError('view beyond the resident block');
    const at = this.address + offset * size;
    return dtype === 'float32' ? this.rt.f32(at, length) : this.rt.f64(at, length);
  }

  /** Whether `a` views this block (and it is not released). */
  holds(a: FloatArray): boolean {
    const at = this.#freed ? -1 : this.rt.addressOf(a);
    return at >= this.address && at < this.address + this.bytes;
  }

  release(): void {
    if (this.#freed) return;
    this.#freed = true;
    this.rt.release(this.address);
    if (this.#holdings) collected.unregister(this.#holdings);
    this.#holdings = null;
  }

  /** Frees this block once every one of `owners` has been collected (unless released before). */
  releaseWhenCollected(owners: readonly object[]): void {
    const holdings = { block: this as ResidentBlock, owners: owners.length };
    this.#holdings = holdings;
    for (const owner of owners) collected.register(owner, holdings, holdings);
  }
}

/** The fallback: frees a block once its last owner is collected. */
const collected = new FinalizationRegistry<{ block: ResidentBlock; owners: number }>((h) => {
  if (--h.owners === 0) h.block.release();
});

/**
 * A zeroed block of `bytes` in the kernels' memory, or null when there is none to use: the reference
 * kernels are the backend, the WebAssembly ones are not compiled yet, the memory is not shared, or
 * it cannot grow that far (2 GiB).
 */
export function residentBlock(bytes: number): ResidentBlock | null {
  const rt = activeRuntime();
  if (!rt || !rt.shared) return null;
  let address: number;
  try {
    address = rt.allocate(bytes);
  } catch {
    return null;
  }
  new Uint8Array(rt.buffer, address, bytes).fill(0);
  return new ResidentBlock(rt, address, bytes);
}

/** Whether `a` lives in the kernels' memory while they are the backend (the kernels then work on it in place). */
export function isResident(a: FloatArray): boolean {
  const rt = activeRuntime();
  return rt !== null && rt.addressOf(a) >= 0;
}

/**
 * A copy of `values` in the kernels' memory, freed by the block's release() or once `owner` is
 * collected; null where residentBlock gives none.
 */
export function residentCopy(
  values: Float64Array,
  owner: object,
): { view: Float64Array; block: ResidentBlock } | null {
  const block = residentBlock(values.length * 8);
  if (!block) return null;
  const view = block.view('float64', 0, values.length) as Float64Array;
  view.set(values);
  block.releaseWhenCollected([owner]);
  return { view, block };
}
