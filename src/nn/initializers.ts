// Weight initializers. fanIn = inputs of the layer, fanOut = its outputs. Biases start at zero.
// He (He et al. 2015) keeps the variance of ReLU-family layers: Var(w) = 2 / fanIn.
// Glorot/Xavier (Glorot & Bengio 2010) suits tanh/sigmoid/linear: Var(w) = 2 / (fanIn + fanOut).
// LeCun (LeCun et al. 1998): Var(w) = 1 / fanIn. Normal variants are plain (not truncated)
// normals, as in the seed and PyTorch's kaiming_normal_; uniform ones draw from [−l, l], l = √(3·Var).

import { unknownName } from '../errors.js';
import type { FloatArray } from '../kernels/index.js';
import type { Random } from '../random.js';
import type { ActivationName } from './activations.js';

export type InitializerName =
  | 'heNormal'
  | 'heUniform'
  | 'glorotNormal'
  | 'glorotUniform'
  | 'lecunNormal'
  | 'lecunUniform'
  | 'zeros';

export type Initializer = (weight: FloatArray, fanIn: number, fanOut: number, random: Random) => void;

function normal(variance: (fanIn: number, fanOut: number) => number): Initializer {
  return (w, fanIn, fanOut, random) => {
    const std = Math.sqrt(variance(fanIn, fanOut));
    for (let i = 0; i < w.length; i++) w[i] = random.normal() * std;
  };
}

function uniform(variance: (fanIn: number, fanOut: number) => number): Initializer {
  return (w, fanIn, fanOut, random) => {
    const limit = Math.sqrt(3 * variance(fanIn, fanOut));
    for (let i = 0; i < w.length; i++) w[i] = random.uniform(-limit, limit);
  };
}

const he = (fanIn: number) => 2 / fanIn;
const glorot = (fanIn: number, fanOut: number) => 2 / (fanIn + fanOut);
const lecun = (fanIn: number) => 1 / fanIn;

export const initializers: Record<InitializerName, Initializer> = {
  heNormal: normal(he),
  heUniform: uniform(he),
  glorotNormal: normal(glorot),
  glorotUniform: uniform(glorot),
  lecunNormal: normal(lecun),
  lecunUniform: uniform(lecun),
  zeros: (w) => w.fill(0),
};

export const initializerNames = Object.keys(initializers) as InitializerName[];

/** The default initializer for a layer with this activation: He for the ReLU family, Glorot otherwise. */
export function defaultInitializer(activation: ActivationName): InitializerName {
  switch (activation) {
    case 'relu':
    case 'leakyRelu':
    case 'elu':
    case 'gelu':
    case 'softplus':
      return 'heNormal';
    default:
      return 'glorotUniform';
  }
}

export function getInitializer(name: InitializerName | Initializer, option = 'init'): Initializer {
  if (typeof name === 'function') return name;
  if (typeof name !== 'string' || !Object.hasOwn(initializers, name)) {
    return unknownName('initializer', name, initializerNames, option);
  }
  return initializers[name];
}
