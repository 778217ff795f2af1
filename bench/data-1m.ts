// The data-1m workload of `npm run bench` (issue 13): a 1,000,000-row numeric CSV (19 features and a
// target y), then `scratchnet train` (2 epochs, default network), `predict` and `evaluate` through the
// CLI — wall time, rows/s, each child's peak RSS — next to the library's own time for the same epochs
// and csv-parse's raw parse time (one process, data-1m-library.ts), and pandas.read_csv + scikit-learn
// MLPRegressor(max_iter=2) where importable. `--data-rows N` makes the file smaller.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/index.js';
import type { Figure } from './measure.js';

type Emit = (f: Figure) => void;
const here = path.dirname(fileURLToPath(import.meta.url));
const EPOCHS = 2;
const FEATURES = 19;

/** rows × (19 features, y): y a noisy linear function of the features; about 180 bytes a row. */
function writeData(file: string, rows: number): void {
  const random = new Random(13);
  const w = Array.from({ length: FEATURES }, () => random.normal());
  const header = `${Array.from({ length: FEATURES }, (_, j) => `x${j}`).join(',')},y\n`;
  const chunks: string[] = [header];
  for (let r = 0; r < rows; r++) {
    let y = 0.1 * random.normal();
    let line = '';
    for (let j = 0; j < FEATURES; j++) {
      const v = random.normal();
      y += w[j] * v;
      line += `${v.toFixed(6)},`;
    }
    chunks.push(`${line}${y.toFixed(6)}\n`);
  }
  writeFileSync(file, chunks.join(''));
}

interface ChildRun {
  code: number | null;
  seconds: number;
  maxRSS: number;
  stdout: string;
  stderr: string;
  /** each stdout line with the second (since the child's start) it arrived */
  lines: [number, string][];
}

/** `scratchnet ...args` in a child that reports its own peak RSS; wall seconds include start-up. */
function cli(args: string[], cwd: string): Promise<ChildRun> {
  const run = path.resolve(here, '../src/cli/run.js');
  const script = [
    `const { main } = await import(${JSON.stringify(run)});`,
    `process.exitCode = await main([process.execPath, 'scratchnet'].concat(${JSON.stringify(args)}));`,
    "process.stderr.write('maxRSS ' + process.resourceUsage().maxRSS * 1024 + '\\n');",
  ].join('\n');
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd });
    let stdout = '';
    let stderr = '';
    const lines: [number, string][] = [];
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const now = (performance.now() - start) / 1000;
      for (const line of (stdout + d)
        .slice(stdout.lastIndexOf('\n') + 1)
        .split('\n')
        .slice(0, -1))
        lines.push([now, line]);
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const maxRSS = Number(/maxRSS (\d+)\n$/.exec(stderr)?.[1] ?? NaN);
      resolve({ code, seconds: (performance.now() - start) / 1000, maxRSS, stdout, stderr, lines });
    });
  });
}

/** pandas.read_csv + MLPRegressor(max_iter=2) on the file, or null (with a notice) when not importable. */
function sklearn(file: string, notice: (s: string) => void): { read: number; fit: number } | null {
  const code = [
    'import sys, time, json, warnings',
    'import pandas as pd',
    'from sklearn.neural_network import MLPRegressor',
    'warnings.filterwarnings("ignore")',
    't = time.perf_counter(); d = pd.read_csv(sys.argv[1]); read = time.perf_counter() - t',
    'x = d.drop(columns=["y"]).to_numpy(); y = d["y"].to_numpy()',
    't = time.perf_counter(); MLPRegressor(max_iter=2, random_state=0).fit(x, y); fit = time.perf_counter() - t',
    'print(json.dumps({"read": read, "fit": fit}))',
  ].join('\n');
  for (const python of [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p)) {
    const r = spawnSync(python, ['-c', code, file], {
      encoding: 'utf8',
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
    });
    if (r.status === 0) return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}');
  }
  notice('data-1m: no python3 with pandas and scikit-learn: that peer is skipped');
  return null;
}

