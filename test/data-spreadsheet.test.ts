// Files as spreadsheets and the web write them, through the CLI: predict writes its output as the
// input was read (a European ';' file with decimal commas, a tab file), thousands separators get the
// exact flags that read them, Excel's "Unicode text" (UTF-16 with a byte-order mark) is read.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCsv } from '../src/index.js';
import { displayWidth, padEndWidth, padStartWidth } from '../src/data/display-width.js';
import { scratchDir, scratchnetAsync } from './fixtures/cli.js';

const dir = scratchDir('scratchnet-sheet-');
const quiet = ['--no-plots', '--progress', 'quiet', '--no-search', '--epochs', '2'];
const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');

/** `train` on `file` (target y) into `model`, then `predict` with it on the same file and `extra`: both must succeed. */
async function trainThenPredict(file: string, model: string, extra: string[] = []) {
  const t = await scratchnetAsync(['train', '--data', file, '--target', 'y', '--out', model, ...quiet], dir);
  assert.equal(t.code, 0, t.stderr);
  const p = await scratchnetAsync(['predict', '--model', model, '--data', file, ...extra], dir);
  assert.equal(p.code, 0, p.stderr);
  return p;
}

test('predict on a ";" file with decimal commas writes ";" and decimal commas, and says so', async () => {
  writeFileSync(
    join(dir, 'eu.csv'),
    `x;k;y\n${rows(30, (i) => `${i},5;${i % 2 ? 'a' : '"b;c"'};${i % 7},25`)}\n`,
  );
  const p = await trainThenPredict('eu.csv', 'eu.json', ['--out', 'eu-p.csv']);
  assert.match(
    p.stderr,
    /wrote 30 rows \(30 predictions\) to eu-p\.csv \(";"-separated with decimal commas, as eu\.csv\)/,
  );
  const text = readFileSync(join(dir, 'eu-p.csv'), 'utf8');
  assert.match(text, /^x;k;y;predicted_y\n0,5;"b;c";0,25;-?\d+,\d+(e-?\d+)?\n1,5;a;1,25;/);
  // it reads back as it was written: the same predictions, as numbers
  const back = parseCsv(text, 'eu-p.csv');
  assert.equal(back.decimal, ',');
  assert.equal(back.rows.length, 30);
  assert.deepEqual(back.rows[1].slice(0, 3), ['1,5', 'a', '1,25']);
  // to stdout: the same text, and a note on stderr
  const s = await scratchnetAsync(['predict', '--model', 'eu.json', '--data', 'eu.csv'], dir);
  assert.equal(s.stdout, text);
  assert.match(s.stderr, /note: the predictions are written ";"-separated with decimal commas, as eu\.csv/);
});

test('predict on a tab-separated file writes tabs; on a plain CSV, plain CSV without a note', async () => {
  writeFileSync(join(dir, 'tab.txt'), `x\tc\ty\n${rows(30, (i) => `${i / 4}\tu,${i % 3}\t${i % 5}.5`)}\n`);
  const p = await trainThenPredict('tab.txt', 'tab.json');
  assert.match(p.stdout, /^x\tc\ty\tpredicted_y\n0\tu,0\t0\.5\t-?\d/);
  assert.match(p.stderr, /note: the predictions are written tab-separated, as tab\.txt/);
  writeFileSync(join(dir, 'plain.csv'), `x,c,y\n${rows(30, (i) => `${i / 4},"u;${i % 3}",${i % 5}.5`)}\n`);
  const q = await trainThenPredict('plain.csv', 'plain.json');
  assert.match(q.stdout, /^x,c,y,predicted_y\n0,u;0,0\.5,-?\d/);
  assert.doesNotMatch(q.stderr, /written/);
});

test('thousands separators: the error names the exact flags, and with them the file trains and predicts', async () => {
  const us = `x,y\n${rows(30, (i) => `"${1 + (i % 9)},${100 + i}.5",${i % 4}`)}\n`;
  writeFileSync(join(dir, 'us.csv'), us);
  const a = await scratchnetAsync(['train', '--data', 'us.csv', '--target', 'y', ...quiet], dir);
  assert.equal(a.code, 2);
  assert.match(
    a.stderr,
    /us\.csv:2:1: "1,100\.5" in column "x" has thousands separators, .*\(--thousands ,\)/,
  );
  // 1.234,5 in a ";" file: decimal commas are detected from it, and --thousands . reads it
  const eu = `x;y\n${rows(30, (i) => `${1 + (i % 9)}.${100 + i},5;${i % 4}`)}\n`;
  writeFileSync(join(dir, 'eu-thousands.csv'), eu);
  const b = await scratchnetAsync(['train', '--data', 'eu-thousands.csv', '--target', 'y', ...quiet], dir);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /"1\.100,5" in column "x" has thousands separators, .*\(--thousands \.\)/);
  const args = [
    'train',
    '--data',
    'eu-thousands.csv',
    '--target',
    'y',
    '--thousands',
    '.',
    '--out',
    'th.json',
  ];
  const c = await scratchnetAsync([...args, ...quiet], dir);
  assert.equal(c.code, 0, c.stderr);
  const model = JSON.parse(readFileSync(join(dir, 'th.json'), 'utf8'));
  assert.deepEqual(model.encoding.numbers, { decimal: ',', thousands: '.' });
  const p = await scratchnetAsync(['predict', '--model', 'th.json', '--data', 'eu-thousands.csv'], dir);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /^x;y;predicted_y\n1\.100,5;0;/);
});

