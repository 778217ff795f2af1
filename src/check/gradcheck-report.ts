// formatGradCheckReport(): the gradient-check report as text for a terminal — verdict first, then
// what was checked, a table per term, the buffers that fail, what was set aside and why, and a short
// table of the worst entries (never whole Jacobians). The structured report itself is plain JSON.

import { fmt, type GradCheckEntry, type GradCheckReport } from './gradcheck.js';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    '  ' + cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  return [line(header), ...rows.map(line)];
}

function entryRow(e: GradCheckEntry): string[] {
  return [
    e.term,
    `${e.layer} ${e.layerType}`,
    e.kind,
    `[${e.position.join(', ')}]`,
    fmt(e.analytic),
    fmt(e.numeric),
    fmt(e.error),
    e.status,
  ];
}

/** What was checked: the network, the sample, the step and the tolerance. */
function header(report: GradCheckReport): string[] {
  const n = report.network;
  const e = report.examples;
  const p = report.parameters;
  const x = report.inputs;
  return [
    `gradient check: ${report.verdict.toUpperCase()}`,
    `  ${report.summary}`,
    '',
    `network: ${n.parameters} parameters, loss ${n.loss}${n.fromLogits ? ' (from logits)' : ''}, ` +
      `penalties: ${n.penalties.join(', ') || 'none'}; ` +
      `${e.sampled ? `${e.checked} of ${e.total} examples (seeded sample)` : `${e.total} examples`}`,
    ...n.layers.map((l, i) => `  ${i}: ${l}`),
    `checked: ${p.checked} of ${p.total} parameters${p.sampled ? ` (seeded sample, seed ${p.seed})` : ''}, ` +
      `${x.checked} of ${x.total} input entries${x.sampled ? ' (sampled)' : ''}`,
    `step: ${report.step.rule}; h from ${fmt(report.step.smallest)} to ${fmt(report.step.largest)}`,
    `tolerance: ${report.tolerance.floor}; pass when error ≤ ${fmt(report.tolerance.error)}`,
  ];
}

function termTable(report: GradCheckReport): string[] {
  return table(
    ['term', 'value', 'checked', 'judged', 'failed', 'kinks', 'unstable', 'worst error', '‖a−n‖/(‖a‖+‖n‖)'],
    report.terms.map((t) => [
      t.term,
      fmt(t.value),
      String(t.checked),
      String(t.judged),
      String(t.failed),
      String(t.kinks),
      String(t.unstable),
      fmt(t.worstError),
      fmt(t.textbook),
    ]),
  );
}

/**
 * The data term's buffers, and failing buffers of other terms (the total only when the data term
 * does not already show the same failure).
 */
function groupTable(report: GradCheckReport): string[] {
  const dataFails = new Set(
    report.groups.filter((g) => g.term === 'data' && g.failed > 0).map((g) => `${g.layer}:${g.kind}`),
  );
  const dataGroups = report.groups.filter(
    (g) =>
      g.term === 'data' || (g.failed > 0 && !(g.term === 'total' && dataFails.has(`${g.layer}:${g.kind}`))),
  );
  return [
    'per layer and kind:',
    ...table(
      ['term', 'layer', 'kind', 'size', 'checked', 'judged', 'failed', 'kinks', 'worst error'],
      dataGroups.map((g) => [
        g.term,
        `${g.layer} ${g.layerType}`,
        g.kind,
        String(g.size),
        String(g.checked),
        String(g.judged),
        String(g.failed),
        String(g.kinks),
        fmt(g.worstError),
      ]),
    ),
  ];
}

/** What was set aside, the suspects and the worst entries (each section only when it has lines). */
function findings(report: GradCheckReport): string[] {
  const out: string[] = [];
  const { setAside } = report;
  if (setAside.kinks + setAside.unstable > 0) {
    out.push(
      '',
      `set aside (not judged; a step across a kink measures the mean of two slopes, not a bug): ` +
        `${setAside.kinks} kink crossings, ${setAside.unstable} unstable`,
    );
    if (setAside.bySource.length > 1) out.push('  by source (one entry may cross kinks in several places):');
    for (const s of setAside.bySource) out.push(`  ${s.source}: ${s.entries} entries`);
  }
  if (report.suspects.length > 0)
    out.push('', 'suspects:', ...report.suspects.map((s) => `  - ${s.message}`));
  if (report.worst.length > 0) {
    const header = ['term', 'layer', 'kind', 'at', 'analytic', 'numeric', 'error', 'status'];
    out.push('', 'worst entries:', ...table(header, report.worst.map(entryRow)));
  }
  return out;
}

export function formatGradCheckReport(report: GradCheckReport): string {
  const out = [...header(report), '', ...termTable(report), '', ...groupTable(report), ...findings(report)];
  if (!report.deterministic)
    out.push('', 'warning: two backward passes at the same point gave different gradients');
  if (!report.restored)
    out.push('', 'warning: a parameter was not restored by the check (it has been reset)');
  out.push('', `took ${report.seconds.toFixed(3)} s`);
  return out.join('\n');
}
