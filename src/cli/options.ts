// Option definitions shared by the commands that read data and build networks (train, gradcheck,
// doctor): one function adds each group, one function turns the parsed flags into data and settings.
// Values are checked where they enter, with the bad value in the message (commander prints it and
// the CLI exits 2).

import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  applyEncoding,
  dataNotes,
  dataWarnings,
  rowCount,
  sparseColumnWarnings,
  dataset,
  datasetNames,
  encodingNotes,
  fitEncoding,
  MAX_ENCODED_CELLS,
  missingMarkers,
  taskNames,
  type Encoded,
  type EncodeOptions,
  type Encoding,
  type DateOrder,
  type DecimalMark,
  type MissingPolicy,
  type DataTable,
  type ThousandsSeparator,
  type UnknownPolicy,
  thousandsSeparators,
} from '../data/index.js';
import { activationNames } from '../nn/activations.js';
import { lossNames } from '../nn/losses.js';
import { initializerNames } from '../nn/initializers.js';
import { optimizerNames } from '../optim/index.js';
import { fitDefaults, networkDefaults, type Task } from '../train/index.js';
import { UsageError } from './errors.js';
import { shown } from '../errors.js';
import type { TrainFlags, TrainSettings } from './training.js';
import { loadTable, savedFormat } from './files.js';
import { inputColumns } from '../data/weights.js';
import { readProgress, type ProgressMode } from './progress.js';

// ── value parsers: each throws InvalidArgumentError naming what was expected ──

export function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*[+-]?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `expected an integer${min > -Infinity ? ` >= ${min}` : ''}${max < Number.MAX_SAFE_INTEGER ? ` and <= ${max}` : ''}.`,
      );
    }
    return n;
  };
}

export function number(min = -Infinity, max = Infinity, { exclusiveMin = false, exclusiveMax = false } = {}) {
  return (value: string): number => {
    const n = Number(value);
    const ok =
      value.trim() !== '' &&
      Number.isFinite(n) &&
      (exclusiveMin ? n > min : n >= min) &&
      (exclusiveMax ? n < max : n <= max);
    if (!ok) {
      const range = [
        min > -Infinity ? `${exclusiveMin ? '>' : '>='} ${min}` : '',
        max < Infinity ? `${exclusiveMax ? '<' : '<='} ${max}` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      throw new InvalidArgumentError(`expected a number${range ? ` ${range}` : ''}.`);
    }
    return n;
  };
}

/**
 * A comma-separated list; an item in double quotes may hold commas ("Price, USD"; "" for a quote
 * inside), as in a CSV header.
 */
export function list(value: string): string[] {
  const items: string[] = [];
  let i = 0;
  for (;;) {
    while (value[i] === ' ') i++;
    let item = '';
    if (value[i] === '"') {
      for (i++; ; i++) {
        if (i >= value.length) throw new InvalidArgumentError(`a quoted item is not closed: ${value}.`);
        if (value[i] === '"' && value[i + 1] === '"') item += value[i++];
        else if (value[i] === '"') break;
        else item += value[i];
      }
      for (i++; value[i] === ' '; ) i++;
      if (i < value.length && value[i] !== ',')
        throw new InvalidArgumentError(`expected a comma after the quoted item "${item}".`);
    } else {
      const end = value.indexOf(',', i);
      item = value.slice(i, end < 0 ? value.length : end).trim();
      i = end < 0 ? value.length : end;
    }
    if (item === '') throw new InvalidArgumentError('expected a comma-separated list without empty items.');
    items.push(item);
    if (i >= value.length) return items;
    i++; // the comma
  }
}

/** --class-weight: 'balanced', or a JSON object of class label → weight (finite, ≥ 0). */
export function classWeightSpec(value: string): 'balanced' | Record<string, number> {
  if (value.trim() === 'balanced') return 'balanced';
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  const ok =
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0);
  if (!ok)
    throw new InvalidArgumentError(
      `expected balanced or a JSON object of class → weight ≥ 0 such as '{"yes": 5}', got ${shown(value)}.`,
    );
  return parsed as Record<string, number>;
}

export function sizes(value: string): number[] {
  if (value.trim() === '' || value.trim() === 'none') return [];
  return list(value).map((s) => {
    const n = Number(s);
    if (!/^\d+$/.test(s) || n < 1 || n > 100000)
      throw new InvalidArgumentError(
        `expected hidden layer sizes such as 64,64 (positive integers), got ${shown(s)}.`,
      );
    return n;
  });
}

