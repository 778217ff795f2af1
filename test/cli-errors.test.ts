// Every user mistake prints one clear line — what and where (file:line:column) — and exits 2 with no
// stack trace; an internal bug exits 1 with its stack.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, test } from 'node:test';
import { main } from '../src/cli/run.js';
import { createProgram } from '../src/cli/program.js';
import { fixture, scratchDir, scratchnet, trainHouses } from './fixtures/cli.js';

const dir = scratchDir('scratchnet-errors-');
const houses = fixture('houses.csv');
const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), name);

// files with one mistake each
write('typo.csv', 'x,y\n1,2\n2,4\n3,6\n4,8\n5,ten\n6,12\n7,14\n'.replace('5,ten', 'five,10'));
write('ragged.csv', 'a,b,y\n1,2,3\n4,5,6,7\n');
write('quote.csv', 'a,y\n1,2\n"3,4\n');
write('bad.json', '[{"a": 1, "y": 2},\n {"a": 2, "y": }]\n');
write('holes.csv', 'a,b,y\n1,2,3\n4,,6\n7,8,NA\n');
write('empty.csv', '');
write('three.csv', 'a,k\n1,x\n2,y\n3,z\n4,x\n');
write('nocity.csv', 'area_m2,rooms,year_built\n50,2,1990\n');
write('newcity.csv', 'area_m2,rooms,city,year_built\n50,2,Nice,1990\n');
write('notarget.csv', 'area_m2,rooms,city,year_built\n50,2,Lyon,1990\n');
// a trained model and broken copies of it
trainHouses(dir, ['--out', 'houses.json']);
const model = JSON.parse(readFileSync(join(dir, 'houses.json'), 'utf8'));
const ckpt = scratchnet(
  [
    'train',
    '--data',
    houses,
    '--target',
    'price_eur',
    '--epochs',
    '20',
    '--checkpoint-every',
    '10',
    '--no-plots',
    '--progress',
    'quiet',
    '--out',
    'ck.json',
  ],
  dir,
);
assert.equal(ckpt.code, 0, ckpt.stderr);
write(
  'fewer.csv',
  readFileSync(houses, 'utf8')
    .split('\n')
    .filter((_, i) => i !== 1)
    .join('\n'),
);
write('corrupt.json', readFileSync(join(dir, 'houses.json'), 'utf8').slice(0, 500));
write('future.json', JSON.stringify({ ...model, version: 99 }));
write('other.json', JSON.stringify({ hello: 'world' }));
write(
  'noweights.json',
  JSON.stringify({ ...model, network: { ...model.network, parameters: model.network.parameters.slice(1) } }),
);
write(
  'badscaling.json',
  JSON.stringify({
    ...model,
    network: { ...model.network, scaling: { ...model.network.scaling, inputMean: [0] } },
  }),
);
write(
  'badtask.json',
  JSON.stringify({
    ...model,
    encoding: {
      ...model.encoding,
      target: { ...model.encoding.target, task: 'multiclass', classes: ['a', 'b', 'c'] },
    },
  }),
);
write(
  'targettypo.csv',
  'x,y\n' + Array.from({ length: 20 }, (_, i) => `${i},${i === 6 ? 'n/a?' : i * i}`).join('\n') + '\n',
);
write(
  'badfield.json',
  JSON.stringify({
    ...model,
    encoding: { ...model.encoding, target: { ...model.encoding.target, task: 'ranking' } },
  }),
);

