// How `train` starts: fresh from flags, or resumed from a checkpoint file. A resume takes its
// settings from the checkpoint (the flags that would change them are refused), reloads the same data
// (checked by fingerprint) and writes only to paths derived from the checkpoint file's own name or
// given on the command line — never to a path read from inside the file.

import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { modelNetwork, type ModelFile } from '../io/index.js';
import type { Network } from '../nn/network.js';
import type { FitCheckpoint } from '../train/index.js';
import { UsageError } from './errors.js';
import { checkFolder, checkOutput, checkWritable, dataFileNear } from './files.js';
import {
  loadDataForEncoding,
  loadTrainingData,
  settingRows,
  type DataFlags,
  type LoadedData,
} from './options.js';
import { historyPath, readHistory, type HistoryRef } from './checkpoint-history.js';
import { checkpointState } from './checkpoint-schema.js';
import { dataRecord, fingerprint, type TrainPaths } from './train-model.js';
import { buildNetwork, resolveSettings, type TrainFlags, type TrainSettings } from './training.js';

export interface StartFlags extends DataFlags, TrainFlags {
  out: string;
  plots?: string | false;
  checkpoint?: string;
  resume?: string;
}

/** A run about to train: its data, settings and network, and the checkpoint it continues (if any). */
export interface TrainStart {
  data: LoadedData;
  settings: TrainSettings;
  network: Network;
  resume: FitCheckpoint | null;
  /** where the resumed checkpoint's history file ends (null: fresh, or a checkpoint with its history inline) */
  historyLog: HistoryRef | null;
  dataRecord: Record<string, unknown>;
}

/** Flags that describe the network or its training: fixed by the checkpoint when resuming. */
const fixedOnResume = settingRows.filter((row) => row.fixedOnResume !== false);

const given = (command: Command, name: string) => command.getOptionValueSource(name) === 'cli';

/**
 * Where the run writes. A fresh run: --out, --checkpoint (default <out>.checkpoint.json), --plots
 * (default <out>-plots). A resume: those given again, else derived from the checkpoint file's name
 * (x.checkpoint.json → x.json); it keeps only the decision to draw no plots from the file.
 */
export function trainPaths(flags: StartFlags, command: Command, saved: ModelFile | null): TrainPaths {
  const resumeFile = flags.resume;
  const out =
    resumeFile && !given(command, 'out')
      ? /\.checkpoint\.json$/i.test(resumeFile)
        ? resumeFile.replace(/\.checkpoint\.json$/i, '.json')
        : resumeFile.replace(/(\.json)?$/i, '.model.json')
      : flags.out;
  const checkpoint =
    resumeFile && !given(command, 'checkpoint')
      ? resumeFile
      : (flags.checkpoint ?? out.replace(/(\.json)?$/i, '.checkpoint.json'));
  const noPlots =
    resumeFile && !given(command, 'plots') ? saved?.checkpoint?.paths?.plots === null : flags.plots === false;
  const plots = noPlots
    ? null
    : typeof flags.plots === 'string'
      ? flags.plots
      : out.replace(/(\.json)?$/i, '-plots');
  checkTrainPaths(out, checkpoint, plots);
  return { out, plots, checkpoint };
}

/** Before any training: each file and folder the run will write can be written (a late failure loses the run). */
function checkTrainPaths(out: string, checkpoint: string, plots: string | null): void {
  checkWritable(out, '--out');
  checkWritable(checkpoint, '--checkpoint');
  if (plots === null) return;
  if (existsSync(plots) && !statSync(plots).isDirectory())
    throw new UsageError(`--plots ${plots}: is a file, not a folder; give a folder or --no-plots`);
  checkFolder(plots, '--plots');
}

/** A fresh run: the data, the settings after defaults and a new network. */
export function freshStart(flags: StartFlags, out: string): TrainStart {
  if (flags.data) checkOutput(out, '--out', [['--data', flags.data]]); // never overwrite the input
  const data = loadTrainingData(flags);
  const settings = resolveSettings(flags, data.encoding.target.task);
  const network = buildNetwork(settings, data.encoded.x, data.encoded.y, data.encoding.target.task);
  return { data, settings, network, resume: null, historyLog: null, dataRecord: dataRecord(flags, data) };
}

/** A resumed run: settings, weights and state from the checkpoint file; the same data again. */
export function resumeStart(flags: StartFlags, command: Command, saved: ModelFile): TrainStart {
  const file = flags.resume ?? '';
  const fixed = fixedOnResume.filter((row) => given(command, row.option));
  if (fixed.length > 0) {
    throw new UsageError(
      `--resume continues a run with the settings saved in its checkpoint; drop ${fixed.map((row) => row.flag.split(' ')[0]).join(', ')}`,
    );
  }
  if (!saved.checkpoint)
    throw new UsageError(
      `${file}: this model finished training; --resume takes a checkpoint file (written on Ctrl-C or by --checkpoint-every)`,
    );
  const state = checkpointState(saved, file);
  const rec = saved.data ?? { source: '' };
  const dataFlags: DataFlags =
    flags.data || flags.dataset
      ? flags
      : {
          // the data file is looked for beside the checkpoint (the model file keeps only its name)
          ...(rec.file ? { data: dataFileNear(file, String(rec.file)) } : {}),
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
  const data = loadDataForEncoding(dataFlags, saved.encoding);
  if (rec.fingerprint !== undefined && rec.fingerprint !== fingerprint(data.encoded.x, data.encoded.y)) {
    throw new UsageError(
      `${data.source}: this is not the data ${file} was trained on (${data.encoded.x.rows} rows here, ${String(rec.rows)} then, and the values differ); resume needs the same data`,
    );
  }
  const ref = 'historyLog' in state ? state.historyLog : null;
  // the history lists live beside the checkpoint, named after its own path (checkpoint-history.ts)
  const resume = ref ? { ...state, history: readHistory(historyPath(file), ref) } : state;
  return {
    data,
    settings: saved.settings as TrainSettings,
    network: modelNetwork(saved, file),
    resume,
    historyLog: ref,
    dataRecord: rec,
  };
}
