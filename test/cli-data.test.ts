// No silent row loss and no silent guess across train → predict → evaluate: rows left out are
// counted with why, predict writes one row per input row, unseen categories follow --unknown, hints
// name only options the command has, outputs never overwrite inputs or collide with their columns.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MAX_MESSAGE, userMessage } from '../src/cli/errors.js';
import { parseCsv } from '../src/index.js';
import { scratchDir, scratchnet } from './fixtures/cli.js';

const dir = scratchDir('scratchnet-data-');
const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), name);
const quick = ['--epochs', '5', '--no-plots', '--progress', 'quiet'];

// 30 rows: x numeric, c text, y = 2x (+1 for c = b); row 7 misses x, row 12 misses y
const lines = Array.from({ length: 30 }, (_, i) => {
  const c = i % 3 === 0 ? 'b' : 'a';
  return `${i === 7 ? '' : i},${c},${i === 12 ? 'NA' : 2 * i + (c === 'b' ? 1 : 0)}`;
});
write('train.csv', `x,c,y\n${lines.join('\n')}\n`);
write('new.csv', 'x,c\n1,a\n,b\n3,a\n4,\n5,b\n');

test('train --drop-missing reports the rows left out and why; the model keeps the file name, not its path', () => {
  const r = scratchnet(
    [
      'train',
      '--data',
      join(dir, 'train.csv'),
      '--target',
      'y',
      '--drop-missing',
      '--out',
      'drop.json',
      ...quick,
    ],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /note: .*train\.csv: left out 2 of 30 rows with missing values: x \(1 row\), target y \(1 row\)/,
  );
  const model = JSON.parse(readFileSync(join(dir, 'drop.json'), 'utf8'));
  assert.equal(model.data.file, 'train.csv');
  assert.equal(model.data.source, 'train.csv');
  assert.equal(model.data.rows, 28);
  assert.match(model.data.fingerprint, /^[0-9a-f]{8}$/);
  assert.doesNotMatch(
    readFileSync(join(dir, 'drop.json'), 'utf8'),
    new RegExp(dir.replace(/[/\\^$.*+?()[\]{}|]/g, '\\$&')),
  );
});

test('predict writes one row per input row: empty prediction and a reason for rows it cannot score', () => {
  const r = scratchnet(['predict', '--model', 'drop.json', '--data', 'new.csv'], dir);
  assert.equal(r.code, 0, r.stderr);
  const out = parseCsv(r.stdout, 'out.csv');
  assert.deepEqual(out.columns, ['x', 'c', 'predicted_y', 'prediction_note']);
  assert.equal(out.rows.length, 5);
  assert.deepEqual(
    out.rows.map((row) => row[3]),
    ['', 'missing x', '', 'missing c', ''],
  );
  assert.deepEqual(
    out.rows.map((row) => row[2] === ''),
    [false, true, false, true, false],
  );
  assert.match(
    r.stderr,
    /note: new\.csv: no prediction for 2 of 5 rows with missing values: x \(1 row\), c \(1 row\)/,
  );
  // --drop-missing at predict time leaves them out, and says so
  const d = scratchnet(['predict', '--model', 'drop.json', '--data', 'new.csv', '--drop-missing'], dir);
  assert.equal(d.code, 0, d.stderr);
  assert.equal(parseCsv(d.stdout, 'out.csv').rows.length, 3);
  assert.match(d.stderr, /note: new\.csv: left out 2 of 5 rows with missing values/);
});

test('evaluate reports the rows used and the rows left out (text and JSON)', () => {
  const t = scratchnet(['evaluate', '--model', 'drop.json', '--data', 'train.csv'], dir);
  assert.equal(t.code, 0, t.stderr);
  assert.match(
    t.stdout,
    /^train\.csv: 28 rows used, 2 left out, regression on y\nnote: train\.csv: left out 2 of 30 rows/,
  );
  const j = scratchnet(['evaluate', '--model', 'drop.json', '--data', 'train.csv', '--json'], dir);
  const e = JSON.parse(j.stdout);
  assert.equal(e.rows, 28);
  assert.equal(e.rowsLeftOut, 2);
});

