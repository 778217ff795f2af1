// Bounded memory of `scratchnet train` (issue 13): scoring (each epoch's metrics, the end-of-run report,
// the linear reference) runs in row blocks, so more rows cost their data, not rows × hidden units, and
// the data is not copied more than the split and the scaling need.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scratchDir } from './fixtures/cli.js';
import { peakRssMB, writeNumericTable } from './scale-measure.js';

/** The peak RSS in MB of `scratchnet train` (1 epoch, default network) on `rows` rows of 10 numeric columns. */
function trainRss(dir: string, rows: number): number {
  const data = writeNumericTable(dir, rows);
  const args = [
    'train',
    '--data',
    data,
    '--target',
    'y',
    '--epochs',
    '1',
    '--no-plots',
    '--progress',
    'quiet',
  ];
  // small young generations and no concurrent GC threads, so that the peak follows what the child keeps
  // rather than when V8 collects: with concurrent marking a loaded machine (CI) starves its helper
  // threads and the peak grows with the load (measured under two busy cores: 110 → 146–166 MB between
  // 20k and 120k rows with them, 135 → 141 MB with --single-threaded-gc; idle 111 → 145 and 135 → 150)
  return peakRssMB([...args, '--out', `m${rows}.json`], dir, [
    '--max-semi-space-size=2',
    '--single-threaded-gc',
  ]);
}

// 100k more rows of 10 columns are 8 MB per copy. Each row has one owner at a time (the file's cells let
// go, the encoded rows handed to the run uncopied, the linear reference on the run's scaled rows):
// measured 20–21 MB more (43–49 MB when the cells, the run's own copy and the reference's copies
// were kept; scoring all rows at once would add ≥ 100k × 64 units × 8 bytes per layer buffer, ≈ 200 MB).
// That garbage (the cells once encoded, the run's starting copies once trained) is collected when it
// falls (src/cli/collect.ts), not when V8 next collects for its own reasons: without that, a build whose
// kernel emitter made ~100 MB less garbage peaked 17 MB higher at 120k rows, the cells still held.
// Measured with the collections: 110 → 138–141 MB (before them: 137 → 155–158).
test('train: 6× the rows cost less than 40 MB more peak memory (rows not copied, scored in blocks)', () => {
  const dir = scratchDir('scratchnet-train-memory-');
  // each size twice, alternated, the lower peak kept: a peak only overshoots what the child keeps (garbage
  // not yet collected when the machine is loaded: a CI run under five busy processes read 136 → 177 MB)
  const peaks = [20_000, 120_000, 20_000, 120_000].map((rows) => trainRss(dir, rows));
  const small = Math.min(peaks[0], peaks[2]);
  const large = Math.min(peaks[1], peaks[3]);
  assert.ok(
    large - small < 40,
    `peak RSS ${small.toFixed(0)} MB at 20k rows, ${large.toFixed(0)} MB at 120k`,
  );
});
