// The exported ES module reads a text cell's number as training read it: the grammar of
// src/data/cells.ts (not JavaScript's Number: 0x10, 0b1, " 1e3 "…), in the training file's format
// (decimal commas, a --thousands separator) and with the model's --na-values; the same rows give the
// same predictions from `scratchnet predict` and from the module.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { numberText, readNumber, type DecimalMark, type ThousandsSeparator } from '../src/data/cells.js';
import { dateForms } from '../src/data/dates.js';
import { cellValue } from '../src/io/export/esm-runtime.js';
import { scratchDir, scratchnet } from './fixtures/cli.js';

const cells = [
  '1',
  ' 2 ',
  '-3.5',
  '+.5',
  '5.',
  '1e3',
  '1E-2',
  '1e999',
  '0x10',
  '0b11',
  '0o7',
  '1_000',
  '1,5',
  '1.5',
  '1.234,5',
  '1,234.5',
  '1 234,5',
  '1\u00a0234,5',
  '12%',
  '\u22121',
  '$5',
  '5 kg',
  'Infinity',
  '',
  ' ',
  'abc',
  '1,2,3',
  ',5',
  '1.234.567',
  "1'234",
  '1__0',
  '٣',
];
const formats: { decimal: DecimalMark; thousands?: ThousandsSeparator }[] = [
  { decimal: '.' },
  { decimal: ',' },
  { decimal: '.', thousands: ',' },
  { decimal: ',', thousands: '.' },
  { decimal: ',', thousands: ' ' },
  { decimal: '.', thousands: "'" },
  { decimal: '.', thousands: '_' },
];

test("the module's cellValue reads every text cell as readNumber does, in every number format", () => {
  const dates = dateForms();
  for (const format of formats)
    for (const cell of cells) {
      const r = readNumber(cell, format);
      const expected = r !== null && 'value' in r ? r.value : Number.NaN;
      assert.equal(
        cellValue('number', cell, undefined, dates, format),
        expected,
        `${JSON.stringify(cell)} ${JSON.stringify(format)}`,
      );
    }
  assert.equal(numberText('0x10', '.', undefined), null); // Number('0x10') is 16
  assert.equal(numberText('1,5', ',', undefined), 1.5);
});

test('predict and the exported module give the same predictions for the same text rows (decimal commas, thousands, --na-values)', async () => {
  const dir = scratchDir('scratchnet-esm-numbers-');
  const fmt = (v: number) => v.toFixed(2).replace('.', ',');
  const group = (v: number) => `${Math.floor(v / 1000)}.${String(Math.floor(v % 1000)).padStart(3, '0')},5`;
  const rows = Array.from({ length: 60 }, (_, i) => {
    const a = (i % 11) * 0.75;
    const b = 1000 + ((i * 37) % 50) * 100;
    return `${fmt(a)};${group(b)};${i === 5 ? 'unknown' : fmt((i * 7) % 5)};${fmt(2 * a + b / 1000)}`;
  });
  writeFileSync(join(dir, 'train.csv'), `a;b;c;y\n${rows.join('\n')}\n`);
  const newRows = ['1,25;2.345,5;3,5', '7,5;1.000,5;unknown', '0,1;9.999,5;0'];
  writeFileSync(join(dir, 'new.csv'), `a;b;c\n${newRows.join('\n')}\n`);
  const quick = ['--epochs', '20', '--no-plots', '--progress', 'quiet', '--no-search'];
  const t = scratchnet(
    [
      'train',
      '--data',
      'train.csv',
      '--target',
      'y',
      '--thousands',
      '.',
      '--na-values',
      'unknown',
      '--impute',
      'mean',
      ...quick,
    ],
    dir,
  );
  assert.equal(t.code, 0, t.stderr);
  const p = scratchnet(['predict', '--model', 'model.json', '--data', 'new.csv'], dir);
  assert.equal(p.code, 0, p.stderr);
  const predicted = p.stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Number(l.split(';')[3].replace(',', '.')));
  const e = scratchnet(['export', '--model', 'model.json', '--format', 'esm', '--out', 'predictor.mjs'], dir);
  assert.equal(e.code, 0, e.stderr);
  const mod = (await import(pathToFileURL(join(dir, 'predictor.mjs')).href)) as {
    predict(rows: Record<string, string>[]): number[];
  };
  const records = newRows.map((l) => {
    const [a, b, c] = l.split(';');
    return { a, b, c };
  });
  assert.deepEqual(mod.predict(records), predicted);
  assert.throws(
    () => mod.predict([{ a: '0x10', b: '1.000,5', c: '1' }]),
    /"0x10" in column "a" is not a number/,
  );
});
