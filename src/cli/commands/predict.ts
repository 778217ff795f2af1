// `scratchnet predict`: a model and data → the data as CSV with predictions appended, in the original
// target units (regression) or labels (classification); --proba adds one probability per class.

import type { Command } from 'commander';
import { applyEncoding, classProbabilities, decodeOutputs, formatCsv, type Cell } from '../../data/index.js';
import { modelNetwork } from '../../io/index.js';
import type { Network } from '../../nn/network.js';
import { UsageError } from '../errors.js';
import { loadModel, loadTable, writeAtomic } from '../files.js';

export function register(program: Command): void {
  program
    .command('predict')
    .description("append the model's predictions to a data file (CSV out)")
    .requiredOption('--model <file>', 'model file written by train')
    .requiredOption('--data <file>', 'CSV or JSON records with the feature columns the model was trained on')
    .option('--out <file>', 'write the CSV here (default: stdout)')
    .option('--proba', 'classification: also write the probability of each class')
    .option('--drop-missing', 'leave out rows with missing cells (default: stop with a list of them)')
    .addHelpText(
      'after',
      `
Examples:
  $ scratchnet predict --model model.json --data new.csv --out predictions.csv
  $ scratchnet predict --model model.json --data new.json --proba > predictions.csv`,
    )
    .action((opts: { model: string; data: string; out?: string; proba?: boolean; dropMissing?: boolean }) => {
      const model = loadModel(opts.model);
      const network = modelNetwork(model, opts.model);
      const table = loadTable(opts.data);
      const enc = applyEncoding(model.encoding, table, {
        withTarget: false,
        missing: opts.dropMissing ? 'drop' : model.encoding.missing,
      });
      checkInputs(network, enc.x.cols, opts.model, opts.data);
      const out = network.predict(enc.x);
      const target = model.encoding.target;
      const labels = decodeOutputs(model.encoding, out);
      const columns = [...table.columns, ...target.columns.map((c) => `predicted_${c}`)];
      if (opts.proba) {
        if (target.task === 'regression')
          throw new UsageError('--proba applies to classification models; this model does regression');
        columns.push(...target.classes!.map((c) => `probability_${c}`));
      }
      const probs = opts.proba ? classProbabilities(model.encoding, out) : null;
      const rows: Cell[][] = enc.rows.map((r, i) => [
        ...table.rows[r],
        ...labels[i],
        ...(probs ? probs[i] : []),
      ]);
      const csv = formatCsv(columns, rows);
      if (opts.out) {
        writeAtomic(opts.out, csv);
        console.error(`wrote ${rows.length} predictions to ${opts.out}`);
      } else process.stdout.write(csv);
    });
}

/** The encoded data must have as many inputs as the network takes (a model file edited by hand, say). */
export function checkInputs(network: Network, cols: number, modelPath: string, dataPath: string): void {
  if (cols !== network.inputSize) {
    throw new UsageError(
      `${dataPath}: the data encodes to ${cols} inputs but the network in ${modelPath} takes ${network.inputSize}`,
    );
  }
}
