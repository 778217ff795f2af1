// The doctor's class-imbalance rule: one class holds most rows (≥ 80%) or another only a few (< 5%),
// so a network can reach a low loss by ignoring the small classes while accuracy stays near the
// majority rate. On a trained network the rule also measures that (accuracy, balanced accuracy and
// the smallest class's recall) and stays silent when the network is not stuck near the majority rate.
// The fix is class weights (classWeight: 'balanced'); silent when the caller already weights rows.

import { balancedAccuracy, accuracy, perClassRecall, predictedClasses } from '../train/metrics.js';
import type { DoctorContext } from './doctor-context.js';
import { pct, type Finding } from './doctor-types.js';

/** Imbalance: the largest class has at least `majority` of the rows, or a class under `minority`. */
export const imbalanceRule = { majority: 0.8, minority: 0.05 } as const;

/** Rows per class of 0/1 or one-hot targets (classes 0/1, or the column index). */
function classCounts(ctx: DoctorContext): number[] {
  const y = ctx.raw.Y;
  const counts = new Array<number>(Math.max(2, y.cols)).fill(0);
  for (const c of predictedClasses(y)) counts[c]++;
  return counts;
}

/** What a trained network scores on the rows: accuracy, balanced accuracy, recall per class. */
function trainedScores(ctx: DoctorContext) {
  const p = ctx.network.predict(ctx.raw.X);
  return {
    accuracy: accuracy(p, ctx.raw.Y),
    balanced: balancedAccuracy(p, ctx.raw.Y),
    recall: perClassRecall(p, ctx.raw.Y),
  };
}

/** The class-imbalance finding, or null (no imbalance, regression, weights given, or a trained network that copes). */
export function classImbalanceFinding(ctx: DoctorContext): Finding | null {
  const { options } = ctx;
  if (options.classWeight !== undefined || options.sampleWeight !== undefined) return null;
  if (ctx.loss.kind !== 'classification' || !(ctx.rawTargets.binary || ctx.rawTargets.oneHot)) return null;
  const counts = classCounts(ctx);
  const rows = ctx.raw.Y.rows;
  const present = counts.filter((n) => n > 0);
  const large = Math.max(...present);
  const small = Math.min(...present);
  const majorityRate = large / rows;
  if (majorityRate < imbalanceRule.majority && small / rows >= imbalanceRule.minority) return null;
  const names = ctx.rawTargets.oneHot ? options.columns?.targets : undefined;
  const name = (k: number) => `class ${names?.[k] ?? k}`;
  const major = counts.indexOf(large);
  const minor = counts.indexOf(small);
  const evidence: Record<string, number> = { smallest: small, largest: large, majorityRate };
  let trained = '';
  if (options.trained) {
    const s = trainedScores(ctx);
    // it copes when its accuracy is not near the majority rate (within half the majority predictor's
    // error rate, either way) and it finds at least half of the smallest class
    const near = Math.abs(s.accuracy - majorityRate) <= (1 - majorityRate) / 2;
    if (!near && s.recall[minor] >= 0.5) return null;
    Object.assign(evidence, {
      accuracy: s.accuracy,
      balancedAccuracy: s.balanced,
      smallestRecall: s.recall[minor],
    });
    trained =
      `; the network scores ${pct(s.accuracy)} accuracy, balanced accuracy ${pct(s.balanced)}, ` +
      `recall of ${name(minor)} ${pct(s.recall[minor])}`;
  }
  return {
    rule: 'class-imbalance',
    severity: 'warning',
    observed:
      `${name(minor)} has ${small} of ${rows} rows (${pct(small / rows)}), ${name(major)} ${large} (${pct(majorityRate)}): ` +
      `always predicting ${name(major)} is already ${pct(majorityRate)} accurate${trained}`,
    why: 'the loss is dominated by the large class: the network can reach a low loss while ignoring the small one, and accuracy hides it',
    fix:
      "weight each class by rows / (classes · its rows): classWeight: 'balanced' (or oversample the small class), " +
      'and judge by balanced accuracy / per-class recall, not accuracy',
    fixOptions: { classWeight: 'balanced' },
    evidence,
  };
}
