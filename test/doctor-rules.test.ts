// diagnose(): one crafted scenario per rule, checking that the rule fires with numbers in
// `observed`, and that applying its fixOptions makes training at least 10× better in loss (or
// reach the stated accuracy). Training here is our own full-batch loop over the public API, so
// the measurement does not depend on fit()'s defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Dense,
  Network,
  Random,
  diagnose,
  getLoss,
  getOptimizer,
  toMatrix,
  type DoctorOptions,
  type DoctorReport,
  type Finding,
  type Matrix,
  type NetworkOptions,
} from '../src/index.js';
import { SignBugDense, userWrittenMse } from '../bench/sign-bug-layer.js';

interface Setup {
  net: NetworkOptions & { layers: number[] };
  fit: { optimizer: string; learningRate: number; epochs: number; scale?: boolean };
  x: number[][];
  y: number[][];
}

function standardize(rows: number[][]): number[][] {
  const cols = rows[0].length;
  const mean = Array.from({ length: cols }, (_, c) => rows.reduce((s, r) => s + r[c], 0) / rows.length);
  const std = Array.from(
    { length: cols },
    (_, c) => Math.sqrt(rows.reduce((s, r) => s + (r[c] - mean[c]) ** 2, 0) / rows.length) || 1,
  );
  return rows.map((r) => r.map((v, c) => (v - mean[c]) / std[c]));
}

/** Applies a finding's fixOptions to a setup (network and training options; scale standardizes x). */
function applyFix(s: Setup, fix: Record<string, unknown>): Setup {
  const net = { ...s.net };
  const fit = { ...s.fit };
  for (const [k, v] of Object.entries(fix)) {
    if (k === 'learningRate') fit.learningRate = v as number;
    else if (k === 'epochs') fit.epochs = v as number;
    else if (k === 'scale') fit.scale = v as boolean;
    else if (k === 'layers')
      net.layers = [s.net.layers[0], ...(v as number[]), s.net.layers[s.net.layers.length - 1]];
    else (net as Record<string, unknown>)[k] = v;
  }
  return { ...s, net, fit };
}

/** Full-batch training; returns the final data loss (on the data as the network sees it). */
function trainSetup(
  s: Setup,
  network = new Network({ ...s.net, onWarning: () => {} }),
): { loss: number; network: Network; x: Matrix; y: Matrix } {
  const xs = s.fit.scale ? standardize(s.x) : s.x;
  const ys = s.fit.scale && network.loss.kind === 'regression' ? standardize(s.y) : s.y;
  const x = toMatrix(xs);
  const y = toMatrix(ys);
  const opt = getOptimizer(s.fit.optimizer as 'sgd', { learningRate: s.fit.learningRate });
  for (let e = 0; e < s.fit.epochs; e++) {
    const t = network.computeGradient(x, y);
    if (!Number.isFinite(t.total)) return { loss: Infinity, network, x, y };
    opt.step(network.params, network.grads);
  }
  const loss = network.computeLoss(x, y, { data: true, penalties: false }).data;
  return { loss: Number.isFinite(loss) ? loss : Infinity, network, x, y };
}

function run(s: Setup, extra: DoctorOptions = {}): DoctorReport {
  const net = new Network({ ...s.net, onWarning: () => {} });
  return diagnose(net, { x: s.x, y: s.y }, { ...s.fit, ...extra });
}

function finding(r: DoctorReport, rule: string): Finding {
  const f = r.findings.find((q) => q.rule === rule);
  assert.ok(
    f,
    `expected a ${rule} finding; got ${r.findings.map((q) => `${q.rule} (${q.severity})`).join(', ') || 'none'}`,
  );
  assert.match(f.observed, /\d/, 'observed must hold numbers');
  assert.ok(f.fix.length > 0 && f.why.length > 0);
  return f;
}

