// Data-parallel gradients over threads with shared memory (Node: worker_threads is reached through
// process.getBuiltinModule, so importing this module costs browsers nothing and needs no await).
//
// The batch is cut into a fixed number of chunks of consecutive rows. The main thread computes its
// own chunks (0, T, 2T, … for T threads) while T − 1 worker threads compute the others, each into
// its slot of shared memory; the main thread then sums the slots in chunk order, each weighted by
// its share of the rows (parallel-shared.ts: reduceChunks). The sum depends only on the batch and
// the number of chunks, never on the number of threads: with the same `chunks`, 1, 2 or 4 threads
// give bit-identical gradients and weights. Cutting a batch into chunks changes the rounding of the
// sum, so `chunks: 2` is not bit-identical to one unchunked gradient (it agrees to ~1e-15 relative
// in float64; test/perf-parallel.test.ts).
//
// A step: the main thread writes the weights into shared memory (unless the workers read the
// network's own: in Node the workers join the kernels' shared memory and read them in place), bumps
// the generation (Atomics.notify), then writes the workers' rows into that memory — unless the batch
// already lies there (fit's batches with workers), where the workers read their rows in place — and
// computes its own chunks (the first left in net.grads). Once every thread has computed its chunks
// (the computed barrier), all of them sum the chunks, piece by piece (each piece claimed by whichever
// thread comes first, summed over the chunks in chunk order), into net.grads, reading the chunks each
// thread left in its own grads in place; with step(x, y, optimizer) each thread then applies the
// optimizer step to the piece it has just summed (an elementwise optimizer: optim/optimizer.ts
// SplitOptimizer; a worker with its twin, sharing the optimizer's state buffers). Waits poll
// briefly, then block in Atomics.wait. No message is posted per step, nothing is structured-cloned,
// no buffer or view made. Penalties (L2, L1) are added once by the main thread, on the whole batch
// (a network with penalties takes its optimizer step after them, on the main thread).
// (The handoffs in detail: parallel-shared.ts.)

import { OptionError, checkNumber } from '../errors.js';
import { isResident, kernelBackend, sharedKernels, wasmRuntime, type FloatArray } from '../kernels/index.js';
import type { Matrix } from '../matrix.js';
import type { LossTerms, Network } from '../nn/network.js';
import { getOptimizer, twinSpec, type Optimizer, type OptimizerName } from '../optim/index.js';
import {
  CLAIMED,
  COMMAND,
  COMPUTED,
  DONE,
  EXIT,
  FAILURES,
  GENERATION,
  GRADS_AT,
  ARENA_SLOTS,
  MAX_STATE,
  UPDATE,
  UPDATE_RATE,
  UPDATE_SLOTS,
  UPDATE_STATES,
  UPDATE_STATE_AT,
  UPDATE_STEP,
  X_AT,
  Y_AT,
  writeMessage,
  type PieceUpdate,
  MESSAGE_BYTES,
  Poller,
  addPenalties,
  PARAMS_FROM,
  READY,
  ROWS,
  ROWS_READY,
  STEP,
  chunkOwner,
  chunkStart,
  controlSlots,
  floatView,
  kernelFloats,
  planReduction,
  threadGrads,
  readMessage,
  rowsAt,
  releaseKernelFloats,
  sharedBytes,
  sharedFloats,
  sharedView,
  sumClaimedPieces,
  waitAtLeast,
  type DType,
  type ReductionPlan,
  type RowBuffers,
  type WorkerSetup,
} from './parallel-shared.js';

export { chunkStart } from './parallel-shared.js';

export interface DataParallelOptions {
  /** Threads computing gradients, the main thread included (default 2); 1 computes every chunk on the main thread. */
  workers?: number;
  /** Chunks each batch is cut into (default 4). Results depend on it alone: keep it when changing `workers`. */
  chunks?: number;
  /** The largest batch (rows) the shared buffers must hold. */
  maxRows: number;
}

/** How long a step or a start may go without a worker's answer before the trainer gives up. */
const STEP_TIMEOUT_MS = 60_000;
const START_TIMEOUT_MS = 30_000;
const DATA_ONLY = { data: true, penalties: false };

