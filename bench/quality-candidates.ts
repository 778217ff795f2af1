// Scores chosen search candidates on one quality-benchmark dataset, without the search: each candidate
// at its full length on the search's 5 folds (seed 42, as `scratchnet train` by default) and refitted on
// every training row as the search refits it, then scored on the test rows. How the search rules in
// src/train/autofit-space.ts and autofit.ts were measured (a candidate's CV and test score side by side).
//
//   node dist/bench/quality-candidates.js DATASET TARGET [--impute] --candidates JSON
//   e.g. --candidates '[{"layers":[64],"activation":"relu","weightDecay":0.01,"optimizer":"lbfgs","epochs":0}]'
// epochs 0 = the search's full length. Datasets: out/quality/DATASET (npm run bench:quality writes them).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyEncoding } from '../src/data/apply.js';
import { parseCsv } from '../src/data/csv.js';
import { fitEncoding } from '../src/data/encoding.js';
import type { Matrix } from '../src/matrix.js';
import { oneHotLabels } from '../src/train/auto.js';
import { candidateRun, runTask, searchMetric } from '../src/train/autofit-eval.js';
import {
  assignFolds,
  candidateEpochs,
  describeCandidate,
  type Candidate,
} from '../src/train/autofit-space.js';
import { computeMetrics } from '../src/train/metrics.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const [name, target] = args;
const flag = args.indexOf('--candidates');
if (!name || !target || flag < 0) {
  console.error('usage: node dist/bench/quality-candidates.js DATASET TARGET [--impute] --candidates JSON');
  process.exit(2);
}
const folder = path.join(root, 'out', 'quality', name);
const read = (part: string) =>
  parseCsv(readFileSync(path.join(folder, `${part}.csv`), 'utf8'), `${part}.csv`);
const encoding = fitEncoding(read('train'), {
  target: [target],
  ...(args.includes('--impute') ? { missing: 'mean' as const } : {}),
});
const task = encoding.target.task;
const encode = (part: string) => {
  const e = applyEncoding(encoding, read(part));
  return { x: e.x, y: oneHotLabels(e.y as Matrix, task).y };
};
const train = encode('train');
const test = encode('test');
const data = { ...train, task, folds: assignFolds(train.y, task, 5, 42) };
const metric = searchMetric(task);
const trainRows = train.x.rows - Math.ceil(train.x.rows / 5);

for (const given of JSON.parse(args[flag + 1]) as Candidate[]) {
  const c = { ...given, epochs: given.epochs || candidateEpochs(given, trainRows) };
  const start = performance.now();
  const folds = [0, 1, 2, 3, 4].map((fold) =>
    runTask(data, { candidate: c, fold, epochs: c.epochs, seed: 42 + fold }),
  );
  const cv = folds.reduce((s, r) => s + r.score, 0) / folds.length;
  const best = folds.reduce((s, r) => s + r.bestEpoch, 0) / folds.length;
  const epochs = c.optimizer === 'lbfgs' ? c.epochs : Math.max(1, Math.round(best));
  const run = candidateRun({ ...c, epochs }, train, task, { epochs, seed: 42 });
  run.run();
  const score = computeMetrics([metric], run.network.predict(test.x), test.y)[metric];
  const seconds = (performance.now() - start) / 1000;
  console.log(
    `${describeCandidate(c).padEnd(36)} ${c.epochs} epochs  CV ${metric} ${cv.toFixed(4)} [${folds.map((r) => r.score.toFixed(3)).join(' ')}]  test ${score.toFixed(4)}  ${seconds.toFixed(1)} s`,
  );
}
