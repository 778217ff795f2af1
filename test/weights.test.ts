// Sample and class weights (fit's sampleWeight / classWeight, src/train/sample-weights.ts): weighted
// losses forward and backward, bit-identity of constant weights, a class-weighted decision boundary,
// the gradient check on a weighted loss, weighted metrics, and the options' validation.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  Network,
  OptionError,
  Random,
  accuracy,
  balancedAccuracy,
  classWeights,
  diagnose,
  fit,
  gradCheck,
  perClassRecall,
  r2Score,
  toMatrix,
  trainNetwork,
  type LossSpec,
} from '../src/index.js';
import { fixFlags } from '../src/cli/fixes.js';
import { main } from '../src/cli/run.js';
import { scratchDir, scratchnet } from './fixtures/cli.js';

/** x[n×2] ~ N(0, 1), targets for `outputs` columns of the loss's kind, integer weights 0…3. */
function sample(n: number, outputs: number, kind: 'values' | 'binary' | 'onehot', seed = 1) {
  const r = new Random(seed);
  const x = Array.from({ length: n }, () => [r.normal(), r.normal()]);
  const y = Array.from({ length: n }, () =>
    Array.from({ length: outputs }, (_, c) =>
      kind === 'values' ? r.normal() : kind === 'binary' ? r.int(2) : c === 0 ? 1 : 0,
    ),
  );
  if (kind === 'onehot') for (const row of y) row.unshift(row.splice(r.int(outputs), 1)[0]);
  const w = Array.from({ length: n }, (_, i) => (i === 0 ? 2 : r.int(4)));
  return { x, y, w };
}

/** The rows repeated w[r] times each. */
function duplicated<T>(rows: T[], w: number[]): T[] {
  return rows.flatMap((row, i) => Array.from({ length: w[i] }, () => row));
}

const losses: { loss: LossSpec; outputs: number; kind: 'values' | 'binary' | 'onehot' }[] = [
  { loss: 'mse', outputs: 2, kind: 'values' },
  { loss: 'mae', outputs: 2, kind: 'values' },
  { loss: { name: 'huber', delta: 0.5 }, outputs: 2, kind: 'values' },
  { loss: 'binaryCrossEntropy', outputs: 2, kind: 'binary' },
  { loss: 'softmaxCrossEntropy', outputs: 3, kind: 'onehot' },
];

for (const { loss, outputs, kind } of losses) {
  test(`${JSON.stringify(loss)}: integer weights give the loss and gradient of duplicated rows (to 1e-12)`, () => {
    const { x, y, w } = sample(40, outputs, kind);
    const net = new Network({ layers: [2, 5, outputs], activation: 'tanh', loss, seed: 3 });
    const weighted = net.computeGradient(toMatrix(x), toMatrix(y), undefined, false, Float64Array.from(w));
    const grads = Float64Array.from(net.grads);
    const plain = net.computeGradient(toMatrix(duplicated(x, w)), toMatrix(duplicated(y, w)));
    assert.ok(Math.abs(weighted.data - plain.data) <= 1e-12, `${weighted.data} vs ${plain.data}`);
    let worst = 0;
    for (let i = 0; i < grads.length; i++) worst = Math.max(worst, Math.abs(grads[i] - net.grads[i]));
    assert.ok(worst <= 1e-12, `largest gradient difference ${worst}`);
  });
}

test('weights of 0 everywhere in a batch give a zero loss and gradient, not NaN', () => {
  const net = new Network({ layers: [2, 3, 1], loss: 'mse', seed: 1 });
  const t = net.computeGradient(toMatrix([[1, 2]]), toMatrix([[3]]), undefined, false, [0]);
  assert.equal(t.data, 0);
  assert.ok(net.grads.every((g) => g === 0));
});

