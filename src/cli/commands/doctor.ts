// `scratchnet doctor`: says why a network would not learn (src/check/doctor.ts) — for the network
// and training settings train would use on this data, or for a trained model (--model).
// Exit codes: 0 no error-level finding, 1 an error-level finding, 3 inconclusive (no error, but the
// probes found no learning rate at which the network trains stably, or the gradient check could
// not decide); 2 for user mistakes, as everywhere.

import type { Command } from 'commander';
import { diagnose, type DoctorReport } from '../../check/index.js';
import type { Encoding } from '../../data/index.js';
import { modelNetwork } from '../../io/index.js';
import { EXIT_INCONCLUSIVE, UsageError } from '../errors.js';
import { loadModel } from '../files.js';
import { doctorReportJson, formatDoctorReport } from '../fixes.js';
import {
  addDataOptions,
  addNetworkOptions,
  addTrainingOptions,
  loadDataForEncoding,
  loadTrainingData,
  type DataFlags,
} from '../options.js';
import {
  buildNetwork,
  holdOutByDefault,
  resolveSettings,
  weightOptions,
  type TrainFlags,
  type TrainSettings,
} from '../training.js';
import type { ClassWeight } from '../../train/index.js';

interface Flags extends DataFlags, TrainFlags {
  model?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('doctor')
    .description(
      'diagnose why a network is not learning: probes, data checks and rules, with suggested fixes ' +
        '(exit 0 no errors, 1 errors found, 3 inconclusive)',
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
      const report = flags.model ? diagnoseModel(flags, flags.model) : diagnoseNew(flags);
      console.log(flags.json ? doctorReportJson(report) : formatDoctorReport(report).trimEnd());
      process.exitCode = exitCode(report);
    });
}

/** A trained model on this data, judged with the settings it was trained with. */
function diagnoseModel(flags: Flags, file: string): DoctorReport {
  const model = loadModel(file);
  if (!flags.data && !flags.dataset)
    throw new UsageError('doctor --model needs data: --data FILE or --dataset NAME');
  const network = modelNetwork(model, file);
  const loaded = loadDataForEncoding(flags, model.encoding);
  const { x, y, inputNames } = loaded.encoded;
  const s = model.settings as {
    optimizer?: string;
    learningRate?: number;
    batchSize?: number;
    epochs?: number;
    classWeight?: ClassWeight;
    weightColumn?: string;
    validationSplit?: number;
    earlyStopping?: number | true;
  };
  const h = model.history as { loss?: number[]; valLoss?: number[] } | undefined;
  // the model's network predicts in original units: the doctor sees the data as training did
  return diagnose(
    network,
    { x, y },
    {
      optimizer: s.optimizer ?? 'adam', // fit's default optimizer
      learningRate: s.learningRate,
      epochs: s.epochs,
      batchSize: s.batchSize,
      scale: Boolean(network.scaling),
      trained: true,
      heldOut: heldOut(s), // what the run held out: advice does not repeat it
      ...weightOptions(s as TrainSettings, loaded), // the weights it was trained with
      columns: columnNames(inputNames, model.encoding),
      ...(h?.loss
        ? { history: { loss: h.loss, ...(h.valLoss?.length ? { validationLoss: h.valLoss } : {}) } }
        : {}),
    },
  );
}

/** The network and training settings `train` would use on this data. */
function diagnoseNew(flags: Flags): DoctorReport {
  const data = loadTrainingData(flags);
  for (const w of data.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  for (const n of data.notes ?? []) process.stderr.write(`note: ${n}\n`); // identifiers, rows left out
  const task = data.encoding.target.task;
  const settings = resolveSettings(flags, task);
  const { x, y, inputNames } = data.encoded;
  const network = buildNetwork(settings, x, y, task);
  const planned = { ...settings };
  holdOutByDefault(planned, x.rows, task); // what train holds out by default, so advice does not repeat it
  return diagnose(
    network,
    { x, y },
    {
      optimizer: settings.optimizer ?? 'adam',
      learningRate: settings.learningRate,
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      scale: settings.scale,
      seed: settings.seed,
      heldOut: heldOut(planned),
      ...weightOptions(settings, data),
      columns: columnNames(inputNames, data.encoding),
    },
  );
}

/** What training holds out, from its settings (DoctorOptions.heldOut). */
function heldOut(settings: { validationSplit?: number; earlyStopping?: number | true }) {
  return {
    ...(settings.validationSplit !== undefined ? { validationSplit: settings.validationSplit } : {}),
    earlyStopping: settings.earlyStopping !== undefined,
  };
}

/** The names of the network's inputs and outputs (one-hot outputs are named by class). */
function columnNames(inputs: string[], encoding: Encoding) {
  const t = encoding.target;
  return { inputs, targets: t.task === 'multiclass' && t.classes ? t.classes : t.columns };
}

function exitCode(report: DoctorReport): number {
  if (report.findings.some((f) => f.severity === 'error')) return 1;
  const undecided =
    report.summary.recommendedLearningRate === undefined ||
    report.findings.some((f) => f.rule === 'gradient-check' && f.evidence?.inconclusive === 1);
  return undecided ? EXIT_INCONCLUSIVE : 0;
}