interface WorkerHandle {
  terminate(): Promise<number>;
  unref(): void;
  once(event: 'exit', listener: () => void): void;
}
/** A Worker constructor (node:worker_threads) as startThread calls it (T: what workerData may transfer). */
export type WorkerConstructor<W, T = never> = new (
  url: URL,
  options: { workerData: unknown; execArgv: string[]; transferList?: T[] },
) => W;
/** One end of a MessageChannel, as DataParallel uses it (receiveMessageOnPort reads it synchronously). */
interface Port {
  postMessage(message: unknown): void;
  close(): void;
}
interface ThreadsModule {
  Worker: WorkerConstructor<WorkerHandle, Port>;
  MessageChannel: new () => { port1: Port; port2: Port };
  receiveMessageOnPort(port: Port): { message: unknown } | undefined;
}

/** Options that give Node a script on the command line (each followed by it, or joined by '='). */
const scriptOptions = ['-e', '--eval', '-p', '--print', '-pe', '--input-type'];

/**
 * Options of this process a Worker refused (ERR_WORKER_INVALID_EXEC_ARGV): V8's, such as
 * --experimental-wasm-relaxed-simd or --max-old-space-size, and per-process ones, such as --title.
 * They are process-wide, so they already apply to every worker thread; learned by startThread.
 */
const refusedOptions = new Set<string>();

/**
 * The calling process's Node options for a worker thread, less a script given on the command line: a
 * worker inherits process.execArgv, and under `node -e CODE` it would run CODE again instead of its
 * own file (a fit started there waited 30 s for workers that never started) — and less the options a
 * Worker refused (refusedOptions).
 */
export function workerExecArgv(): string[] {
  const argv = (globalThis as { process?: { execArgv?: string[] } }).process?.execArgv ?? [];
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].split('=')[0];
    if (scriptOptions.includes(name)) {
      if (!argv[i].includes('=')) i++; // its value is the next argument
    } else if (!refusedOptions.has(argv[i])) kept.push(argv[i]);
  }
  return kept;
}

/**
 * The options of `execArgv` a Worker refused, from its ERR_WORKER_INVALID_EXEC_ARGV error ("Initiated
 * Worker with invalid execArgv flags: a, b": Node gives no list but the message); none for another error.
 */
function refusedBy(e: unknown, execArgv: string[]): string[] {
  if ((e as { code?: unknown } | null)?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV') return [];
  const message = (e as Error).message;
  const listed = message.slice(message.indexOf(': ') + 2).split(', ');
  return execArgv.filter((option) => listed.includes(option));
}

/**
 * new Worker(url, { workerData, execArgv: workerExecArgv() }); where the Worker refuses some of those
 * options (V8's and per-process ones, which already apply to the whole process), again without them.
 */
export function startThread<W, T = never>(
  Worker: WorkerConstructor<W, T>,
  url: URL,
  workerData: unknown,
  transferList: T[] = [],
): W {
  for (;;) {
    const execArgv = workerExecArgv();
    try {
      return new Worker(url, { workerData, execArgv, transferList });
    } catch (e) {
      const refused = refusedBy(e, execArgv);
      if (refused.length === 0) throw e;
      for (const option of refused) refusedOptions.add(option);
    }
  }
}

/** node:worker_threads when this runtime has it (Node ≥ 20.16: process.getBuiltinModule), else null. */
export function threadsModule(): ThreadsModule | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  if (typeof SharedArrayBuffer !== 'function' || typeof p?.getBuiltinModule !== 'function') return null;
  return (p.getBuiltinModule('node:worker_threads') as ThreadsModule | undefined) ?? null;
}

/** Worker threads of data-parallel trainers alive in this process (for tests: none may outlive its trainer). */
let liveWorkers = 0;
export function dataParallelWorkers(): number {
  return liveWorkers;
}

/** The shared buffers of one trainer, and the main thread's views of them. */
interface Shared {
  setup: Omit<
    WorkerSetup,
    'network' | 'index' | 'threads' | 'chunks' | 'maxRows' | 'backend' | 'kernels' | 'port'
  >;
  params: FloatArray;
  slots: FloatArray[];
  /** the reduction's target when the workers cannot write net.grads (else unused) */
  sum: FloatArray;
  /** whether the reduction writes net.grads itself (the workers can: it is shared, and treated as the slots are) */
  inPlace: boolean;
  losses: Float64Array;
  /** the step the reduction applies (parallel-shared.ts: UPDATE_*) */
  update: Float64Array;
  /** each worker's x and y (worker w at w − 1: parallel-shared.ts rowsAt), made by it when it starts */
  rows: { x: FloatArray; y: FloatArray }[];
  control: Int32Array;
}

