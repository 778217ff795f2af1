// Import of TensorFlow.js Layers models (model.json + the weight files) and Keras Sequential models
// (the JSON of model.to_json() + model.get_weights() as nested arrays) made of Dense layers and
// activations, into a scratchnet Network. Unsupported layers or activations are a DataError naming
// the layer, its class and its position.

import { DataError } from '../../errors.js';
import type { ActivationSpec } from '../../nn/activations.js';
import type { Network } from '../../nn/network.js';
import { buildImportedNetwork, type ImportedLayer, type ImportOptions } from './import-network.js';

type Json = Record<string, unknown>;

/** Keras / TensorFlow.js activation names → scratchnet's ('gelu' is the erf form in both: not ours). */
const activationNames: Record<string, ActivationSpec> = {
  linear: 'linear',
  relu: 'relu',
  elu: 'elu',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  softplus: 'softplus',
  softmax: 'softmax',
  gelu_new: 'gelu',
  geluNew: 'gelu',
  leaky_relu: { name: 'leakyRelu', alpha: 0.2 }, // keras.activations.leaky_relu's default slope
};

/** Reads model.json (an object) and its weights (the files of the manifest, concatenated in order). */
export function importTfjs(
  modelJson: unknown,
  weightData: Uint8Array,
  options: ImportOptions = {},
  source = 'model.json',
): Network {
  const json = asObject(modelJson, source);
  const manifest = (json.weightsManifest ?? []) as {
    weights: { name: string; shape: number[]; dtype?: string; quantization?: unknown }[];
  }[];
  const specs = manifest.flatMap((g) => g.weights);
  const floats = new Float32Array(new Uint8Array(weightData).buffer); // a copy: aligned, and not a Buffer's pool
  const named = new Map<string, Float64Array>();
  let at = 0;
  for (const s of specs) {
    if ((s.dtype ?? 'float32') !== 'float32' || s.quantization)
      throw new DataError(
        `${source}: weight ${s.name} is ${s.quantization ? 'quantized' : s.dtype}; scratchnet reads float32 weights`,
        'model',
      );
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (at + n > floats.length)
      throw new DataError(`${source}: the weight files end before weight ${s.name}`, 'model');
    named.set(s.name, Float64Array.from(floats.subarray(at, at + n)));
    at += n;
  }
  const order = [...named.keys()];
  const take = (layer: string, kind: 'kernel' | 'bias') => {
    const name = order.find((n) => n === `${layer}/${kind}`) ?? order.find((n) => n.endsWith(`/${kind}`));
    if (name === undefined) throw new DataError(`${source}: no ${kind} weights for layer ${layer}`, 'model');
    order.splice(order.indexOf(name), 1);
    return named.get(name) as Float64Array;
  };
  const topology = asObject(json.modelTopology ?? json, source);
  return readSequential(asObject(topology.model_config ?? topology, source), take, options, source);
}

/** Reads a Keras Sequential model: model.to_json() (text or object) and model.get_weights() (nested arrays). */
export function importKeras(
  config: unknown,
  weights: readonly unknown[],
  options: ImportOptions = {},
  source = 'model.json',
): Network {
  const json = asObject(typeof config === 'string' ? JSON.parse(config) : config, source);
  let next = 0;
  const take = (layer: string, kind: 'kernel' | 'bias') => {
    if (next >= weights.length)
      throw new DataError(`${source}: no ${kind} weights left for layer ${layer}`, 'model');
    return Float64Array.from((weights[next++] as unknown[]).flat(Infinity) as number[]);
  };
  return readSequential(json, take, options, source);
}