// ── option groups ──

/** What a command reading data for a model says of its number flags' default: the model's, when it was given one. */
const asTrained = 'as train was told, when it was; else ';

/** --thousands: a separator between groups of three digits to accept in numbers (off by default). */
export function thousandsOption(forModel = false): Option {
  return new Option(
    '--thousands <separator>',
    `accept numbers such as 1,500: the separator between groups of three digits (default: ${forModel ? asTrained : ''}none; such cells are errors)`,
  ).choices([...thousandsSeparators]);
}

/** --decimal: the decimal mark of a CSV's numbers (train, predict, evaluate…). */
/** --unknown for the commands that read new data with a model (predict, evaluate): overrides the policy saved in the model. */
export function unknownOption(): Option {
  return new Option(
    '--unknown <how>',
    'a category the model never saw: error, or ignore (its inputs all zero, counted and reported) (default: what train was told, error unless --unknown ignore)',
  ).choices(['error', 'ignore']);
}

export function decimalOption(forModel = false): Option {
  return new Option(
    '--decimal <mark>',
    `decimal mark of the numbers in a CSV (default: ${forModel ? asTrained : ''}"," for ";"-separated files with decimal commas, else ".")`,
  ).choices(['.', ',']);
}

/** --data/--dataset, --target, --features, --categorical, --task, missing values. */
export function addDataOptions(command: Command): Command {
  return command
    .option(
      '--data <file>',
      'training data: CSV with a header row (.csv, .tsv) or a JSON array of records (.json)',
    )
    .addOption(
      new Option('--dataset <name>', 'a built-in dataset instead of --data (see `scratchnet datasets`)')
        .choices(datasetNames)
        .conflicts('data'),
    )
    .option(
      '--target <columns>',
      'target column(s), comma-separated (a built-in dataset knows its own)',
      list,
    )
    .option('--features <columns>', 'input columns, comma-separated (default: every other column)', list)
    .option(
      '--keep-ids',
      'keep columns that look like names, ids or row numbers as inputs (default: left out, with a note)',
    )
    .option(
      '--categorical <columns>',
      'columns to one-hot encode even if they look numeric (text columns are detected)',
      list,
    )
    .option(
      '--numeric <columns>',
      'columns of integers to read as numbers although some have leading zeros (default: such columns, e.g. 02139, are codes: text)',
      list,
    )
    .addOption(
      new Option(
        '--task <task>',
        'regression, binary or multiclass (default: inferred from the target)',
      ).choices(taskNames as string[]),
    )
    .option(
      '--drop-missing',
      'leave out rows with an empty or NA cell in the columns used (default: stop with a list of them)',
    )
    .addOption(
      new Option(
        '--impute <how>',
        'fill missing inputs: mean for numbers, most frequent for text (with --drop-missing: rows missing the target are left out)',
      ).choices(['mean']),
    )
    .option(
      '--na-values <values>',
      'more spellings of a missing cell, comma-separated (e.g. -999,unknown)',
      list,
    )
    .option(
      '--not-na <values>',
      'default spellings of a missing cell that are values in this file, comma-separated (e.g. NA for "no alley", None for "no damage"); saved in the model',
      list,
    )
    .addOption(decimalOption())
    .addOption(thousandsOption())
    .addOption(
      new Option(
        '--date-order <order>',
        'numeric dates such as 03/04/2021 in a column whose cells do not prove the order (a day above 12 does): day-first or month-first (default: such columns are errors); saved in the model',
      ).choices(['day-first', 'month-first']),
    )
    .addOption(
      new Option(
        '--unknown <how>',
        'a category unseen in training, at predict time: error, or ignore (all zeros, counted); saved in the model',
      )
        .choices(['error', 'ignore'])
        .default('error'),
    )
    .option('--n <count>', 'built-in dataset: number of points', integer(1, 1e7))
    .option('--noise <std>', 'built-in dataset: noise standard deviation', number(0))
    .option('--data-seed <n>', 'built-in dataset: seed of the generator (default 0)', integer(0));
}

