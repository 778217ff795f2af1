// Scores chosen search candidates on one quality-benchmark dataset, each alone: autoFit with that one
// candidate (so its full length on the search's 5 folds, seed 42 as `scratchnet train` by default or --seed, then
// refitted on every training row as the search refits it), then scored on the test rows. How the search rules in
// src/train/autofit-space.ts and autofit.ts were measured (a candidate's CV and test score side by side).
//
//   node dist/bench/quality-candidates.js DATASET TARGET [--impute] [--suite fresh] [--seed N] --candidates JSON
//   e.g. --candidates '[{"layers":[64],"activation":"relu","weightDecay":0.01,"optimizer":"lbfgs","epochs":0}]'
// epochs 0 = the search's full length; "unscaledIndicators": true leaves the text columns' 0/1 inputs
// unscaled (they are passed as autoFit's indicators, as `scratchnet train` passes them).
// Datasets: out/quality/DATASET, with --suite fresh out/quality-fresh/DATASET (npm run bench:quality writes them).

import { autoFit, computeMetrics, type Candidate } from '../src/index.js';
import { loadDataset } from './quality-data.js';

const args = process.argv.slice(2);
const [name, target] = args;
const flag = args.indexOf('--candidates');
if (!name || !target || flag < 0) {
  console.error(
    'usage: node dist/bench/quality-candidates.js DATASET TARGET [--impute] [--suite fresh] [--seed N] --candidates JSON',
  );
  process.exit(2);
}
const suite = args.includes('--suite') ? args[args.indexOf('--suite') + 1] : 'default';
const { task, metric, train, test, indicators } = loadDataset(name, target, suite, args.includes('--impute'));
const seed = args.includes('--seed') ? Number(args[args.indexOf('--seed') + 1]) : 42;

for (const c of JSON.parse(args[flag + 1]) as Candidate[]) {
  const fit = await autoFit(train.x, train.y, { task, seed, candidates: [c], indicators });
  const score = computeMetrics([metric], fit.network.predict(test.x), test.y)[metric];
  // with the indicator rule's check (autofit.ts), both variants; the test score is the chosen one's
  for (const [i, board] of fit.leaderboard.entries())
    console.log(
      `${board.name.padEnd(36)} ${board.epochs} epochs  CV ${metric} ${board.mean.toFixed(4)} [${board.scores.map((v) => v.toFixed(3)).join(' ')}] loss ${board.loss.toFixed(4)}  ${i === 0 ? `test ${score.toFixed(4)}  ${fit.search.seconds.toFixed(1)} s` : '(not chosen)'}`,
    );
  if (fit.search.indicators) console.log('  indicator rule:', JSON.stringify(fit.search.indicators));
}