function accuracy(net: Network, x: Matrix, y: Matrix): number {
  const p = net.forward(x);
  let ok = 0;
  for (let r = 0; r < y.rows; r++) {
    if (y.cols === 1) ok += (p.data[r] > 0.5 ? 1 : 0) === y.data[r] ? 1 : 0;
    else {
      let a = 0;
      let b = 0;
      for (let c = 1; c < y.cols; c++) {
        if (p.data[r * y.cols + c] > p.data[r * y.cols + a]) a = c;
        if (y.data[r * y.cols + c] > y.data[r * y.cols + b]) b = c;
      }
      ok += a === b ? 1 : 0;
    }
  }
  return ok / y.rows;
}

const grid = (n: number, lo: number, hi: number) =>
  Array.from({ length: n }, (_, i) => [lo + ((hi - lo) * i) / (n - 1)]);

test('rule 1 output-activation: sigmoid output for targets in [−1, 5] → --output linear fits ≥10× better', () => {
  const x = grid(100, -1, 1);
  const s: Setup = {
    net: { layers: [1, 32, 1], activation: 'tanh', output: 'sigmoid', seed: 3 },
    fit: { optimizer: 'adam', learningRate: 0.03, epochs: 1500 },
    x,
    y: x.map(([v]) => [3 * v * v * v + 2]),
  };
  const r = run(s);
  const f = finding(r, 'output-activation');
  assert.equal(f.severity, 'error');
  assert.equal(r.findings[0].rule, 'output-activation');
  assert.deepEqual(f.fixOptions, { output: 'linear' });
  const before = trainSetup(s).loss;
  const after = trainSetup(applyFix(s, f.fixOptions!)).loss;
  assert.ok(after * 10 <= before, `fix: ${before} → ${after}`);
});

test('rule 2 loss-task: mse through a sigmoid on 0/1 labels → cross-entropy reaches 100% accuracy', () => {
  const random = new Random(5);
  const x = Array.from({ length: 200 }, () => [random.uniform(-1, 1), random.uniform(-1, 1)]);
  const y = x.map(([a, b]) => [a * b > 0 ? 1 : 0]);
  const s: Setup = {
    // a large initialization makes mse-through-sigmoid confidently wrong on many examples, where its gradient vanishes
    net: {
      layers: [2, 16, 1],
      activation: 'tanh',
      output: 'sigmoid',
      loss: 'mse',
      seed: 2,
      init: (w, _i, _o, rnd) => {
        for (let k = 0; k < w.length; k++) w[k] = 4 * rnd.normal();
      },
    },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 600 },
    x,
    y,
  };
  const r = run(s);
  const f = finding(r, 'loss-task');
  assert.deepEqual(f.fixOptions, { loss: 'binaryCrossEntropy', output: 'sigmoid' });
  const before = trainSetup(s);
  const after = trainSetup(applyFix(s, f.fixOptions!));
  const accBefore = accuracy(before.network, before.x, before.y);
  const accAfter = accuracy(after.network, after.x, after.y);
  assert.ok(accAfter >= 0.97, `accuracy with the fix ${accAfter} (before ${accBefore})`);
});

test('rule 3 learning-rate too large: sgd at 5 on x² diverges → the recommended rate fits ≥10× better', () => {
  const x = grid(101, 0, 1);
  const s: Setup = {
    net: { layers: [1, 32, 1], activation: 'tanh', seed: 1 },
    fit: { optimizer: 'sgd', learningRate: 5, epochs: 2000 },
    x,
    y: x.map(([v]) => [v * v]),
  };
  const r = run(s);
  const f = finding(r, 'learning-rate');
  assert.equal(f.severity, 'error');
  assert.match(f.observed, /too large/);
  const before = trainSetup(s).loss;
  const after = trainSetup(applyFix(s, f.fixOptions!)).loss;
  assert.ok(after * 10 <= before, `fix: ${before} → ${after}`);
});

