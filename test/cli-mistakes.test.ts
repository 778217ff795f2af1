// Late and silent CLI mistakes: an output that cannot be written is refused before any training, a
// foreign model file (ONNX, TensorFlow.js) is named as such, and missing pieces are said in a note.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, test } from 'node:test';
import { fixture, scratchDir, scratchnet, scratchnetAsync, trainHouses } from './fixtures/cli.js';

const dir = scratchDir('scratchnet-mistakes-');
const houses = fixture('houses.csv');
mkdirSync(join(dir, 'afolder'));
writeFileSync(join(dir, 'afile.txt'), 'not a folder\n');
writeFileSync(join(dir, 'notarget.csv'), 'area_m2,rooms,city,year_built\n50,2,Lyon,1990\n80,3,Paris,2001\n');
const quiet = ['--no-plots', '--progress', 'quiet'];
const housesRun = trainHouses(dir, ['--checkpoint-every', '10']);
for (const format of ['onnx', 'tfjs']) {
  const out = format === 'onnx' ? 'spirals.onnx' : 'tfjs/model.json';
  const r = scratchnet(
    ['export', '--model', 'model.json', '--format', format, '--no-check', '--out', out],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
}

/** One line "scratchnet: …" matching `message`, exit 2, no stack; returns the run. */
async function refused(args: string[], message: RegExp) {
  const r = await scratchnetAsync(args, dir);
  assert.equal(r.code, 2, `exit code for ${args.join(' ')}; stderr: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${r.stderr}`);
  assert.match(lines[0].replace(/^scratchnet: /, ''), message);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  return r;
}

const train = ['train', '--data', houses, '--target', 'price_eur', '--epochs', '100000', ...quiet];
const unwritable: [string, string[], RegExp][] = [
  [
    'predict --out under a file',
    ['predict', '--model', 'model.json', '--data', houses, '--out', 'afile.txt/p.csv'],
    /^--out afile\.txt\/p\.csv: cannot make the folder afile\.txt: .*afile\.txt is not a folder$/,
  ],
  [
    'predict --out a folder',
    ['predict', '--model', 'model.json', '--data', houses, '--out', 'afolder'],
    /^--out afolder: is a folder; give a file name$/,
  ],
  ['train --out a folder', [...train, '--out', 'afolder'], /^--out afolder: is a folder; give a file name$/],
  [
    'train --out under a file',
    [...train, '--out', 'afile.txt/x.json'],
    /^--out afile\.txt\/x\.json: cannot make the folder afile\.txt: .*afile\.txt is not a folder$/,
  ],
  [
    'train --checkpoint under a file',
    [...train, '--out', 'fine.json', '--checkpoint', 'afile.txt/c.json'],
    /^--checkpoint afile\.txt\/c\.json: cannot make the folder afile\.txt/,
  ],
  [
    'train --plots a file',
    ['train', '--data', houses, '--target', 'price_eur', '--plots', 'afile.txt', '--out', 'fine.json'],
    /^--plots afile\.txt: is a file, not a folder; give a folder or --no-plots$/,
  ],
  [
    'datasets --out under a file',
    ['datasets', 'moons', '--out', 'afile.txt/m.csv'],
    /^--out afile\.txt\/m\.csv: cannot make the folder afile\.txt/,
  ],
  [
    'export --out a folder',
    ['export', '--model', 'model.json', '--format', 'esm', '--out', 'afolder'],
    /^--out afolder: is a folder; give a file name$/,
  ],
];

describe('an output that cannot be written: one line, exit 2, before any work', { concurrency: 4 }, () => {
  for (const [name, args, message] of unwritable) {
    it(name, async () => {
      const r = await refused(args, message);
      assert.doesNotMatch(r.stdout, /training on/, 'refused before training');
    });
  }
  it('nothing was written', () => assert.ok(!existsSync(join(dir, 'fine.json'))));
});

describe('a foreign model file is named as such', { concurrency: 4 }, () => {
  const foreign =
    /not a scratchnet model file: it is (an ONNX model|a TensorFlow\.js model)\. .*there is no import command; in code, import(Onnx|Tfjs) of scratchnet\/interop/;
  for (const [command, model] of [
    ['predict', 'spirals.onnx'],
    ['gradcheck', 'spirals.onnx'],
    ['evaluate', 'tfjs/model.json'],
  ]) {
    it(`${command} --model ${model}`, async () => {
      const r = await refused([command, '--model', model, '--data', houses], foreign);
      assert.doesNotMatch(r.stderr, /UTF-8/);
    });
  }
  it('binary weights', async () => {
    await refused(['predict', '--model', 'tfjs/weights.bin', '--data', houses], /it is binary weights/);
  });
});

test('predict on a checkpoint says it is one, and where the finished model is', () => {
  const r = scratchnet(
    ['predict', '--model', 'model.checkpoint.json', '--data', houses, '--out', 'p.csv'],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /^note: model\.checkpoint\.json is a checkpoint of an unfinished run \(saved after epoch 10 of 20\); the run's finished model is model\.json$/m,
  );
  const finished = scratchnet(['predict', '--model', 'model.json', '--data', houses, '--out', 'p.csv'], dir);
  assert.doesNotMatch(finished.stderr, /checkpoint/);
});

test('explain without the target column says why permutation importance is left out', () => {
  const r = scratchnet(['explain', '--model', 'model.json', '--data', 'notarget.csv', '--rows', '1'], dir);
  assert.equal(r.code === 0 || r.code === 3, true, r.stderr);
  const notes = r.stderr.split('\n').filter((l) => l.includes('permutation importance'));
  assert.deepEqual(notes, [
    'note: notarget.csv has no target column "price_eur": permutation importance (which needs the true values) is left out; give data with that column to get it',
  ]);
  assert.doesNotMatch(r.stdout, /Permutation importance/);
});

test('no command: help on stderr, exit 2; --help: help on stdout, exit 0', () => {
  const none = scratchnet([], dir);
  assert.equal(none.code, 2);
  assert.equal(none.stdout, '');
  assert.match(none.stderr, /^Usage: scratchnet /);
  const help = scratchnet(['--help'], dir);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: scratchnet /);
  assert.equal(help.stderr, '');
});

