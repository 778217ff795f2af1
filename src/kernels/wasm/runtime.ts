// The WebAssembly side at run time: one module (emitted by generate.ts on first use), one memory, and a
// small allocator for the buffers that live in it. No .wasm file: the bytes are made here.
//
// Emitted and compiled on first use (wasmRuntime(), or awaiting wasmReady); Node compiles it
// synchronously then. Browsers refuse synchronous compilation of
// modules over 4 KB on the main thread, so there the compile falls back to an asynchronous one and
// the JavaScript kernels run until `wasmReady` resolves. SIMD128 is validated by Node 20 and current
// browsers without flags; where it is missing, compilation fails and the JavaScript kernels stay.

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

/** A first-fit allocator over the module's memory, with coalescing free. */
export class WasmRuntime {
  private top = ALIGN; // address 0 stays unused: 0 means "no buffer" to the kernels
  private readonly free: { ptr: number; size: number }[] = [];
  private readonly sizes = new Map<number, number>();
  /** every buffer object a shared memory has shown (each growth makes a new one) */
  private readonly earlier = new Set<ArrayBufferLike>();
  /**
   * memory.buffer, kept: the getter costs about as much as a small kernel call (a shared memory's
   * makes a SharedArrayBuffer object), and only `allocate` grows this memory.
   */
  private current: ArrayBufferLike;

  /**
   * @param shared whether the memory is shared: then views survive a growth and `allocate`d
   *   buffers may be kept. (Chromium without cross-origin isolation makes shared memories while
   *   hiding the SharedArrayBuffer global, so this is known from how the memory was made.)
   */
  constructor(
    readonly memory: WebAssembly.Memory,
    readonly kernels: KernelExports,
    readonly shared: boolean,
  ) {
    this.current = memory.buffer;
    if (this.shared) this.earlier.add(this.current);
  }

  /** The memory's buffer now (a new object after each growth). */
  get buffer(): ArrayBufferLike {
    return this.current;
  }

  /** Bytes currently allocated (for tests and leak checks). */
  get allocatedBytes(): number {
    let n = 0;
    for (const s of this.sizes.values()) n += s;
    return n;
  }

  /** Reserves `bytes` (rounded up to 16) and returns the address. May grow memory, which detaches old views. */
  allocate(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i];
      if (b.size < size) continue;
      const ptr = b.ptr;
      if (b.size === size) this.free.splice(i, 1);
      else {
        b.ptr += size;
        b.size -= size;
      }
      this.sizes.set(ptr, size);
      return ptr;
    }
    const ptr = this.top;
    this.top += size;
    const have = this.memory.buffer.byteLength;
    if (this.top > have) {
      const need = Math.ceil((this.top - have) / PAGE);
      // at least double: few growths, few detached views
      this.memory.grow(Math.min(Math.max(need, have / PAGE), Math.max(need, SHARED_MAXIMUM - have / PAGE)));
      this.current = this.memory.buffer;
      // a shared memory's earlier buffers stay valid views of its start
      if (this.shared) this.earlier.add(this.current);
    }
    this.sizes.set(ptr, size);
    return ptr;
  }

  release(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) return;
    this.sizes.delete(ptr);
    let i = 0;
    while (i < this.free.length && this.free[i].ptr < ptr) i++;
    this.free.splice(i, 0, { ptr, size });
    // merge with the next, then with the previous block
    const next = this.free[i + 1];
    if (next && ptr + size === next.ptr) {
      this.free[i].size += next.size;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    if (prev && prev.ptr + prev.size === ptr) {
      prev.size += this.free[i].size;
      this.free.splice(i, 1);
    }
    const last = this.free[this.free.length - 1];
    if (last && last.ptr + last.size === this.top) {
      this.top = last.ptr;
      this.free.pop();
    }
  }

  /** The address of a typed array inside this memory, or -1 when it lives elsewhere. */
  addressOf(a: Float64Array | Float32Array): number {
    if (a.buffer === this.current || this.earlier.has(a.buffer)) return a.byteOffset;
    return -1;
  }

  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.current, ptr, length);
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.current, ptr, length);
  }
}

let runtime: WasmRuntime | null = null;
let failure: string | null = null;

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
