// `scratchnet train`: data → trained network → model file and plots. Checkpoints every N epochs and
// on Ctrl-C / SIGTERM (then exits saying where the checkpoint is); --resume continues one exactly.

import type { Command } from 'commander';
import { Option } from 'commander';
import { applyEncoding } from '../../data/index.js';
import { MODEL_FORMAT, MODEL_VERSION, modelNetwork, serializeModel, type ModelFile } from '../../io/index.js';
import type { Network } from '../../nn/network.js';
import { EXIT_USAGE, UsageError } from '../errors.js';
import { evaluate, formatEvaluation } from '../evaluation.js';
import { loadModel, writeAtomic } from '../files.js';
import { addDataOptions, addNetworkOptions, addTrainingOptions, integer, loadDataForEncoding, loadTrainingData, type DataFlags, type LoadedData } from '../options.js';
import { chartsFor, writePlots } from '../plots.js';
import { createProgress } from '../progress.js';
import { buildNetwork, resolveSettings, runTraining, type RunState, type TrainFlags, type TrainSettings } from '../training.js';

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
const settingFlags: (keyof TrainFlags)[] = ['layers', 'activation', 'output', 'loss', 'optimizer', 'lr', 'momentum', 'epochs', 'batchSize', 'weightDecay', 'valSplit', 'earlyStop', 'seed'];
const settingFlagNames: Record<string, string> = { lr: '--lr', batchSize: '--batch-size', weightDecay: '--weight-decay', valSplit: '--val-split', earlyStop: '--early-stop' };

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
    .option('--checkpoint-every <epochs>', 'also write the checkpoint every this many epochs (default: only on Ctrl-C / SIGTERM)', integer(1))
    .option('--resume <file>', 'continue an interrupted run from its checkpoint (same data; settings come from the checkpoint)')
    .option('--json', 'print one JSON summary on stdout (progress goes to stderr)')
    .addOption(new Option('--progress <mode>', 'progress display: auto (bar on a terminal, lines otherwise), bar, lines or quiet').choices(['auto', 'bar', 'lines', 'quiet']).default('auto'))
    .addHelpText('after', `
Examples:
  $ scratchnet train --data cars.csv --target mpg --out cars.json
  $ scratchnet train --data penguins.json --target Species --drop-missing --layers 32,32 --epochs 300
  $ scratchnet train --dataset spirals --layers 16,16 --activation tanh --optimizer adam --lr 0.01 --seed 3
  $ scratchnet train --resume model.checkpoint.json`)
    .action(async (flags: Flags) => {
      await train(flags, command);
    });
}

