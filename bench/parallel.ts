// Data-parallel training (src/train/parallel.ts) on the MNIST-scale workload: 784-128-10, batch
// 128, float32, one SGD step, the gradient cut into 2 chunks: the main thread computes one, a worker
// thread the other, and each steps the weights of the pieces of the sum it makes (DataParallel.step,
// as fit does); the batch lies where fit gathers it with workers, read by the worker in place. One thread and two are timed alternately in the same run (3 rounds each, the
// median kept, after 4 s of both untimed: WARM_UP_MS), by wall clock and by CPU time per thread.
// On a machine shared with other jobs the wall-clock ratio measures the others as much as us, so
// the output says whether the machine was idle: the CPU time other processes used during the rounds (machineSample below).
//   rows: scratchnet-f32-2workers (wall), scratchnet-f32-wall (one thread, wall, the same rounds),
//         scratchnet-f32-2workers-cpu (the busier thread's CPU time per step: what the wall time
//         approaches on an idle machine, wake-ups aside), scratchnet-f32-2workers-median and
//         scratchnet-f32-median (the median step's wall clock: less moved than the mean by the steps
//         where another job took a core while our threads waited on each other); the same
//         with -b256 for batches of 256 (128 rows per thread), and scratchnet-f32-b256-cpu (one
//         thread's CPU time at that batch)
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { DataParallel, Network, SGD, kernels, type Matrix } from '../src/index.js';
import type { Figure } from './measure.js';
import { mnistBatch } from './ours.js';

/** This thread's CPU time in seconds (Linux /proc/thread-self/schedstat), or null where unknown. */
function threadSeconds(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e9;
  } catch {
    return null;
  }
}

/** Every thread of this process and its CPU time in seconds (/proc/self/task/TID/schedstat); empty where unknown. */
function taskSeconds(): Map<string, number> {
  const times = new Map<string, number>();
  try {
    for (const task of readdirSync('/proc/self/task'))
      times.set(task, Number(readFileSync(`/proc/self/task/${task}/schedstat`, 'utf8').split(' ')[0]) / 1e9);
  } catch {
    times.clear();
  }
  return times;
}

/** The largest CPU time any thread other than the calling one used between two taskSeconds(). */
function busiestOther(before: Map<string, number>, after: Map<string, number>): number | null {
  const self = readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0];
  let most: number | null = null;
  for (const [task, t] of after) if (task !== self) most = Math.max(most ?? 0, t - (before.get(task) ?? 0));
  return most;
}

const processSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

interface StepTimes {
  /**
   * seconds per step: wall clock, the whole process's CPU, the main thread's CPU, the busiest other
   * thread's (the worker's; V8's helper threads are the rest) (null: unknown)
   */
  wall: number;
  /** the median step's wall clock (less moved than the mean by steps another job interrupted) */
  step: number;
  cpu: number;
  main: number | null;
  worker: number | null;
}

/** Times `steps` calls of step after a warm-up of a quarter as many. */
function timeSteps(step: () => void, steps: number): StepTimes {
  for (let i = 0; i < steps / 4; i++) step();
  const w0 = performance.now();
  const c0 = processSeconds();
  const m0 = threadSeconds();
  const t0 = taskSeconds();
  const each = new Float64Array(steps);
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    step();
    each[i] = performance.now() - t;
  }
  const m1 = threadSeconds();
  const other = busiestOther(t0, taskSeconds());
  return {
    wall: (performance.now() - w0) / 1000 / steps,
    step: median(Array.from(each)) / 1000,
    cpu: (processSeconds() - c0) / steps,
    main: m0 === null || m1 === null ? null : (m1 - m0) / steps,
    worker: other === null ? null : other / steps,
  };
}

/**
 * The CPU time every process on the machine has used (/proc/stat's first line: user, nice, system,
 * irq, softirq; guest time is inside user), this process's CPU time, and the wall clock, in seconds;
 * null where /proc/stat is unreadable.
 */
