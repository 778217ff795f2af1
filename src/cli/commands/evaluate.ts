// `scratchnet evaluate`: a model and data with targets → metrics (and a confusion matrix), with the
// rows used and the rows left out (missing cells) and why.

import type { Command } from 'commander';
import {
  applyEncoding,
  BlockReport,
  describeUnseen,
  GrowingMatrix,
  weightColumn,
  type DecimalMark,
  type ThousandsSeparator,
} from '../../data/index.js';
import { DataError } from '../../errors.js';
import { modelNetwork, type ModelFile } from '../../io/index.js';
import type { Network } from '../../nn/network.js';
import { UsageError } from '../errors.js';
import { evaluateOutputs, formatEvaluation, formatNumber, type Evaluation } from '../evaluation.js';
import { checkpointNote, loadModel, readBlocks, savedFormat } from '../files.js';
import { decimalOption, thousandsOption, unknownOption } from '../options.js';
import { readProgress } from '../progress.js';
import { checkInputs } from './predict.js';

interface Flags {
  model: string;
  data: string;
  dropMissing?: boolean;
  json?: boolean;
  decimal?: DecimalMark;
  thousands?: ThousandsSeparator;
  /** overrides the unseen-category policy saved in the model */
  unknown?: 'error' | 'ignore';
  weightColumn?: string;
}