function makeShared(network: Network, threads: number, chunks: number): Shared {
  const { dtype } = network;
  const P = network.params.length;
  const slots = kernelFloats(dtype, chunks * P);
  const sum = kernelFloats(dtype, P);
  const grads = sharedView(network.grads);
  const inPlace = grads !== null && isResident(network.grads) === isResident(slots.view);
  const setup = {
    params: sharedFloats(dtype, P),
    residentParams: sharedView(network.params),
    slots: slots.shared,
    target: inPlace && grads ? grads : sum.shared,
    mainGrads: inPlace ? grads : null,
    losses: sharedBytes(chunks * 8),
    control: sharedBytes(controlSlots(threads) * 4),
    message: sharedBytes(MESSAGE_BYTES),
    update: sharedBytes(UPDATE_SLOTS * 8),
    optimizer: sharedBytes(MESSAGE_BYTES),
    arenas: sharedBytes(Math.max(1, threads - 1) * ARENA_SLOTS * 4),
  };
  return {
    setup,
    params: floatView(dtype, setup.params),
    slots: Array.from({ length: chunks }, (_, c) => slots.view.subarray(c * P, (c + 1) * P)),
    sum: sum.view,
    inPlace,
    losses: new Float64Array(setup.losses),
    update: new Float64Array(setup.update),
    rows: [],
    control: new Int32Array(setup.control),
  };
}

/** The network as the workers rebuild it (dense layers; penalties stay on the main thread). */
function describe(network: Network): unknown {
  try {
    return network.toJSON();
  } catch (e) {
    throw new OptionError(
      `data-parallel training needs a network Network.toJSON can describe: ${(e as Error).message}`,
      'workers',
    );
  }
}

/** Starts threads − 1 workers and blocks until each has built its network and sent its rows' buffers (or one failed). */
function startWorkers(network: Network, threads: number, chunks: number, maxRows: number, shared: Shared) {
  if (threads === 1) return [];
  const module = threadsModule();
  if (!module)
    throw new OptionError(
      `workers: ${threads} needs Node's worker_threads and SharedArrayBuffer (Node ≥ 20.16); use workers: 1`,
      'workers',
    );
  const json = describe(network);
  const backend = kernelBackend();
  const kernels = backend === 'wasm' ? sharedKernels() : null;
  const workers: WorkerHandle[] = [];
  const ports: Port[] = [];
  for (let index = 1; index < threads; index++) {
    const setup = { network: json, index, threads, chunks, maxRows, backend, kernels, ...shared.setup };
    const { worker, port } = startWorker(module, setup);
    workers.push(worker);
    ports.push(port);
  }
  const c = shared.control;
  const started = waitAtLeast(c, READY, threads - 1, START_TIMEOUT_MS);
  const failed = Atomics.load(c, FAILURES) > 0;
  if (started && !failed) {
    // each worker posted its buffers before counting itself READY
    for (const port of ports) shared.rows.push(rowBuffers(module, port, network.dtype));
    return workers;
  }
  for (const port of ports) port.close();
  for (const w of workers) void w.terminate();
  throw new Error(
    failed
      ? `a data-parallel worker failed to start: ${readMessage(shared.setup.message)}`
      : `data-parallel workers did not start within ${START_TIMEOUT_MS / 1000} s`,
  );
}

/** One worker thread, and the calling thread's end of the channel it sends its row buffers through. */
function startWorker(
  module: ThreadsModule,
  setup: Omit<WorkerSetup, 'port'>,
): { worker: WorkerHandle; port: Port } {
  const { port1, port2 } = new module.MessageChannel();
  const workerData: WorkerSetup = { ...setup, port: port2 };
  const url = new URL('./parallel-worker.js', import.meta.url);
  const worker = startThread(module.Worker, url, workerData, [port2]);
  liveWorkers++;
  worker.once('exit', () => liveWorkers--);
  worker.unref(); // a trainer never closed does not keep the process alive
  return { worker, port: port1 };
}

/** A started worker's x and y, as it sent them (then the port is closed). */
function rowBuffers(module: ThreadsModule, port: Port, dtype: DType): { x: FloatArray; y: FloatArray } {
  const sent = module.receiveMessageOnPort(port)?.message as RowBuffers | undefined;
  port.close();
  if (!sent) throw new Error('a data-parallel worker started without sending its row buffers');
  return { x: floatView(dtype, sent.x), y: floatView(dtype, sent.y) };
}

