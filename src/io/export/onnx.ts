// ONNX export of the whole predictor in a model file: one named input per original column, the
// categories one-hot encoded inside the graph, missing cells filled as the model was trained,
// standardization, the dense layers, target un-scaling, and for classifiers the probabilities and
// the label. Opset 17 (ai.onnx) and 3 (ai.onnx.ml), IR version 8, float32 or float64.
//
// Inputs, each [N×1] with N the dynamic batch dimension:
//   number, boolean (0/1) and date (fractional years, as `scratchnet predict` reads them) columns:
//   float32 or float64; a missing number is NaN (filled with the training mean when the model was
//   trained with --impute mean). Category columns: strings, one-hot encoded by ai.onnx.ml
//   OneHotEncoder with zeros=0, so an unseen category is an error, as in `scratchnet predict`.
// Outputs: regression `value` [N×targets] in the original units; classification `probabilities`
// [N×classes] (what `predict --proba` writes) and `label` [N] (strings).

import { create, toBinary } from '@bufbuild/protobuf';
import {
  GraphProtoSchema,
  ModelProtoSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';
import { OptionError } from '../../errors.js';
import { missingMarkers } from '../../data/table.js';
import type { ActivationSpec } from '../../nn/activations.js';
import type { Network } from '../../nn/network.js';
import { modelNetwork, type ModelFile } from '../model.js';
import { node, tensor, valueInfo, type AttributeValue, type ElementType } from './onnx-proto.js';

export const ONNX_OPSET = 17;
export const ONNX_ML_OPSET = 3;
export const ONNX_IR_VERSION = 8;

export interface OnnxExportOptions {
  /** element type of the graph's numbers (default: the network's dtype) */
  dtype?: 'float32' | 'float64';
}

/** The graph under construction: nodes in order, constants, inputs and outputs. */
class Graph {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  usesMl = false;
  constructor(readonly dtype: 'float32' | 'float64') {}

  /** Adds a node whose one output is named `out`; returns `out`. */
  add(
    op: string,
    inputs: string[],
    out: string,
    attrs: Record<string, AttributeValue> = {},
    domain = '',
  ): string {
    if (domain === 'ai.onnx.ml') this.usesMl = true;
    const name = internal(out);
    this.nodes.push(node(op, inputs, [name], attrs, domain));
    return name;
  }

  /** Adds a constant; numbers in the graph's dtype unless `type` says otherwise. */
  constant(
    name: string,
    dims: number[],
    values: readonly number[] | readonly string[],
    type: ElementType = this.dtype,
  ): string {
    this.initializers.push(tensor(internal(name), type, dims, values));
    return internal(name);
  }
}

const OUTPUTS = ['value', 'probabilities', 'label'];

/** Names inside the graph start with 'scratchnet/', apart from the outputs, so no column name collides. */
function internal(name: string): string {
  return OUTPUTS.includes(name) ? name : `scratchnet/${name}`;
}

/** Serializes the model's whole predictor as an ONNX model (protobuf bytes). */
export function exportOnnx(model: ModelFile, options: OnnxExportOptions = {}): Uint8Array {
  const network = modelNetwork(model);
  const outputs = model.encoding.target.task === 'regression' ? ['value'] : ['probabilities', 'label'];
  const clash = model.encoding.features.find((f) => outputs.includes(f.name));
  if (clash)
    throw new OptionError(
      `the input column ${JSON.stringify(clash.name)} has the name of an output of the ONNX graph (${outputs.join(', ')}); rename the column`,
      'model',
    );
  const g = new Graph(options.dtype ?? network.dtype);
  let h = encodeColumns(g, model);
  const sc = network.scaling;
  if (sc) {
    h = g.add(
      'Sub',
      [h, g.constant('scaling/input_mean', [sc.inputMean.length], sc.inputMean)],
      'scaled/centered',
    );
    h = g.add('Div', [h, g.constant('scaling/input_std', [sc.inputStd.length], sc.inputStd)], 'scaled/input');
  }
  h = denseLayers(g, network, h);
  addOutputs(g, model, network, h);
  const graph = create(GraphProtoSchema, {
    name: 'scratchnet',
    node: g.nodes,
    initializer: g.initializers,
    input: g.inputs,
    output: g.outputs,
    docString: describeGraph(model),
  });
  const opsets = [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(ONNX_OPSET) })];
  if (g.usesMl)
    opsets.push(create(OperatorSetIdProtoSchema, { domain: 'ai.onnx.ml', version: BigInt(ONNX_ML_OPSET) }));
  const proto = create(ModelProtoSchema, {
    irVersion: BigInt(ONNX_IR_VERSION),
    producerName: 'scratchnet',
    producerVersion: model.createdBy ?? '',
    opsetImport: opsets,
    graph,
    metadataProps: [
      create(StringStringEntryProtoSchema, {
        key: 'scratchnet.encoding',
        value: JSON.stringify(model.encoding),
      }),
    ],
  });
  return toBinary(ModelProtoSchema, proto);
}

