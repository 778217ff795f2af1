// `scratchnet evaluate`: a model and data with targets → metrics (and a confusion matrix).

import type { Command } from 'commander';
import { applyEncoding } from '../../data/index.js';
import { modelNetwork } from '../../io/index.js';
import { evaluate, formatEvaluation } from '../evaluation.js';
import { loadModel, loadTable } from '../files.js';
import { checkInputs } from './predict.js';

export function register(program: Command): void {
  program
    .command('evaluate')
    .description('measure a trained model on data that has the target column(s)')
    .requiredOption('--model <file>', 'model file written by train')
    .requiredOption('--data <file>', 'CSV or JSON records with the same columns as the training data')
    .option('--drop-missing', 'leave out rows with missing cells')
    .option(
      '--json',
      'print one JSON object: {"r2", "rmse", "mae", "mse"} or {"accuracy", "logLoss", "confusion"}, plus "rows"',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ scratchnet evaluate --model model.json --data test.csv
  $ scratchnet evaluate --model model.json --data test.csv --json | jq .r2`,
    )
    .action((opts: { model: string; data: string; dropMissing?: boolean; json?: boolean }) => {
      const model = loadModel(opts.model);
      const network = modelNetwork(model, opts.model);
      const table = loadTable(opts.data);
      const enc = applyEncoding(model.encoding, table, {
        missing: opts.dropMissing ? 'drop' : model.encoding.missing,
      });
      checkInputs(network, enc.x.cols, opts.model, opts.data);
      const e = evaluate(network, model.encoding, enc.x, enc.y!);
      if (opts.json) {
        console.log(
          JSON.stringify({ ...e.metrics, rows: e.rows, ...(e.confusion ? { confusion: e.confusion } : {}) }),
        );
      } else {
        console.log(
          `${opts.data}: ${e.rows} rows, ${model.encoding.target.task} on ${model.encoding.target.columns.join(', ')}`,
        );
        console.log(formatEvaluation(e));
      }
    });
}
