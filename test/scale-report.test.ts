// Reports and headers that scale: hundreds or a thousand classes train, evaluate and report without a
// crash (the confusion matrix summarized beyond CONFUSION_SHOWN classes); wide headers parse in linear time.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONFUSION_SHOWN, formatEvaluation } from '../src/cli/evaluation.js';
import { parseCsv } from '../src/data/index.js';
import { scratchDir, scratchnet, scratchnetAsync, scratchnetWithinCpu } from './fixtures/cli.js';

const dir = scratchDir('scratchnet-scale-report-');

test('400 classes: the text report is a summary with the largest confusions', () => {
  const K = 400;
  const classes = Array.from({ length: K }, (_, k) => `class${k}`);
  const counts = classes.map((_, a) => classes.map((_, p) => (p === a ? 5 : p === (a + 1) % K ? a % 3 : 0)));
  counts[7] = counts[7].map(() => 0); // a class absent from these rows
  const text = formatEvaluation({ rows: 1, metrics: { accuracy: 0.5 }, confusion: { classes, counts } });
  const lines = text.split('\n');
  assert.ok(lines.length < 20, `${lines.length} lines`);
  assert.match(text, /confusion matrix: 400 classes, too many to show \(--json gives it whole\)/);
  assert.match(text, /399 classes occur here: 134 always predicted right, 0 never/);
  assert.match(text, /the 10 largest confusions \(actual → predicted: rows\):\n {4}class2 → class3: 2\n/);
  // up to CONFUSION_SHOWN classes, the whole matrix as before
  const few = classes.slice(0, CONFUSION_SHOWN);
  const small = formatEvaluation({
    rows: 1,
    metrics: {},
    confusion: { classes: few, counts: few.map((_, a) => few.map((_, p) => (a === p ? 1 : 0))) },
  });
  assert.equal(small.split('\n').length, 1 + 2 + CONFUSION_SHOWN);
});

test('1,000 classes train, evaluate and report through the CLI without a crash', async () => {
  let csv = 'a,b,label\n';
  for (let i = 0; i < 3000; i++) {
    const k = i % 1000;
    csv += `${(k / 1000).toFixed(4)},${((k % 37) / 37).toFixed(4)},k${k}\n`;
  }
  writeFileSync(join(dir, 'k1000.csv'), csv);
  // ~36 s of CPU (1,000 output units), minutes of wall time on a loaded machine: limited by CPU time
  const train = await scratchnetWithinCpu(
    [
      'train',
      '--data',
      'k1000.csv',
      '--target',
      'label',
      '--epochs',
      '1',
      '--out',
      'k.json',
      '--progress',
      'quiet',
    ],
    dir,
    110,
  );
  assert.equal(train.code, 0, train.stderr);
  assert.match(train.stdout, /confusion matrix: 1,000 classes, too many to show/);
  const evaluation = scratchnet(['evaluate', '--model', 'k.json', '--data', 'k1000.csv'], dir, 300_000);
  assert.equal(evaluation.code, 0, evaluation.stderr);
  assert.match(evaluation.stdout, /1,000 classes occur here: \d+ always predicted right/);
  // 1,000² counts: more than spawnSync's 1 MB of output
  const json = await scratchnetAsync(
    ['evaluate', '--model', 'k.json', '--data', 'k1000.csv', '--json'],
    dir,
    300_000,
  );
  assert.equal(json.code, 0, json.stderr);
  const counts = JSON.parse(json.stdout).confusion.counts as number[][];
  assert.equal(counts.length, 1000);
  assert.equal(
    counts.reduce((s, row) => s + row.reduce((t, n) => t + n, 0), 0),
    3000,
  );
});

/** A CSV with `n` numbered columns and two rows. */
function wide(n: number): string {
  const header = Array.from({ length: n }, (_, j) => `c${j}`).join(',');
  const row = Array.from({ length: n }, (_, j) => j % 7).join(',');
  return `${header}\n${row}\n${row}\n`;
}

test('headers: 100,000 columns parse fast, 1,000,000 without a hang; a duplicate is still found', () => {
  const text = wide(100_000);
  let start = performance.now();
  assert.equal(parseCsv(text, 'w.csv').columns.length, 100_000);
  const ms100k = performance.now() - start;
  assert.ok(ms100k < 2000, `100k columns: ${ms100k.toFixed(0)} ms`);
  start = performance.now();
  assert.equal(parseCsv(wide(1_000_000), 'w.csv').columns.length, 1_000_000);
  const ms1m = performance.now() - start;
  assert.ok(ms1m < 20_000, `1M columns: ${ms1m.toFixed(0)} ms`);
  const duplicate = text.replace('c99998,', 'c5,');
  assert.throws(() => parseCsv(duplicate, 'w.csv'), {
    message: /^w\.csv:1:\d+: column name "c5" appears twice \(columns 6 and 99999\)$/,
  });
});
