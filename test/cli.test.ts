// The CLI end to end, as a subprocess: train → predict → evaluate on a regression CSV and a
// classification JSON file; plots are valid SVG/PNG with the expected series; model files round-trip.
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Network, applyEncoding, parseCsv } from '../src/index.js';
import { parseModel, serializeModel } from '../src/io/index.js';
import { cliPath, fixture, isPng, readCsv, scratchDir, scratchnet } from './fixtures/cli.js';

const pngSize = (b: Buffer) => [b.readUInt32BE(16), b.readUInt32BE(20)];

test('regression CSV: train → predict → evaluate, in original units, with plots', () => {
  const dir = scratchDir();
  const data = fixture('houses.csv');
  const t = scratchnet(
    [
      'train',
      '--data',
      data,
      '--target',
      'price_eur',
      '--out',
      'houses.json',
      '--epochs',
      '400',
      '--seed',
      '1',
      '--val-split',
      '0.2',
    ],
    dir,
  );
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /training on .*houses\.csv: 120 rows, 6 inputs → regression on price_eur/);
  assert.match(
    t.stdout,
    /\nepoch (\d+)\/400 {2}loss [\d.e-]+ {2}val r2 0\.9\d+\n(stopped early after epoch \1: |training set)/,
  ); // plain progress lines off a terminal, the last epoch's always
  const text = readFileSync(join(dir, 'houses.json'), 'utf8');
  const model = parseModel(text);
  assert.deepEqual(
    model.encoding.features.map((f) => f.type),
    ['number', 'number', 'category', 'number'],
  );
  assert.deepEqual(model.encoding.features[2], {
    name: 'city',
    type: 'category',
    categories: ['Lyon', 'Nantes', 'Paris'],
  });
  const epochs = model.history!.epochs as number;
  assert.ok(epochs > 10 && epochs <= 400);
  assert.equal((model.history!.loss as number[]).length, epochs);
  assert.equal((model.history!.valLoss as number[]).length, epochs);

  const p = scratchnet(['predict', '--model', 'houses.json', '--data', data, '--out', 'pred.csv'], dir);
  assert.equal(p.code, 0, p.stderr);
  const pred = readCsv(readFileSync(join(dir, 'pred.csv'), 'utf8'));
  assert.deepEqual(pred.header, [
    'area_m2',
    'rooms',
    'city',
    'year_built',
    'price_eur',
    'predicted_price_eur',
  ]);
  assert.equal(pred.rows.length, 120);
  // the CLI's predictions are exactly the model file's network on the encoded data (euros, not z-scores)
  const net = Network.fromJSON(model.network);
  const enc = applyEncoding(model.encoding, parseCsv(readFileSync(data, 'utf8')));
  const mine = net.predict(enc.x);
  pred.rows.forEach((r, i) => assert.equal(Number(r[5]), mine.data[i]));
  const relErr = pred.rows.map((r) => Math.abs(Number(r[5]) - Number(r[4])) / Number(r[4]));
  assert.ok(relErr.reduce((a, b) => a + b) / relErr.length < 0.1, 'mean relative error under 10%');

  const e = scratchnet(['evaluate', '--model', 'houses.json', '--data', data, '--json'], dir);
  assert.equal(e.code, 0, e.stderr);
  const m = JSON.parse(e.stdout);
  assert.deepEqual(Object.keys(m).sort(), ['mae', 'mse', 'r2', 'rmse', 'rows']);
  assert.ok(m.r2 > 0.9, `r2 ${m.r2}`);
  assert.ok(Math.abs(m.rmse - Math.sqrt(m.mse)) < 1e-9 * m.rmse);

  for (const stem of ['loss', 'predicted-vs-actual']) {
    const svg = readFileSync(join(dir, 'houses-plots', `${stem}.svg`), 'utf8');
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\s*$/);
    const png = readFileSync(join(dir, 'houses-plots', `${stem}.png`));
    assert.ok(isPng(png), `${stem}.png is a PNG`);
  }
  const loss = readFileSync(join(dir, 'houses-plots', 'loss.svg'), 'utf8');
  assert.match(loss, />train</);
  assert.match(loss, />validation</);
  assert.match(loss, /loss \(log scale\)/);
  assert.match(
    readFileSync(join(dir, 'houses-plots', 'predicted-vs-actual.svg'), 'utf8'),
    /predicted price_eur/,
  );
});