test('rule 3 learning-rate too small: sgd at 1e-5 for 2000 epochs → the recommended rate fits ≥10× better', () => {
  const x = grid(101, -1, 1);
  const s: Setup = {
    net: { layers: [1, 32, 1], activation: 'tanh', seed: 1 },
    fit: { optimizer: 'sgd', learningRate: 1e-5, epochs: 2000 },
    x,
    y: x.map(([v]) => [Math.sin(3 * v)]),
  };
  const r = run(s);
  const f = finding(r, 'learning-rate');
  assert.match(f.observed, /too small/);
  const before = trainSetup(s).loss;
  const after = trainSetup(applyFix(s, f.fixOptions!)).loss;
  assert.ok(after * 10 <= before, `fix: ${before} → ${after}`);
});

test('rule 4 dead-units: ReLU units started with negative weights on positive inputs → --activation leakyRelu fits ≥10× better', () => {
  const x = grid(101, 0, 1);
  const s: Setup = {
    net: {
      layers: [1, 32, 1],
      activation: 'relu',
      seed: 1,
      // every hidden unit starts at relu(−|w|·x) = 0 for x ≥ 0: dead for every example
      init: (w, fanIn, _o, rnd) => {
        for (let k = 0; k < w.length; k++)
          w[k] = (fanIn === 1 ? -1 : 1) * Math.abs(rnd.normal()) * Math.sqrt(2 / fanIn);
      },
    },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 1500 },
    x,
    y: x.map(([v]) => [Math.sin(4 * v)]),
  };
  const r = run(s);
  const f = finding(r, 'dead-units');
  assert.equal(f.severity, 'error');
  assert.ok(
    r.findings.some((q) => q.rule === 'constant-output'),
    'a dead layer gives a constant output',
  );
  const before = trainSetup(s).loss;
  const after = trainSetup(applyFix(s, f.fixOptions!)).loss;
  assert.ok(after * 10 <= before, `fix: ${before} → ${after}`);
});

test('rule 4/6 saturated-units and unscaled-inputs: tanh on inputs of size 1000 → scaling fits ≥10× better', () => {
  const x = grid(101, 0, 1000);
  const s: Setup = {
    net: { layers: [1, 32, 1], activation: 'tanh', seed: 1 },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 1000, scale: false },
    x,
    y: x.map(([v]) => [Math.sin(v / 200)]),
  };
  const r = run(s);
  const sat = finding(r, 'saturated-units');
  const uns = finding(r, 'unscaled-inputs');
  assert.deepEqual(sat.fixOptions, { scale: true });
  assert.deepEqual(uns.fixOptions, { scale: true });
  const before = trainSetup(s).loss;
  const after = trainSetup(applyFix(s, uns.fixOptions!)).loss;
  assert.ok(after * 10 <= before, `fix: ${before} → ${after}`);
});

test('rule 6 unscaled-targets: targets around 5000 with scaling off → scaling fits ≥10× better (in original units)', () => {
  const x = grid(101, -1, 1);
  const s: Setup = {
    net: { layers: [1, 32, 1], activation: 'tanh', seed: 1 },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 1000, scale: false },
    x,
    y: x.map(([v]) => [5000 + 1000 * Math.sin(3 * v)]),
  };
  const r = run(s);
  const f = finding(r, 'unscaled-targets');
  const before = trainSetup(s).loss;
  const fixed = trainSetup(applyFix(s, f.fixOptions!));
  // back to original units: the scaled loss times the target variance
  const yStd = Math.sqrt(s.y.reduce((a, [v]) => a + (v - 5000) ** 2, 0) / s.y.length);
  const after = fixed.loss * yStd * yStd;
  assert.ok(after * 10 <= before, `fix: ${before} → ${after}`);
});

test('rule 5 vanishing-gradients: 8 sigmoid layers → --activation relu fits ≥10× better', () => {
  const x = grid(101, -1, 1);
  const s: Setup = {
    net: { layers: [1, 16, 16, 16, 16, 16, 16, 16, 1], activation: 'sigmoid', seed: 1 },
    fit: { optimizer: 'sgd', learningRate: 0.1, epochs: 1500 },
    x,
    y: x.map(([v]) => [Math.sin(3 * v)]),
  };
  const r = run(s);
  const f = finding(r, 'vanishing-gradients');
  const before = trainSetup(s).loss;
  const after = trainSetup(applyFix(s, f.fixOptions!)).loss;
  assert.ok(after * 10 <= before, `fix: ${before} → ${after}`);
});

