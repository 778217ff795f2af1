// Summary rows at the end of a spreadsheet export ("Total", "Sum", "Average", or unlabelled sums) are
// left out with a note naming the line and why; data rows that only look alike are kept.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readBlocks } from '../src/cli/files.js';
import { cellLocation, parseCsv, rowCells, rowCount } from '../src/data/index.js';
import { summaryRows, withoutSummaryRows } from '../src/data/summary-rows.js';
import { scratchDir, scratchnet } from './fixtures/cli.js';

/** 12 data rows name,a,b,y (a and b vary, y = 2a + b) and their sums, as a spreadsheet would total them. */
const data = Array.from({ length: 12 }, (_, i) => {
  const a = Math.round(((i * 7) % 10) * 1.25 * 100) / 100;
  const b = (i * 3) % 5;
  return { name: `item${i + 1}`, a, b, y: 2 * a + b };
});
const sum = (k: 'a' | 'b' | 'y') => Math.round(data.reduce((s, r) => s + r[k], 0) * 100) / 100;
const mean = (k: 'a' | 'b' | 'y') => (sum(k) / data.length).toFixed(2);
const body = data.map((r) => `${r.name},${r.a},${r.b},${r.y}`).join('\n');
const csv = (tail: string) => parseCsv(`name,a,b,y\n${body}\n${tail}`, 'sheet.csv');

test('a trailing "Total" row of column sums is left out, with a note naming its line and why', () => {
  const table = withoutSummaryRows(csv(`Total,${sum('a')},${sum('b')},${sum('y')}\n`));
  assert.equal(rowCount(table), 12);
  assert.equal(table.notes?.length, 1);
  assert.match(
    table.notes?.[0] ?? '',
    /^sheet\.csv:14: left out a summary row, not data: "Total" in column "name"/,
  );
  assert.match(table.notes?.[0] ?? '', /"a" the sum \(\d+(\.\d+)?\)/);
});

test('labels in other words and cases, a mean row, two summary rows, blank cells in the total', () => {
  for (const label of ['TOTAL', 'Grand total:', 'Sum', 'Summe', 'subtotal'])
    assert.equal(summaryRows(csv(`${label},${sum('a')},,${sum('y')}\n`)).length, 1, label);
  assert.equal(summaryRows(csv(`Average,${mean('a')},${mean('b')},${mean('y')}\n`)).length, 1);
  const two = withoutSummaryRows(
    csv(`Total,${sum('a')},${sum('b')},${sum('y')}\nAverage,${mean('a')},${mean('b')},${mean('y')}\n`),
  );
  assert.equal(rowCount(two), 12);
  assert.deepEqual(
    two.notes?.map((n) => /^sheet\.csv:(\d+)/.exec(n)?.[1]),
    ['14', '15'],
  );
});

test('an unlabelled row of column sums is left out; a "Summe" row in a decimal-comma file too', () => {
  const table = withoutSummaryRows(csv(`,${sum('a')},${sum('b')},${sum('y')}\n`));
  assert.equal(rowCount(table), 12);
  assert.match(table.notes?.[0] ?? '', /no label/);
  const eu2 = parseCsv(
    `k;a;y\n${data.map((r) => `${r.name};${String(r.a).replace('.', ',')};${String(r.y).replace('.', ',')}`).join('\n')}\nSumme;${String(sum('a')).replace('.', ',')};${String(sum('y')).replace('.', ',')}\n`,
    'eu.csv',
  );
  assert.equal(withoutSummaryRows(eu2).notes?.filter((n) => /summary row/.test(n)).length, 1);
});

test('data rows that only look alike are kept', () => {
  // a last item with an ordinary name; "Total" whose numbers are no aggregate; a row at the means
  // without a label; a row of sums in one column only
  for (const tail of [
    `item13,1.5,2,5`,
    `Total,1.5,2,5`,
    `,${mean('a')},${mean('b')},${mean('y')}`,
    `item13,${sum('a')},2,5`,
  ]) {
    const table = csv(`${tail}\n`);
    assert.equal(summaryRows(table).length, 0, tail);
    assert.equal(rowCount(withoutSummaryRows(table)), 13, tail);
  }
});