test('displayWidth: CJK and emoji take two columns, combining marks none, per grapheme', () => {
  assert.equal(displayWidth('price'), 5);
  assert.equal(displayWidth('価格'), 4);
  assert.equal(displayWidth('🏠 rooms'), 8);
  assert.equal(displayWidth('👩‍💻'), 2); // one grapheme (ZWJ sequence)
  assert.equal(displayWidth('e\u0301t\u00e9'), 3); // é written with a combining accent, and precomposed
  assert.equal(padEndWidth('価格', 6), '価格  ');
  assert.equal(padStartWidth('猫', 3), ' 猫');
});

test('explain and evaluate align their tables by display width (CJK and emoji column names and classes)', async () => {
  const csv = `面積,🏠 rooms,x,種類\n${rows(40, (i) => `${(i * 7) % 13},${i % 5},${(i * 3) % 11},${(i * 7) % 13 > 6 ? '猫' : 'dog'}`)}\n`;
  writeFileSync(join(dir, 'wide.csv'), csv);
  const t = await scratchnetAsync(
    ['train', '--data', 'wide.csv', '--target', '種類', '--out', 'wide.json', ...quiet],
    dir,
  );
  assert.equal(t.code, 0, t.stderr);
  const x = await scratchnetAsync(
    ['explain', '--model', 'wide.json', '--data', 'wide.csv', '--rows', '1', '--repeats', '2'],
    dir,
  );
  assert.equal(x.code, 0, x.stderr);
  const lines = x.stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Permutation importance'));
  const table = lines.slice(start + 1, start + 4);
  assert.deepEqual(
    table.map((l) => l.replace(/^ {2}(\S+(?: \S+)?) .*$/, '$1')).sort(),
    ['x', '面積', '🏠 rooms'].sort(),
  );
  // the interval's "[" sits at the same terminal column on every line
  const at = (l: string) => displayWidth(l.slice(0, l.indexOf('[')));
  assert.equal(new Set(table.map(at)).size, 1, table.join('\n'));
  const waterfall = lines.filter((l) => / = .* {2}[+−]/.test(l));
  const sign = (l: string) => displayWidth(l.slice(0, l.search(/ {2}[+−]/)));
  assert.equal(waterfall.length, 3, x.stdout);
  assert.equal(new Set(waterfall.map(sign)).size, 1, waterfall.join('\n'));
  const e = await scratchnetAsync(['evaluate', '--model', 'wide.json', '--data', 'wide.csv'], dir);
  assert.equal(e.code, 0, e.stderr);
  const matrix = e.stdout
    .split('\n')
    .filter((l) => /^ *(dog|猫)\s+\d/.test(l) || /^\s+(dog|猫)\s+(dog|猫)$/.test(l));
  assert.equal(matrix.length, 3, e.stdout);
  assert.equal(new Set(matrix.map(displayWidth)).size, 1, matrix.join('\n'));
});

test('UTF-16 (Excel\'s "Unicode text"): predict and evaluate read it as train does', async () => {
  const text = `\ufeffx\tc\ty\n${rows(30, (i) => `${i / 4}\t${i % 2 ? 'é' : '猫'}\t${i % 5}.5`)}\n`;
  writeFileSync(join(dir, 'unicode.txt'), Buffer.from(text, 'utf16le'));
  const p = await trainThenPredict('unicode.txt', 'u.json');
  assert.match(p.stdout, /^x\tc\ty\tpredicted_y\n0\t猫\t0\.5\t-?\d/);
  assert.match(p.stderr, /read as UTF-16LE/);
  const e = await scratchnetAsync(['evaluate', '--model', 'u.json', '--data', 'unicode.txt', '--json'], dir);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(JSON.parse(e.stdout).rows, 30);
});

test('predict --out on a UTF-8 file with a byte-order mark (as Excel writes one) keeps the mark, and says so', async () => {
  const rows = Array.from({ length: 20 }, (_, i) => `${i},Zürich,${2 * i}`);
  writeFileSync(join(dir, 'bom.csv'), `\ufeffx,city,y\n${rows.join('\n')}\n`);
  const p = await trainThenPredict('bom.csv', 'bom.json', ['--out', 'bom-p.csv']);
  assert.match(p.stderr, /to bom-p\.csv \(UTF-8 with a byte-order mark, as bom\.csv\)/);
  const bytes = readFileSync(join(dir, 'bom-p.csv'));
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.match(bytes.subarray(3).toString('utf8'), /^x,city,y,predicted_y\n0,Zürich,0,/);
  // stdout stays without the mark
  const s = await scratchnetAsync(['predict', '--model', 'bom.json', '--data', 'bom.csv'], dir);
  assert.match(s.stdout, /^x,city,y,predicted_y\n/);
});