test('rule 5 exploding-gradients: 6 ReLU layers started 4× too large → --init heNormal fits ≥10× better', () => {
  const x = grid(101, -1, 1);
  const s: Setup = {
    net: {
      layers: [1, 32, 32, 32, 32, 32, 1],
      activation: 'relu',
      seed: 1,
      init: (w, fanIn, _o, rnd) => {
        for (let k = 0; k < w.length; k++) w[k] = 4 * Math.sqrt(2 / fanIn) * rnd.normal();
      },
    },
    fit: { optimizer: 'adam', learningRate: 0.001, epochs: 600 },
    x,
    y: x.map(([v]) => [Math.sin(3 * v)]),
  };
  const r = run(s);
  const f = finding(r, 'exploding-gradients');
  assert.deepEqual(f.fixOptions, { init: 'heNormal' });
  const before = trainSetup(s).loss;
  const after = trainSetup(applyFix(s, f.fixOptions!)).loss;
  assert.ok(after * 10 <= before, `fix: ${before} → ${after}`);
});

test('rule 7 initialization: all-zero weights → --init fits ≥10× better', () => {
  const x = grid(101, -1, 1);
  const s: Setup = {
    net: { layers: [1, 32, 1], activation: 'tanh', init: 'zeros', seed: 1 },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 800 },
    x,
    y: x.map(([v]) => [Math.sin(3 * v)]),
  };
  const r = run(s);
  const f = finding(r, 'initialization');
  assert.equal(f.severity, 'error');
  assert.equal(r.findings[0].rule, 'initialization');
  const before = trainSetup(s).loss;
  const after = trainSetup(applyFix(s, f.fixOptions!)).loss;
  assert.ok(after * 10 <= before, `fix: ${before} → ${after}`);
});

test("rule 8 baseline-loss: no rate gets below the mean predictor on inputs of size 1e4 → its named cause's fix fits ≥10× better", () => {
  const x = grid(120, 0, 1e4);
  const s: Setup = {
    net: { layers: [1, 16, 1], activation: 'relu', seed: 1 },
    fit: { optimizer: 'sgd', learningRate: 0.01, epochs: 1000, scale: false },
    x,
    y: x.map(([v]) => [Math.sin(v / 2000)]),
  };
  const r = run(s);
  const f = finding(r, 'baseline-loss');
  assert.deepEqual(f.fixOptions, { scale: true }, "the baseline finding carries its cause's fix");
  const before = trainSetup(s).loss;
  const after = trainSetup(applyFix(s, f.fixOptions!)).loss;
  assert.ok(after * 10 <= before, `fix ${JSON.stringify(f.fixOptions)}: ${before} → ${after}`);
});

test('rule 8 baseline-loss on a constant target: says the target is constant, not that the network is stuck', () => {
  const x = grid(100, 0, 1);
  const f = finding(
    run({
      net: { layers: [1, 16, 1], activation: 'tanh', seed: 1 },
      fit: { optimizer: 'adam', learningRate: 0.001, epochs: 200 },
      x,
      y: x.map(() => [5]),
    }),
    'baseline-loss',
  );
  assert.match(f.observed, /^every target holds the same value: predicting it gives a loss of 0/);
  assert.match(f.why, /a constant target has nothing to learn/);
});

test('rule 8 underfitting: [1, 2, 1] on a fast sine → the suggested --layers fits ≥10× better', () => {
  const x = grid(150, -1, 1);
  const s: Setup = {
    net: { layers: [1, 2, 1], activation: 'tanh', seed: 1 },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 1500 },
    x,
    y: x.map(([v]) => [Math.sin(6 * v)]),
  };
  const r = run(s);
  const f = finding(r, 'underfitting');
  assert.ok(Array.isArray(f.fixOptions!.layers));
  const before = trainSetup(s).loss;
  const after = trainSetup(applyFix(s, f.fixOptions!)).loss;
  assert.ok(after * 10 <= before, `fix: ${before} → ${after}`);
});

