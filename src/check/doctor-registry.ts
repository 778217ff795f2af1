// Every rule of the doctor, listed in the order they run (a rule may read the findings of the rules
// above it), each with its rank in the report: causes before symptoms. After all have run, one
// attribution pass gives each symptom its cause's fix.

import type { DoctorContext } from './doctor-context.js';
import {
  SCALE_FIX,
  conflictingDuplicatesFinding,
  constantFeaturesFinding,
  tooFewExamplesFinding,
  unscaledInputsFinding,
  unscaledTargetsFinding,
} from './doctor-data.js';
import { gradientCheckFinding } from './doctor-gradcheck-rule.js';
import { classImbalanceFinding } from './doctor-imbalance-rule.js';
import { targetLeakFindings } from './doctor-leak-rule.js';
import { heldOutOverfittingFinding } from './doctor-overfitting-rule.js';
import {
  baselineFinding,
  gradientFinding,
  initializationFinding,
  lossTaskFinding,
  unitFindings,
} from './doctor-rules.js';
import { sanityFindings, type SanityReport } from './doctor-sanity.js';
import {
  constantOutputFinding,
  overfittingFinding,
  rateFinding,
  regularizationFinding,
  underfittingFinding,
} from './doctor-training-rules.js';
import { SEVERITY_RANK, type Finding } from './doctor-types.js';

export interface Rule {
  /** the rule id of the findings it makes (kebab-case, stable) */
  id: string;
  /** rank in the report within a severity: causes (low) before symptoms (high) */
  order: number;
  run(ctx: DoctorContext): Finding | Finding[] | null;
  /**
   * For a symptom: the earlier finding whose fix is the one to apply (the attribution pass copies
   * it), given the findings of the rules above this one. `refer` names it: "… (the X finding)".
   */
  cause?: (finding: Finding, earlier: Finding[]) => Finding | undefined;
  refer?: boolean;
}

/** Any finding so far, other than a learning-rate one, that is more than a note. */
function explained(findings: Finding[]): boolean {
  return findings.some((f) => f.severity !== 'info' && f.rule !== 'learning-rate');
}

/** The most important finding in `findings` that names a cause (not a note, not the rate). */
function firstCause(findings: Finding[], test: (f: Finding) => boolean): Finding | undefined {
  return sortFindings(findings).find((f) => f.severity !== 'info' && f.rule !== 'learning-rate' && test(f));
}

const gradient = (ctx: DoctorContext) =>
  ctx.memo('gradient', () => gradientFinding(ctx.grads(), ctx.network));
const units = (ctx: DoctorContext) => ctx.memo('units', () => unitFindings(ctx.stats(), ctx.network));
const sanity = (ctx: DoctorContext): SanityReport =>
  ctx.memo('sanity', () => {
    const s = sanityFindings(ctx.network, ctx.x, ctx.y);
    ctx.probes += s.probes;
    return s;
  });
const ofRule = (id: string, findings: readonly Finding[]) => findings.filter((f) => f.rule === id);

/** Rule 4's saturated units: scaling is the fix when the inputs are large and unscaled. */
function saturatedUnits(ctx: DoctorContext): Finding[] {
  const found = ofRule('saturated-units', units(ctx));
  const xs = ctx.rawStats.x;
  const large = xs.mean.some((m, i) => Math.sqrt(m * m + xs.std[i] ** 2) > 5);
  if (!ctx.o.scale && large)
    for (const f of found) Object.assign(f, { fix: SCALE_FIX, fixOptions: { scale: true } });
  return found;
}

/** The sanity rules run only when asked (default on). */
function sanityRule(id: string, order: number): Rule {
  return {
    id,
    order,
    run: (ctx) => ((ctx.options.sanity ?? true) ? ofRule(id, sanity(ctx).findings) : null),
    // a failed sanity check is a symptom: when another finding names a cause, its fix is the one to apply
    ...(id !== 'sanity-regularization'
      ? {
          cause: (_f: Finding, earlier: Finding[]) =>
            firstCause(
              earlier,
              (c) => !c.rule.startsWith('sanity-') && Object.keys(c.fixOptions ?? {}).length > 0,
            ),
          refer: true,
        }
      : {}),
  };
}

