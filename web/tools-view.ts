// Shows the tools' answers on the page: the doctor's findings, each with a one-click fix when the
// page has a setting for it; the gradient check's verdict and report; the exported model as a download.

import type { DoctorFinding, ToolReport } from './protocol.js';
import { settingsChange, type PlaygroundState } from './state.js';

const byId = (id: string) => document.getElementById(id) as HTMLElement;

/** A tool's report; a doctor fix is offered as a change of `state`, the settings the doctor ran on. */
export function showTool(
  report: ToolReport,
  state: PlaygroundState,
  apply: (change: Partial<PlaygroundState>) => void,
): void {
  if (report.tool === 'doctor') showDoctor(report, state, apply);
  else if (report.tool === 'gradcheck') showGradCheck(report);
  else if (report.error) showDoctor(report, state, apply);
  else download(report.text ?? '', report.name ?? 'model.json');
}

function showDoctor(
  report: ToolReport,
  state: PlaygroundState,
  apply: (change: Partial<PlaygroundState>) => void,
): void {
  const panel = byId('doctor-report');
  panel.hidden = false;
  const heading = document.createElement('h2');
  heading.textContent = report.tool === 'doctor' ? 'Doctor' : 'Export';
  const findings = report.findings ?? [];
  const items = report.error
    ? [paragraph(report.error, 'error')]
    : findings.length === 0
      ? [paragraph('No findings: this setup looks healthy.', '')]
      : findings.map((f) => finding(f, settingsChange(f.fixOptions, state), apply));
  panel.replaceChildren(heading, ...items);
}

function finding(
  f: DoctorFinding,
  change: Partial<PlaygroundState> | null,
  apply: (change: Partial<PlaygroundState>) => void,
): HTMLElement {
  const item = document.createElement('div');
  item.className = `finding ${f.severity}`;
  item.dataset.rule = f.rule;
  const title = document.createElement('strong');
  title.textContent = `${f.severity}: ${f.rule}`;
  item.append(title, paragraph(f.observed, ''), paragraph(`Fix: ${f.fix}`, 'fix'));
  if (change) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'apply';
    button.textContent = `Apply: ${Object.entries(change)
      .map(([k, v]) => `${k} = ${Array.isArray(v) ? v.join(',') : v}`)
      .join(', ')}`;
    button.addEventListener('click', () => {
      apply(change);
      item.remove();
    });
    item.append(button);
  }
  return item;
}

function showGradCheck(report: ToolReport): void {
  const pre = byId('gradcheck-report');
  pre.hidden = false;
  pre.dataset.verdict = report.verdict ?? 'error';
  pre.textContent = report.error || report.text || '';
}

function paragraph(text: string, className: string): HTMLElement {
  const p = document.createElement('p');
  p.textContent = text;
  if (className) p.className = className;
  return p;
}

/** Offers the model file as a download (a blob URL on a temporary link). */
function download(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
