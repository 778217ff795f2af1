// The playground's new worker-side parts without a browser: the explain hover's attribution and the
// network diagram leave training bit-identical; the sampled test-loss history; a CSV file as a
// dataset (the library's errors kept).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainPoint, TOLERANCE } from '../web/attribution.js';
import { csvDataset, readCsv } from '../web/csv-data.js';
import { SampledHistory } from '../web/history.js';
import { diagramOf, MAX_SHOWN } from '../web/neurons.js';
import { fromHash } from '../web/state.js';
import '../web/library-names.js'; // the state table's choices, as the worker gives them to the page
import { Trainer } from '../web/trainer.js';

const xor = fromHash('#dataset=xor&hidden=12,3&activation=tanh&optimizer=adam&learningRate=0.03').state;

test('explain and the diagram between epochs leave training bit-identical (float64)', () => {
  const plain = new Trainer(xor);
  const watched = new Trainer(xor);
  const grid = watched.makeGrid(10);
  for (let k = 0; k < 20; k++) {
    plain.run(5);
    watched.run(5);
    explainPoint(watched, { type: 'explain', id: k, point: watched.data.x[k] });
    diagramOf(watched, grid, 10);
  }
  assert.deepEqual(Array.from(watched.network.params), Array.from(plain.network.params));
  assert.equal(watched.history.last, plain.history.last);
});

test('explainPoint: attributions sum to f(x) − f(b) within the tolerance; b is the training mean', () => {
  const trainer = new Trainer(xor);
  trainer.run(200);
  const report = explainPoint(trainer, { type: 'explain', id: 1, point: [0.4, -0.7] });
  assert.equal(report.error, '');
  const delta = report.value - report.baselineValue;
  const sum = report.attributions.reduce((s, a) => s + a, 0);
  assert.ok(Math.abs(sum - delta) <= TOLERANCE * Math.abs(delta) + 1e-14, `${sum} vs ${delta}`);
  const mean = trainer.data.x.reduce((s, r) => s + r[0], 0) / trainer.data.x.length;
  assert.ok(Math.abs(report.baseline[0] - mean) < 1e-12);
  const bad = explainPoint(trainer, { type: 'explain', id: 2, point: [1, 2, 3] });
  assert.match(bad.error, /ShapeError/);
});

test('diagramOf: inputs, then each layer’s shown neurons (at most MAX_SHOWN) with their weights', () => {
  const trainer = new Trainer(fromHash('#dataset=xor&hidden=12,3').state);
  const d = diagramOf(trainer, trainer.makeGrid(6), 6);
  assert.deepEqual(d.sizes, [2, 12, 3, 1]);
  assert.equal(d.points, 36);
  const shown = [2, MAX_SHOWN, 3, 1];
  assert.equal(d.values.length, 36 * shown.reduce((a, b) => a + b));
  assert.equal(d.weights.length, 2 * 8 + 8 * 3 + 3 * 1);
  assert.equal(d.biases.length, 8 + 3 + 1);
  // the first layer's first weight is the network's weight[0, 0]
  assert.equal(d.weights[0], trainer.network.params[0]);
});

test('SampledHistory: bounded, keeps the first and latest samples, replaces a repeated epoch', () => {
  const h = new SampledHistory(4);
  for (let e = 1; e <= 9; e++) h.push(e, 10 / e);
  assert.ok(h.length <= 4);
  assert.equal(h.epochs[0], 1);
  assert.equal(h.epochs[h.length - 1], 9);
  for (let i = 1; i < h.length; i++) assert.ok(h.epochs[i] > h.epochs[i - 1]);
  h.push(9, 7);
  assert.equal(h.epochs[h.length - 1], 9);
  assert.equal(h.values[h.length - 1], 7);
  assert.throws(() => new SampledHistory(3), /integer ≥ 4, got 3/);
});

test('csvDataset: standardized inputs, two classes as 0/1, the library’s errors', () => {
  const text = ['w,h,label', '1,100,no', '2,300,yes', '3,200,no', '4,, yes', '5,500,yes'].join('\n');
  const { table, columns } = readCsv(text, 'small.csv');
  assert.deepEqual(
    columns.map((c) => c.name),
    ['w', 'h', 'label'],
  );
  const { data, inputNames, note } = csvDataset(table, 'label', ['w', 'h']);
  assert.deepEqual(inputNames, ['w', 'h']);
  assert.equal(data.task, 'classification');
  assert.deepEqual(
    data.y.map(([v]) => v),
    [0, 1, 0, 1],
  );
  const mean = data.x.reduce((s, r) => s + r[0], 0) / data.x.length;
  assert.ok(Math.abs(mean) < 1e-12, 'standardized');
  assert.match(note, /1 row with a missing cell left out/);
  assert.throws(() => readCsv('a,b\n"1,2\n', 'bad.csv'), /bad\.csv:2:1: this quoted field is never closed/);
  assert.throws(() => csvDataset(table, 'nope', ['w']), /nope/);
});