/** Runs the workload; returns the target lines of the summary table. */
export async function benchData1m(emit: Emit, notice: (s: string) => void, rows: number): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'scratchnet-data-1m-'));
  try {
    const file = path.join(dir, 'data.csv');
    writeData(file, rows);
    const mb = statSync(file).size / 1e6;
    process.stderr.write(`data-1m: ${rows.toLocaleString('en-US')} rows, ${mb.toFixed(0)} MB in ${file}\n`);
    const f = (impl: string, metric: Figure['metric'], value: number, unit: string) =>
      emit({ workload: 'data-1m', impl, metric, value, unit });
    const lib = spawnSync(process.execPath, [path.join(here, 'data-1m-library.js'), file, String(EPOCHS)], {
      encoding: 'utf8',
    });
    if (lib.status !== 0) throw new Error(`data-1m-library: ${lib.stderr}`);
    const library = JSON.parse(lib.stdout.trim().split('\n').at(-1) ?? '{}');
    f('csv-parse-raw', 'seconds', library.csvParse, 's');
    f('scratchnet-read-encode', 'seconds', library.readEncode, 's');
    f('scratchnet-library-epoch', 'seconds', library.train / EPOCHS, 's');
    f('scratchnet-library-rss', 'megabytes', library.maxRSS / 1e6, 'MB');

    const train = await cli(
      [
        'train',
        '--data',
        'data.csv',
        '--target',
        'y',
        '--epochs',
        String(EPOCHS),
        '--seed',
        '42',
        '--no-plots',
        '--progress',
        'lines',
        '--out',
        'model.json',
      ],
      dir,
    );
    if (train.code !== 0) throw new Error(`data-1m train: ${train.stderr}`);
    // epochs: from the "network …" line (printed as training starts) to the last epoch's progress line
    const at = (re: RegExp) => train.lines.find(([, line]) => re.test(line))?.[0] ?? NaN;
    const cliEpoch = (at(new RegExp(`^epoch ${EPOCHS}/${EPOCHS} +loss`)) - at(/^network /)) / EPOCHS;
    f('scratchnet-cli-train', 'seconds', train.seconds, 's');
    f('scratchnet-cli-epoch', 'seconds', cliEpoch, 's');
    f('scratchnet-cli-train-rss', 'megabytes', train.maxRSS / 1e6, 'MB');
    const predict = await cli(
      ['predict', '--model', 'model.json', '--data', 'data.csv', '--out', 'predictions.csv'],
      dir,
    );
    if (predict.code !== 0) throw new Error(`data-1m predict: ${predict.stderr}`);
    f('scratchnet-cli-predict', 'rows_per_s', rows / predict.seconds, 'rows/s');
    f('scratchnet-cli-predict-rss', 'megabytes', predict.maxRSS / 1e6, 'MB');
    const evaluation = await cli(['evaluate', '--model', 'model.json', '--data', 'data.csv', '--json'], dir);
    if (evaluation.code !== 0) throw new Error(`data-1m evaluate: ${evaluation.stderr}`);
    f('scratchnet-cli-evaluate', 'rows_per_s', rows / evaluation.seconds, 'rows/s');
    f('scratchnet-cli-evaluate-rss', 'megabytes', evaluation.maxRSS / 1e6, 'MB');

    const peer = sklearn(file, notice);
    if (peer) {
      f('pandas-read-csv', 'seconds', peer.read, 's');
      f('sklearn-mlp-2-epochs', 'seconds', peer.fit, 's');
    }
    const check = (what: string, value: number, limit: number, unit: string) =>
      `  ${what.padEnd(58)} ${value.toFixed(2)}${unit} (≤ ${limit}${unit})  ${value <= limit ? 'met' : 'MISSED'}`;
    return [
      '',
      'targets (issue 13, data-1m):',
      check('CLI epoch time / library epoch time', cliEpoch / (library.train / EPOCHS), 1.2, '×'),
      check('CLI train peak RSS', train.maxRSS / 1e9, 1, ' GB'),
      check('CLI predict peak RSS', predict.maxRSS / 1e6, 300, ' MB'),
      check('read + encode / csv-parse raw parse', library.readEncode / library.csvParse, 1.5, '×'),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