const cases: [string, string[], RegExp][] = [
  ['missing data file', ['train', '--data', 'nope.csv', '--target', 'y'], /^nope\.csv: no such data file$/],
  ['a folder as data', ['train', '--data', '.', '--target', 'y'], /^\.: is a folder, not a data file$/],
  [
    'unknown target column',
    ['train', '--data', houses, '--target', 'price'],
    /houses\.csv: no target column named "price"; columns are: area_m2, rooms, city, year_built, price_eur$/,
  ],
  [
    'unknown feature column',
    ['train', '--data', houses, '--target', 'price_eur', '--features', 'area,rooms'],
    /no feature column named "area"/,
  ],
  [
    'non-numeric cell',
    ['train', '--data', 'typo.csv', '--target', 'y'],
    /^typo\.csv:6:1: "five" in column "x" is not a number/,
  ],
  [
    'ragged row',
    ['train', '--data', 'ragged.csv', '--target', 'y'],
    /^ragged\.csv:3:7: this row has 4 fields but the header has 3$/,
  ],
  [
    'unclosed quote',
    ['train', '--data', 'quote.csv', '--target', 'y'],
    /^quote\.csv:3:1: this quoted field is never closed$/,
  ],
  [
    'invalid JSON',
    ['train', '--data', 'bad.json', '--target', 'y'],
    /^bad\.json:2:16: invalid JSON: unexpected "}"$/,
  ],
  [
    'missing cells',
    ['train', '--data', 'holes.csv', '--target', 'y'],
    /^holes\.csv: 2 rows have missing values: holes\.csv:3:3 \(b\); holes\.csv:4:5 \(y\)\. Pass --drop-missing/,
  ],
  ['empty file', ['train', '--data', 'empty.csv', '--target', 'y'], /^empty\.csv: the file is empty/],
  ['no data at all', ['train'], /^no data: give --data FILE/],
  ['no target', ['train', '--data', houses], /^--target is required with --data/],
  [
    'impossible task',
    ['train', '--data', 'three.csv', '--target', 'k', '--task', 'binary'],
    /--task binary needs exactly 2 classes in "k", found 3: x, y, z$/,
  ],
  ['unknown option', ['train', '--epoch', '5'], /^unknown option '--epoch' \(Did you mean --epochs\?\)$/],
  ['unknown command', ['trian'], /^unknown command 'trian'/],
  [
    'epochs not a number',
    ['train', '--dataset', 'xor', '--epochs', 'ten'],
    /^option '--epochs <n>' argument 'ten' is invalid\. expected an integer >= 1/,
  ],
  [
    'negative learning rate',
    ['train', '--dataset', 'xor', '--lr', '-0.1'],
    /argument '-0\.1' is invalid\. expected a number > 0/,
  ],
  [
    'validation split of 1.5',
    ['train', '--dataset', 'xor', '--val-split', '1.5'],
    /argument '1\.5' is invalid\. expected a number >= 0 and < 1/,
  ],
  [
    'validation split leaving no rows',
    ['train', '--dataset', 'xor', '--val-split', '0.01'],
    /^validationSplit 0\.01 of 4 rows leaves 0 validation and 4 training rows/,
  ],
  [
    'bad layer sizes',
    ['train', '--dataset', 'xor', '--layers', '64,x'],
    /expected hidden layer sizes such as 64,64 \(positive integers\), got "x"/,
  ],
  [
    'unknown activation',
    ['train', '--dataset', 'xor', '--activation', 'relux'],
    /argument 'relux' is invalid\. Allowed choices are linear, relu, leakyRelu/,
  ],
  [
    'unknown dataset',
    ['train', '--dataset', 'spiral'],
    /argument 'spiral' is invalid\. Allowed choices are and, xor, seed-square/,
  ],
  [
    'dataset options on a file',
    ['train', '--data', houses, '--target', 'price_eur', '--n', '10'],
    /--n, --noise and --data-seed apply to built-in datasets/,
  ],
  [
    'missing model file',
    ['predict', '--model', 'none.json', '--data', houses],
    /^none\.json: no such model file$/,
  ],
  [
    'corrupt model file',
    ['predict', '--model', 'corrupt.json', '--data', houses],
    /^corrupt\.json: not a model file: invalid JSON/,
  ],
  [
    'wrong model version',
    ['evaluate', '--model', 'future.json', '--data', houses],
    /^future\.json: model format version 99 is not supported; this scratchnet reads version 1$/,
  ],
  [
    'not a model file',
    ['evaluate', '--model', 'other.json', '--data', houses],
    /^other\.json: not a scratchnet model file/,
  ],
  [
    'schema violation',
    ['evaluate', '--model', 'badfield.json', '--data', houses],
    /^badfield\.json: invalid model file: encoding\.target\.task: /,
  ],
  [
    'scaling that does not fit the network',
    ['predict', '--model', 'badscaling.json', '--data', houses],
    /^badscaling\.json: invalid model file: scaling\.inputMean must hold \d+ numbers \(one per input\), got 1$/,
  ],
  [
    'a task that does not fit the network',
    ['predict', '--model', 'badtask.json', '--data', houses],
    /^badtask\.json: invalid model file: a multiclass model with 3 classes cannot have a network with 1 output and loss mse$/,
  ],
  [
    'a typo in a numeric target',
    ['train', '--data', 'targettypo.csv', '--target', 'y'],
    /^targettypo\.csv:8:3: target "y" is "n\/a\?", not a number \(the column is otherwise numeric/,
  ],
  [
    'weights that do not fit',
    ['predict', '--model', 'noweights.json', '--data', houses],
    /^noweights\.json: invalid model file: the description holds \d+ parameters but its layers need \d+$/,
  ],
  [
    'feature column missing at predict',
    ['predict', '--model', 'houses.json', '--data', 'nocity.csv'],
    /^nocity\.csv: no feature column named "city"/,
  ],
  [
    'unseen category at predict',
    ['predict', '--model', 'houses.json', '--data', 'newcity.csv'],
    /^newcity\.csv:2:6: "Nice" in column "city" is a category the model never saw; known: Lyon, Nantes, Paris; --unknown ignore encodes unseen ones as zeros$/,
  ],
  [
    'evaluate without targets',
    ['evaluate', '--model', 'houses.json', '--data', 'notarget.csv'],
    /^notarget\.csv: no target column "price_eur"/,
  ],
  [
    '--proba on regression',
    ['predict', '--model', 'houses.json', '--data', houses, '--proba'],
    /^--proba applies to classification models/,
  ],
  [
    'resume a finished model',
    ['train', '--resume', 'houses.json'],
    /^houses\.json: this model finished training; --resume takes a checkpoint file/,
  ],
  [
    'resume on other data',
    ['train', '--resume', 'ck.checkpoint.json', '--data', 'fewer.csv'],
    /^fewer\.csv: this is not the data ck\.checkpoint\.json was trained on \(119 rows here, 120 then, and the values differ\); resume needs the same data$/,
  ],
  [
    'required option missing',
    ['predict', '--data', houses],
    /^required option '--model <file>' not specified$/,
  ],
];

describe('bad inputs', { concurrency: 4 }, () => {
  for (const [name, args, message] of cases) {
    it(`${name} → one line, exit 2`, () => {
      const r = scratchnet(args, dir);
      assert.equal(r.code, 2, `exit code for ${args.join(' ')}; stderr: ${r.stderr}`);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `one line, got:\n${r.stderr}`);
      assert.match(lines[0], /^scratchnet: /);
      assert.match(lines[0].slice('scratchnet: '.length), message);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  }
});

test('at least 15 distinct bad inputs are covered', () => assert.ok(cases.length >= 15));

test('an internal bug exits 1 with its stack trace', async () => {
  const chunks: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => (chunks.push(String(s)), true)) as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(['node', 'scratchnet', 'boom'], () => {
      const p = createProgram();
      p.command('boom').action(() => {
        (undefined as unknown as { x: number }).x;
      });
      return p;
    });
  } finally {
    process.stderr.write = original;
  }
  assert.equal(code, 1);
  const text = chunks.join('');
  assert.match(
    text,
    /^scratchnet: internal error \(a bug in scratchnet; please report it with this trace\):\nTypeError: Cannot read properties of undefined/,
  );
  assert.match(text, /\n\s+at /);
});
