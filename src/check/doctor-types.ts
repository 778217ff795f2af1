// The doctor's report format: findings with a stable rule id, a severity, the evidence observed
// (with numbers), why it matters and the fix as library options (fixOptions) plus a sentence in the
// same terms. The library never writes CLI flags: src/cli/fixes.ts renders fixOptions as flags.

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export interface Finding {
  /** stable kebab-case id, e.g. 'output-activation', 'learning-rate' */
  rule: string;
  severity: Severity;
  /** what the doctor measured, with numbers */
  observed: string;
  /** why it matters */
  why: string;
  /** the change in words, in the library's terms (`output: 'linear'`, or advice no option expresses) */
  fix: string;
  /**
   * The change as library options (NetworkOptions / FitOptions names: output, learningRate, layers,
   * scale, …; data options: dropMissing, dropFeatures, oversample); {} when no option expresses it.
   */
  fixOptions?: Record<string, unknown>;
  /** set when the fix is another finding's (this one is its symptom): that finding's rule id */
  fixFrom?: string;
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

/** A number in full (a rate, a λ): plain for ordinary values, `1e-6` style for small or huge ones. */
export function exact(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e6 ? v.toExponential().replace('e+', 'e') : String(v);
}

/** Library options as words: `learningRate: 0.05, output: 'linear'` (the `fix` of an option-only finding). */
export function optionsText(options: Record<string, unknown>): string {
  const show = (v: unknown): string =>
    typeof v === 'string'
      ? `'${v}'`
      : typeof v === 'number'
        ? exact(v)
        : Array.isArray(v)
          ? `[${v.map(show).join(', ')}]`
          : String(v);
  return Object.entries(options)
    .map(([k, v]) => `${k}: ${show(v)}`)
    .join(', ');
}

/** A finding's fix when options express all of it: the options, and the same in words. */
export function optionsFix(fixOptions: Record<string, unknown>): Pick<Finding, 'fix' | 'fixOptions'> {
  return { fix: optionsText(fixOptions), fixOptions };
}
