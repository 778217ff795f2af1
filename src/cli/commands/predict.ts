// `scratchnet predict`: a model and data → the data as CSV with predictions appended, in the original
// target units (regression) or labels (classification); --proba adds one probability per class.
// The output is written as the input was read: its field delimiter (",", ";", a tab) and, for a ';'
// file with decimal commas, decimal commas; JSON input gives plain CSV. A UTF-16 input (Excel's
// "Unicode text") gives a UTF-16 --out file with the same byte-order mark; stdout stays UTF-8, said so.
// Every input row is written, in order: a row that cannot be scored (missing cells) gets empty
// predictions and a "prediction_note" column saying why, unless --drop-missing leaves it out.

import type { Command } from 'commander';
import { closeSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyEncoding,
  BlockReport,
  classProbabilities,
  decodeOutputs,
  describeUnseen,
  formatCsv,
  formatCsvRows,
  rowCells,
  rowCount,
  type Cell,
  type DataTable,
  type CsvDialect,
  type DecimalMark,
  type ThousandsSeparator,
  type Encoded,
} from '../../data/index.js';
import { modelNetwork, type ModelFile } from '../../io/index.js';
import type { Network } from '../../nn/network.js';
import { UsageError } from '../errors.js';
import {
  checkOutput,
  checkpointNote,
  checkWritable,
  dataTextEncoding,
  fieldDelimiter,
  jsonKind,
  loadModel,
  readBlocks,
  savedFormat,
  tempBeside,
} from '../files.js';
import { decimalOption, thousandsOption, unknownOption } from '../options.js';
import { readProgress } from '../progress.js';

interface Flags {
  model: string;
  data: string;
  out?: string;
  proba?: boolean;
  dropMissing?: boolean;
  decimal?: DecimalMark;
  thousands?: ThousandsSeparator;
  /** overrides the unseen-category policy saved in the model */
  unknown?: 'error' | 'ignore';
}

export function register(program: Command): void {
  program
    .command('predict')
    .description("append the model's predictions to a data file (CSV out)")
    .requiredOption('--model <file>', 'model file written by train')
    .requiredOption('--data <file>', 'CSV or JSON records with the feature columns the model was trained on')
    .option('--out <file>', 'write the CSV here (default: stdout)')
    .option('--proba', 'classification: also write the probability of each class')
    .option(
      '--drop-missing',
      'leave out rows with missing cells (default: keep them, with empty predictions and a prediction_note)',
    )
    .addOption(decimalOption(true))
    .addOption(thousandsOption(true))
    .addOption(unknownOption())
    .addHelpText(
      'after',
      `
Examples:
  $ scratchnet predict --model model.json --data new.csv --out predictions.csv
  $ scratchnet predict --model model.json --data new.json --proba > predictions.csv`,
    )
    .action((opts: Flags) => predict(opts));
}

