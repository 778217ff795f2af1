// The streaming CSV reader against parseCsv: chunk ends inside quotes, CRLF pairs and multi-byte UTF-8
// (tiny chunks), the same errors, the same encodings; predict's memory bounded in the file's length.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  applyEncoding,
  cellAt,
  fitEncoding,
  parseCsv,
  readCsvBlocks,
  readCsvStore,
  rowCount,
  type ByteSource,
  type CsvStreamOptions,
  type DataTable,
} from '../src/index.js';
import { scratchDir, scratchnet } from './fixtures/cli.js';
import { peakRssMB } from './scale-measure.js';

/** A ByteSource over bytes, `size` bytes per read. */
const bytesOf = (bytes: Uint8Array, size: number) => (): ByteSource => {
  let at = 0;
  return {
    read(into) {
      const n = Math.min(size, into.length, bytes.length - at);
      into.set(bytes.subarray(at, at + n));
      at += n;
      return n;
    },
  };
};

const utf8 = (text: string) => new TextEncoder().encode(text);

function stream(text: string, chunk: number, options: CsvStreamOptions = {}): DataTable {
  return readCsvStore(bytesOf(utf8(text), chunk), 'f.csv', { ...options, chunkBytes: chunk });
}

/** Every cell, line and cell column of a table, as plain arrays (strings for numbers' texts). */
function dump(t: DataTable) {
  const rows: string[][] = [];
  for (let r = 0; r < rowCount(t); r++) rows.push(t.columns.map((_, j) => String(cellAt(t, r, j))));
  const where =
    'store' in t
      ? rows.map((_, r) => [t.store.line(r), ...t.columns.map((_, j) => t.store.column(r, j))])
      : rows.map((_, r) => [t.lines?.[r], ...(t.cellColumns?.[r] ?? [])]);
  return { columns: t.columns, rows, where, notes: t.notes, decimal: t.decimal };
}

const tricky = [
  '\uFEFFa,b,c\r\n1,"x, ""y""\r\nz",3\r\n',
  '4.50,é€😀,6\n\n',
  '-0,"",1e3\r\n',
  '0.000001,0.0000001,12345678901234567\n',
  '"q""",  7 ,NA\n',
  'x,y,"last"',
].join('');

test('readCsvStore: the same cells, lines and columns as parseCsv, whatever the chunk size', () => {
  const whole = dump(parseCsv(tricky, 'f.csv'));
  for (const chunk of [1, 2, 3, 5, 7, 64, 1 << 20])
    assert.deepEqual(dump(stream(tricky, chunk)), whole, `chunk ${chunk}`);
});

test('readCsvStore: the same errors as parseCsv (file:line:column), at any chunk size', () => {
  const bad = [
    'a,b\n1,2\n3,4,5\n',
    'a,b\n1,"2\n',
    'a,a\n1,2\n',
    '',
    'a,b\n',
    'a,b\n1,"2"x\n',
    'a,,b\n1,2,3\n',
  ];
  for (const text of bad) {
    let expected = '';
    try {
      parseCsv(text, 'f.csv');
    } catch (e) {
      expected = (e as Error).message;
    }
    assert.notEqual(expected, '', text);
    for (const chunk of [1, 3, 1 << 20])
      assert.throws(() => stream(text, chunk), { message: expected }, `${JSON.stringify(text)} / ${chunk}`);
  }
});

