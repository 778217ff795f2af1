// One quality-benchmark dataset read as the CLI reads it (bench/quality.ts writes them): its training and
// test rows encoded by the training rows' encoding, the task, the metric and the text columns' 0/1 inputs.
// Shared by bench/quality-candidates.ts and bench/quality-search.ts.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyEncoding, fitEncoding, indicatorInputs, parseCsv, type Matrix } from '../src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** out/quality/NAME, or out/quality-fresh/NAME with suite 'fresh'. */
export function datasetFolder(name: string, suite: string): string {
  return path.join(root, 'out', suite === 'fresh' ? 'quality-fresh' : 'quality', name);
}

/** The dataset's target column, from its meta.json. */
export function datasetTarget(name: string, suite: string): { target: string; impute: boolean } {
  const meta = JSON.parse(readFileSync(path.join(datasetFolder(name, suite), 'meta.json'), 'utf8'));
  return { target: meta.target, impute: meta.impute === true };
}

/** Training and test rows of a dataset, encoded as `scratchnet train` encodes them (--impute mean if asked). */
export function loadDataset(name: string, target: string, suite: string, impute: boolean) {
  const folder = datasetFolder(name, suite);
  const read = (part: string) =>
    parseCsv(readFileSync(path.join(folder, `${part}.csv`), 'utf8'), `${part}.csv`);
  const encoding = fitEncoding(read('train'), {
    target: [target],
    ...(impute ? { missing: 'mean' as const } : {}),
  });
  const encode = (part: string) => {
    const e = applyEncoding(encoding, read(part));
    return { x: e.x, y: e.y as Matrix };
  };
  const task = encoding.target.task;
  return {
    task,
    metric: task === 'regression' ? ('r2' as const) : ('accuracy' as const),
    train: encode('train'),
    test: encode('test'),
    // the one-hot inputs of text columns, as the CLI passes them
    indicators: indicatorInputs(encoding),
  };
}
