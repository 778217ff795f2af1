// Timing for the benchmarks: warm up, choose a repetition count that makes one run last about
// `minTime` seconds, then time `runs` runs and keep the median (robust to a busy machine).

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
  fn();
  let reps = 1;
  let dt = 0;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    dt = (performance.now() - t0) / 1000;
    if (dt >= minTime / 4 || reps >= 1 << 20) break;
    reps *= 2;
  }
  reps = Math.max(1, Math.round((reps * minTime) / Math.max(dt, 1e-9)));
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    times.push((performance.now() - t0) / 1000 / reps);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Median seconds of `runs` single calls after one warm-up call (for calls lasting a while: fits). */
export function medianOfCalls(fn: () => void, runs = 5): number {
  fn();
  const times: number[] = [];
  for (let r = 0; r < Math.max(5, runs); r++) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** One figure of the benchmark, as `--json` writes it. */
export interface Figure {
  workload: 'seed' | 'mnist' | 'matmul' | 'fit-square';
  impl: string;
  metric: 'us_per_step' | 'samples_per_s' | 'gflops' | 'seconds';
  value: number;
  unit: string;
}
