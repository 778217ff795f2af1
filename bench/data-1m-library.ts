// The library side of the data-1m workload, run in its own process by data-1m.ts: csv-parse's raw
// parse of the file, scratchnet's read and encode (the CLI's own data path), then the same 2 epochs
// as `scratchnet train` through fit(). Prints one JSON line of seconds and the peak RSS.
//   node dist/bench/data-1m-library.js FILE EPOCHS

import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { loadTrainingData } from '../src/cli/options.js';
import { buildNetwork, fitOptions, resolveSettings } from '../src/cli/training.js';
import { fit } from '../src/index.js';

const [file, epochsText] = process.argv.slice(2);
const epochs = Number(epochsText);

let t = performance.now();
const rows = (parse(readFileSync(file, 'utf8')) as unknown[]).length - 1;
const csvParse = (performance.now() - t) / 1000;

t = performance.now();
const data = loadTrainingData({ data: file, target: ['y'] });
const readEncode = (performance.now() - t) / 1000;

const task = data.encoding.target.task;
const settings = resolveSettings({ epochs, seed: 42 }, task);
const network = buildNetwork(settings, data.encoded.x, data.encoded.y, task);
t = performance.now();
const history = fit(network, data.encoded.x, data.encoded.y, fitOptions(settings, task));
const train = (performance.now() - t) / 1000;

console.log(
  JSON.stringify({
    rows,
    csvParse,
    readEncode,
    train,
    epochs: history.epochs,
    maxRSS: process.resourceUsage().maxRSS * 1024,
  }),
);