export class DataParallel {
  private readonly shared: Shared;
  private readonly workers: WorkerHandle[];
  private closed = false;
  /** whether every worker is idle once stopped (no step or start left unanswered): its arenas may be reclaimed */
  private idle = true;
  private plan: ReductionPlan | null = null;
  private readonly poller = new Poller();
  /** chunkViews' views, by the batch's x buffer */
  private readonly views = new WeakMap<
    FloatArray,
    { y: FloatArray; rows: number; views: { x: Matrix; y: Matrix }[] }
  >();

  /** Starts the workers (blocking until each has built its copy of the network); see also create(). */
  constructor(
    readonly network: Network,
    options: DataParallelOptions,
  ) {
    this.threads = checkNumber('workers', options.workers ?? 2, { integer: true, min: 1 });
    this.chunks = checkNumber('chunks', options.chunks ?? 4, { integer: true, min: 1 });
    this.maxRows = checkNumber('maxRows', options.maxRows, { integer: true, min: 1 });
    this.shared = makeShared(network, this.threads, this.chunks);
    try {
      this.workers = startWorkers(network, this.threads, this.chunks, this.maxRows, this.shared);
    } catch (e) {
      this.idle = false; // a worker may still be starting
      this.release();
      throw e;
    }
  }

  /** Threads computing gradients, the main thread included. */
  readonly threads: number;
  readonly chunks: number;
  readonly maxRows: number;

  /** The constructor, as a promise (the API of the first version). */
  static async create(network: Network, options: DataParallelOptions): Promise<DataParallel> {
    return new DataParallel(network, options);
  }

  /** Like network.computeGradient(x, y): writes ∂cost/∂params into network.grads and returns the cost. */
  computeGradient(x: Matrix, y: Matrix): number {
    return this.computeTerms(x, y).total;
  }

  /** The cost by terms (as network.computeGradient returns them), the data part computed chunk by chunk. */
  computeTerms(x: Matrix, y: Matrix): LossTerms {
    return this.run(x, y, null);
  }

  /**
   * One optimizer step on a batch: computeTerms(x, y), then optimizer.step(network.params,
   * network.grads), with the same bits. Where the step splits (sgd, momentum, nesterov, adam and
   * adamw, as getOptimizer makes them: optim/optimizer.ts SplitOptimizer), the network has no
   * penalties (they enter the gradient after the reduction) and every thread reads the weights in
   * place, each thread steps the pieces of the reduction it sums, while they are in its cache — not
   * the calling thread all the weights after, reading the gradient back from the other cores. Returns
   * the cost by terms, at the weights before the step.
   */
  step(x: Matrix, y: Matrix, optimizer: Optimizer): LossTerms {
    const net = this.network;
    const update = this.pieceUpdate(optimizer);
    if (!update) {
      const terms = this.computeTerms(x, y);
      optimizer.step(net.params, net.grads);
      return terms;
    }
    update.optimizer.beginStep(net.params);
    if (!this.publish(update)) {
      // its state did not move into the kernels' shared memory: the whole step on this thread
      const terms = this.computeTerms(x, y);
      update.optimizer.updateRange(net.params, net.grads, 0, net.params.length);
      return terms;
    }
    return this.run(x, y, update);
  }

  /** The threads' step of `optimizer`, when the reduction can apply it (see step), else null. */
  private pieceUpdate(optimizer: Optimizer): PieceUpdate | null {
    const net = this.network;
    const spec = twinSpec(optimizer);
    if (!spec || net.regularizers.length > 0 || !this.shared.inPlace) return null;
    if (this.threads > 1 && !this.workersReadWeights()) return null;
    if (this.update?.optimizer !== spec.optimizer) {
      this.update = { optimizer: spec.optimizer, params: net.params, grads: net.grads };
      this.version++;
      writeMessage(this.shared.setup.optimizer, JSON.stringify({ name: spec.name, options: spec.options }));
    }
    return this.update;
  }

  /** the step pieceUpdate last made, and its version (UPDATE) */
  private update: PieceUpdate | null = null;
  private version = 0;