test('sampleWeight all ones trains bit-identically to no weights (mini-batches, validation, metrics)', () => {
  const { x, y } = sample(120, 1, 'binary', 4);
  const options = { batchSize: 16, epochs: 5, validationSplit: 0.25, metrics: ['accuracy' as const] };
  const runs = [undefined, new Array(120).fill(1)].map((sampleWeight) => {
    const net = new Network({ layers: [2, 8, 1], loss: 'binaryCrossEntropy', seed: 2 });
    const history = fit(net, x, y, { ...options, ...(sampleWeight ? { sampleWeight } : {}) });
    return { params: Array.from(net.params), history };
  });
  assert.deepEqual(runs[1].params, runs[0].params);
  assert.deepEqual(runs[1].history.loss, runs[0].history.loss);
  assert.deepEqual(runs[1].history.valLoss, runs[0].history.valLoss);
  assert.deepEqual(runs[1].history.valMetrics, runs[0].history.valMetrics);
});

test('sampleWeight: rows of weight 0 are as good as absent', () => {
  const { x, y } = sample(30, 1, 'values', 5);
  const noisy = y.map((row, i) => (i >= 20 ? [row[0] + 100] : row));
  const w = noisy.map((_, i) => (i >= 20 ? 0 : 1));
  const weighted = new Network({ layers: [2, 4, 1], seed: 1 });
  const h = fit(weighted, x, noisy, { epochs: 3, scale: false, sampleWeight: w });
  const alone = new Network({ layers: [2, 4, 1], seed: 1 });
  const g = fit(alone, x.slice(0, 20), y.slice(0, 20), { epochs: 3, scale: false });
  for (let i = 0; i < alone.params.length; i++)
    assert.ok(Math.abs(weighted.params[i] - alone.params[i]) < 1e-12);
  assert.ok(Math.abs(h.loss[2] - g.loss[2]) < 1e-12, 'the epoch loss is the weighted mean');
});

/** 95/5 Gaussians of standard deviation `spread` on the x axis: class 0 around (0, 0), class 1 around (2, 0), seeded. */
function imbalanced(n: number, seed: number, spread = 1): { x: number[][]; y: number[][] } {
  const r = new Random(seed);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const minority = i % 20 === 0;
    x.push([r.normal(minority ? 2 : 0, spread), r.normal(0, spread)]);
    y.push([minority ? 1 : 0]);
  }
  return { x, y };
}

/** Where along y = 0 the predicted class turns from 0 to 1 (the first grid point predicted 1). */
function boundary(net: Network): number {
  const grid = Array.from({ length: 801 }, (_, i) => [-2 + i * 0.01, 0]);
  const p = net.predict(grid).data;
  const first = p.findIndex((v) => v > 0.5);
  return first < 0 ? Infinity : grid[first][0];
}

test("classWeight 'balanced' on a 95/5 set moves the boundary toward the majority and raises balanced accuracy", () => {
  const train = imbalanced(1000, 7);
  const held = imbalanced(2000, 8);
  const results = [undefined, 'balanced' as const].map((classWeight) => {
    const { network } = trainNetwork(train.x, train.y, { layers: [8], seed: 1, epochs: 300, classWeight });
    const p = network.predict(held.x);
    return {
      boundary: boundary(network),
      balanced: balancedAccuracy(p, held.y),
      accuracy: accuracy(p, held.y),
    };
  });
  const [plain, balanced] = results;
  // the Bayes boundary of the unweighted problem is at 1 + ln(19)/2 ≈ 2.47; balanced, at the midpoint 1
  assert.ok(plain.boundary > 2, `unweighted boundary at x = ${plain.boundary}`);
  assert.ok(balanced.boundary < 1.5, `balanced boundary at x = ${balanced.boundary}`);
  assert.ok(
    balanced.balanced > plain.balanced + 0.1,
    `balanced accuracy ${plain.balanced} → ${balanced.balanced}`,
  );
  assert.ok(balanced.accuracy < plain.accuracy, 'plain accuracy pays for it, as expected');
});

