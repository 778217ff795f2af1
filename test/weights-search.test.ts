// Weights beyond fit (issue 11, item 4): the model search trains and scores with sample and class
// weights (bit-identical whatever the number of workers), the reference scores are fitted and scored
// with the run's weights, the doctor's probes train on the weighted loss, and the CLI's search,
// doctor and gradcheck take --class-weight / --weight-column.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  Network,
  Random,
  diagnose,
  accuracy,
  autoFit,
  balancedAccuracy,
  baselineMetrics,
  referenceScores,
  searchModels,
  toMatrix,
  type AutoFitResult,
  type Candidate,
} from '../src/index.js';
import { DoctorContext } from '../src/check/doctor-context.js';
import { resolveDoctorOptions } from '../src/check/doctor-options.js';
import { probe } from '../src/check/doctor-probe.js';
import { scratchDir, scratchnetAsync } from './fixtures/cli.js';

/** 95/5 Gaussians on the x axis: class 0 around (0, 0), class 1 around (2, 0), seeded. */
function imbalanced(n: number, seed: number): { x: number[][]; y: number[][] } {
  const r = new Random(seed);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const minority = i % 20 === 0;
    x.push([r.normal(minority ? 2 : 0, 1), r.normal(0, 1)]);
    y.push([minority ? 1 : 0]);
  }
  return { x, y };
}

/** Linear at two strengths, a small tanh network (L-BFGS) and a relu one (Adam). */
const grid: Candidate[] = [
  { layers: [], activation: 'tanh', weightDecay: 10, optimizer: 'lbfgs', epochs: 60 },
  { layers: [], activation: 'tanh', weightDecay: 1e-2, optimizer: 'lbfgs', epochs: 60 },
  { layers: [8], activation: 'tanh', weightDecay: 1e-4, optimizer: 'lbfgs', epochs: 60 },
  { layers: [8], activation: 'relu', weightDecay: 1e-2, optimizer: 'adam', learningRate: 1e-2, epochs: 90 },
];

test("autoFit with classWeight 'balanced' picks a model of higher held-out balanced accuracy than without", async () => {
  const train = imbalanced(400, 7);
  const held = imbalanced(2000, 8);
  const scores = [];
  for (const classWeight of [undefined, 'balanced' as const]) {
    const r = await autoFit(train.x, train.y, { workers: 0, candidates: grid, seed: 1, classWeight });
    const p = r.network.predict(held.x);
    scores.push({
      balanced: balancedAccuracy(p, held.y),
      accuracy: accuracy(p, held.y),
      search: r.search,
      baseline: r.reference.baseline,
    });
  }
  const [plain, weighted] = scores;
  assert.ok(
    weighted.balanced > plain.balanced + 0.05,
    `balanced accuracy ${plain.balanced} → ${weighted.balanced}`,
  );
  assert.ok(weighted.accuracy < plain.accuracy, 'plain accuracy pays for it');
  assert.equal(plain.search.weighted, undefined);
  // folds scored with each row weighted as in the loss: a constant scores 1/2 (balanced accuracy), not 0.95
  assert.ok(Math.abs(weighted.baseline - 0.5) < 0.01, `weighted baseline ${weighted.baseline}`);
  assert.equal(plain.baseline, 0.95);
  assert.deepEqual(weighted.search.weighted, { sampleWeight: false, classWeight: 'balanced' });
});

