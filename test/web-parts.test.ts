// The playground's parts that need no browser: the state table and its URL hash, the seeded
// datasets, the trainer (same state ⇒ same losses; divergence caught), and the static server's
// refusal to serve anything outside web/ and dist/.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activationNames, lossNames, optimizerNames } from '../src/index.js';
import { datasetNames, makeDataset } from '../web/datasets.js';
import { startSite } from './web-site.js';
import {
  defaultState,
  fields,
  checkedState,
  fromHash,
  settingsChange,
  toHash,
  withHidden,
  withLayerActivation,
  type PlaygroundState,
} from '../web/state.js';
import '../web/library-names.js'; // the state table's choices, as the worker gives them to the page
import { usableFeatures } from '../web/features.js';
import { LossHistory } from '../web/history.js';
import { Trainer, splitRows } from '../web/trainer.js';

test('toHash → fromHash returns the same state, for the default and for a changed one', () => {
  const changed: PlaygroundState = {
    dataset: 'circles',
    dataSeed: 9,
    noise: 0.125,
    testRatio: 0.25,
    features: ['x1sq', 'x1x2', 'sinx2'],
    hidden: [3, 4],
    activation: 'gelu',
    layerActivations: ['tanh', 'gelu'],
    output: 'linear',
    loss: 'binaryCrossEntropy',
    optimizer: optimizerNames.at(-1)!,
    learningRate: 3e-4,
    batchSize: 10,
    weightDecay: 0.5,
    l1: 0.01,
    seed: 2 ** 31 - 1,
    showTest: true,
    discretize: true,
  };
  for (const state of [defaultState, changed]) {
    assert.deepEqual(fromHash(`#${toHash(state)}`), { state: { ...state }, rejected: [] });
  }
  assert.equal(
    toHash(changed),
    'dataset=circles&noise=0.125&testRatio=0.25&dataSeed=9&features=x1sq%2Cx1x2%2Csinx2&activation=gelu' +
      '&hidden=3%2C4&layerActivations=tanh%2Cgelu&output=linear&loss=binaryCrossEntropy' +
      `&optimizer=${optimizerNames.at(-1)}&learningRate=0.0003&batchSize=10&weightDecay=0.5&l1=0.01` +
      '&seed=2147483647&showTest=true&discretize=true',
  );
});

test('fromHash: missing fields take defaults; bad values and unknown keys are named and ignored', () => {
  assert.deepEqual(fromHash(''), { state: { ...defaultState }, rejected: [] });
  const { state, rejected } = fromHash(
    '#seed=4&learningRate=0&hidden=8,0&activation=softmax&optimizer=nope&noise=2&speed=9&seed2',
  );
  assert.deepEqual(state, { ...defaultState, seed: 4 });
  assert.deepEqual(rejected, [
    'learningRate=0',
    'hidden=8,0',
    'activation=softmax',
    'optimizer=nope',
    'noise=2',
    'speed',
    'seed2',
  ]);
  assert.deepEqual(fromHash('hidden=4%2C%204&seed=1.5').state.hidden, [4, 4]);
  assert.deepEqual(fromHash('seed=1.5').rejected, ['seed=1.5']);
  assert.deepEqual(fromHash('hidden=1,2,3,4,5,6,7').rejected, ['hidden=1,2,3,4,5,6,7']);
  assert.deepEqual(fromHash('loss=%E0%A4%A').rejected, ['loss']);
});

test('the choice fields offer what the library offers', () => {
  const choices = (key: string) => fields.find((f) => f.key === key)!.choices!();
  assert.deepEqual(choices('optimizer'), optimizerNames);
  assert.deepEqual(choices('loss'), ['auto', ...lossNames]);
  assert.deepEqual(choices('output'), ['auto', ...activationNames]);
  assert.ok(!choices('activation').includes('softmax'));
  assert.deepEqual(choices('dataset'), datasetNames);
});

