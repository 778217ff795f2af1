// Held-out rows by default (src/train/holdout.ts, reference.ts, the CLI's train): 20% from 50 rows,
// stratified for classes; held-out metrics next to training ones with the baseline and a linear model.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TrainingRun, Network, defaultValidationSplit, stratifiedOrder, toMatrix } from '../src/index.js';
import { scratchDir, scratchnet } from './fixtures/cli.js';

test('defaultValidationSplit: 20% from 50 rows, none below', () => {
  assert.equal(defaultValidationSplit(49), 0);
  assert.equal(defaultValidationSplit(50), 0.2);
  assert.equal(defaultValidationSplit(10_000), 0.2);
});

test('stratifiedOrder: the last nVal rows hold each class in proportion, every row once', () => {
  const y = toMatrix(Array.from({ length: 100 }, (_, i) => [i < 80 ? 0 : 1]));
  const order = Int32Array.from({ length: 100 }, (_, i) => (i * 37) % 100);
  const out = stratifiedOrder(order, y, 20);
  assert.deepEqual(
    [...out].sort((a, b) => a - b),
    Array.from({ length: 100 }, (_, i) => i),
  );
  const validation = [...out.subarray(80)];
  assert.equal(validation.filter((r) => r >= 80).length, 4, '20% of the 20 rows of class 1');
});

test('fit with stratify: a rare class is in the validation rows in proportion', () => {
  const rows = 200;
  const x = Array.from({ length: rows }, (_, i) => [i / rows]);
  const y = Array.from({ length: rows }, (_, i) => [i % 10 === 0 ? 1 : 0]);
  const count = (stratify: boolean) => {
    const net = new Network({ layers: [1, 1], output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 1 });
    const run = new TrainingRun(net, x, y, { validationSplit: 0.2, stratify, epochs: 1 });
    const v = run.data.validation;
    assert.ok(v);
    return Array.from(v.y.data).filter((t) => t === 1).length;
  };
  assert.equal(count(true), 4, '10% of 40 validation rows');
});

function writeData(dir: string, rows: number): void {
  const lines = Array.from({ length: rows }, (_, i) => {
    const a = ((i * 37) % 23) / 23;
    const b = ((i * 11) % 17) / 17;
    return `${a},${b},${(2 * a - b + 0.05 * Math.sin(i)).toFixed(4)}`;
  });
  writeFileSync(join(dir, 'd.csv'), ['a,b,t', ...lines].join('\n'));
}

test('CLI: held-out metrics with the baseline and a linear model, in the summary, --json and the model file', () => {
  const dir = scratchDir();
  writeData(dir, 100);
  const args = ['train', '--data', 'd.csv', '--target', 't', '--epochs', '300', '--no-plots'];
  const t = scratchnet(args, dir);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /training set \(80 rows; the held-out rows excluded\):/);
  assert.match(t.stdout, /held-out set \(20 rows, not trained on/);
  assert.match(t.stdout, /baseline \(the training mean\): r2 -?0\.\d+/);
  assert.match(t.stdout, /linear model \(no hidden layer\): r2 0\.9\d+/);
  const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  assert.equal(model.metrics.heldOut.rows, 20);
  assert.equal(typeof model.metrics.heldOut.r2, 'number');
  assert.ok(model.metrics.linear.r2 > 0.9, 'a linear target: the linear model fits');
  assert.ok(model.metrics.baseline.r2 < 0.05);
  assert.equal(model.settings.validationSplit, 0.2);
  assert.equal(model.settings.heldOutByDefault, true);
  assert.equal(model.settings.earlyStopping, 150, 'patience: half of the 300 epochs');
  const j = JSON.parse(scratchnet([...args, '--json', '--out', 'j.json'], dir).stdout);
  assert.deepEqual(Object.keys(j.metrics).sort(), ['baseline', 'heldOut', 'linear', 'train']);
  assert.equal(j.metrics.heldOut.r2, model.metrics.heldOut.r2, 'the same run, the same held-out score');
});

test('CLI: --val-split 0 trains on every row; under 50 rows nothing is held out', () => {
  const dir = scratchDir();
  writeData(dir, 100);
  const args = ['train', '--data', 'd.csv', '--target', 't', '--epochs', '5', '--no-plots', '--json'];
  const none = JSON.parse(scratchnet([...args, '--val-split', '0'], dir).stdout);
  assert.deepEqual(Object.keys(none.metrics), ['train']);
  writeData(dir, 40);
  const small = JSON.parse(scratchnet(args, dir).stdout);
  assert.deepEqual(Object.keys(small.metrics), ['train']);
});