/** One input per original column, encoded and concatenated into [N×inputs]; returns its name. */
function encodeColumns(g: Graph, model: ModelFile): string {
  const columns = model.encoding.features.map((f) => {
    if (f.type !== 'category') {
      g.inputs.push(valueInfo(f.name, g.dtype, ['N', 1]));
      if (f.fill === undefined) return f.name;
      const nan = g.add('IsNaN', [f.name], `${f.name}/missing`);
      return g.add('Where', [nan, g.constant(`${f.name}/fill`, [], [f.fill]), f.name], `${f.name}/filled`);
    }
    g.inputs.push(valueInfo(f.name, 'string', ['N', 1]));
    let labels = f.name;
    if (f.fill !== undefined)
      labels = fillMissingLabels(g, f.name, f.categories, f.fill, model.encoding.naValues ?? []);
    const hot = g.add(
      'OneHotEncoder',
      [labels],
      `${f.name}/onehot`,
      { cats_strings: f.categories, zeros: { int: 0 } },
      'ai.onnx.ml',
    );
    const axes = g.constant(`${f.name}/axes`, [1], [1], 'int64');
    const squeezed = g.add('Squeeze', [hot, axes], `${f.name}/onehot2d`); // [N×1×K] → [N×K]
    // OneHotEncoder gives float32; 0 and 1 are exact in float64
    return g.dtype === 'float64'
      ? g.add('Cast', [squeezed], `${f.name}/encoded`, { to: { int: 11 } })
      : squeezed;
  });
  return g.add('Concat', columns, 'features', { axis: { int: 1 } });
}

/**
 * Missing-cell spellings → the fill category (--impute mean: the most frequent one), other known
 * categories → themselves, anything else → a value OneHotEncoder rejects. ai.onnx.ml LabelEncoder.
 */
function fillMissingLabels(
  g: Graph,
  name: string,
  categories: string[],
  fill: string,
  naValues: readonly string[],
): string {
  // the library's spellings and the model's --na-values, less its --not-na ("!None") and the categories
  const markers = [...new Set([...missingMarkers, ...naValues])].filter(
    (m) => !m.startsWith('!') && !naValues.includes(`!${m}`) && !categories.includes(m),
  );
  let unknown = '\u0000unknown';
  while (categories.includes(unknown)) unknown += '\u0000';
  return g.add(
    'LabelEncoder',
    [name],
    `${name}/filled`,
    {
      keys_strings: [...categories, ...markers],
      values_strings: [...categories, ...markers.map(() => fill)],
      default_string: unknown,
    },
    'ai.onnx.ml',
  );
}

