// The doctor's report format: findings with a stable rule id, a severity, the evidence observed
// (with numbers), why it matters and the fix as CLI flags plus a machine-readable form.

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** stable kebab-case id, e.g. 'output-activation', 'learning-rate' */
  rule: string;
  severity: Severity;
  /** what the doctor measured, with numbers */
  observed: string;
  /** why it matters */
  why: string;
  /** the exact change, in the CLI's flag names (`--output linear --lr 0.05`) */
  fix: string;
  /** the same change as library options (NetworkOptions / FitOptions names: output, learningRate, layers, …) */
  fixOptions?: Record<string, unknown>;
  /** the key numbers, for scripts and tests */
  evidence?: Record<string, number>;
}

export interface DoctorReport {
  /** most important first */
  findings: Finding[];
  /** what the doctor looked at */
  summary: {
    examples: number;
    parameters: number;
    loss: string;
    optimizer: string;
    learningRate: number;
    epochs: number;
    scaled: boolean;
    /** probe training runs made */
    probes: number;
    /** the learning rate the doctor recommends for this optimizer (with the structural fixes applied) */
    recommendedLearningRate?: number;
    seconds: number;
  };
}

/** Order of the rules within a severity: causes before symptoms. */
export const RULE_ORDER: readonly string[] = [
  'data-nan',
  'output-activation',
  'loss-task',
  'learning-rate',
  'unscaled-inputs',
  'unscaled-targets',
  'gradient-check',
  'initialization',
  'exploding-gradients',
  'vanishing-gradients',
  'dead-units',
  'saturated-units',
  'constant-output',
  'regularization',
  'baseline-loss',
  'underfitting',
  'overfitting',
  'conflicting-duplicates',
  'constant-features',
  'class-imbalance',
  'too-few-examples',
  'sanity-initial-loss',
  'sanity-overfit',
  'sanity-regularization',
];

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function sortFindings(findings: Finding[]): Finding[] {
  const rank = (r: string) => {
    const i = RULE_ORDER.indexOf(r);
    return i < 0 ? RULE_ORDER.length : i;
  };
  return [...findings].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || rank(a.rule) - rank(b.rule),
  );
}

/** A number for a message: 4 significant digits, exponent form when far from 1. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

export function pct(v: number): string {
  const p = v * 100;
  return `${p >= 10 || p === 0 ? Math.round(p) : Number(p.toPrecision(2))}%`;
}

/** A number as a flag value: plain for ordinary values, `1e-6` style for small or huge ones. */
export function flagValue(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e6 ? v.toExponential().replace('e+', 'e') : String(v);
}
