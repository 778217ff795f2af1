// The schema of a checkpoint's training state (a model file's `checkpoint` field), checked whole
// before `train --resume` uses any of it: a corrupted or hand-edited field is one clear line (exit 2),
// never a stack trace, a silent restart from epoch 0 or a model file that cannot be loaded.

import { z } from 'zod';
import type { ModelFile } from '../io/index.js';
import type { FitCheckpoint } from '../train/index.js';
import { UsageError } from './errors.js';
import type { StoredCheckpoint } from './train-model.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const count = z.number().int().nonnegative();
const numbers = z.array(finite);
const lists = z.record(z.string(), numbers);

const historyRef = z.object({
  epochs: count,
  bytes: count,
  metrics: z.array(z.string()),
  valMetrics: z.array(z.string()),
  validation: z.boolean(),
});

const state = z.object({
  format: z.literal('scratchnet-fit-checkpoint'),
  version: z.literal(1),
  epoch: count,
  batch: count,
  random: z.tuple([
    z.number().int(),
    z.number().int(),
    z.number().int(),
    z.number().int(),
    finite.nullable(),
  ]),
  /** sums over the epoch in progress: cost·rows, data loss·rows, rows */
  partial: z.tuple([finite, finite, count]),
  optimizer: z.looseObject({
    name: z.string().min(1),
    step: count,
    learningRate: finite.refine((v) => v > 0, 'must be > 0'),
    buffers: lists,
    extra: z.record(z.string(), z.unknown()).optional(),
  }),
  schedule: z.object({
    factor: finite.refine((v) => v > 0, 'must be > 0'),
    best: finite.nullable(),
    wait: count,
  }),
  earlyStopping: z.object({
    best: finite.nullable(),
    bestEpoch: count,
    wait: count,
    bestParams: numbers.nullable(),
  }),
  batchSize: count.optional(),
  rows: count.optional(),
  weights: z.string().optional(),
  firstLoss: finite.optional(),
  history: z.object({
    loss: numbers,
    dataLoss: numbers,
    valLoss: numbers,
    metrics: lists,
    valMetrics: lists,
    learningRate: numbers,
    elapsed: numbers,
  }),
  historyLog: historyRef.optional(),
});

const checkpoint = z.looseObject({
  epoch: count,
  reason: z.string(),
  paths: z.looseObject({}).optional(), // never read for writing (train-resume.ts derives the paths)
  state,
});

/** Throws a one-line UsageError naming the first bad field; else returns the state to resume from. */
export function checkpointState(saved: ModelFile, file: string): StoredCheckpoint | FitCheckpoint {
  const result = checkpoint.safeParse(saved.checkpoint);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = ['checkpoint', ...issue.path]
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    throw invalid(file, `${path}: ${issue.message}`);
  }
  const c = result.data;
  const s = c.state;
  const epochs = (saved.settings as { epochs?: number }).epochs;
  const parameters = saved.network.parameters.length;
  const problems: [boolean, string][] = [
    [c.epoch !== s.epoch, `checkpoint.epoch is ${c.epoch} but its state is at epoch ${s.epoch}`],
    [
      epochs !== undefined && s.epoch >= epochs,
      `checkpoint.state.epoch is ${s.epoch}, past the run's last epoch (${epochs}): nothing is left to train`,
    ],
    [
      (s.batch === 0) !== (s.partial[2] === 0),
      `checkpoint.state.partial counts ${s.partial[2]} rows after ${s.batch} batches of the epoch in progress`,
    ],
    [
      (s.historyLog?.epochs ?? s.history.loss.length) !== s.epoch,
      `checkpoint.state: its history holds ${s.historyLog?.epochs ?? s.history.loss.length} epochs, its position ${s.epoch}`,
    ],
    [
      s.earlyStopping.bestParams !== null && s.earlyStopping.bestParams.length !== parameters,
      `checkpoint.state.earlyStopping.bestParams holds ${s.earlyStopping.bestParams?.length} numbers, the network ${parameters} parameters`,
    ],
  ];
  const problem = problems.find(([bad]) => bad);
  if (problem) throw invalid(file, problem[1]);
  return saved.checkpoint?.state as StoredCheckpoint | FitCheckpoint; // as written (zod's copy would reorder keys)
}

function invalid(file: string, why: string): UsageError {
  return new UsageError(`${file}: invalid checkpoint: ${why}; resume needs a checkpoint as train wrote it`);
}
