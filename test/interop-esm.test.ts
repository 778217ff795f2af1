// The standalone ES module: written by `scratchnet export --format esm`, copied into a folder with no
// node_modules anywhere above it, imported by a fresh Node process, it predicts exactly (the same
// text) what `scratchnet predict` writes for a CSV with categories, a boolean, a date and missing
// cells — filled (--impute mean) or left out (--drop-missing); probabilities too. Networks of the other
// activations the WebAssembly kernels approximate: the export's self-check finds no difference.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { readCsv, scratchDir, scratchnet } from './fixtures/cli.js';
import { datesCsv, trainCsv, writeCategoricalCsv } from './interop-helpers.js';

/** Runs predictor.mjs on data.csv in a fresh process; its predictions and probabilities as text. */
function runStandalone(dir: string): { predictions: string[]; probabilities: string[][] | null } {
  writeFileSync(
    join(dir, 'run.mjs'),
    `import { readFileSync } from 'node:fs';
import { predict, predictProba, classes } from './predictor.mjs';
const [header, ...lines] = readFileSync('data.csv', 'utf8').trim().split('\\n').map((l) => l.split(','));
const rows = lines.map((cells) => Object.fromEntries(header.map((h, j) => [h, cells[j]])));
const predictions = predict(rows).filter((p) => p !== null).map(String);
const probabilities = classes ? predictProba(rows).filter((p) => p !== null).map((p) => p.map(String)) : null;
console.log(JSON.stringify({ predictions, probabilities }));
`,
  );
  const r = spawnSync(process.execPath, ['run.mjs'], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** No node_modules in dir or any folder above it: the module cannot lean on an installed package. */
function assertNoNodeModules(dir: string): void {
  for (let d = dir; ; d = dirname(d)) {
    assert.ok(!existsSync(join(d, 'node_modules')), `${d}/node_modules exists`);
    if (dirname(d) === d) break;
  }
}

describe('standalone ES module in a fresh Node process without node_modules', () => {
  test('regression with categories and missing cells filled (--impute mean): the same text as predict', () => {
    const dir = scratchDir('scratchnet-esm-');
    assertNoNodeModules(dir);
    writeCategoricalCsv(join(dir, 'train.csv'));
    writeCategoricalCsv(join(dir, 'data.csv'), 400); // more rows, the same generator: same categories
    const args = ['--impute', 'mean', '--epochs', '40', '--no-plots', '--progress', 'quiet'];
    assert.equal(scratchnet(['train', '--data', 'train.csv', '--target', 'price', ...args], dir).code, 0);
    const predicted = scratchnet(
      ['predict', '--model', 'model.json', '--data', 'data.csv', '--out', 'p.csv'],
      dir,
    );
    assert.equal(predicted.code, 0, predicted.stderr);
    const exported = scratchnet(
      ['export', '--model', 'model.json', '--format', 'esm', '--out', 'predictor.mjs'],
      dir,
    );
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /largest difference 0\.00 .*: ok/);
    assert.doesNotMatch(readFileSync(join(dir, 'predictor.mjs'), 'utf8'), /\bimport\b.*\bfrom\b/);
    const expected = readCsv(readFileSync(join(dir, 'p.csv'), 'utf8'));
    const col = expected.header.indexOf('predicted_price');
    const ours = runStandalone(dir);
    assert.equal(ours.predictions.length, 400);
    assert.deepEqual(
      ours.predictions,
      expected.rows.map((r) => r[col]),
    );
  });

  test('classification with rows left out (--drop-missing): labels and probabilities as predict --proba', () => {
    const dir = scratchDir('scratchnet-esm-');
    writeCategoricalCsv(join(dir, 'train.csv'));
    writeCategoricalCsv(join(dir, 'data.csv'), 300);
    const args = ['--drop-missing', '--epochs', '40', '--no-plots', '--progress', 'quiet'];
    assert.equal(scratchnet(['train', '--data', 'train.csv', '--target', 'city', ...args], dir).code, 0);
    const predicted = scratchnet(
      // --drop-missing at predict time too: without it predict keeps every row (an empty prediction and a note)
      [
        'predict',
        '--model',
        'model.json',
        '--data',
        'data.csv',
        '--proba',
        '--drop-missing',
        '--out',
        'p.csv',
      ],
      dir,
    );
    assert.equal(predicted.code, 0, predicted.stderr);
    assert.equal(
      scratchnet(['export', '--model', 'model.json', '--format', 'esm', '--out', 'predictor.mjs'], dir).code,
      0,
    );
    const expected = readCsv(readFileSync(join(dir, 'p.csv'), 'utf8'));
    const label = expected.header.indexOf('predicted_city');
    const probability = expected.header.findIndex((h) => h.startsWith('probability_'));
    const ours = runStandalone(dir);
    assert.ok(expected.rows.length < 300, 'some rows have missing cells and are left out');
    assert.deepEqual(
      ours.predictions,
      expected.rows.map((r) => r[label]),
    );
    assert.deepEqual(
      ours.probabilities,
      expected.rows.map((r) => r.slice(probability)),
    );
  });

  test('float64 networks of sigmoid, elu, softplus and gelu: the export self-check finds the same numbers (tolerance 0)', () => {
    const dir = scratchDir('scratchnet-esm-');
    writeCategoricalCsv(join(dir, 'train.csv'));
    for (const activation of ['sigmoid', 'elu', 'softplus', 'gelu']) {
      const args = ['--impute', 'mean', '--epochs', '5', '--no-plots', '--progress', 'quiet'];
      const model = `${activation}.json`;
      const train = ['train', '--data', 'train.csv', '--target', 'price', '--activation', activation];
      assert.equal(scratchnet([...train, '--out', model, ...args], dir).code, 0, activation);
      const exported = scratchnet(
        ['export', '--model', model, '--format', 'esm', '--out', `${activation}.mjs`],
        dir,
      );
      assert.equal(exported.code, 0, exported.stderr);
      assert.match(exported.stderr, /largest difference 0\.00 .*: ok/, activation);
    }
  });

  test('dates in every form training reads (day-first, month-first, year-month, month names, UTC): the same text as predict', () => {
    const dir = scratchDir('scratchnet-esm-');
    const p2 = (n: number) => String(n).padStart(2, '0');
    const rows = Array.from({ length: 40 }, (_, i) => {
      const d = 1 + ((i * 7) % 28);
      const m = 1 + ((i * 5) % 12);
      const dates = [`${p2(d)}.${p2(m)}.2021`, `${p2(m)}/${p2(d)}/2020`, `2019-${p2(m)}`];
      return [...dates, `${d} Jun 1998`, `2021-03-${p2(d)} 10:00:00 UTC`, String((i * 13) % 17)].join(',');
    });
    const csv = `dd,md,ym,mn,utc,y\n${rows.join('\n')}\n`;
    writeFileSync(join(dir, 'train.csv'), csv);
    writeFileSync(join(dir, 'data.csv'), csv);
    const args = [
      '--no-search',
      '--epochs',
      '5',
      '--no-plots',
      '--progress',
      'quiet',
      '--task',
      'regression',
    ];
    const trained = scratchnet(['train', '--data', 'train.csv', '--target', 'y', ...args], dir);
    assert.equal(trained.code, 0, trained.stderr);
    const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    assert.deepEqual(
      model.encoding.features.map((f: { type: string; order?: string }) => f.order ?? f.type),
      ['day-first', 'month-first', 'date', 'date', 'date'],
    );
    const predicted = scratchnet(
      ['predict', '--model', 'model.json', '--data', 'data.csv', '--out', 'p.csv'],
      dir,
    );
    assert.equal(predicted.code, 0, predicted.stderr);
    const exported = scratchnet(
      ['export', '--model', 'model.json', '--format', 'esm', '--out', 'predictor.mjs', '--data', 'data.csv'],
      dir,
    );
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /on 40 rows: largest difference 0\.00 .*: ok/);
    const expected = readCsv(readFileSync(join(dir, 'p.csv'), 'utf8'));
    const col = expected.header.indexOf('predicted_y');
    assert.deepEqual(
      runStandalone(dir).predictions,
      expected.rows.map((r) => r[col]),
    );
  });
});

