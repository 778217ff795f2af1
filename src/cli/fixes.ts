// The doctor's fixes as command-line flags: findings carry library options (`fixOptions`:
// learningRate, output, scale, …); this is the one place that knows which flag sets each.

import { formatDoctorReport as formatReport, type DoctorReport, type Finding } from '../check/index.js';

/** A number as a flag value: plain for ordinary values, `1e-6` style for small or huge ones. */
export function flagValue(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e6 ? v.toExponential().replace('e+', 'e') : String(v);
}

const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : [String(v)]);

/** Library option → the flag (with its value) that sets it in `scratchnet train` / `doctor`. */
const FLAGS: Record<string, (v: unknown) => string> = {
  learningRate: (v) => `--lr ${flagValue(Number(v))}`,
  output: (v) => `--output ${v}`,
  loss: (v) => `--loss ${v}`,
  activation: (v) => `--activation ${v}`,
  init: (v) => `--init ${v}`,
  layers: (v) => `--layers ${list(v).join(',')}`,
  weightDecay: (v) => `--weight-decay ${flagValue(Number(v))}`,
  scale: (v) => (v ? 'drop --no-scale (scaling is on by default)' : '--no-scale'),
  earlyStopping: (v) => (v ? '--early-stop' : ''),
  validationSplit: (v) => `--val-split ${v}`,
  dropMissing: (v) => (v ? '--drop-missing (or --impute mean)' : ''),
  dropFeatures: (v) => `--features without ${list(v).join(', ')}`,
  oversample: (v) => (v ? 'oversample the small class in the data file (no flag does it)' : ''),
  classWeight: (v) => `--class-weight ${typeof v === 'string' ? v : `'${JSON.stringify(v)}'`}`,
};

/** The flags for a finding's fixOptions, in the order given ('' when it has none). */
export function fixFlags(fixOptions: Record<string, unknown> = {}): string {
  return Object.entries(fixOptions)
    .map(([key, value]) => FLAGS[key]?.(value) ?? `${key} ${JSON.stringify(value)}`)
    .filter((s) => s !== '')
    .join(' ');
}

/** A finding's fix for the terminal: its flags (naming the finding it comes from), or its advice in words. */
export function renderFix(finding: Finding): string {
  const flags = fixFlags(finding.fixOptions);
  if (flags === '') return finding.fix;
  return finding.fixFrom ? `${flags} (the ${finding.fixFrom} finding)` : flags;
}

/** The doctor's terminal report with fixes as flags. */
export function formatDoctorReport(report: DoctorReport): string {
  return formatReport(report, { renderFix });
}

/** The report as JSON, each finding with its fix as flags beside the library options. */
export function doctorReportJson(report: DoctorReport): string {
  return JSON.stringify({
    ...report,
    findings: report.findings.map((f) => ({ ...f, fixFlags: fixFlags(f.fixOptions) })),
  });
}