test('--impute and --drop-missing combine: inputs filled, rows missing the target left out', () => {
  const alone = scratchnet(
    ['train', '--data', 'train.csv', '--target', 'y', '--impute', 'mean', '--out', 'm.json', ...quick],
    dir,
  );
  assert.equal(alone.code, 2);
  assert.match(alone.stderr, /train\.csv:14:\d+ \(y\)\. --impute mean fills inputs only: add --drop-missing/);
  const r = scratchnet(
    [
      'train',
      '--data',
      'train.csv',
      '--target',
      'y',
      '--impute',
      'mean',
      '--drop-missing',
      '--out',
      'both.json',
      ...quick,
    ],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /left out 1 of 30 rows with missing values: target y \(1 row\)/);
  assert.match(
    r.stderr,
    /note: train\.csv: --impute mean filled 1 missing cell: column "x" 1 with 14\.\d+ \(its mean\), written empty;/,
  );
  const model = JSON.parse(readFileSync(join(dir, 'both.json'), 'utf8'));
  assert.equal(model.data.rows, 29);
  assert.equal(model.encoding.missing, 'mean');
  assert.equal(model.encoding.missingTarget, 'drop');
  assert.equal(typeof model.encoding.features[0].fill, 'number');
  // predict fills missing inputs: every row scored
  const p = scratchnet(['predict', '--model', 'both.json', '--data', 'new.csv'], dir);
  assert.equal(p.code, 0, p.stderr);
  const out = parseCsv(p.stdout, 'out.csv');
  assert.deepEqual(out.columns, ['x', 'c', 'predicted_y']);
  assert.ok(out.rows.every((row) => row[2] !== ''));
});

test('evaluate: a missing-values hint names only its own options', () => {
  const m = scratchnet(
    ['train', '--data', 'train.csv', '--target', 'y', '--features', 'c', '--out', 'c.json', ...quick],
    dir,
  );
  assert.equal(m.code, 2, 'y has a missing cell');
  assert.match(m.stderr, /Pass --drop-missing to leave those rows out, or --impute mean to fill them/);
  write('full.csv', 'x,c,y\n1,a,2\n2,b,5\n3,a,6\n4,b,9\n');
  assert.equal(
    scratchnet(['train', '--data', 'full.csv', '--target', 'y', '--out', 'full.json', ...quick], dir).code,
    0,
  );
  const e = scratchnet(['evaluate', '--model', 'full.json', '--data', 'train.csv'], dir);
  assert.equal(e.code, 2);
  assert.match(e.stderr, /Pass --drop-missing to leave those rows out\n$/);
  assert.doesNotMatch(e.stderr, /--impute/);
});

test('--unknown ignore (saved in the model) encodes an unseen category as zeros and counts it', () => {
  write('cities.csv', 'x,city,y\n1,Lyon,2\n2,Paris,4\n3,Nantes,6\n4,Lyon,8\n');
  write('newcity.csv', 'x,city\n1,Nice\n2,Lyon\n3,Nice\n');
  const r = scratchnet(
    ['train', '--data', 'cities.csv', '--target', 'y', '--unknown', 'ignore', '--out', 'ign.json', ...quick],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(join(dir, 'ign.json'), 'utf8')).encoding.unknown, 'ignore');
  const p = scratchnet(['predict', '--model', 'ign.json', '--data', 'newcity.csv'], dir);
  assert.equal(p.code, 0, p.stderr);
  assert.equal(parseCsv(p.stdout, 'p.csv').rows.length, 3);
  assert.match(
    p.stderr,
    /note: newcity\.csv: 2 cells of column "city" hold categories unseen in training, encoded as all zeros \(--unknown ignore\): "Nice"/,
  );
  // the default stops, naming the cell
  assert.equal(
    scratchnet(['train', '--data', 'cities.csv', '--target', 'y', '--out', 'err.json', ...quick], dir).code,
    0,
  );
  const e = scratchnet(['predict', '--model', 'err.json', '--data', 'newcity.csv'], dir);
  assert.equal(e.code, 2);
  assert.match(
    e.stderr,
    /^scratchnet: newcity\.csv:2:3: "Nice" in column "city" is a category the model never saw; known: Lyon, Nantes, Paris; --unknown ignore encodes unseen ones as zeros\n$/,
  );
  // predict and evaluate --unknown override the model's policy, with the same note
  const q = scratchnet(
    ['predict', '--model', 'err.json', '--data', 'newcity.csv', '--unknown', 'ignore'],
    dir,
  );
  assert.equal(q.code, 0, q.stderr);
  assert.equal(parseCsv(q.stdout, 'q.csv').rows.length, 3);
  assert.match(q.stderr, /2 cells of column "city" hold categories unseen in training, encoded as all zeros/);
  const v = scratchnet(
    [
      'evaluate',
      '--model',
      'err.json',
      '--data',
      write('newcity-y.csv', 'x,city,y\n1,Nice,2\n2,Lyon,3\n3,Nice,4\n'),
      '--unknown',
      'ignore',
    ],
    dir,
  );
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stderr + v.stdout, /unseen in training/);
  assert.equal(scratchnet(['evaluate', '--model', 'err.json', '--data', 'newcity-y.csv'], dir).code, 2);
});

