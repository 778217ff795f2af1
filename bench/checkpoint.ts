// What `train --checkpoint-every 1` costs (the figure test/scale-checkpoint.test.ts used to assert):
// CPU time of the command line (`dist/src/cli/main.js`, as a user runs it, start-up included in both)
// on 2,000 XOR epochs, without checkpoints and with one scheduled after every epoch, alternated, the
// median of each printed with the load average. Children's CPU time is read from /proc/self/stat
// (Linux; 10 ms ticks). `npm run build && node dist/bench/checkpoint.js [rounds]` (default 5).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rounds = Number(process.argv[2] ?? 5);
const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'scratchnet-bench-checkpoint-'));
writeFileSync(join(dir, 'xor.csv'), 'a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n');
const args = ['train', '--data', join(dir, 'xor.csv'), '--target', 'y', '--epochs', '2000', '--no-plots'];

/** CPU time (ms) of this process's waited-for children so far: cutime + cstime of /proc/self/stat. */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is the state (field 3); cutime and cstime are fields 16 and 17, in ticks of 10 ms
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

function cpuMs(extra: string[]): number {
  const out = ['--progress', 'quiet', '--json', '--out', join(dir, 'm.json')];
  const before = childrenCpuMs();
  const child = spawnSync(process.execPath, [cli, ...args, ...extra, ...out], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`train exited ${child.status}: ${child.stderr}`);
  return childrenCpuMs() - before;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const without: number[] = [];
const every: number[] = [];
for (let r = 0; r < rounds; r++) {
  without.push(cpuMs([]));
  every.push(cpuMs(['--checkpoint-every', '1']));
}
rmSync(dir, { recursive: true, force: true });
const [a, b] = [median(without), median(every)];
console.log(
  `train, 2,000 XOR epochs, CPU time, median of ${rounds} alternated rounds (load ${loadavg()[0].toFixed(2)}):`,
);
console.log(`  without checkpoints        ${a.toFixed(0)} ms`);
console.log(`  --checkpoint-every 1       ${b.toFixed(0)} ms  (${(b / a).toFixed(2)}×)`);