function predict(opts: Flags): void {
  if (opts.out) {
    checkOutput(opts.out, '--out', [
      ['--data', opts.data],
      ['--model', opts.model],
    ]);
    checkWritable(opts.out, '--out');
  }
  const model = loadModel(opts.model);
  const unfinished = checkpointNote(model, opts.model);
  if (unfinished) process.stderr.write(`note: ${unfinished}\n`);
  const network = modelNetwork(model, opts.model);
  if (opts.proba && model.encoding.target.task === 'regression')
    throw new UsageError('--proba applies to classification models; this model does regression');
  const tmp = opts.out ? tempBeside(opts.out) : join(tmpdir(), `.scratchnet-predict.tmp-${process.pid}`);
  const delimiter = fieldDelimiter(opts.data);
  try {
    let run = streamPredictions(model, network, opts, tmp, false, delimiter);
    if (run === null) run = streamPredictions(model, network, opts, tmp, true, delimiter); // a note column
    if (run === null) throw new Error('predict: the note column was not settled in two passes');
    for (const n of run.notes) process.stderr.write(`note: ${n}\n`);
    const utf16 = jsonKind(opts.data) ? null : dataTextEncoding(opts.data);
    const dialect = dialectNote({ delimiter, decimal: run.decimal }, opts.data);
    // a UTF-8 file with a byte-order mark (as Excel writes one) keeps it, for Excel to read it back as UTF-8
    const bom = !utf16 && opts.out !== undefined && !jsonKind(opts.data) && startsWithUtf8Bom(opts.data);
    const kept =
      utf16 && opts.out
        ? `${utf16.toUpperCase()} with a byte-order mark, as ${opts.data}`
        : bom
          ? `UTF-8 with a byte-order mark, as ${opts.data}`
          : null;
    const written = [dialect, kept].filter((w) => w !== null).join('; ') || null;
    if (utf16 && !opts.out)
      process.stderr.write(
        `note: the predictions are written to stdout as UTF-8 (${opts.data} is ${utf16.toUpperCase()}); --out FILE writes ${utf16.toUpperCase()}\n`,
      );
    if (opts.out) {
      if (utf16) {
        const utf16Tmp = `${tmp}.utf16`;
        try {
          utf8ToUtf16(tmp, utf16Tmp, utf16);
          renameSync(utf16Tmp, opts.out);
        } finally {
          rmSync(utf16Tmp, { force: true });
        }
      } else if (bom) {
        const bomTmp = `${tmp}.bom`;
        try {
          copyWithBom(tmp, bomTmp);
          renameSync(bomTmp, opts.out);
        } finally {
          rmSync(bomTmp, { force: true });
        }
      } else renameSync(tmp, opts.out);
      console.error(
        `wrote ${run.rows} rows (${run.predictions} predictions) to ${opts.out}${written ? ` (${written})` : ''}`,
      );
    } else {
      if (written) process.stderr.write(`note: the predictions are written ${written}\n`);
      copyToStdout(tmp);
    }
  } catch (e) {
    const io = e as NodeJS.ErrnoException;
    if (io.syscall === undefined || e instanceof UsageError) throw e;
    throw new UsageError(`${opts.out ?? 'stdout'}: cannot write (${io.message})`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * One pass: the data block by block → predictions appended to `tmp`. Returns null when a row is left
 * out (unscored) in a pass without the prediction_note column: the caller starts over with it.
 */
function streamPredictions(
  model: ModelFile,
  network: Network,
  opts: Flags,
  tmp: string,
  withNote: boolean,
  delimiter: string,
) {
  let out: Output | null = null;
  let fd = -1;
  let decimal: DecimalMark = '.'; // the file's, as read (a ';' file with decimal commas: ',')
  const report = new BlockReport();
  let predictions = 0;
  let written = 0;
  try {
    const read = readBlocks(
      opts.data,
      {
        ...savedFormat(model.encoding, opts, opts.data),
        naValues: model.encoding.naValues,
        progress: readProgress(),
        summaryRows: 'leave out', // a spreadsheet's Total row: left out, with a note
      },
      (table) => {
        if (!out) throw new Error('predict: a block before the header');
        const enc = applyEncoding(model.encoding, table, {
          withTarget: false,
          ...(opts.unknown ? { unknown: opts.unknown } : {}),
          missing: model.encoding.missing === 'mean' && !opts.dropMissing ? 'mean' : 'drop',
          allowEmpty: true,
        });
        checkInputs(network, enc.x.cols, opts.model, opts.data);
        if (!withNote && !opts.dropMissing && enc.left.length > 0) throw new NeedsNote();
        report.add(enc, table);
        predictions += enc.rows.length;
        decimal = table.decimal ?? '.';
        written += predictionRows(model, network, table, enc, out, opts, (rows) =>
          writeSync(fd, formatCsvRows(rows, { delimiter, decimal })),
        );
      },
      (columns) => {
        out = outputColumns(model, columns, opts, withNote);
        if (fd >= 0) closeSync(fd);
        fd = openSync(tmp, 'w');
        report.reset();
        predictions = 0;
        written = 0;
        writeSync(fd, formatCsv(out.columns, [], { delimiter, decimal: '.' }));
      },
    );
    const o = out as Output | null;
    if (!o) throw new Error('predict: no header');
    return { rows: written, predictions, decimal, notes: notes(opts.data, read, report, o) };
  } catch (e) {
    if (e instanceof NeedsNote) return null;
    throw e;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** Thrown by the first block with a row left out when the output has no prediction_note column yet. */
class NeedsNote {}

interface Output {
  columns: string[];
  /** the prediction columns added */
  added: string[];
  renamed: [string, string][];
  note: string | null;
}

/** The output's columns: the input's, then predictions (names that never collide with input columns). */
function outputColumns(model: ModelFile, columns: string[], opts: Flags, withNote: boolean): Output {
  const target = model.encoding.target;
  const taken = new Set(columns);
  const renamed: [string, string][] = [];
  const name = (wanted: string) => {
    let n = wanted;
    for (let k = 2; taken.has(n); k++) n = `${wanted}_${k}`;
    if (n !== wanted) renamed.push([wanted, n]);
    taken.add(n);
    return n;
  };
  const added = [
    ...target.columns.map((c) => name(`predicted_${c}`)),
    ...(opts.proba ? (target.classes ?? []).map((c) => name(`probability_${c}`)) : []),
  ];
  const note = withNote ? name('prediction_note') : null;
  return { columns: [...columns, ...added, ...(note ? [note] : [])], added, renamed, note };
}

/** Output rows built and written this many at a time: their cells and text die young (bounded heap). */
const WRITE_ROWS = 1024;

/**
 * A block's output rows, handed to `write` WRITE_ROWS at a time: its cells, then predictions (or empty
 * ones and why, for a row left out). Returns how many rows were written.
 */
function predictionRows(
  model: ModelFile,
  network: Network,
  table: DataTable,
  enc: Encoded,
  out: Output,
  opts: Flags,
  write: (rows: Cell[][]) => void,
): number {
  const prediction = enc.x.rows > 0 ? network.predict(enc.x) : null;
  const labels = prediction ? decodeOutputs(model.encoding, prediction) : [];
  const probs = prediction && opts.proba ? classProbabilities(model.encoding, prediction) : [];
  const why = new Map(enc.left.map((l) => [l.row, l.reason]));
  let rows: Cell[][] = [];
  let written = 0;
  let i = 0; // enc.rows: the scored rows of the table, ascending
  for (let r = 0; r < rowCount(table); r++) {
    if (enc.rows[i] === r) {
      rows.push([...rowCells(table, r), ...labels[i], ...(probs[i] ?? []), ...(out.note ? [''] : [])]);
      i++;
    } else if (out.note) rows.push([...rowCells(table, r), ...out.added.map(() => ''), why.get(r) ?? '']);
    if (rows.length === WRITE_ROWS) {
      write(rows);
      written += rows.length;
      rows = [];
    }
  }
  if (rows.length) write(rows);
  return written + rows.length;
}

function notes(
  source: string,
  read: { rows: number; notes: string[] },
  report: BlockReport,
  out: Output,
): string[] {
  const unscored = report.left.describe(read.rows, out.note ? 'no prediction for' : 'left out');
  return [
    ...read.notes,
    ...describeUnseen(source, report.unseen),
    ...(unscored ? [`${source}: ${unscored}${out.note ? ` (see the ${out.note} column)` : ''}`] : []),
    ...out.renamed.map(
      ([wanted, n]) => `${source} already has a column "${wanted}": the output calls it "${n}"`,
    ),
  ];
}

/**
 * How the output is written when it is not plain CSV ("," between fields, "." decimals), said so:
 * as the input was read (a European spreadsheet's ';' file with decimal commas opens as it came).
 */
function dialectNote({ delimiter, decimal }: CsvDialect, source: string): string | null {
  if (delimiter === ',' && decimal === '.') return null;
  const fields = delimiter === '\t' ? 'tab-separated' : `"${delimiter}"-separated`;
  return `${fields}${decimal === ',' ? ' with decimal commas' : ''}, as ${source}`;
}

/** Whether the file starts with the UTF-8 byte-order mark (EF BB BF). */
function startsWithUtf8Bom(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(3);
    return readSync(fd, head) === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  } finally {
    closeSync(fd);
  }
}

/** Copies a UTF-8 file to another behind the UTF-8 byte-order mark, in chunks. */
function copyWithBom(from: string, to: string): void {
  const input = openSync(from, 'r');
  const output = openSync(to, 'w');
  try {
    writeSync(output, Uint8Array.of(0xef, 0xbb, 0xbf));
    const buffer = new Uint8Array(1 << 20);
    for (let n = readSync(input, buffer); n > 0; n = readSync(input, buffer)) writeSync(output, buffer, 0, n);
  } finally {
    closeSync(input);
    closeSync(output);
  }
}

/** Copies a UTF-8 file to another as UTF-16 (little- or big-endian) behind its byte-order mark, in chunks. */
export function utf8ToUtf16(from: string, to: string, encoding: 'utf-16le' | 'utf-16be'): void {
  const input = openSync(from, 'r');
  const output = openSync(to, 'w');
  try {
    const decoder = new TextDecoder('utf-8');
    const encode = (text: string) => {
      const bytes = Buffer.from(text, 'utf16le');
      return encoding === 'utf-16be' ? bytes.swap16() : bytes;
    };
    writeSync(output, encode('\ufeff'));
    const buffer = new Uint8Array(1 << 20);
    for (let n = readSync(input, buffer); n > 0; n = readSync(input, buffer))
      writeSync(output, encode(decoder.decode(buffer.subarray(0, n), { stream: true })));
    writeSync(output, encode(decoder.decode()));
  } finally {
    closeSync(input);
    closeSync(output);
  }
}

/** Copies a file to stdout in chunks (stdout writes are synchronous for files and pipes on Linux). */
function copyToStdout(path: string): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(1 << 20);
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer))
      process.stdout.write(Buffer.from(buffer.subarray(0, n))); // a copy: the buffer is reused
  } finally {
    closeSync(fd);
  }
}

/** The encoded data must have as many inputs as the network takes (a model file edited by hand, say). */
export function checkInputs(network: Network, cols: number, modelPath: string, dataPath: string): void {
  if (cols !== network.inputSize) {
    throw new UsageError(
      `${dataPath}: the data encodes to ${cols} inputs but the network in ${modelPath} takes ${network.inputSize}`,
    );
  }
}
