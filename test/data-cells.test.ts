// The cell grammar (readNumber, readDate, readBoolean), column typing, strict UTF-8 decoding and
// decimal-comma detection, at the library level.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DataError,
  applyEncoding,
  decodeText,
  firstInvalidUtf8,
  fitEncoding,
  parseCsv,
  parseRecords,
  provenDateOrder,
  readBoolean,
  readDate,
  readNumber,
} from '../src/index.js';
import { columnDateOrder, mixedDateOrders, quote, shortList } from '../src/data/cells.js';

test('readNumber: the documented grammar, and why number-like cells are not numbers', () => {
  const value = (s: string, d: '.' | ',' = '.') => readNumber(s, d);
  for (const [s, v] of [
    ['1', 1],
    [' -2.5 ', -2.5],
    ['+.5', 0.5],
    ['3.', 3],
    ['-0', -0],
    ['1e3', 1000],
    ['2E-2', 0.02],
  ] as const)
    assert.deepEqual(value(s), { value: v }, s);
  assert.ok(Object.is((value('-0') as { value: number }).value, -0));
  for (const [s, reason] of [
    ['1e999', 'out of range'],
    ['-1e400', 'out of range'],
    ['Infinity', 'infinite'],
    ['-inf', 'infinite'],
    ['0x10', 'hexadecimal'],
    ['1_000', 'digit separators'],
    ['1,500', 'thousands separators'],
    ['1,234.5', 'thousands separators'],
    ['1 000', 'thousands separators'],
    ['15%', 'percent'],
    ['\u22121', 'unicode minus'],
    ['1,5', 'decimal mark'],
    ['$12.50', 'currency'],
    ['USD 52.42', 'currency'],
    ['eur 10', 'currency'],
    ['52.42 USD', 'currency'],
    ['(1930.87)', 'accounting'],
    ['($1,930.87)', 'accounting'],
    ['( 12 )', 'accounting'],
  ] as const)
    assert.deepEqual(value(s), { reason }, s);
  for (const s of ['abc', '', '1.2.3', '--1', '1e', 'e5', 'NaN', '(abc)', '()', 'USD'])
    assert.equal(value(s), null, s);
  // decimal commas
  assert.deepEqual(value('1,5', ','), { value: 1.5 });
  assert.deepEqual(value('-0,25e1', ','), { value: -2.5 });
  assert.deepEqual(value('1.500', ','), { reason: 'thousands separators' });
  assert.deepEqual(value('1.5', ','), { reason: 'decimal mark' });
  // thousands separators when asked
  assert.deepEqual(readNumber('1,500', { decimal: '.', thousands: ',' }), { value: 1500 });
  assert.deepEqual(readNumber('-1,234,567.5', { decimal: '.', thousands: ',' }), { value: -1234567.5 });
  assert.deepEqual(readNumber('1500', { decimal: '.', thousands: ',' }), { value: 1500 });
  assert.deepEqual(readNumber('1,50', { decimal: '.', thousands: ',' }), { reason: 'decimal mark' });
  assert.deepEqual(readNumber('1.500,5', { decimal: ',', thousands: '.' }), { value: 1500.5 });
  assert.deepEqual(readNumber('1_000_000', { decimal: '.', thousands: '_' }), { value: 1e6 });
  assert.deepEqual(readNumber("1'000", { decimal: '.', thousands: "'" }), { value: 1000 });
  // JSON numbers
  assert.deepEqual(readNumber(2), { value: 2 });
  assert.deepEqual(readNumber(Number.POSITIVE_INFINITY), { reason: 'out of range' });
  assert.equal(readNumber(true), null);
});

test('readDate: calendar dates only; readBoolean: true/false in any case', () => {
  assert.deepEqual(readDate('1970-01-01'), { value: 1970 });
  assert.ok(Math.abs((readDate('2020-07-02') as { value: number }).value - 2020.5) < 0.003);
  assert.deepEqual(readDate('2020-02-29'), { value: (readDate('2020-02-29') as { value: number }).value });
  for (const s of ['2020-02-30', '2021-02-29', '2020-13-01', '2020-00-10', '2020-04-31', '2020-01-01T24:00'])
    assert.deepEqual(readDate(s), { impossible: true }, s);
  for (const s of ['20200101', '01/02/2020', 'Jan 1 20', 'Foo 1 2020', ''])
    assert.equal(readDate(s), null, s);
  // other unambiguous spellings: the same instant as the ISO date, so the same value
  for (const [s, same] of [
    ['2020/03/01', '2020-03-01'],
    ['2020.3.1', '2020-03-01'],
    ['Mar 1 2020', '2020-03-01'],
    ['March 1, 2020', '2020-03-01'],
    ['1 Mar 2020', '2020-03-01'],
    ['01-mar-2020', '2020-03-01'],
    ['Sun, 1 Mar 2020', '2020-03-01'],
    ['March 2020', '2020-03-01'],
    ['2015/01/01 01:00:00', '2015-01-01T01:00:00Z'],
    ['Jun 12 1998 10:30', '1998-06-12T10:30:00Z'],
  ])
    assert.deepEqual(readDate(s), readDate(same), s);
  for (const s of ['Feb 30 2020', '2020/02/30', '2021/13/01'])
    assert.deepEqual(readDate(s), { impossible: true }, s);
  assert.equal(readBoolean('TRUE'), true);
  assert.equal(readBoolean(' false '), false);
  assert.equal(readBoolean('yes'), null);
  assert.equal(readBoolean(1), null);
});

