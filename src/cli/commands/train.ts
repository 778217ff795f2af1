// `scratchnet train`: data → trained network → model file and plots. Checkpoints every N epochs and
// on Ctrl-C / SIGTERM (then exits saying where the checkpoint is); --resume continues one exactly.

import type { Command } from 'commander';
import { Option } from 'commander';
import { MODEL_FORMAT, MODEL_VERSION, modelNetwork, serializeModel, type ModelFile } from '../../io/index.js';
import type { Network } from '../../nn/network.js';
import type { Matrix } from '../../matrix.js';
import { UsageError } from '../errors.js';
import { evaluate, formatEvaluation } from '../evaluation.js';
import { basename } from 'node:path';
import { checkOutput, dataFileNear, loadModel, writeAtomic } from '../files.js';
import {
  addDataOptions,
  addNetworkOptions,
  addTrainingOptions,
  integer,
  loadDataForEncoding,
  loadTrainingData,
  type DataFlags,
  type LoadedData,
} from '../options.js';
import { chartsFor, writePlots } from '../plots.js';
import { createProgress } from '../progress.js';
import type { FitCheckpoint, History } from '../../train/index.js';
import {
  buildNetwork,
  resolveSettings,
  runTraining,
  type TrainFlags,
  type TrainSettings,
} from '../training.js';

interface Flags extends DataFlags, TrainFlags {
  out: string;
  plots?: string | false;
  checkpoint?: string;
  checkpointEvery?: number;
  resume?: string;
  json?: boolean;
  progress: 'auto' | 'bar' | 'lines' | 'quiet';
}

/** Flags that describe the network or its training: fixed by the checkpoint when resuming. */
const settingFlags: (keyof TrainFlags)[] = [
  'layers',
  'activation',
  'output',
  'loss',
  'init',
  'optimizer',
  'lr',
  'momentum',
  'epochs',
  'batchSize',
  'weightDecay',
  'valSplit',
  'earlyStop',
  'seed',
];
const settingFlagNames: Record<string, string> = {
  lr: '--lr',
  batchSize: '--batch-size',
  weightDecay: '--weight-decay',
  valSplit: '--val-split',
  earlyStop: '--early-stop',
};