test("datasets: same seed, same points; x² is the seed's 201 points of [0, 1]; labels are 0 and 1", () => {
  const square = makeDataset('square', 1);
  assert.equal(square.x.length, 201);
  assert.deepEqual(square.x[100], [0.5]);
  assert.deepEqual(square.y[200], [1]);
  for (const name of datasetNames) {
    const a = makeDataset(name, 5, 0.1);
    assert.deepEqual(makeDataset(name, 5, 0.1), a, name);
    assert.notDeepEqual(makeDataset(name, 6, 0.1), a, name);
    if (a.task === 'classification') {
      const ones = a.y.filter(([l]) => l === 1).length;
      assert.ok(
        a.y.every(([l]) => l === 0 || l === 1) && ones > 60 && ones < 140,
        `${name}: ${ones} of ${a.y.length} labelled 1`,
      );
    }
  }
});

test('Trainer: same state ⇒ the same losses; x² with Adam below 1e-3 in 1500 epochs', () => {
  const state = { ...defaultState, optimizer: 'adam', learningRate: 0.01 };
  const a = new Trainer(state);
  const b = new Trainer(state);
  a.run(1500);
  b.run(700);
  b.run(800, Infinity);
  assert.equal(b.epoch, 1500);
  assert.deepEqual(b.history, a.history);
  assert.ok(a.history.last < 1e-3, `loss ${a.history.last}`);
});

test('Trainer: a 2-D problem trains (xor, tanh, adam: cross-entropy below 0.05 in 600 epochs); softmax CE uses 2 outputs', () => {
  const xor = new Trainer({
    ...defaultState,
    dataset: 'xor',
    hidden: [8, 8],
    activation: 'tanh',
    optimizer: 'adam',
    learningRate: 0.03,
  });
  xor.run(600);
  assert.ok(xor.history.last < 0.05, `loss ${xor.history.last}`);
  const soft = new Trainer({ ...defaultState, dataset: 'xor', loss: 'softmaxCrossEntropy' });
  assert.equal(soft.network.outputSize, 2);
  const probs = soft.predictInto(new Float64Array(4), soft.makeGrid(2));
  assert.ok(probs.every((p) => p > 0 && p < 1));
});

test('Trainer: divergence stops the run with the weights of the last finite loss', () => {
  const t = new Trainer({ ...defaultState, learningRate: 10 });
  t.run(200);
  assert.ok(t.diverged, `expected divergence, last loss ${t.history.last}`);
  assert.match(t.diverged.message, /lower the learning rate \(now 10\)/);
  // never "became NaN" beside a finite loss: either the loss overflowed, or the weights did after a finite one
  assert.match(
    t.diverged.message,
    /: (the loss became (NaN|-?Infinity)|the update after a loss of \S+ made the weights overflow)\./,
  );
  assert.ok(t.network.params.every(Number.isFinite));
  // the kept weights are those whose loss was the last one recorded
  assert.equal(t.network.computeLoss(t.x, t.y).total, t.history.last);
  assert.equal(t.run(10), 0);
});

test('LossHistory: bounded memory; merged entries keep the lowest and highest loss of their epochs', () => {
  const h = new LossHistory(4);
  const losses = [5, 3, 4, 8, 1, 2, 9, 7, 6, 0.5, 0.25];
  losses.forEach((v) => h.push(v));
  // 11 epochs in 4 entries: stride 4 after two merges (4 → 8 → 16 epochs of room)
  assert.equal(h.stride, 4);
  assert.equal(h.length, 3);
  assert.deepEqual([...h.low.subarray(0, 3)], [3, 1, 0.25]);
  assert.deepEqual([...h.high.subarray(0, 3)], [8, 9, 6]);
  assert.equal(h.epochs, 11);
  assert.equal(h.last, 0.25);
  const long = new LossHistory();
  for (let i = 0; i < 300_000; i++) long.push(1 / (i + 1));
  assert.equal(long.stride, 8);
  assert.equal(long.low[0], 1 / 8);
  assert.equal(long.high[long.length - 1], 1 / 299_993);
  assert.throws(() => new LossHistory(3), /even integer ≥ 2, got 3/);
});