test('readCsvStore: invalid UTF-8 and NUL bytes are named by line, column and byte offset', () => {
  const bytes = new Uint8Array([...utf8('a,b\n1,é\n2,'), 0xff, ...utf8('\n')]);
  for (const chunk of [1, 4, 1 << 20])
    assert.throws(
      () => readCsvStore(bytesOf(bytes, chunk), 'f.csv', { chunkBytes: chunk }),
      /^DataError: f\.csv:3:3: not valid UTF-8 at byte offset 11 \(bytes 0xFF/,
    );
  const nul = new Uint8Array([...utf8('a,b\n1,2\n'), 0, ...utf8('\n')]);
  assert.throws(
    () => readCsvStore(bytesOf(nul, 3), 'f.csv', { chunkBytes: 3 }),
    /f\.csv:3:1: a NUL byte at byte offset 8/,
  );
});

test('readCsvStore: decimal commas detected in ;-files (one pass started over), --decimal and --thousands', () => {
  const text = 'a;b\n1;2\n3;4,5\n';
  const whole = dump(parseCsv(text, 'f.csv'));
  assert.equal(whole.decimal, ',');
  for (const chunk of [2, 1 << 20]) assert.deepEqual(dump(stream(text, chunk)), whole);
  const t = stream('a,b\n"1,500",2\n', 4, { thousands: ',' });
  const enc = applyEncoding(fitEncoding({ ...t, thousands: ',' }, { target: ['b'] }), {
    ...t,
    thousands: ',',
  });
  assert.deepEqual(Array.from(enc.x.data), [1500]);
});

test('the same encoding as the in-memory path on the fixtures and vega datasets', () => {
  for (const [file, target] of [
    ['test/fixtures/houses.csv', 'price_eur'],
    ['node_modules/vega-datasets/data/seattle-weather.csv', 'weather'],
    ['node_modules/vega-datasets/data/gapminder-health-income.csv', 'region'],
  ] as const) {
    const text = readFileSync(file, 'utf8');
    const table = parseCsv(text, file);
    const stored = readCsvStore(bytesOf(utf8(text), 7), file, { chunkBytes: 7 });
    const a = fitEncoding(table, { target: [target] });
    const b = fitEncoding(stored, { target: [target] });
    assert.deepEqual(b, a);
    const ea = applyEncoding(a, table);
    const eb = applyEncoding(b, stored);
    assert.deepEqual(eb.x, ea.x);
    assert.deepEqual(eb.y, ea.y);
  }
});

test('readCsvBlocks: rows in order, block by block, each block at most blockRows', () => {
  const text = `a,b\n${Array.from({ length: 103 }, (_, i) => `${i},"t${i % 3}"`).join('\n')}\n`;
  const seen: number[] = [];
  const read = readCsvBlocks(bytesOf(utf8(text), 9), 'f.csv', { chunkBytes: 9 }, 10, (t, first) => {
    assert.ok(rowCount(t) <= 10);
    for (let r = 0; r < rowCount(t); r++) {
      assert.equal(cellAt(t, r, 1), `t${(first + r) % 3}`);
      seen.push(cellAt(t, r, 0) as number);
    }
  });
  assert.equal(read.rows, 103);
  assert.deepEqual(
    seen,
    Array.from({ length: 103 }, (_, i) => i),
  );
});

/** The peak RSS in MB of `scratchnet predict` on `rows` rows of 10 numeric columns. */
function predictRss(dir: string, rows: number): number {
  const data = join(dir, `p${rows}.csv`);
  const lines = ['a,b,c,d,e,f,g,h,i,y'];
  for (let r = 0; r < rows; r++)
    lines.push(`${Array.from({ length: 9 }, (_, j) => ((r * 7 + j * 13) % 101) / 10).join(',')},${r % 5}`);
  writeFileSync(data, `${lines.join('\n')}\n`);
  return peakRssMB(['predict', '--model', 'model.json', '--data', data, '--out', 'out.csv'], dir, [
    '--max-old-space-size=48',
    '--max-semi-space-size=2',
  ]);
}

// The child runs with a 48 MB old space (a whole-file predict of 120k rows would not fit) and small
// young generations, so that its peak RSS follows what it keeps rather than when V8 collects.
test('predict streams: 6× the rows cost less than 30 MB more peak memory', () => {
  const dir = scratchDir('scratchnet-stream-');
  // a model over the 9 columns a…i: trained on a small file of them
  const small = [
    'a,b,c,d,e,f,g,h,i,y',
    ...Array.from(
      { length: 40 },
      (_, r) => `${Array.from({ length: 9 }, (_, j) => ((r + j) % 7) / 3).join(',')},${r % 5}`,
    ),
  ];
  writeFileSync(join(dir, 'nine.csv'), `${small.join('\n')}\n`);
  const t = scratchnet(
    [
      'train',
      '--data',
      'nine.csv',
      '--target',
      'y',
      '--epochs',
      '1',
      '--no-plots',
      '--progress',
      'quiet',
      '--out',
      'model.json',
    ],
    dir,
  );
  assert.equal(t.code, 0, t.stderr);
  const few = predictRss(dir, 20_000); // more than one block (16,384 rows): the same buffers as below
  const many = predictRss(dir, 120_000);
  assert.ok(many - few < 30, `peak RSS ${few.toFixed(0)} MB on 20k rows, ${many.toFixed(0)} MB on 120k rows`);
  const out = readFileSync(join(dir, 'out.csv'), 'utf8').split('\n');
  assert.equal(out.length, 120_002); // header, rows, and the last line break
});

test('numbers listed as missing (--na-values -999) are missing in the store too, as in parseCsv', () => {
  const text = 'a,b,y\n-999,x,1\n2,-999,2\n3.50,y,1.0\n4,x,2\n';
  const options = {
    target: ['y'],
    naValues: ['-999'],
    missing: 'drop' as const,
    task: 'multiclass' as const,
  };
  const table = parseCsv(text, 'f.csv');
  const stored = stream(text, 3, { naValues: ['-999'] });
  const a = fitEncoding(table, options);
  assert.deepEqual(fitEncoding(stored, options), a);
  assert.deepEqual(a.target.classes, ['1.0', '2']); // labels are the cells' text
  const ea = applyEncoding(a, table);
  const eb = applyEncoding(a, stored);
  assert.deepEqual([eb.x, eb.y, eb.rows, eb.left], [ea.x, ea.y, ea.rows, ea.left]);
});