export function register(program: Command): void {
  const command = program
    .command('train')
    .description('train a network on a data file or a built-in dataset; write the model file and plots');
  addDataOptions(command);
  addNetworkOptions(command);
  addTrainingOptions(command);
  command
    .option('--out <file>', 'model file to write', 'model.json')
    .option('--plots <dir>', 'folder for the plots (SVG and PNG; default: <out>-plots)')
    .option('--no-plots', 'draw no plots')
    .option('--checkpoint <file>', 'checkpoint file (default: <out> with .checkpoint.json)')
    .option(
      '--checkpoint-every <epochs>',
      'also write the checkpoint every this many epochs (default: only on Ctrl-C / SIGTERM)',
      integer(1),
    )
    .option(
      '--resume <file>',
      'continue an interrupted run from its checkpoint (same data; settings come from the checkpoint)',
    )
    .option('--json', 'print one JSON summary on stdout (progress goes to stderr)')
    .addOption(
      new Option(
        '--progress <mode>',
        'progress display: auto (bar on a terminal, lines otherwise), bar, lines or quiet',
      )
        .choices(['auto', 'bar', 'lines', 'quiet'])
        .default('auto'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ scratchnet train --data cars.csv --target mpg --out cars.json
  $ scratchnet train --data penguins.json --target Species --drop-missing --layers 32,32 --epochs 300
  $ scratchnet train --dataset spirals --layers 16,16 --activation tanh --optimizer adam --lr 0.01 --seed 3
  $ scratchnet train --resume model.checkpoint.json`,
    )
    .action(async (flags: Flags) => {
      await train(flags, command);
    });
}

async function train(flags: Flags, command: Command): Promise<void> {
  // On --resume, where to write comes from the checkpoint unless given again.
  const saved = flags.resume ? loadModel(flags.resume) : null;
  const paths = saved?.checkpoint?.paths;
  const given = (name: string) => command.getOptionValueSource(name) === 'cli';
  const out = paths && !given('out') ? paths.out : flags.out;
  const checkpointPath =
    paths && !given('checkpoint')
      ? paths.checkpoint
      : (flags.checkpoint ?? out.replace(/(\.json)?$/i, '.checkpoint.json'));
  const plotsDir =
    paths && !given('plots')
      ? paths.plots
      : flags.plots === false
        ? null
        : (flags.plots ?? out.replace(/(\.json)?$/i, '-plots'));
  const log = (line: string) => (flags.json ? process.stderr : process.stdout).write(line + '\n');

  let data: LoadedData;
  let settings: TrainSettings;
  let network: Network;
  let resume: FitCheckpoint | null = null;
  let dataRecord: Record<string, unknown>;
  if (flags.resume && saved) {
    const fixed = settingFlags.filter((k) => given(k));
    if (fixed.length > 0) {
      throw new UsageError(
        `--resume continues a run with the settings saved in its checkpoint; drop ${fixed.map((k) => settingFlagNames[k] ?? `--${k}`).join(', ')}`,
      );
    }
    if (!saved.checkpoint)
      throw new UsageError(
        `${flags.resume}: this model finished training; --resume takes a checkpoint file (written on Ctrl-C or by --checkpoint-every)`,
      );
    const rec = saved.data ?? { source: '' };
    const dataFlags: DataFlags =
      flags.data || flags.dataset
        ? flags
        : {
            ...(rec.file ? { data: dataFileNear(flags.resume, String(rec.file)) } : {}),
            ...(rec.dataset
              ? {
                  dataset: String(rec.dataset),
                  n: rec.n as number | undefined,
                  noise: rec.noise as number | undefined,
                  dataSeed: rec.dataSeed as number | undefined,
                }
              : {}),
            dropMissing: saved.encoding.missing === 'drop',
          };
    data = loadDataForEncoding(dataFlags, saved.encoding);
    if (rec.fingerprint !== undefined && rec.fingerprint !== fingerprint(data.encoded.x, data.encoded.y)) {
      throw new UsageError(
        `${data.source}: this is not the data ${flags.resume} was trained on (${data.encoded.x.rows} rows here, ${String(rec.rows)} then, and the values differ); resume needs the same data`,
      );
    }
    dataRecord = rec;
    settings = saved.settings as TrainSettings;
    network = modelNetwork(saved, flags.resume);
    resume = saved.checkpoint.state as FitCheckpoint;
  } else {
    data = loadTrainingData(flags);
    settings = resolveSettings(flags, data.encoding.target.task);
    network = buildNetwork(settings, data.encoded.x, data.encoded.y, data.encoding.target.task);
    if (flags.data) checkOutput(out, '--out', [['--data', flags.data]]); // [data] never overwrite the input
    dataRecord = {
      source: basename(data.source), // [data] the file's name, not its absolute path
      ...(flags.dataset
        ? {
            dataset: flags.dataset,
            ...(flags.n !== undefined ? { n: flags.n } : {}),
            ...(flags.noise !== undefined ? { noise: flags.noise } : {}),
            ...(flags.dataSeed !== undefined ? { dataSeed: flags.dataSeed } : {}),
          }
        : { file: basename(flags.data ?? '') }),
      rows: data.encoded.x.rows,
      inputs: data.encoded.inputNames,
      fingerprint: fingerprint(data.encoded.x, data.encoded.y),
    };
  }
  const { x, y } = data.encoded;
  for (const w of data.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  for (const n of data.notes ?? []) process.stderr.write(`note: ${n}\n`); // [data] rows left out, decimal commas
  log(
    `training on ${data.source}: ${x.rows} rows, ${x.cols} input${x.cols === 1 ? '' : 's'} → ${data.encoding.target.task} on ${data.encoding.target.columns.join(', ')}` +
      `${resume ? ` (resuming after epoch ${resume.epoch})` : ''}`,
  );
  const hidden = network.layers.slice(0, -1).map((l) => l.activation?.name ?? 'linear');
  log(
    `network ${[network.inputSize, ...network.layers.map((l) => l.outputSize)].join('-')}${hidden.length ? `, ${hidden[0]}` : ''}, ` +
      `${settings.optimizer ?? 'adam'}${settings.learningRate !== undefined ? ` lr ${settings.learningRate}` : ''}, ${settings.epochs ?? 'default'} epochs, seed ${settings.seed}`,
  );

  const task = data.encoding.target.task;
  const modelFile = (
    history: Pick<History, 'loss'> & Partial<History>,
    checkpoint?: { state: FitCheckpoint; reason: string },
  ): ModelFile => ({
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    createdBy: 'scratchnet 0.1.0',
    data: dataRecord as ModelFile['data'],
    network: network.toJSON(),
    encoding: data.encoding,
    settings,
    history: {
      loss: history.loss,
      valLoss: history.valLoss ?? [],
      metrics: history.metrics ?? {},
      valMetrics: history.valMetrics ?? {},
      ...(history.epochs !== undefined
        ? {
            epochs: history.epochs,
            stopReason: history.stopReason,
            bestEpoch: history.bestEpoch,
            batchSize: history.batchSize,
            trainRows: history.trainRows,
            validationRows: history.validationRows,
          }
        : {}),
    },
    ...(checkpoint
      ? {
          checkpoint: {
            epoch: checkpoint.state.epoch,
            reason: checkpoint.reason,
            paths: { out, plots: plotsDir, checkpoint: checkpointPath },
            state: checkpoint.state,
          },
        }
      : {}),
  });
  const writeCheckpoint = (c: FitCheckpoint, reason: string) =>
    writeAtomic(checkpointPath, serializeModel(modelFile(c.history, { state: c, reason })));

  // Signals: remember them; training stops after the epoch in progress and the checkpoint is written.
  let signal: NodeJS.Signals | null = null;
  const onSignal = (s: NodeJS.Signals) => {
    if (signal) process.exit(s === 'SIGINT' ? 130 : 143); // a second Ctrl-C: give up at once
    signal = s;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let progress: ReturnType<typeof createProgress> | null = null;
  const every = flags.checkpointEvery;
  let result;
  try {
    result = await runTraining(network, x, y, settings, task, resume, {
      onEpoch: (info, epochs) => {
        progress ??= createProgress(
          flags.json ? process.stderr : process.stdout,
          flags.progress,
          info.epoch - 1,
          epochs,
        );
        const metric = Object.entries(info.valLoss !== undefined ? info.valMetrics : info.metrics)[0];
        progress.update({
          epoch: info.epoch,
          epochs,
          loss: info.loss,
          ...(metric
            ? {
                validation: {
                  name: info.valLoss !== undefined ? `val ${metric[0]}` : metric[0],
                  value: metric[1],
                },
              }
            : {}),
        });
        if (signal) return 'stop';
        if (every && info.epoch % every === 0 && info.epoch < epochs) return 'boundary';
      },
      atBoundary: async (c) => {
        await new Promise((resolve) => setImmediate(resolve)); // let signal handlers run
        if (signal) return false;
        if (every && c.epoch % every === 0) writeCheckpoint(c, `every ${every} epochs`);
      },
    });
  } finally {
    (progress as ReturnType<typeof createProgress> | null)?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (result.stopped === 'interrupted') {
    const c = result.history.checkpoint;
    writeCheckpoint(c, signal ?? 'interrupted');
    const where = c.batch > 0 ? `in epoch ${c.epoch + 1} after batch ${c.batch}` : `after epoch ${c.epoch}`;
    process.stderr.write(
      `interrupted by ${signal} ${where}; checkpoint saved to ${checkpointPath}\n` +
        `continue with: scratchnet train --resume ${checkpointPath}\n`,
    );
    process.exitCode = signal === 'SIGTERM' ? 143 : 130;
    return;
  }
  const history = result.history;

  const trainEval = evaluate(network, data.encoding, x, y);
  const model = modelFile(history);
  model.metrics = { train: trainEval.metrics };
  if (history.validationRows > 0) {
    model.metrics.validation = {
      loss: history.valLoss.at(-1),
      ...Object.fromEntries(Object.entries(history.valMetrics).map(([k, v]) => [k, v.at(-1)])),
    };
  }
  writeAtomic(out, serializeModel(model));
  let plots: string[] = [];
  if (plotsDir) {
    plots = await writePlots(
      plotsDir,
      chartsFor({
        network,
        encoding: data.encoding,
        table: data.table,
        x,
        y,
        loss: [
          { name: 'train', values: history.loss },
          ...(history.valLoss.length ? [{ name: 'validation', values: history.valLoss }] : []),
        ],
      }),
    );
  }
  if (flags.json) {
    console.log(
      JSON.stringify({
        model: out,
        epochs: history.epochs,
        stopReason: history.stopReason,
        metrics: model.metrics,
        plots,
      }),
    );
  } else {
    if (history.stopReason === 'earlyStopping')
      log(
        `stopped early after epoch ${history.epochs}: no validation improvement since epoch ${history.bestEpoch}, whose weights are kept`,
      );
    log(`training set (${x.rows} rows):\n${formatEvaluation(trainEval).replace(/^(?=.)/gm, '  ')}`);
    log(`wrote ${out}${plots.length ? ` and ${plots.length} plot files in ${plotsDir}` : ''}`);
  }
}

/** FNV-1a over the bits of the encoded data: tells a resume whether it got the same rows. */
function fingerprint(...matrices: Matrix[]): string {
  let h = 0x811c9dc5;
  for (const m of matrices) {
    const words = new Uint32Array(Float64Array.from(m.data).buffer);
    for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