/** The rules in the order they run. `order` is the rank in the report (data-nan first). */
export const RULES: readonly Rule[] = [
  { id: 'data-nan', order: 0, run: (ctx) => ctx.nan },
  { id: 'constant-features', order: 190, run: constantFeaturesFinding },
  { id: 'conflicting-duplicates', order: 180, run: conflictingDuplicatesFinding },
  // a trained model that leans on one column almost equal to the target (or a row id)
  { id: 'target-leak', order: 170, run: targetLeakFindings },
  { id: 'class-imbalance', order: 200, run: classImbalanceFinding },
  { id: 'too-few-examples', order: 210, run: tooFewExamplesFinding },
  { id: 'unscaled-inputs', order: 40, run: unscaledInputsFinding },
  { id: 'unscaled-targets', order: 50, run: unscaledTargetsFinding },
  { id: 'loss-task', order: 20, run: (ctx) => lossTaskFinding(ctx.network, ctx.rawTargets, ctx.raw.Y) },
  {
    id: 'initialization',
    order: 70,
    run: (ctx) => initializationFinding(ctx.network, ctx.stats(), ctx.options.trained ?? false),
  },
  // huge inputs make huge first-layer gradients: scaling is the cure, not the initialization
  ...['exploding-gradients', 'vanishing-gradients'].map(
    (id, k): Rule => ({
      id,
      order: 80 + 10 * k,
      run: (ctx) =>
        ofRule(
          id,
          [gradient(ctx)].filter((f): f is Finding => f !== null),
        ),
      cause: (_f, earlier) => earlier.find((c) => c.rule === 'unscaled-inputs'),
    }),
  ),
  { id: 'dead-units', order: 100, run: (ctx) => ofRule('dead-units', units(ctx)) },
  {
    id: 'saturated-units',
    order: 110,
    run: saturatedUnits,
    cause: (f, earlier) =>
      f.fixOptions?.scale
        ? earlier.find((c) => c.rule === 'unscaled-inputs' || c.rule === 'constant-features')
        : earlier.find((c) => c.rule === 'initialization'),
  },
  {
    id: 'output-activation',
    order: 10,
    run: (ctx) => [ctx.range(), ctx.probed().counterfactual].filter((f): f is Finding => f !== null),
    // standardized 0/1 labels fall outside a sigmoid's range: the loss is the cause
    cause: (_f, earlier) => earlier.find((c) => c.rule === 'loss-task' && c.severity !== 'info'),
  },
  { id: 'learning-rate', order: 30, run: rateFinding },
  {
    id: 'constant-output',
    order: 120,
    run: constantOutputFinding,
    cause: (_f, earlier) => {
      const find = (rule: string) => earlier.find((c) => c.rule === rule);
      const scale = find('unscaled-targets') ?? find('unscaled-inputs');
      return find('dead-units') ?? find('saturated-units') ?? find('initialization') ?? scale;
    },
  },
  { id: 'regularization', order: 130, run: regularizationFinding },
  {
    id: 'baseline-loss',
    order: 140,
    run: (ctx) => {
      const { scan } = ctx.probed();
      const classification = ctx.loss.kind === 'classification';
      const base = baselineFinding(scan.best, ctx.baseline(), scan.probes.length, classification);
      if (!base || ctx.found('constant-output')) return null;
      // the probe behind this finding ran at the best rate: the user's rate is not the cause
      if (explained(ctx.findings())) base.severity = 'warning';
      return base;
    },
    cause: (_f, earlier) => firstCause(earlier, (c) => c.rule !== 'baseline-loss'),
    refer: true,
  },
  // underfitting only when nothing else explains a poor fit (a bigger network would not cure those)
  { id: 'underfitting', order: 150, run: (ctx) => underfittingFinding(ctx, explained(ctx.findings())) },
  // judged on the validation data or history given, else on held-out rows of the data
  {
    id: 'overfitting',
    order: 160,
    run: (ctx) =>
      ctx.options.validation || ctx.options.history?.validationLoss?.length
        ? overfittingFinding(ctx)
        : heldOutOverfittingFinding(ctx),
  },
  {
    id: 'gradient-check',
    order: 60,
    run: (ctx) => gradientCheckFinding(ctx.network, ctx.x, ctx.y, ctx.options.gradCheck ?? 'auto', ctx.w),
  },
  sanityRule('sanity-initial-loss', 220),
  sanityRule('sanity-overfit', 230),
  sanityRule('sanity-regularization', 240),
];

const RANK = new Map(RULES.map((r) => [r.id, r.order]));

/**
 * Most important first: by severity — a cause ranked as its most severe symptom (the findings
 * whose fixFrom names it, through chains), at the head of that severity — then by the rules'
 * order (causes before symptoms).
 */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = (id: string) => RANK.get(id) ?? Number.MAX_SAFE_INTEGER;
  const level = new Map<string, number>();
  for (const f of findings) level.set(f.rule, Math.min(level.get(f.rule) ?? 9, SEVERITY_RANK[f.severity]));
  // a symptom lends its severity to its cause (chains are short: constant-output → saturated-units → unscaled-inputs)
  for (let pass = 0; pass < 3; pass++)
    for (const f of findings)
      if (f.fixFrom && level.has(f.fixFrom))
        level.set(f.fixFrom, Math.min(level.get(f.fixFrom) ?? 9, level.get(f.rule) ?? 9));
  const causes = new Set(findings.map((f) => f.fixFrom));
  const key = (f: Finding) => (level.get(f.rule) ?? 9) * 2 + (causes.has(f.rule) ? 0 : 1);
  return [...findings].sort((a, b) => key(a) - key(b) || rank(a.rule) - rank(b.rule));
}

/** Runs every rule in order, then the attribution pass; returns the findings, most important first. */
export function runRules(ctx: DoctorContext): Finding[] {
  for (const rule of RULES) {
    const out = rule.run(ctx);
    ctx.record(rule.id, out === null ? [] : Array.isArray(out) ? out : [out]);
  }
  attributeCauses(ctx);
  return sortFindings(ctx.findings());
}

/** The attribution pass: each symptom takes the fix of the cause its rule names, in rule order. */
function attributeCauses(ctx: DoctorContext): void {
  const earlier: Finding[] = [];
  for (const rule of RULES) {
    const mine = ctx.of(rule.id);
    for (const f of rule.cause ? mine : []) {
      const cause = rule.cause?.(f, earlier);
      if (!cause) continue;
      f.fix = rule.refer ? `${cause.fix} (the ${cause.rule} finding)` : cause.fix;
      f.fixOptions = cause.fixOptions;
      f.fixFrom = cause.rule;
    }
    earlier.push(...mine);
  }
}
