// Model files: float64 weights round-trip bit-exactly through the text; validation names what is wrong.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError, Network, Random, fit } from '../src/index.js';
import {
  MODEL_FORMAT,
  MODEL_VERSION,
  modelNetwork,
  parseModel,
  serializeModel,
  type ModelFile,
} from '../src/io/index.js';

function trained(): Network {
  const random = new Random(5);
  const x = Array.from({ length: 40 }, () => [random.normal(), random.normal() * 100]);
  const y = x.map(([a, b]) => [Math.sin(a) + b / 50]);
  const net = new Network({ layers: [2, 8, 1], activation: 'tanh', seed: 2 });
  fit(net, x, y, { epochs: 30 });
  return net;
}

function file(net: Network): ModelFile {
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    network: net.toJSON(),
    encoding: {
      features: [
        { name: 'a', type: 'number' },
        { name: 'b', type: 'number' },
      ],
      target: { columns: ['y'], task: 'regression' },
      missing: 'error',
    },
    settings: { layers: [8], activation: 'tanh', optimizer: 'adam', weightDecay: 0, scale: true, seed: 2 },
  };
}

test('serializeModel → parseModel → modelNetwork: every weight and the scaling bit for bit', () => {
  const net = trained();
  const text = serializeModel(file(net));
  const back = modelNetwork(parseModel(text));
  assert.equal(back.params.length, net.params.length);
  for (let i = 0; i < net.params.length; i++)
    assert.ok(Object.is(back.params[i], net.params[i]), `parameter ${i}`);
  assert.deepEqual(back.scaling, net.scaling);
  const p = net.predict([[0.3, -20]]).data[0];
  assert.ok(Object.is(back.predict([[0.3, -20]]).data[0], p));
  assert.equal(serializeModel(parseModel(text)), text);
});

test('parseModel: invalid JSON, another format, another version, schema violations, bad weights', () => {
  const good = file(trained());
  const cases: [string, RegExp][] = [
    ['{"format": ', /^m\.json: not a model file: invalid JSON/],
    ['[1, 2]', /^m\.json: not a scratchnet model file/],
    [
      JSON.stringify({ ...good, version: 2 }),
      /^m\.json: model format version 2 is not supported; this scratchnet reads version 1$/,
    ],
    [
      JSON.stringify({ ...good, encoding: { ...good.encoding, missing: 'guess' } }),
      /^m\.json: invalid model file: encoding\.missing: /,
    ],
    [
      JSON.stringify({ ...good, network: { ...good.network, parameters: [1, 'x'] } }),
      /^m\.json: invalid model file: network\.parameters\[1\]: /,
    ],
    [JSON.stringify({ ...good, settings: undefined }), /^m\.json: invalid model file: settings: /],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseModel(text, 'm.json'),
      (e: unknown) => e instanceof DataError && message.test(e.message),
      text.slice(0, 40),
    );
  }
  const short = parseModel(
    JSON.stringify({ ...good, network: { ...good.network, parameters: good.network.parameters.slice(3) } }),
    'm.json',
  );
  assert.throws(
    () => modelNetwork(short, 'm.json'),
    /^DataError: m\.json: invalid model file: the description holds \d+ parameters but its layers need \d+$/,
  );
});
