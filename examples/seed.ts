// `npm start`: the seed experiment reproduced, then fixed.
// The seed (a network written from scratch in numpy) fit y = x² on [0, 1] with [1, 64, 1], He init,
// leaky ReLU on every layer, MSE, L2 decay 1e-8 and plain gradient descent at learning rate 1e-6 for
// 50,000 iterations. It failed. The fix: a linear output layer and a learning rate that suits
// gradient descent. Usage: node dist/examples/seed.js [ITERATIONS] (default 50000; out/ is written
// in the current folder).

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { Network, fit, lossChart, regressionFitChart } from '../src/index.js';
import { renderSvg, svgToPng } from '../src/plot/render.js';

const X = Array.from({ length: 201 }, (_, i) => [i / 200]);
const Y = X.map(([x]) => [x * x]);
const iterations = Number(process.argv[2] ?? 50000);
if (!Number.isInteger(iterations) || iterations < 1) {
  console.error(
    `usage: node dist/examples/seed.js [ITERATIONS]: a whole number ≥ 1, got "${process.argv[2]}"`,
  );
  process.exit(2);
}

interface Run {
  label: string;
  output: 'leakyRelu' | 'linear';
  learningRate: number;
}

const runs: Run[] = [
  { label: 'original: leaky ReLU output, learning rate 1e-6', output: 'leakyRelu', learningRate: 1e-6 },
  { label: 'corrected: linear output, learning rate 0.05', output: 'linear', learningRate: 0.05 },
];

const fits: { label: string; y: number[]; loss: number[] }[] = [];
for (const run of runs) {
  const net = new Network({
    layers: [1, 64, 1],
    activation: 'leakyRelu',
    output: run.output,
    init: 'heNormal',
    loss: 'mse',
    weightDecay: 1e-8,
    seed: 1,
    onWarning: (m) => console.log(`  (warning) ${m}`),
  });
  const start = performance.now();
  const history = fit(net, X, Y, {
    optimizer: 'sgd',
    learningRate: run.learningRate,
    epochs: iterations,
    scale: false,
  }); // the seed's raw data
  const seconds = (performance.now() - start) / 1000;
  const pred = net.predict(X);
  let mse = 0;
  for (let i = 0; i < X.length; i++) mse += (pred.data[i] - Y[i][0]) ** 2;
  mse /= X.length;
  console.log(
    `${run.label}\n  ${iterations} iterations, final training MSE ${mse.toExponential(3)}, ${seconds.toFixed(2)} s`,
  );
  fits.push({ label: run.label, y: Array.from(pred.data), loss: history.loss });
}

// The pictures, drawn with the same Vega-Lite specs as the CLI: data with both fits, and both loss
// curves (every 50th epoch: 50,000 points per line would only slow the renderer down).
const xs = X.map(([x]) => x);
const charts = {
  seed: regressionFitChart(
    { x: xs, y: Y.map(([y]) => y) },
    fits.map((f) => ({ name: f.label, x: xs, y: f.y })),
    { x: 'x', y: 'y = x²' },
    'The seed experiment: y = x² on 201 points',
  ),
  'seed-loss': lossChart(
    fits.map((f) => ({ name: f.label, values: f.loss.map((v, i) => (i % 50 === 0 ? v : NaN)) })),
    'Training loss (MSE + L2)',
  ),
};
mkdirSync('out', { recursive: true });
for (const [name, spec] of Object.entries(charts)) {
  const svg = await renderSvg(spec);
  for (const [ext, content] of [
    ['svg', svg],
    ['png', svgToPng(svg)],
  ] as const) {
    writeFileSync(`out/${name}.${ext}.tmp`, content);
    renameSync(`out/${name}.${ext}.tmp`, `out/${name}.${ext}`);
  }
  console.log(`wrote out/${name}.svg and out/${name}.png`);
}
