// `scratchnet train --stream`: training in passes over a CSV file larger than memory (README: "Files
// larger than memory"). A first pass fits the encoding, the scaling statistics and the held-out rows
// (stream-passes.ts); then every epoch reads the file again, a window of rows at a time, into one run
// with one optimizer (train/window-run.ts). Chosen by --stream, or automatically for a file larger than
// a quarter of the machine's memory. What would need every row in memory is refused with one line.

import { statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { HoldoutRule } from '../data/stream-windows.js';
import { serializeModel } from '../io/index.js';
import { getOptimizer, type Optimizer } from '../optim/index.js';
import type { Network } from '../nn/network.js';
import {
  defaultBatchSize,
  defaultEpochs,
  defaultPatience,
  fitDefaults,
  holdoutPatience,
  holdoutRule,
  type History,
  type MetricName,
} from '../train/index.js';
import { trainInWindows, type WindowRunOptions } from '../train/window-run.js';
import { Said } from './said.js';
import { UsageError } from './errors.js';
import { checkOutput, checkWritable, jsonKind, writeAtomic } from './files.js';
import { encodeOptions, integer, naSpellings } from './options.js';
import { readProgress, type ProgressMode } from './progress.js';
import { countDataRows, preparePass, trainingPass, type Prepared, type StreamFile } from './stream-passes.js';
import { streamScores, streamSummary } from './stream-report.js';
import { modelFile, type RunRecord } from './train-model.js';
import { worseThanConstant } from './baseline-check.js';
import type { StartFlags } from './train-resume.js';
import { buildNetwork, fitOptions, resolveSettings, type TrainSettings } from './training.js';

/** Rows per window, and the share of the machine's memory above which a file streams by itself. */
export const streamDefaults = { window: 65_536, memoryShare: 1 / 4 } as const;

export interface StreamFlags extends StartFlags {
  stream?: boolean;
  window?: number;
  json?: boolean;
  progress: ProgressMode;
  checkpointEvery?: number;
  budget?: number;
}

/** --stream, --no-stream and --window (train). */
export function addStreamOptions(command: Command): void {
  const gb = ((totalmem() * streamDefaults.memoryShare) / 1e9).toFixed(1);
  command
    .option(
      '--stream',
      `train in passes over a CSV file, a window of rows at a time, for files larger than memory (default: on for files over a quarter of this machine's memory, ${gb} GB here)`,
    )
    .option('--no-stream', 'read the whole file into memory, whatever its size')
    .option(
      '--window <rows>',
      `with --stream: rows read, shuffled and trained on at a time (default ${streamDefaults.window})`,
      integer(2, 1e8),
    );
}

/** Whether a file of this size streams by itself on a machine with this much memory (bytes). */
export function streamsBySize(fileBytes: number, memoryBytes: number): boolean {
  return fileBytes > memoryBytes * streamDefaults.memoryShare;
}

/** Why this run streams (its first line), or null: --stream, --no-stream, else the file's size. */
export function streamReason(flags: StreamFlags, command: Command): string | null {
  const reason = chosen(flags);
  if (!reason && command.getOptionValueSource('window') === 'cli')
    throw new UsageError('--window applies to streamed training: add --stream');
  return reason;
}

function chosen(flags: StreamFlags): string | null {
  if (flags.stream === true) return `streaming ${flags.data ?? 'the data'} (--stream)`;
  if (flags.stream === false || flags.resume || !flags.data) return null;
  let size = 0;
  try {
    size = statSync(flags.data).size;
  } catch {
    return null; // the in-memory path says what is wrong with the file
  }
  if (!streamsBySize(size, totalmem())) return null;
  const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;
  return `streaming ${flags.data}: ${gb(size)} is more than a quarter of this machine's memory (${gb(totalmem())}); --no-stream reads it whole`;
}

/** The flags a streamed run cannot honour, each with why (one line, exit 2). */
function refuse(flags: StreamFlags, command: Command): void {
  const given = (name: string) => command.getOptionValueSource(name) === 'cli';
  const no = (what: string, why: string) => {
    throw new UsageError(`${what} does not apply to streamed training (--stream): ${why}`);
  };
  if (flags.dataset || !flags.data) no('--dataset', 'it reads a --data CSV file in passes');
  if (jsonKind(flags.data ?? '')) no('a JSON file', 'JSON records are parsed whole');
  if (flags.resume) no('--resume', 'a streamed run writes no checkpoint');
  if (flags.checkpointEvery !== undefined || given('checkpoint'))
    no('--checkpoint', 'it writes no checkpoint');
  if (flags.weightColumn || flags.classWeight !== undefined)
    no(flags.weightColumn ? '--weight-column' : '--class-weight', 'rows are not weighted when streaming');
  if (flags.budget !== undefined) no('--budget', 'it trains the given or default network, without a search');
  if (given('plots') && typeof flags.plots === 'string') no('--plots', 'no rows are kept to draw');
  if (!flags.target) throw new UsageError('--target is required with --data: name the column(s) to predict');
}

/** A streamed run: the first pass, epochs in windows, the model file and the held-out scores. */
export function trainStream(flags: StreamFlags, command: Command, reason: string): void {
  refuse(flags, command);
  const path = flags.data ?? '';
  checkOutput(flags.out, '--out', [['--data', path]]);
  checkWritable(flags.out, '--out');
  const log = (line: string) => (flags.json ? process.stderr : process.stdout).write(`${line}\n`);
  log(reason);
  const file: StreamFile = {
    path,
    window: flags.window ?? streamDefaults.window,
    load: {
      decimal: flags.decimal,
      thousands: flags.thousands,
      naValues: naSpellings(flags),
      progress: readProgress(flags.progress),
    },
  };
  const rule = holdoutFor(flags, file);
  const prepared = preparePass(file, (table) => encodeOptions(flags, table, flags.target ?? []), rule);
  const said = new Said();
  for (const w of prepared.warnings) said.warning(w);
  for (const n of prepared.notes) said.note(n);
  const task = prepared.encoding.target.task;
  const settings = streamSettings(resolveSettings(flags, task), prepared, rule, flags.valSplit === undefined);
  const network = buildNetwork(settings, prepared.sample.x, prepared.sample.y, task);
  network.scaling = scalingOf(settings, network, prepared);
  const options = runOptions(settings, prepared, task === 'regression');
  describe(log, prepared, settings, options, file.window);
  const progress = streamProgress(flags, options.epochs, prepared.windows);
  const history = trainInWindows(
    network,
    (train) => trainingPass(file, prepared, rule, (rows) => train(rows.x, rows.y)),
    { ...options, ...progress },
  );
  finish(flags, { network, prepared, settings, history, window: file.window }, log, said);
}

/** Row i is held out when hash(seed, i) < rate: --val-split (default 0.2), lowered so that at most one window is. */
function holdoutFor(flags: StreamFlags, file: StreamFile): HoldoutRule {
  const split = flags.valSplit ?? holdoutRule.fraction;
  const rows = Math.max(1, countDataRows(file.path));
  return new HoldoutRule(
    flags.seed ?? fitDefaults.seed,
    Math.min(split, file.window / rows),
    split > 0 ? file.window : 0,
  );
}

/** The settings after defaults, as the model file stores them: the held-out rate, early stopping's patience. */
function streamSettings(
  settings: TrainSettings,
  prepared: Prepared,
  rule: HoldoutRule,
  byDefault: boolean,
): TrainSettings {
  if (!prepared.validation) return { ...settings, validationSplit: 0 };
  const out = { ...settings, validationSplit: rule.rate, ...(byDefault ? { heldOutByDefault: true } : {}) };
  out.earlyStopping ??= holdoutPatience(prepared.trainRows, settings.epochs, settings.batchSize);
  return out;
}

/** The network's scaling from the first pass's statistics, as fit decides it (targets for regression losses). */
function scalingOf(settings: TrainSettings, network: Network, prepared: Prepared): Network['scaling'] {
  if (!settings.scale) return null;
  const { x, y } = prepared.stats;
  const targets = network.loss.kind === 'regression';
  return {
    inputMean: x.mean,
    inputStd: x.std,
    ...(targets ? { targetMean: y.mean, targetStd: y.std } : {}),
  };
}

/** trainInWindows's options: the optimizer (L-BFGS refused), batch size, epochs, early stopping. */
function runOptions(
  settings: TrainSettings,
  prepared: Prepared,
  regression: boolean,
): Omit<WindowRunOptions, 'onWindow' | 'onEpoch'> {
  const fit = fitOptions(settings, prepared.encoding.target.task);
  const optimizer: Optimizer = getOptimizer(fit.optimizer ?? fitDefaults.optimizer, {
    ...(fit.optimizerOptions ?? {}),
    learningRate: fit.learningRate,
  });
  if (optimizer.needsClosure)
    throw new UsageError(
      `--optimizer ${optimizer.name} is a full-batch method: streamed training takes mini-batches (adam, sgd, …)`,
    );
  const batchSize = settings.batchSize ?? defaultBatchSize(prepared.trainRows);
  const batches = Math.ceil(prepared.trainRows / batchSize);
  const es = settings.earlyStopping;
  return {
    optimizer,
    epochs: settings.epochs ?? defaultEpochs(batches),
    batchSize,
    seed: settings.seed,
    validation: prepared.validation,
    metrics: (regression ? ['r2', 'rmse'] : ['accuracy', 'logLoss']) as MetricName[],
    earlyStopping: {
      enabled: es !== undefined && prepared.validation !== null,
      patience: es === true || es === undefined ? defaultPatience(batches) : es,
      minDelta: 0,
      monitor: 'valLoss',
      restoreBest: true,
    },
  };
}

/** The lines before training: the data, the held-out rows and the network. */
function describe(
  log: (line: string) => void,
  prepared: Prepared,
  settings: TrainSettings,
  options: Omit<WindowRunOptions, 'onWindow' | 'onEpoch'>,
  window: number,
): void {
  const { target } = prepared.encoding;
  const n = (v: number) => v.toLocaleString('en-US');
  const plural = (k: number, what: string) => `${n(k)} ${what}${k === 1 ? '' : 's'}`;
  const held = prepared.validation
    ? `${plural(prepared.validation.x.rows, 'row')} held out (row i when hash(seed, i) < ${settings.validationSplit?.toPrecision(3)})`
    : 'no rows held out';
  log(
    `training on ${plural(prepared.trainRows, 'row')} in ${plural(prepared.windows, 'window')} of ${n(window)}, ` +
      `${plural(prepared.inputNames.length, 'input')} → ${target.task} on ${target.columns.join(', ')}; ${held}`,
  );
  const { epochs, earlyStopping: es } = options;
  log(
    `${options.optimizer.name}, batch ${options.batchSize > window ? `${n(window)} (a whole window: a batch never spans two)` : options.batchSize}, up to ${plural(epochs, 'epoch')}, seed ${settings.seed}` +
      `${es.enabled ? `, early stopping after ${plural(es.patience, 'epoch')} without improvement` : ''}`,
  );
}

/** Progress: a line per window (at most every 2 s) and per epoch; nothing when quiet. */
function streamProgress(
  flags: StreamFlags,
  epochs: number,
  windows: number,
): Pick<WindowRunOptions, 'onWindow' | 'onEpoch'> {
  if (flags.progress === 'quiet') return {};
  const stream = flags.json ? process.stderr : process.stdout;
  const fmt = (v: number) =>
    Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toPrecision(4) : v.toExponential(3);
  let last = Date.now() - 1000;
  return {
    onWindow: ({ epoch, window, loss }) => {
      if (Date.now() - last < 2000) return;
      last = Date.now();
      stream.write(`epoch ${epoch}/${epochs}  window ${window}/${windows}  loss ${fmt(loss)}\n`);
    },
    onEpoch: ({ epoch, loss, valLoss, history }) => {
      last = Date.now();
      const seconds = ((history.elapsed.at(-1) ?? 0) / 1000).toFixed(1);
      stream.write(
        `epoch ${epoch}/${epochs}  loss ${fmt(loss)}${valLoss === undefined ? '' : `  val loss ${fmt(valLoss)}`}  (${seconds} s)\n`,
      );
    },
  };
}

/** The model file (saying it was trained streaming), the held-out scores, and the summary. */
function finish(
  flags: StreamFlags,
  run: { network: Network; prepared: Prepared; settings: TrainSettings; history: History; window: number },
  log: (line: string) => void,
  said: Said,
): void {
  const { network, prepared, settings, history } = run;
  const record: RunRecord = {
    network,
    encoding: prepared.encoding,
    settings,
    data: {
      source: basename(flags.data ?? ''),
      file: basename(flags.data ?? ''),
      rows: prepared.rows,
      inputs: prepared.inputNames,
      stream: {
        window: run.window,
        passes: history.epochs + 1,
        windows: prepared.windows,
        heldOutRows: prepared.validation?.x.rows ?? 0,
      },
    },
    paths: { out: flags.out, plots: null, checkpoint: '' },
  };
  const scores = streamScores(network, prepared, settings);
  const model = modelFile(record, history);
  model.metrics = scores.metrics;
  writeAtomic(flags.out, serializeModel(model));
  const worse = worseThanConstant(model.metrics, prepared.encoding);
  if (flags.json) {
    const summary = streamSummary(flags.out, model, history, prepared);
    if (worse) process.stderr.write(`warning: ${worse}\n`);
    const warnings = [...said.warnings, ...(worse ? [worse] : [])];
    const notes = said.notes;
    console.log(
      JSON.stringify({
        ...summary,
        ...(warnings.length ? { warnings } : {}),
        ...(notes.length ? { notes } : {}),
      }),
    );
    return;
  }
  if (history.stopReason === 'earlyStopping')
    log(
      `stopped early after epoch ${history.epochs}: no validation improvement since epoch ${history.bestEpoch}, whose weights are kept`,
    );
  for (const line of scores.lines) log(line);
  log(`wrote ${flags.out} (trained streaming: ${history.epochs + 1} passes over ${flags.data}; no plots)`);
  if (worse) process.stderr.write(`warning: ${worse}\n`);
}
