// The model file `train` writes — finished, or with a checkpoint to continue from — and the record of
// the data it was trained on (with a fingerprint that tells a resume whether it got the same rows).

import { basename } from 'node:path';
import { MODEL_FORMAT, MODEL_VERSION, type ModelFile } from '../io/index.js';
import type { Encoding } from '../data/index.js';
import type { Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';
import type { FitCheckpoint, History } from '../train/index.js';
import type { HistoryRef } from './checkpoint-history.js';
import type { DataFlags, LoadedData } from './options.js';
import type { TrainSettings } from './training.js';

/** A checkpoint file's state: the run's checkpoint without its history lists, and where those are. */
export type StoredCheckpoint = FitCheckpoint & { historyLog: HistoryRef };

/** Where a run writes: the model file, the plots folder (null: none) and the checkpoint file. */
export interface TrainPaths {
  out: string;
  plots: string | null;
  checkpoint: string;
}

/** What every model file of a run repeats. */
export interface RunRecord {
  network: Network;
  encoding: Encoding;
  data: Record<string, unknown>;
  settings: TrainSettings;
  paths: TrainPaths;
  /** the model search that chose the configuration (train-search.ts searchRecord) */
  search?: ModelFile['search'];
}

/**
 * The model file of a finished run (with its history), or of an unfinished one: a checkpoint, whose
 * history is stored beside it (checkpoint-history.ts) and whose state says how much of it is its own.
 */
export function modelFile(
  run: RunRecord,
  history: History | null,
  checkpoint?: { state: StoredCheckpoint; reason: string },
): ModelFile {
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    createdBy: 'scratchnet 0.1.0',
    data: run.data as ModelFile['data'],
    network: run.network.toJSON(),
    encoding: run.encoding,
    settings: run.settings,
    ...(run.search ? { search: run.search } : {}),
    ...(history
      ? {
          history: {
            loss: history.loss,
            valLoss: history.valLoss,
            metrics: history.metrics,
            valMetrics: history.valMetrics,
            epochs: history.epochs,
            stopReason: history.stopReason,
            bestEpoch: history.bestEpoch,
            batchSize: history.batchSize,
            trainRows: history.trainRows,
            validationRows: history.validationRows,
          },
        }
      : {}),
    ...(checkpoint
      ? {
          checkpoint: {
            epoch: checkpoint.state.epoch,
            reason: checkpoint.reason,
            paths: run.paths,
            state: checkpoint.state,
          },
        }
      : {}),
  };
}

/** The data record of a fresh run: where the rows came from, how many, and their fingerprint. */
export function dataRecord(flags: DataFlags, data: LoadedData): Record<string, unknown> {
  return {
    source: basename(data.source), // the file's name, not its absolute path
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
    // a file read with decimal commas: the exported module reads text cells so (export/check.ts)
    ...(data.table.decimal === ',' ? { decimal: ',' } : {}),
  };
}

/** FNV-1a over the bits of the encoded data: tells a resume whether it got the same rows. */
export function fingerprint(...matrices: Matrix[]): string {
  let h = 0x811c9dc5;
  for (const m of matrices) {
    // the float64 bits, read in place (a float32 matrix is widened first)
    const d = m.data instanceof Float64Array ? m.data : Float64Array.from(m.data);
    const words = new Uint32Array(d.buffer, d.byteOffset, d.length * 2);
    for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