test('rule 8 regularization: weight decay 1000 swamps the data → the suggested --weight-decay fits ≥10× better', () => {
  const x = grid(101, -1, 1);
  const s: Setup = {
    net: { layers: [1, 32, 1], activation: 'tanh', weightDecay: 1000, seed: 1 },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 1000 },
    x,
    y: x.map(([v]) => [Math.sin(3 * v)]),
  };
  const r = run(s);
  const f = finding(r, 'regularization');
  assert.equal(typeof f.fixOptions!.weightDecay, 'number');
  const before = trainSetup(s).loss;
  const after = trainSetup(applyFix(s, f.fixOptions!)).loss;
  assert.ok(after * 10 <= before, `fix: ${before} → ${after}`);
});

test('rule 8 overfitting: 12 noisy points, a wide network and validation data → early stopping gives a ≥10× lower validation loss', () => {
  const random = new Random(9);
  const x = Array.from({ length: 12 }, () => [random.uniform(-1, 1)]);
  const y = x.map(([v]) => [v + 0.3 * random.normal()]);
  const vx = grid(100, -1, 1);
  const vy = vx.map(([v]) => [v]);
  const s: Setup = {
    net: { layers: [1, 64, 64, 1], activation: 'tanh', seed: 1 },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 1000 },
    x,
    y,
  };
  const r = run(s, { validation: { x: vx, y: vy } });
  const f = finding(r, 'overfitting');
  assert.equal(f.fixOptions!.earlyStopping, true);
  // applying early stopping: train, keep the weights of the best validation epoch
  const net = new Network({ ...s.net, onWarning: () => {} });
  const X = toMatrix(x),
    Y = toMatrix(y),
    VX = toMatrix(vx),
    VY = toMatrix(vy);
  const opt = getOptimizer('adam', { learningRate: 0.01 });
  let best = Infinity;
  for (let e = 0; e < s.fit.epochs; e++) {
    net.computeGradient(X, Y);
    opt.step(net.params, net.grads);
    best = Math.min(best, net.computeLoss(VX, VY, { data: true, penalties: false }).data);
  }
  const final = net.computeLoss(VX, VY, { data: true, penalties: false }).data;
  assert.ok(best * 10 <= final, `validation loss at the end ${final}, at the best epoch ${best}`);
});

function layeredNet(buggy: boolean): Network {
  const random = new Random(1);
  const first = buggy ? new SignBugDense(1, 16, random) : new Dense(1, 16, random, { activation: 'tanh' });
  return new Network({ layers: [first, new Dense(16, 1, random)], onWarning: () => {} });
}

test('rule 9 gradient-check: a user-written layer with a sign bug → the corrected layer fits ≥10× better', () => {
  const x = grid(101, -1, 1);
  const y = x.map(([v]) => [Math.sin(3 * v)]);
  const r = diagnose(layeredNet(true), { x, y }, { optimizer: 'adam', learningRate: 0.01, epochs: 1000 });
  const f = finding(r, 'gradient-check');
  assert.equal(f.severity, 'error');
  assert.match(f.fix, /layer 0|signBugDense/);
  const s: Setup = {
    net: { layers: [1, 16, 1] },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 1000 },
    x,
    y,
  };
  const before = trainSetup(s, layeredNet(true)).loss;
  const after = trainSetup(s, layeredNet(false)).loss;
  assert.ok(after * 10 <= before, `fix: ${before} → ${after}`);
  // the built-in network is not checked (auto mode) and gets no gradient finding
  const clean = diagnose(
    layeredNet(false),
    { x, y },
    { optimizer: 'adam', learningRate: 0.01, epochs: 1000 },
  );
  assert.ok(!clean.findings.some((q) => q.rule === 'gradient-check' && q.severity !== 'info'));
});