/** MatMul + Add + activation per dense layer; returns the last output's name. */
function denseLayers(g: Graph, network: Network, input: string): string {
  let h = input;
  network.layers.forEach((layer, l) => {
    const [weight, bias] = layer.parameters;
    const I = layer.inputSize;
    const O = layer.outputSize;
    const w = g.constant(`layer${l}/weight`, [I, O], Array.from(weight.value));
    const b = g.constant(`layer${l}/bias`, [O], Array.from(bias.value));
    h = g.add('MatMul', [h, w], `layer${l}/product`);
    h = g.add('Add', [h, b], `layer${l}/z`);
    h = activation(g, layer.config().activation as ActivationSpec, h, `layer${l}`);
  });
  return h;
}

/** One activation's nodes; gelu in the tanh form scratchnet uses, written out (opset 17 has no Gelu). */
function activation(g: Graph, spec: ActivationSpec, z: string, prefix: string): string {
  const name = typeof spec === 'string' ? spec : spec.name;
  const alpha = typeof spec === 'string' ? undefined : spec.alpha;
  const out = `${prefix}/out`;
  if (g.dtype === 'float64' && (name === 'leakyRelu' || name === 'elu' || name === 'softplus'))
    return writtenOut(g, name, alpha ?? (name === 'elu' ? 1 : 0.01), z, prefix);
  switch (name) {
    case 'linear':
      return z;
    case 'relu':
      return g.add('Relu', [z], out);
    case 'leakyRelu':
      return g.add('LeakyRelu', [z], out, { alpha: alpha ?? 0.01 });
    case 'elu':
      return g.add('Elu', [z], out, { alpha: alpha ?? 1 });
    case 'tanh':
      return g.add('Tanh', [z], out);
    case 'sigmoid':
      return g.add('Sigmoid', [z], out);
    case 'softplus':
      return g.add('Softplus', [z], out);
    case 'softmax':
      return g.add('Softmax', [z], out, { axis: { int: -1 } });
    case 'gelu':
      return geluTanh(g, z, prefix);
  }
}

/**
 * LeakyRelu, Elu and Softplus in float64 from operators onnxruntime has double kernels for (it has
 * none for Elu and Softplus, and an attribute's alpha is a float32, 0.01 → 0.009999999776).
 */
function writtenOut(
  g: Graph,
  name: 'leakyRelu' | 'elu' | 'softplus',
  alpha: number,
  z: string,
  prefix: string,
): string {
  const c = (key: string, v: number) => g.constant(`${prefix}/${name}_${key}`, [], [v]);
  if (name === 'softplus') {
    // max(z, 0) + log(1 + e^−|z|), the stable form of src/nn/activations.ts
    const abs = g.add('Abs', [z], `${prefix}/softplus_abs`);
    const neg = g.add('Neg', [abs], `${prefix}/softplus_neg`);
    const exp = g.add('Exp', [neg], `${prefix}/softplus_exp`);
    const log = g.add(
      'Log',
      [g.add('Add', [c('one', 1), exp], `${prefix}/softplus_1pe`)],
      `${prefix}/softplus_log`,
    );
    const relu = g.add('Max', [z, c('zero', 0)], `${prefix}/softplus_max`);
    return g.add('Add', [relu, log], `${prefix}/out`);
  }
  const positive = g.add('Greater', [z, c('zero', 0)], `${prefix}/${name}_positive`);
  let negative: string;
  if (name === 'leakyRelu') negative = g.add('Mul', [c('alpha', alpha), z], `${prefix}/${name}_negative`);
  else {
    const expm1 = g.add('Sub', [g.add('Exp', [z], `${prefix}/elu_exp`), c('one', 1)], `${prefix}/elu_expm1`);
    negative = g.add('Mul', [c('alpha', alpha), expm1], `${prefix}/elu_negative`);
  }
  return g.add('Where', [positive, z, negative], `${prefix}/out`);
}

