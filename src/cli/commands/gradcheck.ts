// `scratchnet gradcheck`: checks backpropagation against central differences (src/check/gradcheck.ts)
// on a network built from the same data and network options as train, or on a trained model; with
// --class-weight / --weight-column (or a model trained with them), on the loss weighted as training weighs it.
// Exit codes: 0 pass, 1 fail, 3 inconclusive (2 for user mistakes, as everywhere).

import type { Network } from '../../nn/network.js';
import { Option, type Command } from 'commander';
import { formatGradCheckReport, gradCheck } from '../../check/index.js';
import { modelNetwork } from '../../io/index.js';
import type { Matrix } from '../../matrix.js';
import { fitScaling, rowWeights, standardize, type WeightOptions } from '../../train/index.js';
import { EXIT_INCONCLUSIVE, UsageError } from '../errors.js';
import { loadModel } from '../files.js';
import {
  addDataOptions,
  addNetworkOptions,
  integer,
  loadDataForEncoding,
  loadTrainingData,
  number,
  settingRows,
  type DataFlags,
} from '../options.js';
import {
  buildNetwork,
  resolveSettings,
  weightOptions,
  type TrainFlags,
  type TrainSettings,
} from '../training.js';

interface Flags extends DataFlags, TrainFlags {
  model?: string;
  rows: number;
  epsilon?: number;
  tolerance?: number;
  maxParameters?: number;
  json?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('gradcheck')
    .description(
      "check the network's gradients against central differences (exit 0 pass, 1 fail, 3 inconclusive)",
    );
  addDataOptions(command);
  addNetworkOptions(command);
  // the weights, parsed as train parses them (settingRows)
  for (const row of settingRows.filter((r) => r.option === 'classWeight' || r.option === 'weightColumn')) {
    const option = new Option(row.flag, row.help);
    if (row.parse) option.argParser(row.parse);
    command.addOption(option);
  }
  command
    .option(
      '--model <file>',
      'check a trained model (its network, scaling and encoding) instead of a new network',
    )
    .option('--rows <n>', 'check on the first n rows of the data', integer(1), 32)
    .option(
      '--epsilon <h>',
      'relative step of the central differences (default 1e-6)',
      number(0, 0.1, { exclusiveMin: true }),
    )
    .option(
      '--tolerance <t>',
      'largest accepted relative error (default 1e-5)',
      number(0, 1, { exclusiveMin: true }),
    )
    .option(
      '--max-parameters <n>',
      'check at most this many parameters, a seeded sample (default 1000)',
      integer(1),
    )
    .option('--no-scale', 'check on the data as given (default: standardized, as training sees it)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ scratchnet gradcheck --dataset spirals --layers 16,16 --activation tanh
  $ scratchnet gradcheck --data houses.csv --target price --weight-decay 0.1
  $ scratchnet gradcheck --data visits.csv --target bought --class-weight balanced --weight-column w
  $ scratchnet gradcheck --model model.json --data test.csv --json`,
    )
    .action((flags: Flags) => {
      const point = flags.model ? modelPoint(flags, flags.model) : newPoint(flags);
      const { network, x, y, lossWeights } = point;
      const rows = Math.min(flags.rows, x.rows);
      const head = (m: Matrix) => ({ rows, cols: m.cols, data: m.data.slice(0, rows * m.cols) });
      const report = gradCheck(network, head(x), head(y), {
        ...(flags.epsilon !== undefined ? { epsilon: flags.epsilon } : {}),
        ...(flags.tolerance !== undefined ? { tolerance: flags.tolerance } : {}),
        ...(flags.maxParameters !== undefined ? { maxParameters: flags.maxParameters } : {}),
        ...(lossWeights ? { sampleWeight: checkedRowsWeights(lossWeights, rows) } : {}),
      });
      const weights = lossWeights ? point.weights : undefined;
      if (flags.json) console.log(JSON.stringify({ ...report, ...(weights ? { weights } : {}) }));
      else
        console.log(formatGradCheckReport(report).trimEnd() + (weights ? `\n\n${weightsLine(weights)}` : ''));
      process.exitCode = report.verdict === 'pass' ? 0 : report.verdict === 'fail' ? 1 : EXIT_INCONCLUSIVE;
    });
}

/** What is checked: the network, the data as training sees it, and every row's loss weight (null: unweighted). */
interface CheckPoint {
  network: Network;
  x: Matrix;
  y: Matrix;
  lossWeights: Float64Array | null;
  /** the weights as given (flags, or the model's settings) */
  weights: Pick<TrainSettings, 'classWeight' | 'weightColumn'>;
}

/** --class-weight and --weight-column as given (the keys left out when not given). */
function weightSpec({ classWeight, weightColumn }: CheckPoint['weights']): CheckPoint['weights'] {
  return { ...(classWeight !== undefined ? { classWeight } : {}), ...(weightColumn ? { weightColumn } : {}) };
}

/** The line saying which weights the checked loss has. */
function weightsLine({ classWeight, weightColumn }: CheckPoint['weights']): string {
  const by = [
    ...(weightColumn ? [`column ${weightColumn}`] : []),
    ...(classWeight !== undefined
      ? [`class (${typeof classWeight === 'string' ? classWeight : JSON.stringify(classWeight)})`]
      : []),
  ];
  return `checked the loss with rows weighted by ${by.join(' and by ')}, as training weighs them`;
}

/** A trained model on this data (its scaling applied); weighted by the flags, else as it was trained. */
function modelPoint(flags: Flags, file: string): CheckPoint {
  const model = loadModel(file);
  const network = modelNetwork(model, file);
  if (!flags.data && !flags.dataset)
    throw new UsageError('gradcheck --model needs data to check on: --data FILE or --dataset NAME');
  const data = loadDataForEncoding(flags, model.encoding);
  const saved = model.settings as CheckPoint['weights'];
  const given = flags.classWeight !== undefined || flags.weightColumn !== undefined;
  const spec = given ? flags : saved;
  const weights = weightOptions(spec as TrainSettings, data);
  let { x, y } = data.encoded;
  const lossWeights = rowLossWeights(network, weights, y);
  const sc = network.scaling;
  if (sc) {
    x = standardize(x, sc.inputMean, sc.inputStd);
    if (sc.targetMean && sc.targetStd) y = standardize(y, sc.targetMean, sc.targetStd);
  }
  return { network, x, y, lossWeights, weights: weightSpec(spec) };
}

/** A new network from the flags, on the data standardized as fit would (unless --no-scale). */
function newPoint(flags: Flags): CheckPoint {
  const data = loadTrainingData(flags);
  const task = data.encoding.target.task;
  const settings = resolveSettings(flags, task);
  let { x, y } = data.encoded;
  const network = buildNetwork(settings, x, y, task);
  const lossWeights = rowLossWeights(network, weightOptions(settings, data), y);
  if (settings.scale) {
    // check where training works: on standardized data, as fit sees it
    const sc = fitScaling(x, task === 'regression' ? y : undefined);
    x = standardize(x, sc.inputMean, sc.inputStd);
    if (sc.targetMean && sc.targetStd) y = standardize(y, sc.targetMean, sc.targetStd);
  }
  return { network, x, y, lossWeights, weights: weightSpec(settings) };
}

/** Each row's loss weight (sampleWeight × classWeight over every row, as training weighs it); null without weights. */
function rowLossWeights(network: Network, weights: WeightOptions, y: Matrix): Float64Array | null {
  return rowWeights(weights, y, network.loss.kind === 'classification')?.loss ?? null;
}

/** The first `rows` loss weights: the checked rows' (an error when they all weigh 0). */
function checkedRowsWeights(w: Float64Array, rows: number): Float64Array {
  const head = w.slice(0, rows);
  if (!head.some((v) => v > 0))
    throw new UsageError(`the first ${rows} rows all weigh 0: nothing to check; give --rows a larger n`);
  return head;
}
