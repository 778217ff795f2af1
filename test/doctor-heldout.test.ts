// The doctor judged on held-out rows (issue 19): no alarm on the healthy moons run of the issue and
// no recommendation outside the optimizer's range; an overfitting setup found without validation
// data, its fix better on new data; the seed's setup still led by output-activation and learning-rate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network, Random, diagnose, fit, toMatrix, type Finding } from '../src/index.js';
import { scratchDir, scratchnet } from './fixtures/cli.js';

test('scratchnet doctor --dataset moons --layers 16 --activation tanh: no error, rates inside Adam’s 1e-5 … 0.1', () => {
  const r = scratchnet(
    ['doctor', '--dataset', 'moons', '--layers', '16', '--activation', 'tanh', '--json'],
    scratchDir(),
  );
  assert.notEqual(r.code, 1, r.stdout.slice(0, 2000));
  const report = JSON.parse(r.stdout) as {
    findings: Finding[];
    summary: { recommendedLearningRate?: number };
  };
  assert.deepEqual(
    report.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule}: ${f.observed}`),
    [],
  );
  const rates = [
    report.summary.recommendedLearningRate,
    ...report.findings.map((f) => f.fixOptions?.learningRate as number | undefined),
  ].filter((v): v is number => v !== undefined);
  for (const rate of rates) assert.ok(rate >= 1e-5 && rate <= 0.1, `recommended ${rate}`);
});

/** n noisy samples of sin(2x) on [-1, 1]. */
function noisySine(n: number, seed: number): { x: number[][]; y: number[][] } {
  const random = new Random(seed);
  const x = Array.from({ length: n }, () => [random.uniform(-1, 1)]);
  return { x, y: x.map(([v]) => [Math.sin(2 * v) + 0.3 * random.normal()]) };
}

test('a wide network trained long on 40 noisy rows gets an overfitting finding whose fix is better on new data', () => {
  const data = noisySine(40, 3);
  const layers = [1, 64, 64, 1];
  const make = (hidden = layers.slice(1, -1), weightDecay = 0) =>
    new Network({ layers: [1, ...hidden, 1], activation: 'tanh', weightDecay, seed: 1, onWarning: () => {} });
  const training = { optimizer: 'adam' as const, learningRate: 0.01, epochs: 3000 };
  const r = diagnose(make(), data, training);
  const f = r.findings.find((q) => q.rule === 'overfitting');
  assert.ok(f, r.findings.map((q) => `${q.rule} (${q.severity})`).join(', '));
  assert.equal(f.severity, 'warning');
  assert.ok(!r.findings.some((q) => q.rule === 'learning-rate' && q.severity === 'error'));
  // the probe behind the finding: the fix ends lower on the held-out rows than the run as configured
  assert.ok(f.evidence!.fixed < 0.67 * f.evidence!.held, JSON.stringify(f.evidence));
  // and on 400 new rows, training with fit as configured and with the fix applied
  const fresh = noisySine(400, 4);
  const fix = f.fixOptions ?? {};
  const newLoss = (net: Network, extra: object) => {
    fit(net, data.x, data.y, { ...training, batchSize: 40, scale: false, seed: 1, ...extra });
    return net.computeLoss(toMatrix(fresh.x), toMatrix(fresh.y), { data: true, penalties: false }).data;
  };
  const before = newLoss(make(), {});
  const fixedNet = make(
    (fix.layers as number[] | undefined) ?? layers.slice(1, -1),
    (fix.weightDecay as number) ?? 0,
  );
  const after = newLoss(fixedNet, fix.earlyStopping ? { earlyStopping: true, validationSplit: 0.2 } : {});
  assert.ok(after < before, `new-data loss as configured ${before}, with ${JSON.stringify(fix)} ${after}`);
});

test("the seed's setup (leaky ReLU output, sgd at 1e-6) still puts output-activation and learning-rate first", () => {
  const x = Array.from({ length: 201 }, (_, i) => [i / 200]);
  const y = x.map(([v]) => [v * v]);
  for (const scale of [false, true]) {
    const net = new Network({
      layers: [1, 64, 1],
      activation: 'leakyRelu',
      output: 'leakyRelu',
      init: 'heNormal',
      weightDecay: 1e-8,
      seed: 1,
      onWarning: () => {},
    });
    const r = diagnose(net, { x, y }, { optimizer: 'sgd', learningRate: 1e-6, epochs: 50000, scale });
    const top = r.findings.slice(0, 2).map((f) => f.rule);
    assert.deepEqual([...top].sort(), ['learning-rate', 'output-activation'], `scale ${scale}: ${top}`);
    assert.match(r.findings.find((f) => f.rule === 'learning-rate')!.observed, /too small/);
  }
});
