// Task inference (src/data/task.ts): one rule for the library's inferTask and the CLI's fitEncoding;
// integer labels with few values → multiclass, everything else numeric → regression; the CLI says
// what it inferred and why (summary, --json, model file).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  balancedAccuracy,
  fitEncoding,
  inferNumericTask,
  inferTask,
  inferTaskWithReason,
  parseCsv,
  perClassRecall,
  trainNetwork,
} from '../src/index.js';
import { scratchDir, scratchnet } from './fixtures/cli.js';

const labels = (k: number, rows: number) => Array.from({ length: rows }, (_, i) => i % k);

test('inferNumericTask: integer labels with few values, each seen twice → multiclass', () => {
  assert.equal(inferNumericTask(labels(3, 150)).task, 'multiclass');
  assert.equal(inferNumericTask(labels(20, 200)).task, 'multiclass');
  assert.match(inferNumericTask(labels(3, 150)).reason, /3 distinct integer values/);
  assert.equal(inferNumericTask([-1, 5, 9, -1, 5, 9, 9, 9, 5, -1, 5, 5, 5, 9, 9]).task, 'multiclass');
});

test('inferNumericTask: floats, many values, a value seen once, or too few rows per value → regression', () => {
  const oneTo500 = Array.from({ length: 500 }, (_, i) => i + 1);
  const r = inferNumericTask(oneTo500);
  assert.equal(r.task, 'regression', 'a float column holding the integers 1..500');
  assert.match(r.reason, /500 distinct integer values/);
  assert.equal(inferNumericTask(labels(21, 420)).task, 'regression', '21 distinct values > 20');
  assert.equal(inferNumericTask([0.5, 1.5, 2.5, 0.5, 1.5, 2.5]).task, 'regression');
  const once = inferNumericTask([0, 1, 2, 0, 1, 2, 0, 1, 3, 0, 1, 2, 0, 1, 2]);
  assert.equal(once.task, 'regression');
  assert.match(once.reason, /3 is seen only once/);
  assert.equal(inferNumericTask(labels(4, 12)).task, 'regression', '4 values in 12 rows: more than 20%');
  assert.equal(inferNumericTask([7, 7, 7]).task, 'regression', 'a single value');
  assert.equal(inferNumericTask([3, 7, 3]).task, 'binary', 'two distinct values');
});

test('inferTask (library): labels 0..k−1 → multiclass, 0/1 → binary, one-hot → multiclass', () => {
  assert.equal(inferTask(labels(3, 30)), 'multiclass');
  assert.equal(inferTask([0, 1, 1]), 'binary');
  assert.equal(
    inferTask([
      [0, 1],
      [1, 0],
    ]),
    'multiclass',
  );
  assert.equal(inferTask([[0.5], [1]]), 'regression');
  assert.equal(inferTask(labels(2, 10).map((v) => v + 1)), 'multiclass', 'labels 1 and 2 are two classes');
  assert.equal(inferTask(Array.from({ length: 500 }, (_, i) => i + 1)), 'regression');
  assert.match(inferTaskWithReason(labels(4, 40)).reason, /4 distinct integer values/);
});

test('trainNetwork on integer labels: one output per class, the classes returned, accuracy well above chance', () => {
  const x = Array.from({ length: 90 }, (_, i) => [i % 3, ((i * 7) % 5) / 5]);
  const y = labels(3, 90).map((v) => v * 2);
  const { network, task, classes } = trainNetwork(x, y, { epochs: 200, learningRate: 0.01 });
  assert.equal(task, 'multiclass');
  assert.deepEqual(classes, [0, 2, 4]);
  assert.equal(network.outputSize, 3);
  const out = network.predict(x);
  let right = 0;
  for (let r = 0; r < 90; r++) {
    const row = Array.from(out.data.subarray(r * 3, r * 3 + 3));
    if (row.indexOf(Math.max(...row)) === r % 3) right++;
  }
  assert.ok(right >= 85, `${right}/90 right`);
});

test('fitEncoding: an integer label column is multiclass with the reason; text and --task as before', () => {
  const csv = ['a,label,score', ...labels(3, 30).map((v, i) => `${i},${v},${i + 0.5}`)].join('\n');
  const table = parseCsv(csv, 't.csv');
  const enc = fitEncoding(table, { target: ['label'] });
  assert.equal(enc.target.task, 'multiclass');
  assert.deepEqual(enc.target.classes, ['0', '1', '2']);
  assert.match(enc.target.inferred ?? '', /3 distinct integer values/);
  const given = fitEncoding(table, { target: ['label'], task: 'regression' });
  assert.equal(given.target.task, 'regression');
  assert.equal(given.target.inferred, undefined, 'a given task is not inferred');
  assert.equal(fitEncoding(table, { target: ['score'] }).target.task, 'regression');
});

test('CLI: the inferred task is said with its reason and override, in --json and in the model file', () => {
  const dir = scratchDir();
  const rows = labels(3, 60).map((v, i) => `${(i * 37) % 11},${v + (i % 2) * 0.01},${v}`);
  writeFileSync(join(dir, 'd.csv'), ['p,q,kind', ...rows].join('\n'));
  const common = ['train', '--data', 'd.csv', '--target', 'kind', '--epochs', '3', '--no-plots'];
  const t = scratchnet(common, dir);
  assert.equal(t.code, 0, t.stderr);
  assert.match(
    t.stdout,
    /task multiclass inferred: the target has 3 distinct integer values.*; override with --task regression/,
  );
  const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  assert.match(model.encoding.target.inferred, /3 distinct integer values/);
  const j = scratchnet([...common, '--json', '--out', 'j.json'], dir);
  const summary = JSON.parse(j.stdout);
  assert.equal(summary.task.name, 'multiclass');
  assert.equal(summary.task.override, '--task regression');
  const r = scratchnet([...common, '--task', 'regression', '--json', '--out', 'r.json'], dir);
  assert.deepEqual(JSON.parse(r.stdout).task, { name: 'regression' });
});

test('balancedAccuracy and perClassRecall: a majority-class predictor scores 1/k however imbalanced', () => {
  const targets = [...Array(90).fill([1, 0]), ...Array(10).fill([0, 1])];
  const majority = Array(100).fill([0.9, 0.1]);
  assert.deepEqual(perClassRecall(majority, targets), [1, 0]);
  assert.equal(balancedAccuracy(majority, targets), 0.5);
  const mixed = [...Array(90).fill([0.9, 0.1]), ...Array(5).fill([0.2, 0.8]), ...Array(5).fill([0.8, 0.2])];
  assert.equal(balancedAccuracy(mixed, targets), 0.75);
});
