// Training progress: a live cli-progress bar (epoch, loss, validation metric, ETA) when the stream
// is a terminal; plain lines at most every few seconds (and at the end) when it is not (CI, pipes).
// Within a long epoch (many mini-batches) the batch count shows too, so the first seconds show life.
// Reading a data file shows bytes read and rows encoded, from the first second (readProgress).

import cliProgress from 'cli-progress';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'quiet';

/** Called by the reader after each chunk, and once with done at the end. */
export type ReadProgress = (
  source: string,
  bytes: number,
  rows: number,
  size: number,
  done?: boolean,
) => void;

/**
 * Reading progress on `stream`: "reading data.csv: 45.2 of 180.0 MB (25%), 250,000 rows" after the first
 * second, then every `intervalMs` (a terminal: one line rewritten ten times a second); "read …" at the
 * end when a line was shown. Nothing when quiet.
 */
export function readProgress(
  mode: ProgressMode = 'auto',
  stream: NodeJS.WriteStream = process.stderr,
  intervalMs = 2000,
): ReadProgress | undefined {
  if (mode === 'quiet') return undefined;
  const tty = mode === 'bar' || (mode === 'auto' && stream.isTTY === true);
  const start = Date.now();
  let last = start - (tty ? 0 : intervalMs) + 1000; // the first line after one second
  let shown = false;
  const mb = (b: number) => (b / 1e6).toFixed(1);
  return (source, bytes, rows, size, done) => {
    const now = Date.now();
    if (done) {
      if (shown)
        stream.write(
          `${tty ? '\r' : ''}read ${source}: ${mb(bytes)} MB, ${rows.toLocaleString('en-US')} rows in ${((now - start) / 1000).toFixed(1)} s\n`,
        );
      return;
    }
    if (now - last < (tty && shown ? 100 : intervalMs)) return;
    last = now;
    shown = true;
    const share = size > 0 ? ` (${Math.floor((100 * bytes) / size)}%)` : '';
    stream.write(
      `${tty ? '\r' : ''}reading ${source}: ${mb(bytes)} of ${mb(size)} MB${share}, ${rows.toLocaleString('en-US')} rows${tty ? '' : '\n'}`,
    );
  };
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  loss: number;
  /** validation loss or metric, with its name */
  validation?: { name: string; value: number };
}

/** Where a long epoch stands: batches done of the epoch in progress. */
export interface BatchReport {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
}

export interface Progress {
  update(report: EpochReport): void;
  /** during an epoch (called every few dozen milliseconds) */
  batch(report: BatchReport): void;
  stop(): void;
}

const fmt = (v: number) =>
  v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4) ? v.toPrecision(4) : v.toExponential(3);

/** quiet: nothing; tty: a live bar; otherwise a line every `intervalMs` and at the last epoch. */
export function createProgress(
  stream: NodeJS.WriteStream,
  mode: ProgressMode,
  startEpoch: number,
  epochs: number,
  intervalMs = 2000,
): Progress {
  if (mode === 'quiet') return { update() {}, batch() {}, stop() {} };
  if (mode === 'bar' || (mode === 'auto' && stream.isTTY)) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'epoch {value}/{total} |{bar}|{batch} loss {loss}{val} | ETA {eta_formatted}',
        hideCursor: true,
        etaBuffer: 50,
        fps: 10,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(epochs, startEpoch, { loss: '…', val: '', batch: '' });
    return {
      update(r) {
        bar.update(r.epoch, {
          batch: '',
          loss: fmt(r.loss),
          val: r.validation ? ` | ${r.validation.name} ${fmt(r.validation.value)}` : '',
        });
      },
      batch(r) {
        bar.update({ batch: ` batch ${r.batch}/${r.batches} |` });
      },
      stop() {
        bar.stop();
      },
    };
  }
  const start = Date.now();
  let last = -Infinity;
  let epochBegan = start; // when the last epoch ended
  let pending: EpochReport | null = null; // the latest report not yet written
  const write = (r: EpochReport, eta: number) =>
    stream.write(
      `epoch ${r.epoch}/${r.epochs}  loss ${fmt(r.loss)}${r.validation ? `  ${r.validation.name} ${fmt(r.validation.value)}` : ''}${r.epoch < r.epochs && Number.isFinite(eta) ? `  ETA ${eta.toFixed(0)} s` : ''}\n`,
    );
  return {
    update(r) {
      const now = Date.now();
      epochBegan = now;
      pending = r;
      if (now - last < intervalMs && r.epoch < r.epochs) return;
      last = now;
      const done = r.epoch - startEpoch;
      write(r, done > 0 ? (((now - start) / done) * (r.epochs - r.epoch)) / 1000 : NaN);
      pending = null;
    },
    batch(r) {
      const now = Date.now();
      // only when the epoch in progress has run for an interval: short epochs print epoch lines only
      if (now - Math.max(last, epochBegan) < intervalMs || r.batch === 0) return;
      last = now;
      stream.write(`epoch ${r.epoch}/${r.epochs}  batch ${r.batch}/${r.batches}\n`);
    },
    stop() {
      // the last epoch always gets its line (early stopping and Ctrl-C end before `epochs`)
      if (pending) write(pending, NaN);
      pending = null;
    },
  };
}