test('the doctor does not suggest holding out rows to a run that held out a fifth', () => {
  const r = scratchnet(['doctor', '--model', 'model.json', '--data', houses, '--json'], dir);
  const report = JSON.parse(r.stdout) as { findings: { rule: string; fix: string; fixFlags: string }[] };
  assert.ok(
    report.findings.some((f) => f.rule === 'too-few-examples'),
    r.stdout,
  ); // the advice at stake
  for (const f of report.findings) {
    assert.doesNotMatch(f.fixFlags, /--val-split/, f.rule);
    assert.doesNotMatch(f.fix, /validationSplit/, f.rule);
  }
});

test('a model worse than a constant on its held-out rows is said so (text and --json); a good one is not', async () => {
  let seed = 1; // 60 rows of 8 noise inputs and a noise target: the network can only overfit
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const rows = Array.from({ length: 60 }, () =>
    Array.from({ length: 9 }, () => random().toFixed(4)).join(','),
  );
  writeFileSync(join(dir, 'noise.csv'), `a,b,c,d,e,f,g,h,y\n${rows.join('\n')}\n`);
  const args = ['train', '--data', 'noise.csv', '--target', 'y', '--no-search', '--epochs', '30', ...quiet];
  const warning =
    /warning: the model is worse than a constant: on the held-out rows, r2 -\d\.\d+ against -?\d\.\d+ for always predicting the training mean \(a linear model: .*\)\. The inputs may not predict y/;
  const text = await scratchnetAsync([...args, '--out', 'noise.json'], dir);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stderr, warning);
  const json = await scratchnetAsync([...args, '--out', 'noise2.json', '--json'], dir);
  assert.match(json.stderr, warning);
  const summary = JSON.parse(json.stdout);
  assert.ok(summary.metrics.heldOut.r2 < summary.metrics.baseline.r2);
  assert.match(summary.warnings[0], /^the model is worse than a constant/);
  assert.doesNotMatch(housesRun.stderr, /worse than a constant/);
  // evaluate on other noise rows: R² below 0, said in a note (and in --json's notes)
  const more = Array.from({ length: 40 }, () =>
    Array.from({ length: 9 }, () => random().toFixed(4)).join(','),
  );
  writeFileSync(join(dir, 'noise-test.csv'), `a,b,c,d,e,f,g,h,y\n${more.join('\n')}\n`);
  const evaluated = await scratchnetAsync(
    ['evaluate', '--model', 'noise.json', '--data', 'noise-test.csv'],
    dir,
  );
  assert.equal(evaluated.code, 0, evaluated.stderr);
  assert.match(
    evaluated.stdout,
    /note: r2 -\d\.\d+ is below 0: on these rows the model does worse than predicting their mean/,
  );
  // a streamed run says it too (3,000 noise rows of 4 columns, windows of 1,000)
  seed = 3;
  const many = Array.from({ length: 3000 }, () =>
    Array.from({ length: 4 }, () => random().toFixed(4)).join(','),
  );
  writeFileSync(join(dir, 'noise-stream.csv'), `a,b,c,y\n${many.join('\n')}\n`);
  const stream = ['--stream', '--window', '1000', '--epochs', '3', '--out', 'noise3.json', '--json'];
  const streamed = await scratchnetAsync(
    ['train', '--data', 'noise-stream.csv', '--target', 'y', ...stream],
    dir,
  );
  assert.equal(streamed.code, 0, streamed.stderr);
  assert.match(
    JSON.parse(streamed.stdout).warnings[0],
    /^the model is worse than a constant: on the held-out rows/,
  );
  const good = await scratchnetAsync(['evaluate', '--model', 'model.json', '--data', houses, '--json'], dir);
  assert.equal(JSON.parse(good.stdout).notes, undefined);
});

