// autoFit's indicator inputs (AutoFitOptions.indicators): a candidate with unscaledIndicators trains,
// on every fold and in the refit, with those 0/1 inputs as they are (mean 0 / std 1 in its scaling);
// without it they are standardized as every input is. After a search, the winner is scored again with
// them 0/1 and that variant is chosen only when it is clearly better on the folds (autofit.ts indicatorCheck).
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

/** 80 rows: a number, then a one-hot category of 20 (columns 1–20) that y does not depend on: y = x₀ + noise. */
function withNoiseCategory(): { x: number[][]; y: number[] } {
  const r = new Random(7);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 80; i++) {
    const value = r.normal();
    const category = Math.floor(r.uniform() * 20);
    x.push([value, ...Array.from({ length: 20 }, (_, j) => (j === category ? 1 : 0))]);
    y.push(value + 0.5 * r.normal());
  }
  return { x, y };
}

test('autoFit: the winner takes 0/1 indicators when the folds clearly prefer them, with 0 or 2 workers', async () => {
  // standardized, 20 rare noise indicators weigh as much as the number under L2; 0/1, they weigh little
  const { x, y } = withNoiseCategory();
  const indicators = Array.from({ length: 20 }, (_, j) => j + 1);
  const options = { candidates: [{ ...linear, weightDecay: 10 }], indicators, seed: 42 };
  const fit = await autoFit(x, y, { ...options, workers: 0 });
  const check = fit.search.indicators;
  assert.ok(check);
  assert.equal(check.chosen, '0/1');
  assert.ok(check.difference > 2 * check.margin, `${check.difference} against ${check.margin}`);
  assert.deepEqual(
    fit.leaderboard.map((e) => e.name),
    ['linear λ=10 lbfgs, 0/1 inputs', 'linear λ=10 lbfgs'],
  );
  assert.equal(fit.chosen.unscaledIndicators, true);
  assert.ok(fit.network.scaling);
  assert.deepEqual(fit.network.scaling.inputStd.slice(1), new Array(20).fill(1), 'the refit keeps them 0/1');
  const worker = await searchModels(x, y, { ...options, workers: 2 });
  assert.deepEqual(worker.search.indicators, check);
  assert.deepEqual(
    worker.leaderboard.map((e) => e.scores),
    fit.leaderboard.map((e) => e.scores),
  );
});

test('searchModels: a tie on the folds keeps the indicators standardized', async () => {
  // two classes told apart by the category alone: every fold is scored 1 either way
  const x = Array.from({ length: 40 }, (_, i) => [i % 7, i % 2, 1 - (i % 2)]);
  const y = x.map((row) => row[1]);
  const search = await searchModels(x, y, { candidates: [linear], indicators: [1, 2], workers: 0 });
  assert.deepEqual(
    search.leaderboard.map((e) => e.mean),
    [1, 1],
  );
  assert.deepEqual(search.search.indicators, {
    inputs: 2,
    difference: 0,
    margin: 0.005,
    chosen: 'standardized',
  });
  assert.equal(search.leaderboard[0].name, 'linear λ=0.01 lbfgs');
  assert.equal(search.chosen.unscaledIndicators, undefined);
});

test('searchModels: no indicators, no check (the search is as before)', async () => {
  const { x, y } = withCategory();
  const search = await searchModels(x, y, { candidates: [linear], workers: 0 });
  assert.equal(search.search.indicators, undefined);
  assert.equal(search.leaderboard.length, 1);
});
