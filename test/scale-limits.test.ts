// Limits before allocation: model files and options outside NETWORK_LIMITS are refused before any
// buffer is made — quickly, in little memory, with one line saying what the network would need.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NETWORK_LIMITS, Network, NetworkSizeError, OptionError } from '../src/index.js';
import { modelNetwork, parseModel } from '../src/io/index.js';
import { scratchDir, scratchnet } from './fixtures/cli.js';
import { measuredScratchnet } from './scale-measure.js';

const dir = scratchDir('scratchnet-limits-');
writeFileSync(join(dir, 'xor.csv'), 'a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n');
const trained = scratchnet(
  ['train', '--data', 'xor.csv', '--target', 'y', '--epochs', '3', '--no-plots', '--out', 'm.json'],
  dir,
);

test('a model file declaring a 50,000×50,000 layer is refused in < 1 s and < 100 MB', async () => {
  assert.equal(trained.code, 0, trained.stderr);
  const model = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
  model.network.layers = [
    { ...model.network.layers[0], inputSize: 2, outputSize: 50_000 },
    { ...model.network.layers[1], inputSize: 50_000, outputSize: 50_000 },
    { ...model.network.layers[2], inputSize: 50_000, outputSize: 1 },
  ];
  writeFileSync(join(dir, 'huge.json'), JSON.stringify(model));
  const r = await measuredScratchnet(['evaluate', '--model', 'huge.json', '--data', 'xor.csv'], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /^scratchnet: huge\.json: invalid model file: network: a network of 2,500,250,001 parameters would need 80\.0 GB/,
  );
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.ok(r.ms < 1000, `took ${r.ms.toFixed(0)} ms`);
  assert.ok(r.maxRSS < 100e6, `peak RSS ${(r.maxRSS / 1e6).toFixed(0)} MB`);
});

test('a model file whose weights do not match its layers is refused before allocation', () => {
  const model = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
  model.network.parameters = model.network.parameters.slice(1);
  const short = parseModel(JSON.stringify(model), 'short.json');
  assert.throws(() => modelNetwork(short, 'short.json'), {
    message: 'short.json: invalid model file: the description holds 4416 parameters but its layers need 4417',
  });
  model.network.layers[0].outputSize = NETWORK_LIMITS.layerWidth + 1;
  assert.throws(() => parseModel(JSON.stringify(model), 'wide.json'), {
    message: /^wide\.json: invalid model file: network\.layers\[0\]\.outputSize/,
  });
});

test('--layers 100000,100000 is one line, exit 2, saying the memory needed', () => {
  const r = scratchnet(
    [
      'train',
      '--data',
      'xor.csv',
      '--target',
      'y',
      '--layers',
      '100000,100000',
      '--no-plots',
      '--out',
      'big.json',
    ],
    dir,
  );
  assert.equal(r.code, 2, r.stderr);
  assert.equal(
    r.stderr,
    'scratchnet: a network of 10,000,500,001 parameters would need 320.0 GB (float64 parameters, gradients and two optimizer moments); the limit is 100,000,000 parameters — use fewer or narrower layers\n',
  );
});

test('the library refuses [1, 1e9, 1] and non-numeric sizes with its own errors, at once', () => {
  const start = performance.now();
  assert.throws(
    () => new Network({ layers: [1, 1e9, 1] }),
    (e: unknown) =>
      e instanceof NetworkSizeError &&
      e instanceof OptionError &&
      /layers\[1\] is 1,000,000,000 units/.test(e.message),
  );
  assert.throws(
    () => new Network({ layers: [1, 30_000, 30_000, 1], dtype: 'float32' }),
    (e: unknown) =>
      e instanceof NetworkSizeError && e.parameters === 900_120_001 && e.bytes === 900_120_001 * 16,
  );
  assert.throws(() => new Network({ layers: [1, Number.NaN, 1] }), OptionError);
  assert.throws(() => new Network({ layers: [1, '64' as unknown as number, 1] }), OptionError);
  const json = new Network({ layers: [2, 3, 1] }).toJSON();
  json.layers[0].outputSize = 1e9;
  assert.throws(() => Network.fromJSON(json), NetworkSizeError);
  assert.ok(performance.now() - start < 1000);
});
