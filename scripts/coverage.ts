// Coverage per folder from coverage/lcov.info (written by c8 in `npm run coverage`: V8's counts mapped onto the
// TypeScript sources), then the least-covered files. web/ counts only what runs in Node; the page runs in Chromium.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Counts {
  files: number;
  lines: number;
  linesHit: number;
  branches: number;
  branchesHit: number;
}

const projectRoot = fileURLToPath(new URL('../..', import.meta.url)); // from dist/scripts/
const empty = (): Counts => ({ files: 0, lines: 0, linesHit: 0, branches: 0, branchesHit: 0 });

/** lcov records (SF: … end_of_record) → counts per source file, keyed by its path from the project root. */
export function parseLcov(text: string, root = projectRoot): Map<string, Counts> {
  const files = new Map<string, Counts>();
  let current = empty();
  for (const line of text.split('\n')) {
    const [key, value = ''] = line.split(/:(.*)/s);
    if (key === 'SF') {
      current = { ...empty(), files: 1 };
      files.set(relative(root, value), current);
    } else if (key === 'LF') current.lines = Number(value);
    else if (key === 'LH') current.linesHit = Number(value);
    else if (key === 'BRF') current.branches = Number(value);
    else if (key === 'BRH') current.branchesHit = Number(value);
  }
  return files;
}

export function byFolder(files: Map<string, Counts>): Map<string, Counts> {
  const folders = new Map<string, Counts>();
  for (const [path, counts] of files) {
    for (const folder of [dirname(path), 'total']) {
      const sum = folders.get(folder) ?? empty();
      for (const key of Object.keys(sum) as (keyof Counts)[]) sum[key] += counts[key];
      folders.set(folder, sum);
    }
  }
  return new Map(
    [...folders].sort(([a], [b]) => (a === 'total' ? 1 : b === 'total' ? -1 : a.localeCompare(b))),
  );
}

/** A source whose compiled JavaScript is only `export {};` (interfaces and types): no code to cover. */
export function typeOnly(source: string, root = projectRoot): boolean {
  const compiled = `${root}/dist/${source.replace(/\.ts$/, '.js')}`;
  if (!existsSync(compiled)) return false;
  const code = readFileSync(compiled, 'utf8').replace(/^\s*\/\/.*$/gm, '');
  return code.replace(/\s/g, '') === 'export{};';
}

const percent = (hit: number, found: number) => (found === 0 ? 100 : (100 * hit) / found);

function row(name: string, c: Counts, width: number): string {
  const cell = (hit: number, found: number) =>
    `${percent(hit, found).toFixed(1).padStart(5)}% ${`${hit}/${found}`.padStart(11)}`;
  return `${name.padEnd(width)} ${String(c.files).padStart(5)}  ${cell(c.linesHit, c.lines)}  ${cell(c.branchesHit, c.branches)}`;
}

export function formatCoverage(files: Map<string, Counts>, least = 12): string {
  const folders = byFolder(files);
  const width = Math.max(...[...files.keys()].map((p) => p.length), 10);
  const header = `${'folder'.padEnd(width)} files  ${'lines'.padEnd(18)}  branches`;
  const out = [header, ...[...folders].map(([name, c]) => row(name, c, width))];
  const worst = [...files]
    .filter(([, c]) => c.lines > 0)
    .sort(([, a], [, b]) => percent(a.linesHit, a.lines) - percent(b.linesHit, b.lines) || b.lines - a.lines)
    .slice(0, least);
  out.push('', `least-covered files (by lines):`, ...worst.map(([path, c]) => row(path, c, width)));
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = parseLcov(readFileSync(process.argv[2] ?? `${projectRoot}/coverage/lcov.info`, 'utf8'));
  const types = [...files.keys()].filter((path) => typeOnly(path));
  for (const path of types) files.delete(path);
  console.log(formatCoverage(files));
  console.log(`\nleft out, types only (nothing to run): ${types.join(', ') || 'none'}`);
  console.log(
    'web/: only what runs in Node counts (serve.ts, state.ts, …); the page itself runs in Chromium',
  );
}
