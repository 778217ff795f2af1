// `scratchnet explain`: which columns a trained model relies on (permutation importance, when the
// data has the target), why it predicted what it did for some rows (integrated gradients, checked
// for completeness), and partial dependence on the top columns; charts with --plots DIR.
// Exit 0; 3 when some row's attributions miss the completeness tolerance.

import type { Command } from 'commander';
import {
  explain,
  formatExplainReport,
  importanceMetrics,
  type ExplainReport,
  type ImportanceMetric,
} from '../../check/index.js';
import { applyEncoding } from '../../data/index.js';
import { modelNetwork } from '../../io/index.js';
import { dependenceChart, importanceChart, waterfallChart } from '../../plot/explain-specs.js';
import type { VegaLiteSpec } from '../../plot/index.js';
import { EXIT_INCONCLUSIVE, UsageError } from '../errors.js';
import { shown } from '../../errors.js';
import { checkFolder, loadModel, loadTable, savedFormat } from '../files.js';
import { writePlots } from '../plots.js';
import { checkInputs } from './predict.js';

interface Flags {
  model: string;
  data: string;
  rows: string;
  repeats: string;
  seed: string;
  metric?: string;
  top: string;
  tolerance: string;
  logit?: boolean;
  dropMissing?: boolean;
  json?: boolean;
  plots?: string;
  of?: string;
}