test('rule 10 data-nan: NaN rows are reported, not thrown; --drop-missing trains where NaN poisons every step', () => {
  const x = grid(101, -1, 1);
  const y = x.map(([v]) => [Math.sin(3 * v)]);
  const xBad = x.map((r, i) => (i % 25 === 3 ? [NaN] : r));
  const s: Setup = {
    net: { layers: [1, 16, 1], activation: 'tanh', seed: 1 },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 600 },
    x: xBad,
    y,
  };
  const r = run(s);
  const f = finding(r, 'data-nan');
  assert.equal(r.findings[0].rule, 'data-nan');
  assert.match(f.observed, /^4 of 101 rows .*rows 3, 28, 53, 78/);
  assert.equal(f.fixOptions!.dropMissing, true);
  // without the fix every loss is NaN (toMatrix and computeLoss refuse the data; a raw training step gets NaN)
  const net = new Network({ ...s.net, onWarning: () => {} });
  const bad = { rows: 101, cols: 1, data: Float64Array.from(xBad.map((q) => q[0])) };
  assert.ok(Number.isNaN(net.computeGradient(bad, toMatrix(y)).data));
  assert.throws(
    () => net.computeLoss(bad, toMatrix(y)),
    /^DataError: x\[3\]\[0\] is NaN: data must be finite numbers$/,
  );
  const keep = xBad.map((q, i) => i).filter((i) => !Number.isNaN(xBad[i][0]));
  const after = trainSetup({ ...s, x: keep.map((i) => x[i]), y: keep.map((i) => y[i]) }).loss;
  assert.ok(after < 0.01, `after dropping: ${after}`);
});

test('rule 10 constant-features: a constant column of 1000 → dropping it fits ≥10× better', () => {
  const x = grid(101, -1, 1).map(([v]) => [v, 1000]);
  const s: Setup = {
    net: { layers: [2, 16, 1], activation: 'tanh', seed: 1 },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 800, scale: false },
    x,
    y: x.map(([v]) => [Math.sin(3 * v)]),
  };
  const r = run(s);
  const f = finding(r, 'constant-features');
  assert.equal(f.severity, 'warning');
  assert.deepEqual(f.fixOptions, { dropFeatures: [1] });
  const before = trainSetup(s).loss;
  const after = trainSetup({ ...s, net: { ...s.net, layers: [1, 16, 1] }, x: x.map(([v]) => [v]) }).loss;
  assert.ok(after * 10 <= before, `fix: ${before} → ${after}`);
});

test('rule 10 conflicting-duplicates: identical inputs with different targets → the stated loss floor is what training reaches', () => {
  const x = grid(40, -1, 1);
  const xs = [...x, ...x];
  const ys = [...x.map(([v]) => [v + 0.5]), ...x.map(([v]) => [v - 0.5])];
  const s: Setup = {
    net: { layers: [1, 16, 1], activation: 'tanh', seed: 1 },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 1500 },
    x: xs,
    y: ys,
  };
  const r = run(s);
  const f = finding(r, 'conflicting-duplicates');
  assert.equal(f.severity, 'warning');
  assert.ok(Math.abs(f.evidence!.lossFloor - 0.25) < 1e-12, `floor ${f.evidence!.lossFloor}`);
  const trained = trainSetup(s).loss;
  assert.ok(trained >= 0.25 - 1e-9 && trained < 0.26, `trained ${trained} vs floor 0.25`);
});

test('rule 10 class-imbalance: 5% positives → oversampling them raises their recall to ≥ 90%', () => {
  const random = new Random(3);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < 400; i++) {
    const pos = i % 20 === 0;
    x.push([random.normal() * 0.5 + (pos ? 1.7 : 0), random.normal() * 0.5]);
    y.push([pos ? 1 : 0]);
  }
  const s: Setup = {
    net: { layers: [2, 8, 1], activation: 'tanh', loss: 'binaryCrossEntropy', seed: 1 },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 300 },
    x,
    y,
  };
  const r = run(s);
  const f = finding(r, 'class-imbalance');
  assert.equal(f.fixOptions!.classWeight, 'balanced'); // test/weights.test.ts proves that fix; oversampling, its alternative, below
  const recall = (net: Network) => {
    const p = net.forward(toMatrix(x));
    let tp = 0;
    let pos = 0;
    for (let i = 0; i < y.length; i++) if (y[i][0] === 1) pos++, (tp += p.data[i] > 0.5 ? 1 : 0);
    return tp / pos;
  };
  const before = recall(trainSetup(s).network);
  const ox = [...x];
  const oy = [...y];
  for (let i = 0; i < x.length; i++)
    if (y[i][0] === 1) for (let k = 0; k < 18; k++) ox.push(x[i]), oy.push(y[i]);
  const after = recall(trainSetup({ ...s, x: ox, y: oy }).network);
  assert.ok(after >= 0.9 && after > before, `recall of the small class ${before} → ${after}`);
});

