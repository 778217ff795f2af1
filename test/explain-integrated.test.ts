// integratedGradients(): completeness within 1e-6·|f(x) − f(baseline)| on 100 rows for every
// activation, for regression and classification (probability and logit); exactly w·(x − b) for a
// linear model; the input gradient it integrates agrees with central differences.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Network,
  Random,
  activationNames,
  fit,
  integratedGradients,
  outputGradient,
  toMatrix,
  type ActivationName,
  type AttributeTo,
  type Matrix,
  type RowAttribution,
} from '../src/index.js';
import { randomMatrix } from './helpers.js';

const random = new Random(11);
const x = randomMatrix(300, 4, random);
const rows = toMatrix(Array.from({ length: 100 }, (_, r) => Array.from(x.data.slice(r * 4, r * 4 + 4))));
const baseline = Float64Array.from([0.2, -0.1, 0.3, 0]);
const hidden = activationNames.filter((a) => a !== 'softmax') as ActivationName[];

/** y for each task: a smooth nonlinear function of the four inputs. */
function targets(task: 'regression' | 'binary' | 'multiclass'): Matrix {
  const y: number[][] = [];
  for (let r = 0; r < x.rows; r++) {
    const [a, b, c, d] = x.data.slice(r * 4, r * 4 + 4);
    const v = Math.sin(2 * a) + b * c - 0.5 * d;
    if (task === 'regression') y.push([v]);
    else if (task === 'binary') y.push([v > 0 ? 1 : 0]);
    else y.push([v < -0.5 ? 1 : 0, v >= -0.5 && v < 0.5 ? 1 : 0, v >= 0.5 ? 1 : 0]);
  }
  return toMatrix(y);
}

function trained(activation: ActivationName, task: 'regression' | 'binary' | 'multiclass'): Network {
  const outputs = task === 'multiclass' ? 3 : 1;
  const loss =
    task === 'regression' ? 'mse' : task === 'binary' ? 'binaryCrossEntropy' : 'softmaxCrossEntropy';
  const network = new Network({ layers: [4, 16, 16, outputs], activation, loss, seed: 5 });
  fit(network, x, targets(task), { epochs: 60, seed: 1 });
  return network;
}

function checkCompleteness(found: RowAttribution[], what: string): void {
  assert.equal(found.length, 100);
  let worst = 0;
  let steps = 0;
  for (const [r, a] of found.entries()) {
    const delta = Math.abs(a.value - a.baselineValue);
    const sum = a.attributions.reduce((s, v) => s + v, 0);
    const error = Math.abs(sum - (a.value - a.baselineValue));
    assert.ok(error <= 1e-6 * delta, `${what}, row ${r}: |Σa − Δf| = ${error} > 1e-6·${delta}`);
    assert.ok(Math.abs(error - a.completenessError) <= 1e-12 * Math.max(1, delta), `${what}: reported error`);
    assert.ok(a.converged, `${what}, row ${r}`);
    worst = Math.max(worst, error / delta);
    steps += a.steps;
  }
  console.log(
    `${what}: worst relative completeness error ${worst.toExponential(2)}, ${steps / 100} evaluations per row`,
  );
}

for (const activation of hidden) {
  test(`integratedGradients: completeness within 1e-6·|Δf| on 100 rows, ${activation}, regression`, () => {
    const network = trained(activation, 'regression');
    checkCompleteness(integratedGradients(network, rows, baseline), `${activation} regression`);
  });
}

for (const [task, activation] of [
  ['binary', 'relu'],
  ['binary', 'tanh'],
  ['multiclass', 'relu'],
  ['multiclass', 'gelu'],
] as const) {
  for (const attributeTo of ['output', 'logit'] as AttributeTo[]) {
    test(`integratedGradients: completeness on 100 rows, ${task} ${activation}, on the ${attributeTo === 'output' ? 'probability' : 'logit'}`, () => {
      const network = trained(activation, task);
      const units = Int32Array.from({ length: 100 }, (_, r) => (task === 'multiclass' ? r % 3 : 0));
      const found = integratedGradients(network, rows, baseline, { units, attributeTo });
      checkCompleteness(found, `${task} ${activation} ${attributeTo}`);
      // the value explained is the probability of each row's unit (binary: or its logit)
      const p = network.predict(rows);
      for (const [r, a] of found.entries()) {
        const probability = p.data[r * network.outputSize + units[r]];
        if (attributeTo === 'output') assert.ok(Math.abs(a.value - probability) < 1e-12);
        else if (task === 'binary') assert.ok(Math.abs(1 / (1 + Math.exp(-a.value)) - probability) < 1e-9);
      }
    });
  }
}