  /**
   * Writes this step's figures (the learning rate, the count, where the state lives) for the workers
   * (parallel-shared.ts: UPDATE_*); false where the state is not in the kernels' shared memory.
   */
  private publish(update: PieceUpdate): boolean {
    if (this.threads === 1) return true;
    const u = this.shared.update;
    const rt = wasmRuntime();
    const states = update.optimizer.stateViews();
    if (!rt || states.length > MAX_STATE) return false;
    for (let i = 0; i < states.length; i++) {
      const at = rt.addressOf(states[i]);
      if (at < 0) return false;
      u[UPDATE_STATE_AT + i] = at;
    }
    u[UPDATE_STATES] = states.length;
    u[UPDATE_RATE] = update.optimizer.learningRate;
    u[UPDATE_STEP] = update.optimizer.stepCount;
    return true;
  }

  /** Whether the workers read the network's own weights (its parameters in the kernels' shared memory). */
  private workersReadWeights(): boolean {
    const params = this.network.params;
    const resident = this.shared.setup.residentParams;
    return resident?.buffer === params.buffer && resident.byteOffset === params.byteOffset;
  }

  /** computeTerms, the reduction applying `update` to its pieces when given. */
  private run(x: Matrix, y: Matrix, update: PieceUpdate | null): LossTerms {
    this.checkBatch(x, y);
    const plan = this.planFor(x.rows);
    this.startStep(x, y, update ? this.version : 0);
    try {
      this.computeOwnChunks(x, y, plan);
    } catch (e) {
      // the workers wait at the computed barrier for this step: never let them meet the next one's
      this.idle = false;
      this.close();
      throw e;
    }
    this.reduce(plan, update);
    let data = 0;
    for (const c of plan.used) data += plan.shares[c] * this.shared.losses[c];
    return addPenalties(this.network, data, x.rows);
  }

  /** The plan of a batch of `rows` rows and its pieces' views (made once per size). */
  private planFor(rows: number): ReductionPlan {
    if (this.plan?.rows === rows) return this.plan;
    const { control, inPlace, slots, sum } = this.shared;
    const { grads, dtype } = this.network;
    const P = grads.length;
    // a worker's grads, in this thread's own kernels' memory (workers keep chunks only where they joined it)
    const rt = wasmRuntime();
    const view = (at: number) => (dtype === 'float32' ? rt?.f32(at, P) : rt?.f64(at, P)) ?? slots[0];
    const target = inPlace ? grads : sum;
    this.plan = planReduction(
      rows,
      threadGrads(control, this.threads, inPlace ? grads : null, view),
      slots,
      target,
    );
    return this.plan;
  }

  /**
   * net.grads ← Σ_c share_c · gradient_c over the used chunks in chunk order (parallel-shared.ts:
   * reduceChunks): once every thread has computed its chunks, the pieces this thread claims (the
   * workers claim the others), then the workers' answer (awaitWorkers).
   */
  private reduce(plan: ReductionPlan, update: PieceUpdate | null): void {
    const control = this.shared.control;
    Atomics.add(control, COMPUTED, 1);
    if (this.threads > 1) {
      Atomics.notify(control, COMPUTED);
      if (!waitAtLeast(control, COMPUTED, this.threads, STEP_TIMEOUT_MS, this.poller)) this.timedOut();
    }
    sumClaimedPieces(control, plan, update);
    this.awaitWorkers();
    if (!this.shared.inPlace) this.network.grads.set(this.shared.sum);
  }

  private checkBatch(x: Matrix, y: Matrix): void {
    const net = this.network;
    if (this.closed) throw new OptionError('this DataParallel trainer is closed', 'workers');
    if (x.rows > this.maxRows)
      throw new OptionError(`batch of ${x.rows} rows exceeds maxRows ${this.maxRows}`, 'maxRows');
    if (x.cols !== net.inputSize || y.cols !== net.outputSize || y.rows !== x.rows) {
      throw new OptionError(
        `x must be N×${net.inputSize} and y N×${net.outputSize}, got ${x.rows}×${x.cols} and ${y.rows}×${y.cols}`,
        'x',
      );
    }
  }

