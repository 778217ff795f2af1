// What a streamed run (`train --stream`) reports: the scores on its held-out rows beside the trivial
// baseline's on the same rows (the training mean, or the class prior, from the first pass's statistics),
// for the text output and the model file, and the --json summary. No training-set scores: they would
// take another pass over the file.

import { overrideFlag } from '../data/index.js';
import type { ModelFile } from '../io/index.js';
import type { Network } from '../nn/network.js';
import { baselineMetrics, metricNames, type History, type MetricName } from '../train/index.js';
import { evaluate, formatEvaluation, formatNumber, type Evaluation } from './evaluation.js';
import type { Prepared } from './stream-passes.js';
import type { TrainSettings } from './training.js';

/** The held-out scores (and the baseline's) as model-file metrics and text lines. */
export function streamScores(
  network: Network,
  prepared: Prepared,
  settings: TrainSettings,
): { metrics: Record<string, unknown>; lines: string[] } {
  const held = prepared.validation;
  if (!held)
    return { metrics: {}, lines: ['no rows held out (--val-split 0): no scores without another pass'] };
  const scores = evaluate(network, prepared.encoding, held.x, held.y);
  const names = Object.keys(scores.metrics).filter(
    (k): k is MetricName => k !== 'mse' && metricNames.includes(k as MetricName),
  );
  // the mean predictor: the training rows' column means (class frequencies for classes), as one row
  const mean = Float64Array.from(prepared.stats.y.mean);
  const baseline = baselineMetrics(names, { rows: 1, cols: mean.length, data: mean }, held.y);
  const trivial = prepared.encoding.target.task === 'regression' ? 'the training mean' : 'the class prior';
  const listed = names.map((k) => `${k} ${formatNumber(baseline[k])}`).join(', ');
  const stopped = settings.earlyStopping !== undefined ? '; early stopping chose the epoch on them' : '';
  return {
    metrics: { heldOut: { rows: held.x.rows, ...scoreRecord(scores) }, baseline },
    lines: [
      `held-out set (${held.x.rows} rows, not trained on${stopped}):\n${formatEvaluation(scores).replace(/^(?=.)/gm, '  ')}`,
      `  on the same held-out rows, baseline (${trivial}): ${listed}`,
    ],
  };
}

const scoreRecord = (e: Evaluation) => ({ ...e.metrics, ...(e.weighted ? { weighted: e.weighted } : {}) });

/** The --json summary of a streamed run. */
export function streamSummary(out: string, model: ModelFile, history: History, prepared: Prepared) {
  const target = prepared.encoding.target;
  return {
    model: out,
    epochs: history.epochs,
    stopReason: history.stopReason,
    task: {
      name: target.task,
      ...(target.inferred ? { inferred: target.inferred, override: overrideFlag(target.task) } : {}),
    },
    stream: model.data?.stream,
    metrics: model.metrics,
    plots: [],
  };
}
