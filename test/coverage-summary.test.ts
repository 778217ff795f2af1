// scripts/coverage.ts: lcov records summed per folder and in total, and the least-covered files first.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byFolder, formatCoverage, parseLcov } from '../scripts/coverage.js';

const record = (file: string, lines: [number, number], branches: [number, number]) =>
  `TN:\nSF:/repo/${file}\nFN:1,f\nLF:${lines[0]}\nLH:${lines[1]}\nBRF:${branches[0]}\nBRH:${branches[1]}\nend_of_record`;

const lcov = [
  record('src/nn/dense.ts', [100, 90], [10, 9]),
  record('src/nn/losses.ts', [50, 50], [4, 2]),
  record('src/cli/main.ts', [20, 5], [0, 0]),
].join('\n');

test('parseLcov reads the line and branch counts of each file, by its path from the root', () => {
  const files = parseLcov(lcov, '/repo');
  assert.deepEqual([...files.keys()], ['src/nn/dense.ts', 'src/nn/losses.ts', 'src/cli/main.ts']);
  assert.deepEqual(files.get('src/nn/losses.ts'), {
    files: 1,
    lines: 50,
    linesHit: 50,
    branches: 4,
    branchesHit: 2,
  });
});

test('byFolder sums per folder, sorted by name, the total last', () => {
  const folders = byFolder(parseLcov(lcov, '/repo'));
  assert.deepEqual([...folders.keys()], ['src/cli', 'src/nn', 'total']);
  assert.deepEqual(folders.get('src/nn'), {
    files: 2,
    lines: 150,
    linesHit: 140,
    branches: 14,
    branchesHit: 11,
  });
  assert.deepEqual(folders.get('total'), {
    files: 3,
    lines: 170,
    linesHit: 145,
    branches: 14,
    branchesHit: 11,
  });
});

test('formatCoverage prints percentages with counts, then the least-covered files first', () => {
  const text = formatCoverage(parseLcov(lcov, '/repo'), 2);
  assert.match(text, /^src\/nn +2 +93\.3% +140\/150 +78\.6% +11\/14$/m);
  assert.match(text, /^src\/cli +1 +25\.0% +5\/20 +100\.0% +0\/0$/m, 'no branches: nothing missed');
  const least = text.split('least-covered files (by lines):\n')[1].split('\n');
  assert.deepEqual(
    least.map((l) => l.split(/ +/)[0]),
    ['src/cli/main.ts', 'src/nn/dense.ts'],
  );
});
