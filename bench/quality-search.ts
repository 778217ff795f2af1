// Where the default model search's time goes on one quality-benchmark dataset: autoFit with the
// defaults `scratchnet train` uses (budget, seed 42, the text columns' 0/1 inputs), then per rung of
// successive halving its candidates and seconds, per candidate the epochs it reached and its seconds
// (summed over folds and rungs), the indicator check, the refit, CPU and wall time, and the test score.
//
//   node dist/bench/quality-search.js DATASET [--suite fresh] [--workers N] [--budget S] [--seed N]
// --workers 0 (the default here) runs every task in this thread, so the CPU time is the search's alone.
// Datasets: out/quality/DATASET, with --suite fresh out/quality-fresh/DATASET (npm run bench:quality writes them).

import { autoFit, computeMetrics } from '../src/index.js';
import { datasetTarget, loadDataset } from './quality-data.js';

const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const name = args[0];
if (!name || name.startsWith('--')) {
  console.error(
    'usage: node dist/bench/quality-search.js DATASET [--suite fresh] [--workers N] [--budget S]',
  );
  process.exit(2);
}
const suite = flag('--suite') ?? 'default';
const { target, impute } = datasetTarget(name, suite);
const { task, metric, train, test, indicators } = loadDataset(name, target, suite, impute);
const budget = flag('--budget');
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const fit = await autoFit(train.x, train.y, {
  task,
  seed: Number(flag('--seed') ?? 42),
  workers: Number(flag('--workers') ?? 0),
  indicators,
  ...(budget !== undefined ? { budget: Number(budget) } : {}),
});
const cpu = process.cpuUsage(cpu0);
const wall = (performance.now() - wall0) / 1000;
const score = computeMetrics([metric], fit.network.predict(test.x), test.y)[metric];
const s = fit.search;
const halving = s.rungs.reduce((sum, r) => sum + r.seconds, 0);
const byRung = s.rungs.map((r) => `${r.candidates} × ${r.fraction.toFixed(3)}: ${r.seconds.toFixed(1)} s`);
const check = fit.leaderboard.find((e) => e.candidate.unscaledIndicators);
console.log(
  `${name}: ${train.x.rows} rows × ${train.x.cols} inputs, budget ${s.budget} s, ${s.candidates} candidates (${s.skipped} left out), predicted ${s.predicted.toFixed(1)} s`,
);
console.log(`rungs: ${byRung.join(', ')}; halving ${halving.toFixed(1)} s`);
if (check) console.log(`indicator check: ${check.seconds.toFixed(1)} s (${s.indicators?.chosen})`);
console.log(`refit and the rest: ${(s.seconds - halving - (check?.seconds ?? 0)).toFixed(1)} s (${s.refit})`);
console.log(
  `total: wall ${wall.toFixed(1)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; chosen ${fit.leaderboard[0].name}, CV ${fit.leaderboard[0].mean.toFixed(4)}, test ${metric} ${score.toFixed(4)}`,
);
for (const e of fit.leaderboard)
  console.log(
    `  ${String(e.rank).padStart(2)} ${e.name.padEnd(36)} ${e.mean.toFixed(4)} ${String(e.epochs).padStart(4)} epochs (best ${e.bestEpoch.toFixed(0).padStart(4)}) ${e.seconds.toFixed(2).padStart(7)} s`,
  );
