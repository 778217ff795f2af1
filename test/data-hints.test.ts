// Readings that are right by the rules but likely not what the file means, said as warnings naming the
// column (userpass8: unseen data through the CLI): integer labels that one rare value makes a quantity,
// numbers kept as text by a placeholder word, dates written as YYYYMMDD numbers, a row number left out
// when the model then does worse than a constant, and an integer class never seen in training.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { applyEncoding, dataWarnings, fitEncoding, parseCsv } from '../src/data/index.js';
import { worseThanConstant } from '../src/cli/baseline-check.js';
import { readCsv, scratchDir, scratchnet } from './fixtures/cli.js';

function warningsOf(csv: string, target: string): string[] {
  const encoding = fitEncoding(parseCsv(csv, 'f.csv'), { target: [target] });
  return dataWarnings(encoding, applyEncoding(encoding, parseCsv(csv, 'f.csv')));
}

const table = (header: string, rows: string[]) => `${header}\n${rows.join('\n')}\n`;
/** a short run of the given network, quiet, no plots */
const quick = ['--no-search', '--epochs', '30', '--no-plots', '--progress', 'quiet'];

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
  const zips = Array.from({ length: 40 }, (_, i) => `${String(i * 997).padStart(5, '0')},${i / 2}`);
  assert.deepEqual(
    warningsOf(table('zip,spend', zips), 'spend'),
    [],
    'codes with leading zeros: text by their own note',
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
  const t = scratchnet(['train', '--data', 'temp.csv', '--target', 'temp', ...quick, '--out', 'm.json'], dir);
  assert.equal(t.code, 0, t.stderr);
  const e = scratchnet(['evaluate', '--model', 'm.json', '--data', 'test.csv'], dir);
  assert.equal(e.code, 2);
  assert.match(
    e.stderr,
    /class "4" is not one the model knows \(5, 6, 7, 8\); if the target is a quantity, not classes, train with --task regression\n$/,
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
  // a lognormal income's long tail goes past 10 IQR in a few rows, with no gap before them: not outliers
  let seed = 7;
  const uniform = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const incomes = Array.from(
    { length: 3000 },
    (_, i) => `${i},${Math.round(30000 * Math.exp(1.1 * normal()))}`,
  );
  const v = incomes.map((r) => Number(r.split(',')[1])).sort((a, b) => a - b);
  const q = (p: number) => v[Math.floor(p * (v.length - 1))];
  assert.ok(v.filter((t) => t > q(0.75) + 10 * (q(0.75) - q(0.25))).length > 0, 'the tail does pass 10 IQR');
  assert.deepEqual(warningsOf(table('x,income', incomes), 'income'), []);
});

test('counts with a long tail of values seen once are a quantity without a warning', () => {
  const rows = Array.from({ length: 400 }, (_, i) => `${i},${Math.floor(14 * (((i * 7) % 400) / 400) ** 2)}`);
  assert.deepEqual(warningsOf(table('x,claims', [...rows, '400,15']), 'claims'), []);
});

test('--not-na: a default missing spelling that is a value in this file (None: no damage) is a category, in train, predict and the exported module', async () => {
  const dir = scratchDir();
  const damage = ['None', 'Minor', 'None', 'Major', 'None'];
  const rows = Array.from({ length: 60 }, (_, i) => {
    const d = damage[i % 5];
    return `${i % 7},${d},${(i % 7) + (d === 'Major' ? 10 : d === 'Minor' ? 3 : 0)}`;
  });
  writeFileSync(join(dir, 'birds.csv'), table('size,damage,cost', rows));
  const refused = scratchnet(['train', '--data', 'birds.csv', '--target', 'cost', ...quick], dir);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /Read as missing: "None"; --not-na "None" reads such cells as values\n$/);
  const bang = scratchnet(
    ['train', '--data', 'birds.csv', '--target', 'cost', '--na-values', '!None', ...quick],
    dir,
  );
  assert.equal(bang.code, 2);
  assert.match(
    bang.stderr,
    /--na-values "!None": a spelling starting with "!" is not taken \(--not-na None reads None as a value\)/,
  );
  const other = scratchnet(
    ['train', '--data', 'birds.csv', '--target', 'cost', '--not-na', 'Minor', ...quick],
    dir,
  );
  assert.equal(other.code, 2);
  assert.match(other.stderr, /--not-na "Minor": not one of the spellings read as missing by default/);
  const both = scratchnet(
    ['train', '--data', 'birds.csv', '--target', 'cost', '--na-values', 'None', '--not-na', 'None', ...quick],
    dir,
  );
  assert.equal(both.code, 2);
  assert.match(both.stderr, /"None" is both in --na-values and in --not-na/);
  const t = scratchnet(
    ['train', '--data', 'birds.csv', '--target', 'cost', '--not-na', 'None', ...quick],
    dir,
  );
  assert.equal(t.code, 0, t.stderr);
  const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  assert.deepEqual(model.encoding.naValues, ['!None']);
  assert.deepEqual(model.encoding.features[1].categories, ['Major', 'Minor', 'None']);
  writeFileSync(join(dir, 'new.csv'), table('size,damage', ['3,']));
  const p = scratchnet(['predict', '--model', 'model.json', '--data', 'new.csv'], dir);
  assert.match(p.stdout, /missing/, 'an empty cell is still missing');
  writeFileSync(join(dir, 'new.csv'), table('size,damage', ['1,None', '2,Major']));
  const q = scratchnet(['predict', '--model', 'model.json', '--data', 'new.csv'], dir);
  assert.equal(q.code, 0, q.stderr);
  const predicted = readCsv(q.stdout).rows.map((r) => Number(r[2]));
  const e = scratchnet(['export', '--model', 'model.json', '--format', 'esm', '--out', 'birds.mjs'], dir);
  assert.equal(e.code, 0, e.stderr);
  const mod = (await import(pathToFileURL(join(dir, 'birds.mjs')).href)) as {
    predict(rows: Record<string, string>[]): number[];
  };
  assert.deepEqual(
    mod.predict([
      { size: '1', damage: 'None' },
      { size: '2', damage: 'Major' },
    ]),
    predicted,
  );
});
