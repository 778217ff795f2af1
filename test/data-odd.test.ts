// Odd input files through `scratchnet train`: each gives either a correct model (asserted on the
// encoding saved in the model file) or exit 2 with one line naming the place — never exit 0 with
// a silently wrong reading.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, test } from 'node:test';
import { applyEncoding, fitEncoding, parseCsv, type Encoding } from '../src/index.js';
import { scratchDir, scratchnetAsync } from './fixtures/cli.js';

const dir = scratchDir('scratchnet-odd-');

interface Case {
  name: string;
  file: string;
  content: string | Buffer | null;
  args?: string[];
  /** exit 2: the one line (after "scratchnet: ") matches */
  error?: RegExp;
  /** exit 0: checks on the saved encoding (and stderr) */
  model?: (encoding: Encoding, stderr: string) => void;
}

const numberCol = (name: string) => ({ name, type: 'number' });
const cases: Case[] = [
  {
    name: 'quoted fields with commas, doubled quotes and newlines',
    file: 'quotes.csv',
    content: 'k,y\n"a, ""b""",1\n"c\nd",2\n"a, ""b""",3\n',
    model: (e) =>
      assert.deepEqual(e.features[0], { name: 'k', type: 'category', categories: ['a, "b"', 'c\nd'] }),
  },
  {
    name: 'thousands grouped by no-break spaces (French spreadsheets): an error naming --thousands " ", which reads them',
    file: 'nbsp.csv',
    content: 'x;y\n1\u00a0234,5;1\n2\u202f345,5;2\n3 456,5;4\n',
    error: /^nbsp\.csv:2:1: "1\u00a0234,5" in column "x" has thousands separators, .*\(--thousands " "\)/,
  },
  {
    name: '--thousands " " reads no-break spaces between thousands',
    file: 'nbsp2.csv',
    content: 'x;y\n1\u00a0234,5;1\n2\u202f345,5;2\n3 456,5;4\n',
    args: ['--thousands', ' '],
    model: (e) => {
      assert.deepEqual(e.features, [numberCol('x')]);
      assert.deepEqual(e.numbers, { decimal: ',', thousands: ' ' });
    },
  },
  {
    name: "Excel's sep=; first line is named, not taken for a header",
    file: 'sephint.csv',
    content: 'sep=;\nx;y\n1;2\n',
    error:
      /^sephint\.csv:1: the first line is a spreadsheet's "sep=" separator hint, not a header: delete that line$/,
  },
  {
    name: 'empty trailing columns a spreadsheet exported are named as such',
    file: 'emptycols.csv',
    content: 'x;y;;\n1;2;;\n',
    error:
      /^emptycols\.csv:1:5: column 3 of the header has no name \(columns 3 to 4 have no names: empty columns/,
  },
  {
    name: 'classes and categories that differ only in letter case are warned about',
    file: 'case.csv',
    content: 'c,y\nParis,Yes\nparis,yes\nLyon,No\nParis,Yes\nparis,yes\nLyon,No\n',
    model: (e, stderr) => {
      assert.deepEqual(e.target.classes, ['No', 'Yes', 'yes']);
      assert.match(
        stderr,
        /warning: target "y" has values that differ only in letter case \("Yes" and "yes"\)/,
      );
      assert.match(
        stderr,
        /warning: column "c" has values that differ only in letter case \("Paris" and "paris"\)/,
      );
    },
  },
  {
    name: 'a ragged row',
    file: 'ragged.csv',
    content: 'a,y\n1,2\n3,4,5\n',
    error: /^ragged\.csv:3:5: this row has 3 fields but the header has 2$/,
  },
  {
    name: 'one class written two ways ("1" and "1.0") in an integer target',
    file: 'twoways.csv',
    content: `a,y\n${Array.from({ length: 60 }, (_, i) => `${i / 60},${['1', '1.0', '2', '3'][i % 4]}`).join('\n')}\n`,
    error:
      /^twoways\.csv: target "y" writes one class two ways, "1" and "1\.0" \(the same number\): write each class one way, or pass --task regression/,
  },
  {
    name: 'codes 01 and 1 under --task multiclass are two classes (the text is the label)',
    file: 'codes01.csv',
    content: `a,y\n${Array.from({ length: 40 }, (_, i) => `${i / 40},${['01', '1', '02', '2'][i % 4]}`).join('\n')}\n`,
    args: ['--task', 'multiclass'],
    model: (e) => assert.deepEqual(e.target.classes, ['01', '1', '02', '2']),
  },
  {
    name: 'a ";" file whose quoted header names hold commas',
    file: 'semiq.csv',
    content: '"area, m2";rooms;"price, EUR"\n54,5;2;250000\n60;3;300000\n70,5;3;350000\n80;4;400000\n',
    args: ['--target', '"price, EUR"'],
    model: (e) =>
      assert.deepEqual(
        e.features.map((f) => f.name),
        ['area, m2', 'rooms'],
      ),
  },
  {
    name: 'a ";" file whose unquoted header names hold commas (as Excel writes them)',
    file: 'semiu.csv',
    content: 'Fläche, m2;Zimmer;Preis, EUR\n54,5;2;250000\n60;3;300000\n70,5;3;350000\n80;4;400000\n',
    args: ['--target', '"Preis, EUR"'],
    model: (e) =>
      assert.deepEqual(
        e.features.map((f) => f.name),
        ['Fläche, m2', 'Zimmer'],
      ),
  },
  {
    name: 'a ";" file with commas in its header names and decimal commas in as many cells',
    file: 'semid.csv',
    content: 'Fläche, m2;Zimmer;Preis, EUR\n72,5;3;1200,50\n60,5;2;900,25\n80,5;4;1500,75\n50,5;1;700,5\n',
    args: ['--target', '"Preis, EUR"'],
    model: (e) =>
      assert.deepEqual(
        e.features.map((f) => f.name),
        ['Fläche, m2', 'Zimmer'],
      ),
  },
  {
    name: 'a "#" comment line among the rows',
    file: 'comment.csv',
    content: 'a,y\n1,2\n# measured on Monday\n3,4\n',
    error:
      /^comment\.csv:3: this row has 1 field but the header has 2; the row starts with "#": comment lines are read as data, remove such lines first \(e\.g\. grep -v '\^#' comment\.csv > clean\.csv\)$/,
  },
  {
    name: 'a "#" comment line above the header',
    file: 'comment-top.csv',
    content: '# exported 2026-12-01\na,y\n1,2\n',
    error:
      /^comment-top\.csv:2:3: this row has 2 fields but the header has 1; the header \(the first line\) starts with "#": if it is a comment, remove such lines first/,
  },
  {
    name: 'an empty header name',
    file: 'noname.csv',
    content: 'a,,y\n1,2,3\n',
    error: /^noname\.csv:1:3: column 2 of the header has no name$/,
  },
  {
    name: 'a duplicate header name',
    file: 'twice.csv',
    content: 'a,a,y\n1,2,3\n',
    error: /^twice\.csv:1:3: column name "a" appears twice/,
  },
  {
    name: 'CRLF line ends',
    file: 'crlf.csv',
    content: 'x,y\r\n1,2\r\n2,4\r\n3,7\r\n',
    model: (e) => assert.deepEqual(e.features, [numberCol('x')]),
  },
  {
    name: 'a byte-order mark',
    file: 'bom.csv',
    content: '\ufeffx,y\n1,2\n2,4\n3,7\n',
    model: (e) => assert.deepEqual(e.features, [numberCol('x')]),
  },
  {
    name: 'only a header',
    file: 'header.csv',
    content: 'x,y\n',
    error: /^header\.csv: the file has a header but no data rows$/,
  },
  { name: 'an empty file', file: 'empty.csv', content: '', error: /^empty\.csv: the file is empty/ },
  {
    name: 'one row (trains, warned)',
    file: 'one.csv',
    content: 'x,y\n1,2\n',
    model: (e, err) => {
      assert.deepEqual(e.features, [numberCol('x')]);
      assert.match(err, /warning: only 1 row to learn from/);
    },
  },
  {
    name: '-0 is a number',
    file: 'minus0.csv',
    content: 'x,y\n-0,1\n1,2\n2,4\n',
    model: (e) => assert.deepEqual(e.features, [numberCol('x')]),
  },
  {
    name: '1e999 is out of range',
    file: 'overflow.csv',
    content: 'x,y\n1,2\n1e999,3\n2,4\n',
    error:
      /^overflow\.csv:3:1: "1e999" in column "x" is out of the range of float64 numbers .*--categorical x/,
  },
  {
    name: '0x10 is not read as 16',
    file: 'hex.csv',
    content: 'x,y\n0x10,1\n0x11,2\n0x12,4\n',
    error: /^hex\.csv:2:1: "0x10" in column "x" is hexadecimal/,
  },
  {
    name: '1_000 is not a number',
    file: 'underscore.csv',
    content: 'x,y\n1_000,1\n2_000,2\n3,4\n',
    error: /^underscore\.csv:2:1: "1_000" in column "x" has "_" digit separators/,
  },
  {
    name: '"1,234.5" has thousands separators',
    file: 'thousands.csv',
    content: 'x,y\n"1,234.5",1\n"2,000",2\n3,4\n',
    error: /^thousands\.csv:2:1: "1,234\.5" in column "x" has thousands separators/,
  },
  {
    name: '--thousands , reads them as numbers',
    file: 'thousands2.csv',
    content: 'x,y\n"1,234.5",1\n"2,000",2\n3,4\n',
    args: ['--thousands', ','],
    model: (e) => assert.deepEqual(e.features, [numberCol('x')]),
  },
  {
    name: 'a percentage',
    file: 'percent.csv',
    content: 'x,y\n15%,1\n20%,2\n30%,4\n',
    error: /^percent\.csv:2:1: "15%" in column "x" is a percentage/,
  },
  {
    name: 'a Unicode minus sign',
    file: 'uminus.csv',
    content: 'x,y\n\u22121,1\n2,2\n3,4\n',
    error: /^uminus\.csv:2:1: "−1" in column "x" starts with a Unicode minus sign/,
  },
  {
    name: 'decimal commas in a ;-separated file (numbers, target too, said so)',
    file: 'european.csv',
    content: 'x;y\n1,5;2,25\n2,5;3,5\n3;4,75\n4,25;6\n',
    model: (e, err) => {
      assert.deepEqual(e.features, [numberCol('x')]);
      assert.equal(e.target.task, 'regression');
      assert.match(err, /note: european\.csv: numbers read with decimal commas .* at european\.csv:2:1/);
    },
  },
  {
    name: '--decimal . on a decimal-comma file: the cells are named',
    file: 'european2.csv',
    content: 'x;y\n1,5;2\n2,5;3\n3;4\n',
    args: ['--decimal', '.'],
    error: /^european2\.csv:2:1: "1,5" in column "x" has a "," decimal mark/,
  },
  {
    name: 'NaN strings in the target',
    file: 'nantarget.csv',
    content: 'x,y\n1,2\n2,NaN\n3,nan\n4,5\n',
    error:
      /^nantarget\.csv: 2 rows have missing values: nantarget\.csv:3:3 \(y\); nantarget\.csv:4:3 \(y\)\. Pass --drop-missing/,
  },
  {
    name: 'a 10 MB cell is quoted short',
    file: 'huge.csv',
    content: `x,y\n1,2\n2,3\n${'z'.repeat(10_000_000)},4\n5,6\n`,
    error: /^huge\.csv:4:1: "z{80}"… \(10,000,000 characters\) in column "x" is not a number.{0,300}$/,
  },
  {
    name: 'invalid UTF-8',
    file: 'latin1.csv',
    content: Buffer.concat([Buffer.from('x,y\ncaf'), Buffer.from([0xe9]), Buffer.from(',1\nthe,2\n')]),
    error:
      /^latin1\.csv:2:4: not valid UTF-8 at byte offset 7 \(bytes 0xE9 .*: Windows-1252 or Latin-1 text\? 0xE9 is "é" there\)/,
  },
  {
    name: 'a NUL byte',
    file: 'nul.csv',
    content: Buffer.from('x,y\n1,2\n3\u0000,4\n'),
    error: /^nul\.csv:3:2: a NUL byte at byte offset 9/,
  },
  {
    name: 'a directory',
    file: 'folder.csv',
    content: null,
    error: /^folder\.csv: is a folder, not a data file$/,
  },
  {
    name: 'JSON that is not an array',
    file: 'object.json',
    content: '{"x": 1, "y": 2}',
    error: /^object\.json: expected a JSON array of records/,
  },
  {
    name: 'nested JSON values',
    file: 'nested.json',
    content: '[{"x": 1, "y": 2},\n {"x": {"a": 1}, "y": 3}]',
    error: /^nested\.json: record 2 \(line 2\), field "x" is an object/,
  },
  {
    name: 'mixed types in a JSON column',
    file: 'mixed.json',
    content: '[{"x": 1, "y": 2},\n {"x": "two", "y": 3},\n {"x": 3, "y": 1}]',
    error: /^mixed\.json: record 2 \(line 2\): "two" in column "x" is not a number/,
  },
  {
    name: 'JSON 1e999 is named, not null',
    file: 'inf.json',
    content: '[{"x": 1, "y": 2},\n {"x": 1e999, "y": 3},\n {"x": 3, "y": 1}]',
    error: /^inf\.json: record 2 \(line 2\): Infinity in column "x" is out of the range/,
  },
  {
    name: 'an empty JSON key',
    file: 'emptykey.json',
    content: '[{"": 1, "y": 2}, {"": 2, "y": 3}]',
    error: /^emptykey\.json: record 1 \(line 1\) has a field with an empty name/,
  },
  {
    name: 'a JSON key twice in one record',
    file: 'twicekey.json',
    content: '[{"x": 1, "y": 2},\n {"x": 2, "y": 3, "x": 5}]',
    error: /^twicekey\.json: record 2 \(line 2\) has the field "x" twice/,
  },
  {
    name: '__proto__ and constructor as column names',
    file: 'proto.json',
    content:
      '[{"__proto__": 1, "constructor": "a", "y": 2},\n{"__proto__": 2, "constructor": "b", "y": 3},\n{"__proto__": 3, "constructor": "a", "y": 1}]',
    model: (e) =>
      assert.deepEqual(e.features, [
        numberCol('__proto__'),
        { name: 'constructor', type: 'category', categories: ['a', 'b'] },
      ]),
  },
  {
    name: '__proto__ as a CSV header',
    file: 'proto.csv',
    content: '__proto__,constructor,y\n1,a,2\n2,b,3\n3,a,1\n',
    model: (e) =>
      assert.deepEqual(
        e.features.map((f) => f.name),
        ['__proto__', 'constructor'],
      ),
  },
  {
    name: 'a .csv starting with [ is read as CSV, not JSON',
    file: 'bracket.csv',
    content: '[x,y\n1,2\n2,3\n',
    model: (e) => assert.deepEqual(e.features, [numberCol('[x')]),
  },
  {
    name: 'an impossible date',
    file: 'dates.csv',
    content: 'd,y\n2020-02-28,1\n2020-02-31,2\n2020-03-01,3\n',
    error: /^dates\.csv:3:1: "2020-02-31" in column "d" is not a date in the calendar/,
  },
  {
    name: 'real dates become years',
    file: 'gooddates.csv',
    content: 'd,y\n2020-02-28,1\n2020-02-29,2\n2021-03-01,3\n',
    model: (e) => assert.deepEqual(e.features, [{ name: 'd', type: 'date' }]),
  },
  {
    name: 'one stray word in a short numeric column',
    file: 'stray.csv',
    content: 'x,y\n1,2\nabc,3\n2,4\n',
    error:
      /^stray\.csv:3:1: "abc" in column "x" is not a number \(the column is otherwise numeric; fix the cells, list such values as missing with --na-values, or pass --categorical x/,
  },
  {
    name: '--na-values marks the stray word missing',
    file: 'stray2.csv',
    content: 'x,y\n1,2\nabc,3\n2,4\n3,5\n',
    args: ['--na-values', 'abc', '--drop-missing'],
    model: (e, err) => {
      assert.deepEqual(e.features, [numberCol('x')]);
      assert.deepEqual(e.naValues, ['abc']);
      assert.match(err, /note: stray2\.csv: left out 1 of 4 rows with missing values: x \(1 row\)/);
    },
  },
  {
    name: 'a text column with a few numbers stays text',
    file: 'sizes.csv',
    content: 'size,y\nS,1\nM,2\nL,3\nXL,4\n10,5\n',
    model: (e) =>
      assert.deepEqual(e.features[0], {
        name: 'size',
        type: 'category',
        categories: ['10', 'L', 'M', 'S', 'XL'],
      }),
  },
  {
    name: 'booleans',
    file: 'bools.csv',
    content: 'b,y\ntrue,1\nFALSE,2\nTrue,3\n',
    model: (e) => assert.deepEqual(e.features, [{ name: 'b', type: 'boolean' }]),
  },
  {
    name: 'a constant target trains, warned',
    file: 'constant.csv',
    content: 'x,y\n1,5\n2,5\n3,5\n',
    model: (e, err) => {
      assert.equal(e.target.task, 'regression');
      assert.match(err, /warning: target "y" has the same value \(5\) in every row/);
    },
  },
  {
    name: 'a constant text target is not blamed on --task binary',
    file: 'onelabel.csv',
    content: 'x,y\n1,a\n2,a\n',
    error:
      /^onelabel\.csv: target "y" has a single value \("a"\) in every row used; there is nothing to learn$/,
  },
  {
    name: '--target y,y',
    file: 'dup1.csv',
    content: 'x,y\n1,2\n2,3\n',
    args: ['--target', 'y,y'],
    error: /^--target names "y" twice$/,
  },
  {
    name: '--features x,x',
    file: 'dup2.csv',
    content: 'x,y\n1,2\n2,3\n',
    args: ['--features', 'x,x'],
    error: /^--features names "x" twice$/,
  },
  {
    name: 'currency symbols',
    file: 'currency.csv',
    content: 'x,y\n$12.50,1\n$3.10,2\n$7,4\n',
    error:
      /^currency\.csv:2:1: "\$12\.50" in column "x" has a currency symbol, .*also currency\.csv:3:1 "\$3\.10"/,
  },
  {
    name: 'a currency after the number',
    file: 'euros.csv',
    content: 'x,y\n12 €,1\n3 €,2\n7 €,4\n',
    error: /^euros\.csv:2:1: "12 €" in column "x" has a currency symbol/,
  },
  {
    name: 'a unit after the number',
    file: 'units.csv',
    content: 'x,y\n12kg,1\n3.5 kg,2\n7kg,4\n',
    error: /^units\.csv:2:1: "12kg" in column "x" has a unit after the number/,
  },
  {
    name: 'US dates MM/DD/YYYY with a day above 12 in the column: read month-first, saved as such',
    file: 'usdates.csv',
    content: 'd,y\n03/04/2021,1\n12/25/2020,2\n01/02/2021,4\n',
    model: (e) => assert.deepEqual(e.features, [{ name: 'd', type: 'date', order: 'month-first' }]),
  },
  {
    name: 'dates written DD/MM or MM/DD with no day above 12: refused, naming --date-order',
    file: 'usdates2.csv',
    content: 'd,y\n03/04/2021,1\n12/11/2020,2\n01/02/2021,4\n',
    error:
      /^usdates2\.csv:2:1: "03\/04\/2021" in column "d" is a date written day and month first .*pass --date-order day-first or month-first.*YYYY-MM-DD.* \(the column holds dates or times/,
  },
  {
    name: '--date-order month-first reads an ambiguous column, saved as such',
    file: 'usdates3.csv',
    content: 'd,y\n03/04/2021,1\n12/11/2020,2\n01/02/2021,4\n',
    args: ['--date-order', 'month-first'],
    model: (e) => assert.deepEqual(e.features, [{ name: 'd', type: 'date', order: 'month-first' }]),
  },
  {
    name: 'a date-time with a time-zone abbreviation is refused by name, not one-hot text',
    file: 'zonename.csv',
    content: 'd,y\n2021-03-01 10:00:00 CET,1\n2021-03-02 10:00:00 CET,2\n2021-03-03 10:00:00 CET,4\n',
    error:
      /^zonename\.csv:2:1: "2021-03-01 10:00:00 CET" in column "d" is a date with a time-zone abbreviation/,
  },
  {
    name: 'date-times in UTC and with hour offsets (PostgreSQL) are dates',
    file: 'zones.csv',
    content: 'd,y\n2021-03-01 10:00:00 UTC,1\n2021-03-02 10:00:00-05,2\n2021-03-03T10:00:00+0200,4\n',
    model: (e) => assert.deepEqual(e.features, [{ name: 'd', type: 'date' }]),
  },
  {
    name: 'DD.MM.YYYY with a day above 12 in the column: read day-first, saved as such',
    file: 'eudates.csv',
    content: 'd,y\n03.04.2021,1\n25.12.2020,2\n01.02.2021,4\n',
    model: (e) => assert.deepEqual(e.features, [{ name: 'd', type: 'date', order: 'day-first' }]),
  },
  {
    name: 'DD.MM.YYYY with no day above 12: refused as ambiguous',
    file: 'eudates2.csv',
    content: 'd,y\n03.04.2021,1\n12.11.2020,2\n01.02.2021,4\n',
    error: /^eudates2\.csv:2:1: "03\.04\.2021" in column "d" is a date written day and month first/,
  },
  {
    name: 'day-first and month-first in one column: refused',
    file: 'mixeddates.csv',
    content: 'd,y\n13.04.2021,1\n04.13.2021,2\n01.02.2021,4\n',
    error:
      /^mixeddates\.csv:2:1: "13\.04\.2021" in column "d" is a date written day and month first, in a column mixing both orders/,
  },
  {
    name: 'a column missing in most rows: the error says so, and to leave it out rather than the rows',
    file: 'sparsecol.csv',
    content: `x,note,y\n${Array.from({ length: 10 }, (_, i) => `${i},${i === 3 ? 'late' : ''},${i % 4}.5`).join('\n')}\n`,
    error:
      /^sparsecol\.csv: 9 rows have missing values: .*column "note" is missing in 9 of 10 rows \(leave that column out of the inputs with --features, rather than the rows\)\. Pass --drop-missing/,
  },
  {
    name: 'a target missing in every row: the error says so',
    file: 'notarget.csv',
    content: 'x,y\n1,\n2,\n3,\n',
    error:
      /^notarget\.csv: 3 rows have missing values: .*target "y" is missing in 3 of 3 rows\. Pass --drop-missing/,
  },
  {
    name: '--drop-missing leaving out most rows for one column warns which column to leave out instead',
    file: 'sparsecol2.csv',
    content: `x,note,y\n${Array.from({ length: 10 }, (_, i) => `${i},${i % 5 === 0 ? 'late' : ''},${i % 4}.5`).join('\n')}\n`,
    args: ['--drop-missing'],
    model: (_, err) =>
      assert.match(
        err,
        /warning: sparsecol2\.csv: 8 of 10 rows were left out for missing cells, most because of column "note" \(missing in 8\): leaving it out of the inputs \(--features\) would keep those rows/,
      ),
  },
  {
    name: 'YYYY-MM year-months are dates; a stray month 13 is named',
    file: 'yearmonths.csv',
    content: 'm,y\n2021-03,1\n2021-13,2\n2021-04,4\n',
    error: /^yearmonths\.csv:3:1: "2021-13" in column "m" is not a date \(the column is otherwise dates/,
  },
  {
    name: 'times of day',
    file: 'times.csv',
    content: 't,y\n08:30,1\n12:05,2\n23:59,4\n',
    error: /^times\.csv:2:1: "08:30" in column "t" is a time of day/,
  },
  {
    name: 'TRUE / false / True in the target: one class each, "true" positive',
    file: 'booltarget.csv',
    content: 'x,y\n1,TRUE\n2,false\n3,True\n4,FALSE\n',
    model: (e) => assert.deepEqual(e.target, { columns: ['y'], task: 'binary', classes: ['false', 'true'] }),
  },
  {
    name: 'a class with a single row is warned about',
    file: 'lonely.csv',
    content: 'x,y\n1,a\n2,a\n3,b\n4,b\n5,c\n',
    model: (e, err) => {
      assert.deepEqual(e.target.classes, ['a', 'b', 'c']);
      assert.match(err, /warning: class "c" has a single row of 5/);
    },
  },
  {
    name: 'an id column (1..n) is left out, said so',
    file: 'ids.csv',
    content: `id,x,y\n${Array.from({ length: 25 }, (_, i) => `${i + 1},${(i * 7) % 5},${i % 3}.5`).join('\n')}\n`,
    model: (e, err) => {
      assert.deepEqual(e.features, [numberCol('x')]);
      assert.equal(e.ignored?.[0].column, 'id');
      assert.match(
        err,
        /note: ids\.csv: left out of the inputs, as names, ids or row numbers .*: column "id" \(integers counting up by 1 .*\); --keep-ids/,
      );
    },
  },
  {
    name: 'a grid x = 0, 1, 2, … not named like an id stays an input',
    file: 'grid.csv',
    content: `x,z,y\n${Array.from({ length: 25 }, (_, i) => `${i},${i % 4},${i * 2}.5`).join('\n')}\n`,
    model: (e) => assert.deepEqual(e.features, [numberCol('x'), numberCol('z')]),
  },
  {
    name: 'a text column of names is left out, said so',
    file: 'names.csv',
    content: `name,x,y\n${Array.from({ length: 30 }, (_, i) => `person${i},${i % 4},${i % 7}.5`).join('\n')}\n`,
    model: (e, err) => {
      assert.deepEqual(e.features, [numberCol('x')]);
      assert.match(
        err,
        /note: names\.csv: left out of the inputs, .*: column "name" \(30 distinct text values in 30 rows\)/,
      );
    },
  },
  {
    name: '--keep-ids keeps them',
    file: 'names2.csv',
    content: `name,x,y\n${Array.from({ length: 30 }, (_, i) => `person${i},${i % 4},${i % 7}.5`).join('\n')}\n`,
    args: ['--keep-ids'],
    model: (e) => {
      assert.deepEqual(
        e.features.map((f) => f.name),
        ['name', 'x'],
      );
      assert.equal(e.ignored, undefined);
    },
  },
  {
    name: '"1.234" in a ;-file without decimal commas may be thousands',
    file: 'dots.csv',
    content: 'x;y\n1.234;1\n250;2\n12.500;4\n',
    error:
      /^dots\.csv:2:1: "1\.234" in column "x" may be 1\.234 or 1234: .*pass --decimal \. to read 1\.234, --thousands \. --decimal , to read 1234/,
  },
  {
    name: '--decimal . reads them as decimals',
    file: 'dots2.csv',
    content: 'x;y\n1.234;1\n250;2\n12.500;4\n',
    args: ['--decimal', '.'],
    model: (e) => assert.deepEqual(e.features, [numberCol('x')]),
  },
  {
    name: 'a file without a header (the first line is numbers)',
    file: 'headless.csv',
    content: '1.5,2.5,0\n2.5,1,1\n3,2,0\n',
    args: ['--target', '0'],
    error:
      /^headless\.csv:1: the first line \("1\.5,2\.5,0"\) holds only numbers: it looks like a row of data/,
  },
  {
    name: "pandas' numbered column names are a header",
    file: 'numbered.csv',
    content: '0,1,2\n1.5,2.5,0\n2.5,1,1\n3,2,0\n',
    args: ['--target', '2'],
    model: (e) => assert.deepEqual(e.features, [numberCol('0'), numberCol('1')]),
  },
  {
    name: 'UTF-16 with a byte-order mark (Excel\'s "Unicode text", tab-separated): read, said so',
    file: 'utf16.txt',
    content: Buffer.from('\ufeffcafé\tx\ty\n1\t2\t1\n3\t4\t2\n5\t6\t4\n', 'utf16le'),
    model: (e, stderr) => {
      assert.deepEqual(e.features, [numberCol('café'), numberCol('x')]);
      assert.match(stderr, /note: utf16\.txt: read as UTF-16LE \(it starts with that byte-order mark\)/);
    },
  },
  {
    name: 'UTF-16 big-endian with a byte-order mark: read',
    file: 'utf16be.csv',
    content: Buffer.from('\ufeffx,y\n1,2\n3,4\n5,6\n', 'utf16le').swap16(),
    model: (e) => assert.deepEqual(e.features, [numberCol('x')]),
  },
  {
    name: 'UTF-16 with an unpaired surrogate: named with its byte offsets',
    file: 'utf16bad.csv',
    content: Buffer.concat([
      Buffer.from('\ufeffx,y\n1,2\n', 'utf16le'),
      Buffer.from([0x00, 0xd8, 0x31, 0x00]),
    ]),
    error: /^utf16bad\.csv: not valid UTF-16LE between byte offsets 0 and 22; save the file as UTF-8$/,
  },
  {
    name: 'a delimiter at the end of every line',
    file: 'trailing.csv',
    content: 'x,y,\n1,2,\n3,4,\n',
    error: /^trailing\.csv:1:5: column 3 of the header has no name \(a delimiter at the end of each line\?/,
  },
  {
    name: "pandas' unnamed index column",
    file: 'pdindex.csv',
    content: ',x,y\n0,1,2\n1,3,4\n',
    error:
      /^pdindex\.csv:1:1: column 1 of the header has no name \(a row index, as pandas writes without index=False\?/,
  },
  {
    name: 'JSON Lines',
    file: 'lines.json',
    content: '{"x": 1, "y": 2}\n{"x": 2, "y": 3}\n',
    error: /^lines\.json:2:1: invalid JSON: unexpected "\{" \(one record per line, JSON Lines, is not read/,
  },
  {
    name: 'JSON Lines in a .jsonl file are records, one per line (blank lines skipped)',
    file: 'lines.jsonl',
    content: '{"x": 1, "c": "a", "y": 2}\n\n{"x": 2, "c": "b", "y": 3}\r\n{"x": 3, "y": 5, "c": "a"}\n',
    model: (e) =>
      assert.deepEqual(e.features, [numberCol('x'), { name: 'c', type: 'category', categories: ['a', 'b'] }]),
  },
  {
    name: 'a bad line in a .ndjson file is named with its line and column',
    file: 'lines.ndjson',
    content: '{"x": 1, "y": 2}\n{"x": 2, "y": 3,}\n',
    error: /^lines\.ndjson:2:17: invalid JSON: unexpected "\}" \(JSON Lines: one record per line\)$/,
  },
  {
    name: 'a missing key in JSON Lines is a missing cell, located by record and line',
    file: 'lines2.jsonl',
    content: '{"x": 1, "y": 2}\n{"y": 3}\n{"x": 3, "y": 4}\n',
    error:
      /^lines2\.jsonl: 1 row has missing values: lines2\.jsonl: record 2 \(line 2\) \(x\)\. Pass --drop-missing/,
  },
  {
    name: 'a file without a header row (a text column among numbers): the first line looks like data',
    file: 'noheader.csv',
    content: 'red,1.5,2.5\nblue,2.5,3.5\nred,0.5,1.5\n',
    error:
      /^noheader\.csv: no target column named "y"; columns are: red, 1\.5, 2\.5 — the first line looks like data, not column names: the file needs a header row naming its columns$/,
  },
  {
    name: 'dates YYYY/MM/DD with a time are dates',
    file: 'slashtimes.csv',
    content: 't,y\n2015/01/01 01:00:00,1\n2015/01/01 04:00:00,2\n2015/01/02 05:00:00,4\n',
    model: (e) => assert.deepEqual(e.features, [{ name: 't', type: 'date' }]),
  },
  {
    name: 'dates with month names (vega stocks.csv, movies.json) are dates',
    file: 'months.csv',
    content:
      'd,y\nJan 1 2000,1\n"January 2, 2000",2\n1 Feb 2001,3\n01-Mar-2002,4\nJun 12 1998,5\nSept. 3rd 1999,6\n"Mon, 12 Jun 1998",7\nMay 2000,8\n',
    model: (e) => assert.deepEqual(e.features, [{ name: 'd', type: 'date' }]),
  },
  {
    name: 'a month name with a two-digit year is refused (which century?)',
    file: 'twodigit.csv',
    content: 'd,y\n1-Jan-00,1\n2-Jan-00,2\n3-Jan-00,4\n',
    error: /^twodigit\.csv:2:1: "1-Jan-00" in column "d" is a date with a two-digit year/,
  },
  {
    name: 'an impossible date with a month name',
    file: 'feb30.csv',
    content: 'd,y\nFeb 28 2000,1\nFeb 30 2000,2\nMar 1 2000,4\n',
    error: /^feb30\.csv:3:1: "Feb 30 2000" in column "d" is not a date in the calendar/,
  },
  {
    name: "pandas' missing-value spellings are missing",
    file: 'pandasna.csv',
    content: 'x,y\n1,2\n#N/A,3\nn/a,4\n<NA>,5\n#NA,6\n-NaN,7\n-nan,8\nNULL,9\n1.#QNAN,1\n5,2\n',
    args: ['--drop-missing'],
    model: (e, err) => {
      assert.deepEqual(e.features, [numberCol('x')]);
      assert.match(err, /note: pandasna\.csv: left out 8 of 10 rows with missing values: x \(8 rows\)/);
    },
  },
  {
    name: "pandas' missing-value spellings stop as missing, not as bad numbers",
    file: 'pandasna2.csv',
    content: 'x,y\n1,2\n#N/A,3\n2,4\nn/a,5\n',
    error:
      /^pandasna2\.csv: 2 rows have missing values: pandasna2\.csv:3:1 \(x\); pandasna2\.csv:5:1 \(x\)\. Pass --drop-missing/,
  },
  {
    name: 'codes with leading zeros are text, said so',
    file: 'codes.csv',
    content: 'zip,y\n02139,1\n10001,2\n02139,3\n94105,4\n',
    model: (e, err) => {
      assert.deepEqual(e.features, [
        { name: 'zip', type: 'category', categories: ['02139', '10001', '94105'] },
      ]);
      assert.deepEqual(e.codes, [{ column: 'zip', example: '02139' }]);
      assert.match(
        err,
        /note: codes\.csv: column "zip" \("02139"\) holds integers written with leading zeros: read as text .*; --numeric zip reads it as numbers/,
      );
    },
  },
  {
    name: 'ZIP and ZIP+4 codes together are text, not a numeric column with bad cells',
    file: 'zip4.csv',
    content: 'zip,y\n02139,1\n10001,2\n02139-4307,3\n94105,4\n00501,5\n',
    model: (e) =>
      assert.deepEqual(e.features, [
        { name: 'zip', type: 'category', categories: ['00501', '02139', '02139-4307', '10001', '94105'] },
      ]),
  },
  {
    name: '--numeric reads codes with leading zeros as numbers',
    file: 'codes2.csv',
    content: 'zip,y\n02139,1\n10001,2\n02139,3\n94105,4\n',
    args: ['--numeric', 'zip'],
    model: (e, err) => {
      assert.deepEqual(e.features, [numberCol('zip')]);
      assert.equal(e.codes, undefined);
      assert.doesNotMatch(err, /leading zeros/);
    },
  },
  {
    name: '0 and 0.5 are not leading zeros',
    file: 'zeros.csv',
    content: 'a,b,y\n0,0.5,1\n10,1.25,2\n0,0.05,3\n',
    model: (e) => assert.deepEqual(e.features, [numberCol('a'), numberCol('b')]),
  },
  {
    name: '--numeric on a text column names the cell',
    file: 'codes3.csv',
    content: 'c,y\nabc,1\ndef,2\n',
    args: ['--numeric', 'c'],
    error: /^--numeric names "c", but codes3\.csv:2:1 "abc" is not a number$/,
  },
];

describe('odd inputs to train', { concurrency: 4 }, () => {
  for (const c of cases) {
    const path = join(dir, c.file);
    if (c.content === null) mkdirSync(path, { recursive: true });
    else writeFileSync(path, c.content);
    it(`${c.name} → ${c.error ? 'exit 2, one line' : 'a correct model'}`, async () => {
      const out = `${c.file}.model.json`;
      const args = [
        'train',
        '--data',
        c.file,
        '--epochs',
        '1',
        '--no-plots',
        '--progress',
        'quiet',
        '--out',
        out,
      ];
      const r = await scratchnetAsync(
        [...args, ...(c.args?.includes('--target') ? [] : ['--target', 'y']), ...(c.args ?? [])],
        dir,
      );
      if (c.error) {
        assert.equal(r.code, 2, `exit code; stderr: ${r.stderr.slice(0, 500)}`);
        const lines = r.stderr.trimEnd().split('\n');
        assert.equal(lines.length, 1, `one line, got:\n${r.stderr.slice(0, 1000)}`);
        assert.match(lines[0], /^scratchnet: /);
        assert.match(lines[0].slice('scratchnet: '.length), c.error);
        assert.ok(lines[0].length < 600, `short line (${lines[0].length} characters)`);
      } else {
        assert.equal(r.code, 0, r.stderr);
        const model = JSON.parse(readFileSync(join(dir, out), 'utf8'));
        c.model?.(model.encoding, r.stderr);
      }
    });
  }
});

test('at least 30 odd inputs are covered', () => assert.ok(cases.length >= 30, String(cases.length)));

test('a FIFO is refused at once (not read until something writes to it)', async () => {
  execFileSync('mkfifo', [join(dir, 'pipe.csv')]);
  const r = await scratchnetAsync(['train', '--data', 'pipe.csv', '--target', 'y'], dir, 10_000);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr, 'scratchnet: pipe.csv: is a FIFO (named pipe), not a regular data file\n');
});

test('predict does not need a column left out as an identifier, nor read it', async () => {
  const rows = Array.from({ length: 30 }, (_, i) => `${1000 + i},${i % 5},${(i % 5) * 2}.5`);
  writeFileSync(join(dir, 'rowid.csv'), `row_id,x,y\n${rows.join('\n')}\n`);
  writeFileSync(join(dir, 'rowid-new.csv'), 'x\n1\n3\n');
  const quiet = ['--no-plots', '--progress', 'quiet'];
  const t = await scratchnetAsync(
    ['train', '--data', 'rowid.csv', '--target', 'y', '--epochs', '1', '--out', 'rowid.json', ...quiet],
    dir,
  );
  assert.equal(t.code, 0, t.stderr);
  assert.match(
    t.stderr,
    /left out of the inputs, .*: column "row_id" \(integers counting up by 1 from each row to the next: 1000, 1001, 1002, …\)/,
  );
  const p = await scratchnetAsync(['predict', '--model', 'rowid.json', '--data', 'rowid-new.csv'], dir);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /^x,predicted_y\n1,[-\d.e]+\n3,[-\d.e]+\n$/);
});

test('an encoding past maxCells is an error before allocation, naming the widest text columns', () => {
  const rows = Array.from({ length: 60 }, (_, i) => `c${i % 40},${i % 3},${i}`);
  const table = parseCsv(`city,k,y\n${rows.join('\n')}\n`, 'z.csv');
  const encoding = fitEncoding(table, { target: ['y'], identifiers: 'keep' });
  assert.equal(applyEncoding(encoding, table, { maxCells: 60 * 41 }).x.cols, 41);
  assert.throws(
    () => applyEncoding(encoding, table, { maxCells: 60 * 41 - 1 }),
    /^DataError: z\.csv: 60 rows × 41 inputs would take 0\.0 GB as float64 .*; one-hot inputs per text column: "city" 40; leave the widest columns out \(--features\), or use fewer rows$/,
  );
});

test('a model trained with --thousands . --decimal , reads new files the same way (a flag overrides)', async () => {
  // x: 1.100,0 2.137,1 3.174,2 … (thousands "." and decimal ",")
  const rows = Array.from(
    { length: 30 },
    (_, i) =>
      `${1 + i}.${String(100 + ((i * 37) % 900)).padStart(3, '0')},${i % 10};${i % 2 ? 'a' : 'b'};${i % 5},5`,
  );
  writeFileSync(join(dir, 'euro.csv'), `x;k;y\n${rows.join('\n')}\n`);
  writeFileSync(join(dir, 'euro-new.csv'), 'x;k\n1.234,5;a\n2.000;b\n');
  const quiet = ['--no-plots', '--progress', 'quiet', '--no-search', '--epochs', '2'];
  const format = ['--thousands', '.', '--decimal', ','];
  const t = await scratchnetAsync(
    ['train', '--data', 'euro.csv', '--target', 'y', ...format, '--out', 'euro.json', ...quiet],
    dir,
  );
  assert.equal(t.code, 0, t.stderr);
  const model = JSON.parse(readFileSync(join(dir, 'euro.json'), 'utf8'));
  assert.deepEqual(model.encoding.numbers, { decimal: ',', thousands: '.' });
  assert.deepEqual(model.encoding.features[0], { name: 'x', type: 'number' });
  const p = await scratchnetAsync(['predict', '--model', 'euro.json', '--data', 'euro-new.csv'], dir);
  assert.equal(p.code, 0, p.stderr);
  // written as read: ";" between fields, decimal commas (said in a note)
  assert.match(
    p.stdout,
    /^x;k;predicted_y\n1\.234,5;a;-?\d+(,\d+)?(e-?\d+)?\n2\.000;b;-?\d+(,\d+)?(e-?\d+)?\n$/,
  );
  assert.match(
    p.stderr,
    /note: the predictions are written ";"-separated with decimal commas, as euro-new\.csv/,
  );
  const e = await scratchnetAsync(['evaluate', '--model', 'euro.json', '--data', 'euro.csv', '--json'], dir);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(JSON.parse(e.stdout).rows, 30);
  // the same model given --decimal . : the saved separator "." would clash and is dropped; "1.234,5" is then refused
  const o = await scratchnetAsync(
    ['predict', '--model', 'euro.json', '--data', 'euro-new.csv', '--decimal', '.'],
    dir,
  );
  assert.equal(o.code, 2, o.stderr);
  assert.match(o.stderr, /euro-new\.csv:2:1: "1\.234,5" in column "x" is not a number/);
});

test('--stream fits the encoding as train does: codes and identifiers noted, --keep-ids and --numeric honoured', async () => {
  const zips = ['02139', '10001', '00501', '94105'];
  const rows = Array.from({ length: 80 }, (_, i) => `${zips[i % 4]},${i + 1},${(i * 7) % 11},${i % 5}.5`);
  writeFileSync(join(dir, 'stream-codes.csv'), `zip,row_no,a,y\n${rows.join('\n')}\n`);
  const run = async (out: string, flags: string[]) => {
    const base = ['train', '--data', 'stream-codes.csv', '--target', 'y', '--stream', '--window', '32'];
    const quiet = ['--epochs', '1', '--no-plots', '--progress', 'quiet', '--out', out];
    const r = await scratchnetAsync([...base, ...quiet, ...flags], dir);
    assert.equal(r.code, 0, r.stderr);
    return { stderr: r.stderr, encoding: JSON.parse(readFileSync(join(dir, out), 'utf8')).encoding };
  };
  const plain = await run('stream-codes.json', []);
  assert.deepEqual(
    plain.encoding.features.map((f: { type: string }) => f.type),
    ['category', 'number'],
  );
  assert.match(
    plain.stderr,
    /note: stream-codes\.csv: column "zip" \("02139"\) holds integers written with leading zeros/,
  );
  assert.match(plain.stderr, /note: stream-codes\.csv: left out of the inputs, .*column "row_no"/);
  const kept = await run('stream-codes2.json', ['--keep-ids', '--numeric', 'zip']);
  assert.deepEqual(
    kept.encoding.features.map((f: { name: string; type: string }) => `${f.name}:${f.type}`),
    ['zip:number', 'row_no:number', 'a:number'],
  );
});

test('identifiers: a column named like an id (CustomerId) with a different integer in every row is left out; a count under "num" with distinct values, and an id with a repeat, are kept', () => {
  const rows = Array.from({ length: 40 }, (_, i) => {
    const id = 15_600_000 + ((i * 7_919) % 99_991); // distinct, not counting up
    return `${id},${i * 3 + 1},${(i * 37) % 11},${i % 2}`;
  });
  const table = parseCsv(`CustomerId,num_visits,Age,Exited\n${rows.join('\n')}\n`, 'churn.csv');
  const encoding = fitEncoding(table, { target: ['Exited'] });
  assert.deepEqual(
    encoding.ignored?.map((c) => c.column),
    ['CustomerId'],
    'num_visits (all distinct, but "num" may count things) stays',
  );
  assert.match(
    encoding.ignored?.[0].reason ?? '',
    /a different integer in every row, under a name that says id: 15600000, 15607919, …/,
  );
  const repeated = parseCsv(
    `CustomerId,Age,Exited\n${rows.map((r, i) => `${i % 39},${r.split(',')[2]},${i % 2}`).join('\n')}\n`,
    'repeat.csv',
  );
  assert.equal(
    fitEncoding(repeated, { target: ['Exited'] }).ignored,
    undefined,
    'a repeated value: not an id',
  );
});

test('money cells: accounting negatives and currency codes before the number are named, never read as text', () => {
  const rows = Array.from({ length: 30 }, (_, i) => `${i % 3 ? `(${i}.5)` : `${i}.25`},${i}`);
  assert.throws(
    () => fitEncoding(parseCsv(`profit,y\n${rows.join('\n')}\n`, 'acct.csv'), { target: ['y'] }),
    /acct\.csv:3:1: "\(1\.5\)" in column "profit" is a negative amount in parentheses, as accountants write it/,
  );
  const fees = Array.from({ length: 30 }, (_, i) => `USD ${10 * (1 + (i % 8))},${i}`);
  assert.throws(
    () => fitEncoding(parseCsv(`fee,y\n${fees.join('\n')}\n`, 'fees.csv'), { target: ['y'] }),
    /fees\.csv:2:1: "USD 10" in column "fee" has a currency symbol.*\(its cells look like numbers/,
  );
});

test('constant input columns (number, boolean, date) are left out with their own note; text with one value, a short file, and --features keep them', () => {
  const rows = Array.from({ length: 30 }, (_, i) => `${i / 10},7,true,2024-01-05,same,${i / 5}`);
  const csv = `x,k,flag,day,s,y\n${rows.join('\n')}\n`;
  const encoding = fitEncoding(parseCsv(csv, 'const.csv'), { target: ['y'] });
  assert.deepEqual(
    encoding.ignored?.map((c) => [c.column, c.constant]),
    [
      ['k', true],
      ['flag', true],
      ['day', true],
    ],
  );
  assert.equal(encoding.ignored?.[0].reason, 'the same value in all 30 rows: 7');
  assert.deepEqual(
    encoding.features.map((f) => f.name),
    ['x', 's'],
  );
  const short = parseCsv(
    `x,k,y\n${rows
      .slice(0, 10)
      .map((r) =>
        r
          .split(',')
          .filter((_, j) => j < 2 || j === 5)
          .join(','),
      )
      .join('\n')}\n`,
    's.csv',
  );
  assert.equal(fitEncoding(short, { target: ['y'] }).ignored, undefined, 'fewer than 20 rows: kept');
  const asked = fitEncoding(parseCsv(csv, 'const.csv'), { target: ['y'], identifiers: 'keep' });
  assert.equal(asked.features.length, 5);
});

test('a class written 3 against a model trained on 3.0: the error says it is the same number written otherwise', () => {
  const rows = Array.from({ length: 30 }, (_, i) => `${i},${(i % 3) + 1}.0`);
  const encoding = fitEncoding(parseCsv(`x,grade\n${rows.join('\n')}\n`, 'f.csv'), { target: ['grade'] });
  assert.equal(encoding.target.task, 'multiclass');
  assert.throws(
    () => applyEncoding(encoding, parseCsv('x,grade\n1,3\n', 'g.csv')),
    /g\.csv:2:3: class "3" is not one the model knows \(1\.0, 2\.0, 3\.0\); the model's class "3\.0" is the same number written otherwise/,
  );
});

test('a |-separated file is read as such; a header of space-separated names gets a hint', () => {
  const piped = parseCsv('x1|x2|y\n1|2|3\n4|5|6\n', 'p.txt');
  assert.deepEqual(piped.columns, ['x1', 'x2', 'y']);
  const spaced = parseCsv('x1 x2 y\n1 2 3\n4 5 6\n', 's.txt');
  assert.throws(
    () => fitEncoding(spaced, { target: ['y'] }),
    /no target column named "y"; columns are: x1 x2 y — the header is one column: are its names separated by spaces\? scratchnet reads fields separated by commas, tabs, semicolons or \|/,
  );
});
