// The library side of the data-1m workload, run in its own process by data-1m.ts: csv-parse's raw
// parse of the file, scratchnet's read and encode (the streaming reader readCsvStore, fitEncoding,
// applyEncoding: what the CLI runs), then the same 2 epochs as `scratchnet train` (createNetwork's and fit's defaults) through
// the public API. Prints one JSON line of seconds and the peak RSS.
//   node dist/bench/data-1m-library.js FILE EPOCHS

import { openSync, readFileSync, readSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { applyEncoding, createNetwork, fit, fitEncoding, readCsvStore } from '../src/index.js';

const [file, epochsText] = process.argv.slice(2);
const epochs = Number(epochsText);

let t = performance.now();
const rows = (parse(readFileSync(file, 'utf8')) as unknown[]).length - 1;
const csvParse = (performance.now() - t) / 1000;

t = performance.now();
const open = () => {
  const fd = openSync(file, 'r');
  return { read: (into: Uint8Array) => readSync(fd, into, 0, into.length, null) };
};
const table = readCsvStore(open, file);
const encoding = fitEncoding(table, { target: ['y'], missing: 'error' });
const { x, y } = applyEncoding(encoding, table);
if (!y) throw new Error(`${file}: no target column y`);
const readEncode = (performance.now() - t) / 1000;

const network = createNetwork(x, y, { task: encoding.target.task, seed: 42 });
t = performance.now();
const history = fit(network, x, y, { epochs, seed: 42 });
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
