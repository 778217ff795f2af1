// `scratchnet gradcheck`: checks backpropagation against central differences (src/check/gradcheck.ts)
// on a network built from the same data and network options as train, or on a trained model.
// Exit codes: 0 pass, 1 fail, 3 inconclusive (2 for user mistakes, as everywhere).

import type { Network } from '../../nn/network.js';
import type { Command } from 'commander';
import { formatGradCheckReport, gradCheck } from '../../check/index.js';
import { modelNetwork } from '../../io/index.js';
import type { Matrix } from '../../matrix.js';
import { fitScaling, standardize } from '../../train/index.js';
import { EXIT_INCONCLUSIVE, UsageError } from '../errors.js';
import { loadModel } from '../files.js';
import {
  addDataOptions,
  addNetworkOptions,
  integer,
  loadDataForEncoding,
  loadTrainingData,
  number,
  type DataFlags,
} from '../options.js';
import { buildNetwork, resolveSettings, type TrainFlags } from '../training.js';

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
  $ scratchnet gradcheck --model model.json --data test.csv --json`,
    )
    .action((flags: Flags) => {
      let network: Network;
      let x: Matrix;
      let y: Matrix;
      if (flags.model) {
        const model = loadModel(flags.model);
        network = modelNetwork(model, flags.model);
        if (!flags.data && !flags.dataset)
          throw new UsageError('gradcheck --model needs data to check on: --data FILE or --dataset NAME');
        const data = loadDataForEncoding(flags, model.encoding);
        ({ x, y } = data.encoded);
        const sc = network.scaling;
        if (sc) {
          x = standardize(x, sc.inputMean, sc.inputStd);
          if (sc.targetMean && sc.targetStd) y = standardize(y, sc.targetMean, sc.targetStd);
        }
      } else {
        const data = loadTrainingData(flags);
        const task = data.encoding.target.task;
        const settings = resolveSettings(flags, task);
        ({ x, y } = data.encoded);
        network = buildNetwork(settings, x, y, task);
        if (settings.scale) {
          // check where training works: on standardized data, as fit sees it
          const sc = fitScaling(x, task === 'regression' ? y : undefined);
          x = standardize(x, sc.inputMean, sc.inputStd);
          if (sc.targetMean && sc.targetStd) y = standardize(y, sc.targetMean, sc.targetStd);
        }
      }
      const rows = Math.min(flags.rows, x.rows);
      const head = (m: Matrix) => ({ rows, cols: m.cols, data: m.data.slice(0, rows * m.cols) });
      const report = gradCheck(network, head(x), head(y), {
        ...(flags.epsilon !== undefined ? { epsilon: flags.epsilon } : {}),
        ...(flags.tolerance !== undefined ? { tolerance: flags.tolerance } : {}),
        ...(flags.maxParameters !== undefined ? { maxParameters: flags.maxParameters } : {}),
      });
      console.log(flags.json ? JSON.stringify(report) : formatGradCheckReport(report).trimEnd());
      process.exitCode = report.verdict === 'pass' ? 0 : report.verdict === 'fail' ? 1 : EXIT_INCONCLUSIVE;
    });
}