test('rule 10 too-few-examples: an informational note with the ratio', () => {
  const x = grid(10, -1, 1);
  const r = run({
    net: { layers: [1, 64, 64, 1], activation: 'tanh', seed: 1 },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 500 },
    x,
    y: x.map(([v]) => [v]),
  });
  const f = finding(r, 'too-few-examples');
  assert.equal(f.severity, 'info');
  assert.match(f.observed, /10 examples × 1 output for 4353 parameters/);
});

test('sanity-initial-loss: softmax started with huge weights → loss far above log C; --init glorotUniform starts ≥10× lower', () => {
  const random = new Random(2);
  const x = Array.from({ length: 150 }, (_, i) => [random.normal() + 2 * (i % 3), random.normal()]);
  const y = x.map((_, i) => [0, 1, 2].map((c) => (c === i % 3 ? 1 : 0)));
  const s: Setup = {
    net: {
      layers: [2, 32, 3],
      activation: 'relu',
      loss: 'softmaxCrossEntropy',
      seed: 1,
      init: (w, fanIn, _o, rnd) => {
        for (let k = 0; k < w.length; k++) w[k] = 30 * Math.sqrt(2 / fanIn) * rnd.normal();
      },
    },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 300 },
    x,
    y,
  };
  const r = run(s);
  const f = finding(r, 'sanity-initial-loss');
  assert.ok(f.evidence!.initial > 10 * Math.log(3));
  const fixedNet = new Network({ ...applyFix(s, f.fixOptions!).net, onWarning: () => {} });
  const initialAfter = fixedNet.computeLoss(toMatrix(x), toMatrix(y)).data;
  assert.ok(
    initialAfter * 10 <= f.evidence!.initial,
    `initial loss ${f.evidence!.initial} → ${initialAfter}`,
  );
  const before = trainSetup(s).loss;
  const after = trainSetup(applyFix(s, f.fixOptions!)).loss;
  assert.ok(after < before, `trained: ${before} → ${after}`);
});

test("sanity-regularization: a penalty with the seed's bug (cost, no gradient) is caught; the fixed penalty passes", () => {
  const x = grid(60, -1, 1);
  const y = x.map(([v]) => [Math.sin(3 * v)]);
  const seedBug = {
    name: 'seedL2',
    lambda: 0.1,
    kinks: [] as number[],
    penalty: (w: ArrayLike<number>, m: number) => {
      let s = 0;
      for (let i = 0; i < w.length; i++) s += w[i];
      return (0.1 / (2 * m)) * s;
    },
    addGradient: () => {},
  };
  const buggy = new Network({
    layers: [1, 16, 1],
    activation: 'tanh',
    regularizers: [seedBug],
    seed: 1,
    onWarning: () => {},
  });
  const r = diagnose(buggy, { x, y }, { optimizer: 'adam', learningRate: 0.01, epochs: 500 });
  finding(r, 'sanity-regularization');
  finding(r, 'gradient-check');
  const fixed = new Network({
    layers: [1, 16, 1],
    activation: 'tanh',
    weightDecay: 0.1,
    seed: 1,
    onWarning: () => {},
  });
  const ok = diagnose(fixed, { x, y }, { optimizer: 'adam', learningRate: 0.01, epochs: 500 });
  assert.ok(!ok.findings.some((q) => q.rule.startsWith('sanity')), ok.findings.map((q) => q.rule).join(', '));
});

