// `npm run bench`: scratchnet and its peers on the same workloads in one run — TensorFlow.js (cpu,
// wasm) always; numpy, PyTorch and scikit-learn through python3 when importable (skipped with a
// notice otherwise). Prints a table with ratios to each peer and the issue's targets; `--json`
// prints one line per figure instead: {"workload","impl","metric","value","unit"}.
// Workloads and their arithmetic are listed at the top of peers.py. Results are not committed.
//
//   npm run bench                 the table
//   npm run bench -- --json       JSON lines (notices go to stderr)
//   npm run bench -- --cpu        time by process CPU time (ours, TF.js, the Python peers) instead of
//                                 wall time: for a machine shared with other jobs. The 2-worker
//                                 row is always wall time.
//   npm run bench -- --data-rows N   the data-1m workload on N rows (default 1,000,000; 0 skips it)
//   npm run bench -- --only data-1m  that workload alone
//   npm run bench -- --no-relaxed  without relaxed SIMD. By default the kernels run as a current engine
//                                 runs them: relaxed SIMD (the float32 products' multiply-add) is on in
//                                 Node ≥ 22 and current Chromium; Node 20 has it behind a V8 flag, so
//                                 there the bench runs itself again with --experimental-wasm-relaxed-simd
//                                 (said in the first line of its output)
//   PYTHON=/path/to/python3 …     the interpreter for the Python peers (default: the first of
//                                 /usr/bin/python3 and python3 that imports the most peers)
//   npm run bench -- --no-peers    scratchnet's rows only (no TensorFlow.js, no Python)
//   npm run bench -- --help        this usage

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernels } from '../src/index.js';
import { clockName, useCpuClock, type Figure } from './measure.js';
import { peerEnvs } from './blas.js';
import { benchData1m } from './data-1m.js';
import { benchOurs } from './ours.js';
import { benchParallel } from './parallel.js';
import { benchTfjs } from './tfjs.js';

const known = ['--json', '--cpu', '--data-rows', '--only', '--no-relaxed', '--no-peers', '--help'];
const unknown = process.argv
  .slice(2)
  .filter((a, i, all) => a.startsWith('--') && !known.includes(a) && all[i - 1] !== '--only');
if (process.argv.includes('--help') || unknown.length) {
  const usage = readFileSync(fileURLToPath(import.meta.url), 'utf8').match(/^(\/\/.*\n)+/)?.[0] ?? '';
  process.stderr.write(
    `${unknown.length ? `unknown option ${unknown.join(', ')}\n` : ''}${usage.replace(/^\/\/ ?/gm, '')}`,
  );
  process.exit(unknown.length ? 2 : 0);
}
const json = process.argv.includes('--json');
const peers = !process.argv.includes('--no-peers');
if (process.argv.includes('--cpu')) useCpuClock();
const figures: Figure[] = [];
const notices: string[] = [];
const option = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const dataRows = Number(option('--data-rows') ?? 1_000_000);
const onlyData = option('--only') === 'data-1m';
let dataTargets: string[] = [];

function emit(f: Figure): void {
  figures.push(f);
  if (json) console.log(JSON.stringify(f));
  else process.stderr.write(`  ${f.workload.padEnd(10)} ${f.impl.padEnd(26)} ${format(f)}\n`);
}

function notice(s: string): void {
  notices.push(s);
  process.stderr.write(`notice: ${s}\n`);
}

function format(f: Figure): string {
  const v = f.value;
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : v >= 1 ? 2 : 3;
  return `${v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${f.unit}`;
}

/** The interpreter importing the most of numpy, torch, sklearn. */
function choosePython(): string | null {
  const candidates = [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => !!c);
  let best: string | null = null;
  let bestCount = 0;
  for (const c of candidates) {
    const r = spawnSync(
      c,
      [
        '-c',
        'import importlib.util as u; print(sum(u.find_spec(m) is not None for m in ("numpy", "torch", "sklearn")))',
      ],
      { encoding: 'utf8' },
    );
    const count = r.status === 0 ? Number(r.stdout.trim()) : 0;
    if (count > bestCount) {
      best = c;
      bestCount = count;
    }
  }
  return best;
}