test('quote and shortList keep messages short', () => {
  assert.equal(quote('abc'), '"abc"');
  assert.equal(quote('x'.repeat(100)), `"${'x'.repeat(80)}"… (100 characters)`);
  assert.equal(quote(Number.POSITIVE_INFINITY), 'Infinity');
  assert.equal(shortList(['a', 'b', 'c'], 2), 'a, b, … 1 more');
  assert.equal(shortList(['a', 'b'], 2), 'a, b');
});

test('firstInvalidUtf8: overlong forms, surrogates, truncated sequences, beyond U+10FFFF', () => {
  const at = (...bytes: number[]) => firstInvalidUtf8(Uint8Array.from(bytes));
  assert.equal(at(0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80), -1); // a é € 😀
  assert.equal(at(0x61, 0xc0, 0xaf), 1); // overlong "/"
  assert.equal(at(0xe0, 0x80, 0xaf), 0); // overlong
  assert.equal(at(0x61, 0x62, 0xed, 0xa0, 0x80), 2); // surrogate U+D800
  assert.equal(at(0x61, 0xe2, 0x82), 1); // truncated
  assert.equal(at(0xf4, 0x90, 0x80, 0x80), 0); // U+110000
  assert.equal(at(0x80), 0); // lone continuation byte
  assert.equal(at(0xc3, 0x41), 0); // lead byte without its continuation
});

test('decodeText: BOM dropped, invalid UTF-8 and NUL named with line:column and byte offset', () => {
  const bytes = (...parts: (string | number[])[]) =>
    Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));
  assert.equal(decodeText(bytes([0xef, 0xbb, 0xbf], 'a,b\n'), 'f.csv'), 'a,b\n');
  assert.throws(
    () => decodeText(bytes('a,b\né,', [0xff], '\n'), 'f.csv'),
    /^DataError: f\.csv:2:3: not valid UTF-8 at byte offset 7 \(bytes 0xFF 0x0A\); save the file as UTF-8$/,
  );
  assert.throws(
    () => decodeText(bytes('a\n', [0x00], 'b'), 'f.csv'),
    /^DataError: f\.csv:2:1: a NUL byte at byte offset 2/,
  );
});

test('decimal commas: detected in ;-separated files, said in a note, forced or refused with the decimal option', () => {
  const t = parseCsv('x;y\n1;2\n2,5;3\n', 'e.csv');
  assert.equal(t.decimal, ',');
  assert.match(t.notes?.[0] ?? '', /^e\.csv: numbers read with decimal commas .* "2,5" at e\.csv:3:1/);
  const enc = fitEncoding(t, { target: ['y'] });
  assert.deepEqual(Array.from(applyEncoding(enc, t).x.data), [1, 2.5]);
  assert.equal(parseCsv('x;y\n1;2\n2;3\n', 'e.csv').decimal, undefined);
  assert.equal(parseCsv('x,y\n"2,5",3\n', 'e.csv').decimal, undefined);
  assert.equal(parseCsv('x,y\n"2,5",3\n', 'e.csv', { decimal: ',' }).decimal, ',');
  assert.equal(parseCsv('x;y\n2,5;3\n', 'e.csv', { decimal: '.' }).decimal, undefined);
});

test('typing: numeric columns with bad cells are errors listing them; text with few numbers is text', () => {
  const t = parseCsv('a,b,c,y\n1,x,1,1\nq,y,2,2\n3,z,2020-01-01,3\nr,w,4,4\n5,1,5,5\n', 't.csv');
  assert.throws(
    () => fitEncoding(t, { target: ['y'], features: ['a'] }),
    (e: unknown) =>
      e instanceof DataError &&
      e.message ===
        't.csv:3:1: "q" in column "a" is not a number (the column is otherwise numeric; also t.csv:5:1 "r"; fix the cells, list such values as missing with --na-values, or pass --categorical a to read the column as text)' &&
      e.row === 1 &&
      e.column === 0,
  );
  assert.equal(fitEncoding(t, { target: ['y'], features: ['b'] }).features[0].type, 'category');
  assert.throws(
    () => fitEncoding(t, { target: ['y'], features: ['c'] }),
    /t\.csv:4:5: "2020-01-01" in column "c" is not a number/,
  );
  assert.equal(
    fitEncoding(t, { target: ['y'], features: ['a'], categorical: ['a'] }).features[0].type,
    'category',
  );
  const na = fitEncoding(t, { target: ['y'], features: ['a'], naValues: ['q', 'r'], missing: 'mean' });
  assert.deepEqual(na.features[0], { name: 'a', type: 'number', fill: 3 });
});

