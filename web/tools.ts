// The playground's tools beyond training, run in the worker on the current run: the doctor (its
// findings, each fix as a change of the page's settings), the gradient check (verdict and report),
// and export in the CLI's model file format (scratchnet-model, as `scratchnet train` writes it).

import {
  DataError,
  Network,
  diagnose,
  formatGradCheckReport,
  gradCheck,
  type Finding,
} from '../src/index.js';
// the model file's type only: src/io's values bring its zod schema (~100 kB gzipped) into the page's
// bundle; the CLI validates the file when it reads it (test/web-tools.test.ts reads one in Node)
import type { ModelFile } from '../src/io/index.js';
import type { CsvModel } from './csv-data.js';
import type { DoctorFinding } from './protocol.js';
import { datasetNames } from './datasets.js';
import { fromHash, toHash, withHidden, type PlaygroundState } from './state.js';
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
    change: settingsChange(f, state),
  }));
}

/** A finding's fix as new values of the page's settings; null when the page has no setting for it. */
export function settingsChange(finding: Finding, state: PlaygroundState): Partial<PlaygroundState> | null {
  const change: Partial<PlaygroundState> = {};
  for (const [key, value] of Object.entries(finding.fixOptions ?? {})) {
    if (key === 'layers' && Array.isArray(value) && value.every(Number.isInteger)) {
      // the per-layer activations follow the new layers
      const next = withHidden(state, (value as number[]).slice(1, -1));
      change.hidden = next.hidden;
      if (state.layerActivations.length > 0) change.layerActivations = next.layerActivations;
    } else if (
      (key === 'learningRate' || key === 'weightDecay' || key === 'l1') &&
      typeof value === 'number'
    ) {
      change[key] = value;
    } else if (
      (key === 'output' || key === 'activation' || key === 'optimizer' || key === 'loss') &&
      typeof value === 'string'
    ) {
      change[key] = value;
      // a new hidden activation is every hidden layer's: per-layer choices give way to it
      if (key === 'activation' && state.layerActivations.length > 0) change.layerActivations = [];
    } else {
      return null;
    }
  }
  return Object.keys(change).length > 0 &&
    Object.entries(change).some(([k, v]) => String(state[k as keyof PlaygroundState]) !== String(v))
    ? change
    : null;
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
 * The library rebuilds the network (Network.fromJSON); settings the page cannot show are refused.
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
  // unchecked here: the round trip through the URL hash below checks every value
  const settings = (model.settings ?? {}) as SavedSettings;
  const wanted: PlaygroundState = {
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
  const { state, rejected } = fromHash(toHash(wanted));
  if (rejected.length)
    throw new DataError(`${name}: the playground cannot show ${rejected.join(', ')}`, 'model');
  return { state, params: Array.from(network.params) };
}

/** The hidden layers' activations of a network, as the page's per-layer list ([] when all are `common`). */
function layerActivationsOf(network: Network, common: string): string[] {
  const names = network.layers.slice(0, -1).map((l) => l.activation?.name ?? 'linear');
  return names.every((n) => n === common) ? [] : names;
}