function benchPython(): void {
  const python = choosePython();
  if (!python) {
    notice('no python3 with numpy, torch or sklearn: the Python peers are skipped');
    return;
  }
  const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/peers.py');
  const envs = peerEnvs(python, { BENCH_CLOCK: clockName });
  process.stderr.write(
    `python peers: ${python} ${script} (OPENBLAS_NUM_THREADS=1, torch.set_num_threads(1); OpenBLAS: ${envs.map((e) => `${e.label} → ${e.kernel ?? '?'} kernel`).join(', ')})\n`,
  );
  // each figure: the faster of the environments (issue 16: the faster peer is the fair one)
  const best = new Map<string, { figure: Figure; label: string; others: string[] }>();
  for (const { label, env } of envs) {
    const r = spawnSync(python, [script], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
    if (r.status !== 0)
      notice(
        `${python} peers.py (${label}) exited with ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      );
    for (const line of r.stdout.split('\n')) {
      if (!line.trim()) continue;
      const o = JSON.parse(line);
      if (o.notice) {
        if (label === envs[0].label) notice(o.notice);
        continue;
      }
      const f = o as Figure;
      const key = `${f.workload}/${f.impl}`;
      const held = best.get(key);
      const text = `${format(f)} (${label})`;
      if (!held) best.set(key, { figure: f, label, others: [] });
      else if (ratio(f, held.figure) > 1)
        best.set(key, {
          figure: f,
          label,
          others: [...held.others, `${format(held.figure)} (${held.label})`],
        });
      else held.others.push(text);
    }
  }
  for (const { figure } of best.values()) emit(figure);
  if (envs.length > 1)
    notice(
      `Python peers measured with OpenBLAS ${envs.map((e) => e.label).join(' and ')}; each row keeps the faster: ${[...best.entries()].map(([key, b]) => `${key} ${format(b.figure)} (${b.label}; other ${b.others.join(', ')})`).join('; ')}`,
    );
}

/** Targets of issue 5: [workload, ours, peer (or null: absolute), minimum ratio (or value)]. */
const targets: [Figure['workload'], string, string | null, number][] = [
  ['seed', 'scratchnet-f64', 'numpy', 4],
  ['seed', 'scratchnet-f64', 'tfjs-wasm', 20],
  ['seed', 'scratchnet-f64', 'numpy', 8], // issue 16
  ['seed', 'scratchnet-f64', 'tfjs-wasm', 40], // issue 16
  ['mnist', 'scratchnet-f32', 'tfjs-wasm', 1.5],
  ['mnist', 'scratchnet-f32-2workers', 'tfjs-wasm', 2.5],
  ['mnist', 'scratchnet-f32-2workers', 'scratchnet-f32-wall', 1.7],
  ['mnist', 'scratchnet-f32-2workers-cpu', 'scratchnet-f32', 1.7],
  ['mnist', 'scratchnet-f32-2workers-b256', 'scratchnet-f32-b256-wall', 1.7],
  ['mnist', 'scratchnet-f32-2workers-b256-cpu', 'scratchnet-f32-b256-cpu', 1.7],
  ['matmul', 'scratchnet-f32', null, 20],
  ['fit-square', 'scratchnet-lbfgs', 'sklearn-lbfgs', 3],
  // issue 16
  ['tabular-default', 'scratchnet-f64', 'sklearn-adam', 1],
  ['tabular-default', 'scratchnet-f64', 'torch', 1],
  ['tabular-default', 'scratchnet-f32', 'sklearn-adam', 1.5],
];

/** How many times better a is than b (higher-is-better metrics divide a by b, times divide b by a). */
function ratio(a: Figure, b: Figure): number {
  return a.metric === 'samples_per_s' || a.metric === 'gflops' ? a.value / b.value : b.value / a.value;
}

function table(): string {
  const lines: string[] = [];
  const workloads = [...new Set(figures.map((f) => f.workload))];
  for (const w of workloads.filter((w) => w !== 'data-1m')) {
    const rows = figures.filter((f) => f.workload === w);
    const peers = rows.filter((f) => !f.impl.startsWith('scratchnet'));
    lines.push('', `${w} (${rows[0].metric})`);
    lines.push(
      `  ${'impl'.padEnd(26)} ${'value'.padStart(16)}   ${peers.map((p) => `vs ${p.impl}`.padStart(18)).join('')}`,
    );
    for (const f of rows) {
      const ratios = f.impl.startsWith('scratchnet')
        ? peers.map((p) => `${ratio(f, p).toFixed(2)}×`.padStart(18)).join('')
        : '';
      lines.push(`  ${f.impl.padEnd(26)} ${format(f).padStart(16)}   ${ratios}`);
    }
  }
  lines.push('', 'targets (issues 5 and 16), × = times better than the peer:');
  for (const [w, ours, peer, min] of targets) {
    const a = figures.find((f) => f.workload === w && f.impl === ours);
    const b = peer ? figures.find((f) => f.workload === w && f.impl === peer) : null;
    const what = peer ? `${w}: ${ours} vs ${peer} ≥ ${min}×` : `${w}: ${ours} ≥ ${min} ${a?.unit ?? ''}`;
    if (!a || (peer && !b)) {
      lines.push(`  ${what.padEnd(58)} not measured`);
      continue;
    }
    const value = b ? ratio(a, b) : a.value;
    lines.push(`  ${what.padEnd(58)} ${value.toFixed(2)}${b ? '×' : ''}  ${value >= min ? 'met' : 'MISSED'}`);
  }
  lines.push(...dataTargets);
  if (notices.length) lines.push('', 'notices:', ...notices.map((n) => `  ${n}`));
  return lines.join('\n');
}

const relaxedFlag = '--experimental-wasm-relaxed-simd';

/**
 * On an engine that has relaxed SIMD only behind its flag (Node 20), runs this bench again with the
 * flag and exits with its status; elsewhere (the engine has it, or refuses the flag) returns.
 */
function runWithRelaxedSimd(): void {
  if (kernels.relaxedSimdSupported() || process.argv.includes('--no-relaxed')) return;
  if (spawnSync(process.execPath, [relaxedFlag, '-e', '0']).status !== 0) return;
  const script = fileURLToPath(import.meta.url);
  const args = [relaxedFlag, ...process.execArgv, script, ...process.argv.slice(2)];
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

runWithRelaxedSimd();
const ready = await kernels.wasmReady;
const relaxed = kernels.relaxedSimdSupported()
  ? ` (float32 products: relaxed SIMD${process.execArgv.includes(relaxedFlag) ? `, by ${relaxedFlag}` : ''})`
  : process.argv.includes('--no-relaxed')
    ? ' (--no-relaxed)'
    : '';
process.stderr.write(
  `scratchnet kernels: ${ready ? `WebAssembly SIMD128${relaxed}` : `JavaScript (${kernels.wasmFailure()})`}; Node ${process.version}; clock: ${clockName}\n`,
);
if (!onlyData) {
  benchOurs(emit, notice);
  await benchParallel(emit, notice);
  if (peers) {
    await benchTfjs(emit, notice);
    benchPython();
  }
}
if (dataRows > 0) dataTargets = await benchData1m(emit, notice, dataRows);
if (!json) console.log(table());
