// Whether a trained model does worse than a constant on rows it was not trained on: its held-out (or
// cross-validated) score below the baseline's on the same rows. `train` then ends with a warning (and
// --json lists it under `warnings`), so a model worse than predicting the mean is never left unsaid.

import type { Encoding } from '../data/index.js';
import type { Task } from '../train/index.js';

type Scores = Record<string, unknown>;

/** The score a run is judged by, and whether the weighted scores (as the loss weighs rows) stand. */
function judged(metrics: Scores, task: Task): { name: string; weighted: boolean } {
  const name = task === 'regression' ? 'r2' : 'accuracy';
  const heldOut = metrics.heldOut as Scores | undefined;
  const weighted = typeof (heldOut?.weighted as Scores | undefined)?.[name] === 'number';
  return { name, weighted };
}

function score(record: unknown, name: string, weighted: boolean): number | null {
  const r = (weighted ? (record as Scores | undefined)?.weighted : record) as Scores | undefined;
  const v = r?.[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * The warning for a model whose held-out score is below the baseline's (the training mean, or the class
 * prior) on the same rows, by R² (regression) or accuracy (classification; weighted as in the loss when
 * the run weighs rows, so that balanced class weights are judged by balanced accuracy); null otherwise,
 * and when nothing was held out.
 */
export function belowBaseline(
  metrics: Scores,
  task: Task,
  target: string,
  leftOut: string[] = [],
): string | null {
  const { name, weighted } = judged(metrics, task);
  const model = score(metrics.heldOut, name, weighted);
  const baseline = score(metrics.baseline, name, weighted);
  if (model === null || baseline === null || model >= baseline) return null;
  const linear = score(metrics.linear, name, weighted);
  const held = metrics.heldOut as Scores;
  const cv = held.method === 'cross-validation' && held.folds !== 1;
  const rows = cv ? 'cross-validated' : 'on the held-out rows';
  const constant = task === 'regression' ? 'the training mean' : 'the most frequent class';
  const fmt = (v: number) => v.toPrecision(4);
  return (
    `the model is worse than a constant: ${rows}, ${weighted ? 'weighted ' : ''}${name} ${fmt(model)} against ${fmt(baseline)} ` +
    `for always predicting ${constant}${linear === null ? '' : ` (a linear model: ${fmt(linear)})`}. ` +
    `The inputs may not predict ${target}, or the network overfits them (the model file is written)` +
    (leftOut.length
      ? `. Left out of the inputs as ids or row numbers: ${leftOut.join(', ')}; if one is a real input (a time index), --keep-ids keeps it`
      : '')
  );
}

/**
 * belowBaseline for a finished run's metrics (none: null), naming the columns the encoding left out as
 * identifiers: a row number of a file in time order is the time (a trend in months 1..n).
 */
export function worseThanConstant(metrics: Scores | undefined, encoding: Encoding): string | null {
  const { target } = encoding;
  const leftOut = (encoding.ignored ?? []).filter((c) => !c.constant).map((c) => JSON.stringify(c.column));
  return metrics ? belowBaseline(metrics, target.task, target.columns.join(', '), leftOut) : null;
}
