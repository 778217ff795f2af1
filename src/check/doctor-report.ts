// formatDoctorReport(): the doctor's report as text for a terminal — what was looked at, the counts,
// then one block per finding, most important first (observed, why, fix), wrapped under 100 columns.
// Fixes read in the library's terms; the CLI passes its own `renderFix` that writes flags.

import { exact, type DoctorReport, type Finding } from './doctor-types.js';

export interface FormatDoctorOptions {
  /** The fix line of a finding (default: its `fix`, in the library's option names). */
  renderFix?: (finding: Finding) => string;
}

function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + 1 + w.length > 96 - indent.length) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

/** "2 errors, 1 warning": the findings counted by severity. */
function counts(findings: readonly Finding[]): string {
  return (['error', 'warning', 'info'] as const)
    .map((k) => [k, findings.filter((f) => f.severity === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}${n > 1 ? 's' : ''}`)
    .join(', ');
}

/** A report for the terminal: one block per finding, most important first. */
export function formatDoctorReport(report: DoctorReport, options: FormatDoctorOptions = {}): string {
  const renderFix = options.renderFix ?? ((f: Finding) => f.fix);
  const s = report.summary;
  const head =
    `scratchnet doctor: ${s.examples} examples, ${s.parameters} parameters, loss ${s.loss}\n` +
    `${s.optimizer} at learning rate ${exact(s.learningRate)}, ${s.epochs} epochs${s.scaled ? ', scaled data' : ''}; ${s.probes} probe runs in ${s.seconds.toFixed(2)} s`;
  if (report.findings.length === 0) return `${head}\nno problems found.\n`;
  const blocks = report.findings.map((f, i) => {
    const tag = f.severity === 'error' ? 'ERROR' : f.severity === 'warning' ? 'WARNING' : 'info';
    return [
      `${i + 1}. ${tag} ${f.rule}`,
      wrap(`observed: ${f.observed}`, '   '),
      wrap(`why: ${f.why}`, '   '),
      wrap(`fix: ${renderFix(f)}`, '   '),
    ].join('\n');
  });
  return `${head}\n${counts(report.findings)}\n\n${blocks.join('\n\n')}\n`;
}
