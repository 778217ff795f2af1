// ONNX import of dense feed-forward graphs — such as a PyTorch nn.Sequential of Linear layers and
// activations exported with torch.onnx.export — into a scratchnet Network. One chain from one
// input [N×F] to one output: optional standardization at the input (Sub, then Div, by constants),
// Gemm or MatMul (+ Add) layers, each followed by at most one of Relu, LeakyRelu, Elu, Tanh,
// Sigmoid, Softplus, Gelu (tanh form) or Softmax (last layer), optional un-scaling at the output
// (Mul, then Add); Identity, Dropout, Flatten and a Concat of one tensor pass through. Anything else is a DataError naming
// the node, its op type and its position.

import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, type GraphProto, type NodeProto, type TensorProto } from 'onnx-buf';
import { DataError } from '../../errors.js';
import type { ActivationSpec } from '../../nn/activations.js';
import type { Network, Scaling } from '../../nn/network.js';
import { buildImportedNetwork, type ImportedLayer, type ImportOptions } from './import-network.js';
import { attributeValue, DataType, tensorValues } from './onnx-proto.js';

export interface OnnxImport {
  network: Network;
  /** the graph's input and output names */
  input: string;
  output: string;
}

/** What the walk over the nodes has found so far. */
interface Walk {
  current: string;
  layers: ImportedLayer[];
  /** the last layer's bias has been set (Gemm with C, or MatMul then Add) */
  biased: boolean;
  mean: Float64Array | null;
  std: Float64Array | null;
  targetStd: Float64Array | null;
  targetMean: Float64Array | null;
}

const activations: Record<string, (n: NodeProto) => ActivationSpec> = {
  Relu: () => 'relu',
  LeakyRelu: (n) => ({ name: 'leakyRelu', alpha: num(n, 'alpha', 0.01) }),
  Elu: (n) => ({ name: 'elu', alpha: num(n, 'alpha', 1) }),
  Tanh: () => 'tanh',
  Sigmoid: () => 'sigmoid',
  Softplus: () => 'softplus',
  Softmax: () => 'softmax',
  Gelu: () => 'gelu',
};

const SUPPORTED =
  'Gemm, MatMul, Add, Relu, LeakyRelu, Elu, Tanh, Sigmoid, Softplus, Gelu (tanh), Softmax, Sub/Div at the input, Mul/Add at the output, Identity, Dropout, Flatten, Concat of one input';

/** Reads an ONNX model (protobuf bytes) into a Network; `source` names it in messages. */
export function importOnnx(
  bytes: Uint8Array,
  options: ImportOptions = {},
  source = 'the ONNX model',
): OnnxImport {
  let graph: GraphProto | undefined;
  try {
    graph = fromBinary(ModelProtoSchema, bytes).graph;
  } catch (e) {
    throw new DataError(`${source}: not an ONNX model (${(e as Error).message})`, 'model');
  }
  if (!graph) throw new DataError(`${source}: the ONNX model has no graph`, 'model');
  const constants = new Map<string, TensorProto>(graph.initializer.map((t) => [t.name, t]));
  const inputs = graph.input.filter((i) => !constants.has(i.name));
  if (inputs.length !== 1 || graph.output.length !== 1)
    throw new DataError(
      `${source}: scratchnet imports graphs with one input and one output; this one has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}) and ${graph.output.length} outputs`,
      'model',
    );
  const input = inputs[0];
  const type = input.type?.value.case === 'tensorType' ? input.type.value.value.elemType : DataType.FLOAT;
  const walk: Walk = {
    current: input.name,
    layers: [],
    biased: false,
    mean: null,
    std: null,
    targetStd: null,
    targetMean: null,
  };
  graph.node.forEach((n, i) => visit(walk, n, i, constants, source));
  const output = graph.output[0].name;
  if (walk.current !== output)
    throw new DataError(
      `${source}: the graph output ${output} is not the end of the chain of dense layers (${walk.current})`,
      'model',
    );
  const dtype = options.dtype ?? (type === DataType.DOUBLE ? 'float64' : 'float32');
  const network = buildImportedNetwork(walk.layers, dtype, options, source, scaling(walk, source));
  return { network, input: input.name, output };
}