interface MachineSample {
  busy: number;
  ours: number;
  wall: number;
}
function machineSample(): MachineSample | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq] = fields;
    const ticks = 100; // USER_HZ: 100 on every Linux architecture Node runs on
    return {
      busy: (user + nice + system + irq + softirq) / ticks,
      ours: processSeconds(),
      wall: performance.now() / 1000,
    };
  } catch {
    return null;
  }
}

/**
 * Other processes' CPU use since `before`, in cores on average: the machine's busy time less this
 * process's own (its main and worker threads: the load average counts those too, so it cannot tell
 * an idle machine from this bench running on it). The ticks are 10 ms: over a few seconds of rounds
 * the figure is good to a few hundredths of a core.
 */
function otherCores(before: MachineSample | null): number | null {
  const after = machineSample();
  if (!before || !after) return null;
  return (after.busy - before.busy - (after.ours - before.ours)) / (after.wall - before.wall);
}

/** The machine counts as idle when other processes used less than this many cores during the rounds. */
const IDLE_CORES = 0.1;

/** What the output says about the machine during one comparison. */
function machineLine(others: number | null, loadBefore: string): string {
  const cores = os.availableParallelism();
  const loads = `load average ${loadBefore} before, ${load()} after (these count this bench's own 2 threads)`;
  if (others === null) return `${loads}; other processes' CPU use unknown (no /proc/stat): idle unknown`;
  const idle = others < IDLE_CORES ? 'idle' : 'NOT idle';
  return (
    `machine ${idle}: other processes used ${Math.max(0, others).toFixed(2)} of ${cores} cores on average during the ` +
    `rounds (idle: < ${IDLE_CORES}; /proc/stat's busy time less this process's CPU time); ${loads}`
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function mnistNetwork(): Network {
  return new Network({
    layers: [784, 128, 10],
    activation: 'relu',
    loss: 'softmaxCrossEntropy',
    seed: 3,
    dtype: 'float32',
  });
}

/**
 * How long both kinds of step run untimed before the rounds. V8 keeps compiling the steps' functions
 * for thousands of steps: on the 2-core machine, after 400 steps of each its compiler threads still
 * took 64 µs per two-thread step at batch 128, after 1,000 36 µs, after 3,000 3 µs.
 */
const WARM_UP_MS = 4000;

/** A copy of m in the kernels' memory (kernels.allocate: a bench's few batches are never freed). */
function resident(m: Matrix): Matrix {
  const data = kernels.allocate(m.data instanceof Float32Array ? 'float32' : 'float64', m.data.length);
  data.set(m.data);
  return { rows: m.rows, cols: m.cols, data };
}

/** One thread and two, alternately: the medians of `rounds` rounds. */
function compare(batchX: Matrix, batchY: Matrix, rounds: number): { one: StepTimes; two: StepTimes } {
  // the batch where fit gathers its batches when it trains with workers (the kernels' shared memory:
  // the worker reads its rows there in place); both steps read it there
  const [x, y] = [resident(batchX), resident(batchY)];
  const single = mnistNetwork();
  const parallel = mnistNetwork();
  const sgd = new SGD({ learningRate: 0.01 });
  const trainer = new DataParallel(parallel, { workers: 2, chunks: 2, maxRows: x.rows });
  const oneStep = () => {
    single.computeGradient(x, y);
    sgd.step(single.params, single.grads);
  };
  // as fit steps with workers: the threads take the SGD step, each on the pieces of the sum it makes
  const twoStep = () => trainer.step(x, y, sgd);
  const ones: StepTimes[] = [];
  const twos: StepTimes[] = [];
  try {
    const steps = Math.max(40, Math.round(60_000 / x.rows));
    // both settle first, alternately and untimed: until V8 has compiled every hot function, its
    // compiler threads take a core from the two threads of a step, never from one thread's step
    for (const end = performance.now() + WARM_UP_MS; performance.now() < end; ) {
      oneStep();
      twoStep();
    }
    for (let r = 0; r < rounds; r++) {
      ones.push(timeSteps(oneStep, steps));
      twos.push(timeSteps(twoStep, steps));
    }
  } finally {
    trainer.close();
  }
  const pick = (list: StepTimes[]): StepTimes => ({
    wall: median(list.map((t) => t.wall)),
    step: median(list.map((t) => t.step)),
    cpu: median(list.map((t) => t.cpu)),
    main: list[0].main === null ? null : median(list.map((t) => t.main ?? 0)),
    worker: list[0].worker === null ? null : median(list.map((t) => t.worker ?? 0)),
  });
  return { one: pick(ones), two: pick(twos) };
}

const load = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

/** Repeats the rows of m until it has `rows` rows. */
function repeatRows(m: Matrix, rows: number): Matrix {
  const data =
    m.data.constructor === Float32Array ? new Float32Array(rows * m.cols) : new Float64Array(rows * m.cols);
  for (let i = 0; i < data.length; i++) data[i] = m.data[i % m.data.length];
  return { rows, cols: m.cols, data };
}

export async function benchParallel(emit: (f: Figure) => void, notice: (s: string) => void): Promise<void> {
  const batch = mnistBatch('float32');
  // the workload's batch of 128 (64 rows per thread), and 256 (128 per thread: "batches large enough per worker")
  for (const rows of [128, 256]) {
    const suffix = rows === 128 ? '' : `-b${rows}`;
    const loadBefore = load();
    const machine = machineSample();
    let result: { one: StepTimes; two: StepTimes };
    try {
      result = compare(repeatRows(batch.x, rows), repeatRows(batch.y, rows), 3);
    } catch (e) {
      notice(`scratchnet-f32-2workers: workers failed (${(e as Error).message})`);
      return;
    }
    const others = otherCores(machine);
    const { one, two } = result;
    const row = (impl: string, seconds: number) =>
      emit({ workload: 'mnist', impl, metric: 'samples_per_s', value: rows / seconds, unit: 'samples/s' });
    row(`scratchnet-f32-2workers${suffix}`, two.wall);
    row(`scratchnet-f32${suffix}-wall`, one.wall);
    row(`scratchnet-f32-2workers${suffix}-median`, two.step);
    row(`scratchnet-f32${suffix}-median`, one.step);
    const us = (s: number) => `${(s * 1e6).toFixed(0)} µs`;
    let cpuLine = 'per-thread CPU time unknown here (no /proc/thread-self/schedstat)';
    if (two.main !== null && one.main !== null) {
      // the worker's share: the process's CPU less the main thread's (V8's helper threads included)
      const worker = two.cpu - two.main;
      const busier = Math.max(two.main, worker);
      row(`scratchnet-f32-2workers${suffix}-cpu`, busier);
      if (suffix) row(`scratchnet-f32${suffix}-cpu`, one.cpu);
      cpuLine =
        `CPU per step: one thread ${us(one.cpu)}; two threads ${us(two.cpu)} in all, main ${us(two.main)}, ` +
        `worker ${us(worker)} (its thread ${two.worker === null ? 'unknown' : us(two.worker)}, V8's helper threads the rest) → ` +
        `${(one.cpu / busier).toFixed(2)}× by the busier thread (counting the helpers' time as the worker's)`;
    }
    notice(
      `mnist 2 workers (batch ${rows}, 2 chunks): wall ${(one.wall / two.wall).toFixed(2)}× one thread in the same rounds ` +
        `(${us(two.wall)} vs ${us(one.wall)} per step); the median step ${(one.step / two.step).toFixed(2)}× ` +
        `(${us(two.step)} vs ${us(one.step)}: less moved by other jobs than the mean); ${cpuLine}; ${machineLine(others, loadBefore)}`,
    );
  }
}