/**
 * Every setting of a training run, one row each: its flag, commander's name for it (TrainFlags),
 * its key in the model file's settings (TrainSettings), how its value is checked, and its help with
 * the default. The commander options, --resume's refusal of setting flags and resolveSettings all
 * come from this table.
 */
export interface SettingRow {
  flag: string;
  option: keyof TrainFlags;
  key: keyof TrainSettings;
  group: 'network' | 'training';
  help: string;
  parse?: (value: string) => unknown;
  choices?: readonly string[];
  /** --resume refuses it (the checkpoint fixes it); default true */
  fixedOnResume?: boolean;
}

export const settingRows: readonly SettingRow[] = [
  {
    flag: '--layers <sizes>',
    option: 'layers',
    key: 'layers',
    group: 'network',
    help: `hidden layer sizes, comma-separated (none: no hidden layer; default ${networkDefaults.layers.join(',')})`,
    parse: sizes,
  },
  {
    flag: '--activation <name>',
    option: 'activation',
    key: 'activation',
    group: 'network',
    help: `activation of the hidden layers (default ${networkDefaults.activation})`,
    choices: activationNames.filter((a) => a !== 'softmax'),
  },
  {
    flag: '--output <name>',
    option: 'output',
    key: 'output',
    group: 'network',
    help: 'activation of the output layer (default: what the loss needs)',
    choices: activationNames,
  },
  {
    flag: '--loss <name>',
    option: 'loss',
    key: 'loss',
    group: 'network',
    help: 'loss (default: mse for regression, cross-entropy for classification)',
    choices: lossNames,
  },
  {
    flag: '--init <name>',
    option: 'init',
    key: 'init',
    group: 'network',
    help: 'weight initializer (default: heNormal for the ReLU family, glorotUniform otherwise)',
    choices: initializerNames,
  },
  {
    flag: '--weight-decay <lambda>',
    option: 'weightDecay',
    key: 'weightDecay',
    group: 'network',
    help: 'L2 penalty λ on the weights (cost λ/2m·Σw², scikit-learn alpha; default 0)',
    parse: number(0),
  },
  {
    flag: '--seed <n>',
    option: 'seed',
    key: 'seed',
    group: 'network',
    help: `seed of the initialization, shuffling and validation split (default ${fitDefaults.seed})`,
    parse: integer(0),
  },
  {
    flag: '--optimizer <name>',
    option: 'optimizer',
    key: 'optimizer',
    group: 'training',
    help: `optimizer (default ${fitDefaults.optimizer})`,
    choices: optimizerNames,
  },
  {
    flag: '--lr <rate>',
    option: 'lr',
    key: 'learningRate',
    group: 'training',
    help: "learning rate (default: the optimizer's own, e.g. adam 0.001, sgd 0.01, lbfgs 1)",
    parse: number(0, Infinity, { exclusiveMin: true }),
  },
  {
    flag: '--momentum <mu>',
    option: 'momentum',
    key: 'momentum',
    group: 'training',
    help: 'momentum / nesterov: μ (default 0.9)',
    parse: number(0, 1, { exclusiveMax: true }),
  },
  {
    flag: '--epochs <n>',
    option: 'epochs',
    key: 'epochs',
    group: 'training',
    help: `passes over the training data (default ${fitDefaults.fullBatchEpochs} with full batches, ${fitDefaults.miniBatchEpochs} with mini-batches)`,
    parse: integer(1, 1e8),
  },
  {
    flag: '--batch-size <n>',
    option: 'batchSize',
    key: 'batchSize',
    group: 'training',
    help: `examples per step (default: every row when there are at most ${fitDefaults.fullBatchRows}, else ${fitDefaults.miniBatchSize})`,
    parse: integer(1),
  },
  {
    flag: '--val-split <fraction>',
    option: 'valSplit',
    key: 'validationSplit',
    group: 'training',
    help: 'fraction of the rows held out for validation (default 0.2 from 50 rows, stratified for classes; 0: train on every row)',
    parse: number(0, 1, { exclusiveMax: true }),
  },
  {
    flag: '--early-stop [patience]',
    option: 'earlyStop',
    key: 'earlyStopping',
    group: 'training',
    help: 'stop when the validation loss has not improved for `patience` epochs (default max(10, ⌈100 / batches per epoch⌉); on by default with --val-split)',
    parse: integer(1),
  },
  {
    flag: '--class-weight <spec>',
    option: 'classWeight',
    key: 'classWeight',
    group: 'training',
    help: `weight each class's rows in the loss: balanced (rows / (classes · rows of the class)) or JSON such as '{"yes": 5}' (classes left out weigh 1; default: none)`,
    parse: classWeightSpec,
  },
  {
    flag: '--weight-column <column>',
    option: 'weightColumn',
    key: 'weightColumn',
    group: 'training',
    help: 'a column of row weights (numbers ≥ 0, not an input): the loss and the metrics weight each row by it (default: none)',
  },
  {
    flag: '--no-scale',
    option: 'scale',
    key: 'scale',
    group: 'training',
    help: 'do not standardize inputs and regression targets',
    fixedOnResume: false,
  },
];

