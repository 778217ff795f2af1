// Data loading and encoding: CSV / JSON parsing with positions, missing cells, one-hot and labels,
// built-in datasets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DataError,
  OptionError,
  applyEncoding,
  dataset,
  datasetNames,
  decodeOutputs,
  fitEncoding,
  formatCsv,
  parseCsv,
  parseRecords,
  splitTable,
  toMatrix,
} from '../src/index.js';

test('parseCsv: header, quoted fields with commas, quotes and newlines, CRLF, positions', () => {
  const t = parseCsv('a,b,c\r\n1,"x, ""y""\nz",3\r\n4,5,6\n', 'f.csv');
  assert.deepEqual(t.columns, ['a', 'b', 'c']);
  assert.deepEqual(t.rows, [
    ['1', 'x, "y"\nz', '3'],
    ['4', '5', '6'],
  ]);
  assert.deepEqual(t.lines, [2, 4]);
  assert.deepEqual(t.cellColumns![1], [1, 3, 5]);
  assert.equal(formatCsv(t.columns, t.rows), 'a,b,c\n1,"x, ""y""\nz",3\n4,5,6\n');
});

test('parseCsv: errors name file:line:column', () => {
  assert.throws(
    () => parseCsv('a,b\n1,2\n3,4,5\n', 'f.csv'),
    /^DataError: f\.csv:3:5: this row has 3 fields but the header has 2$/,
  );
  assert.throws(() => parseCsv('a,b\n1,"2\n', 'f.csv'), /f\.csv:2:3: this quoted field is never closed/);
  assert.throws(() => parseCsv('a,a\n1,2\n', 'f.csv'), /f\.csv:1:3: column name "a" appears twice/);
  assert.throws(() => parseCsv('', 'f.csv'), /f\.csv: the file is empty/);
  assert.throws(() => parseCsv('a,b\n', 'f.csv'), /header but no data rows/);
});

test('parseRecords: union of keys, absent keys are missing, JSON syntax errors give line:column', () => {
  const t = parseRecords('[{"a": 1, "b": "x"},\n {"a": 2, "c": true}]', 'r.json');
  assert.deepEqual(t.columns, ['a', 'b', 'c']);
  assert.deepEqual(t.rows, [
    [1, 'x', null],
    [2, null, true],
  ]);
  assert.deepEqual(t.lines, [1, 2]);
  assert.throws(
    () => parseRecords('[{"a": 1},\n {"a": }]', 'r.json'),
    /^DataError: r\.json:2:\d+: invalid JSON/,
  );
  assert.throws(() => parseRecords('{"a": 1}', 'r.json'), /expected a JSON array of records/);
});

test('fitEncoding: numbers, dates, booleans, one-hot text, classes; applyEncoding re-applies them', () => {
  const t = parseCsv(
    'n,d,b,city,label\n1,2000-01-01,true,Lyon,yes\n2,2001-01-01,false,Paris,no\n3,2002-01-01,true,Lyon,yes\n',
    'f.csv',
  );
  const enc = fitEncoding(t, { target: ['label'] });
  assert.deepEqual(
    enc.features.map((f) => f.type),
    ['number', 'date', 'boolean', 'category'],
  );
  assert.deepEqual(enc.target, { columns: ['label'], task: 'binary', classes: ['no', 'yes'] });
  const e = applyEncoding(enc, t);
  assert.deepEqual(e.inputNames, ['n', 'd', 'b', 'city=Lyon', 'city=Paris']);
  assert.equal(e.x.cols, 5);
  assert.ok(Math.abs(e.x.data[1] - 2000) < 1e-9);
  assert.deepEqual(Array.from(e.x.data.subarray(5, 10)).slice(2), [0, 0, 1]);
  assert.deepEqual(Array.from(e.y!.data), [1, 0, 1]);
  assert.deepEqual(decodeOutputs(enc, toMatrix([[0.9], [0.1]])), [['yes'], ['no']]);
  // new data: an unseen category is an error with its position
  const u = parseCsv('n,d,b,city\n1,2000-01-01,true,Nice\n', 'g.csv');
  assert.throws(
    () => applyEncoding(enc, u, { withTarget: false }),
    /g\.csv:2:19: "Nice" in column "city" is a category the model never saw; known: Lyon, Paris/,
  );
});

