// `scratchnet export`: a model file → ONNX, TensorFlow.js Layers (model.json + weights.bin) or a
// standalone ES module, then the written artifact runs on sample rows where a runtime is installed.
// Exit codes: 0 written (and checked, or no runtime to check with), 1 the check found a difference
// above the tolerance (the file is still written), 2 user mistakes.

import { InvalidArgumentError, type Command } from 'commander';
import { basename, dirname, join } from 'node:path';
import type { DataRecord, ExportCheck } from '../../io/export/index.js';
import type { ModelFile } from '../../io/index.js';
import { EXIT_BUG } from '../errors.js';
import { numberFormat, readNumber } from '../../data/index.js';
import { checkOutput, checkWritable, loadModel, loadRowTable, savedFormat, writeAtomic } from '../files.js';
import { integer, number } from '../options.js';

type Format = 'onnx' | 'tfjs' | 'esm';

interface Flags {
  model: string;
  format: Format;
  out?: string;
  dtype?: 'float32' | 'float64';
  data?: string;
  rows: number;
  tolerance?: number;
  check: boolean;
  json?: boolean;
}

const defaultOut: Record<Format, string> = {
  onnx: 'model.onnx',
  tfjs: 'model-tfjs/model.json',
  esm: 'predictor.js',
};

export function register(program: Command): void {
  program
    .command('export')
    .description(
      'write a model as ONNX, TensorFlow.js or a standalone ES module, and check it on sample rows',
    )
    .requiredOption('--model <file>', 'model file written by train')
    .requiredOption('--format <format>', 'onnx, tfjs or esm', oneOf(['onnx', 'tfjs', 'esm']))
    .option('--out <file>', 'where to write (default model.onnx, model-tfjs/model.json, predictor.js)')
    .option(
      '--dtype <type>',
      "onnx: float32 or float64 (default: the network's)",
      oneOf(['float32', 'float64']),
    )
    .option('--data <file>', 'check on these rows (CSV or JSON records) instead of rows drawn from the model')
    .option('--rows <n>', 'how many rows to check on', integer(1), 1000)
    .option(
      '--tolerance <t>',
      'largest accepted difference (default 1e-9 float64, 1e-4 float32; esm: 0 float64)',
      number(0),
    )
    .option('--no-check', 'write without running the artifact')
    .option('--json', 'print one JSON summary')
    .addHelpText(
      'after',
      `
The check runs the written file in onnxruntime-node (onnx), @tensorflow/tfjs (tfjs) or Node itself
(esm) when installed, and compares with \`scratchnet predict\`: the largest |difference| / max(1, |value|).

Examples:
  $ scratchnet export --model model.json --format onnx --out model.onnx
  $ scratchnet export --model model.json --format onnx --dtype float32 --data test.csv
  $ scratchnet export --model model.json --format tfjs --out web/model/model.json
  $ scratchnet export --model model.json --format esm --out predictor.js`,
    )
    .action(async (flags: Flags) => {
      const model = loadModel(flags.model);
      const { sampleRecords } = await import('../../io/export/index.js');
      const out = flags.out ?? defaultOut[flags.format];
      checkWritable(out, '--out');
      // never over the files it reads (tfjs writes a weights file beside --out too)
      const inputs: [string, string | undefined][] = [
        ['--model', flags.model],
        ['--data', flags.data],
      ];
      checkOutput(out, '--out', inputs);
      if (flags.format === 'tfjs')
        checkOutput(tfjsWeightsPath(out), '--out', inputs, 'the weights file beside --out,');
      const records = flags.data
        ? readRecords(flags.data, model).slice(0, flags.rows)
        : sampleRecords(model, flags.rows);
      const check = await writeAndCheck(model, flags, out, records);
      report(flags, out, check);
      if (check?.passed === false) {
        process.exitCode = EXIT_BUG;
        const far = float32Far(model, flags);
        if (far && !flags.json) console.error(far);
      }
    });
}

/** The weights file a tfjs export writes beside model.json `out`: weights.bin, or NAME.weights.bin for NAME.json. */
function tfjsWeightsPath(out: string): string {
  const name = basename(out).replace(/\.json$/, '');
  return join(dirname(out), name === 'model' ? 'weights.bin' : `${name}.weights.bin`);
}

