// The doctor: why is my network not learning? `diagnose` runs quick probes — short full-batch
// training runs from the network's current weights (restored afterwards), forward/backward
// statistics, a gradient check for user-written parts — and returns findings, most important
// first, each with the numbers it saw and the fix as library options (src/cli renders them as flags).
// It is not a guarantee: a rule only fires on evidence, and a clean report means none was found.
//
// The rules are listed in doctor-registry.ts (the order they run, their rank in the report, which
// finding's fix a symptom takes), the probes they share in doctor-context.ts.
// Rule ids (issue 7's numbering): 1 output-activation · 2 loss-task · 3 learning-rate ·
// 4 dead-units, saturated-units, constant-output · 5 vanishing-gradients, exploding-gradients (with
// update/weight ratios in learning-rate) · 6 unscaled-inputs, unscaled-targets · 7 initialization ·
// 8 baseline-loss, underfitting, overfitting, regularization · 9 gradient-check · 10 data-nan,
// constant-features, conflicting-duplicates, class-imbalance, too-few-examples · sanity suite:
// sanity-initial-loss, sanity-overfit, sanity-regularization.

import { OptionError, checkOptionNames } from '../errors.js';
import { checkSameRows, toMatrix, type MatrixLike } from '../matrix.js';
import { Network } from '../nn/network.js';
import { fitDefaults } from '../train/fit-options.js';
import { DoctorContext } from './doctor-context.js';
import { dropRows, nanFinding } from './doctor-data.js';
import {
  doctorOptionNames,
  readArguments,
  resolveDoctorOptions,
  type DoctorData,
  type DoctorOptions,
  type Resolved,
} from './doctor-options.js';
import { runRules, sortFindings } from './doctor-registry.js';
import { fmt, optionsFix, optionsText, type DoctorReport, type Finding } from './doctor-types.js';

export type { DoctorReport, Finding, Severity } from './doctor-types.js';
export type { DoctorData, DoctorOptions } from './doctor-options.js';
export { formatDoctorReport, type FormatDoctorOptions } from './doctor-report.js';
export { sanityCheck, type SanityReport } from './doctor-sanity.js';

/**
 * Diagnoses `network` on data x, y. Two call forms:
 *   diagnose(network, { x, y }, options)   — as issue 7 writes it
 *   diagnose(network, x, y, options)
 * x, y: Matrix or arrays of rows, as for fit. Rows holding NaN/Infinity are reported (rule
 * `data-nan`) and left out of the probes. The network's parameters are unchanged on return.
 */
export function diagnose(network: Network, data: DoctorData, options?: DoctorOptions): DoctorReport;
export function diagnose(
  network: Network,
  x: MatrixLike,
  y: MatrixLike,
  options?: DoctorOptions,
): DoctorReport;
export function diagnose(
  network: Network,
  a: DoctorData | MatrixLike,
  b?: MatrixLike | DoctorOptions,
  c?: DoctorOptions,
): DoctorReport {
  const start = performance.now();
  if (!(network instanceof Network))
    throw new OptionError('diagnose needs a Network as its first argument', 'network');
  let { x: rawX, y: rawY, options } = readArguments(a, b, c);
  checkOptionNames('doctor option', options, doctorOptionNames);
  const nan = nanFinding(rawX, rawY);
  if (nan) {
    if (nan.rows.length === nan.total) return finish([nan.finding], network, options, 0, 0, start, undefined);
    rawX = dropRows(rawX, nan.rows);
    rawY = dropRows(rawY, nan.rows);
    // the weights of the rows left out go with them
    const left = new Set(nan.rows);
    const w = options.sampleWeight;
    if (w?.length === nan.total)
      options = { ...options, sampleWeight: Array.from(w).filter((_, r) => !left.has(r)) };
  }
  const X = toMatrix(rawX, 'x', network.inputSize);
  const Y = toMatrix(rawY, 'y', network.outputSize);
  checkSameRows(X, Y);
  const o = resolveDoctorOptions(options, X.rows);
  const ctx = new DoctorContext(network, X, Y, options, o);
  ctx.nan = nan?.finding ?? null;
  const findings = runRules(ctx);
  return finish(findings, network, options, X.rows, ctx.probes, start, ctx.recommendedRate(), o);
}