  /**
   * Wakes the workers for a step (the weights first in shared memory, unless they read the network's
   * own), then writes their rows and says so (ROWS_READY): a worker wakes meanwhile.
   */
  private startStep(x: Matrix, y: Matrix, update: number): void {
    const s = this.shared;
    if (this.threads === 1) {
      Atomics.store(s.control, COMPUTED, 0);
      Atomics.store(s.control, CLAIMED, 0);
      return;
    }
    const inPlace = this.workersReadWeights();
    if (!inPlace) s.params.set(this.network.params);
    const control = s.control;
    const [xAt, yAt] = this.batchAddresses(x, y);
    Atomics.store(control, UPDATE, update);
    Atomics.store(control, X_AT, xAt);
    Atomics.store(control, Y_AT, yAt);
    Atomics.store(control, ROWS, x.rows);
    Atomics.store(control, PARAMS_FROM, inPlace ? 1 : 0);
    Atomics.store(control, DONE, 0);
    Atomics.store(control, COMPUTED, 0);
    Atomics.store(control, CLAIMED, 0);
    Atomics.store(control, COMMAND, STEP);
    const generation = (Atomics.add(control, GENERATION, 1) + 1) | 0;
    Atomics.notify(control, GENERATION);
    if (xAt < 0) this.shareRows(x, y);
    Atomics.store(control, ROWS_READY, generation);
    Atomics.notify(control, ROWS_READY);
  }

  /**
   * The byte addresses of x and y where the workers can read them in place — both in the kernels'
   * shared memory, which every worker joined (each left its grads there: GRADS_AT) — else [−1, −1].
   */
  private batchAddresses(x: Matrix, y: Matrix): [number, number] {
    const rt = wasmRuntime();
    if (!rt?.shared || !this.workersJoined()) return [-1, -1];
    const xAt = rt.addressOf(x.data);
    const yAt = rt.addressOf(y.data);
    // (control slots are int32: a batch past 2 GiB is copied)
    return xAt < 0 || yAt < 0 || xAt > 0x7fffffff || yAt > 0x7fffffff ? [-1, -1] : [xAt, yAt];
  }

  /** Whether every worker joined the kernels' memory (it then left its grads' address there). */
  private workersJoined(): boolean {
    for (let w = 1; w < this.threads; w++)
      if (Atomics.load(this.shared.control, GRADS_AT + w - 1) < 0) return false;
    return true;
  }

  /** The rows of the workers' chunks into their x and y (parallel-shared.ts: rowsAt). */
  private shareRows(x: Matrix, y: Matrix): void {
    const N = x.rows;
    for (let c = 0; c < this.chunks; c++) {
      const owner = chunkOwner(c, this.threads);
      if (owner === 0) continue;
      const a = chunkStart(c, N, this.chunks);
      const b = chunkStart(c + 1, N, this.chunks);
      const at = rowsAt(c, this.threads, this.chunks, this.maxRows);
      const to = this.shared.rows[owner - 1];
      to.x.set(x.data.subarray(a * x.cols, b * x.cols), at * x.cols);
      to.y.set(y.data.subarray(a * y.cols, b * y.cols), at * y.cols);
    }
  }

  /** The main thread's chunks, on the network itself (each into its slot, the kept one left in net.grads). */
  private computeOwnChunks(x: Matrix, y: Matrix, plan: ReductionPlan): void {
    const net = this.network;
    const views = this.chunkViews(x, y);
    for (let c = 0; c < this.chunks; c += this.threads) {
      if (plan.shares[c] === 0) continue;
      this.shared.losses[c] = net.computeGradient(views[c].x, views[c].y, DATA_ONLY).data;
      if (c !== plan.kept[0]) this.shared.slots[c].set(net.grads);
    }
  }

  /** Each chunk's rows of x and y as views, kept per batch buffer (fit refills the same ones): no allocation per step. */
  private chunkViews(x: Matrix, y: Matrix): { x: Matrix; y: Matrix }[] {
    const kept = this.views.get(x.data);
    if (kept?.y === y.data && kept.rows === x.rows) return kept.views;
    const views = Array.from({ length: this.chunks }, (_, c) => ({
      x: this.chunkOf(x, c, x.rows),
      y: this.chunkOf(y, c, x.rows),
    }));
    this.views.set(x.data, { y: y.data, rows: x.rows, views });
    return views;
  }

  /** Rows [chunkStart(c), chunkStart(c + 1)) of m, as a view. */
  private chunkOf(m: Matrix, c: number, rows: number): Matrix {
    const a = chunkStart(c, rows, this.chunks);
    const b = chunkStart(c + 1, rows, this.chunks);
    return { rows: b - a, cols: m.cols, data: m.data.subarray(a * m.cols, b * m.cols) };
  }