test('JSON: empty keys refused, __proto__ is an ordinary column, duplicates in target / features refused', () => {
  assert.throws(
    () => parseRecords('[{"": 1}]', 'r.json'),
    /r\.json: record 1 \(line 1\) has a field with an empty name/,
  );
  const t = parseRecords(
    '[{"__proto__": 1, "y": 1}, {"__proto__": 2, "y": 0}, {"__proto__": 3, "y": 1}]',
    'p.json',
  );
  assert.deepEqual(t.columns, ['__proto__', 'y']);
  assert.deepEqual(t.rows[1], [2, 0]);
  assert.throws(() => fitEncoding(t, { target: ['y', 'y'] }), /--target names "y" twice/);
  assert.throws(
    () => fitEncoding(t, { target: ['y'], features: ['__proto__', '__proto__'] }),
    /--features names "__proto__" twice/,
  );
});

test('applyEncoding accounts for every row, and --unknown ignore counts unseen categories', () => {
  const t = parseCsv('x,c,y\n1,a,1\n2,b,2\n,a,3\n4,b,\n', 'f.csv');
  const enc = fitEncoding(t, { target: ['y'], missing: 'drop', unknown: 'ignore' });
  const e = applyEncoding(enc, t);
  assert.deepEqual(e.rows, [0, 1]);
  assert.deepEqual(
    e.left.map((l) => [l.row, l.reason]),
    [
      [2, 'missing x'],
      [3, 'missing target y'],
    ],
  );
  const u = parseCsv('x,c\n1,z\n2,a\n3,z\n', 'g.csv');
  const p = applyEncoding(enc, u, { withTarget: false });
  assert.deepEqual(Array.from(p.x.data), [1, 0, 0, 2, 1, 0, 3, 0, 0]);
  assert.deepEqual(p.unseen, [{ column: 'c', cells: 2, values: ['z'] }]);
});

test('MM/DD/YYYY: read month-first only in a column that proves it (a second field above 12, no first one)', () => {
  assert.equal(readDate('12/25/2020'), null); // no order given: not read
  for (const [s, same] of [
    ['12/25/2020', '2020-12-25'],
    ['03/04/2021', '2021-03-04'],
    ['3/4/2021 22:30', '2021-03-04T22:30:00Z'],
    ['03-13-2021', '2021-03-13'],
  ])
    assert.deepEqual(readDate(s, 'month-first'), readDate(same), s);
  assert.deepEqual(readDate('02/30/2021', 'month-first'), { impossible: true });
  assert.deepEqual(readDate('13/03/2021', 'month-first'), { impossible: true });
  assert.equal(provenDateOrder(['03/04/2021', '03/13/2021', '']), 'month-first');
  assert.equal(provenDateOrder(['03/13/21']), null); // two-digit year
  assert.equal(mixedDateOrders(['13/04/2021', '04/13/2021']), true);
  assert.equal(columnDateOrder(['03/04/2021'], 'month-first'), 'month-first'); // --date-order settles it
  assert.equal(columnDateOrder(['13/04/2021'], 'month-first'), 'day-first'); // a proof wins (13 is no month)
  assert.equal(columnDateOrder(['2021-04-03'], 'month-first'), undefined); // no numeric dates: nothing saved
  const t = parseCsv('d,y\n12/25/2020,1\n03/04/2021,2\n01/02/2020,3\n', 'f.csv');
  const enc = fitEncoding(t, { target: ['y'] });
  assert.deepEqual(enc.features, [{ name: 'd', type: 'date', order: 'month-first' }]);
  const p = applyEncoding(enc, parseCsv('d\n04/03/2021\n2021-04-03\n', 'g.csv'), { withTarget: false });
  const april3 = (readDate('2021-04-03') as { value: number }).value;
  assert.deepEqual(Array.from(p.x.data), [april3, april3]);
  assert.throws(
    () => applyEncoding(enc, parseCsv('d\n13.04.2021\n', 'h.csv'), { withTarget: false }),
    /h\.csv:2:1: "13\.04\.2021" in column "d" is not a date/,
  );
  // an ambiguous column is refused unless --date-order (EncodeOptions.dateOrder) says which
  const amb = parseCsv('d,y\n03/04/2021,1\n01/02/2021,2\n', 'amb.csv');
  assert.throws(
    () => fitEncoding(amb, { target: ['y'] }),
    /ambiguous.*--date-order day-first or month-first/,
  );
  const given = fitEncoding(amb, { target: ['y'], dateOrder: 'day-first' });
  assert.deepEqual(given.features, [{ name: 'd', type: 'date', order: 'day-first' }]);
});

