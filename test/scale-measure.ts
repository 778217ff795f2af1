// Runs the CLI in a child that measures itself: main()'s wall time and CPU time (start-up excluded)
// and the peak RSS of the whole child, for the scale tests. (Not a test file itself.)
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath } from './fixtures/cli.js';

export interface Measured {
  code: number | null;
  stdout: string;
  stderr: string;
  /** main()'s wall time and CPU time (user + system), ms */
  ms: number;
  cpuMs: number;
  /** the child's peak resident set size, bytes */
  maxRSS: number;
}

const runJs = cliPath.replace(/main\.js$/, 'run.js');

/** `scratchnet ...args` in `cwd`; the child reports its measures on its last stderr line. */
export function measuredScratchnet(args: string[], cwd: string): Promise<Measured> {
  const script = [
    `const { main } = await import(${JSON.stringify(runJs)});`,
    'const start = performance.now(); const cpu = process.cpuUsage();',
    `const code = await main([process.execPath, 'scratchnet'].concat(${JSON.stringify(args)}));`,
    'const used = process.cpuUsage(cpu);',
    "process.stderr.write('measured ' + (performance.now() - start) + ' ' + (used.user + used.system) / 1000 + ' ' + process.resourceUsage().maxRSS * 1024 + '\\n');",
    'process.exitCode = code;',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = stderr.trimEnd().split('\n');
      const m = /^measured ([\d.]+) ([\d.]+) (\d+)$/.exec(lines.at(-1) ?? '');
      if (m) lines.pop();
      const [ms, cpuMs, maxRSS] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [NaN, NaN, NaN];
      resolve({
        code,
        stdout,
        stderr: lines.length && lines[0] ? `${lines.join('\n')}\n` : '',
        ms,
        cpuMs,
        maxRSS,
      });
    });
  });
}

/**
 * The peak RSS in MB of `scratchnet ...args` run in a child with V8 flags `nodeFlags` (e.g. small young
 * generations, so that the peak follows what the child keeps rather than when V8 collects). Synchronous.
 */
export function peakRssMB(args: string[], cwd: string, nodeFlags: string[] = []): number {
  const script = [
    `const { main } = await import(${JSON.stringify(runJs)});`,
    `process.exitCode = await main([process.execPath, 'scratchnet'].concat(${JSON.stringify(args)}));`,
    "process.stderr.write('maxRSS ' + process.resourceUsage().maxRSS + '\\n');",
  ].join('\n');
  const r = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', script], {
    cwd,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`scratchnet ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(/maxRSS (\d+)/.exec(r.stderr)?.[1]) / 1024;
}

/** Writes `t<rows>.csv` in `dir`: `rows` rows of 9 numeric inputs a…i and a target y; returns its path. */
export function writeNumericTable(dir: string, rows: number): string {
  const data = join(dir, `t${rows}.csv`);
  const lines = ['a,b,c,d,e,f,g,h,i,y'];
  for (let r = 0; r < rows; r++)
    lines.push(
      `${Array.from({ length: 9 }, (_, j) => ((r * 7 + j * 13) % 101) / 10).join(',')},${(r % 89) / 7}`,
    );
  writeFileSync(data, `${lines.join('\n')}\n`);
  return data;
}
