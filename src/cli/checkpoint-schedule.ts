// When `train --checkpoint-every N` writes: at the end of every N-th epoch (never mid-epoch, never at
// the run's last epoch, whose model file is written anyway), within a time budget. A checkpoint is a
// whole file (weights and optimizer state: ~290 kB for a 2-64-64-1 network with Adam, ~10 ms to write
// on a loaded disk), so when epochs are far shorter than a write (XOR: ~1 ms), writing at every one
// would spend most of the run writing. Writing takes at most WRITE_SHARE of the run: a scheduled
// checkpoint that comes sooner than that allows is skipped (the next scheduled one is written).
// Signals are not scheduled: SIGINT / SIGTERM always write a checkpoint at the step reached.

/** The most of a run's time that scheduled checkpoint writes may take. */
export const WRITE_SHARE = 0.25;

export class CheckpointSchedule {
  /** when the last write ended (now(); the schedule's start before any) */
  private lastEnd: number;
  private lastCost = 0;
  /** scheduled checkpoints skipped to keep within the budget, and written */
  skipped = 0;
  written = 0;

  /** `now`: the clock in milliseconds (a test's own, to check the budget without timing anything) */
  constructor(
    readonly every: number | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastEnd = now();
  }

  /** Whether the checkpoint scheduled after `epoch` (of `epochs`, the run still going) is written now. */
  due(epoch: number, epochs: number, running: boolean): boolean {
    if (!this.every || epoch % this.every !== 0 || epoch >= epochs || !running) return false;
    const trained = this.now() - this.lastEnd;
    if (this.lastCost > trained * (WRITE_SHARE / (1 - WRITE_SHARE))) {
      this.skipped++;
      return false;
    }
    return true;
  }

  /** Runs a scheduled write, timing it for the budget. */
  write<T>(writeCheckpoint: () => T): T {
    const start = this.now();
    try {
      return writeCheckpoint();
    } finally {
      this.lastEnd = this.now();
      this.lastCost = this.lastEnd - start;
      this.written++;
    }
  }
}
