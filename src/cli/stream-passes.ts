// The passes of `train --stream` over its data file, a window of rows at a time (memory independent of
// the file's length): the first pass fits the encoding on the first window, checks every later row
// against it, gathers the scaling statistics of the rows trained on and keeps the held-out rows; each
// epoch's pass then hands every window's training rows on. No network or optimizer here.

import { openBytes, readBlocks, type LoadOptions } from './files.js';
import {
  applyEncoding,
  BlockReport,
  dataWarnings,
  describeUnseen,
  encodingNotes,
  fitEncoding,
  GrowingMatrix,
  type DataTable,
  type DecimalMark,
  type EncodeOptions,
  type Encoded,
  type Encoding,
} from '../data/index.js';
import { splitWindow, type HoldoutRule, type Rows } from '../data/stream-windows.js';
import { RunningStats } from '../train/running-stats.js';
import { encodingWarnings } from './options.js';

/** The file a streamed run reads, how, and the rows per window. */
export interface StreamFile {
  path: string;
  load: LoadOptions;
  window: number;
}

type Stats = { mean: number[]; std: number[] };

/** What the first pass learned. */
export interface Prepared {
  encoding: Encoding;
  /** the network's inputs, e.g. "Origin=USA" */
  inputNames: string[];
  /** data rows kept (every row, unless --drop-missing left some out), and those trained on */
  rows: number;
  trainRows: number;
  /** the held-out rows in original units (null: none) */
  validation: Rows | null;
  /** mean and std of the inputs and targets of the rows trained on (original units) */
  stats: { x: Stats; y: Stats };
  /** the first window's training rows: they size the network */
  sample: Rows;
  /** the file's decimal mark as the pass found it: later passes read with it (no start-over) */
  decimal?: DecimalMark;
  windows: number;
  notes: string[];
  warnings: string[];
}

/** Data rows in the file by its line ends (a quoted line break counts too: an upper bound). */
export function countDataRows(path: string): number {
  const source = openBytes(path, 'data file').open();
  const buffer = new Uint8Array(1 << 20);
  let lines = 0;
  let last = 0x0a;
  try {
    for (let n = source.read(buffer); n > 0; n = source.read(buffer)) {
      for (let i = buffer.indexOf(0x0a); i >= 0 && i < n; i = buffer.indexOf(0x0a, i + 1)) lines++;
      last = buffer[n - 1];
    }
  } finally {
    source.close?.();
  }
  return Math.max(0, lines + (last === 0x0a ? 0 : 1) - 1);
}

/** The first pass: encoding, statistics and held-out rows; a bad cell anywhere stops it (file:line:column). */
export function preparePass(
  file: StreamFile,
  encode: (table: DataTable) => EncodeOptions,
  rule: HoldoutRule,
): Prepared {
  let pass: Preparation | null = null;
  const read = readBlocks(
    file.path,
    file.load,
    (table, first) => {
      pass ??= new Preparation(table, encode(table));
      pass.window(table, first, rule);
    },
    () => {
      pass = null; // a start-over (decimal commas found): forget the first try
      rule.reset();
    },
    file.window,
  );
  const done = pass as Preparation | null;
  if (!done) throw new Error('train --stream: no window read');
  done.throwStops(file.path);
  return done.result(file.path, read.rows, read.notes);
}

/**
 * The encoding fitted on the first window as fitEncoding would fit it, except that rows with a missing
 * cell under an 'error' policy do not stop it there: they are fitted around (as 'drop' does) and
 * counted over the whole file by the pass, whose error then names them all.
 */
function fitFirstWindow(table: DataTable, options: EncodeOptions): Encoding {
  const missing = options.missing ?? 'error';
  const missingTarget = options.missingTarget ?? (missing === 'drop' ? 'drop' : 'error');
  const lenient = {
    ...options,
    missing: missing === 'error' ? 'drop' : missing,
    missingTarget: 'drop',
  } as const;
  const { missingTarget: _fitted, ...encoding } = fitEncoding(table, lenient);
  return {
    ...encoding,
    missing,
    ...(missingTarget === 'drop' && missing !== 'drop' ? { missingTarget } : {}),
  };
}