test('classification JSON: labels and probabilities, metrics and a confusion matrix', () => {
  const dir = scratchDir();
  const data = fixture('flowers.json');
  const t = scratchnet(
    [
      'train',
      '--data',
      data,
      '--target',
      'species',
      '--epochs',
      '300',
      '--layers',
      '16',
      '--no-plots',
      '--json',
    ],
    dir,
  );
  assert.equal(t.code, 0, t.stderr);
  const summary = JSON.parse(t.stdout);
  assert.equal(summary.model, 'model.json');
  assert.ok(summary.metrics.train.accuracy > 0.9);
  assert.equal(existsSync(join(dir, 'model-plots')), false);
  const model = parseModel(readFileSync(join(dir, 'model.json'), 'utf8'));
  assert.deepEqual(model.encoding.target, {
    columns: ['species'],
    task: 'multiclass',
    classes: ['setosa', 'versicolor', 'virginica'],
  });

  const p = scratchnet(['predict', '--model', 'model.json', '--data', data, '--proba'], dir);
  assert.equal(p.code, 0, p.stderr);
  const pred = readCsv(p.stdout);
  assert.deepEqual(pred.header.slice(5), [
    'predicted_species',
    'probability_setosa',
    'probability_versicolor',
    'probability_virginica',
  ]);
  let hits = 0;
  for (const r of pred.rows) {
    const probs = r.slice(6).map(Number);
    assert.ok(Math.abs(probs.reduce((a, b) => a + b) - 1) < 1e-9);
    assert.equal(r[5], ['setosa', 'versicolor', 'virginica'][probs.indexOf(Math.max(...probs))]);
    if (r[5] === r[4]) hits++;
  }
  assert.ok(hits / pred.rows.length > 0.9);

  const e = scratchnet(['evaluate', '--model', 'model.json', '--data', data, '--json'], dir);
  const m = JSON.parse(e.stdout);
  assert.equal(m.accuracy, hits / pred.rows.length);
  assert.ok(m.logLoss > 0 && m.logLoss < 0.5);
  assert.deepEqual(m.confusion.classes, ['setosa', 'versicolor', 'virginica']);
  assert.equal(
    m.confusion.counts.flat().reduce((a: number, b: number) => a + b),
    150,
  );
  const text = scratchnet(['evaluate', '--model', 'model.json', '--data', data], dir);
  assert.match(text.stdout, /accuracy\s+0\.9\d+\nlogLoss/);
  assert.match(
    text.stdout,
    /confusion matrix \(rows: actual, columns: predicted\)\n\s+setosa\s+versicolor\s+virginica\nsetosa\s+\d+\s+\d+\s+\d+\nversicolor/,
  );
});

test('model file round-trips bit-exactly (weights, scaling, encoding)', () => {
  const dir = scratchDir();
  const t = scratchnet(
    ['train', '--dataset', 'sine', '--epochs', '50', '--no-plots', '--progress', 'quiet'],
    dir,
  );
  assert.equal(t.code, 0, t.stderr);
  const text = readFileSync(join(dir, 'model.json'), 'utf8');
  const model = parseModel(text);
  const net = Network.fromJSON(model.network);
  const again = net.toJSON();
  assert.equal(again.parameters.length, model.network.parameters.length);
  again.parameters.forEach((v, i) => assert.ok(Object.is(v, model.network.parameters[i])));
  assert.deepEqual(again.scaling, model.network.scaling);
  assert.equal(serializeModel(model), text);
  const out = net.predict([[0.5]]);
  const net2 = Network.fromJSON(parseModel(serializeModel({ ...model, network: again })).network);
  assert.ok(Object.is(net2.predict([[0.5]]).data[0], out.data[0]));
});

