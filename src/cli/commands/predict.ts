// `scratchnet predict`: a model and data → the data as CSV with predictions appended, in the original
// target units (regression) or labels (classification); --proba adds one probability per class.
// Every input row is written, in order: a row that cannot be scored (missing cells) gets empty
// predictions and a "prediction_note" column saying why, unless --drop-missing leaves it out.

import type { Command } from 'commander';
import {
  applyEncoding,
  classProbabilities,
  dataNotes,
  decodeOutputs,
  describeLeftOut,
  formatCsv,
  type Cell,
  type DecimalMark,
  type ThousandsSeparator,
  type Encoded,
  type Table,
} from '../../data/index.js';
import { modelNetwork, type ModelFile } from '../../io/index.js';
import type { Network } from '../../nn/network.js';
import { UsageError } from '../errors.js';
import { checkOutput, loadModel, loadTable, writeAtomic } from '../files.js';
import { decimalOption, thousandsOption } from '../options.js';

interface Flags {
  model: string;
  data: string;
  out?: string;
  proba?: boolean;
  dropMissing?: boolean;
  decimal?: DecimalMark;
  thousands?: ThousandsSeparator;
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
    .addOption(decimalOption())
    .addOption(thousandsOption())
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
  if (opts.out)
    checkOutput(opts.out, '--out', [
      ['--data', opts.data],
      ['--model', opts.model],
    ]);
  const model = loadModel(opts.model);
  const network = modelNetwork(model, opts.model);
  const table = loadTable(opts.data, { decimal: opts.decimal, thousands: opts.thousands });
  const target = model.encoding.target;
  if (opts.proba && target.task === 'regression')
    throw new UsageError('--proba applies to classification models; this model does regression');
  const enc = applyEncoding(model.encoding, table, {
    withTarget: false,
    missing: model.encoding.missing === 'mean' && !opts.dropMissing ? 'mean' : 'drop',
    allowEmpty: true,
  });
  checkInputs(network, enc.x.cols, opts.model, opts.data);
  const { columns, rows, renamed, note } = predictionTable(model, network, table, enc, opts);
  const csv = formatCsv(columns, rows);
  for (const n of notes(table, enc, renamed, note)) process.stderr.write(`note: ${n}\n`);
  if (opts.out) {
    writeAtomic(opts.out, csv);
    console.error(`wrote ${rows.length} rows (${enc.rows.length} predictions) to ${opts.out}`);
  } else process.stdout.write(csv);
}

/** The output: input columns, then predictions (names that never collide with input columns). */
function predictionTable(model: ModelFile, network: Network, table: Table, enc: Encoded, opts: Flags) {
  const target = model.encoding.target;
  const taken = new Set(table.columns);
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
  const unscored = !opts.dropMissing && enc.left.length > 0;
  const note = unscored ? name('prediction_note') : null;
  const columns = [...table.columns, ...added, ...(note ? [note] : [])];
  const out = enc.x.rows > 0 ? network.predict(enc.x) : null;
  const labels = out ? decodeOutputs(model.encoding, out) : [];
  const probs = out && opts.proba ? classProbabilities(model.encoding, out) : [];
  const scored = new Map<number, Cell[]>(
    enc.rows.map((r, i) => [r, [...labels[i], ...(probs[i] ?? []), ...(unscored ? [''] : [])]]),
  );
  const why = new Map(enc.left.map((l) => [l.row, l.reason]));
  const rows: Cell[][] = [];
  table.rows.forEach((cells, r) => {
    const p = scored.get(r);
    if (p) rows.push([...cells, ...p]);
    else if (unscored) rows.push([...cells, ...added.map(() => ''), why.get(r) ?? '']);
  });
  return { columns, rows, renamed, note };
}

function notes(table: Table, enc: Encoded, renamed: [string, string][], note: string | null): string[] {
  const total = table.rows.length;
  const unscored = describeLeftOut(enc.left, total, note ? 'no prediction for' : 'left out');
  return [
    ...dataNotes(table, { left: [], unseen: enc.unseen }),
    ...(unscored ? [`${table.source}: ${unscored}${note ? ` (see the ${note} column)` : ''}`] : []),
    ...renamed.map(
      ([wanted, n]) => `${table.source} already has a column "${wanted}": the output calls it "${n}"`,
    ),
  ];
}

/** The encoded data must have as many inputs as the network takes (a model file edited by hand, say). */
export function checkInputs(network: Network, cols: number, modelPath: string, dataPath: string): void {
  if (cols !== network.inputSize) {
    throw new UsageError(
      `${dataPath}: the data encodes to ${cols} inputs but the network in ${modelPath} takes ${network.inputSize}`,
    );
  }
}
