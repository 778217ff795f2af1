// The doctor's structure: rules with an order, findings in library terms only (the CLI renders
// flags), columns named by name in original units, user-written parts told from built-ins by the
// registries in src/nn (not by comparing source text), and the CLI's exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Dense,
  Network,
  Random,
  diagnose,
  getActivation,
  getLoss,
  l1,
  l2,
  mse,
  type Activation,
  type Finding,
  type Regularizer,
} from '../src/index.js';
import { isBuiltinActivation } from '../src/nn/activations.js';
import { isBuiltinLoss } from '../src/nn/losses.js';
import { isBuiltinRegularizer } from '../src/nn/regularizers.js';
import { RULES, sortFindings } from '../src/check/doctor-registry.js';
import { customParts } from '../src/check/doctor-gradcheck-rule.js';
import { fixFlags, renderFix } from '../src/cli/fixes.js';
import { scratchDir, scratchnet } from './fixtures/cli.js';

const grid = (n: number) => Array.from({ length: n }, (_, i) => [-1 + (2 * i) / (n - 1)]);

test('every rule has a unique id and a unique rank; sortFindings puts errors first, then causes before symptoms', () => {
  const ids = RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, `duplicate rule ids: ${ids.join(', ')}`);
  const orders = RULES.map((r) => r.order);
  assert.equal(new Set(orders).size, orders.length, 'two rules share a rank');
  const f = (rule: string, severity: Finding['severity']): Finding => ({
    rule,
    severity,
    observed: '',
    why: '',
    fix: '',
  });
  const sorted = sortFindings([
    f('baseline-loss', 'warning'),
    f('constant-output', 'error'),
    f('unscaled-inputs', 'warning'),
    f('output-activation', 'error'),
  ]).map((x) => x.rule);
  assert.deepEqual(sorted, ['output-activation', 'constant-output', 'unscaled-inputs', 'baseline-loss']);
});

test('findings speak in library options: no CLI flag in any finding; the CLI renders fixOptions as flags', () => {
  const x = grid(101).map(([v]) => [v * 1e4, 3]);
  const y = grid(101).map(([v]) => [Math.sin(3 * v)]);
  const reports = [
    diagnose(
      new Network({ layers: [2, 16, 1], activation: 'tanh', seed: 1, onWarning: () => {} }),
      { x, y },
      { optimizer: 'sgd', learningRate: 20, epochs: 100 },
    ),
    diagnose(
      new Network({
        layers: [1, 16, 1],
        activation: 'tanh',
        output: 'softmax',
        seed: 1,
        onWarning: () => {},
      }),
      { x: grid(101), y },
      { optimizer: 'adam', learningRate: 0.01, epochs: 100 },
    ),
  ];
  const findings = reports.flatMap((r) => r.findings);
  assert.ok(findings.length >= 4, findings.map((f) => f.rule).join(', '));
  for (const f of findings) {
    for (const text of [f.observed, f.why, f.fix])
      assert.doesNotMatch(text, /(^|\s)--[a-z]/, `${f.rule}: ${text}`);
    assert.ok(f.fixOptions, `${f.rule} has fixOptions`);
  }
  assert.equal(fixFlags({ learningRate: 0.05 }), '--lr 0.05');
  assert.equal(fixFlags({ learningRate: 1e-6, output: 'linear' }), '--lr 1e-6 --output linear');
  assert.equal(fixFlags({ layers: [32, 32], weightDecay: 0.1 }), '--layers 32,32 --weight-decay 0.1');
  assert.match(fixFlags({ scale: true }), /^drop --no-scale/);
  assert.equal(fixFlags({ dropFeatures: ['Weight', 'Year'] }), '--features without Weight, Year');
  // a symptom names the finding whose fix it borrows; advice without options stays in words
  const symptom: Finding = {
    rule: 'baseline-loss',
    severity: 'warning',
    observed: '',
    why: '',
    fix: "output: 'linear' (the output-activation finding)",
    fixOptions: { output: 'linear' },
    fixFrom: 'output-activation',
  };
  assert.equal(renderFix(symptom), '--output linear (the output-activation finding)');
  assert.equal(
    renderFix({ ...symptom, fixOptions: {}, fixFrom: undefined, fix: 'add a feature' }),
    'add a feature',
  );
});

