// `scratchnet train`: data → trained network → model file and plots. Trains through a TrainingRun at
// library speed; checkpoints every N epochs and on Ctrl-C / SIGTERM at any point of an epoch (then
// exits saying where the checkpoint is); --resume continues one exactly (train-resume.ts).

import type { Command } from 'commander';
import { Option } from 'commander';
import { overrideFlag, type Encoding, type TargetEncoding } from '../../data/index.js';
import { serializeModel, type ModelFile } from '../../io/index.js';
import type { Matrix } from '../../matrix.js';
import { handOver } from '../../train/run.js';
import {
  TrainingRun,
  referenceRecord,
  referenceScores,
  scalingWarnings,
  type EpochInfo,
  metricNames,
  type FitCheckpoint,
  type FitOptions,
  type MetricName,
  type ModelSearch,
} from '../../train/index.js';
import { evaluate, formatEvaluation, formatNumber, type Evaluation } from '../evaluation.js';
import { loadModel, writeAtomic } from '../files.js';
import { addDataOptions, addNetworkOptions, addTrainingOptions, integer, number } from '../options.js';
import { chartsFor, writePlots } from '../plots.js';
import { createProgress, type Progress } from '../progress.js';
import { HistoryLog, historyPath } from '../checkpoint-history.js';
import { CheckpointSchedule } from '../checkpoint-schedule.js';
import { removeStaleTemporaryFiles } from '../checkpoint-temp.js';
import { SignalWatch, exitCode } from '../signals.js';
import { modelFile, type RunRecord, type TrainPaths } from '../train-model.js';
import { worseThanConstant } from '../baseline-check.js';
import { Said } from '../said.js';
import { collectGarbage } from '../collect.js';
import { freshStart, resumeStart, trainPaths, type StartFlags, type TrainStart } from '../train-resume.js';
import { fitOptions, holdOutByDefault, trainSteps, weightOptions } from '../training.js';
import {
  cappedRefitLine,
  crossValidatedScores,
  maybeSearch,
  searchRecord,
  type SearchFlags,
} from '../train-search.js';
import { addStreamOptions, streamReason, trainStream, type StreamFlags } from '../train-stream.js';

type WriteCheckpoint = (run: TrainingRun, reason: string) => FitCheckpoint;

interface Flags extends StartFlags, SearchFlags, StreamFlags {
  checkpointEvery?: number;
  json?: boolean;
  progress: 'auto' | 'bar' | 'lines' | 'quiet';
}