function addSettingOptions(command: Command, group: SettingRow['group']): Command {
  for (const row of settingRows) {
    if (row.group !== group) continue;
    const option = new Option(row.flag, row.help);
    if (row.parse) option.argParser(row.parse);
    if (row.choices) option.choices(row.choices);
    command.addOption(option);
  }
  return command;
}

/** The network: --layers, --activation, --output, --loss, --init, --weight-decay, --seed. */
export function addNetworkOptions(command: Command): Command {
  return addSettingOptions(command, 'network');
}

/** Training: optimizer and its settings, epochs, batch size, validation, early stopping, scaling. */
export function addTrainingOptions(command: Command): Command {
  return addSettingOptions(command, 'training');
}

// ── turning flags into data ──

export interface DataFlags {
  data?: string;
  dataset?: string;
  target?: string[];
  features?: string[];
  categorical?: string[];
  /** --numeric: integer columns read as numbers despite leading zeros */
  numeric?: string[];
  task?: Task;
  dropMissing?: boolean;
  impute?: 'mean';
  naValues?: string[];
  /** --not-na: default missing spellings that are values here */
  notNa?: string[];
  /** --progress, where the command has it (reading shows progress too) */
  progress?: ProgressMode;
  decimal?: DecimalMark;
  thousands?: ThousandsSeparator;
  /** --date-order: numeric dates in columns that do not prove their order */
  dateOrder?: DateOrder;
  unknown?: UnknownPolicy;
  n?: number;
  noise?: number;
  dataSeed?: number;
  /** --weight-column: left out of the inputs */
  weightColumn?: string;
  /** --keep-ids: identifier-like columns stay inputs */
  keepIds?: boolean;
}

export interface LoadedData {
  table: DataTable;
  encoding: Encoding;
  encoded: Encoded & { y: NonNullable<Encoded['y']> };
  /** "cars.csv" or "dataset spirals" */
  source: string;
  /** things worth saying before training (identifier-like text columns, a constant target) */
  warnings?: string[];
  /** what the reader decided or left out (decimal commas, rows with missing values) */
  notes?: string[];
}

/**
 * The missing spellings beyond the library's from --na-values, and those of its spellings that are
 * values here from --not-na, as "!NA" (table.ts isMissing): one list, saved in the model as given.
 */
export function naSpellings(flags: Pick<DataFlags, 'naValues' | 'notNa'>): string[] | undefined {
  const all = [...(flags.naValues ?? []), ...(flags.notNa ?? []).map((v) => `!${v.trim()}`)];
  const both = (flags.notNa ?? []).find((v) => flags.naValues?.includes(v.trim()));
  if (both !== undefined) throw new UsageError(`"${both}" is both in --na-values and in --not-na`);
  const bang = flags.naValues?.find((v) => v.startsWith('!'));
  if (bang !== undefined)
    throw new UsageError(
      `--na-values ${JSON.stringify(bang)}: a spelling starting with "!" is not taken (--not-na ${bang.slice(1)} reads ${bang.slice(1)} as a value)`,
    );
  const other = (flags.notNa ?? []).find((v) => !missingMarkers.includes(v.trim()));
  if (other !== undefined)
    throw new UsageError(
      `--not-na ${JSON.stringify(other)}: not one of the spellings read as missing by default (${missingMarkers.map((m) => JSON.stringify(m)).join(', ')}), so it is a value already`,
    );
  return all.length ? all : undefined;
}