test('server: serves the built site at /web/ only; / redirects to /web/', async () => {
  const server = await startSite();
  try {
    const get = (path: string) => fetch(new URL(path, server.url), { redirect: 'manual' });
    const page = await get('/web/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /text\/html/);
    assert.match(await page.text(), /src="playground\.js"/);
    assert.match((await get('/web/playground.js')).headers.get('content-type')!, /javascript/);
    assert.match((await get('/web/playground-worker.js')).headers.get('content-type')!, /javascript/);
    const home = await get('/');
    assert.equal(home.status, 302);
    assert.equal(home.headers.get('location'), '/web/');
    for (const path of [
      '/node_modules/zod/index.js',
      '/node_modules/',
      '/package.json',
      '/src/index.ts',
      '/dist/web/playground.js',
      '/dist/src/index.js',
      '/web/%2e%2e/package.json',
      '/web/..%2f..%2fpackage.json',
      '/web/nope.js',
      '/..%2fpackage.json',
    ]) {
      assert.equal((await get(path)).status, 404, path);
    }
  } finally {
    await server.close();
  }
});

test('splitRows: a seeded share held out, both lists in data order; ratio 0 trains on every row in order', () => {
  assert.deepEqual(splitRows(5, 0, 3), { train: [0, 1, 2, 3, 4], test: [] });
  const { train, test } = splitRows(201, 0.2, 1);
  assert.equal(test.length, 40);
  assert.deepEqual(
    [...train, ...test].sort((a, b) => a - b),
    Array.from({ length: 201 }, (_, i) => i),
  );
  assert.deepEqual(
    train,
    [...train].sort((a, b) => a - b),
  );
  assert.deepEqual(splitRows(201, 0.2, 1), { train, test }, 'same seed, same split');
  assert.notDeepEqual(splitRows(201, 0.2, 2).test, test);
  assert.equal(splitRows(3, 0.9, 1).train.length, 1, 'at least one row trains');
});

test('features: x2 terms dropped on 1-D data, none left is an error; the grid gets the same features as the rows', () => {
  assert.deepEqual(
    usableFeatures(['x1', 'x2', 'x1sq', 'sinx2'], 1).map((f) => f.name),
    ['x1', 'x1sq'],
  );
  assert.throws(() => usableFeatures(['x2', 'x1x2'], 1), /no input feature of x1/);
  const t = new Trainer({ ...defaultState, dataset: 'xor', features: ['x1', 'x1x2', 'sinx2'] });
  assert.equal(t.network.inputSize, 3);
  const [a, b] = t.data.x[7];
  assert.deepEqual(Array.from(t.x.data.subarray(21, 24)), [a, a * b, Math.sin(Math.PI * b)]);
  const grid = t.makeGrid(3);
  const inputs = t.inputsOf(grid);
  assert.deepEqual(Array.from(inputs.data.subarray(0, 3)), [
    grid.data[0],
    grid.data[0] * grid.data[1],
    Math.sin(Math.PI * grid.data[1]),
  ]);
  // the default features on x² are x1 alone: the seed's [1, 64, 1]
  assert.equal(new Trainer(defaultState).network.inputSize, 1);
});

test('Trainer: per-layer activations build the layers Network builds (same weights); L1 and mini-batches', () => {
  const common = { ...defaultState, dataset: 'circles', hidden: [6, 5], activation: 'tanh' };
  const same = new Trainer({ ...common, layerActivations: ['tanh', 'tanh'] });
  assert.deepEqual(same.network.params, new Trainer(common).network.params);
  const mixed = new Trainer({ ...common, layerActivations: ['relu', 'tanh'] });
  assert.deepEqual(
    mixed.network.layers.map((l) => l.activation?.name),
    ['relu', 'tanh', 'sigmoid'],
  );
  const l1 = new Trainer({ ...common, l1: 0.01 });
  assert.deepEqual(
    l1.network.regularizers.map((r) => `${r.name} ${r.lambda}`),
    ['l1 0.01'],
  );
  // 160 training rows in batches of 50: one epoch is four updates, its loss their row-weighted mean
  const batched = { ...common, testRatio: 0.2, batchSize: 50, optimizer: 'adam', learningRate: 0.01 };
  const a = new Trainer(batched);
  assert.equal(a.batchSize, 50);
  assert.equal(a.run(3), 3);
  assert.equal(a.epoch, 3);
  const b = new Trainer(batched);
  b.run(1, 0); // the budget spent after the first batch: the epoch is not over
  assert.equal(b.epoch, 0);
  b.run(3);
  assert.deepEqual(b.history, a.history, 'same state ⇒ same losses, however the epochs are sliced');
  assert.equal(new Trainer({ ...batched, batchSize: 0 }).batchSize, 160);
});

test('withHidden and withLayerActivation keep the per-layer list in step with the layers', () => {
  const s = { ...defaultState, hidden: [4, 4], activation: 'tanh' };
  const mixed = withLayerActivation(s, 1, 'relu');
  assert.deepEqual(mixed.layerActivations, ['tanh', 'relu']);
  assert.deepEqual(withHidden(mixed, [4, 4, 3]).layerActivations, ['tanh', 'relu', 'tanh']);
  assert.deepEqual(withHidden(mixed, [4]).layerActivations, [], 'all the common one again: emptied');
  assert.deepEqual(withLayerActivation(mixed, 1, 'tanh').layerActivations, []);
});

test('datasets: 2-D regressions (plane, Gaussians) in [-1, 1]; blobs split by the diagonal', () => {
  const plane = makeDataset('plane', 3);
  assert.equal(plane.task, 'regression');
  assert.ok(plane.x.every(([a, b], i) => plane.y[i][0] === (a + b) / 2));
  const bumps = makeDataset('gaussians', 3);
  assert.ok(bumps.y.every(([v]) => v >= -1 && v <= 1) && bumps.y.some(([v]) => v > 0.5));
  const blobs = makeDataset('blobs', 3);
  const right = blobs.x.filter(([a, b], i) => a + b > 0 === (blobs.y[i][0] === 1)).length;
  assert.ok(right >= 190, `${right} of 200 on their side of the diagonal`);
});

test('doctor fixes as settings: a new activation or new layers carry the per-layer activations along', () => {
  const state = { ...defaultState, hidden: [4, 4], activation: 'tanh', layerActivations: ['tanh', 'relu'] };
  const fix = (fixOptions: Record<string, unknown>) => settingsChange(fixOptions, state);
  assert.deepEqual(fix({ activation: 'gelu' }), { activation: 'gelu', layerActivations: [] });
  assert.deepEqual(fix({ layers: [2, 4, 4, 3, 1] }), {
    hidden: [4, 4, 3],
    layerActivations: ['tanh', 'relu', 'tanh'],
  });
  assert.deepEqual(fix({ l1: 0.001 }), { l1: 0.001 });
  assert.equal(fix({ scale: true }), null, 'no setting for it on the page');
});

test("checkedState: an imported model's settings pass as a shared link's would, or are named", () => {
  const wanted = { ...defaultState, hidden: [3, 2], activation: 'tanh', learningRate: 0.03 };
  assert.deepEqual(checkedState(wanted), { state: wanted, rejected: [] });
  const odd = { ...defaultState, hidden: [300], optimizer: 'newton', learningRate: -1 };
  assert.deepEqual(checkedState(odd).rejected, ['hidden=300', 'optimizer=newton', 'learningRate=-1']);
  assert.deepEqual(checkedState(odd).state, defaultState);
});
