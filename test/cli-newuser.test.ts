// A new user's files through the command line: what the text output says is in --json too, predict
// keeps the input's encoding, the exported module reads numbers as training did.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratchDir, scratchnet } from './fixtures/cli.js';

const dir = scratchDir('scratchnet-newuser-');
const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), name);
const quick = ['--epochs', '5', '--no-plots', '--progress', 'quiet', '--no-search'];

// 40 rows with a name column (left out as an identifier: a note) and one outlying x (a warning)
const rows = Array.from({ length: 40 }, (_, i) => `item${i},${i === 39 ? 1000 : i % 10},${(i * 7) % 13}`);
write('named.csv', `name,x,y\n${rows.join('\n')}\n`);

test('train --json lists the data warnings and notes the text output prints', () => {
  const text = scratchnet(
    ['train', '--data', 'named.csv', '--target', 'y', '--out', 'a.json', ...quick],
    dir,
  );
  assert.equal(text.code, 0, text.stderr);
  const said = (prefix: string) =>
    text.stderr
      .split('\n')
      .filter((l) => l.startsWith(prefix))
      .map((l) => l.slice(prefix.length));
  assert.ok(
    said('note: ').some((n) => /column "name"/.test(n)),
    text.stderr,
  );
  assert.ok(
    said('warning: ').some((w) => /input "x"/.test(w)),
    text.stderr,
  );
  const r = scratchnet(
    ['train', '--data', 'named.csv', '--target', 'y', '--out', 'b.json', '--json', ...quick],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.deepEqual(summary.notes, said('note: '));
  for (const w of said('warning: ')) assert.ok(summary.warnings.includes(w), `missing from --json: ${w}`);
});

test('train --stream --json lists the data notes too', () => {
  const r = scratchnet(
    [
      'train',
      '--data',
      'named.csv',
      '--target',
      'y',
      '--out',
      's.json',
      '--json',
      '--stream',
      '--epochs',
      '2',
      '--progress',
      'quiet',
    ],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.ok(
    summary.notes?.some((n: string) => /column "name"/.test(n)),
    `${r.stdout}\n${r.stderr}`,
  );
});

test('predict on a UTF-16 file writes --out in the same UTF-16 (byte-order mark first); stdout stays UTF-8, said so', () => {
  const train = Array.from(
    { length: 40 },
    (_, i) => `${i % 7},${(i * 3) % 5},${(i % 7) + 2 * ((i * 3) % 5)}`,
  );
  write('plain.csv', `a,b,y\n${train.join('\n')}\n`);
  const t = scratchnet(['train', '--data', 'plain.csv', '--target', 'y', '--out', 'p.json', ...quick], dir);
  assert.equal(t.code, 0, t.stderr);
  const text = 'a,b\r\n1,2\r\n3,4\r\n';
  write('new.csv', text);
  const utf8 = scratchnet(['predict', '--model', 'p.json', '--data', 'new.csv'], dir);
  assert.equal(utf8.code, 0, utf8.stderr);
  const le = Buffer.from(`\ufeff${text}`, 'utf16le');
  for (const [name, bytes, bom] of [
    ['le.csv', le, [0xff, 0xfe]],
    ['be.csv', Buffer.from(le).swap16(), [0xfe, 0xff]],
  ] as const) {
    writeFileSync(join(dir, name), bytes);
    const r = scratchnet(['predict', '--model', 'p.json', '--data', name, '--out', `out-${name}`], dir);
    assert.equal(r.code, 0, r.stderr);
    const out = readFileSync(join(dir, `out-${name}`));
    assert.deepEqual([...out.subarray(0, 2)], bom, `${name}: the output's first bytes`);
    const decoded = new TextDecoder(bom[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(out);
    assert.equal(decoded, utf8.stdout, `${name}: the same predictions as from UTF-8`);
    assert.match(r.stderr, /UTF-16[LB]E with a byte-order mark/);
    const s = scratchnet(['predict', '--model', 'p.json', '--data', name], dir);
    assert.equal(s.stdout, utf8.stdout);
    assert.match(s.stderr, /written to stdout as UTF-8 \(.*is UTF-16[LB]E\); --out FILE writes UTF-16/);
  }
});