test('export --data checks on a file with decimal commas, read as predict reads it', async () => {
  const rows = Array.from({ length: 30 }, (_, i) => `${i % 7},${i % 3};${i % 2 ? 'a' : 'b'};${i},5`);
  writeFileSync(join(dir, 'commas.csv'), `x;c;y\n${rows.join('\n')}\n`);
  const trained = await scratchnetAsync(
    [
      'train',
      '--data',
      'commas.csv',
      '--target',
      'y',
      '--no-search',
      '--epochs',
      '2',
      '--out',
      'commas.json',
      ...quiet,
    ],
    dir,
  );
  assert.equal(trained.code, 0, trained.stderr);
  const r = await scratchnetAsync(
    ['export', '--model', 'commas.json', '--format', 'esm', '--out', 'commas.js', '--data', 'commas.csv'],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /checked in import of the module on 30 rows: largest difference 0\.00 \(tolerance 0\): ok/,
  );
});

test('a model file given as --data is named as such', async () => {
  await refused(
    ['predict', '--model', 'model.json', '--data', 'model.json'],
    /^model\.json: is a scratchnet model file, not data \(give it as --model\)$/,
  );
});

test('export never writes over the model or the data it reads (nor its tfjs weights file): one line, exit 2, both kept', async () => {
  const { readFileSync, copyFileSync } = await import('node:fs');
  copyFileSync(join(dir, 'model.json'), join(dir, 'keep.json'));
  copyFileSync(houses, join(dir, 'keep.csv'));
  const model = readFileSync(join(dir, 'keep.json'), 'utf8');
  const data = readFileSync(join(dir, 'keep.csv'), 'utf8');
  for (const format of ['onnx', 'tfjs', 'esm'])
    await refused(
      ['export', '--model', 'keep.json', '--format', format, '--out', './keep.json'],
      /^--out \.\/keep\.json is the --model file: writing there would overwrite it; choose another --out$/,
    );
  await refused(
    ['export', '--model', 'keep.json', '--format', 'esm', '--data', 'keep.csv', '--out', 'keep.csv'],
    /^--out keep\.csv is the --data file/,
  );
  // tfjs writes NAME.weights.bin beside NAME.json
  copyFileSync(join(dir, 'keep.json'), join(dir, 'keep.weights.bin'));
  await refused(
    ['export', '--model', 'keep.weights.bin', '--format', 'tfjs', '--out', 'keep.json'],
    /is the --model file/,
  );
  assert.equal(readFileSync(join(dir, 'keep.json'), 'utf8'), model);
  assert.equal(readFileSync(join(dir, 'keep.csv'), 'utf8'), data);
});

test('with --json, an error is also one JSON line on stdout {error, exitCode} (stderr keeps its one line)', async () => {
  const missing = await refused(
    ['evaluate', '--model', 'model.json', '--data', 'nothere.csv', '--json'],
    /nothere\.csv/,
  );
  const parsed = JSON.parse(missing.stdout) as { error: string; exitCode: number };
  assert.equal(parsed.exitCode, 2);
  assert.match(parsed.error, /nothere\.csv/);
  assert.equal(missing.stdout.trimEnd().split('\n').length, 1);
  const option = await scratchnetAsync(
    ['evaluate', '--model', 'model.json', '--data', houses, '--bogus', '--json'],
    dir,
  );
  assert.equal(option.code, 2);
  assert.match((JSON.parse(option.stdout) as { error: string }).error, /unknown option '--bogus'/);
  const plain = await scratchnetAsync(['evaluate', '--model', 'model.json', '--data', 'nothere.csv'], dir);
  assert.equal(plain.stdout, '', 'without --json, stdout stays empty');
});
