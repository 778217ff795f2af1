// The playground's tools beyond training, run in the worker on the current run: the doctor (its
// findings, each fix as library options the page turns into settings: web/state.ts settingsChange),
// the gradient check (verdict and report), and export in the CLI's model file format
// (scratchnet-model, as `scratchnet train` writes it). The page's state table (web/state.ts) stays
// out of the worker: the page checks the settings of an imported model file.

import { DataError, Network, diagnose, formatGradCheckReport, gradCheck } from '../src/index.js';
// the model file's type only: src/io's values bring its zod schema (~100 kB gzipped) into the page's
// bundle; the CLI validates the file when it reads it (test/web-tools.test.ts reads one in Node)
import type { ModelFile } from '../src/io/index.js';
import type { CsvModel } from './csv-data.js';
import type { DoctorFinding } from './protocol.js';
import { datasetNames } from './datasets.js';
import type { PlaygroundState } from './state.js';
import type { Trainer } from './trainer.js';

/** The doctor on the run's network and data, with the page's optimizer and learning rate. */
export function doctorFindings(trainer: Trainer): DoctorFinding[] {
  const { state } = trainer;
  const report = diagnose(trainer.network, trainer.x, trainer.y, {
    optimizer: state.optimizer,
    learningRate: state.learningRate,
    batchSize: trainer.batchSize,
    scale: false,
    trained: trainer.epoch > 0,
  });
  return report.findings.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    observed: f.observed,
    why: f.why,
    fix: f.fix,
    fixOptions: f.fixOptions ?? null,
  }));
}

/** The gradient check of the run's network on its data: the verdict and the library's report. */
export function gradientCheck(trainer: Trainer): { verdict: string; text: string } {
  const report = gradCheck(trainer.network, trainer.x, trainer.y);
  return { verdict: report.verdict, text: formatGradCheckReport(report) };
}

/**
 * The trained network as a model file the CLI reads (`scratchnet predict --model …`). A CSV file's run
 * (`csv`) records the file's encoding and the standardization as the network's scaling, so that the
 * model reads the file's own columns in their own units; a built-in dataset's records its features.
 */
export function exportModel(trainer: Trainer, csv: CsvModel | null = null): string {
  const { state, network, data } = trainer;
  const inputs = network.inputSize;
  const outputs = network.outputSize;
  const task = data.task === 'regression' ? 'regression' : outputs === 1 ? 'binary' : 'multiclass';
  const model: ModelFile = {
    format: 'scratchnet-model',
    version: 1,
    createdBy: 'scratchnet playground',
    data: { source: csv ? `file ${csv.source}` : `dataset ${state.dataset}` },
    network: csv ? { ...network.toJSON(), scaling: csv.scaling } : network.toJSON(),
    encoding: csv ? csvEncoding(csv, task) : datasetEncoding(trainer.features, task),
    settings: {
      layers: [inputs, ...state.hidden, outputs],
      activation: state.activation,
      ...(state.output === 'auto' ? {} : { output: state.output }),
      loss: network.loss.name,
      optimizer: state.optimizer,
      learningRate: state.learningRate,
      epochs: Math.max(1, trainer.epoch),
      batchSize: trainer.batchSize,
      weightDecay: state.weightDecay,
      l1: state.l1,
      seed: state.seed,
    },
    history: { loss: [] },
  };
  return `${JSON.stringify(model, null, 1)}\n`; // as serializeModel writes it
}

type Task = 'regression' | 'binary' | 'multiclass';

/** A built-in dataset's encoding: the features the page computes from x1, x2 (web/features.ts), target y. */
function datasetEncoding(features: readonly string[], task: Task): ModelFile['encoding'] {
  return {
    features: features.map((name) => ({ name, type: 'number' as const })),
    target: { columns: ['y'], task, ...(task === 'regression' ? {} : { classes: ['0', '1'] }) },
    missing: 'error',
  };
}

/** A CSV file's encoding as the library fitted it; two classes on two outputs (softmax) are 'multiclass'. */
function csvEncoding(csv: CsvModel, task: Task): ModelFile['encoding'] {
  const { encoding } = csv;
  return task === 'multiclass' ? { ...encoding, target: { ...encoding.target, task } } : encoding;
}

/** The training settings a model file records (src/cli writes them; ModelFile types them as object). */
interface SavedSettings {
  activation?: string;
  output?: string;
  loss?: string;
  optimizer?: string;
  learningRate?: number;
  weightDecay?: number;
  l1?: number;
  batchSize?: number;
  seed?: number;
}

/**
 * A model file (as the CLI or Export writes it) as the page's settings and the network's weights.
 * The library rebuilds the network (Network.fromJSON). The settings are unchecked: the page takes
 * them through its state table (web/state.ts checkedState) and refuses those it cannot show.
 */
export function importModel(
  text: string,
  name: string,
  current: PlaygroundState,
): { state: PlaygroundState; params: number[] } {
  let model: Partial<ModelFile>;
  try {
    model = JSON.parse(text) as Partial<ModelFile>;
  } catch (e) {
    throw new DataError(`${name}: not a model file: invalid JSON (${(e as Error).message})`, 'model');
  }
  if (model?.format !== 'scratchnet-model' || !model.network)
    throw new DataError(`${name}: not a scratchnet model file (format "scratchnet-model")`, 'model');
  const file = /^file (.+)$/.exec(model.data?.source ?? '')?.[1];
  if (file)
    throw new DataError(
      `${name}: a model of the CSV file ${file}: the page imports models of its own data (\`scratchnet predict --model\` reads this one)`,
      'model',
    );
  const network = Network.fromJSON(model.network);
  const sizes = network.layers.map((l) => l.inputSize).concat(network.outputSize);
  const named = /^dataset (\w+)$/.exec(model.data?.source ?? '')?.[1];
  const dataset = named && (datasetNames as readonly string[]).includes(named) ? named : current.dataset;
  // unchecked here: the page's round trip through the URL hash checks every value
  const settings = (model.settings ?? {}) as SavedSettings;
  const state: PlaygroundState = {
    ...current,
    dataset,
    hidden: sizes.slice(1, -1),
    activation: settings.activation ?? current.activation,
    output: settings.output ?? 'auto',
    loss: settings.loss ?? 'auto',
    optimizer: settings.optimizer ?? current.optimizer,
    learningRate: settings.learningRate ?? current.learningRate,
    weightDecay: settings.weightDecay ?? 0,
    l1: settings.l1 ?? 0,
    seed: settings.seed ?? current.seed,
    features: model.encoding?.features?.map((f) => f.name) ?? current.features,
    layerActivations: layerActivationsOf(network, settings.activation ?? current.activation),
  };
  return { state, params: Array.from(network.params) };
}

/** The hidden layers' activations of a network, as the page's per-layer list ([] when all are `common`). */
function layerActivationsOf(network: Network, common: string): string[] {
  const names = network.layers.slice(0, -1).map((l) => l.activation?.name ?? 'linear');
  return names.every((n) => n === common) ? [] : names;
}