/** Reads the table named by --data or --dataset (`naValues`: a model's, else --na-values and --not-na). */
export function loadDataTable(
  flags: DataFlags,
  naValues = naSpellings(flags),
): { table: DataTable; target?: string[]; task?: Task } {
  if (flags.dataset) {
    const d = dataset(flags.dataset, { n: flags.n, noise: flags.noise, seed: flags.dataSeed });
    return { table: d.table, target: d.target, task: d.task };
  }
  if (!flags.data)
    throw new UsageError(
      'no data: give --data FILE (CSV or JSON records) or --dataset NAME (see `scratchnet datasets`)',
    );
  if (flags.n !== undefined || flags.noise !== undefined || flags.dataSeed !== undefined) {
    throw new UsageError(
      '--n, --noise and --data-seed apply to built-in datasets (--dataset), not to --data files',
    );
  }
  const { decimal, thousands } = flags;
  return {
    table: loadTable(flags.data, { decimal, thousands, naValues, progress: readProgress(flags.progress) }),
  };
}

export function missingPolicy(flags: DataFlags): MissingPolicy {
  return flags.impute === 'mean' ? 'mean' : flags.dropMissing ? 'drop' : 'error';
}

/** Loads the data and builds its encoding (new training). */
export function loadTrainingData(flags: DataFlags): LoadedData {
  const { table, target, task } = loadDataTable(flags);
  const targets = flags.target ?? target;
  if (!targets)
    throw new UsageError(
      `--target is required with --data: name the column(s) to predict; ${table.source} has columns ${table.columns.join(', ')}`,
    );
  const encoding = fitEncoding(table, {
    ...encodeOptions(flags, table, targets),
    task: flags.task ?? (flags.target ? undefined : task),
  });
  const encoded = applyEncoding(encoding, table, { maxCells: MAX_ENCODED_CELLS });
  return {
    table,
    encoding,
    encoded: encoded as LoadedData['encoded'],
    source: table.source,
    warnings: [
      ...encodingWarnings(encoding, encoded.x.rows),
      ...dataWarnings(encoding, encoded),
      ...sparseColumnWarnings(table.source, encoded.left, rowCount(table)),
    ],
    notes: [...encodingNotes(table.source, encoding), ...dataNotes(table, encoded)],
  };
}

/** fitEncoding's options from the data flags (train, and --stream's first window: `table` gives the header). */
export function encodeOptions(flags: DataFlags, table: DataTable, target: string[]): EncodeOptions {
  return {
    target,
    features: inputColumns(table, target, flags.features, flags.weightColumn),
    categorical: flags.categorical,
    numeric: flags.numeric,
    task: flags.task,
    missing: missingPolicy(flags),
    missingTarget: flags.dropMissing ? 'drop' : 'error',
    unknown: flags.unknown,
    naValues: naSpellings(flags),
    identifiers: flags.keepIds || flags.features ? 'keep' : 'leave out',
    // with --thousands, the decimal mark the file was read with too (1.234,5: detected ","), so that
    // predict does not take "." for both
    numbers: {
      decimal: flags.decimal ?? (flags.thousands !== undefined ? (table.decimal ?? '.') : undefined),
      thousands: flags.thousands,
    },
    ...(flags.dateOrder ? { dateOrder: flags.dateOrder } : {}),
  };
}

/** Text columns that look like identifiers (names, ids): one-hot encoding them only memorizes rows. */
export function encodingWarnings(encoding: Encoding, rows: number): string[] {
  return encoding.features.flatMap((f) =>
    f.type === 'category' && f.categories.length > 20 && f.categories.length > rows / 2
      ? [
          `column ${JSON.stringify(f.name)} has ${f.categories.length} distinct text values in ${rows} rows: one-hot encoded, it gives ${f.categories.length} inputs that can only memorize rows; if it is a name or an id, leave it out with --features`,
        ]
      : [],
  );
}

/** Loads data for an existing model's encoding (resume, gradcheck --model). */
export function loadDataForEncoding(flags: DataFlags, encoding: Encoding): LoadedData {
  const { table } = loadDataTable(
    { ...flags, ...savedFormat(encoding, flags, flags.data) },
    encoding.naValues,
  );
  const encoded = applyEncoding(encoding, table, { missing: flags.dropMissing ? 'drop' : encoding.missing });
  const notes = dataNotes(table, encoded);
  return { table, encoding, encoded: encoded as LoadedData['encoded'], source: table.source, notes };
}