/** 0.5·z·(1 + tanh(√(2/π)·(z + 0.044715·z³))), as src/nn/activations.ts computes it. */
function geluTanh(g: Graph, z: string, prefix: string): string {
  const c = (name: string, v: number) => g.constant(`${prefix}/gelu_${name}`, [], [v]);
  const z2 = g.add('Mul', [z, z], `${prefix}/gelu_z2`);
  const z3 = g.add('Mul', [z2, z], `${prefix}/gelu_z3`);
  const cubic = g.add('Mul', [c('k', 0.044715), z3], `${prefix}/gelu_cubic`);
  const inner = g.add('Add', [z, cubic], `${prefix}/gelu_inner`);
  const scaled = g.add('Mul', [c('c', Math.sqrt(2 / Math.PI)), inner], `${prefix}/gelu_scaled`);
  const t = g.add('Tanh', [scaled], `${prefix}/gelu_tanh`);
  const onePlus = g.add('Add', [c('one', 1), t], `${prefix}/gelu_1pt`);
  const half = g.add('Mul', [c('half', 0.5), z], `${prefix}/gelu_halfz`);
  return g.add('Mul', [half, onePlus], `${prefix}/out`);
}

/** Regression: un-scaled `value`; classification: `probabilities` and `label`. */
function addOutputs(g: Graph, model: ModelFile, network: Network, h: string): void {
  const target = model.encoding.target;
  const sc = network.scaling;
  if (target.task === 'regression') {
    const T = network.outputSize;
    if (sc?.targetMean && sc.targetStd) {
      h = g.add('Mul', [h, g.constant('scaling/target_std', [T], sc.targetStd)], 'unscaled/times_std');
      h = g.add('Add', [h, g.constant('scaling/target_mean', [T], sc.targetMean)], 'value');
    } else h = g.add('Identity', [h], 'value');
    g.outputs.push(valueInfo('value', g.dtype, ['N', T]));
    return;
  }
  const classes = target.classes ?? [];
  const labels = g.constant('classes', [classes.length], classes, 'string');
  let index: string;
  if (target.task === 'binary') {
    // [1 − p, p] and p ≥ 0.5 → the second class, as decodeOutputs and classProbabilities
    const negative = g.add('Sub', [g.constant('one', [], [1]), h], 'probability_negative');
    g.add('Concat', [negative, h], 'probabilities', { axis: { int: 1 } });
    const positive = g.add('GreaterOrEqual', [h, g.constant('half', [], [0.5])], 'is_positive');
    const flat = g.add('Reshape', [positive, g.constant('flat', [1], [-1], 'int64')], 'is_positive_flat');
    index = g.add('Cast', [flat], 'class_index', { to: { int: 7 } });
  } else {
    g.add('Identity', [h], 'probabilities');
    index = g.add('ArgMax', [h], 'class_index', { axis: { int: 1 }, keepdims: { int: 0 } }); // first max wins
  }
  g.add('Gather', [labels, index], 'label', { axis: { int: 0 } });
  g.outputs.push(valueInfo('probabilities', g.dtype, ['N', classes.length]));
  g.outputs.push(valueInfo('label', 'string', ['N']));
}

/** The graph's doc string: what each input and output holds. */
function describeGraph(model: ModelFile): string {
  const cols = model.encoding.features.map((f) =>
    f.type === 'category'
      ? `${f.name}: string [N×1], one of ${f.categories.join(', ')}`
      : `${f.name}: number [N×1]${f.type === 'boolean' ? ' (0 or 1)' : f.type === 'date' ? ' (fractional year)' : ''}`,
  );
  const t = model.encoding.target;
  const outs =
    t.task === 'regression'
      ? [`value: [N×${t.columns.length}] ${t.columns.join(', ')} in original units`]
      : [`probabilities: [N×${t.classes?.length}] for ${t.classes?.join(', ')}`, `label: string [N]`];
  return `scratchnet predictor.\nInputs:\n  ${cols.join('\n  ')}\nOutputs:\n  ${outs.join('\n  ')}`;
}
