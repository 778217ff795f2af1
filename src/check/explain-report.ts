// An ExplainReport as text: the importance table with intervals, each attributed row as a short
// waterfall (largest contributions first) with its completeness error, and the dependence ranges.
// Columns align by display width (CJK names and emoji take two terminal columns).

import { displayWidth, padEndWidth } from '../data/display-width.js';
import type { ExplainReport, RowExplanation } from './explain.js';
import { fmt } from './doctor-types.js';

/**
 * `rowColumns`: contributions listed per row before the rest are summed (default 6). `firstRow`: the
 * number printed for row index 0 (default 0, as explain's `rows` option counts; the CLI, whose
 * --rows counts data rows from 1, prints from 1).
 */
export function formatExplainReport(report: ExplainReport, { rowColumns = 6, firstRow = 0 } = {}): string {
  const lines: string[] = [];
  const imp = report.importance;
  if (imp) {
    const better = imp.metric === 'r2' || imp.metric === 'accuracy' ? 'drop' : 'rise';
    lines.push(
      `Permutation importance${imp.target !== undefined ? ` for ${report.explained}` : ''}: ${better} in ${imp.metric} when a column is shuffled (${imp.rows} rows, ${imp.repeats} shuffles, seed ${imp.seed}; ${imp.metric} as given ${fmt(imp.score)}; 95% interval)`,
    );
    const width = Math.max(6, ...imp.columns.map((c) => displayWidth(c.column))); // 価格 takes 4 columns
    const top = Math.max(...imp.columns.map((c) => c.mean), 1e-300);
    for (const c of imp.columns) {
      const bar = '█'.repeat(Math.max(0, Math.round((20 * c.mean) / top)));
      lines.push(
        `  ${padEndWidth(c.column, width)} ${fmt(c.mean).padStart(9)}  [${fmt(c.low)}, ${fmt(c.high)}]  ${bar}`,
      );
    }
    lines.push('');
  }
  lines.push(
    `Attributions of ${report.explained} by integrated gradients (${report.attributeTo}); baseline: ${report.baseline.rule}`,
  );
  for (const r of report.attributions) lines.push(...formatRow(r, rowColumns, firstRow));
  const c = report.completeness;
  lines.push(
    `Completeness (attributions sum to f(x) − f(baseline)): ${c.converged} of ${c.rows} rows within ${fmt(c.tolerance)}·|f(x) − f(baseline)|, worst ${fmt(c.worstRelativeError)}, ${Math.round(c.meanSteps)} gradient evaluations per row on average`,
  );
  if (report.dependence.length > 0) {
    lines.push('', `Partial dependence of ${report.curvesOf} (mean prediction as one column varies):`);
    for (const d of report.dependence) {
      const lo = Math.min(...d.average);
      const hi = Math.max(...d.average);
      lines.push(
        `  ${d.column}: ${fmt(lo)} … ${fmt(hi)} over ${d.column} ${formatInput(d.grid[0])} … ${formatInput(d.grid[d.grid.length - 1])}`,
      );
    }
  }
  return lines.join('\n');
}

function formatRow(r: RowExplanation, rowColumns: number, firstRow: number): string[] {
  const sorted = [...r.columns].sort((a, b) => Math.abs(b.attribution) - Math.abs(a.attribution));
  const shown = sorted.slice(0, rowColumns);
  const rest = sorted.slice(rowColumns).reduce((s, c) => s + c.attribution, 0);
  const lines = [
    `  row ${r.row + firstRow}: ${fmt(r.baselineValue)} (baseline) → ${fmt(r.value)}; completeness error ${fmt(r.completenessError)} (${fmt(r.relativeError)} relative${r.converged ? '' : ', NOT within tolerance'}), ${r.steps} steps`,
  ];
  const width = Math.max(...shown.map((c) => displayWidth(`${c.column} = ${formatInput(c.input)}`)));
  for (const c of shown) {
    const sign = c.attribution >= 0 ? '+' : '−';
    lines.push(
      `      ${padEndWidth(`${c.column} = ${formatInput(c.input)}`, width)}  ${sign}${fmt(Math.abs(c.attribution))}`,
    );
  }
  if (sorted.length > rowColumns)
    lines.push(
      `      (${sorted.length - rowColumns} other column${sorted.length - rowColumns === 1 ? '' : 's'})  ${rest >= 0 ? '+' : '−'}${fmt(Math.abs(rest))}`,
    );
  return lines;
}

function formatInput(v: number | string): string {
  return typeof v === 'number' ? fmt(v) : v;
}
