// The WebAssembly side at run time: one module (emitted by generate.ts on first use), one memory, and a
// small allocator for the buffers that live in it. No .wasm file: the bytes are made here.
//
// Emitted and compiled on first use (wasmRuntime(), or awaiting wasmReady); Node compiles it
// synchronously then. Browsers refuse synchronous compilation of
// modules over 4 KB on the main thread, so there the compile falls back to an asynchronous one and
// the JavaScript kernels run until `wasmReady` resolves. SIMD128 is validated by Node 20 and current
// browsers without flags; where it is missing, compilation fails and the JavaScript kernels stay.
//
// Several threads may share one memory (the data-parallel trainer's workers: sharedKernels() on the
// calling thread, joinKernels() in a worker before its first use of the kernels). Each thread then
// runs its own instance of the same module over that memory, with its own allocator (free list,
// `sizes`) for its own blocks; fresh space comes from one bump pointer kept in the memory itself
// (TOP, changed only through Atomics), and the memory grows only under a lock (LOCK) held by one
// thread at a time. A joining thread takes its space from TOP in arenas (at least ARENA_BYTES), never
// gives any back to TOP, and reports each arena (joinKernels' onArena): the thread that made the
// memory takes them back (reclaim) once that thread is done with them. A growth never detaches a
// shared memory's views; a thread that meets an address past the end of the buffer it knows
// re-reads memory.buffer (see `covering`).

import { activationKernels } from './activations.js';
import { encodeModule } from './encoder.js';
import { fusedKernels } from './fused.js';
import { allKernels } from './generate.js';
import { pairKernels } from './pair.js';
import { reduceKernels } from './reduce.js';
import { stepKernels } from './steps.js';

/** The raw exports: every pointer a byte address in `memory`, every size in elements. */
export interface KernelExports {
  [name: string]: (...args: number[]) => void;
}

const PAGE = 65536;
const ALIGN = 16;
/**
 * A shared memory's first 16 bytes (never handed out: address 0 means "no buffer" to the kernels) as
 * Uint32 slots: TOP, the end of the space every thread has taken, and LOCK, 1 while a thread grows
 * the memory.
 */
const TOP = 1;
const LOCK = 2;
/** A joining thread's smallest arena; each next one twice the last, up to ARENA_MAX_BYTES (or the block asked for). */
const ARENA_BYTES = 1 << 20;
const ARENA_MAX_BYTES = 1 << 26;

/** A first-fit allocator over the module's memory, with coalescing free. */
export class WasmRuntime {
  /** TOP and LOCK (see the header): in a shared memory's first bytes, else this thread's own */
  readonly #slots: Uint32Array;
  /** a joining thread's arenas taken so far (see the header) */
  #arenas = 0;
  readonly #free: { ptr: number; size: number }[] = [];
  readonly #sizes = new Map<number, number>();
  /** every buffer object a shared memory has shown (each growth makes a new one) */
  readonly #earlier = new Set<ArrayBufferLike>();
  /**
   * memory.buffer, kept: the getter costs about as much as a small kernel call (a shared memory's
   * makes a SharedArrayBuffer object), and only `allocate` grows this memory.
   */
  #current: ArrayBufferLike;
  readonly #onArena: ((address: number, bytes: number) => void) | null;