test('column names: findings name columns by name, values in original units, dropFeatures by name', () => {
  const x = grid(101).map(([v]) => [v, 100, 5000 + 1000 * v]);
  const y = grid(101).map(([v]) => [Math.sin(3 * v)]);
  const net = () => new Network({ layers: [3, 8, 1], activation: 'tanh', seed: 1, onWarning: () => {} });
  const columns = { inputs: ['Speed', 'Cylinders', 'Weight'], targets: ['mpg'] };
  const scaled = diagnose(
    net(),
    { x, y },
    { optimizer: 'adam', learningRate: 0.01, epochs: 100, scale: true, columns },
  );
  const constant = scaled.findings.find((f) => f.rule === 'constant-features');
  assert.ok(constant, scaled.findings.map((f) => f.rule).join(', '));
  // the value in the caller's units, though the doctor probes standardized data
  assert.match(constant.observed, /Cylinders = 100/);
  assert.deepEqual(constant.fixOptions, { dropFeatures: ['Cylinders'] });
  const raw = diagnose(net(), { x, y }, { optimizer: 'adam', learningRate: 0.01, epochs: 100, columns });
  const unscaled = raw.findings.find((f) => f.rule === 'unscaled-inputs');
  assert.ok(unscaled);
  assert.match(unscaled.observed, /Weight: mean 5000/);
  assert.doesNotMatch(unscaled.observed, /column \d/);
});

test('built-in or user-written is asked of the registries beside the built-ins, not read from source text', () => {
  assert.ok(isBuiltinLoss(mse()) && isBuiltinLoss(getLoss({ name: 'huber', delta: 0.5 })));
  assert.ok(isBuiltinRegularizer(l2(1)) && isBuiltinRegularizer(l1(0.1)));
  assert.ok(isBuiltinActivation(getActivation('relu')) && isBuiltinActivation(getActivation('softmax')));
  // user-written parts, even under a built-in's name and with the built-in's own functions
  const myLoss = { ...mse() };
  assert.ok(!isBuiltinLoss(myLoss));
  const myPenalty: Regularizer = { ...l2(1), name: 'l2' };
  assert.ok(!isBuiltinRegularizer(myPenalty));
  const myTanh: Activation = { ...getActivation('tanh') };
  assert.ok(!isBuiltinActivation(myTanh));
  const random = new Random(1);
  const net = new Network({
    layers: [new Dense(1, 4, random, { activation: myTanh }), new Dense(4, 1, random)],
    loss: myLoss,
    regularizers: [myPenalty],
    onWarning: () => {},
  });
  assert.deepEqual(customParts(net), ['activation tanh (layer 0)', 'loss mse', 'penalty l2']);
  const builtin = new Network({
    layers: [1, 4, 1],
    activation: 'tanh',
    weightDecay: 0.1,
    l1: 0.1,
    onWarning: () => {},
  });
  assert.deepEqual(customParts(builtin), []);
});

test('a user-written penalty named l2 whose gradient is missing is caught by the gradient-check rule', () => {
  const noGradient: Regularizer = { ...l2(1), addGradient: () => {} };
  const net = new Network({
    layers: [1, 8, 1],
    activation: 'tanh',
    regularizers: [noGradient],
    seed: 2,
    onWarning: () => {},
  });
  const x = grid(41);
  const y = x.map(([v]) => [Math.sin(3 * v)]);
  const r = diagnose(net, { x, y }, { optimizer: 'adam', learningRate: 0.01, epochs: 100, sanity: false });
  const gc = r.findings.find((f) => f.rule === 'gradient-check');
  assert.ok(gc, r.findings.map((f) => f.rule).join(', '));
  assert.equal(gc.severity, 'error');
  assert.match(gc.fix, /penalty l2/);
});

test('scratchnet doctor exits 0 on a healthy setup (and 1 on an error, see cli.test.ts)', () => {
  const r = scratchnet(['doctor', '--dataset', 'sine', '--json'], scratchDir());
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(0, 2000));
  const report = JSON.parse(r.stdout);
  assert.deepEqual(
    report.findings.filter((f: Finding) => f.severity === 'error').map((f: Finding) => f.rule),
    [],
  );
  for (const f of report.findings) assert.equal(typeof f.fixFlags, 'string');
});
