// Bounded memory of autoFit's search (issue 11): a full-batch task keeps ~26 bytes per row and hidden
// unit, so the search trains on at most maxSearchRows rows (a seeded sample above), and its peak stops
// growing with the table; the refit alone trains on every row. (The small-table search, largeRows raised
// above the rows: from 10,000 rows a table takes autofit-large.ts's sampled stages by default.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { maxSearchRows } from '../src/index.js';

const index = new URL('../src/index.js', import.meta.url).href;

/**
 * The peak RSS in MB of a child that searches one 64-64 tanh L-BFGS candidate (3 iterations, in its own
 * thread) on `rows` rows of 10 inputs, with small young generations and no concurrent GC threads so
 * that the peak follows what it keeps (as test/train-memory.test.ts).
 */
function searchRss(rows: number): number {
  const script = [
    `const { searchModels } = await import(${JSON.stringify(index)});`,
    `const rows = ${rows};`,
    'const x = { rows, cols: 10, data: new Float64Array(rows * 10).map((_, i) => Math.sin(i * 0.37)) };',
    'const y = { rows, cols: 1, data: new Float64Array(rows).map((_, i) => Math.cos(i * 0.11)) };',
    "const c = { layers: [64, 64], activation: 'tanh', weightDecay: 1, optimizer: 'lbfgs', epochs: 3 };",
    'const found = await searchModels(x, y, { workers: 0, candidates: [c], largeRows: rows + 1 });',
    "process.stdout.write(JSON.stringify({ sample: found.search.sample ?? null, maxRSS: process.resourceUsage().maxRSS }) + '\\n');",
  ].join('\n');
  const flags = ['--max-semi-space-size=2', '--single-threaded-gc', '--input-type=module', '-e', script];
  const r = spawnSync(process.execPath, flags, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.sample, rows > maxSearchRows ? { rows: maxSearchRows, of: rows } : null);
  return out.maxRSS / 1024;
}

// 80,000 more rows of 11 columns are 7 MB per float64 copy. Before the cap the tasks trained on four
// fifths of every row: 96,000 rows of 64-64 held ~210 MB more than 32,000 did.
test('searchModels: 3× the rows above maxSearchRows cost less than 80 MB more peak memory (a sample is searched)', () => {
  const small = searchRss(40_000);
  const large = searchRss(120_000);
  assert.ok(
    large - small < 80,
    `peak RSS ${small.toFixed(0)} MB at 40k rows, ${large.toFixed(0)} MB at 120k`,
  );
});
