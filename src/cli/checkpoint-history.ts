// A checkpoint's history, kept beside it in an append-only file (x.checkpoint.json →
// x.checkpoint.history.jsonl, one JSON line per epoch), so that writing a checkpoint costs O(new
// epochs) rather than O(all epochs). The checkpoint records how many epochs and bytes of that file
// are its own: lines past them (from a run killed between the append and the checkpoint's rename)
// are ignored on resume and cut off by the next write. The file's name comes from the checkpoint's
// own path, never from inside it.

import { appendFileSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import type { FitCheckpoint } from '../train/index.js';
import { UsageError } from './errors.js';

type Lists = FitCheckpoint['history'];

/** What a checkpoint file says about its history file. */
export interface HistoryRef {
  epochs: number;
  bytes: number;
  metrics: string[];
  valMetrics: string[];
  validation: boolean;
}

/** One epoch's line: [loss, dataLoss, valLoss | null, learningRate, elapsed, metrics, valMetrics]. */
type Row = [number, number, number | null, number, number, Record<string, number>, Record<string, number>];

export function historyPath(checkpointPath: string): string {
  return checkpointPath.replace(/(\.json)?$/i, '.history.jsonl');
}

/** Appends to a checkpoint's history file the epochs it does not hold yet. */
export class HistoryLog {
  private written = -1; // epochs in the file (-1: not opened yet)
  private bytes = 0;

  /** `start`: the history file this run resumed from, when it is the same file (its own part is kept). */
  constructor(
    readonly path: string,
    private readonly start: HistoryRef | null,
  ) {}

  /** Brings the file up to `h` (the run's full history) and returns the reference for the checkpoint. */
  append(h: Lists): HistoryRef {
    if (this.written < 0) this.open();
    let text = '';
    for (let e = this.written; e < h.loss.length; e++) text += `${JSON.stringify(row(h, e))}\n`;
    if (text) {
      appendFileSync(this.path, text);
      this.bytes += Buffer.byteLength(text);
      this.written = h.loss.length;
    }
    return {
      epochs: this.written,
      bytes: this.bytes,
      metrics: Object.keys(h.metrics),
      valMetrics: Object.keys(h.valMetrics),
      validation: h.valLoss.length > 0 || Object.keys(h.valMetrics).length > 0,
    };
  }

  private open(): void {
    const s = this.start;
    if (s && existsSync(this.path) && statSync(this.path).size >= s.bytes) {
      truncateSync(this.path, s.bytes); // lines a killed run appended after its last checkpoint
      this.written = s.epochs;
      this.bytes = s.bytes;
    } else {
      writeFileSync(this.path, '');
      this.written = 0;
      this.bytes = 0;
    }
  }
}

function row(h: Lists, e: number): Row {
  const at = (m: Record<string, number[]>) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v[e]]));
  const validation = h.valLoss.length > e;
  return [
    h.loss[e],
    h.dataLoss[e],
    validation ? h.valLoss[e] : null,
    h.learningRate[e],
    h.elapsed[e],
    at(h.metrics),
    at(h.valMetrics),
  ];
}

/** Reads the history a checkpoint refers to (its first `ref.bytes` bytes); UsageError when it does not fit. */
export function readHistory(path: string, ref: HistoryRef): Lists {
  const bad = (why: string) =>
    new UsageError(
      `${path}: ${why}; this history belongs to the checkpoint beside it and is needed to resume`,
    );
  let text: string;
  try {
    text = readFileSync(path).subarray(0, ref.bytes).toString('utf8');
  } catch (e) {
    throw bad(`cannot read (${(e as Error).message})`);
  }
  const lines = text.split('\n').slice(0, -1);
  if (Buffer.byteLength(text) !== ref.bytes || lines.length !== ref.epochs)
    throw bad(`holds ${lines.length} epochs, the checkpoint ${ref.epochs}`);
  const h: Lists = {
    loss: [],
    dataLoss: [],
    valLoss: [],
    metrics: Object.fromEntries(ref.metrics.map((k) => [k, []])),
    valMetrics: Object.fromEntries(ref.valMetrics.map((k) => [k, []])),
    learningRate: [],
    elapsed: [],
  };
  for (const [i, line] of lines.entries()) {
    let r: Row;
    try {
      r = JSON.parse(line) as Row;
    } catch {
      throw bad(`line ${i + 1} is not JSON`);
    }
    if (!Array.isArray(r) || r.length !== 7) throw bad(`line ${i + 1} is not an epoch's record`);
    h.loss.push(r[0]);
    h.dataLoss.push(r[1]);
    if (ref.validation) h.valLoss.push(r[2] as number);
    h.learningRate.push(r[3]);
    h.elapsed.push(r[4]);
    for (const k of ref.metrics) h.metrics[k].push(r[5][k]);
    for (const k of ref.valMetrics) h.valMetrics[k].push(r[6][k]);
  }
  return h;
}