test('autoFit with weights: bit-identical with 0, 1 and 2 workers and for a repeated seed; weights change the result', async () => {
  const { x, y } = imbalanced(160, 3);
  const r = new Random(4);
  const sampleWeight = x.map(() => 0.5 + r.int(4));
  const key = (a: AutoFitResult) =>
    JSON.stringify({
      board: a.leaderboard.map((e) => [e.name, e.scores, e.loss, e.bestEpoch]),
      chosen: a.chosen,
      reference: a.reference,
      params: Array.from(a.network.params),
    });
  const runs: string[] = [];
  for (const workers of [1, 2, 0, 1])
    runs.push(
      key(await autoFit(x, y, { workers, candidates: grid, seed: 5, sampleWeight, classWeight: { 1: 3 } })),
    );
  for (const k of runs.slice(1)) assert.equal(k, runs[0]);
  const plain = key(await autoFit(x, y, { workers: 0, candidates: grid, seed: 5 }));
  assert.notEqual(plain, runs[0]);
  const ones = x.map(() => 1);
  assert.equal(
    key(await autoFit(x, y, { workers: 0, candidates: grid, seed: 5, sampleWeight: ones })),
    plain,
    'constant weights take the unweighted path',
  );
});

test('searchModels: folds are scored with their rows sample weights, the baseline is the weighted majority', async () => {
  const { x, y } = imbalanced(200, 9);
  // the small class weighs 40: by weight it is the majority (10 × 40 against 190)
  const sampleWeight = y.map(([c]) => (c === 1 ? 40 : 1));
  const s = await searchModels(x, y, { workers: 0, candidates: grid.slice(0, 2), sampleWeight });
  assert.equal(s.search.weighted?.sampleWeight, true);
  // the weighted baseline predicts the small class everywhere: weighted accuracy 400 / 590 on the folds
  assert.ok(Math.abs(s.reference.baseline - 400 / 590) < 0.02, `weighted baseline ${s.reference.baseline}`);
  await assert.rejects(
    () => searchModels(x, y, { workers: 0, candidates: grid, sampleWeight: [1, 2] }),
    /sampleWeight has 2 weights but the data has 200 rows/,
  );
  await assert.rejects(
    () => searchModels(x, y, { workers: 0, candidates: grid, task: 'regression', classWeight: 'balanced' }),
    /classWeight applies to classification/,
  );
});

test('referenceScores with the run weights: weighted majority, linear model fitted weighted, scores weighted too', () => {
  const train = imbalanced(200, 11);
  const held = imbalanced(200, 12);
  const [tx, ty, hx, hy] = [train.x, train.y, held.x, held.y].map((m) => toMatrix(m));
  const heavy = (y: number[][]) => Float64Array.from(y, ([c]) => (c === 1 ? 40 : 1));
  const plain = referenceScores({ x: tx, y: ty }, { x: hx, y: hy }, 'binary', ['accuracy']);
  assert.equal(plain.weighted, undefined);
  assert.deepEqual(plain.baseline, baselineMetrics(['accuracy'], ty, hy), 'unweighted: as before');
  const weights = {
    train: { loss: heavy(train.y), sample: heavy(train.y) },
    heldOut: { loss: heavy(held.y), sample: heavy(held.y) },
  };
  const w = referenceScores({ x: tx, y: ty }, { x: hx, y: hy }, 'binary', ['accuracy'], 42, weights);
  // by weight the small class is the majority: the baseline predicts it everywhere (10 of 200 rows right)
  assert.equal(w.baseline.accuracy, 0.05);
  assert.equal(w.weighted?.baseline.accuracy, 400 / 590);
  // the weighted logistic model moves its boundary toward the big class: fewer plain hits
  assert.ok(w.linear.accuracy < plain.linear.accuracy, `${plain.linear.accuracy} → ${w.linear.accuracy}`);
  assert.ok((w.weighted?.linear.accuracy ?? 0) > w.linear.accuracy);
});

const dir = scratchDir('scratchnet-weights2-');
const quiet = ['--no-plots', '--progress', 'quiet'];