test('a long list of known categories is shortened', () => {
  write(
    'many.csv',
    `k,y\n${Array.from({ length: 40 }, (_, i) => `name${String(i).padStart(2, '0')},${i}`).join('\n')}\n`,
  );
  write('other.csv', 'k\nnobody\n');
  assert.equal(
    scratchnet(['train', '--data', 'many.csv', '--target', 'y', '--out', 'many.json', ...quick], dir).code,
    0,
  );
  const e = scratchnet(['predict', '--model', 'many.json', '--data', 'other.csv'], dir);
  assert.equal(e.code, 2);
  assert.match(e.stderr, /known: name00, name01, .*, name09, … 30 more; --unknown ignore/);
});

test('outputs never overwrite an input, and never collide with input columns', () => {
  const before = readFileSync(join(dir, 'train.csv'), 'utf8');
  const t = scratchnet(
    ['train', '--data', 'train.csv', '--target', 'y', '--drop-missing', '--out', './train.csv', ...quick],
    dir,
  );
  assert.equal(t.code, 2);
  assert.equal(
    t.stderr,
    'scratchnet: --out ./train.csv is the --data file: writing there would overwrite it; choose another --out\n',
  );
  assert.equal(readFileSync(join(dir, 'train.csv'), 'utf8'), before);
  const p = scratchnet(['predict', '--model', 'drop.json', '--data', 'new.csv', '--out', 'drop.json'], dir);
  assert.equal(p.code, 2);
  assert.match(p.stderr, /--out drop\.json is the --model file/);
  write('clash.csv', 'x,c,predicted_y\n1,a,9\n2,b,8\n');
  const c = scratchnet(['predict', '--model', 'drop.json', '--data', 'clash.csv'], dir);
  assert.equal(c.code, 0, c.stderr);
  assert.deepEqual(parseCsv(c.stdout, 'c.csv').columns, ['x', 'c', 'predicted_y', 'predicted_y_2']);
  assert.match(
    c.stderr,
    /clash\.csv already has a column "predicted_y": the output calls it "predicted_y_2"/,
  );
});

test('R² of a constant target is reported as undefined, not as a number', () => {
  write('flat.csv', 'x,y\n1,5\n2,5\n3,5\n');
  const t = scratchnet(['train', '--data', 'flat.csv', '--target', 'y', '--out', 'flat.json', ...quick], dir);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /r2 +undefined \(target y has the same value in every row/);
  const e = JSON.parse(
    scratchnet(['evaluate', '--model', 'flat.json', '--data', 'flat.csv', '--json'], dir).stdout,
  );
  assert.equal(e.r2, null);
  assert.match(e.undefined.r2, /same value in every row/);
});

test('a user message is one line of at most MAX_MESSAGE characters, whatever the error holds', () => {
  const m = userMessage(new Error(`error: first\n  second ${'x'.repeat(10_000)}`));
  assert.ok(m.startsWith('first second xxx'));
  assert.ok(m.length < MAX_MESSAGE + 40, String(m.length));
  assert.match(m, /… \(8,\d{3} more characters\)$/);
});

test('a column name with a comma: named in double quotes in --target, --features, --categorical; the error shows the names quoted and says how', async () => {
  const { list } = await import('../src/cli/options.js');
  assert.deepEqual(list('a, b ,c'), ['a', 'b', 'c']);
  assert.deepEqual(list('"Price, USD",height'), ['Price, USD', 'height']);
  assert.deepEqual(list('x,"say ""hi"", ok" '), ['x', 'say "hi", ok']);
  assert.throws(() => list('"open'), /not closed/);
  assert.throws(() => list('a,,b'), /without empty items/);
  assert.throws(() => list('"a"b'), /expected a comma after the quoted item "a"/);
  const rows = Array.from({ length: 24 }, (_, i) => `${60 + i},${150 + i},${(60 + i) * 2}`);
  write('comma.csv', `"Weight, kg",height,"Price, USD"\n${rows.join('\n')}\n`);
  const bad = scratchnet(['train', '--data', 'comma.csv', '--target', 'Price, USD', ...quick], dir);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /columns are: "Weight, kg", height, "Price, USD"; a name with a comma is given in double quotes: --target '"Price, USD"'/,
  );
  const r = scratchnet(
    [
      'train',
      '--data',
      'comma.csv',
      '--target',
      '"Price, USD"',
      '--features',
      '"Weight, kg"',
      '--out',
      'comma.json',
      ...quick,
    ],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
  const model = JSON.parse(readFileSync(join(dir, 'comma.json'), 'utf8'));
  assert.deepEqual(model.encoding.target.columns, ['Price, USD']);
  assert.deepEqual(
    model.encoding.features.map((f: { name: string }) => f.name),
    ['Weight, kg'],
  );
});