test('date-times with a zone: Z, UTC, GMT, +02:00, +0200 and -05 are read as the instant; a zone name is refused', () => {
  const at = (s: string) => (readDate(s) as { value: number }).value;
  assert.equal(at('2021-03-01 10:00:00 UTC'), at('2021-03-01T10:00:00Z'));
  assert.equal(at('2021-03-01T10:00:00GMT'), at('2021-03-01T10:00:00Z'));
  assert.equal(at('2021-03-01 12:00:00+02:00'), at('2021-03-01T10:00:00Z'));
  assert.equal(at('2021-03-01 05:00:00-05'), at('2021-03-01T10:00:00Z')); // PostgreSQL's timestamptz
  assert.equal(readDate('2021-03-01 10:00:00 CET'), null);
  const t = parseCsv('d,y\n2021-03-01 10:00 CET,1\n2021-03-02 10:00 CET,2\n', 'z.csv');
  assert.throws(
    () => fitEncoding(t, { target: ['y'] }),
    /z\.csv:2:1: .* is a date with a time-zone abbreviation/,
  );
});

test('DD.MM.YYYY: read day-first only in a column that proves it (a day above 12, no month above 12)', () => {
  assert.equal(readDate('13.03.2021'), null); // no order given: not read
  for (const [s, same] of [
    ['13.03.2021', '2021-03-13'],
    ['03.04.2021', '2021-04-03'],
    ['3/4/2021', '2021-04-03'],
    ['25-12-2020 10:30', '2020-12-25T10:30:00Z'],
  ])
    assert.deepEqual(readDate(s, 'day-first'), readDate(same), s);
  assert.deepEqual(readDate('31.02.2021', 'day-first'), { impossible: true });
  assert.deepEqual(readDate('03.13.2021', 'day-first'), { impossible: true });
  assert.equal(provenDateOrder(['03.04.2021', '13.04.2021', '']), 'day-first');
  assert.equal(provenDateOrder(['03.04.2021', '01.02.2021']), null); // all ≤ 12: ambiguous
  assert.equal(provenDateOrder(['13.04.2021', '04.13.2021']), null); // mixed orders
  assert.equal(provenDateOrder(['12/25/2020', '03/04/2021']), 'month-first'); // a month… a day above 12
  assert.equal(provenDateOrder(['13.04.21']), null); // two-digit year: which century?
  // the encoding keeps the order, and applying it reads new files day-first even when they do not prove it
  const t = parseCsv('d,y\n13.03.2021,1\n03.04.2021,2\n01.02.2020,3\n', 'f.csv');
  const enc = fitEncoding(t, { target: ['y'] });
  assert.deepEqual(enc.features, [{ name: 'd', type: 'date', order: 'day-first' }]);
  const p = applyEncoding(enc, parseCsv('d\n03.04.2021\n2021-04-03\n', 'g.csv'), { withTarget: false });
  const april3 = (readDate('2021-04-03') as { value: number }).value;
  assert.deepEqual(Array.from(p.x.data), [april3, april3]);
  assert.throws(
    () => applyEncoding(enc, parseCsv('d\n04.13.2021\n', 'h.csv'), { withTarget: false }),
    /h\.csv:2:1: "04\.13\.2021" in column "d" is not a date/,
  );
});

test('YYYY-MM year-months are dates (the first day); year spans such as seasons stay text', () => {
  assert.deepEqual(readDate('2021-03'), readDate('2021-03-01'));
  for (const s of ['2021-13', '2021-00', '2019-20', '4711-01']) assert.equal(readDate(s), null, s);
  const typeOf = (cells: string[]) =>
    fitEncoding(parseCsv(`m,y\n${cells.map((c, i) => `${c},${i}.5`).join('\n')}\n`, 'm.csv'), {
      target: ['y'],
    }).features[0].type;
  assert.equal(typeOf(['2021-03', '2021-04', '2020-12']), 'date');
  assert.equal(typeOf(['2009-10', '2010-11', '2011-12', '2012-13']), 'category'); // seasons
  assert.equal(typeOf(['2010-11', '2011-12', '2010-11']), 'category'); // each a month, together seasons
  assert.equal(typeOf(['4711-01', '4711-02', '4712-01']), 'category'); // codes
});