test("classWeights: 'balanced' is n / (classes · count), scikit-learn's; a record keyed by label", () => {
  const y = toMatrix([[0], [0], [0], [1]]);
  assert.deepEqual(Array.from(classWeights('balanced', y)), [4 / 6, 2]);
  assert.deepEqual(Array.from(classWeights({ 1: 3 }, y)), [1, 3]);
  const onehot = toMatrix([
    [1, 0, 0],
    [0, 0, 1],
  ]);
  // a class absent from the rows keeps weight 1
  assert.deepEqual(Array.from(classWeights('balanced', onehot)), [1, 1, 1]);
});

test('trainNetwork: classWeight keyed by the integer labels themselves', () => {
  const r = new Random(3);
  const x = Array.from({ length: 60 }, () => [r.normal(), r.normal()]);
  const y = x.map(([a]) => [a > 0.5 ? 7 : a > -0.5 ? 5 : 3]);
  const { history } = trainNetwork(x, y, { task: 'multiclass', epochs: 3, classWeight: { 7: 4 } });
  assert.equal(history.epochs, 3);
  assert.throws(
    () => trainNetwork(x, y, { task: 'multiclass', epochs: 1, classWeight: { 4: 2 } }),
    /classWeight names class "4", which is not among the classes \(3, 5, 7\)/,
  );
});

test('gradCheck on a weighted loss passes (float64 central differences), for sample and class weights', () => {
  for (const { loss, outputs, kind } of losses) {
    const { x, y, w } = sample(25, outputs, kind, 9);
    const net = new Network({
      layers: [2, 4, outputs],
      activation: 'tanh',
      loss,
      weightDecay: 0.01,
      seed: 5,
    });
    const report = gradCheck(net, x, y, { sampleWeight: w.map((v) => v + 0.5) });
    assert.equal(report.verdict, 'pass', `${JSON.stringify(loss)}: ${report.summary}`);
    if (kind !== 'values') {
      const classes = gradCheck(net, x, y, { classWeight: 'balanced', sampleWeight: w });
      assert.equal(classes.verdict, 'pass', `${JSON.stringify(loss)} class-weighted: ${classes.summary}`);
    }
  }
});

test('gradCheck on a weighted loss catches a loss whose gradient ignores the weights', () => {
  const { x, y, w } = sample(20, 1, 'values', 2);
  const net = new Network({ layers: [2, 3, 1], loss: 'mse', seed: 1 });
  const real = net.loss;
  const wrong = {
    ...real,
    gradient: (dP: Float64Array, p: Float64Array, t: Float64Array, rows: number, cols: number) =>
      real.gradient(dP, p, t, rows, cols),
  };
  const broken = new Network({ layers: [2, 3, 1], loss: wrong, seed: 1 });
  const report = gradCheck(broken, x, y, { sampleWeight: w, localize: false });
  assert.equal(report.verdict, 'fail');
});

test('weighted metrics equal the metrics of duplicated rows; no weights, the same bits as before', () => {
  const { x, y, w } = sample(50, 1, 'binary', 11);
  const p = x.map(([a]) => [1 / (1 + Math.exp(-a))]);
  assert.ok(Math.abs(accuracy(p, y, w) - accuracy(duplicated(p, w), duplicated(y, w))) < 1e-15);
  const t = x.map(([a, b]) => [a + b]);
  const q = x.map(([a]) => [a]);
  assert.ok(Math.abs(r2Score(q, t, w) - r2Score(duplicated(q, w), duplicated(t, w))) < 1e-12);
  assert.ok(
    Math.abs(balancedAccuracy(p, y, w) - balancedAccuracy(duplicated(p, w), duplicated(y, w))) < 1e-15,
  );
});