export function register(program: Command): void {
  program
    .command('evaluate')
    .description('measure a trained model on data that has the target column(s)')
    .requiredOption('--model <file>', 'model file written by train')
    .requiredOption('--data <file>', 'CSV or JSON records with the same columns as the training data')
    .option('--drop-missing', 'leave out rows with missing cells (counted in the report)')
    .option(
      '--weight-column <column>',
      'a column of row weights (numbers ≥ 0): also report the metrics weighted by it (default: none)',
    )
    .addOption(decimalOption(true))
    .addOption(thousandsOption(true))
    .addOption(unknownOption())
    .option(
      '--json',
      'print one JSON object: {"r2", "rmse", "mae", "mse"} or {"accuracy", "logLoss", "balancedAccuracy", "recall", "confusion"}, plus "rows" (used), "weighted" with --weight-column, and "rowsLeftOut" and "notes" when rows were left out; an undefined metric is null',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ scratchnet evaluate --model model.json --data test.csv
  $ scratchnet evaluate --model model.json --data test.csv --json | jq .r2`,
    )
    .action((opts: Flags) => run(opts));
}

function run(opts: Flags): void {
  const model = loadModel(opts.model);
  const unfinished = checkpointNote(model, opts.model);
  if (unfinished) process.stderr.write(`note: ${unfinished}\n`);
  const network = modelNetwork(model, opts.model);
  const { read, report, out, y, weights } = streamOutputs(model, network, opts);
  const e = evaluateOutputs(model.encoding, out.matrix, y.matrix, weights);
  const enc = { left: report.left, unseen: report.unseen };
  const leftOut = enc.left.describe(read.rows);
  const notes = [
    ...read.notes,
    ...(leftOut ? [`${opts.data}: ${leftOut}`] : []),
    ...describeUnseen(opts.data, enc.unseen),
    ...worseThanConstant(e),
  ];
  if (opts.json) {
    console.log(
      JSON.stringify({
        ...e.metrics,
        rows: e.rows,
        ...(enc.left.rows ? { rowsLeftOut: enc.left.rows } : {}),
        ...(e.undefined ? { undefined: e.undefined } : {}),
        ...(e.recall ? { recall: e.recall } : {}),
        ...(e.weighted ? { weighted: e.weighted } : {}),
        ...(e.perTarget ? { perTarget: e.perTarget } : {}),
        ...(e.confusion ? { confusion: e.confusion } : {}),
        ...(notes.length ? { notes } : {}),
      }),
    );
    return;
  }
  const left = enc.left.rows ? `, ${enc.left.rows.toLocaleString('en-US')} left out` : '';
  console.log(
    `${opts.data}: ${e.rows} rows used${left}, ${model.encoding.target.task} on ${model.encoding.target.columns.join(', ')}`,
  );
  for (const n of notes) console.log(`note: ${n}`);
  console.log(formatEvaluation(e));
}

/**
 * A note when the model does worse on these rows than a constant would: R² below 0 (their own mean
 * predicts better), or accuracy below the share of their most frequent class (always predicting it
 * would score more).
 */
function worseThanConstant(e: Evaluation): string[] {
  const { r2, accuracy } = e.metrics;
  if (typeof r2 === 'number' && r2 < 0)
    return [
      `r2 ${formatNumber(r2)} is below 0: on these rows the model does worse than predicting their mean`,
    ];
  if (typeof accuracy !== 'number' || !e.confusion) return [];
  const { classes, counts } = e.confusion;
  const sizes = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const top = sizes.indexOf(Math.max(...sizes));
  const share = sizes[top] / sizes.reduce((a, b) => a + b, 0);
  if (accuracy >= share) return [];
  return [
    `accuracy ${formatNumber(accuracy)} is below ${formatNumber(share)}, the share of the most frequent class (${JSON.stringify(classes[top])}) in these rows: always predicting it would score more`,
  ];
}

/**
 * The data block by block → the network's outputs and the targets, appended (memory: the file's rows ×
 * the model's outputs, not its inputs), with the rows left out and the unseen categories.
 */
function streamOutputs(model: ModelFile, network: Network, opts: Flags) {
  const report = new BlockReport();
  let out = new GrowingMatrix(network.outputSize);
  let y = new GrowingMatrix(targetColumns(model));
  let weightBlocks: Float64Array[] = [];
  const read = readBlocks(
    opts.data,
    {
      ...savedFormat(model.encoding, opts, opts.data),
      naValues: model.encoding.naValues,
      progress: opts.json ? undefined : readProgress(),
      summaryRows: 'leave out', // a spreadsheet's Total row: left out, with a note
    },
    (table) => {
      const enc = applyEncoding(model.encoding, table, {
        missing: opts.dropMissing ? 'drop' : model.encoding.missing,
        ...(opts.unknown ? { unknown: opts.unknown } : {}),
        allowEmpty: true, // a block may be all missing; the file as a whole may not (below)
        collectMissing: true, // rows whose missing cells stop: counted over the whole file (below)
      });
      checkInputs(network, enc.x.cols, opts.model, opts.data);
      if (enc.y === null) throw new UsageError(`${opts.data}: no target columns`); // withTarget: never
      report.add(enc, table);
      if (enc.x.rows === 0) return;
      out.append(network.predict(enc.x));
      y.append(enc.y);
      if (opts.weightColumn) weightBlocks.push(weightColumn(table, opts.weightColumn, enc.rows));
    },
    () => {
      report.reset();
      weightBlocks = [];
      out = new GrowingMatrix(network.outputSize);
      y = new GrowingMatrix(targetColumns(model));
    },
  );
  report.throwStops(opts.data, 'Pass --drop-missing to leave those rows out');
  if (out.rows === 0)
    throw new DataError(
      `${opts.data}: every row has a missing value in the columns used; nothing is left to evaluate`,
      'data',
    );
  return { read, report, out, y, weights: opts.weightColumn ? concat(weightBlocks, out.rows) : null };
}

/** Columns of the encoded targets: one per regression target, 1 for binary, one per class otherwise. */
function targetColumns(model: ModelFile): number {
  const t = model.encoding.target;
  return t.task === 'regression' ? t.columns.length : t.task === 'binary' ? 1 : (t.classes ?? []).length;
}

/** The blocks' weights end to end. */
function concat(blocks: readonly Float64Array[], rows: number): Float64Array {
  const all = new Float64Array(rows);
  let at = 0;
  for (const b of blocks) {
    all.set(b, at);
    at += b.length;
  }
  return all;
}