export function register(program: Command): void {
  program
    .command('explain')
    .description('which columns a trained model relies on, and why it predicted what it did for some rows')
    .requiredOption('--model <file>', 'model file written by train')
    .requiredOption(
      '--data <file>',
      'CSV or JSON records; held-out rows with the target column for importance',
    )
    .option('--rows <list>', 'rows to attribute, 1-based: 1,4,10-12', '1-5')
    .option('--repeats <n>', 'shuffles per column for permutation importance', '5')
    .option('--seed <n>', 'seed of the shuffles', '1')
    .option('--metric <name>', `importance metric: ${importanceMetrics.join(', ')} (default r2 or accuracy)`)
    .option('--top <n>', 'partial-dependence curves for this many top columns', '3')
    .option(
      '--tolerance <t>',
      'completeness: |Σ attributions − (f(x) − f(baseline))| ≤ t·|f(x) − f(baseline)|',
      '1e-6',
    )
    .option('--of <target>', 'a model of several regression targets: the one to explain (default: the first)')
    .option('--logit', 'classification: attribute the logit instead of the probability')
    .option('--drop-missing', 'leave out rows with missing cells')
    .option('--json', 'print the report as JSON')
    .option(
      '--plots <dir>',
      'write importance, waterfall-row-N and dependence-COLUMN charts (SVG and PNG) here',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ scratchnet explain --model cars.json --data test.csv
  $ scratchnet explain --model cars.json --data test.csv --rows 1,7 --plots explain-plots
  $ scratchnet explain --model model.json --data new.csv --json | jq '.importance.columns[0]'`,
    )
    .action(async (flags: Flags) => {
      if (flags.plots) checkFolder(flags.plots, '--plots');
      const model = loadModel(flags.model);
      const network = modelNetwork(model, flags.model);
      const saved = savedFormat(model.encoding, {}, flags.data); // as training read its numbers
      const table = loadTable(flags.data, { ...saved, naValues: model.encoding.naValues });
      const withTarget = targetNote(model.encoding.target.columns, table.columns, flags.data);
      const enc = applyEncoding(model.encoding, table, {
        withTarget,
        missing: flags.dropMissing ? 'drop' : model.encoding.missing,
      });
      checkInputs(network, enc.x.cols, flags.model, flags.data);
      if (network.loss.kind === 'regression' && (flags.metric === 'accuracy' || flags.metric === 'logLoss'))
        throw new UsageError(
          `--metric ${flags.metric} scores classes, and ${flags.model} is a regression model: use r2 or mse`,
        );
      const unit = explainedTarget(model.encoding.target, network.loss.kind, flags.of);
      const report = explain(
        { network, encoding: model.encoding },
        { x: enc.x, ...(enc.y ? { y: enc.y } : {}) },
        {
          rows: parseRows(flags.rows, enc.x.rows),
          repeats: integer('--repeats', flags.repeats, 1),
          seed: integer('--seed', flags.seed, 0),
          ...(flags.metric ? { metric: flags.metric as ImportanceMetric } : {}),
          top: integer('--top', flags.top, 0),
          tolerance: Number(flags.tolerance),
          attributeTo: flags.logit ? 'logit' : 'output',
          ...(unit !== undefined ? { unit } : {}),
        },
      );
      console.log(flags.json ? JSON.stringify(report) : formatExplainReport(report, { firstRow: 1 }));
      if (flags.plots) {
        const written = await writePlots(flags.plots, explainCharts(report));
        if (!flags.json) console.log(`wrote ${written.length} plot files in ${flags.plots}`);
      }
      if (report.completeness.converged < report.completeness.rows) process.exitCode = EXIT_INCONCLUSIVE;
    });
}

/**
 * The output unit to explain: with several regression targets, `--of`'s (default the first, said in a
 * note: attributions and curves are of one target); classes choose their own (undefined).
 */
function explainedTarget(
  target: { columns: string[] },
  kind: string,
  of: string | undefined,
): number | undefined {
  const columns = target.columns;
  if (kind !== 'regression' || columns.length < 2) {
    if (of !== undefined && !(columns.length === 1 && columns[0] === of))
      throw new UsageError(
        `--of ${of}: the model has one output to explain (${columns.join(', ')}); leave --of out`,
      );
    return undefined;
  }
  if (of === undefined) {
    process.stderr.write(
      `note: the model predicts ${columns.length} targets (${columns.join(', ')}); explaining the first, "${columns[0]}" (--of NAME explains another)\n`,
    );
    return 0;
  }
  const unit = columns.indexOf(of);
  if (unit < 0)
    throw new UsageError(`--of ${of}: not a target of the model; its targets are ${columns.join(', ')}`);
  return unit;
}

/**
 * Whether the data holds the target column(s); when it does not, a note that permutation importance
 * is left out and what gives it (it scores the model against the true values).
 */
function targetNote(targets: string[], columns: string[], data: string): boolean {
  const missing = targets.filter((c) => !columns.includes(c));
  if (missing.length === 0) return true;
  const names = missing.map((c) => `"${c}"`).join(', ');
  process.stderr.write(
    `note: ${data} has no target column ${names}: permutation importance (which needs the true values) is left out; ` +
      `give data with ${missing.length === 1 ? 'that column' : 'those columns'} to get it\n`,
  );
  return false;
}

/** "1,4,10-12" (1-based, inclusive ranges) → 0-based row indices within the data. */
export function parseRows(text: string, count: number): number[] {
  const rows: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new UsageError(`--rows: ${JSON.stringify(part)} is not a row number or range like 10-12`);
    const from = Number(m[1]);
    if (m[2] !== undefined && Number(m[2]) < from)
      throw new UsageError(`--rows: the range ${m[1]}-${m[2]} runs backwards; write ${m[2]}-${m[1]}`);
    const to = Math.min(Number(m[2] ?? m[1]), m[2] ? count : Infinity);
    if (from < 1 || from > count)
      throw new UsageError(`--rows: row ${from} is outside the data's ${count} rows`);
    for (let r = from; r <= to; r++) rows.push(r - 1);
  }
  return rows;
}

function integer(flag: string, text: string, min: number): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < min)
    throw new UsageError(`${flag} must be an integer ≥ ${min}, got ${shown(text)}`);
  return v;
}

/** The report's charts by file stem. */
function explainCharts(report: ExplainReport): Record<string, VegaLiteSpec> {
  const charts: Record<string, VegaLiteSpec> = {};
  if (report.importance)
    charts.importance = importanceChart(report.importance.columns, report.importance.metric);
  for (const row of report.attributions)
    charts[`waterfall-row-${row.row + 1}`] = waterfallChart(row, report.explained);
  for (const curve of report.dependence) {
    charts[`dependence-${curve.column.replace(/[^\w.-]+/g, '_')}`] = dependenceChart(curve, report.curvesOf);
  }
  return charts;
}