test('sampleWeight and classWeight are validated where they enter, the bad value named', () => {
  const { x, y } = sample(10, 1, 'binary');
  const net = () => new Network({ layers: [2, 2, 1], loss: 'binaryCrossEntropy' });
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ sampleWeight: [1, 2] }, /sampleWeight has 2 weights but the data has 10 rows/],
    [
      { sampleWeight: [1, 1, 1, 1, 1, 1, 1, 1, 1, -1] },
      /sampleWeight\[9\] must be a finite number ≥ 0, got -1/,
    ],
    [{ sampleWeight: [1, 1, 1, 1, Number.NaN, 1, 1, 1, 1, 1] }, /sampleWeight\[4\]/],
    [{ sampleWeight: new Array(10).fill(0) }, /sampleWeight is 0 for every row/],
    [{ sampleWeight: 'heavy' }, /sampleWeight must be an array/],
    [{ classWeight: 'even' }, /classWeight must be 'balanced' or a weight per class/],
    [
      { classWeight: { 2: 1 } },
      /classWeight names class "2", not a class here: fit's classes are y's 0\/1 values \(0, 1\), not labels/,
    ],
    [{ classWeight: { 1: -2 } }, /classWeight\["1"\] must be a finite number ≥ 0, got -2/],
    [{ classWeight: { 0: 0, 1: 0 } }, /leave every row with weight 0/],
  ];
  for (const [options, message] of cases)
    assert.throws(
      () => fit(net(), x, y, { epochs: 1, ...options }),
      (e: Error) => e instanceof OptionError && message.test(e.message),
    );
  const regression = new Network({ layers: [2, 2, 1] });
  assert.throws(
    () => fit(regression, x, y, { epochs: 1, classWeight: 'balanced' }),
    /classWeight applies to classification/,
  );
});

test('validation loss is class-weighted like the training loss (early stopping watches it)', () => {
  const data = imbalanced(200, 3);
  const runs = [undefined, 'balanced' as const].map((classWeight) => {
    const net = new Network({ layers: [2, 4, 1], loss: 'binaryCrossEntropy', seed: 1 });
    return fit(net, data.x, data.y, { epochs: 2, validationSplit: 0.25, stratify: true, classWeight });
  });
  assert.notEqual(runs[0].valLoss[0], runs[1].valLoss[0]);
  assert.notEqual(runs[0].baseline.valLoss, runs[1].baseline.valLoss);
});

test('doctor: a 95/5 set gives a class-imbalance finding naming the classes and rates, fixed by classWeight', () => {
  const data = imbalanced(400, 3, 0.6);
  const net = () =>
    new Network({ layers: [2, 8, 1], activation: 'tanh', loss: 'binaryCrossEntropy', seed: 1 });
  const report = diagnose(net(), data, {
    optimizer: 'adam',
    learningRate: 0.01,
    sanity: false,
    probeSteps: 20,
  });
  const f = report.findings.find((q) => q.rule === 'class-imbalance');
  assert.ok(f, `findings: ${report.findings.map((q) => q.rule).join(', ')}`);
  assert.match(
    f.observed,
    /class 1 has 20 of 400 rows \(5%\), class 0 380 \(95%\): always predicting class 0 is already 95% accurate/,
  );
  assert.deepEqual(f.fixOptions, { classWeight: 'balanced' });
  assert.equal(fixFlags(f.fixOptions), '--class-weight balanced');
  // the fix works: the small class's recall on the training rows rises to ≥ 90%
  const recall = (classWeight?: 'balanced') => {
    const n = net();
    fit(n, data.x, data.y, { learningRate: 0.01, epochs: 300, classWeight });
    return perClassRecall(n.predict(data.x), data.y)[1];
  };
  const [before, after] = [recall(), recall('balanced')];
  assert.ok(after >= 0.9 && after > before, `recall of class 1: ${before} → ${after}`);
  // silent when the caller weights rows already
  const weighted = diagnose(net(), data, {
    optimizer: 'adam',
    sanity: false,
    classWeight: 'balanced',
    probeSteps: 20,
  });
  assert.ok(!weighted.findings.some((q) => q.rule === 'class-imbalance'));
});