/** The first pass's state: the encoding (from the first window) and what every window adds. */
class Preparation {
  readonly encoding: Encoding;
  readonly decimal?: DecimalMark;
  readonly inputNames: string[];
  private readonly xStats: RunningStats;
  private readonly yStats: RunningStats;
  private readonly heldX: GrowingMatrix;
  private readonly heldY: GrowingMatrix;
  private readonly report = new BlockReport();
  private sample: Rows | null = null;
  private rows = 0;
  private windows = 0;
  private warnings: string[] = [];
  /** the first window, encoded by the constructor: its window() call uses it */
  private firstEncoded: Encoded | null;

  constructor(table: DataTable, encode: EncodeOptions) {
    this.encoding = fitFirstWindow(table, encode);
    if (table.decimal) this.decimal = table.decimal;
    const probe = applyEncoding(this.encoding, table, { collectMissing: true });
    this.inputNames = probe.inputNames;
    const cols = { x: probe.x.cols, y: probe.y?.cols ?? 0 };
    this.xStats = new RunningStats(cols.x);
    this.yStats = new RunningStats(cols.y);
    this.heldX = new GrowingMatrix(cols.x);
    this.heldY = new GrowingMatrix(cols.y);
    this.warnings = [...encodingWarnings(this.encoding, probe.x.rows), ...dataWarnings(this.encoding, probe)];
    this.firstEncoded = probe;
  }

  window(table: DataTable, first: number, rule: HoldoutRule): void {
    const encoded = this.firstEncoded ?? applyEncoding(this.encoding, table, { collectMissing: true });
    this.firstEncoded = null;
    if (!encoded.y) throw new Error('train --stream: a window without targets');
    this.report.add(encoded, table);
    const { train, held } = splitWindow({ ...encoded, y: encoded.y }, first, rule);
    this.xStats.add(train.x);
    this.yStats.add(train.y);
    this.heldX.append(held.x);
    this.heldY.append(held.y);
    this.sample ??= train;
    this.rows += encoded.rows.length;
    this.windows++;
  }

  /** The missing-values error over every row of the file, when rows with missing cells stop. */
  throwStops(source: string): void {
    this.report.throwStops(
      source,
      'Pass --drop-missing to leave those rows out, or --impute mean to fill them',
    );
  }

  result(source: string, fileRows: number, readNotes: string[]): Prepared {
    const held = this.heldX.rows;
    const left = this.report.left.describe(fileRows);
    return {
      encoding: this.encoding,
      inputNames: this.inputNames,
      rows: this.rows,
      trainRows: this.rows - held,
      validation: held > 0 ? { x: this.heldX.matrix, y: this.heldY.matrix } : null,
      stats: { x: this.xStats.result(), y: this.yStats.result() },
      sample: this.sample ?? { x: this.heldX.matrix, y: this.heldY.matrix },
      ...(this.decimal ? { decimal: this.decimal } : {}),
      windows: this.windows,
      notes: [
        ...encodingNotes(source, this.encoding),
        ...readNotes,
        ...(left ? [`${source}: ${left}`] : []),
        ...describeUnseen(source, this.report.unseen),
      ],
      warnings: this.warnings,
    };
  }
}

/**
 * One epoch's pass: each window's rows encoded, the held-out ones set aside, the rest handed to
 * `onTrain(rows, first, index)` (first: the window's first data row; index: the window's, from 0).
 */
export function trainingPass(
  file: StreamFile,
  prepared: Pick<Prepared, 'encoding' | 'decimal'>,
  rule: HoldoutRule,
  onTrain: (rows: Rows, first: number, index: number) => void,
): void {
  const { encoding, decimal } = prepared;
  let index = 0;
  rule.reset();
  const { progress: _progress, ...load } = file.load; // the first pass showed the reading
  readBlocks(
    file.path,
    { ...load, ...(decimal ? { decimal } : {}) },
    (table, first) => {
      const encoded = applyEncoding(encoding, table);
      if (!encoded.y) throw new Error('train --stream: a window without targets');
      const { train } = splitWindow({ ...encoded, y: encoded.y }, first, rule);
      onTrain(train, first, index++);
    },
    () => {},
    file.window,
  );
}
