// Imported dense layers (from ONNX, TensorFlow.js or Keras) → a scratchnet Network, with the loss
// the output activation implies (softmax: softmax cross-entropy; one sigmoid unit: binary
// cross-entropy; otherwise MSE), so that gradcheck and doctor run on it.

import { DataError } from '../../errors.js';
import type { ActivationSpec } from '../../nn/activations.js';
import { Dense } from '../../nn/dense.js';
import type { LossSpec } from '../../nn/losses.js';
import { Network, type Scaling } from '../../nn/network.js';
import { Random } from '../../random.js';

/** One dense layer as read from a file: out = f(input · weight + bias). */
export interface ImportedLayer {
  /** [I×O] row-major */
  weight: Float64Array;
  /** [O] */
  bias: Float64Array;
  inputSize: number;
  outputSize: number;
  activation: ActivationSpec;
}

export interface ImportOptions {
  /** default: float64 for double weights, float32 for float weights */
  dtype?: 'float32' | 'float64';
  /** default: from the output activation */
  loss?: LossSpec;
}

/** The loss a network's output activation implies. */
export function impliedLoss(last: ImportedLayer): LossSpec {
  const name = typeof last.activation === 'string' ? last.activation : last.activation.name;
  if (name === 'softmax') return 'softmaxCrossEntropy';
  if (name === 'sigmoid' && last.outputSize === 1) return 'binaryCrossEntropy';
  return 'mse';
}

/** Builds the Network; `source` prefixes messages ("model.onnx"). */
export function buildImportedNetwork(
  layers: ImportedLayer[],
  dtype: 'float32' | 'float64',
  options: ImportOptions,
  source: string,
  scaling?: Scaling,
): Network {
  if (layers.length === 0) throw new DataError(`${source}: no dense layer found`, 'model');
  const random = new Random(0);
  const dense = layers.map((l, i) => {
    if (i > 0 && l.inputSize !== layers[i - 1].outputSize)
      throw new DataError(
        `${source}: layer ${i} takes ${l.inputSize} inputs but layer ${i - 1} gives ${layers[i - 1].outputSize}`,
        'model',
      );
    return new Dense(l.inputSize, l.outputSize, random, { activation: l.activation, init: 'zeros', dtype });
  });
  const network = new Network({
    layers: dense,
    loss: options.loss ?? impliedLoss(layers[layers.length - 1]),
    dtype,
    onWarning: () => {},
  });
  layers.forEach((l, i) => {
    dense[i].weight.value.set(l.weight);
    dense[i].bias.value.set(l.bias);
  });
  if (scaling) network.scaling = scaling;
  return network;
}