  /**
   * @param shared whether the memory is shared: then views survive a growth and `allocate`d
   *   buffers may be kept. (Chromium without cross-origin isolation makes shared memories while
   *   hiding the SharedArrayBuffer global, so this is known from how the memory was made.)
   */
  constructor(
    readonly memory: WebAssembly.Memory,
    readonly kernels: KernelExports,
    readonly shared: boolean,
    /** a joining thread's report of each arena it takes (see the header); null: this thread made the memory */
    onArena: ((address: number, bytes: number) => void) | null = null,
  ) {
    this.#onArena = onArena;
    this.#current = memory.buffer;
    if (this.shared) this.#earlier.add(this.#current);
    this.#slots = shared ? new Uint32Array(this.#current, 0, ALIGN / 4) : new Uint32Array(ALIGN / 4);
    // address 0 stays unused: 0 means "no buffer" to the kernels
    if (!onArena) Atomics.store(this.#slots, TOP, ALIGN);
  }

  /** The memory's buffer now (a new object after each growth). */
  get buffer(): ArrayBufferLike {
    return this.#current;
  }

  /** Bytes currently allocated (for tests and leak checks). */
  get allocatedBytes(): number {
    let n = 0;
    for (const s of this.#sizes.values()) n += s;
    return n;
  }

  /** Reserves `bytes` (rounded up to 16) and returns the address. May grow memory, which detaches old views. */
  allocate(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.#free.length; i++) {
      const b = this.#free[i];
      if (b.size < size) continue;
      const ptr = b.ptr;
      if (b.size === size) this.#free.splice(i, 1);
      else {
        b.ptr += size;
        b.size -= size;
      }
      this.#sizes.set(ptr, size);
      return ptr;
    }
    let ptr: number;
    if (this.#onArena) {
      // a new arena: this block at its start, the rest free for the next ones
      const arena = Math.max(size, Math.min(ARENA_BYTES * 2 ** this.#arenas, ARENA_MAX_BYTES));
      ptr = this.#take(this.#slots, arena);
      this.#arenas++;
      this.#onArena(ptr, arena);
      if (arena > size) this.reclaim(ptr + size, arena - size);
    } else ptr = this.#take(this.#slots, size);
    this.#sizes.set(ptr, size);
    return ptr;
  }

  /** `size` fresh bytes from TOP (growing the memory as needed); their address. */
  #take(slots: Uint32Array, size: number): number {
    const ptr = Atomics.add(slots, TOP, size);
    try {
      this.#growTo(ptr + size); // a RangeError past the 2 GiB limit
    } catch (e) {
      Atomics.compareExchange(slots, TOP, ptr + size, ptr); // unless another thread took space above
      throw e;
    }
    return ptr;
  }

  /**
   * Makes `bytes` at `address`, which no thread uses any more, free space of this thread: a joining
   * thread's arena, taken back by the thread that made the memory once the other is done.
   */
  reclaim(address: number, bytes: number): void {
    this.#sizes.set(address, bytes);
    this.release(address);
  }

  /**
   * Grows the memory to at least `end` bytes (at least doubling: few growths, few detached views of
   * an unshared memory). A shared memory grows under LOCK, after a second look at its size: another
   * thread may have grown it meanwhile.
   */
  #growTo(end: number): void {
    if (end <= this.#covering(end).byteLength) return;
    const slots = this.#slots;
    // LOCK, tried LOCK_SPINS times at most (see LOCK_SPINS)
    for (let i = 0; i < LOCK_SPINS && Atomics.compareExchange(slots, LOCK, 0, 1) !== 0; i++);
    try {
      const have = this.memory.buffer.byteLength;
      if (end > have) {
        const need = Math.ceil((end - have) / PAGE);
        this.memory.grow(Math.min(Math.max(need, have / PAGE), Math.max(need, SHARED_MAXIMUM - have / PAGE)));
      }
    } finally {
      Atomics.store(slots, LOCK, 0);
    }
    this.#refresh();
  }

  /** memory.buffer, re-read (a new object after a growth; a shared memory's earlier ones stay valid views of its start). */
  #refresh(): void {
    const buffer = this.memory.buffer;
    if (buffer.byteLength === this.#current.byteLength) return;
    this.#current = buffer;
    if (this.shared) this.#earlier.add(buffer);
  }

  /**
   * The buffer to view bytes up to `end` through: the one kept, or, when another thread of a shared
   * memory has grown it past that one's end, memory.buffer re-read.
   */
  #covering(end: number): ArrayBufferLike {
    if (end > this.#current.byteLength) this.#refresh();
    return this.#current;
  }

  release(ptr: number): void {
    const size = this.#sizes.get(ptr);
    if (size === undefined) return;
    this.#sizes.delete(ptr);
    let i = 0;
    while (i < this.#free.length && this.#free[i].ptr < ptr) i++;
    this.#free.splice(i, 0, { ptr, size });
    // merge with the next, then with the previous block
    const next = this.#free[i + 1];
    if (next && ptr + size === next.ptr) {
      this.#free[i].size += next.size;
      this.#free.splice(i + 1, 1);
    }
    const prev = this.#free[i - 1];
    if (prev && prev.ptr + prev.size === ptr) {
      prev.size += this.#free[i].size;
      this.#free.splice(i, 1);
    }
    const last = this.#free[this.#free.length - 1];
    if (!last || this.#onArena) return; // a joining thread keeps its arenas
    const end = last.ptr + last.size;
    // the space at the top goes back to every thread, unless another took space above it meanwhile
    if (Atomics.compareExchange(this.#slots, TOP, end, last.ptr) === end) this.#free.pop();
  }

  /** The address of a typed array inside this memory, or -1 when it lives elsewhere. */
  addressOf(a: Float64Array | Float32Array): number {
    if (a.buffer === this.#current || this.#earlier.has(a.buffer)) return a.byteOffset;
    return -1;
  }

  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.#covering(ptr + length * 8), ptr, length);
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.#covering(ptr + length * 4), ptr, length);
  }
}

/**
 * How many times a thread tries to take LOCK (held for one memory.grow only) before it grows the
 * memory without it (about a second): a thread terminated while holding it (a worker stopped
 * mid-growth after a timeout) would hold it for ever. memory.grow is atomic anyway; the lock only
 * spares growing twice for one need.
 */
const LOCK_SPINS = 1e8;

let runtime: WasmRuntime | null = null;
let failure: string | null = null;
/** the compiled module (sharedKernels hands it to the threads that join this memory) */
let compiled: WebAssembly.Module | null = null;

/** The memory's limit when shared (2 GiB): a shared memory must declare one. */
const SHARED_MAXIMUM = 32768;

/**
 * A shared memory where allowed (Node; browsers with cross-origin isolation): growing it never
 * detaches existing views, so buffers handed out by `allocate` stay valid and workers can share it.
 * Elsewhere an ordinary memory, whose views the layers re-make after a growth.
 */
function makeMemory(): { memory: WebAssembly.Memory; shared: boolean } {
  try {
    return {
      memory: new WebAssembly.Memory({ initial: 64, maximum: SHARED_MAXIMUM, shared: true }),
      shared: true,
    };
  } catch {
    return { memory: new WebAssembly.Memory({ initial: 64 }), shared: false };
  }
}

function start(): Promise<boolean> {
  if (typeof WebAssembly !== 'object') {
    failure = 'WebAssembly is not available';
    return Promise.resolve(false);
  }
  let memory: WebAssembly.Memory;
  let shared: boolean;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    ({ memory, shared } = makeMemory());
    bytes = encodeModule(
      [
        ...allKernels(),
        ...fusedKernels(),
        ...pairKernels(),
        ...activationKernels(),
        ...stepKernels(),
        ...reduceKernels(),
      ],
      shared ? SHARED_MAXIMUM : 0,
    );
  } catch (e) {
    failure = `could not emit the kernels: ${(e as Error).message}`;
    return Promise.resolve(false);
  }
  const instantiate = (module: WebAssembly.Module) => {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    runtime = new WasmRuntime(memory, instance.exports as unknown as KernelExports, shared);
    compiled = module;
  };
  try {
    instantiate(new WebAssembly.Module(bytes));
    return Promise.resolve(true);
  } catch {
    // a browser main thread refuses large synchronous compiles: try asynchronously
  }
  return WebAssembly.compile(bytes)
    .then((module) => {
      instantiate(module);
      return true;
    })
    .then(
      (ok) => ok,
      (e: Error) => {
        failure = `WebAssembly SIMD128 kernels failed to compile: ${e.message}`;
        return false;
      },
    );
}

/**
 * The kernels are emitted and compiled on first use, not at import: a program that never trains or
 * predicts (a CLI command refusing a bad file, --help) does not pay their ~30 MB of compilation.
 */
let started: Promise<boolean> | null = null;
function ensureStarted(): Promise<boolean> {
  started ??= start();
  return started;
}

/**
 * Resolves to true once the WebAssembly kernels are usable (false when this runtime cannot run them);
 * awaiting it starts their compilation if nothing has yet.
 */
export const wasmReady: PromiseLike<boolean> = {
  // biome-ignore lint/suspicious/noThenProperty: a lazily started promise
  then: (onFulfilled, onRejected) => ensureStarted().then(onFulfilled, onRejected),
};

/** The runtime, or null while compiling / when unavailable (the first call starts the compilation). */
export function wasmRuntime(): WasmRuntime | null {
  if (!started) void ensureStarted();
  return runtime;
}

/** Why the WebAssembly kernels are unavailable (null when they are available or still compiling). */
export function wasmFailure(): string | null {
  if (!started) void ensureStarted();
  return failure;
}

/** What another thread needs to run these kernels on this thread's memory (joinKernels). */
export interface SharedKernels {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
}

/** This thread's kernels when their memory is shared (another thread may join it), else null. */
export function sharedKernels(): SharedKernels | null {
  const rt = wasmRuntime();
  return rt?.shared && compiled ? { memory: rt.memory, module: compiled } : null;
}

/**
 * Makes this thread's kernels another instance of `kernels.module` over `kernels.memory` (another
 * thread's, from sharedKernels), with its own allocator for its own blocks (see the header); before
 * any use of the kernels in this thread. `onArena` hears of each arena this thread takes: the other
 * thread reclaims them once this one is done.
 */
export function joinKernels(kernels: SharedKernels, onArena: (address: number, bytes: number) => void): void {
  if (started !== null) throw new Error('joinKernels: this thread has used its own kernels already');
  const instance = new WebAssembly.Instance(kernels.module, { env: { memory: kernels.memory } });
  runtime = new WasmRuntime(kernels.memory, instance.exports as unknown as KernelExports, true, onArena);
  compiled = kernels.module;
  started = Promise.resolve(true);
}