export function register(program: Command): void {
  const command = program
    .command('train')
    .description('train a network on a data file or a built-in dataset; write the model file and plots');
  addDataOptions(command);
  addNetworkOptions(command);
  addTrainingOptions(command);
  addStreamOptions(command);
  command
    .option(
      '--budget <seconds>',
      'seconds for the model search, which sizes its grid (default: rows × (inputs + 1) / 200, from 10 to 300; from 10,000 rows a sampled search, see README: Model selection)',
      number(0, Infinity, { exclusiveMin: true }),
    )
    .option(
      '--no-search',
      'train exactly the given or default network (default: search when no network or training flag is given)',
    )
    .option('--out <file>', 'model file to write', 'model.json')
    .option('--plots <dir>', 'folder for the plots (SVG and PNG; default: <out>-plots)')
    .option('--no-plots', 'draw no plots')
    .option('--checkpoint <file>', 'checkpoint file (default: <out> with .checkpoint.json)')
    .option(
      '--checkpoint-every <epochs>',
      'also write the checkpoint every this many epochs, skipping those that would make writing over 25% of the run (default: only on Ctrl-C / SIGTERM)',
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
  $ scratchnet train --resume model.checkpoint.json
  $ scratchnet train --data big.csv --target y --stream --window 65536 --epochs 5`,
    )
    .action(async (flags: Flags) => {
      await train(flags, command);
    });
}

async function train(flags: Flags, command: Command): Promise<void> {
  const streaming = streamReason(flags, command); // --stream, or a file larger than a share of memory
  if (streaming) return trainStream(flags, command, streaming);
  const saved = flags.resume ? loadModel(flags.resume) : null;
  const paths = trainPaths(flags, command, saved);
  const said = new Said();
  for (const file of removeStaleTemporaryFiles([paths.out, paths.checkpoint]))
    said.note(`removed ${file}, left by an interrupted write`);
  const log = (line: string) => {
    // with --json, the notes said while preparing (the search's among them) go into the summary too
    if (flags.json && line.startsWith('note: ')) said.notes.push(line.slice('note: '.length));
    (flags.json ? process.stderr : process.stdout).write(`${line}\n`);
  };
  // reading the data and the model search keep no checkpoint: a signal then ends the command, saying so
  const early = (signal: NodeJS.Signals) => {
    process.stderr.write(
      `${signal} before training began (reading the data or the model search): nothing was written; --budget SECONDS shortens the search, --no-search skips it\n`,
    );
    process.exit(exitCode(signal));
  };
  process.once('SIGINT', early).once('SIGTERM', early);
  const prepared = await prepare(flags, command, saved, paths, log, said).finally(() => {
    process.off('SIGINT', early).off('SIGTERM', early);
  });
  // the file's cells are garbage now: free them before training allocates (collect.ts)
  collectGarbage();
  const { start, record } = prepared;
  // the history goes to its append-only file first: a checkpoint costs O(new epochs)
  const historyLog = new HistoryLog(
    historyPath(paths.checkpoint),
    paths.checkpoint === flags.resume ? start.historyLog : null,
  );
  const writeCheckpoint = (run: TrainingRun, reason: string): FitCheckpoint => {
    const c = run.checkpoint({ history: false });
    const state = { ...c, historyLog: historyLog.append(run.history) };
    // compact JSON (not serializeModel's one number per line): written often, read by --resume only
    writeAtomic(paths.checkpoint, `${JSON.stringify(modelFile(record, null, { state, reason }))}\n`);
    return c;
  };

  const watch = new SignalWatch();
  try {
    const run = await trainRun(flags, prepared, watch, writeCheckpoint, log);
    if (!run.done) {
      interrupted(run, watch.signal ?? 'SIGINT', writeCheckpoint, paths.checkpoint);
      return;
    }
    await finish(flags, prepared, run, log, said);
    if (watch.signal)
      process.stderr.write(
        `${watch.signal} arrived after the last epoch: training had finished and ${paths.out} was written; no checkpoint needed\n`,
      );
  } finally {
    watch.dispose();
  }
}

/**
 * A run ready to train. Its data is taken apart so that the rows have one owner at a time (memory: at
 * 1M rows × 20 columns the file's cells take 245 MB and the encoded rows 160 MB): the file's cells are
 * not kept at all, and the encoded rows go to the TrainingRun (`rows`, then null), which keeps them
 * without copying. Only narrow rows are kept beside it, for the plots that draw every row.
 */
interface Prepared {
  start: Omit<TrainStart, 'data'>;
  record: RunRecord;
  search: ModelSearch | null;
  /** what is said about the data */
  about: { source: string; encoding: Encoding; rows: number; inputs: number };
  /** the encoded rows and their weights, until the TrainingRun takes them */
  rows: { x: Matrix; y: Matrix; weights: ReturnType<typeof weightOptions> } | null;
  /** every row's encoded inputs and targets, for the plots, when they have one or two inputs (else null) */
  plotRows: { x: Matrix; y: Matrix } | null;
}

/** The data (fresh, or again for a resume), its warnings and notes, the model search, the default hold-out. */
async function prepare(
  flags: Flags,
  command: Command,
  saved: ModelFile | null,
  paths: TrainPaths,
  log: (line: string) => void,
  said: Said,
): Promise<Prepared> {
  const fresh = saved ? resumeStart(flags, command, saved) : freshStart(flags, paths.out);
  const { data } = fresh;
  const { x, y } = data.encoded;
  if (!saved && fresh.settings.scale)
    for (const w of scalingWarnings(x, data.encoded.inputNames)) said.warning(w);
  for (const w of data.warnings ?? []) said.warning(w);
  for (const n of data.notes ?? []) said.note(n); // rows left out, decimal commas
  const { start, search } = await maybeSearch(flags, command, fresh, log);
  const { settings, network } = start;
  // without a search, hold a fifth out (holdout.ts); a search's cross-validation stands for it
  if (!saved && !search) holdOutByDefault(settings, x.rows, data.encoding.target.task);
  const record: RunRecord = { network, encoding: data.encoding, data: start.dataRecord, settings, paths };
  const searched = search ? searchRecord(search) : saved?.search;
  if (searched) record.search = searched;
  const { resume, historyLog, dataRecord } = start;
  return {
    start: { settings, network, resume, historyLog, dataRecord },
    record,
    search,
    about: { source: data.source, encoding: data.encoding, rows: x.rows, inputs: x.cols },
    rows: { x, y, weights: weightOptions(settings, data) },
    plotRows: paths.plots && x.cols <= 2 ? { x, y } : null,
  };
}

/** Trains until the run is done or a signal arrives (then at the next step boundary), showing progress. */
async function trainRun(
  flags: Flags,
  prepared: Prepared,
  watch: SignalWatch,
  writeCheckpoint: WriteCheckpoint,
  log: (line: string) => void,
): Promise<TrainingRun> {
  const every = flags.checkpointEvery;
  const schedule = new CheckpointSchedule(every);
  const stream = flags.json ? process.stderr : process.stdout;
  let progress: Progress | null = null;
  const run: TrainingRun = startRun(prepared, (info) => {
    progress?.update(epochReport(info, run.epochs));
    // at an exact epoch boundary, within a time budget (checkpoint-schedule.ts)
    if (schedule.due(info.epoch, run.epochs, info.history.stopReason === 'epochs'))
      schedule.write(() => writeCheckpoint(run, `every ${every} epochs`));
  });
  describeRun(log, prepared, run.epochs);
  const shown = createProgress(stream, flags.progress, run.position.epoch, run.epochs);
  progress = shown;
  try {
    await trainSteps(run, {
      shouldStop: () => {
        const { epoch, batch } = run.position;
        if (batch > 0) shown.batch({ epoch: epoch + 1, epochs: run.epochs, batch, batches: run.batches });
        return watch.signal !== null;
      },
    });
  } finally {
    shown.stop();
  }
  return run;
}

/** The TrainingRun, given the prepared rows to keep as its own (handOver: no copy; nothing else holds them). */
function startRun(prepared: Prepared, onEpoch: NonNullable<FitOptions['onEpoch']>): TrainingRun {
  const { rows, start, about } = prepared;
  if (!rows) throw new Error('startRun: the rows were handed over already');
  prepared.rows = null;
  const { settings, network, resume } = start;
  return new TrainingRun(network, handOver(rows.x), handOver(rows.y), {
    ...fitOptions(settings, about.encoding.target.task),
    ...rows.weights,
    ...(resume ? { resume } : {}),
    onEpoch,
  });
}

/** Two lines before training: the data and the network. */
function describeRun(log: (line: string) => void, prepared: Prepared, epochs: number): void {
  const { network, settings, resume } = prepared.start;
  const { source, encoding, rows, inputs } = prepared.about;
  log(
    `training on ${source}: ${rows} rows, ${inputs} input${inputs === 1 ? '' : 's'} → ${encoding.target.task} on ${encoding.target.columns.join(', ')}` +
      `${resume ? ` (resuming after epoch ${resume.epoch})` : ''}`,
  );
  const { task, inferred } = encoding.target;
  if (inferred && !resume) log(`task ${task} inferred: ${inferred}; override with ${overrideFlag(task)}`);
  const hidden = network.layers.slice(0, -1).map((l) => l.activation?.name ?? 'linear');
  log(
    `network ${[network.inputSize, ...network.layers.map((l) => l.outputSize)].join('-')}${hidden.length ? `, ${hidden[0]}` : ''}, ` +
      `${settings.optimizer ?? 'adam'}${settings.learningRate !== undefined ? ` lr ${settings.learningRate}` : ''}, ${epochs} epochs, seed ${settings.seed}`,
  );
  const { classWeight, weightColumn } = settings;
  if (classWeight !== undefined || weightColumn)
    log(
      `rows weighted in the loss${weightColumn ? ` by column ${weightColumn}` : ''}${weightColumn && classWeight ? ' and' : ''}` +
        `${classWeight === undefined ? '' : ` by class (${typeof classWeight === 'string' ? classWeight : JSON.stringify(classWeight)})`}`,
    );
  // the loss shown while training is the network's own: on standardized targets for a scaled regression
  if (encoding.target.task === 'regression' && settings.scale)
    log(
      'loss shown in standardized units (targets standardized on the training rows); metrics below in original units',
    );
}

/** The progress line of an epoch: the loss, and the first validation (else training) metric. */
function epochReport(info: EpochInfo, epochs: number) {
  const metric = Object.entries(info.valLoss !== undefined ? info.valMetrics : info.metrics)[0];
  return {
    epoch: info.epoch,
    epochs,
    loss: info.loss,
    ...(metric
      ? {
          validation: { name: info.valLoss !== undefined ? `val ${metric[0]}` : metric[0], value: metric[1] },
        }
      : {}),
  };
}

/** Stopped by a signal: the checkpoint at the step boundary reached, and where it is. */
function interrupted(
  run: TrainingRun,
  signal: NodeJS.Signals,
  writeCheckpoint: WriteCheckpoint,
  checkpointPath: string,
): void {
  const c = writeCheckpoint(run, signal);
  const where = c.batch > 0 ? `in epoch ${c.epoch + 1} after batch ${c.batch}` : `after epoch ${c.epoch}`;
  process.stderr.write(
    `interrupted by ${signal} ${where}; checkpoint saved to ${checkpointPath}\n` +
      `continue with: scratchnet train --resume ${checkpointPath}\n`,
  );
  process.exitCode = exitCode(signal);
}

/** A finished run: the model file with its metrics, the plots, and the summary. */
async function finish(
  flags: Flags,
  prepared: Prepared,
  run: TrainingRun,
  log: (line: string) => void,
  said: Said,
): Promise<void> {
  const { record, search, about } = prepared;
  const { network, history } = run;
  const { out, plots: plotsDir } = record.paths;
  // the rows the run copied while it started (split, scaled) are garbage: free them before scoring
  collectGarbage();
  const scores = runScores(run, about.encoding, record.settings, search);
  const model = modelFile(record, history);
  model.metrics = scores.metrics;
  writeAtomic(out, serializeModel(model));
  let plots: string[] = [];
  if (plotsDir) {
    const loss = [
      { name: 'train', values: history.loss },
      ...(history.valLoss.length ? [{ name: 'validation', values: history.valLoss }] : []),
    ];
    // wider rows are drawn from the run's own: all of them in file order when none are held out (the
    // very matrices handed over), else the training and held-out parts (chartsFor reads only x.cols)
    const { x, y } = prepared.plotRows ?? run.data;
    const parts = run.data.validation ? { parts: { train: run.data, heldOut: run.data.validation } } : {};
    plots = await writePlots(
      plotsDir,
      chartsFor({ network, encoding: about.encoding, x, y, loss, ...parts }),
    );
  }
  const worse = worseThanConstant(model.metrics, about.encoding);
  const capped = search ? cappedRefitLine(search, history) : null;
  if (flags.json) {
    const warnings = [...said.warnings, ...(worse ? [worse] : [])];
    const notes = [...said.notes, ...(capped ? [capped.replace(/^note: /, '')] : [])];
    const summary = {
      model: out,
      epochs: history.epochs,
      stopReason: history.stopReason,
      task: taskSummary(about.encoding.target),
      ...weightsSummary(record.settings),
      ...(model.search ? { search: model.search } : {}),
      metrics: model.metrics,
      plots,
      ...(warnings.length ? { warnings } : {}),
      ...(notes.length ? { notes } : {}),
    };
    if (worse) process.stderr.write(`warning: ${worse}\n`);
    if (capped) process.stderr.write(`${capped}\n`);
    console.log(JSON.stringify(summary));
    return;
  }
  if (history.stopReason === 'earlyStopping')
    log(
      `stopped early after epoch ${history.epochs}: no validation improvement since epoch ${history.bestEpoch}, whose weights are kept`,
    );
  if (capped) log(capped);
  for (const line of scores.lines) log(line);
  log(`wrote ${out}${plots.length ? ` and ${plots.length} plot files in ${plotsDir}` : ''}`);
  if (worse) process.stderr.write(`warning: ${worse}\n`);
}

/**
 * The metrics of a finished run: on the training rows, and when rows were held out, on them too with
 * the trivial baseline's and a linear model's scores on the same rows (reference.ts). With weights,
 * rows are also scored weighted as the loss weighs them (sample × class weight), as the search scores
 * its folds (autofit-eval.ts scoreWeights): with --class-weight balanced, accuracy becomes balanced.
 */
function runScores(
  run: TrainingRun,
  encoding: Encoding,
  settings: Pick<RunRecord['settings'], 'seed' | 'classWeight'>,
  search: ModelSearch | null,
) {
  const { network, data } = run;
  const trainEval = evaluate(network, encoding, data.x, data.y, data.weights.loss);
  const heldOutRows = data.validation;
  const label =
    settings.classWeight === undefined
      ? 'weighted by the row weights'
      : 'weighted as in the loss (row × class weight)';
  const training = heldOutRows
    ? `training set (${data.x.rows} rows; the held-out rows excluded)`
    : `training set (${data.x.rows} rows)`;
  const lines = [`${training}:\n${indent(formatEvaluation(trainEval, label))}`];
  const trivial = encoding.target.task === 'regression' ? 'the training mean' : 'the class prior';
  if (!heldOutRows && search) {
    const cv = crossValidatedScores(search, data.x.rows, trivial);
    return { metrics: { train: scoreRecord(trainEval), ...cv.metrics }, lines: [...lines, ...cv.lines] };
  }
  if (!heldOutRows) return { metrics: { train: scoreRecord(trainEval) }, lines };
  const held = heldOutScores(run, heldOutRows, encoding, settings.seed, { trivial, label });
  return {
    metrics: { train: scoreRecord(trainEval), ...held.metrics },
    lines: [...lines, ...held.lines],
  };
}

/** The held-out rows' metrics beside the baseline's and the linear model's, weighted as in the loss. */
function heldOutScores(
  run: TrainingRun,
  heldOutRows: { x: Matrix; y: Matrix },
  encoding: Encoding,
  seed: number,
  words: { trivial: string; label: string },
) {
  const { network, data } = run;
  const heldOut = evaluate(network, encoding, heldOutRows.x, heldOutRows.y, data.validationWeights.loss);
  const names = Object.keys(heldOut.metrics).filter(
    (k): k is MetricName => k !== 'mse' && metricNames.includes(k as MetricName),
  );
  const weights = { train: data.weights, heldOut: data.validationWeights };
  // the linear model trains on the run's own scaled rows when they are what it would scale (no copies)
  const scaling = network.scaling;
  const scaled = scaling ? { x: data.xs, y: data.ys, scaling } : undefined;
  const refs = referenceScores(data, heldOutRows, encoding.target.task, names, seed, weights, scaled);
  const { weighted } = refs;
  const each = (m: Record<string, number>) => names.map((k) => `${k} ${formatNumber(m[k])}`).join(', ');
  const listed = (m: Record<string, number>, w?: Record<string, number>) =>
    each(m) + (w ? `; ${words.label}: ${each(w)}` : '');
  const lines = [
    `held-out set (${heldOutRows.x.rows} rows, not trained on${run.settings.earlyStopping.enabled ? '; early stopping chose the epoch on them' : ''}):\n${indent(formatEvaluation(heldOut, words.label))}`,
    `  on the same held-out rows, baseline (${words.trivial}): ${listed(refs.baseline, weighted?.baseline)}`,
    `  on the same held-out rows, linear model (no hidden layer): ${listed(refs.linear, weighted?.linear)}`,
  ];
  const metrics = {
    heldOut: { rows: heldOutRows.x.rows, ...scoreRecord(heldOut) },
    ...referenceRecord(refs),
  };
  return { metrics, lines };
}

/** An evaluation's metrics for the model file and --json, the weighted ones under `weighted`. */
const scoreRecord = (e: Evaluation) => ({ ...e.metrics, ...(e.weighted ? { weighted: e.weighted } : {}) });

const indent = (text: string) => text.replace(/^(?=.)/gm, '  ');

/** The weights for --json, as given (absent without). */
function weightsSummary(settings: RunRecord['settings']) {
  const { classWeight, weightColumn } = settings;
  if (classWeight === undefined && weightColumn === undefined) return {};
  return {
    weights: {
      ...(classWeight !== undefined ? { classWeight } : {}),
      ...(weightColumn ? { weightColumn } : {}),
    },
  };
}

/** The task for --json: what it is, and when inferred, why and the flag that overrides it. */
function taskSummary(target: TargetEncoding) {
  return {
    name: target.task,
    ...(target.inferred ? { inferred: target.inferred, override: overrideFlag(target.task) } : {}),
  };
}