test('doctor on a trained network: names accuracy ≈ majority rate; silent once it copes', () => {
  const data = imbalanced(400, 3);
  const trained = (classWeight?: 'balanced') => {
    const { network } = trainNetwork(data.x, data.y, { layers: [8], seed: 1, epochs: 300, classWeight });
    return diagnose(network, data, {
      optimizer: 'adam',
      sanity: false,
      trained: true,
      scale: true,
      probeSteps: 20,
    });
  };
  const f = trained().findings.find((q) => q.rule === 'class-imbalance');
  assert.ok(f);
  assert.match(
    f.observed,
    /the network scores 9\d(\.\d)?% accuracy, balanced accuracy \d+(\.\d)?%, recall of class 1/,
  );
  assert.ok((f.evidence?.accuracy ?? 0) - 0.95 < 0.025);
  const weighted = trained('balanced').findings.find((q) => q.rule === 'class-imbalance');
  assert.equal(weighted, undefined, weighted?.observed);
});

/** A 95/5 CSV: inputs a, b, a weight column w (3 for the small class) and a text label. */
function imbalancedCsv(dir: string): string {
  const { x, y } = imbalanced(200, 5, 0.6);
  const lines = [
    'a,b,w,label',
    ...x.map(([a, b], i) => `${a},${b},${y[i][0] ? 3 : 1},${y[i][0] ? 'yes' : 'no'}`),
  ];
  const file = join(dir, 'imbalanced.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

test('CLI: --class-weight and --weight-column train, are recorded in the model file and --json, and evaluate weights', () => {
  const dir = scratchDir();
  const data = imbalancedCsv(dir);
  const common = ['--data', data, '--target', 'label', '--no-plots', '--epochs', '50', '--progress', 'quiet'];
  const r = scratchnet(
    ['train', ...common, '--weight-column', 'w', '--class-weight', '{"yes": 2}', '--out', 'm.json', '--json'],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.deepEqual(summary.weights, { classWeight: { yes: 2 }, weightColumn: 'w' });
  assert.ok(Number.isFinite(summary.metrics.train.weighted.accuracy));
  assert.ok(Number.isFinite(summary.metrics.heldOut.balancedAccuracy));
  const model = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
  assert.deepEqual(model.settings.classWeight, { yes: 2 });
  assert.equal(model.settings.weightColumn, 'w');
  assert.deepEqual(
    model.encoding.features.map((f: { name: string }) => f.name),
    ['a', 'b'],
    'w is not an input',
  );
  const e = scratchnet(
    ['evaluate', '--model', 'm.json', '--data', data, '--weight-column', 'w', '--json'],
    dir,
  );
  assert.equal(e.code, 0, e.stderr);
  const m = JSON.parse(e.stdout);
  assert.ok(m.weighted.accuracy !== m.accuracy || m.accuracy === 1);
  assert.deepEqual(Object.keys(m.recall), ['no', 'yes']);
  const text = scratchnet(['train', ...common, '--class-weight', 'balanced', '--out', 'b.json'], dir);
  assert.match(text.stdout, /rows weighted in the loss by class \(balanced\)/);
  assert.match(text.stdout, /balancedAccuracy\s+\d\.\d{4}\n\s+recall\s+no \d\.\d{4}, yes \d\.\d{4}/);
});

test('CLI: bad weights exit 2 with one line naming file, line and column (no stack)', async () => {
  const dir = scratchDir();
  const data = imbalancedCsv(dir);
  const rows = readFileSync(data, 'utf8').split('\n');
  const variant = (name: string, line: number, cell: string) => {
    const copy = [...rows];
    const cells = copy[line - 1].split(',');
    cells[2] = cell;
    copy[line - 1] = cells.join(',');
    writeFileSync(join(dir, name), copy.join('\n'));
    return join(dir, name);
  };
  const out = join(dir, 'e.json');
  const common = ['--target', 'label', '--no-plots', '--epochs', '2', '--progress', 'quiet', '--out', out];
  const cases: [string[], RegExp][] = [
    [
      ['--data', variant('empty.csv', 4, ''), '--weight-column', 'w'],
      /^scratchnet: .*empty\.csv:4:\d+: weight column "w" is missing/,
    ],
    [
      ['--data', variant('negative.csv', 9, '-2'), '--weight-column', 'w'],
      /^scratchnet: .*negative\.csv:9:\d+: weight column "w" holds -2; weights must be ≥ 0\n$/,
    ],
    [
      ['--data', data, '--weight-column', 'weight'],
      /no weight column named "weight"; columns are: a, b, w, label/,
    ],
    [['--data', data, '--weight-column', 'label'], /weight column "label" cannot also be a target/],
    [
      ['--data', data, '--weight-column', 'w', '--features', 'a,w'],
      /weight column "w" cannot also be an input \(--features\)/,
    ],
    [['--data', data, '--class-weight', 'heavy'], /--class-weight.*expected balanced or a JSON object/],
    [
      ['--data', data, '--class-weight', '{"maybe": 2}'],
      /--class-weight names class "maybe", which is not among the classes \(no, yes\)/,
    ],
    [
      ['--data', data, '--class-weight', 'balanced', '--target', 'a'],
      /--class-weight applies to classification; a is a regression target/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await inProcess(['train', ...common, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  // and once through a real process
  const r = scratchnet(
    ['train', '--data', variant('text.csv', 6, 'abc'), '--weight-column', 'w', ...common],
    dir,
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^scratchnet: \S*text\.csv:6:\d+: weight column "w" holds "abc", not a number\n$/);
});

/** The CLI in this process (main from src/cli/run.ts): exit code and what it wrote to stderr. */
async function inProcess(args: string[]): Promise<{ code: number; stderr: string }> {
  const chunks: string[] = [];
  const original = process.stderr.write;
  process.stderr.write = ((s: string) => (chunks.push(String(s)), true)) as typeof process.stderr.write;
  try {
    return { code: await main(['node', 'scratchnet', ...args]), stderr: chunks.join('') };
  } finally {
    process.stderr.write = original;
    process.exitCode = undefined;
  }
}

test('CLI: --help lists --class-weight and --weight-column with their defaults', () => {
  const help = scratchnet(['train', '--help'], scratchDir()).stdout.replace(/\s+/g, ' ');
  assert.match(help, /--class-weight <spec> .*default: none\)/);
  assert.match(help, /--weight-column <column> .*\(default: none\)/);
});

test('validationData.sampleWeight: the validation loss is the weighted one (= duplicated rows)', () => {
  const train = sample(40, 1, 'values', 12);
  const val = sample(15, 1, 'values', 13);
  const run = (validationData: { x: number[][]; y: number[][]; sampleWeight?: number[] }) =>
    fit(new Network({ layers: [2, 4, 1], seed: 2 }), train.x, train.y, {
      epochs: 2,
      validationData,
      metrics: ['r2'],
    });
  const weighted = run({ x: val.x, y: val.y, sampleWeight: val.w });
  const copies = run({ x: duplicated(val.x, val.w), y: duplicated(val.y, val.w) });
  assert.ok(Math.abs(weighted.valLoss[1] - copies.valLoss[1]) < 1e-12);
  assert.ok(Math.abs(weighted.valMetrics.r2[1] - copies.valMetrics.r2[1]) < 1e-12);
  assert.throws(
    () => run({ x: val.x, y: val.y, sampleWeight: [1] }),
    /validationData\.sampleWeight has 1 weights but the data has 15 rows/,
  );
});

test('weighted batches run whole on the calling thread: workers 2 gives the bits of workers 1', () => {
  const { x, y, w } = sample(256, 1, 'binary', 5);
  const runs = [1, 2].map((workers) => {
    const net = new Network({ layers: [2, 16, 1], loss: 'binaryCrossEntropy', seed: 3 });
    const history = fit(net, x, y, { batchSize: 128, epochs: 3, sampleWeight: w, workers });
    return { params: Array.from(net.params), loss: history.loss };
  });
  assert.deepEqual(runs[1].params, runs[0].params);
  assert.deepEqual(runs[1].loss, runs[0].loss);
});