function finish(
  findings: Finding[],
  network: Network,
  options: DoctorOptions,
  examples: number,
  probes: number,
  start: number,
  recommended: number | undefined,
  o?: Resolved,
): DoctorReport {
  return {
    findings: sortFindings(findings),
    summary: {
      examples,
      parameters: network.parameterCount,
      loss: network.loss.name,
      optimizer: o?.optimizer ?? options.optimizer ?? 'sgd',
      learningRate: o?.learningRate ?? options.learningRate ?? 0.01,
      epochs: o?.epochs ?? options.epochs ?? fitDefaults.fullBatchEpochs,
      scaled: o?.scale ?? false,
      probes,
      recommendedLearningRate: recommended,
      seconds: (performance.now() - start) / 1000,
    },
  };
}

/** What `doctorCallback` gives fit: a diagnosis before training, findings during it, and a final report. */
export interface DoctorMonitor {
  /** the diagnosis of the network as it was when the monitor was made */
  readonly before: DoctorReport;
  /** call after each epoch with the training cost (and validation loss when there is one) */
  onEpoch(epoch: number, loss: number, validationLoss?: number): void;
  /** findings seen during training so far */
  readonly during: Finding[];
  /** the final report: the diagnosis before training plus what training showed, most important first */
  finish(): DoctorReport;
}

/**
 * For fitWithDoctor (doctor-monitor.ts): diagnoses before training and watches the loss per epoch —
 * a NaN/Infinity loss or a cost 10× its start (learning rate too large), a validation loss rising
 * 50% above its low while the training loss falls (overfitting). `onFinding` hears each new one.
 */
export function doctorCallback(
  network: Network,
  data: DoctorData,
  options: DoctorOptions & { onFinding?: (f: Finding) => void } = {},
): DoctorMonitor {
  const { onFinding: _, ...doctorOptions } = options;
  const before = diagnose(network, data, { ...doctorOptions, sanity: options.sanity ?? false });
  const during: Finding[] = [];
  const losses: number[] = [];
  const val: number[] = [];
  const add = (f: Finding) => {
    if (during.some((d) => d.rule === f.rule)) return;
    during.push(f);
    options.onFinding?.(f);
  };
  return {
    before,
    during,
    onEpoch(epoch, loss, validationLoss) {
      losses.push(loss);
      if (validationLoss !== undefined) val.push(validationLoss);
      if (!Number.isFinite(loss) || (losses.length > 1 && loss > 10 * losses[0])) {
        const rec = before.summary.recommendedLearningRate;
        add({
          rule: 'learning-rate',
          severity: 'error',
          observed: `at epoch ${epoch} the loss is ${fmt(loss)}, against ${fmt(losses[0])} at the start`,
          why: 'the updates overshoot: the learning rate is too large for this network and data',
          fix: rec !== undefined ? optionsText({ learningRate: rec }) : 'a smaller learningRate',
          fixOptions: rec !== undefined ? { learningRate: rec } : {},
        });
      }
      if (val.length >= 10) {
        let minAt = 0;
        for (let i = 1; i < val.length; i++) if (val[i] < val[minAt]) minAt = i;
        const end = val.length - 1;
        if (val[end] > 1.5 * val[minAt] && losses[end] < losses[minAt]) {
          add({
            rule: 'overfitting',
            severity: 'warning',
            observed:
              `validation loss lowest at epoch ${minAt + 1} (${fmt(val[minAt])}), now ${fmt(val[end])} while the training loss fell ` +
              `${fmt(losses[minAt])} → ${fmt(losses[end])}`,
            why: 'the network is memorizing the training examples instead of the pattern',
            ...optionsFix({ earlyStopping: true }),
          });
        }
      }
    },
    finish() {
      const merged = [...before.findings.filter((f) => !during.some((d) => d.rule === f.rule)), ...during];
      return { findings: sortFindings(merged), summary: before.summary };
    },
  };
}