test('train leaves the total row out, says so, and --json lists the note', () => {
  const dir = scratchDir('scratchnet-summary-');
  writeFileSync(join(dir, 'sheet.csv'), `name,a,b,y\n${body}\nTotal,${sum('a')},${sum('b')},${sum('y')}\n`);
  const quick = ['--epochs', '3', '--no-plots', '--progress', 'quiet', '--no-search', '--json'];
  const r = scratchnet(['train', '--data', 'sheet.csv', '--target', 'y', '--out', 'm.json', ...quick], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /note: sheet\.csv:14: left out a summary row/);
  const summary = JSON.parse(r.stdout);
  assert.ok(summary.notes.some((n: string) => /sheet\.csv:14: left out a summary row/.test(n)));
  assert.equal(JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')).data.rows, 12);
});

test('readBlocks hands every row over once, in order, block boundaries or not; leaves a labelled total out', () => {
  const dir = scratchDir('scratchnet-summary-blocks-');
  const seen = (file: string, blockRows: number, summary: 'leave out' | 'keep') => {
    const rows: string[] = [];
    const firsts: number[] = [];
    const read = readBlocks(
      join(dir, file),
      { summaryRows: summary },
      (table, first) => {
        assert.equal(first, rows.length, 'first: the index of the block’s first row');
        firsts.push(first);
        for (let r = 0; r < rowCount(table); r++)
          rows.push(`${rowCells(table, r).join(',')}@${cellLocation(table, r).replace(/^.*\.csv/, '')}`);
      },
      () => {
        rows.length = 0;
      },
      blockRows,
    );
    return { rows, read };
  };
  writeFileSync(join(dir, 'plain.csv'), `name,a,b,y\n${body}\n`);
  writeFileSync(join(dir, 'total.csv'), `name,a,b,y\n${body}\nTotal,${sum('a')},${sum('b')},${sum('y')}\n`);
  const expected = seen('plain.csv', 1000, 'keep').rows;
  assert.equal(expected.length, 12);
  for (const blockRows of [1, 2, 3, 4, 5, 12, 1000]) {
    assert.deepEqual(
      seen('plain.csv', blockRows, 'leave out').rows,
      expected,
      `plain, blocks of ${blockRows}`,
    );
    const t = seen('total.csv', blockRows, 'leave out');
    assert.deepEqual(t.rows, expected, `total, blocks of ${blockRows}`);
    assert.equal(t.read.rows, 12);
    assert.match(t.read.notes.join('\n'), /total\.csv:14: left out a summary row/);
    assert.equal(seen('total.csv', blockRows, 'keep').rows.length, 13);
  }
});

test('evaluate and predict leave the total row out and say so (evaluate scored it as data before)', () => {
  const dir = scratchDir('scratchnet-summary-eval-');
  writeFileSync(join(dir, 'train.csv'), `name,a,b,y\n${body}\n`);
  writeFileSync(join(dir, 'sheet.csv'), `name,a,b,y\n${body}\nTotal,${sum('a')},${sum('b')},${sum('y')}\n`);
  const quick = ['--epochs', '3', '--no-plots', '--progress', 'quiet', '--no-search'];
  assert.equal(
    scratchnet(['train', '--data', 'train.csv', '--target', 'y', '--out', 'm.json', ...quick], dir).code,
    0,
  );
  const plain = scratchnet(['evaluate', '--model', 'm.json', '--data', 'train.csv', '--json'], dir);
  const e = scratchnet(['evaluate', '--model', 'm.json', '--data', 'sheet.csv', '--json'], dir);
  assert.equal(e.code, 0, e.stderr);
  const [a, b] = [JSON.parse(plain.stdout), JSON.parse(e.stdout)];
  assert.deepEqual(b.metrics, a.metrics);
  assert.match(e.stderr + e.stdout, /sheet\.csv:14: left out a summary row/);
  const p = scratchnet(['predict', '--model', 'm.json', '--data', 'sheet.csv'], dir);
  assert.equal(p.code, 0, p.stderr);
  assert.equal(p.stdout.trim().split('\n').length, 13, 'the header and the 12 data rows');
  assert.match(p.stderr, /sheet\.csv:14: left out a summary row/);
});
