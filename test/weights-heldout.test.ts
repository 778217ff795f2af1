// Weights outside the search (issue 11): a run's held-out scores weigh each row as its loss does
// (sample × class weight, as the search scores its folds), and the doctor's gradient-check rule
// checks the loss as training weighs it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { userWrittenMse } from '../bench/sign-bug-layer.js';
import { Network, Random, getLoss, toMatrix } from '../src/index.js';
import { gradientCheckFinding } from '../src/check/doctor-gradcheck-rule.js';
import { scratchDir, scratchnetAsync } from './fixtures/cli.js';

const dir = scratchDir('scratchnet-weights-heldout-');

test('CLI --class-weight balanced without a search: held-out, baseline and linear scores weighted as in the loss', async () => {
  const r = new Random(3);
  const lines = ['a,b,label'];
  for (let i = 0; i < 300; i++) {
    const minority = i % 10 === 0;
    lines.push(`${r.normal(minority ? 1.5 : 0, 1)},${r.normal(0, 1)},${minority ? 'yes' : 'no'}`);
  }
  writeFileSync(join(dir, 'imbalanced.csv'), `${lines.join('\n')}\n`);
  const args = ['train', '--data', 'imbalanced.csv', '--target', 'label', '--class-weight', 'balanced'];
  const quiet = ['--no-search', '--epochs', '30', '--no-plots', '--progress', 'quiet', '--out', 'm.json'];
  const json = await scratchnetAsync([...args, ...quiet, '--json'], dir);
  assert.equal(json.code, 0, json.stderr);
  const { train, heldOut, baseline, linear } = JSON.parse(json.stdout).metrics;
  for (const m of [train, heldOut, baseline, linear])
    assert.ok(Number.isFinite(m.weighted?.accuracy), JSON.stringify(m));
  // the majority class, counted with balanced class weights, is right on about half the weight
  assert.ok(baseline.accuracy > 0.85, `plain baseline accuracy ${baseline.accuracy}`);
  assert.ok(Math.abs(baseline.weighted.accuracy - 0.5) < 0.05, `weighted ${baseline.weighted.accuracy}`);
  const text = await scratchnetAsync([...args, ...quiet], dir);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /held-out set[\s\S]*weighted as in the loss \(row × class weight\): accuracy/);
  assert.match(
    text.stdout,
    /baseline \(the class prior\): .*; weighted as in the loss \(row × class weight\):/,
  );
});

test("the doctor's gradient-check rule checks the weighted loss: a gradient that ignores weights fails only with weights", () => {
  const mse = getLoss('mse');
  // a user-written loss whose value honours row weights and whose gradient forgets them
  const forgetful = userWrittenMse();
  const honest = { ...mse };
  const make = (loss: typeof mse) =>
    new Network({ layers: [2, 4, 1], activation: 'tanh', loss, seed: 5, onWarning: () => {} });
  const r = new Random(9);
  const x = toMatrix(Array.from({ length: 12 }, () => [r.normal(0, 1), r.normal(0, 1)]));
  const y = toMatrix(Array.from({ length: 12 }, (_, i) => [Math.sin(i)]));
  const w = Float64Array.from({ length: 12 }, (_, i) => 1 + (i % 4));
  assert.equal(gradientCheckFinding(make(forgetful), x, y, 'auto')?.severity, 'info', 'unweighted: passes');
  const weighted = gradientCheckFinding(make(forgetful), x, y, 'auto', w);
  assert.equal(weighted?.severity, 'error', weighted?.observed);
  const ok = gradientCheckFinding(make(honest), x, y, 'auto', w);
  assert.equal(ok?.severity, 'info', ok?.observed);
  assert.match(ok?.observed ?? '', /the loss weighted as training weighs it/);
});