/** The layers of a Sequential config, with weights from `take`, as a Network. */
function readSequential(
  model: Json,
  take: (layer: string, kind: 'kernel' | 'bias') => Float64Array,
  options: ImportOptions,
  source: string,
): Network {
  if (model.class_name !== 'Sequential')
    throw new DataError(
      `${source}: scratchnet imports Sequential models, not ${String(model.class_name)}`,
      'model',
    );
  const config = model.config as Json | Json[];
  const layers = (Array.isArray(config) ? config : (config.layers as Json[])) ?? [];
  const out: ImportedLayer[] = [];
  let inputSize = inputWidth(layers[0]);
  layers.forEach((layer, i) => {
    const cls = String(layer.class_name);
    const c = (layer.config ?? {}) as Json;
    const where = `${source}: layer ${i} (${c.name ? `"${String(c.name)}", ` : ''}${cls})`;
    const last = out[out.length - 1];
    const setActivation = (spec: ActivationSpec) => {
      if (!last || activationName(last.activation) !== 'linear')
        throw new DataError(`${where}: an activation must follow a Dense layer, one per layer`, 'model');
      last.activation = spec;
    };
    if (cls === 'InputLayer' || cls === 'Dropout' || cls === 'Flatten' || cls === 'GaussianNoise') return;
    if (cls === 'Dense') {
      inputSize ??= inputWidth(layer) ?? last?.outputSize;
      out.push(denseLayer(c, inputSize ?? 0, take, where));
      inputSize = out[out.length - 1].outputSize;
    } else if (cls === 'Activation') setActivation(activation(c.activation, where));
    else if (cls === 'LeakyReLU')
      setActivation({ name: 'leakyRelu', alpha: num(c.negative_slope ?? c.alpha, 0.3) });
    else if (cls === 'ELU') setActivation({ name: 'elu', alpha: num(c.alpha, 1) });
    else if (cls === 'Softmax' && [undefined, -1].includes(c.axis as number)) setActivation('softmax');
    else if (cls === 'ReLU' && c.max_value == null && num(c.threshold, 0) === 0) {
      const slope = num(c.negative_slope, 0);
      setActivation(slope === 0 ? 'relu' : { name: 'leakyRelu', alpha: slope });
    } else
      throw new DataError(
        `${where}: not supported; scratchnet imports Dense, Activation, LeakyReLU, ELU, ReLU, Softmax, Dropout and InputLayer`,
        'model',
      );
  });
  return buildImportedNetwork(out, options.dtype ?? 'float64', options, source);
}

/** A Dense layer's weights (kernel [I×O], bias [O] or zeros without use_bias) and activation. */
function denseLayer(
  c: Json,
  inputSize: number,
  take: (layer: string, kind: 'kernel' | 'bias') => Float64Array,
  where: string,
): ImportedLayer {
  const units = num(c.units, 0);
  const name = String(c.name ?? '');
  const weight = take(name, 'kernel');
  const I = inputSize || weight.length / units;
  if (weight.length !== I * units)
    throw new DataError(`${where}: the kernel holds ${weight.length} values, not ${I}×${units}`, 'model');
  const bias = c.use_bias === false ? new Float64Array(units) : take(name, 'bias');
  if (bias.length !== units)
    throw new DataError(`${where}: the bias holds ${bias.length} values, not ${units}`, 'model');
  return {
    weight,
    bias,
    inputSize: I,
    outputSize: units,
    activation: activation(c.activation ?? 'linear', where),
  };
}

/** A Keras activation (a name, or { class_name, config } in Keras 3) → scratchnet's, or a named error. */
function activation(value: unknown, where: string): ActivationSpec {
  const name =
    typeof value === 'string' ? value : String((value as Json)?.class_name ?? (value as Json)?.config);
  const spec = activationNames[name];
  if (spec === undefined) {
    const why = name === 'gelu' ? ' (the erf form; scratchnet has the tanh form, gelu_new)' : '';
    throw new DataError(
      `${where}: activation ${name}${why} is not supported; supported: ${Object.keys(activationNames).join(', ')}`,
      'model',
    );
  }
  return spec;
}

/** The number of inputs a layer's batch_input_shape / batch_shape names (Keras 2, tfjs / Keras 3). */
function inputWidth(layer: Json | undefined): number | undefined {
  const c = (layer?.config ?? {}) as Json;
  const shape = (c.batch_input_shape ?? c.batch_shape ?? c.batchInputShape) as number[] | undefined;
  return Array.isArray(shape) ? shape[shape.length - 1] : undefined;
}

function activationName(a: ActivationSpec): string {
  return typeof a === 'string' ? a : a.name;
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

function asObject(v: unknown, source: string): Json {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new DataError(`${source}: expected a JSON object (a model description)`, 'model');
  return v as Json;
}
