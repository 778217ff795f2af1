// The command-line program: commander setup and the list of commands, one file each in commands/.
// A new command is one file exporting register(program) plus one line here.

import { createRequire } from 'node:module';
import { Command } from 'commander';
import * as datasets from './commands/datasets.js';
import * as doctor from './commands/doctor.js';
import * as evaluate from './commands/evaluate.js';
import * as exportCommand from './commands/export.js';
import * as explain from './commands/explain.js';
import * as gradcheck from './commands/gradcheck.js';
import * as predict from './commands/predict.js';
import * as train from './commands/train.js';

export const commands: { register(program: Command): void }[] = [
  train,
  predict,
  evaluate,
  datasets,
  gradcheck,
  doctor,
  exportCommand,
  explain,
];

/** scratchnet's version, read from package.json (through the package's own "./package.json" export). */
export const version = (createRequire(import.meta.url)('scratchnet/package.json') as { version: string })
  .version;

export function createProgram(): Command {
  const program = new Command('scratchnet')
    .description('Neural networks from scratch: train, predict, evaluate and plot on CSV / JSON data.')
    .version(version)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      outputError: (message, write) =>
        write(
          `scratchnet: ${message
            .replace(/^error: /, '')
            .trim()
            .replace(/\s*\n\s*/g, ' ')}\n`,
        ),
    })
    .addHelpText(
      'after',
      `
Examples:
  $ scratchnet datasets
  $ scratchnet train --data cars.csv --target mpg --out cars.json
  $ scratchnet predict --model cars.json --data new-cars.csv --out predictions.csv
  $ scratchnet evaluate --model cars.json --data test.csv --json
Run \`scratchnet <command> --help\` for each command's options.`,
    );
  for (const c of commands) c.register(program);
  return program;
}
