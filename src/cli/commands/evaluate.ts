// `scratchnet evaluate`: a model and data with targets → metrics (and a confusion matrix), with the
// rows used and the rows left out (missing cells) and why.

import type { Command } from 'commander';
import {
  applyEncoding,
  dataNotes,
  weightColumn,
  type DecimalMark,
  type ThousandsSeparator,
} from '../../data/index.js';
import { modelNetwork } from '../../io/index.js';
import { UsageError } from '../errors.js';
import { evaluate, formatEvaluation } from '../evaluation.js';
import { loadModel, loadTable } from '../files.js';
import { decimalOption, thousandsOption } from '../options.js';
import { checkInputs } from './predict.js';

interface Flags {
  model: string;
  data: string;
  dropMissing?: boolean;
  json?: boolean;
  decimal?: DecimalMark;
  thousands?: ThousandsSeparator;
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
    .addOption(decimalOption())
    .addOption(thousandsOption())
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
  const network = modelNetwork(model, opts.model);
  const table = loadTable(opts.data, { decimal: opts.decimal, thousands: opts.thousands });
  const enc = applyEncoding(model.encoding, table, {
    missing: opts.dropMissing ? 'drop' : model.encoding.missing,
  });
  checkInputs(network, enc.x.cols, opts.model, opts.data);
  if (enc.y === null) throw new UsageError(`${opts.data}: no target columns`); // withTarget: never
  const weights = opts.weightColumn ? weightColumn(table, opts.weightColumn, enc.rows) : null;
  const e = evaluate(network, model.encoding, enc.x, enc.y, weights);
  const notes = dataNotes(table, enc);
  if (opts.json) {
    console.log(
      JSON.stringify({
        ...e.metrics,
        rows: e.rows,
        ...(enc.left.length ? { rowsLeftOut: enc.left.length } : {}),
        ...(e.undefined ? { undefined: e.undefined } : {}),
        ...(e.recall ? { recall: e.recall } : {}),
        ...(e.weighted ? { weighted: e.weighted } : {}),
        ...(e.confusion ? { confusion: e.confusion } : {}),
        ...(notes.length ? { notes } : {}),
      }),
    );
    return;
  }
  const left = enc.left.length ? `, ${enc.left.length} left out` : '';
  console.log(
    `${opts.data}: ${e.rows} rows used${left}, ${model.encoding.target.task} on ${model.encoding.target.columns.join(', ')}`,
  );
  for (const n of notes) console.log(`note: ${n}`);
  console.log(formatEvaluation(e));
}
