// autoFit's indicator inputs (AutoFitOptions.indicators): a candidate with unscaledIndicators trains,
// on every fold and in the refit, with those 0/1 inputs as they are (mean 0 / std 1 in its scaling);
// without it they are standardized as every input is. No rule chooses between the two (README).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random, autoFit, searchModels, type Candidate } from '../src/index.js';

/** 60 rows: a number, then a one-hot category of three (columns 1–3); y = x₀ + 2·[category 0] + noise. */
function withCategory(): { x: number[][]; y: number[] } {
  const r = new Random(5);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 60; i++) {
    const value = r.normal();
    const category = i % 3;
    x.push([value, category === 0 ? 1 : 0, category === 1 ? 1 : 0, category === 2 ? 1 : 0]);
    y.push(value + (category === 0 ? 2 : 0) + 0.1 * r.normal());
  }
  return { x, y };
}

const linear: Candidate = {
  layers: [],
  activation: 'tanh',
  weightDecay: 0.01,
  optimizer: 'lbfgs',
  epochs: 30,
};
const unscaled: Candidate = { ...linear, unscaledIndicators: true };

test('autoFit: a candidate with unscaledIndicators leaves the indicator inputs 0/1, standardizes the rest', async () => {
  const { x, y } = withCategory();
  const fit = await autoFit(x, y, { candidates: [unscaled], indicators: [1, 2, 3], workers: 0 });
  const scaling = fit.network.scaling;
  assert.ok(scaling);
  assert.deepEqual(scaling.inputMean.slice(1), [0, 0, 0]);
  assert.deepEqual(scaling.inputStd.slice(1), [1, 1, 1]);
  assert.notEqual(scaling.inputStd[0], 1, 'the number is standardized');
  assert.ok(scaling.targetStd, 'a regression target is standardized as fit does');
  assert.equal(fit.leaderboard[0].name, 'linear λ=0.01 lbfgs, 0/1 inputs');
  assert.equal(fit.chosen.unscaledIndicators, true);

  const plain = await autoFit(x, y, { candidates: [linear], indicators: [1, 2, 3], workers: 0 });
  assert.ok(plain.network.scaling);
  assert.ok(Math.abs(plain.network.scaling.inputMean[1] - 1 / 3) < 1e-12, 'standardized by default');
});

test('searchModels: indicator inputs reach worker threads (same fold scores with 0 and 1 workers)', async () => {
  const { x, y } = withCategory();
  const options = { candidates: [linear, unscaled], indicators: [1, 2, 3], seed: 3 };
  const here = await searchModels(x, y, { ...options, workers: 0 });
  const worker = await searchModels(x, y, { ...options, workers: 1 });
  assert.deepEqual(
    worker.leaderboard.map((e) => [e.name, e.scores]),
    here.leaderboard.map((e) => [e.name, e.scores]),
  );
  const scores = (name: string) => here.leaderboard.find((e) => e.name === name)?.scores;
  assert.notDeepEqual(scores('linear λ=0.01 lbfgs'), scores('linear λ=0.01 lbfgs, 0/1 inputs'));
});

test('searchModels: indicators must name distinct columns of x holding 0 or 1', async () => {
  const { x, y } = withCategory();
  const search = (indicators: number[]) =>
    searchModels(x, y, { candidates: [linear], indicators, workers: 0 });
  await assert.rejects(search([0]), /indicators names column 0, which holds .* indicators hold 0 or 1 only/);
  await assert.rejects(search([4]), /indicators\[0\]/);
  await assert.rejects(search([1, 1]), /column 1 twice/);
});
