// A whole [1, H, 1] network on the WebAssembly kernels of wasm/pair.ts: forward in one call,
// backward (both layers' weight and bias gradients) in another, the loss between them left to the
// caller. Results are bit-identical to the two layers' own kernels (dense-wasm.ts) and so to the
// reference loops. Used only when the parameters and their gradients are resident (a network's
// flat buffers in a shared kernel memory: kernels/resident.ts); otherwise the caller keeps the
// layer-by-layer path. Shape legend: N rows, H hidden units.

import type { Matrix } from '../matrix.js';
import { activeRuntime } from './backend.js';
import type { FloatArray } from './matmul.js';
import { type Epilogue, kernelNames } from './names.js';
import { RecentSizes } from './recent-sizes.js';
import type { WasmRuntime } from './wasm/runtime.js';

type Kernel = (...args: number[]) => void;

/** The two layers' parameters (w₁[H], b₁[H], w₂[H], b₂[1]) or their gradients, in that order. */
export interface PairParameters {
  readonly w1: FloatArray;
  readonly b1: FloatArray;
  readonly w2: FloatArray;
  readonly b2: FloatArray;
}

/**
 * The buffers for one batch size: x copied in (when it lives outside the kernels' memory), y, dY,
 * and the hidden values h [N×H] forward keeps for backward (float64; 0 in float32).
 */
interface Workspace {
  readonly rows: number;
  readonly x: number;
  readonly y: number;
  readonly dY: number;
  readonly h: number;
  readonly views: { x: FloatArray; y: Matrix; dY: Matrix };
}

/** Frees the blocks of collected pairs (dispose() frees them at once). */
const released = new FinalizationRegistry<{ rt: WasmRuntime; blocks: number[] }>(({ rt, blocks }) => {
  for (const b of blocks) rt.release(b);
});

export class WasmDensePair {
  readonly #forwardKernel: Kernel;
  readonly #backwardKernel: Kernel;
  readonly #size: number;
  readonly #workspaces: RecentSizes<Workspace>;
  readonly #holdings: { rt: WasmRuntime; blocks: number[] };
  /** the last forward pass: its workspace and where x was */
  #work: Workspace | null = null;
  #xAt = 0;
  readonly #alpha: number;
  readonly #units: number;

  private constructor(
    readonly rt: WasmRuntime,
    dtype: 'float32' | 'float64',
    hidden: Epilogue,
    alpha: number,
    units: number,
  ) {
    this.#alpha = alpha;
    this.#units = units;
    const p = dtype === 'float32' ? 'f32' : 'f64';
    this.#forwardKernel = rt.kernels[kernelNames.densePairForward(p, hidden)];
    this.#backwardKernel = rt.kernels[kernelNames.densePairBackward(p, hidden)];
    this.#size = dtype === 'float32' ? 4 : 8;
    this.#holdings = { rt, blocks: [] };
    released.register(this, this.#holdings, this.#holdings);
    this.#workspaces = new RecentSizes(
      (rows) => this.#makeWorkspace(rows),
      (dropped) => this.#releaseBlocks([dropped.x, dropped.y, dropped.dY, dropped.h].filter((b) => b > 0)),
    );
  }

  /**
   * The pair's kernels on the active runtime: `current` when it runs there, else new ones; null
   * while the WebAssembly kernels are not the backend.
   */
  static on(
    current: WasmDensePair | null,
    dtype: 'float32' | 'float64',
    hidden: Epilogue,
    alpha: number,
    units: number,
  ): WasmDensePair | null {
    const rt = activeRuntime();
    if (!rt) return null;
    return current && current.rt === rt ? current : new WasmDensePair(rt, dtype, hidden, alpha, units);
  }

  /**
   * y[N×1] = b₂ + f(x·w₁ + b₁)·w₂ for x[N×1], a view in the kernels' memory valid until the next
   * forward with as many rows; null when a parameter is not resident or the memory cannot hold
   * the batch (the caller takes the layers' path).
   */
  forward(x: Matrix, params: PairParameters): Matrix | null {
    const rt = this.rt;
    const w1 = rt.addressOf(params.w1);
    const b1 = rt.addressOf(params.b1);
    const w2 = rt.addressOf(params.w2);
    const b2 = rt.addressOf(params.b2);
    if (w1 < 0 || b1 < 0 || w2 < 0 || b2 < 0) return null;
    let w: Workspace;
    try {
      w = this.#workspaces.get(x.rows);
    } catch {
      return null;
    }
    let xAt = rt.addressOf(x.data);
    if (xAt < 0) {
      w.views.x.set(x.data);
      xAt = w.x;
    }
    this.#forwardKernel(w.y, w.h, xAt, w1, b1, w2, b2, x.rows, this.#units, this.#alpha);
    this.#work = w;
    this.#xAt = xAt;
    return w.views.y;
  }

  /** Where the caller writes dY = ∂loss/∂y [N×1] for backward (the kernels' memory). */
  dPrediction(): Matrix {
    return this.#lastWork().views.dY;
  }

  /**
   * From dY (written into dPrediction()) and the parameters of the last forward: writes ∂loss/∂
   * of every parameter into `grads` (resident buffers). Returns false, writing nothing, when a
   * gradient buffer is not resident.
   */
  backward(params: PairParameters, grads: PairParameters): boolean {
    const w = this.#lastWork();
    const rt = this.rt;
    const dW1 = rt.addressOf(grads.w1);
    const dB1 = rt.addressOf(grads.b1);
    const dW2 = rt.addressOf(grads.w2);
    const dB2 = rt.addressOf(grads.b2);
    const w1 = rt.addressOf(params.w1);
    const b1 = rt.addressOf(params.b1);
    const w2 = rt.addressOf(params.w2);
    if (dW1 < 0 || dB1 < 0 || dW2 < 0 || dB2 < 0 || w1 < 0 || b1 < 0 || w2 < 0) return false;
    this.#backwardKernel(
      dW1,
      dB1,
      dW2,
      dB2,
      w.dY,
      w.h,
      this.#xAt,
      w1,
      b1,
      w2,
      w.rows,
      this.#units,
      this.#alpha,
    );
    return true;
  }

  /** Frees every block now (this object is not used again). */
  dispose(): void {
    released.unregister(this.#holdings);
    this.#releaseBlocks([...this.#holdings.blocks]);
    this.#work = null;
  }

  #lastWork(): Workspace {
    if (!this.#work) throw new Error('the pair kernels need a forward pass first');
    return this.#work;
  }

  #makeWorkspace(rows: number): Workspace {
    const rt = this.rt;
    const blocks = this.#holdings.blocks;
    const allocate = (count: number) => {
      const at = rt.allocate(count * this.#size);
      blocks.push(at);
      return at;
    };
    const [x, y, dY] = [0, 1, 2].map(() => allocate(rows));
    const h = this.#size === 8 ? allocate(rows * this.#units) : 0;
    const view = (at: number) => (this.#size === 4 ? rt.f32(at, rows) : rt.f64(at, rows));
    return {
      rows,
      x,
      y,
      dY,
      h,
      views: { x: view(x), y: { rows, cols: 1, data: view(y) }, dY: { rows, cols: 1, data: view(dY) } },
    };
  }

  #releaseBlocks(blocks: readonly number[]): void {
    const kept = this.#holdings.blocks;
    for (const b of blocks) {
      this.rt.release(b);
      kept.splice(kept.indexOf(b), 1);
    }
  }
}
