// `scratchnet datasets`: lists the built-in datasets; with a name and --out, writes one as CSV.

import type { Command } from 'commander';
import { dataset, describeDatasets, formatCsv } from '../../data/index.js';
import { checkWritable, writeAtomic } from '../files.js';
import { integer, number } from '../options.js';

export function register(program: Command): void {
  program
    .command('datasets')
    .argument('[name]', 'a dataset to write out as CSV (with --out, or to stdout)')
    .description('list the built-in datasets, or write one as CSV')
    .option('--out <file>', 'write the dataset as CSV to this file')
    .option('--n <count>', 'number of points', integer(1, 1e7))
    .option('--noise <std>', 'noise standard deviation', number(0))
    .option('--data-seed <n>', 'seed of the generator (default 0)', integer(0))
    .option('--json', 'print the list as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ scratchnet datasets
  $ scratchnet datasets spirals --n 1000 --data-seed 7 --out spirals.csv
  $ scratchnet train --dataset moons --epochs 300`,
    )
    .action(
      (
        name: string | undefined,
        opts: { out?: string; n?: number; noise?: number; dataSeed?: number; json?: boolean },
      ) => {
        if (name === undefined) {
          const list = describeDatasets();
          if (opts.json) return void console.log(JSON.stringify(list));
          const w = Math.max(...list.map((d) => d.name.length)) + 2;
          for (const d of list)
            console.log(
              `${d.name.padEnd(w)}${String(d.n).padStart(4)} points  ${d.description}  [${d.columns.join(', ')}]`,
            );
          return;
        }
        const d = dataset(name, { n: opts.n, noise: opts.noise, seed: opts.dataSeed });
        const csv = formatCsv(d.table.columns, d.table.rows);
        if (opts.out) {
          checkWritable(opts.out, '--out');
          writeAtomic(opts.out, csv);
          console.error(`wrote ${d.table.rows.length} rows of ${name} to ${opts.out}`);
        } else process.stdout.write(csv);
      },
    );
}
