// The doctor's overfitting rule when no validation data or history is given: the run as configured
// (the user's optimizer and rate, its number of steps, up to 2000) trains on part of the probes' rows
// while the held-out part is scored; a held-out loss that rises while the training loss falls is
// overfitting, and each cure — early stopping, weight decay, a smaller network — is tried in a probe.

import type { Network } from '../nn/network.js';
import { l2 } from '../nn/regularizers.js';
import type { DoctorContext } from './doctor-context.js';
import { notYetDone } from './doctor-options.js';
import { heldOutBaseline, heldOutRun, type HeldOutRun, type HeldOutSplit } from './doctor-heldout.js';
import { withActivations } from './doctor-probe.js';
import { resized } from './doctor-training-rules.js';
import { exact, fmt, optionsText, type Finding } from './doctor-types.js';

/** A cure and the held-out loss its probe reached. */
interface Cure {
  name: string;
  fixOptions: Record<string, unknown>;
  held: number;
}

/** Whether the curve shows overfitting: held-out loss ≥ 1.5× its low (and clearly above it), fit loss lower. */
function overfits(run: HeldOutRun, base: number): boolean {
  const { curve, fitCurve } = run;
  const at = curve.indexOf(run.heldBest);
  const end = curve.length - 1;
  return (
    !run.diverged &&
    at <= 0.8 * end &&
    run.held >= 1.5 * run.heldBest &&
    run.held - run.heldBest > 0.05 * base &&
    fitCurve[end] < fitCurve[at]
  );
}

/** The three cures, each trained as the user's run was, scored on the held-out rows. */
function cures(ctx: DoctorContext, split: HeldOutSplit, run: HeldOutRun): Cure[] {
  const { network, o } = ctx;
  const score = (net: Network) => heldOutRun(net, split, o.probe, o.learningRate, run.steps).held;
  const found: Cure[] = [
    {
      name: 'early stopping',
      fixOptions: notYetDone({ earlyStopping: true, validationSplit: 0.2 }, ctx.options),
      held: run.heldBest,
    },
  ];
  if (!ctx.dense) return found;
  const penalties = network.regularizers.filter((r) => r.name !== 'l2');
  for (const lambda of [1e-3, 1e-2]) {
    const held = score(withActivations(network, [], network.loss, [...penalties, l2(lambda)]));
    found.push({ name: `weight decay ${lambda}`, fixOptions: { weightDecay: lambda }, held });
  }
  const hidden = network.layers.slice(0, -1).map((l) => l.outputSize);
  if (hidden.length > 0) {
    const smaller = hidden.slice(0, 1).map((h) => Math.max(2, Math.floor(h / 4)));
    const held = score(resized(network, smaller, o.seed + 1));
    found.push({ name: `hidden layers [${smaller.join(', ')}]`, fixOptions: { layers: smaller }, held });
  }
  ctx.probes += found.length - 1;
  return found.filter((c) => Number.isFinite(c.held));
}

/**
 * Rule 8 on held-out rows. Runs only when the network has more parameters than half the training
 * target values (with fewer it cannot memorize them) and the run's rate trains stably.
 */
export function heldOutOverfittingFinding(ctx: DoctorContext): Finding | null {
  const split = ctx.split();
  const { network, o } = ctx;
  if (!split || network.parameterCount < 0.5 * split.fitY.data.length) return null;
  const steps = Math.min(o.epochs * Math.ceil(ctx.X.rows / o.batchSize), 2000);
  const run = heldOutRun(network, split, o.probe, o.learningRate, steps);
  ctx.probes++;
  const base = heldOutBaseline(network, split);
  if (!overfits(run, base)) return null;
  const tried = cures(ctx, split, run).sort((a, b) => a.held - b.held);
  // the best cure the run does not already use (a held-out run with early stopping has that one)
  const best = tried.find((c) => Object.keys(c.fixOptions).length > 0) ?? tried[0];
  const helps = Object.keys(best.fixOptions).length > 0 && best.held <= 0.67 * run.held;
  return {
    rule: 'overfitting',
    severity: helps ? 'warning' : 'info',
    observed:
      `trained on ${split.fitX.rows} rows for ${steps} full-batch steps at ${exact(o.learningRate)} (${o.optimizer}), the loss on ` +
      `${split.heldX.rows} held-out rows is lowest at step ${run.heldBestAt} (${fmt(run.heldBest)}) and ends ${fmt(run.held / run.heldBest)}× ` +
      `higher (${fmt(run.held)}) while the training loss keeps falling (to ${fmt(run.fitLoss)}); held-out loss with each fix: ` +
      `${tried.map((c) => `${c.name} ${fmt(c.held)}`).join(', ')}`,
    why:
      'the network is memorizing the training rows (their noise included) instead of the pattern: the held-out loss, ' +
      'not the training loss, says how it will do on new data',
    fix: helps ? optionsText(best.fixOptions) : 'more data, or one of the fixes above',
    fixOptions: helps ? best.fixOptions : {},
    evidence: { heldBest: run.heldBest, held: run.held, fixed: best.held, bestStep: run.heldBestAt },
  };
}