test('names with line breaks (a quoted category "b\\nc") stay inside the module’s comments: it imports and predicts', () => {
  const dir = scratchDir('scratchnet-esm-nl-');
  const rows = Array.from({ length: 12 }, (_, i) => `${i % 2 ? 'a' : '"b\nc"'},${i},${2 * i + (i % 2)}`);
  trainCsv(dir, 'nl', `k,x,y\n${rows.join('\n')}\n`, 5);
  const r = scratchnet(['export', '--model', 'nl.json', '--format', 'esm', '--out', 'nl.mjs'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(readFileSync(join(dir, 'nl.mjs'), 'utf8'), /^\/\/ {3}k \(one of a, b\\nc\),$/m);
  assert.match(r.stderr, /checked in import of the module on 1000 rows: .*: ok/);
});

test('the module reads a JavaScript Date in a date column as its ISO text', async () => {
  const dir = scratchDir('scratchnet-esm-date-');
  trainCsv(dir, 'd', datesCsv(), 5);
  const r = scratchnet(['export', '--model', 'd.json', '--format', 'esm', '--out', 'd.mjs'], dir);
  assert.equal(r.code, 0, r.stderr);
  const mod = (await import(join(dir, 'd.mjs'))) as { predict(rows: Record<string, unknown>[]): unknown[] };
  const asText = mod.predict([{ t: '2021-06-01', x: 2 }]);
  assert.deepEqual(mod.predict([{ t: new Date(Date.UTC(2021, 5, 1)), x: 2 }]), asText);
  assert.equal(typeof asText[0], 'number');
});
