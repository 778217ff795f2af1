// Timing for the benchmarks: warm up, choose a repetition count that makes one run last about
// `minTime` seconds, then time `runs` runs and keep the median (robust to a busy machine).
// The clock is wall time, or with `--cpu` the process's CPU time (user + system): on a machine
// shared with other jobs, wall time counts the time slices others take, CPU time does not.

/** Seconds on the chosen clock. */
let clock: () => number = () => performance.now() / 1000;
export let clockName = 'wall';

/** Times single-threaded work by the process's CPU time instead of wall time. */
export function useCpuClock(): void {
  clock = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  clockName = 'cpu';
}

/** Wall-clock seconds whatever the clock (for work spread over several threads). */
export function wallClock<T>(fn: () => T): T {
  const saved = clock;
  clock = () => performance.now() / 1000;
  try {
    return fn();
  } finally {
    clock = saved;
  }
}

export interface MeasureOptions {
  /** seconds per timed run (default 0.15) */
  minTime?: number;
  /** timed runs (default 7, never fewer than 5) */
  runs?: number;
}

/** Median seconds per call of fn. */
export function medianSeconds(fn: () => void, options: MeasureOptions = {}): number {
  const minTime = options.minTime ?? 0.15;
  const runs = Math.max(5, options.runs ?? 7);
  warmUp(fn, 0.3, 3);
  let reps = 1;
  let dt = 0;
  for (;;) {
    const t0 = clock();
    for (let i = 0; i < reps; i++) fn();
    dt = clock() - t0;
    if (dt >= minTime / 4 || reps >= 1 << 20) break;
    reps *= 2;
  }
  reps = Math.max(1, Math.round((reps * minTime) / Math.max(dt, 1e-9)));
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = clock();
    for (let i = 0; i < reps; i++) fn();
    times.push((clock() - t0) / reps);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * Calls fn for at least `seconds` (wall time) and `calls` times, so that V8 has optimized what
 * it runs before anything is timed.
 */
function warmUp(fn: () => void, seconds: number, calls: number): void {
  const end = performance.now() + seconds * 1000;
  for (let i = 0; i < calls || performance.now() < end; i++) fn();
}

/**
 * Median seconds of `runs` single calls after a warm-up of `warmUpCalls` calls and 0.5 s (for
 * calls lasting a while: fits).
 */
export function medianOfCalls(fn: () => void, runs = 5, warmUpCalls = 3): number {
  warmUp(fn, 0.5, warmUpCalls);
  const times: number[] = [];
  for (let r = 0; r < Math.max(5, runs); r++) {
    const t0 = clock();
    fn();
    times.push(clock() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** One figure of the benchmark, as `--json` writes it. */
export interface Figure {
  workload: 'seed' | 'mnist' | 'matmul' | 'fit-square' | 'tabular-default' | 'data-1m';
  impl: string;
  metric: 'us_per_step' | 'samples_per_s' | 'gflops' | 'seconds' | 'rows_per_s' | 'megabytes';
  value: number;
  unit: string;
}