/** One node: extends the chain, or throws naming it. */
function visit(w: Walk, n: NodeProto, i: number, constants: Map<string, TensorProto>, source: string): void {
  const where = `${source}: node ${i} (${n.name ? `"${n.name}", ` : ''}${n.opType})`;
  const fail = (why: string): never => {
    throw new DataError(`${where}: ${why}`, 'model');
  };
  if (n.opType === 'Constant') {
    const value = n.attribute.find((a) => a.name === 'value')?.t;
    if (!value) fail('only tensor constants (value) are supported');
    else constants.set(n.output[0], value);
    return;
  }
  if (!n.input.includes(w.current))
    fail(
      `its inputs (${n.input.join(', ')}) do not include ${w.current}: scratchnet imports one chain of layers`,
    );
  const other = n.input.filter((x, k) => x !== w.current && !(k > 0 && x === ''));
  const constant = (k: number) => {
    const t = constants.get(other[k]);
    return t ? { dims: t.dims.map(Number), values: tensorValues(t) } : fail(`${other[k]} is not a constant`);
  };
  const last = w.layers[w.layers.length - 1];
  const op = n.opType;
  const layerOp = op === 'MatMul' || op === 'Gemm' || (activations[op] && n.domain === '');
  if (layerOp && w.targetStd) fail('layers after an output scaling (Mul) are not supported');
  if (
    op === 'Identity' ||
    op === 'Dropout' ||
    op === 'Flatten' ||
    (op === 'Concat' && n.input.length === 1)
  ) {
    // pass-through at inference (a Concat of one tensor: scratchnet's export of a one-column model)
  } else if (op === 'MatMul' || op === 'Gemm') {
    w.layers.push(denseLayer(n, constant, fail));
    w.biased = op === 'Gemm' && other.length > 1;
  } else if (activations[op] && n.domain === '') {
    if (!last || layerActivation(last) !== 'linear')
      fail('an activation must follow a dense layer (Gemm or MatMul), one per layer');
    else if (op === 'Gelu' && attributeValue(n, 'approximate') !== 'tanh')
      fail("Gelu without approximate='tanh' (the erf form) is not scratchnet's gelu (the tanh form)");
    else if (op === 'Softmax' && ![-1, 1, undefined].includes(attributeValue(n, 'axis') as number))
      fail('Softmax must be over the last axis');
    else last.activation = activations[op](n);
  } else if (op === 'Add' && last && !w.biased && layerActivation(last) === 'linear' && !w.targetStd) {
    last.bias = vector(constant(0).values, last.outputSize, fail);
    w.biased = true;
  } else if (op === 'Sub' && !last && !w.mean && !w.std && n.input[0] === w.current)
    w.mean = constant(0).values;
  else if (op === 'Div' && !last && !w.std && n.input[0] === w.current) w.std = constant(0).values;
  else if (op === 'Mul' && last && !w.targetStd)
    w.targetStd = vector(constant(0).values, last.outputSize, fail);
  else if (op === 'Add' && last && w.targetStd && !w.targetMean)
    w.targetMean = vector(constant(0).values, last.outputSize, fail);
  else fail(`not supported here; scratchnet imports dense feed-forward graphs: ${SUPPORTED}`);
  w.current = n.output[0];
}

/** Gemm (alpha = beta = 1, transA = 0, transB 0 or 1) or MatMul → a layer with a linear activation. */
function denseLayer(
  n: NodeProto,
  constant: (k: number) => { dims: number[]; values: Float64Array },
  fail: (why: string) => never,
): ImportedLayer {
  const b = constant(0);
  if (b.dims.length !== 2) fail(`the weight must be a matrix, got dims [${b.dims.join(', ')}]`);
  const transB = n.opType === 'Gemm' && num(n, 'transB', 0) === 1;
  if (
    n.opType === 'Gemm' &&
    (num(n, 'transA', 0) !== 0 || num(n, 'alpha', 1) !== 1 || num(n, 'beta', 1) !== 1)
  )
    fail('Gemm with transA, alpha or beta other than 0, 1, 1 is not supported');
  const [I, O] = transB ? [b.dims[1], b.dims[0]] : b.dims;
  const weight = new Float64Array(I * O);
  for (let i = 0; i < I; i++)
    for (let o = 0; o < O; o++) weight[i * O + o] = transB ? b.values[o * I + i] : b.values[i * O + o];
  const hasBias = n.opType === 'Gemm' && n.input.length > 2 && n.input[2] !== '';
  const bias = hasBias ? vector(constant(1).values, O, fail) : new Float64Array(O);
  return { weight, bias, inputSize: I, outputSize: O, activation: 'linear' };
}

/** A constant of n values (or one value repeated). */
function vector(values: Float64Array, n: number, fail: (why: string) => never): Float64Array {
  if (values.length === n) return values;
  if (values.length === 1) return new Float64Array(n).fill(values[0]);
  return fail(`expected ${n} values, got ${values.length}`);
}

function layerActivation(l: ImportedLayer): string {
  return typeof l.activation === 'string' ? l.activation : l.activation.name;
}

function num(n: NodeProto, name: string, fallback: number): number {
  const v = attributeValue(n, name);
  return typeof v === 'number' ? v : fallback;
}

/** The input standardization and output un-scaling found, as a network Scaling. */
function scaling(w: Walk, source: string): Scaling | undefined {
  if (!w.mean && !w.std && !w.targetStd) return undefined;
  const F = w.layers[0]?.inputSize ?? 0;
  const O = w.layers[w.layers.length - 1]?.outputSize ?? 0;
  const fail = (why: string): never => {
    throw new DataError(`${source}: the input standardization: ${why}`, 'model');
  };
  return {
    inputMean: Array.from(w.mean ? vector(w.mean, F, fail) : new Float64Array(F)),
    inputStd: Array.from(w.std ? vector(w.std, F, fail) : new Float64Array(F).fill(1)),
    ...(w.targetStd
      ? { targetStd: Array.from(w.targetStd), targetMean: Array.from(w.targetMean ?? new Float64Array(O)) }
      : {}),
  };
}
