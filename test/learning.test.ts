// The core learns: AND, XOR, the seed's y = x² (fixed), and a sine — with plain gradient descent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network, fit } from '../src/index.js';
import { grid } from './helpers.js';

function accuracy(net: Network, x: number[][], y: number[][]): number {
  const p = net.predict(x).data;
  return x.filter((_, i) => (p[i] > 0.5 ? 1 : 0) === y[i][0]).length / x.length;
}

const inputs = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];

test('AND reaches 100% accuracy (sigmoid output, binary cross-entropy from logits)', () => {
  const y = [[0], [0], [0], [1]];
  const net = new Network({ layers: [2, 4, 1], activation: 'tanh', loss: 'binaryCrossEntropy', seed: 1 });
  const h = fit(net, inputs, y, { optimizer: 'sgd', scale: false, learningRate: 1, epochs: 500 });
  assert.equal(accuracy(net, inputs, y), 1);
  assert.ok(h.loss.at(-1)! < h.loss[0] / 5, `loss went from ${h.loss[0]} to ${h.loss.at(-1)}`);
});

test('XOR reaches 100% accuracy', () => {
  const y = [[0], [1], [1], [0]];
  const net = new Network({ layers: [2, 8, 1], activation: 'tanh', loss: 'binaryCrossEntropy', seed: 2 });
  fit(net, inputs, y, { optimizer: 'sgd', scale: false, learningRate: 1, epochs: 1000 });
  assert.equal(accuracy(net, inputs, y), 1);
});

test('y = x² on [0, 1] with [1, 64, 1], leaky-ReLU hidden, linear output: MSE < 1e-5 with gradient descent', () => {
  const x = grid(201);
  const y = x.map(([v]) => [v * v]);
  const net = new Network({ layers: [1, 64, 1], activation: 'leakyRelu', output: 'linear', seed: 3 });
  fit(net, x, y, { optimizer: 'sgd', scale: false, learningRate: 0.1, epochs: 5000 });
  const p = net.predict(x).data;
  const mse = y.reduce((s, [t], i) => s + (p[i] - t) ** 2, 0) / y.length;
  assert.ok(mse < 1e-5, `MSE ${mse}`);
});

test('y = sin(2πx) with [1, 32, 32, 1] tanh: MSE < 1e-3', () => {
  const x = grid(200);
  const y = x.map(([v]) => [Math.sin(2 * Math.PI * v)]);
  const net = new Network({ layers: [1, 32, 32, 1], activation: 'tanh', seed: 1 });
  fit(net, x, y, { optimizer: 'sgd', scale: false, learningRate: 0.1, epochs: 6000 });
  const p = net.predict(x).data;
  const mse = y.reduce((s, [t], i) => s + (p[i] - t) ** 2, 0) / y.length;
  assert.ok(mse < 1e-3, `MSE ${mse}`);
});

test('same seed ⇒ bit-identical weights and loss history; another seed differs', () => {
  const x = grid(50);
  const y = x.map(([v]) => [Math.sin(3 * v)]);
  const run = (seed: number) => {
    const net = new Network({ layers: [1, 16, 16, 1], activation: 'gelu', weightDecay: 1e-3, seed });
    const h = fit(net, x, y, { optimizer: 'sgd', scale: false, learningRate: 0.05, epochs: 200 });
    return { params: Array.from(net.params), loss: h.loss };
  };
  const a = run(5),
    b = run(5),
    c = run(6);
  assert.deepEqual(a.params, b.params);
  assert.deepEqual(a.loss, b.loss);
  assert.notDeepEqual(a.params, c.params);
});

test('a non-linear output on a regression loss warns in one sentence, and still trains', () => {
  const warnings: string[] = [];
  const net = new Network({
    layers: [1, 4, 1],
    activation: 'leakyRelu',
    output: 'leakyRelu',
    onWarning: (m) => warnings.push(m),
  });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /linear output/);
  assert.equal(warnings[0].split('. ').length, 1, 'one sentence');
  const x = grid(21);
  const h = fit(
    net,
    x,
    x.map(([v]) => [v * v]),
    { optimizer: 'sgd', learningRate: 0.05, epochs: 200, scale: false },
  );
  assert.ok(h.loss.at(-1)! < h.loss[0] / 2, `loss went from ${h.loss[0]} to ${h.loss.at(-1)}`);
  const none: string[] = [];
  new Network({ layers: [1, 4, 1], onWarning: (m) => none.push(m) });
  assert.equal(none.length, 0, 'the default regression output is linear');
});