test('integratedGradients: completeness in original units for a network trained with standardization', () => {
  const network = new Network({ layers: [4, 16, 1], activation: 'relu', seed: 2 });
  const y = targets('regression');
  for (let i = 0; i < y.data.length; i++) y.data[i] = 100 + 20 * y.data[i];
  const shifted = toMatrix(
    Array.from({ length: x.rows }, (_, r) =>
      Array.from(x.data.slice(r * 4, r * 4 + 4), (v, c) => 50 * c + 10 * v),
    ),
  );
  fit(network, shifted, y, { epochs: 60, seed: 1 });
  assert.ok(network.scaling?.targetStd);
  const some = toMatrix(
    Array.from({ length: 100 }, (_, r) => Array.from(shifted.data.slice(r * 4, r * 4 + 4))),
  );
  const found = integratedGradients(network, some, Float64Array.from([0, 50, 100, 150]));
  checkCompleteness(found, 'scaled relu regression');
  const p = network.predict(some);
  found.forEach((a, r) => assert.ok(Math.abs(a.value - p.data[r]) < 1e-9, 'f(x) in original units'));
});

test('integratedGradients: a linear model (no hidden layer, no scaling) gets exactly w·(x − baseline)', () => {
  for (const [loss, attributeTo] of [
    ['mse', 'output'],
    ['binaryCrossEntropy', 'logit'],
  ] as const) {
    const network = new Network({ layers: [4, 1], loss, seed: 7 });
    network.params.set([0.7, -1.3, 2.5, 0.01, 0.4]); // weight [4×1], then bias
    const found = integratedGradients(network, rows, baseline, { attributeTo });
    for (const [r, a] of found.entries()) {
      for (let i = 0; i < 4; i++) {
        const exact = network.params[i] * (rows.data[r * 4 + i] - baseline[i]);
        assert.ok(
          Math.abs(a.attributions[i] - exact) <= 1e-12 * Math.max(1, Math.abs(exact)),
          `${loss} row ${r} input ${i}: ${a.attributions[i]} vs ${exact}`,
        );
      }
      assert.equal(a.steps, 9, 'a straight line needs no refinement');
    }
  }
});

test('outputGradient: ∂f/∂x agrees with central differences; parameter gradients left untouched', () => {
  const network = trained('tanh', 'multiclass');
  network.computeGradient(x, targets('multiclass'));
  const grads = Float64Array.from(network.grads);
  const some = randomMatrix(5, 4, random);
  const units = Int32Array.from([0, 1, 2, 1, 0]);
  for (const attributeTo of ['output', 'logit'] as AttributeTo[]) {
    const { gradient } = outputGradient(network, some, units, attributeTo);
    const h = 1e-6;
    for (let n = 0; n < 5; n++) {
      for (let i = 0; i < 4; i++) {
        const at = (d: number) => {
          const p = toMatrix([Array.from(some.data.slice(n * 4, n * 4 + 4))]);
          p.data[i] += d;
          return outputGradient(network, p, Int32Array.from([units[n]]), attributeTo).value[0];
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        assert.ok(Math.abs(numeric - gradient[n * 4 + i]) < 1e-7, `${attributeTo} row ${n} input ${i}`);
      }
    }
  }
  assert.deepEqual(network.grads, grads);
});

test('integratedGradients: options validated; a row too kinked for maxSteps is reported, not hidden', () => {
  const network = trained('relu', 'regression');
  assert.throws(() => integratedGradients(network, rows, baseline, { tolerance: -1 }), /tolerance/);
  assert.throws(() => integratedGradients(network, rows, baseline, { maxSteps: 3 }), /maxSteps/);
  assert.throws(
    () => integratedGradients(network, rows, baseline.subarray(1)),
    /baseline has 3 values but x has 4 columns/,
  );
  assert.throws(
    () => integratedGradients(network, rows, baseline, { units: new Int32Array(100).fill(1) }),
    /units must hold one output index \(0 to 0\)/,
  );
  const found = integratedGradients(network, rows, baseline, { maxSteps: 16, tolerance: 1e-12 });
  const missed = found.filter((a) => !a.converged);
  assert.ok(missed.length > 0);
  for (const a of missed)
    assert.ok(a.completenessError > 1e-12 * Math.abs(a.value - a.baselineValue) && a.steps <= 16);
});