test('missing cells: listed with positions; --drop-missing leaves rows out; mean imputation fills', () => {
  const t = parseCsv('x,z,y\n1,a,2\n,b,3\n3,NA,4\n5,a,6\n', 'm.csv');
  assert.throws(
    () => fitEncoding(t, { target: ['y'] }),
    (e: unknown) =>
      e instanceof DataError &&
      /m\.csv: 2 rows have missing values: m\.csv:3:1 \(x\); m\.csv:4:3 \(z\)\. Pass --drop-missing/.test(
        e.message,
      ),
  );
  const enc = fitEncoding(t, { target: ['y'], missing: 'drop' });
  assert.deepEqual(applyEncoding(enc, t).rows, [0, 3]);
  const mean = fitEncoding(t, { target: ['y'], missing: 'mean' });
  assert.deepEqual(mean.features, [
    { name: 'x', type: 'number', fill: 3 },
    { name: 'z', type: 'category', categories: ['a', 'b'], fill: 'a' },
  ]);
  assert.deepEqual(Array.from(applyEncoding(mean, t).x.data), [1, 1, 0, 3, 0, 1, 3, 1, 0, 5, 1, 0]);
});

test('a stray word in a numeric column is a non-numeric cell error, not a text column', () => {
  const t = parseCsv('x,y\n1,1\n2,2\n3,3\nthree,4\n5,5\n', 's.csv');
  assert.throws(() => fitEncoding(t, { target: ['y'] }), /s\.csv:5:1: "three" in column "x" is not a number/);
  assert.equal(fitEncoding(t, { target: ['y'], categorical: ['x'] }).features[0].type, 'category');
});

test('task inference and bad names', () => {
  const t = parseCsv('x,y,k\n1,0.5,a\n2,1.5,b\n3,2.5,c\n4,3.5,a\n', 't.csv');
  assert.equal(fitEncoding(t, { target: ['y'], features: ['x'] }).target.task, 'regression');
  assert.equal(fitEncoding(t, { target: ['k'], features: ['x'] }).target.task, 'multiclass');
  assert.throws(
    () => fitEncoding(t, { target: ['Y'] }),
    /no target column named "Y" \(did you mean "y"\?\); columns are: x, y, k/,
  );
  assert.throws(() => fitEncoding(t, { target: ['y'], features: ['x', 'q'] }), /no feature column named "q"/);
  assert.throws(() => fitEncoding(t, { target: ['k'], task: 'binary' }), /needs exactly 2 classes/);
  assert.throws(
    () => fitEncoding(t, { target: ['k'], task: 'regression' }),
    /t\.csv:2:\d+: target "k" is "a", not a number/,
  );
});

test('datasets: every name generates; seeded; seed-square is the seed experiment exactly', () => {
  for (const name of datasetNames) {
    const d = dataset(name);
    assert.ok(d.table.rows.length >= 4, name);
    assert.doesNotThrow(
      () => applyEncoding(fitEncoding(d.table, { target: d.target, task: d.task }), d.table),
      name,
    );
  }
  assert.deepEqual(dataset('moons', { seed: 3 }).table.rows, dataset('moons', { seed: 3 }).table.rows);
  assert.notDeepEqual(dataset('moons', { seed: 3 }).table.rows, dataset('moons', { seed: 4 }).table.rows);
  const sq = dataset('seed-square').table.rows;
  assert.equal(sq.length, 201);
  sq.forEach(([x, y], i) => {
    assert.equal(x, i / 200);
    assert.equal(y, (i / 200) * (i / 200));
  });
  assert.deepEqual(
    dataset('xor').table.rows.map((r) => r[2]),
    [0, 1, 1, 0],
  );
  assert.throws(() => dataset('nope'), OptionError);
  assert.throws(() => dataset('xor', { n: 10 }), /fixed set of 4 points/);
});

test('splitTable: seeded, disjoint, complete', () => {
  const t = dataset('sine').table;
  const { train, test: held } = splitTable(t, 0.25, 1);
  assert.equal(held.rows.length, 50);
  assert.equal(train.rows.length + held.rows.length, 200);
  assert.deepEqual(splitTable(t, 0.25, 1).test.rows, held.rows);
  const all = new Set([...train.rows, ...held.rows]);
  assert.equal(all.size, 200);
});