async function train(flags: Flags, command: Command): Promise<void> {
  const out = flags.out;
  const checkpointPath = flags.checkpoint ?? out.replace(/(\.json)?$/i, '.checkpoint.json');
  const plotsDir = flags.plots === false ? null : flags.plots ?? out.replace(/(\.json)?$/i, '-plots');
  const log = (line: string) => (flags.json ? process.stderr : process.stdout).write(line + '\n');

  let data: LoadedData;
  let settings: TrainSettings;
  let network: Network;
  let state: RunState | null = null;
  let dataRecord: Record<string, unknown>;
  if (flags.resume) {
    const given = settingFlags.filter((k) => command.getOptionValueSource(k) === 'cli');
    if (given.length > 0) {
      throw new UsageError(`--resume continues a run with the settings saved in its checkpoint; drop ${given.map((k) => settingFlagNames[k] ?? `--${k}`).join(', ')}`);
    }
    const saved = loadModel(flags.resume);
    if (!saved.checkpoint) throw new UsageError(`${flags.resume}: this model finished training; --resume takes a checkpoint file (written on Ctrl-C or by --checkpoint-every)`);
    const rec = saved.data ?? { source: '' };
    const dataFlags: DataFlags = flags.data || flags.dataset ? flags : {
      ...(rec.file ? { data: String(rec.file) } : {}),
      ...(rec.dataset ? { dataset: String(rec.dataset), n: rec.n as number | undefined, noise: rec.noise as number | undefined, dataSeed: rec.dataSeed as number | undefined } : {}),
      dropMissing: saved.encoding.missing === 'drop',
    };
    data = loadDataForEncoding(dataFlags, saved.encoding);
    dataRecord = rec;
    settings = saved.settings as TrainSettings;
    network = modelNetwork(saved, flags.resume);
    state = saved.checkpoint.state as RunState;
  } else {
    data = loadTrainingData(flags);
    settings = resolveSettings(flags, data.encoding.target.task);
    network = buildNetwork(settings, data.encoded.x.cols, data.encoded.y.cols, data.encoding.target.task);
    dataRecord = {
      source: data.source,
      ...(flags.dataset ? { dataset: flags.dataset, ...(flags.n !== undefined ? { n: flags.n } : {}), ...(flags.noise !== undefined ? { noise: flags.noise } : {}), ...(flags.dataSeed !== undefined ? { dataSeed: flags.dataSeed } : {}) } : { file: flags.data }),
      rows: data.encoded.x.rows,
      inputs: data.encoded.inputNames,
    };
  }
  const { x, y } = data.encoded;
  log(`training on ${data.source}: ${x.rows} rows, ${x.cols} inputs → ${data.encoding.target.task} on ${data.encoding.target.columns.join(', ')}` +
    `${state ? ` (resuming at epoch ${state.epoch} of ${settings.epochs})` : ''}`);
  log(`network ${[x.cols, ...settings.layers, y.cols].join('-')}, ${settings.activation}, ${settings.optimizer}${settings.learningRate !== undefined ? ` lr ${settings.learningRate}` : ''}, ${settings.epochs} epochs, seed ${settings.seed}`);

  const modelFile = (s: RunState, checkpoint?: string): ModelFile => ({
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    createdBy: 'scratchnet 0.1.0',
    data: dataRecord as ModelFile['data'],
    network: network.toJSON(),
    encoding: data.encoding,
    settings,
    history: { ...s.history, epochs: s.epoch },
    ...(checkpoint ? { checkpoint: { epoch: s.epoch, reason: checkpoint, state: s } } : {}),
  });

  // Signals: remember them; training stops at the next epoch and the checkpoint is written.
  let signal: NodeJS.Signals | null = null;
  const onSignal = (s: NodeJS.Signals) => {
    if (signal) process.exit(s === 'SIGINT' ? 130 : 143); // a second Ctrl-C: give up at once
    signal = s;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = createProgress(flags.json ? process.stderr : process.stdout, flags.progress, state?.epoch ?? 0, settings.epochs);
  let lastCheckpoint = state?.epoch ?? 0;
  const every = flags.checkpointEvery;
  let result;
  try {
    result = await runTraining(network, x, y, settings, state, {
      onEpoch: (epoch, loss) => {
        progress.update({ epoch, epochs: settings.epochs, loss });
        if (signal) return false;
        if (every && epoch % every === 0) return false; // end the chunk here: a checkpoint boundary
      },
      atBoundary: async (s) => {
        await new Promise((resolve) => setImmediate(resolve)); // let signal handlers run
        if (every && s.epoch - lastCheckpoint >= every && s.epoch < settings.epochs) {
          writeAtomic(checkpointPath, serializeModel(modelFile(s, `every ${every} epochs`)));
          lastCheckpoint = s.epoch;
        }
        return signal === null;
      },
    });
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (result.stopped === 'interrupted') {
    writeAtomic(checkpointPath, serializeModel(modelFile(result.state, signal ?? 'interrupted')));
    process.stderr.write(`interrupted by ${signal} at epoch ${result.state.epoch} of ${settings.epochs}; checkpoint saved to ${checkpointPath}\n` +
      `continue with: scratchnet train --resume ${checkpointPath}\n`);
    process.exitCode = signal === 'SIGTERM' ? 143 : 130;
    return;
  }

  const trainEval = evaluate(network, data.encoding, x, y);
  const model = modelFile(result.state);
  model.metrics = { train: trainEval.metrics };
  writeAtomic(out, serializeModel(model));
  let plots: string[] = [];
  if (plotsDir) {
    plots = await writePlots(plotsDir, chartsFor({
      network, encoding: data.encoding, table: data.table, x, y,
      loss: [{ name: 'train', values: result.state.history.loss }, ...(result.state.history.validationLoss ? [{ name: 'validation', values: result.state.history.validationLoss }] : [])],
    }));
  }
  if (flags.json) {
    console.log(JSON.stringify({ model: out, epochs: result.state.epoch, metrics: model.metrics, plots }));
  } else {
    log(`training set (${x.rows} rows):\n${formatEvaluation(trainEval).replace(/^(?=.)/gm, "  ")}`);
    log(`wrote ${out}${plots.length ? ` and ${plots.length} plot files in ${plotsDir}` : ''}`);
  }
  void EXIT_USAGE;
  void applyEncoding;
}
