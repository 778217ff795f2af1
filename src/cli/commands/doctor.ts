// `scratchnet doctor`: says why a network would not learn (src/check/doctor.ts) — for the network
// and training settings train would use on this data, or for a trained model (--model).

import type { Command } from 'commander';
import { diagnose, formatDoctorReport } from '../../check/index.js';
import { modelNetwork } from '../../io/index.js';
import { UsageError } from '../errors.js';
import { loadModel } from '../files.js';
import {
  addDataOptions,
  addNetworkOptions,
  addTrainingOptions,
  loadDataForEncoding,
  loadTrainingData,
  type DataFlags,
} from '../options.js';
import { buildNetwork, resolveSettings, type TrainFlags } from '../training.js';

interface Flags extends DataFlags, TrainFlags {
  model?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('doctor')
    .description(
      'diagnose why a network is not learning: probes, data checks and rules, with suggested fixes',
    );
  addDataOptions(command);
  addNetworkOptions(command);
  addTrainingOptions(command);
  command
    .option('--model <file>', 'diagnose a trained model on this data instead of a new network')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ scratchnet doctor --dataset seed-square --layers 64 --activation leakyRelu --output leakyRelu --optimizer sgd --lr 1e-6
  $ scratchnet doctor --data houses.csv --target price --no-scale
  $ scratchnet doctor --model model.json --data test.csv --json`,
    )
    .action((flags: Flags) => {
      let report;
      if (flags.model) {
        const model = loadModel(flags.model);
        if (!flags.data && !flags.dataset)
          throw new UsageError('doctor --model needs data: --data FILE or --dataset NAME');
        const network = modelNetwork(model, flags.model);
        const { x, y } = loadDataForEncoding(flags, model.encoding).encoded;
        const s = model.settings as {
          optimizer?: string;
          learningRate?: number;
          batchSize?: number;
          epochs?: number;
        };
        const h = model.history as { loss?: number[]; valLoss?: number[] } | undefined;
        // the model's network predicts in original units: the doctor sees the data as training did
        report = diagnose(
          network,
          { x, y },
          {
            optimizer: s.optimizer ?? 'adam',
            learningRate: s.learningRate,
            epochs: s.epochs,
            batchSize: s.batchSize, // fit's default optimizer
            scale: Boolean(network.scaling),
            trained: true,
            ...(h?.loss
              ? { history: { loss: h.loss, ...(h.valLoss?.length ? { validationLoss: h.valLoss } : {}) } }
              : {}),
          },
        );
      } else {
        const data = loadTrainingData(flags);
        const task = data.encoding.target.task;
        const settings = resolveSettings(flags, task);
        const { x, y } = data.encoded;
        const network = buildNetwork(settings, x, y, task);
        report = diagnose(
          network,
          { x, y },
          {
            optimizer: settings.optimizer ?? 'adam',
            learningRate: settings.learningRate,
            epochs: settings.epochs,
            batchSize: settings.batchSize,
            scale: settings.scale,
            seed: settings.seed,
          },
        );
      }
      console.log(flags.json ? JSON.stringify(report) : formatDoctorReport(report).trimEnd());
    });
}
