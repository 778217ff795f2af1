// Readings that are right by the rules but likely not what the file means, said as warnings naming the
// column (userpass8: unseen data through the CLI): integer labels that one rare value makes a quantity,
// numbers kept as text by a placeholder word, dates written as YYYYMMDD numbers, a row number left out
// when the model then does worse than a constant, and an integer class never seen in training.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyEncoding, dataWarnings, fitEncoding, parseCsv } from '../src/data/index.js';
import { worseThanConstant } from '../src/cli/baseline-check.js';
import { scratchDir, scratchnet } from './fixtures/cli.js';

function warningsOf(csv: string, target: string): string[] {
  const encoding = fitEncoding(parseCsv(csv, 'f.csv'), { target: [target] });
  return dataWarnings(encoding, applyEncoding(encoding, parseCsv(csv, 'f.csv')));
}

const table = (header: string, rows: string[]) => `${header}\n${rows.join('\n')}\n`;

test('integer labels that one value seen once makes a quantity: a warning naming the value and --task multiclass', () => {
  const labels = Array.from({ length: 300 }, (_, i) => `${i % 7},${(i % 3) + 1}`);
  const common = table('x,label', [...labels, '7,2']);
  assert.deepEqual(warningsOf(common, 'label'), [], 'every value seen often: classes, nothing to say');
  const rare = table('x,label', [...labels, '7,4']);
  const encoding = fitEncoding(parseCsv(rare, 'f.csv'), { target: ['label'] });
  assert.equal(encoding.target.task, 'regression', 'the rule stands: a value seen once is not a class');
  const [w] = warningsOf(rare, 'label');
  assert.match(
    w,
    /^target "label" holds a few integers, read as a quantity \(regression\) because 4 is seen only once;.*--task multiclass/,
  );
  // a quantity: 16 weights, 14 of them seen once, is not labels with a rare class
  const weights = Array.from({ length: 16 }, (_, i) => `${i},${150 + (i < 4 ? 0 : i * 3)}`);
  assert.deepEqual(warningsOf(table('x,w', weights), 'w'), []);
});

test('a number column kept as text by a placeholder word: a warning with the --na-values that reads it', () => {
  const rows = Array.from(
    { length: 40 },
    (_, i) => `${i},${i % 3 ? 'not disclosed' : 1000 + i * 37},${i / 2}`,
  );
  const [w] = warningsOf(table('age,income,spend', rows), 'spend');
  assert.match(
    w,
    /^column "income" is read as text, 15 categories, but 14 of them are numbers: if "not disclosed" means a missing value, --na-values "not disclosed" reads the column as numbers$/,
  );
  const words = Array.from(
    { length: 40 },
    (_, i) => `${i},${['a', 'b', 'c', 'd'][i % 4]}${i % 2 ? '' : i},${i / 2}`,
  );
  assert.deepEqual(
    warningsOf(table('age,code,spend', words), 'spend'),
    [],
    'text with numbers inside is text',
  );
});

test('dates written as YYYYMMDD numbers: a warning showing the date as it would be read', () => {
  const day = (i: number) => new Date(Date.UTC(2019, 0, 1 + i * 11)).toISOString().slice(0, 10);
  const rows = Array.from({ length: 40 }, (_, i) => `${day(i).replaceAll('-', '')},${i}`);
  const [w] = warningsOf(table('ymd,y', rows), 'y');
  assert.match(
    w,
    /^column "ymd" holds dates written as numbers \(20190101\): .* written as 2019-01-01 they are read as dates$/,
  );
  // 8-digit numbers that are not all calendar days (20191332) are numbers
  const ids = rows.map((r, i) => (i === 5 ? '20191332,5' : r));
  assert.deepEqual(warningsOf(table('ymd,y', ids), 'y'), []);
});

test('a model worse than a constant names the columns left out as row numbers (a time index)', () => {
  const rows = Array.from({ length: 40 }, (_, i) => `${i + 1},${(i * 37) % 11},${i * 0.5}`);
  const encoding = fitEncoding(parseCsv(table('month_num,noise,co2', rows), 'f.csv'), { target: ['co2'] });
  assert.deepEqual(
    encoding.ignored?.map((c) => c.column),
    ['month_num'],
  );
  const metrics = {
    heldOut: { method: 'cross-validation', r2: -0.013 },
    baseline: { r2: -0.011 },
    linear: { r2: -0.013 },
  };
  assert.match(
    worseThanConstant(metrics, encoding) ?? '',
    /^the model is worse than a constant: cross-validated, r2 -0\.01300 against -0\.01100 .*Left out of the inputs as ids or row numbers: "month_num"; if one is a real input \(a time index\), --keep-ids keeps it$/,
  );
  const kept = fitEncoding(parseCsv(table('month_num,noise,co2', rows), 'f.csv'), {
    target: ['co2'],
    identifiers: 'keep',
  });
  assert.doesNotMatch(worseThanConstant(metrics, kept) ?? '', /Left out/);
  assert.equal(
    worseThanConstant({ ...metrics, heldOut: { method: 'cross-validation', r2: 0.9 } }, encoding),
    null,
  );
});

test('an integer class never seen in training: the error says integer targets were read as classes and how to train a quantity', () => {
  const dir = scratchDir();
  const rows = Array.from({ length: 60 }, (_, i) => `${i},${5 + (i % 4)}`);
  writeFileSync(join(dir, 'temp.csv'), table('x,temp', rows));
  writeFileSync(join(dir, 'test.csv'), table('x,temp', ['1,4']));
  const t = scratchnet(
    [
      'train',
      '--data',
      'temp.csv',
      '--target',
      'temp',
      '--no-search',
      '--epochs',
      '5',
      '--no-plots',
      '--progress',
      'quiet',
      '--out',
      'm.json',
    ],
    dir,
  );
  assert.equal(t.code, 0, t.stderr);
  const e = scratchnet(['evaluate', '--model', 'm.json', '--data', 'test.csv'], dir);
  assert.equal(e.code, 2);
  assert.match(
    e.stderr,
    /class "4" is not one the model knows \(5, 6, 7, 8\); integer targets with few values are read as classes: if this one is a quantity, train with --task regression\n$/,
  );
});

test('a few target values far from the others: a warning naming them and --loss huber; a skewed target is not', () => {
  const rows = Array.from(
    { length: 200 },
    (_, i) => `${i},${((i * 37) % 19) / 10 + (i % 100 === 7 ? 1000 : 0)}`,
  );
  const [w] = warningsOf(table('x,y', rows), 'y');
  assert.match(
    w,
    /^target "y" has 2 values far from the others \(1000\.\d+, .*\): squared error .*--loss huber$/,
  );
  const skewed = Array.from({ length: 200 }, (_, i) => `${i},${Math.exp(i / 40).toFixed(3)}`);
  assert.deepEqual(warningsOf(table('x,y', skewed), 'y'), []);
});

test('counts with a long tail of values seen once are a quantity without a warning', () => {
  const rows = Array.from({ length: 400 }, (_, i) => `${i},${Math.floor(14 * (((i * 7) % 400) / 400) ** 2)}`);
  assert.deepEqual(warningsOf(table('x,claims', [...rows, '400,15']), 'claims'), []);
});