test('plots: 1-D fit (data and prediction) and 2-D decision regions', () => {
  const dir = scratchDir();
  const r = scratchnet(
    ['train', '--dataset', 'sine', '--epochs', '100', '--out', 'sine.json', '--progress', 'quiet'],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
  const fit = readFileSync(join(dir, 'sine-plots', 'fit.svg'), 'utf8');
  assert.match(fit, />data</);
  assert.match(fit, />prediction</);
  assert.ok((fit.match(/<path/g) ?? []).length > 200, 'one mark per data point plus the curve');
  const png = readFileSync(join(dir, 'sine-plots', 'fit.png'));
  assert.ok(isPng(png));
  assert.deepEqual(
    pngSize(png).map((v) => v > 500),
    [true, true],
  );
  const c = scratchnet(
    ['train', '--dataset', 'gaussians', '--epochs', '100', '--out', 'g.json', '--progress', 'quiet'],
    dir,
  );
  assert.equal(c.code, 0, c.stderr);
  const regions = readFileSync(join(dir, 'g-plots', 'regions.svg'), 'utf8');
  assert.match(regions, />predicted</);
  for (const k of ['A', 'B', 'C']) assert.match(regions, new RegExp(`>${k}<`));
  assert.ok(isPng(readFileSync(join(dir, 'g-plots', 'regions.png'))));
});

test('datasets lists the built-ins and writes one as CSV; --help has examples', () => {
  const dir = scratchDir();
  const l = scratchnet(['datasets', '--json'], dir);
  assert.deepEqual(
    JSON.parse(l.stdout).map((d: { name: string }) => d.name),
    ['and', 'xor', 'seed-square', 'sine', 'abs', 'steps', 'spirals', 'circles', 'moons', 'gaussians'],
  );
  const w = scratchnet(['datasets', 'seed-square'], dir);
  const rows = readCsv(w.stdout);
  assert.deepEqual(rows.header, ['x', 'y']);
  assert.equal(rows.rows.length, 201);
  assert.deepEqual(rows.rows[100], ['0.5', '0.25']);
  assert.match(readFileSync(cliPath, 'utf8'), /^#!\/usr\/bin\/env node\n/); // the bin entry runs as a program
  for (const cmd of ['train', 'predict', 'evaluate', 'datasets', 'gradcheck', 'doctor']) {
    const h = scratchnet([cmd, '--help'], dir);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /Examples:\n {2}\$ scratchnet /);
  }
});

test('gradcheck: pass exits 0 with a report; --json holds the verdict; --model checks a trained model', () => {
  const dir = scratchDir();
  const r = scratchnet(['gradcheck', '--dataset', 'spirals', '--layers', '8,8', '--activation', 'tanh'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^gradient check: PASS/);
  const j = scratchnet(
    [
      'gradcheck',
      '--data',
      fixture('houses.csv'),
      '--target',
      'price_eur',
      '--layers',
      '8',
      '--activation',
      'tanh',
      '--json',
    ],
    dir,
  );
  assert.equal(j.code, 0, j.stderr);
  assert.equal(JSON.parse(j.stdout).verdict, 'pass');
  assert.equal(
    scratchnet(
      [
        'train',
        '--dataset',
        'moons',
        '--epochs',
        '20',
        '--layers',
        '8',
        '--activation',
        'tanh',
        '--no-plots',
        '--progress',
        'quiet',
      ],
      dir,
    ).code,
    0,
  );
  const m = scratchnet(['gradcheck', '--model', 'model.json', '--dataset', 'moons', '--json'], dir);
  assert.equal(m.code, 0, m.stderr);
  assert.equal(JSON.parse(m.stdout).verdict, 'pass');
});

test("doctor: names the seed experiment's problem and its fix", () => {
  const dir = scratchDir();
  const r = scratchnet(
    [
      'doctor',
      '--dataset',
      'seed-square',
      '--layers',
      '64',
      '--activation',
      'leakyRelu',
      '--output',
      'leakyRelu',
      '--optimizer',
      'sgd',
      '--lr',
      '1e-6',
      '--epochs',
      '1000',
      '--no-scale',
      '--json',
    ],
    dir,
  );
  assert.equal(r.code, 1, r.stderr); // error-level findings: exit 1
  const report = JSON.parse(r.stdout);
  assert.ok(
    report.findings.some((f: { rule: string }) => f.rule === 'learning-rate'),
    JSON.stringify(report.findings.map((f: { rule: string }) => f.rule)),
  );
});
