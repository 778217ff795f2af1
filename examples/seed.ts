// `npm start`: the seed experiment reproduced, then fixed.
// The seed (../shared/seed/) fit y = x² on [0, 1] with [1, 64, 1], He init, leaky ReLU on every
// layer, MSE, L2 decay 1e-8 and plain gradient descent at learning rate 1e-6 for 50,000 iterations.
// It failed. The fix: a linear output layer and a learning rate that suits gradient descent.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { Network, fit } from '../src/index.js';

const X = Array.from({ length: 201 }, (_, i) => [i / 200]);
const Y = X.map(([x]) => [x * x]);
const iterations = Number(process.argv[2] ?? 50000);

interface Run {
  label: string;
  output: 'leakyRelu' | 'linear';
  learningRate: number;
}

const runs: Run[] = [
  { label: 'original: leaky ReLU output, learning rate 1e-6', output: 'leakyRelu', learningRate: 1e-6 },
  { label: 'corrected: linear output, learning rate 0.05', output: 'linear', learningRate: 0.05 },
];

const fits: { label: string; y: number[] }[] = [];
for (const run of runs) {
  const net = new Network({
    layers: [1, 64, 1], activation: 'leakyRelu', output: run.output, init: 'heNormal', loss: 'mse', weightDecay: 1e-8, seed: 1,
    onWarning: (m) => console.log(`  (warning) ${m}`),
  });
  const start = performance.now();
  fit(net, X, Y, { optimizer: 'sgd', learningRate: run.learningRate, epochs: iterations, scale: false }); // the seed's raw data
  const seconds = (performance.now() - start) / 1000;
  const pred = net.predict(X);
  let mse = 0;
  for (let i = 0; i < X.length; i++) mse += (pred.data[i] - Y[i][0]) ** 2;
  mse /= X.length;
  console.log(`${run.label}\n  ${iterations} iterations, final training MSE ${mse.toExponential(3)}, ${seconds.toFixed(2)} s`);
  fits.push({ label: run.label, y: Array.from(pred.data) });
}

// A simple SVG of the data and both fits (the CLI draws real plots).
const W = 640, H = 400, pad = 40;
const px = (x: number) => pad + x * (W - 2 * pad);
const py = (y: number) => H - pad - y * (H - 2 * pad);
const path = (ys: number[]) => ys.map((y, i) => `${i ? 'L' : 'M'}${px(X[i][0]).toFixed(1)},${py(y).toFixed(1)}`).join('');
const colors = ['#d62728', '#2ca02c'];
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">
<rect width="${W}" height="${H}" fill="white"/>
<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="black"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="black"/>
<text x="${W / 2}" y="${H - 10}" text-anchor="middle">x</text><text x="12" y="${H / 2}">y</text>
${X.filter((_, i) => i % 4 === 0).map(([x]) => `<circle cx="${px(x).toFixed(1)}" cy="${py(x * x).toFixed(1)}" r="2" fill="#1f77b4"/>`).join('')}
${fits.map((f, k) => `<path d="${path(f.y)}" fill="none" stroke="${colors[k]}" stroke-width="2"/>`).join('\n')}
<text x="${pad + 10}" y="${pad}" fill="#1f77b4">data: y = x²</text>
${fits.map((f, k) => `<text x="${pad + 10}" y="${pad + 16 * (k + 1)}" fill="${colors[k]}">${f.label}</text>`).join('\n')}
</svg>
`;
mkdirSync('out', { recursive: true });
writeFileSync('out/seed.svg.tmp', svg);
renameSync('out/seed.svg.tmp', 'out/seed.svg');
console.log('wrote out/seed.svg');