  /** Blocks until every worker has finished the step; throws what a failed worker reported. */
  private awaitWorkers(): void {
    if (this.threads === 1) return;
    const c = this.shared.control;
    if (!waitAtLeast(c, DONE, this.threads - 1, STEP_TIMEOUT_MS, this.poller)) this.timedOut();
    if (Atomics.load(c, FAILURES) > 0) {
      const message = readMessage(this.shared.setup.message);
      this.close();
      throw new Error(`a data-parallel worker failed: ${message}`);
    }
  }

  private timedOut(): never {
    this.idle = false;
    this.stop(); // the shared buffers are kept: a worker that has not answered may still write its slots
    throw new Error(`data-parallel workers gave no answer within ${STEP_TIMEOUT_MS / 1000} s`);
  }

  /** Stops the workers and gives back the shared buffers (idempotent; the trainer cannot be used after). */
  close(): void {
    if (this.closed) return;
    this.stop();
    this.release();
  }

  /** Tells the workers to exit and terminates them; the trainer is closed, its buffers not given back. */
  private stop(): void {
    this.closed = true;
    const c = this.shared.control;
    Atomics.store(c, COMMAND, EXIT);
    Atomics.add(c, GENERATION, 1);
    Atomics.notify(c, GENERATION);
    for (const w of this.workers) void w.terminate();
  }

  private release(): void {
    releaseKernelFloats(this.shared.sum);
    if (this.chunks > 0) releaseKernelFloats(this.shared.slots[0]);
    // the workers' arenas in the kernels' memory (their networks, rows and workspaces), once no worker
    // can touch them again: every worker answered its last step, then was told to exit
    // (recordArena's slots; the workers' writes ordered before by their last DONE)
    const rt = wasmRuntime();
    const arenas = new Uint32Array(this.shared.setup.arenas);
    for (let w = 0; this.idle && rt && w < this.threads - 1; w++)
      for (let i = 0, at = w * ARENA_SLOTS; i < arenas[at]; i++)
        rt.reclaim(arenas[at + 1 + 2 * i], arenas[at + 2 + 2 * i]);
  }
}

export interface FitParallelOptions {
  /** Threads, the main thread included (default 2). */
  workers?: number;
  /** Default 4. */
  chunks?: number;
  /** Default 'sgd'. */
  optimizer?: OptimizerName | Optimizer;
  learningRate?: number;
  /** Passes over the data (default 100). */
  epochs?: number;
  /** Rows per update, taken in order (default: all rows). */
  batchSize?: number;
}

/** The batches of consecutive rows, as views. */
function consecutiveBatches(x: Matrix, y: Matrix, batch: number): { x: Matrix; y: Matrix }[] {
  const batches: { x: Matrix; y: Matrix }[] = [];
  for (let start = 0; start < x.rows; start += batch) {
    const rows = Math.min(batch, x.rows - start);
    batches.push({
      x: { rows, cols: x.cols, data: x.data.subarray(start * x.cols, (start + rows) * x.cols) },
      y: { rows, cols: y.cols, data: y.data.subarray(start * y.cols, (start + rows) * y.cols) },
    });
  }
  return batches;
}

/**
 * Trains network on x, y with gradients from several threads: mini-batches of consecutive rows,
 * one optimizer step each. Returns the cost of each epoch (the mean over its batches).
 * The same network, data and options (chunks included) give the same weights for any number of workers.
 * (fit() takes `workers` too, with shuffling, validation and the rest: see FitOptions.workers.)
 */
export async function fitParallel(
  network: Network,
  x: Matrix,
  y: Matrix,
  options: FitParallelOptions = {},
): Promise<number[]> {
  const epochs = checkNumber('epochs', options.epochs ?? 100, { integer: true, min: 1 });
  const batch = checkNumber('batchSize', options.batchSize ?? x.rows, { integer: true, min: 1 });
  const optimizer = getOptimizer(options.optimizer ?? 'sgd', { learningRate: options.learningRate });
  if (optimizer.needsClosure)
    throw new OptionError(`${optimizer.name} needs a closure: use fit()`, 'optimizer');
  const trainer = await DataParallel.create(network, {
    workers: options.workers,
    chunks: options.chunks,
    maxRows: Math.min(batch, x.rows),
  });
  const history: number[] = [];
  try {
    const batches = consecutiveBatches(x, y, batch);
    for (let e = 0; e < epochs; e++) {
      let sum = 0;
      for (const b of batches) {
        sum += trainer.computeGradient(b.x, b.y);
        optimizer.step(network.params, network.grads);
      }
      history.push(sum / batches.length);
    }
  } finally {
    trainer.close();
  }
  return history;
}
