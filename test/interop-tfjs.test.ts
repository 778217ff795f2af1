// TensorFlow.js round trips (CPU backend): our models exported to model.json + weights.bin predict the
// same in tf.loadLayersModel within 1e-5; a model built and trained in @tensorflow/tfjs, saved to
// files here, imports and predicts the same within 1e-5, and gradcheck and doctor run on it; a Keras
// Sequential config with its weights imports; unsupported layers and activations are named.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Random, diagnose, gradCheck, type ActivationSpec } from '../src/index.js';
import { exportTfjs, importKeras, importTfjs, sampleRecords } from '../src/io/export/index.js';
import { referencePredictions } from '../src/io/export/check.js';
import { loadArtifacts, type Tfjs } from '../src/io/export/tfjs-check.js';
import { scratchDir } from './fixtures/cli.js';
import { maxAbsDifference, trainedModel, type Task } from './interop-helpers.js';

before(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});

describe('ours → TensorFlow.js: the same predictions within 1e-5', () => {
  const cases: [Task, ActivationSpec][] = [
    ['regression', 'relu'],
    ['regression', { name: 'leakyRelu', alpha: 0.2 }],
    ['regression', 'elu'],
    ['regression', 'softplus'],
    ['binary', 'tanh'],
    ['multiclass', 'sigmoid'],
  ];
  for (const [task, activation] of cases) {
    test(`${task}, hidden ${JSON.stringify(activation)}`, async () => {
      const model = trainedModel(task, activation);
      const artifacts = exportTfjs(model);
      const ref = referencePredictions(model, sampleRecords(model, 1000, 5));
      const loaded = await loadArtifacts(tf as unknown as Tfjs, artifacts);
      const out = loaded.predict(tf.tensor2d(Float32Array.from(ref.x.data), [1000, 3])).dataSync();
      const d = maxAbsDifference(out, ref.out.data);
      assert.ok(d <= 1e-5, `differs by ${d}`);
    });
  }

  test('gelu and elu with alpha ≠ 1 are refused with the reason', () => {
    assert.throws(() => exportTfjs(trainedModel('regression', 'gelu')), /TensorFlow.js cannot load/);
    const elu = trainedModel('regression', { name: 'elu', alpha: 0.5 });
    assert.throws(() => exportTfjs(elu), /elu with alpha 1 only/);
  });
});

/** A model built and trained in TensorFlow.js, saved to model.json + weights.bin in `dir`. */
async function trainInTfjs(dir: string): Promise<{ x: number[][]; y: number[][] }> {
  const random = new Random(31);
  const x = Array.from({ length: 200 }, () => [random.normal(), random.normal(), random.normal()]);
  const y = x.map(([a, b, c]) => [Math.sin(a) + b * c > 0 ? 1 : 0]);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [3], units: 8, activation: 'relu' }),
      tf.layers.dense({ units: 6 }),
      tf.layers.leakyReLU({ alpha: 0.1 }),
      tf.layers.dense({ units: 5, activation: 'tanh' }),
      tf.layers.dropout({ rate: 0.1 }),
      tf.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
  await model.fit(tf.tensor2d(x), tf.tensor2d(y), { epochs: 20, batchSize: 32, verbose: 0 });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const { weightSpecs, weightData, ...rest } = artifacts;
      writeFileSync(
        join(dir, 'model.json'),
        JSON.stringify({
          ...rest,
          format: 'layers-model',
          weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }],
        }),
      );
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return { x, y };
}

describe('TensorFlow.js → ours: a model trained in @tensorflow/tfjs, read from its files', () => {
  test('predicts the same within 1e-5; gradcheck passes and doctor runs on it', async () => {
    const dir = scratchDir('scratchnet-tfjs-');
    const { x, y } = await trainInTfjs(dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const network = importTfjs(json, readFileSync(join(dir, 'weights.bin')), {}, 'model.json');
    assert.equal(network.layers.length, 4);
    assert.equal(network.loss.name, 'binaryCrossEntropy');
    const tfModel = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: new Uint8Array(readFileSync(join(dir, 'weights.bin'))).buffer,
      }),
    );
    const random = new Random(32);
    const rows = Array.from({ length: 1000 }, () => [random.normal(), random.normal(), random.normal()]);
    const theirs = (tfModel.predict(tf.tensor2d(rows)) as tf.Tensor).dataSync();
    const d = maxAbsDifference(network.predict(rows).data, theirs);
    assert.ok(d <= 1e-5, `differs by ${d}`);
    const report = gradCheck(network, x.slice(0, 32), y.slice(0, 32));
    assert.equal(report.verdict, 'pass');
    const doctor = diagnose(network, { x, y }, { epochs: 20, trained: true });
    assert.ok(Array.isArray(doctor.findings));
    assert.equal(doctor.summary.parameters, network.parameterCount);
  });

  test('a Keras Sequential config (model.to_json) and get_weights() import', () => {
    const config = {
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        layers: [
          { class_name: 'InputLayer', config: { batch_shape: [null, 2], name: 'input' } },
          { class_name: 'Dense', config: { name: 'dense', units: 3, activation: 'elu', use_bias: true } },
          {
            class_name: 'Dense',
            config: { name: 'dense_1', units: 2, activation: 'linear', use_bias: false },
          },
          { class_name: 'Activation', config: { name: 'act', activation: 'softmax' } },
        ],
      },
      keras_version: '3.6.0',
    };
    const weights = [
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [0.1, 0.2, 0.3],
      [
        [1, -1],
        [0.5, 0],
        [0, 2],
      ],
    ];
    const network = importKeras(JSON.stringify(config), weights);
    assert.equal(network.loss.name, 'softmaxCrossEntropy');
    // by hand for the input [1, −1]: elu(x·W1 + b1), then ·W2 (no bias), then softmax
    const a = [1 - 4 + 0.1, 2 - 5 + 0.2, 3 - 6 + 0.3].map((v) => (v > 0 ? v : Math.expm1(v)));
    const logits = [a[0] + 0.5 * a[1], -a[0] + 2 * a[2]];
    const e = logits.map((l) => Math.exp(l - Math.max(...logits)));
    const expected = e.map((v) => v / (e[0] + e[1]));
    const got = network.predict([[1, -1]]).data;
    assert.ok(maxAbsDifference(got, expected) < 1e-12, `${got} vs ${expected}`);
  });

  test('unsupported layers and activations are named with their position', () => {
    const layers: { class_name: string; config: Record<string, unknown> }[] = [
      {
        class_name: 'Dense',
        config: { name: 'd0', units: 2, activation: 'relu', batch_input_shape: [null, 2] },
      },
      { class_name: 'BatchNormalization', config: { name: 'bn' } },
    ];
    const w = [
      [
        [1, 0],
        [0, 1],
      ],
      [0, 0],
    ];
    assert.throws(
      () => importKeras({ class_name: 'Sequential', config: { layers } }, w, {}, 'k.json'),
      /k\.json: layer 1 \("bn", BatchNormalization\): not supported/,
    );
    layers[1] = { class_name: 'Dense', config: { name: 'd1', units: 2, activation: 'gelu' } };
    assert.throws(
      () => importKeras({ class_name: 'Sequential', config: { layers } }, [...w, ...w], {}, 'k.json'),
      /layer 1 \("d1", Dense\): activation gelu \(the erf form/,
    );
  });
});
