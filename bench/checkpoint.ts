// What `train --checkpoint-every 1` costs (the figure test/scale-checkpoint.test.ts used to assert):
// CPU time of the command (main() in this process, start-up excluded) on 2,000 XOR epochs, without
// checkpoints and with one scheduled after every epoch, alternated, the median of each printed with
// the load average. `npm run build && node dist/bench/checkpoint.js [rounds]` (default 5).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/run.js';

const rounds = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'scratchnet-bench-checkpoint-'));
writeFileSync(join(dir, 'xor.csv'), 'a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n');
const args = ['train', '--data', join(dir, 'xor.csv'), '--target', 'y', '--epochs', '2000', '--no-plots'];

async function cpuMs(extra: string[]): Promise<number> {
  const out = ['--progress', 'quiet', '--json', '--out', join(dir, 'm.json')];
  const [write, writeErr] = [process.stdout.write, process.stderr.write];
  process.stdout.write = () => true; // the summary and the run's lines are not the figure
  process.stderr.write = () => true;
  const start = process.cpuUsage();
  try {
    const code = await main([process.execPath, 'scratchnet', ...args, ...extra, ...out]);
    if (code !== 0) throw new Error(`train exited ${code}`);
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const without: number[] = [];
const every: number[] = [];
await cpuMs([]); // warm-up: module loading and the first WebAssembly compilation
for (let r = 0; r < rounds; r++) {
  without.push(await cpuMs([]));
  every.push(await cpuMs(['--checkpoint-every', '1']));
}
rmSync(dir, { recursive: true, force: true });
const [a, b] = [median(without), median(every)];
console.log(
  `train, 2,000 XOR epochs, CPU time, median of ${rounds} alternated rounds (load ${loadavg()[0].toFixed(2)}):`,
);
console.log(`  without checkpoints        ${a.toFixed(0)} ms`);
console.log(`  --checkpoint-every 1       ${b.toFixed(0)} ms  (${(b / a).toFixed(2)}×)`);