test('sanity-overfit: a user-written loss whose gradient has the wrong sign cannot fit 20 examples; the correct loss can', () => {
  const x = grid(60, -1, 1);
  const y = x.map(([v]) => [Math.sin(3 * v)]);
  const base = getLoss('mse');
  const wrongSign = userWrittenMse(true);
  const make = (loss: typeof base) =>
    new Network({ layers: [1, 16, 1], activation: 'tanh', loss, seed: 1, onWarning: () => {} });
  const r = diagnose(make(wrongSign), { x, y }, { optimizer: 'adam', learningRate: 0.01, epochs: 500 });
  finding(r, 'sanity-overfit');
  finding(r, 'gradient-check');
  const s: Setup = {
    net: { layers: [1, 16, 1] },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 500 },
    x,
    y,
  };
  const before = trainSetup(s, make(wrongSign)).loss;
  const after = trainSetup(s, make(base)).loss;
  assert.ok(after * 10 <= before, `fix: ${before} → ${after}`);
  const ok = diagnose(make(base), { x, y }, { optimizer: 'adam', learningRate: 0.01, epochs: 500 });
  assert.ok(!ok.findings.some((q) => q.rule === 'sanity-overfit'));
});

test('rules 1 and 2, other forms: relu output with negative targets, softmax rows that are not one-hot, cross-entropy on measurements', () => {
  const x = grid(60, -1, 1);
  const relu = run({
    net: { layers: [1, 16, 1], activation: 'tanh', output: 'relu', seed: 1 },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 500 },
    x,
    y: x.map(([v]) => [v]),
  });
  const f1 = finding(relu, 'output-activation');
  assert.equal(f1.severity, 'error');
  assert.match(f1.observed, /50% of the targets/);
  const multi = run({
    net: { layers: [1, 16, 2], activation: 'tanh', loss: 'softmaxCrossEntropy', seed: 1 },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 500 },
    x,
    y: x.map(([v]) => [v > 0 ? 1 : 0, 1]),
  });
  const f2 = finding(multi, 'output-activation');
  assert.match(f2.observed, /30 of 60 target rows/);
  assert.deepEqual(f2.fixOptions, { loss: 'binaryCrossEntropy', output: 'sigmoid' });
  const bce = run({
    net: { layers: [1, 16, 1], activation: 'tanh', loss: 'binaryCrossEntropy', seed: 1 },
    fit: { optimizer: 'adam', learningRate: 0.01, epochs: 500 },
    x,
    y: x.map(([v]) => [(v + 1) / 2]),
  });
  const f3 = finding(bce, 'loss-task');
  assert.deepEqual(f3.fixOptions, { loss: 'mse', output: 'linear' });
});

test("rule 8 overfitting from a finished run's history (the model-file path)", () => {
  const x = grid(30, -1, 1);
  const loss = Array.from({ length: 100 }, (_, e) => 1 / (e + 1));
  const validationLoss = Array.from(
    { length: 100 },
    (_, e) => 0.1 + ((e - 30) / 70) ** 2 * (e > 30 ? 1 : 0.2),
  );
  const r = run(
    {
      net: { layers: [1, 8, 1], activation: 'tanh', seed: 1 },
      fit: { optimizer: 'adam', learningRate: 0.01, epochs: 100 },
      x,
      y: x.map(([v]) => [v]),
    },
    { history: { loss, validationLoss }, trained: true },
  );
  const f = finding(r, 'overfitting');
  assert.match(f.observed, /lowest at epoch 31/);
  // a run whose validation loss keeps falling is not overfitting
  const ok = run(
    {
      net: { layers: [1, 8, 1], activation: 'tanh', seed: 1 },
      fit: { optimizer: 'adam', learningRate: 0.01, epochs: 100 },
      x,
      y: x.map(([v]) => [v]),
    },
    { history: { loss, validationLoss: loss.map((v) => v + 0.01) }, trained: true },
  );
  assert.ok(!ok.findings.some((q) => q.rule === 'overfitting'));
});
