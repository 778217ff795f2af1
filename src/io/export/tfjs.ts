// TensorFlow.js Layers export: model.json (a Keras Sequential topology and a weights manifest) and
// weights.bin (float32, little-endian), which `tf.loadLayersModel` reads. The input standardization
// is folded into the first Dense layer and the target un-scaling into the last (or an added diagonal
// Dense when the output is not linear), so the tfjs model maps the encoded inputs (one-hot
// categories, in `userDefinedMetadata.scratchnet.inputs` order) straight to original units or
// probabilities. TensorFlow.js weights are float32.

import { OptionError } from '../../errors.js';
import type { ActivationSpec } from '../../nn/activations.js';
import type { Network } from '../../nn/network.js';
import { modelNetwork, type ModelFile } from '../model.js';

/** A Keras layer as TensorFlow.js serializes it. */
export interface KerasLayer {
  class_name: string;
  config: Record<string, unknown>;
}

/** model.json of the TensorFlow.js Layers format. */
export interface TfjsModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string | null;
  modelTopology: {
    class_name: 'Sequential';
    config: { name: string; layers: KerasLayer[] };
    keras_version: string;
    backend: string;
  };
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: 'float32' }[] }[];
  userDefinedMetadata?: Record<string, unknown>;
}

export interface TfjsArtifacts {
  modelJson: TfjsModelJson;
  /** the bytes of weightsManifest[0].paths[0] */
  weights: Uint8Array;
}

/** A dense layer's float64 weights and activation, before writing. */
interface Affine {
  weight: Float64Array; // [I×O]
  bias: Float64Array; // [O]
  I: number;
  O: number;
  activation: ActivationSpec;
}

/** The model as model.json + weights.bin (weightsFile names the second in the manifest). */
export function exportTfjs(model: ModelFile, weightsFile = 'weights.bin'): TfjsArtifacts {
  const network = modelNetwork(model);
  const affines = foldScaling(network);
  const layers: KerasLayer[] = [];
  const specs: TfjsModelJson['weightsManifest'][0]['weights'] = [];
  const values: Float64Array[] = [];
  affines.forEach((a, l) => {
    const name = `dense_${l + 1}`;
    const { keras, extra } = kerasActivation(a.activation, l);
    layers.push({
      class_name: 'Dense',
      config: {
        name,
        units: a.O,
        activation: keras,
        use_bias: true,
        trainable: true,
        dtype: 'float32',
        ...(l === 0 ? { batch_input_shape: [null, a.I] } : {}),
      },
    });
    if (extra) layers.push(extra);
    specs.push({ name: `${name}/kernel`, shape: [a.I, a.O], dtype: 'float32' });
    specs.push({ name: `${name}/bias`, shape: [a.O], dtype: 'float32' });
    values.push(a.weight, a.bias);
  });
  const all = new Float32Array(values.reduce((n, v) => n + v.length, 0));
  values.reduce((at, v) => (all.set(v, at), at + v.length), 0);
  const weights = new Uint8Array(all.buffer); // little-endian on every platform tfjs runs on
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: `scratchnet${model.createdBy ? ` (${model.createdBy})` : ''}`,
      convertedBy: null,
      modelTopology: {
        class_name: 'Sequential',
        config: { name: 'scratchnet', layers },
        keras_version: 'tfjs-layers 4',
        backend: 'tensor_flow.js',
      },
      weightsManifest: [{ paths: [weightsFile], weights: specs }],
      userDefinedMetadata: { scratchnet: { inputs: inputNames(model), encoding: model.encoding } },
    },
    weights,
  };
}

/** The names of the encoded inputs ("city=Lyon" for a category), as applyEncoding orders them. */
export function inputNames(model: ModelFile): string[] {
  return model.encoding.features.flatMap((f) =>
    f.type === 'category' ? f.categories.map((c) => `${f.name}=${c}`) : [f.name],
  );
}

/**
 * The network's layers with the scaling folded in: first layer W'[i,o] = W[i,o]/std[i],
 * b'[o] = b[o] − Σ_i mean[i]/std[i]·W[i,o]; a linear last layer W''[:,o] = W[:,o]·s[o],
 * b''[o] = b[o]·s[o] + m[o] (else an added diagonal layer does the same).
 */
function foldScaling(network: Network): Affine[] {
  const affines: Affine[] = network.layers.map((layer) => ({
    weight: Float64Array.from(layer.parameters[0].value),
    bias: Float64Array.from(layer.parameters[1].value),
    I: layer.inputSize,
    O: layer.outputSize,
    activation: layer.config().activation as ActivationSpec,
  }));
  const sc = network.scaling;
  if (!sc) return affines;
  const first = affines[0];
  for (let i = 0; i < first.I; i++) {
    for (let o = 0; o < first.O; o++) {
      first.bias[o] -= (sc.inputMean[i] / sc.inputStd[i]) * first.weight[i * first.O + o];
      first.weight[i * first.O + o] /= sc.inputStd[i];
    }
  }
  const { targetMean: m, targetStd: s } = sc;
  if (!m || !s) return affines;
  let last = affines[affines.length - 1];
  if (last.activation !== 'linear') {
    const T = last.O;
    last = { weight: new Float64Array(T * T), bias: new Float64Array(T), I: T, O: T, activation: 'linear' };
    for (let t = 0; t < T; t++) last.weight[t * T + t] = 1;
    affines.push(last);
  }
  for (let o = 0; o < last.O; o++) {
    for (let i = 0; i < last.I; i++) last.weight[i * last.O + o] *= s[o];
    last.bias[o] = last.bias[o] * s[o] + m[o];
  }
  return affines;
}

/** The Keras activation name, and a layer to add after the Dense for parameterized ones. */
function kerasActivation(spec: ActivationSpec, l: number): { keras: string; extra?: KerasLayer } {
  const name = typeof spec === 'string' ? spec : spec.name;
  const alpha = typeof spec === 'string' ? undefined : spec.alpha;
  if (name === 'leakyRelu')
    return {
      keras: 'linear',
      extra: { class_name: 'LeakyReLU', config: { name: `leaky_re_lu_${l + 1}`, alpha: alpha ?? 0.01 } },
    };
  if (name === 'elu' && alpha !== undefined && alpha !== 1)
    throw new OptionError(
      `layer ${l}: TensorFlow.js supports elu with alpha 1 only (its ELU layer refuses alpha ${alpha}); export this model to ONNX or a standalone module instead`,
      'format',
    );
  if (name === 'gelu') {
    // TensorFlow.js's 'gelu' is the erf form; its tanh form 'gelu_new' cannot be read back from
    // model.json (tfjs-layers 4.22 camel-cases the name to 'geluNew', which is not registered)
    throw new OptionError(
      `layer ${l}: TensorFlow.js cannot load scratchnet's gelu (the tanh form) from model.json; export this model to ONNX or a standalone module instead`,
      'format',
    );
  }
  return { keras: name };
}
