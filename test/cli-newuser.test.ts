// A new user's files through the command line: what the text output says is in --json too, predict
// keeps the input's encoding, the exported module reads numbers as training did.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
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
