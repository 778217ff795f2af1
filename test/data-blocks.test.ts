// predict and evaluate read a file in blocks: rows with missing cells are counted and located over the
// whole file (not the block where the first one sits), and rows left out are kept as a bounded tally.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyEncoding, BlockReport, fitEncoding, parseCsv, selectRows } from '../src/index.js';
import { scratchDir, scratchnet } from './fixtures/cli.js';

const rows = (n: number, holes: Set<number>) =>
  Array.from({ length: n }, (_, i) => `${holes.has(i) ? '' : i % 7},${(i * 3) % 11},${i % 5}`);

test('BlockReport: missing cells under the error policy counted over every block, first places kept', () => {
  const table = parseCsv(
    `a,b,y\n${rows(40, new Set([3, 17, 25, 31, 33, 35, 37, 39])).join('\n')}\n`,
    'f.csv',
  );
  const encoding = fitEncoding(selectRows(table, [0, 1, 2, 4, 5, 6, 7, 8]), {
    target: ['y'],
    task: 'regression',
  });
  const report = new BlockReport();
  for (let first = 0; first < 40; first += 10) {
    const block = selectRows(
      table,
      Array.from({ length: 10 }, (_, i) => first + i),
    );
    report.add(applyEncoding(encoding, block, { collectMissing: true, allowEmpty: true }), block);
  }
  assert.equal(report.stops.rows, 8);
  assert.throws(
    () => report.throwStops('f.csv', 'Pass --drop-missing'),
    /^DataError: f\.csv: 8 rows have missing values: f\.csv:5:1 \(a\); f\.csv:19:1 \(a\); f\.csv:27:1 \(a\); f\.csv:33:1 \(a\); f\.csv:35:1 \(a\); f\.csv:37:1 \(a\); and 2 more\. Pass --drop-missing$/,
  );
  // the same blocks, rows left out instead: a tally with the first six places, whatever the count
  const dropped = new BlockReport();
  for (let first = 0; first < 40; first += 10) {
    const block = selectRows(
      table,
      Array.from({ length: 10 }, (_, i) => first + i),
    );
    dropped.add(applyEncoding(encoding, block, { missing: 'drop', allowEmpty: true }), block);
  }
  assert.equal(dropped.left.rows, 8);
  assert.equal(dropped.left.first.length, 6);
  assert.equal(
    dropped.left.describe(40),
    'left out 8 of 40 rows with missing values: a (8 rows); first at f.csv:5, f.csv:19, f.csv:27, f.csv:33, f.csv:35, f.csv:37',
  );
});

test('evaluate on a file of several blocks: the missing-values error counts every row, at its line', () => {
  const dir = scratchDir('scratchnet-blocks-');
  writeFileSync(join(dir, 'train.csv'), `a,b,y\n${rows(60, new Set()).join('\n')}\n`);
  writeFileSync(join(dir, 'big.csv'), `a,b,y\n${rows(20_000, new Set([5, 16_500, 19_999])).join('\n')}\n`);
  const t = scratchnet(
    ['train', '--data', 'train.csv', '--target', 'y', '--epochs', '2', '--no-plots', '--progress', 'quiet'],
    dir,
  );
  assert.equal(t.code, 0, t.stderr);
  const e = scratchnet(['evaluate', '--model', 'model.json', '--data', 'big.csv', '--json'], dir);
  assert.equal(e.code, 2, e.stderr);
  assert.equal(
    e.stderr,
    'scratchnet: big.csv: 3 rows have missing values: big.csv:7:1 (a); big.csv:16502:1 (a); big.csv:20001:1 (a). Pass --drop-missing to leave those rows out\n',
  );
  const d = scratchnet(['evaluate', '--model', 'model.json', '--data', 'big.csv', '--drop-missing'], dir);
  assert.equal(d.code, 0, d.stderr);
  assert.match(
    d.stdout,
    /note: big\.csv: left out 3 of 20,000 rows with missing values: a \(3 rows\); at big\.csv:7, big\.csv:16502, big\.csv:20001\n/,
  );
});
