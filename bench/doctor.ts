// The doctor's benchmark (`npm run bench:doctor`): broken setups with a known cause and healthy
// setups, on built-in datasets, CSV files written here and hand-made data. Most cases run the
// `scratchnet doctor` command line itself (built, in dist/); the rest need a user-written part and
// call `diagnose`. Times are the doctor's own (its report's summary), not process start-up.
// Prints, per case, the findings and whether the known cause is in the first three; then top-1 and
// top-3 accuracy over the broken cases and the error-level findings on the healthy ones.

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Dense,
  Network,
  Random,
  diagnose,
  type DoctorOptions,
  type DoctorReport,
  type NetworkOptions,
} from '../src/index.js';
import { SignBugDense, userWrittenMse } from './sign-bug-layer.js';

interface Case {
  name: string;
  /** the rule id of the known cause; null for a healthy setup */
  cause: string | null;
  /** the data it runs on, for the table */
  data: string;
  run: () => DoctorReport;
}

const dir = join(tmpdir(), `scratchnet-bench-doctor-${process.pid}`);

// --- data ---------------------------------------------------------------------------------------

/** Writes rows (with a header) as a CSV file in the bench's folder and returns its path. */
function csv(name: string, columns: string[], rows: (string | number)[][]): string {
  const file = join(dir, name);
  writeFileSync(file, [columns.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return file;
}

/** Houses: area m², rooms, year built, distance km → price in euros (regression, large units). */
function housesCsv(): string {
  const random = new Random(11);
  const rows = Array.from({ length: 300 }, () => {
    const area = random.uniform(40, 250);
    const rooms = Math.max(1, Math.round(area / 40 + random.normal()));
    const year = Math.round(random.uniform(1950, 2022));
    const distance = random.uniform(0.5, 30);
    const price = 2500 * area + 4000 * rooms + 900 * (year - 1950) - 6000 * Math.sqrt(distance);
    return [area.toFixed(1), rooms, year, distance.toFixed(2), Math.round(price + 20000 * random.normal())];
  });
  return csv('houses.csv', ['area', 'rooms', 'year', 'distance', 'price'], rows);
}

/** Customers: tenure, monthly charge, contract (text) → churned yes/no; `positives` sets the share of yes. */
function churnCsv(name: string, positives: number): string {
  const random = new Random(12);
  const contracts = ['monthly', 'yearly', 'two-year'];
  const rows = Array.from({ length: 400 }, () => {
    const tenure = Math.round(random.uniform(1, 72));
    const charge = random.uniform(20, 120);
    const contract = contracts[Math.floor(random.uniform(0, 3))];
    const score = charge / 40 - tenure / 20 - contracts.indexOf(contract) + random.normal() * 0.5;
    return [tenure, charge.toFixed(2), contract, score > 3.2 - 6 * positives ? 'yes' : 'no'];
  });
  return csv(name, ['tenure', 'charge', 'contract', 'churned'], rows);
}

/** Flowers: four measurements → one of three species (multiclass). */
function speciesCsv(): string {
  const random = new Random(13);
  const species = ['setosa', 'versicolor', 'virginica'];
  const rows = Array.from({ length: 240 }, (_, i) => {
    const k = i % 3;
    const m = [5 + 0.8 * k, 3.4 - 0.3 * k, 1.5 + 2 * k, 0.2 + 0.8 * k];
    return [...m.map((v) => (v + 0.35 * random.normal()).toFixed(2)), species[k]];
  });
  return csv('species.csv', ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'], rows);
}

/** y = f(x) + noise on n points of [-1, 1], as a CSV (regression). */
function curveCsv(name: string, n: number, noise: number, f: (x: number) => number, seed = 14): string {
  const random = new Random(seed);
  const rows = Array.from({ length: n }, () => {
    const x = random.uniform(-1, 1);
    return [x.toFixed(4), (f(x) + noise * random.normal()).toFixed(4)];
  });
  return csv(name, ['x', 'y'], rows);
}

/** Two informative columns plus `extra` columns: a constant one, duplicated inputs, or a leak. */
function tabularCsv(name: string, extra: 'constant' | 'duplicates' | 'leak'): string {
  const random = new Random(15);
  const rows = Array.from({ length: 200 }, (_, i) => {
    const a = extra === 'duplicates' ? i % 4 : random.normal();
    const b = extra === 'duplicates' ? (i >> 2) % 2 : random.normal();
    const y = extra === 'duplicates' ? random.normal() : Math.sin(a) + 0.5 * b + 0.1 * random.normal();
    const more =
      extra === 'constant' ? [1000] : extra === 'leak' ? [(y + 0.001 * random.normal()).toFixed(4)] : [];
    return [a.toFixed(4), b.toFixed(4), ...more, y.toFixed(4)];
  });
  const cols = extra === 'constant' ? ['a', 'b', 'c'] : extra === 'leak' ? ['a', 'b', 'y_copy'] : ['a', 'b'];
  return csv(name, [...cols, 'y'], rows);
}

// --- running ------------------------------------------------------------------------------------

/** The command line, as a user runs it (the built one in dist/). */
const cliPath = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** `scratchnet doctor FLAGS --json`: the report it prints. */
function cli(flags: string[]): DoctorReport {
  const r = spawnSync(process.execPath, [cliPath, 'doctor', ...flags, '--json'], { encoding: 'utf8' });
  if (!r.stdout) throw new Error(`scratchnet doctor ${flags.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as DoctorReport;
}

/** `scratchnet train FLAGS --out FILE`, for the trained-model cases; returns the file. */
function trained(flags: string[], name: string): string {
  const file = join(dir, name);
  const r = spawnSync(process.execPath, [cliPath, 'train', ...flags, '--out', file, '--no-plots'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`scratchnet train: ${r.stderr}`);
  return file;
}

const doctor = (name: string, cause: string | null, data: string, flags: string[]): Case => ({
  name,
  cause,
  data,
  run: () => cli(flags),
});

/** A case built in code: a network and options on x, y. */
function library(
  name: string,
  cause: string | null,
  net: NetworkOptions,
  data: { x: number[][]; y: number[][] },
  options: DoctorOptions,
): Case {
  return {
    name,
    cause,
    data: 'hand-made',
    run: () => diagnose(new Network({ ...net, onWarning: () => {} }), data, options),
  };
}

// --- hand-made setups with a user-written part --------------------------------------------------

const grid = (n: number, lo: number, hi: number) =>
  Array.from({ length: n }, (_, i) => [lo + ((hi - lo) * i) / (n - 1)]);
const wave = (n: number, lo: number, hi: number, f: (v: number) => number) => {
  const x = grid(n, lo, hi);
  return { x, y: x.map(([v]) => [f(v)]) };
};
const adam = (learningRate: number, epochs: number): DoctorOptions => ({
  optimizer: 'adam',
  learningRate,
  epochs,
});

/** An initializer drawing N(0, (k·√(2/fanIn))²): k > 1 starts the weights k times too large. */
const scaledInit =
  (k: number, sign = 0): NetworkOptions['init'] =>
  (w, fanIn, _o, random) => {
    for (let i = 0; i < w.length; i++) {
      const v = k * Math.sqrt(2 / fanIn) * random.normal();
      w[i] = sign !== 0 && fanIn === 1 ? sign * Math.abs(v) : v;
    }
  };

function userWrittenCases(): Case[] {
  const data = wave(80, -1, 1, (v) => Math.sin(3 * v));
  const random = new Random(1);
  const layers = [new SignBugDense(1, 16, random), new Dense(16, 1, random)];
  const flippedLoss = userWrittenMse(true);
  const noGradient = {
    name: 'myL2',
    lambda: 0.1,
    kinks: [] as number[],
    penalty: (w: ArrayLike<number>, m: number) => {
      let s = 0;
      for (let i = 0; i < w.length; i++) s += w[i] * w[i];
      return (0.1 / (2 * m)) * s;
    },
    addGradient: () => {},
  };
  return [
    library(
      'a user-written layer with a flipped gradient',
      'gradient-check',
      { layers },
      data,
      adam(0.01, 500),
    ),
    library(
      'a user-written loss with the wrong sign',
      'sanity-overfit',
      { layers: [1, 16, 1], activation: 'tanh', loss: flippedLoss, seed: 1 },
      data,
      adam(0.01, 500),
    ),
    library(
      'a penalty with a cost and no gradient',
      'sanity-regularization',
      { layers: [1, 16, 1], activation: 'tanh', regularizers: [noGradient], seed: 1 },
      data,
      adam(0.01, 500),
    ),
  ];
}

function handMadeCases(): Case[] {
  const random = new Random(2);
  const blobs = Array.from({ length: 150 }, (_, i) => [random.normal() + 2 * (i % 3), random.normal()]);
  const blobY = blobs.map((_, i) => [0, 1, 2].map((c) => (c === i % 3 ? 1 : 0)));
  const withNaN = wave(100, -1, 1, (v) => Math.sin(3 * v));
  for (const r of [3, 17, 40, 41, 77]) withNaN.x[r] = [Number.NaN];
  return [
    library(
      'softmax started with huge weights',
      'sanity-initial-loss',
      { layers: [2, 32, 3], activation: 'relu', loss: 'softmaxCrossEntropy', init: scaledInit(30), seed: 1 },
      { x: blobs, y: blobY },
      adam(0.01, 300),
    ),
    library(
      'relu units started dead on positive inputs',
      'dead-units',
      { layers: [1, 32, 1], activation: 'relu', init: scaledInit(1, -1), seed: 1 },
      wave(101, 0, 1, (v) => Math.sin(4 * v)),
      adam(0.01, 1500),
    ),
    library(
      'six relu layers started 4× too large',
      'exploding-gradients',
      { layers: [1, 32, 32, 32, 32, 32, 1], activation: 'relu', init: scaledInit(4), seed: 1 },
      wave(101, -1, 1, (v) => Math.sin(3 * v)),
      adam(0.001, 600),
    ),
    library(
      'tanh started 12× too large',
      'initialization',
      { layers: [2, 32, 1], activation: 'tanh', init: scaledInit(12), seed: 1 },
      { x: blobs, y: blobs.map(([a, b]) => [Math.sin(a) + b]) },
      adam(0.001, 500),
    ),
    library(
      'rows holding NaN',
      'data-nan',
      { layers: [1, 16, 1], activation: 'tanh', seed: 1 },
      withNaN,
      adam(0.01, 500),
    ),
  ];
}

// --- the command line on built-in datasets and CSV files ------------------------------------------

interface Files {
  houses: string;
  churn: string;
  rareChurn: string;
  species: string;
  fastSine: string;
  fewNoisy: string;
  tiny: string;
  constant: string;
  duplicates: string;
  leakModel: string;
  leak: string;
}

function makeFiles(): Files {
  mkdirSync(dir, { recursive: true });
  const leak = tabularCsv('leak.csv', 'leak');
  return {
    houses: housesCsv(),
    churn: churnCsv('churn.csv', 0.3),
    rareChurn: churnCsv('rare-churn.csv', 0.03),
    species: speciesCsv(),
    fastSine: curveCsv('fast-sine.csv', 200, 0.02, (x) => Math.sin(6 * x)),
    fewNoisy: curveCsv('few-noisy.csv', 40, 0.3, (x) => Math.sin(2 * x)),
    tiny: curveCsv('tiny.csv', 12, 0.05, (x) => x * x),
    constant: tabularCsv('constant.csv', 'constant'),
    duplicates: tabularCsv('duplicates.csv', 'duplicates'),
    leak,
    leakModel: trained(
      ['--data', leak, '--target', 'y', '--layers', '16', '--epochs', '1000', '--lr', '0.01'],
      'leak.json',
    ),
  };
}

/** Command-line words from one string (no value here holds a space). */
const argv = (words: string) => words.split(' ');
const set = (name: string) => ['--dataset', name];
const file = (path: string, target: string) => ['--data', path, '--target', target];
const broken = (name: string, cause: string, data: string, flags: string[]) =>
  doctor(name, cause, data, flags);
const healthy = (name: string, data: string, flags: string[]) => doctor(name, null, data, flags);

/** Learning rates too large and too small, per optimizer. */
function rateCases(f: Files): Case[] {
  return [
    broken('plain SGD at rate 20', 'learning-rate', 'sine', [
      ...set('sine'),
      ...argv('--optimizer sgd --lr 20'),
    ]),
    broken('Adam at rate 5', 'learning-rate', 'sine', [...set('sine'), '--lr', '5']),
    broken('Adam at rate 2 on spirals', 'learning-rate', 'spirals', [...set('spirals'), '--lr', '2']),
    broken('SGD at 1e-6 for 200 epochs', 'learning-rate', 'houses.csv', [
      ...file(f.houses, 'price'),
      ...argv('--optimizer sgd --lr 1e-6 --epochs 200'),
    ]),
    broken('SGD at 1e-5 on three classes', 'learning-rate', 'species.csv', [
      ...file(f.species, 'species'),
      ...argv('--optimizer sgd --lr 1e-5 --epochs 300'),
    ]),
    broken('RMSprop at rate 3', 'learning-rate', 'churn.csv', [
      ...file(f.churn, 'churned'),
      ...argv('--optimizer rmsprop --lr 3'),
    ]),
  ];
}

/** Output activations and losses that do not fit the task. */
function outputCases(f: Files): Case[] {
  return [
    broken('the seed: leaky ReLU output, SGD at 1e-6', 'output-activation', 'seed-square', [
      ...set('seed-square'),
      ...argv('--layers 64 --activation leakyRelu --output leakyRelu --optimizer sgd --lr 1e-6 --no-scale'),
    ]),
    broken('a sigmoid output on a regression', 'output-activation', 'sine', [
      ...set('sine'),
      ...argv('--layers 32 --output sigmoid'),
    ]),
    broken('a softmax output on a regression', 'output-activation', 'houses.csv', [
      ...file(f.houses, 'price'),
      ...argv('--layers 16 --output softmax'),
    ]),
    broken('a relu output on standardized prices', 'output-activation', 'houses.csv', [
      ...file(f.houses, 'price'),
      ...argv('--layers 16 --output relu'),
    ]),
    broken('mse on 0/1 labels through a sigmoid', 'loss-task', 'moons', [
      ...set('moons'),
      ...argv('--layers 16 --loss mse --output sigmoid'),
    ]),
    broken('mse on churn labels through a sigmoid', 'loss-task', 'churn.csv', [
      ...file(f.churn, 'churned'),
      ...argv('--layers 16 --loss mse --output sigmoid'),
    ]),
  ];
}

/** Deep saturating stacks, symmetric starts, unscaled inputs and targets. */
function gradientCases(f: Files): Case[] {
  return [
    broken('eight sigmoid layers', 'vanishing-gradients', 'sine', [
      ...set('sine'),
      ...argv('--layers 16,16,16,16,16,16,16,16 --activation sigmoid'),
    ]),
    broken('eight sigmoid layers on spirals', 'vanishing-gradients', 'spirals', [
      ...set('spirals'),
      ...argv('--layers 16,16,16,16,16,16,16,16 --activation sigmoid'),
    ]),
    broken('zero initialization', 'initialization', 'sine', [
      ...set('sine'),
      ...argv('--layers 32 --activation tanh --init zeros'),
    ]),
    broken('zero initialization, three classes', 'initialization', 'gaussians', [
      ...set('gaussians'),
      ...argv('--layers 32,32 --init zeros'),
    ]),
    broken('house prices unscaled', 'unscaled-inputs', 'houses.csv', [
      ...file(f.houses, 'price'),
      ...argv('--layers 32 --activation tanh --no-scale'),
    ]),
    broken('churn unscaled (tenure, charges)', 'unscaled-inputs', 'churn.csv', [
      ...file(f.churn, 'churned'),
      ...argv('--layers 16 --activation tanh --no-scale'),
    ]),
    broken('targets in euros on scaled-size inputs', 'unscaled-targets', 'houses.csv', [
      ...file(f.houses, 'price'),
      ...argv('--features rooms --layers 16 --no-scale'),
    ]),
  ];
}

/** Penalties, too small and too large networks. */
function capacityCases(f: Files): Case[] {
  return [
    broken('weight decay 1000', 'regularization', 'sine', [
      ...set('sine'),
      ...argv('--layers 32 --weight-decay 1000'),
    ]),
    broken('weight decay 300 on three classes', 'regularization', 'species.csv', [
      ...file(f.species, 'species'),
      ...argv('--layers 16 --weight-decay 300'),
    ]),
    broken('two hidden units on a fast sine', 'underfitting', 'fast-sine.csv', [
      ...file(f.fastSine, 'y'),
      ...argv('--layers 2 --activation tanh --lr 0.01 --epochs 3000'),
    ]),
    broken('a wide network, 40 noisy rows, 3000 epochs', 'overfitting', 'few-noisy.csv', [
      ...file(f.fewNoisy, 'y'),
      ...argv('--layers 64,64 --activation tanh --lr 0.01 --epochs 3000'),
    ]),
    broken('a wide network on 40 noisy moons', 'overfitting', 'moons', [
      ...set('moons'),
      ...argv('--n 40 --noise 0.35 --layers 128,128 --lr 0.01 --epochs 3000'),
    ]),
  ];
}

/** Problems in the data itself, and a trained model leaning on a leak. */
function dataCases(f: Files): Case[] {
  return [
    broken('a constant column of 1000', 'constant-features', 'constant.csv', [
      ...file(f.constant, 'y'),
      ...argv('--layers 16 --no-scale'),
    ]),
    broken('identical inputs, different targets', 'conflicting-duplicates', 'duplicates.csv', [
      ...file(f.duplicates, 'y'),
      ...argv('--layers 16'),
    ]),
    broken('3% positives', 'class-imbalance', 'rare-churn.csv', [
      ...file(f.rareChurn, 'churned'),
      ...argv('--layers 16'),
    ]),
    broken('twelve rows for a [64, 64] network', 'too-few-examples', 'tiny.csv', [
      ...file(f.tiny, 'y'),
      ...argv('--layers 64,64 --epochs 300'),
    ]),
    broken('a trained model leaning on a copy of the target', 'target-leak', 'leak.csv', [
      '--model',
      f.leakModel,
      ...file(f.leak, 'y'),
    ]),
  ];
}

function brokenCliCases(f: Files): Case[] {
  return [...rateCases(f), ...outputCases(f), ...gradientCases(f), ...capacityCases(f), ...dataCases(f)];
}

/** Defaults and sensible settings on the built-in datasets. */
function healthyDatasetCases(): Case[] {
  return [
    healthy('moons, 16 tanh units (issue 19)', 'moons', [
      ...set('moons'),
      ...argv('--layers 16 --activation tanh'),
    ]),
    healthy('moons, defaults', 'moons', set('moons')),
    healthy('sine, defaults', 'sine', set('sine')),
    healthy('circles, defaults', 'circles', set('circles')),
    healthy('spirals, defaults', 'spirals', set('spirals')),
    healthy('gaussians, defaults', 'gaussians', set('gaussians')),
    healthy('xor, 8 tanh units, Adam 0.05', 'xor', [
      ...set('xor'),
      ...argv('--layers 8 --activation tanh --lr 0.05'),
    ]),
    healthy('abs, defaults', 'abs', set('abs')),
    healthy('seed-square fixed: linear output, SGD 0.05', 'seed-square', [
      ...set('seed-square'),
      ...argv('--layers 64 --activation leakyRelu --optimizer sgd --lr 0.05 --epochs 5000 --no-scale'),
    ]),
    healthy('sine, 32 tanh units, Adam 0.01', 'sine', [
      ...set('sine'),
      ...argv('--layers 32 --activation tanh --lr 0.01 --epochs 2000'),
    ]),
    healthy('moons, momentum 0.1', 'moons', [
      ...set('moons'),
      ...argv('--layers 16 --optimizer momentum --lr 0.1'),
    ]),
  ];
}

/** Defaults and sensible settings on the CSV files. */
function healthyFileCases(f: Files): Case[] {
  return [
    healthy('houses, defaults', 'houses.csv', file(f.houses, 'price')),
    healthy('churn, defaults', 'churn.csv', file(f.churn, 'churned')),
    healthy('species, defaults', 'species.csv', file(f.species, 'species')),
    healthy('fast sine, [32, 32] tanh', 'fast-sine.csv', [
      ...file(f.fastSine, 'y'),
      ...argv('--layers 32,32 --activation tanh --lr 0.01'),
    ]),
    healthy('species, SGD 0.1, 500 epochs', 'species.csv', [
      ...file(f.species, 'species'),
      ...argv('--layers 16 --optimizer sgd --lr 0.1 --epochs 500'),
    ]),
  ];
}

function healthyCliCases(f: Files): Case[] {
  return [...healthyDatasetCases(), ...healthyFileCases(f)];
}

// --- the report ---------------------------------------------------------------------------------

interface Outcome {
  c: Case;
  report: DoctorReport;
  /** the known cause's place among the findings (1 = first; 0 = not found) */
  place: number;
  errors: number;
  seconds: number;
}

function runCase(c: Case): Outcome {
  const report = c.run();
  const seconds = report.summary.seconds;
  const place = c.cause ? report.findings.findIndex((f) => f.rule === c.cause) + 1 : 0;
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  return { c, report, place, errors, seconds };
}

function line(o: Outcome): string {
  const findings = o.report.findings.map((f) => `${f.rule} (${f.severity})`).join(', ') || 'none';
  const verdict = o.c.cause
    ? o.place >= 1 && o.place <= 3
      ? `cause #${o.place}`
      : `MISSED ${o.c.cause}${o.place ? ` (#${o.place})` : ''}`
    : o.errors === 0
      ? 'no error'
      : `FALSE ALARM ×${o.errors}`;
  return `  ${verdict.padEnd(28)} ${o.c.name} [${o.c.data}, ${o.seconds.toFixed(1)} s]\n      ${findings}`;
}

function totals(outcomes: Outcome[]): string {
  const broken = outcomes.filter((o) => o.c.cause);
  const healthy = outcomes.filter((o) => !o.c.cause);
  const top = (k: number) => broken.filter((o) => o.place >= 1 && o.place <= k).length;
  const pct = (n: number) => `${((100 * n) / broken.length).toFixed(0)}%`;
  const falseAlarms = healthy.reduce((s, o) => s + o.errors, 0);
  const warned = healthy.filter((o) => o.report.findings.some((f) => f.severity === 'warning')).length;
  const causes = new Set(broken.map((o) => o.c.cause)).size;
  const seconds = outcomes.reduce((s, o) => s + o.seconds, 0);
  return [
    `broken setups: ${broken.length} (${causes} distinct causes); known cause first: ${top(1)} (${pct(top(1))}), in the first three: ${top(3)} (${pct(top(3))})`,
    `healthy setups: ${healthy.length}; error-level findings on them: ${falseAlarms}; healthy setups with a warning: ${warned}`,
    `doctor time: ${seconds.toFixed(1)} s in all, ${(seconds / outcomes.length).toFixed(1)} s per case on average`,
  ].join('\n');
}

/** `node dist/bench/doctor.js houses`: only the cases whose name holds the word. */
const only = process.argv[2] ?? '';

function run(): void {
  const files = makeFiles();
  const groups: [string, Case[]][] = [
    ['broken setups (known cause)', [...brokenCliCases(files), ...handMadeCases(), ...userWrittenCases()]],
    ['healthy setups', healthyCliCases(files)],
  ];
  const outcomes: Outcome[] = [];
  for (const [title, cases] of groups) {
    console.log(title);
    for (const c of cases.filter((k) => k.name.includes(only))) {
      const o = runCase(c);
      outcomes.push(o);
      console.log(line(o));
    }
  }
  console.log(`\n${totals(outcomes)}`);
  rmSync(dir, { recursive: true, force: true });
}

run();