/** A 95/5 CSV of `n` rows: inputs a, b, a weight column w (3 for the small class) and a text label. */
function imbalancedCsv(n: number): string {
  const { x, y } = imbalanced(n, 5);
  const lines = [
    'a,b,w,label',
    ...x.map(([a, b], i) => `${a},${b},${y[i][0] ? 3 : 1},${y[i][0] ? 'yes' : 'no'}`),
  ];
  const file = join(dir, `imbalanced-${n}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

test('CLI: --class-weight and --weight-column no longer turn the search off; CV and reference scores weighted', async () => {
  const data = ['--data', imbalancedCsv(100), '--target', 'label', '--weight-column', 'w'];
  const args = ['train', ...data, '--class-weight', 'balanced', '--budget', '1', '--out', 's.json', ...quiet];
  const r = await scratchnetAsync([...args, '--json'], dir, 300_000);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /model search: .*rows weighted as in the run/);
  const summary = JSON.parse(r.stdout);
  assert.deepEqual(summary.search.settings.weighted, { sampleWeight: true, classWeight: 'balanced' });
  const { heldOut, baseline, linear } = summary.metrics;
  assert.equal(heldOut.method, 'cross-validation');
  for (const m of [heldOut, baseline, linear])
    assert.ok(Number.isFinite(m.weighted.accuracy), JSON.stringify(m));
  // the refit on all rows is weighted as the run: the model file keeps the weights it was trained with
  const model = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
  assert.equal(model.settings.classWeight, 'balanced');
  assert.equal(model.settings.weightColumn, 'w');

  const held = await scratchnetAsync(
    ['train', ...data, '--no-search', '--epochs', '30', '--out', 'h.json', ...quiet],
    dir,
  );
  assert.equal(held.code, 0, held.stderr);
  assert.match(
    held.stdout,
    /baseline \(the class prior\): accuracy \S+, logLoss \S+; weighted by the row weights: accuracy/,
  );
  assert.match(
    held.stdout,
    /linear model \(no hidden layer\): accuracy \S+, logLoss \S+; weighted by the row weights: accuracy/,
  );
});

test('CLI gradcheck: --class-weight / --weight-column check the weighted loss (a model: the weights it was trained with)', async () => {
  const file = imbalancedCsv(100);
  const data = ['--data', file, '--target', 'label', '--layers', '4'];
  const run = async (flags: string[]) => {
    const r = await scratchnetAsync(['gradcheck', ...data, ...flags, '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    return { weights: report.weights, value: report.terms[0].value as number };
  };
  const plain = await run([]);
  const weighted = await run(['--class-weight', 'balanced', '--weight-column', 'w']);
  assert.deepEqual(weighted.weights, { classWeight: 'balanced', weightColumn: 'w' });
  assert.notEqual(weighted.value, plain.value);
  const constant = await run(['--class-weight', '{"no": 1}']);
  assert.deepEqual(constant, plain, 'every row weighing 1: the unweighted loss, to the bit');
  const text = await scratchnetAsync(['gradcheck', ...data, '--weight-column', 'w'], dir);
  assert.match(text.stdout, /checked the loss with rows weighted by column w, as training weighs them/);
  const help = await scratchnetAsync(['gradcheck', '--help'], dir);
  assert.match(
    help.stdout,
    /--class-weight <spec>[\s\S]*default:\s+none\)[\s\S]*--weight-column <column>[\s\S]*default:\s+none\)/,
  );

  const trained = await scratchnetAsync(
    ['train', ...data, '--weight-column', 'w', '--epochs', '5', '--out', 'g.json', ...quiet],
    dir,
  );
  assert.equal(trained.code, 0, trained.stderr);
  const model = await scratchnetAsync(['gradcheck', '--model', 'g.json', '--data', file, '--json'], dir);
  assert.equal(model.code, 0, model.stderr);
  assert.deepEqual(JSON.parse(model.stdout).weights, { weightColumn: 'w' });
});

/** The 2-4-1 tanh / sigmoid network the doctor tests below probe. */
function smallClassifier(): Network {
  return new Network({
    layers: [2, 4, 1],
    activation: 'tanh',
    output: 'sigmoid',
    loss: 'binaryCrossEntropy',
    seed: 2,
  });
}

test('doctor probes: a weighted probe run is the run on duplicated rows; unweighted, the same bits as before', () => {
  const { x, y } = imbalanced(60, 13);
  const w = x.map((_, i) => 1 + (i % 3));
  const dup = <T>(rows: T[]) => rows.flatMap((row, i) => Array.from({ length: w[i] }, () => row));
  const net = smallClassifier();
  const weighted = probe(net, toMatrix(x), toMatrix(y), 'adam', 0.01, 40, Float64Array.from(w));
  const duplicated = probe(net, toMatrix(dup(x)), toMatrix(dup(y)), 'adam', 0.01, 40);
  const plain = probe(net, toMatrix(x), toMatrix(y), 'adam', 0.01, 40);
  for (const k of ['initial', 'final', 'lowest'] as const)
    assert.ok(
      Math.abs(weighted[k] - duplicated[k]) <= 1e-9 * duplicated[k],
      `${k}: ${weighted[k]} vs ${duplicated[k]}`,
    );
  assert.notEqual(weighted.final, plain.final);
  assert.deepEqual(probe(net, toMatrix(x), toMatrix(y), 'adam', 0.01, 40, undefined), plain);
});

test("doctor context: with classWeight 'balanced' the probes' rows, split and baseline carry the weights", () => {
  const { x, y } = imbalanced(400, 14);
  const net = smallClassifier();
  const context = (options: object) =>
    new DoctorContext(net, toMatrix(x), toMatrix(y), options, resolveDoctorOptions(options, 400));
  const plain = context({});
  const balanced = context({ classWeight: 'balanced' });
  assert.equal(plain.w, undefined);
  assert.equal(balanced.w?.length, 256, 'the probe sample of 256 rows, each with its weight');
  // balanced: the weighted class prior is 1/2, whose cross-entropy is ln 2; unweighted, the entropy of the prior
  assert.ok(Math.abs(balanced.baseline() - Math.LN2) < 0.02, `weighted baseline ${balanced.baseline()}`);
  assert.ok(plain.baseline() < 0.3, `plain baseline ${plain.baseline()}`);
  const split = balanced.split();
  assert.equal(split?.fitW?.length, split?.fitX.rows);
  assert.equal(split?.heldW?.length, split?.heldX.rows);
  // (on a balanced set: given weights silence the class-imbalance rule, which would differ by itself)
  const even = { x, y: x.map(([a, b]) => [a + b > 1 ? 1 : 0]) };
  const report = (options: object) => {
    const r = diagnose(net, even, { optimizer: 'adam', sanity: false, ...options });
    return JSON.stringify({ ...r, summary: { ...r.summary, seconds: 0 } });
  };
  assert.equal(
    report({ sampleWeight: x.map(() => 2) }),
    report({}),
    'constant weights: the unweighted diagnosis',
  );
});

test('CLI: --weight-column on a regression target: train and evaluate report weighted r2/rmse (no class scores)', async () => {
  const lines = ['x,y,w'];
  for (let i = 0; i < 120; i++)
    lines.push(`${(i / 60 - 1).toFixed(4)},${(3 * (i / 60 - 1) + 100).toFixed(4)},${1 + (i % 3)}`);
  writeFileSync(join(dir, 'regw.csv'), `${lines.join('\n')}\n`);
  const t = await scratchnetAsync(
    [
      'train',
      '--data',
      'regw.csv',
      '--target',
      'y',
      '--weight-column',
      'w',
      '--no-search',
      '--epochs',
      '40',
      '--out',
      'regw.json',
      '--json',
      ...quiet,
    ],
    dir,
  );
  assert.equal(t.code, 0, t.stderr);
  const e = await scratchnetAsync(
    ['evaluate', '--model', 'regw.json', '--data', 'regw.csv', '--weight-column', 'w', '--json'],
    dir,
  );
  assert.equal(e.code, 0, e.stderr);
  const weighted = JSON.parse(e.stdout).weighted as Record<string, number>;
  assert.deepEqual(Object.keys(weighted).sort(), ['mae', 'mse', 'r2', 'rmse']);
  assert.ok(weighted.r2 > 0.5, JSON.stringify(weighted));
});
