// Ctrl-C and SIGTERM during a long command: the first one is remembered (the command stops at its
// next safe point, writes what it must and exits 130 / 143); a second one exits at once.

export class SignalWatch {
  /** the first signal received, if any */
  signal: NodeJS.Signals | null = null;
  private readonly handler = (s: NodeJS.Signals) => {
    if (this.signal) process.exit(exitCode(s)); // a second Ctrl-C: give up at once
    this.signal = s;
  };

  constructor() {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  /** Stops listening (the default handlers, which end the process, apply again). */
  dispose(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }
}

/** The shell's convention: 128 + the signal's number (SIGINT 2 → 130, SIGTERM 15 → 143). */
export function exitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}