/** Writes the artifact; returns its check (null with --no-check). */
async function writeAndCheck(
  model: ModelFile,
  flags: Flags,
  out: string,
  records: DataRecord[],
): Promise<ExportCheck | null> {
  // loaded here, not at start-up: the protobuf library costs every other command ~0.2 s otherwise
  const { checkEsm, checkOnnx, checkTfjs, exportEsm, exportOnnx, exportTfjs } = await import(
    '../../io/export/index.js'
  );
  const options = flags.tolerance !== undefined ? { tolerance: flags.tolerance } : {};
  if (flags.format === 'onnx') {
    const bytes = exportOnnx(model, flags.dtype ? { dtype: flags.dtype } : {});
    writeAtomic(out, bytes);
    return flags.check ? checkOnnx(bytes, model, records, { ...options, dtype: flags.dtype }) : null;
  }
  if (flags.format === 'tfjs') {
    const weights = tfjsWeightsPath(out);
    const artifacts = exportTfjs(model, basename(weights));
    writeAtomic(weights, artifacts.weights);
    writeAtomic(out, JSON.stringify(artifacts.modelJson) + '\n');
    return flags.check ? checkTfjs(artifacts, model, records, options) : null;
  }
  const source = exportEsm(model);
  writeAtomic(out, source);
  return flags.check ? checkEsm(source, model, records, options) : null;
}

function oneOf(values: string[]) {
  return (v: string): string => {
    if (!values.includes(v)) throw new InvalidArgumentError(`expected one of ${values.join(', ')}.`);
    return v;
  };
}

/**
 * A data file's rows as records { column: cell }, read as `predict` reads it (the model's saved number
 * format, or the file's decimal commas): the cells of numeric columns written otherwise than JavaScript
 * writes numbers (3,25 or 1.500,5) become numbers, which every export takes.
 */
function readRecords(path: string, model: ModelFile): DataRecord[] {
  const saved = savedFormat(model.encoding, {}, path);
  const table = loadRowTable(path);
  const format = { ...numberFormat(table), ...saved };
  const numeric = new Set(model.encoding.features.filter((f) => f.type === 'number').map((f) => f.name));
  const cell = (c: string, v: DataRecord[string]) => {
    if (!numeric.has(c) || typeof v !== 'string') return v;
    const n = readNumber(v, format);
    return n !== null && 'value' in n ? n.value : v;
  };
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, j) => [c, cell(c, row[j])])));
}

/**
 * Why a float32 artifact may differ (a failed check): inputs whose mean is far from zero against their
 * spread (dates as years: 2020.4 ± 0.6) keep few significant digits once rounded to float32, where
 * predict standardizes them in float64 as training did. null when no input is such, or in float64.
 */
function float32Far(model: ModelFile, flags: Flags): string | null {
  const dtype =
    flags.format === 'tfjs'
      ? 'float32'
      : flags.format === 'onnx'
        ? (flags.dtype ?? model.network.dtype)
        : null;
  const sc = model.network.scaling;
  if (dtype !== 'float32' || !sc) return null;
  const names = model.encoding.features.flatMap((f) =>
    f.type === 'category' ? f.categories.map((c) => `${f.name}=${c}`) : [f.name],
  );
  const far = sc.inputMean.flatMap((m, i) => (Math.abs(m) > 1000 * sc.inputStd[i] ? [names[i]] : []));
  if (far.length === 0) return null;
  return (
    `  likely cause: ${far.map((n) => `"${n}"`).join(', ')} ${far.length === 1 ? 'is' : 'are'} far from zero against ${far.length === 1 ? 'its' : 'their'} spread (dates are years: 2020.4 ± 0.6), ` +
    `so float32 inputs keep few of ${far.length === 1 ? 'its' : 'their'} digits${flags.format === 'onnx' ? '; export with --dtype float64' : '; tfjs is float32 only: export to ONNX with --dtype float64 or as a module'}`
  );
}

function report(flags: Flags, out: string, check: ExportCheck | null): void {
  if (flags.json) {
    console.log(JSON.stringify({ format: flags.format, out, check }));
    return;
  }
  console.error(`wrote ${out}`);
  if (!check) return;
  if (check.passed === null) {
    console.error(`not checked: ${check.note}`);
    return;
  }
  const verdict = check.passed ? 'ok' : 'FAILED';
  const labels = check.labelMismatches > 0 ? `, ${check.labelMismatches} labels differ` : '';
  console.error(
    `checked in ${check.runtime} on ${check.rows} rows: largest difference ${check.maxDifference.toPrecision(3)} ` +
      `(tolerance ${check.tolerance})${labels}: ${verdict}`,
  );
  if (
    check.defaultDifference !== undefined &&
    check.defaultDifference > Math.max(check.tolerance, check.maxDifference)
  )
    console.error(
      `  with onnxruntime's default graph optimizations (its extended fusions of MatMul, Add and the activation): ${check.defaultDifference.toPrecision(3)}; ` +
        "create the session with graphOptimizationLevel: 'basic' for the graph's exact arithmetic",
    );
}
