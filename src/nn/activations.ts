// Activation functions, each travelling with its derivative (as in TensorFlow Playground's nn.ts).
// Elementwise ones are written as a pair of loops f(z) / f'(z, a) — the derivative may reuse the
// output a, which forward already computed. Softmax works on whole rows and is written out separately.

import { OptionError, checkNumber, unknownName } from '../errors.js';
import type { FloatArray } from '../kernels/index.js';

export type ActivationName =
  | 'linear'
  | 'relu'
  | 'leakyRelu'
  | 'elu'
  | 'tanh'
  | 'sigmoid'
  | 'softplus'
  | 'gelu'
  | 'softmax';

/** An activation as users write it: a name, or a name with parameters ({ name: 'leakyRelu', alpha: 0.1 }). */
export type ActivationSpec = ActivationName | { name: ActivationName; alpha?: number };

export interface Activation {
  readonly name: ActivationName;
  /** The serializable description: name plus parameters. */
  readonly spec: ActivationSpec;
  /** a[rows×cols] = f(z[rows×cols]) */
  forward(a: FloatArray, z: FloatArray, rows: number, cols: number): void;
  /** dZ = ∂loss/∂z from dA = ∂loss/∂a, given z and a = f(z) from forward. dZ may alias dA. */
  backward(dZ: FloatArray, dA: FloatArray, z: FloatArray, a: FloatArray, rows: number, cols: number): void;
  /** Inputs z where the derivative jumps (the gradient checker avoids straddling them). */
  readonly kinks: readonly number[];
  /** The interval of possible outputs, [low, high] (infinite ends for unbounded). */
  readonly range: readonly [number, number];
  /** True when each output depends on its own input only. */
  readonly elementwise: boolean;
}

/**
 * The loops of an elementwise activation. Each activation writes its own pair of loops (rather than
 * one shared loop calling f(z) per element): a shared loop would see every activation's f at one
 * call site, which V8 cannot inline (a megamorphic call per element, ~5× slower).
 */
interface ElementwiseDefinition {
  /** a[i] = f(z[i]) for i < n */
  forward(a: FloatArray, z: FloatArray, n: number): void;
  /** dZ[i] = dA[i] · f'(z[i]), given a[i] = f(z[i]) (so that σ(z)(1 − σ(z)) need not recompute σ) */
  backward(dZ: FloatArray, dA: FloatArray, z: FloatArray, a: FloatArray, n: number): void;
  kinks?: number[];
  range: [number, number];
}

/**
 * The built-in activations and their parameter, so that layers can hand them to the WebAssembly
 * kernels by name (a user-written Activation object is never mistaken for one of them).
 */
const builtins = new WeakMap<Activation, { name: ActivationName; alpha: number }>();

/** The name and alpha of a built-in activation, or null for a user-written one. */
export function builtinActivation(a: Activation): { name: ActivationName; alpha: number } | null {
  return builtins.get(a) ?? null;
}

function elementwise(
  name: ActivationName,
  spec: ActivationSpec,
  def: ElementwiseDefinition,
  alpha = 0,
): Activation {
  const { forward, backward } = def;
  const activation: Activation = {
    name,
    spec,
    kinks: def.kinks ?? [],
    range: def.range,
    elementwise: true,
    forward: (a, z, rows, cols) => forward(a, z, rows * cols),
    backward: (dZ, dA, z, a, rows, cols) => backward(dZ, dA, z, a, rows * cols),
  };
  builtins.set(activation, { name, alpha });
  return activation;
}

export function linear(): Activation {
  return elementwise('linear', 'linear', {
    forward(a, z, n) {
      if (a !== z) for (let i = 0; i < n; i++) a[i] = z[i];
    },
    backward(dZ, dA, _z, _a, n) {
      if (dZ !== dA) for (let i = 0; i < n; i++) dZ[i] = dA[i];
    },
    range: [-Infinity, Infinity],
  });
}

export function relu(): Activation {
  return elementwise('relu', 'relu', {
    forward(a, z, n) {
      for (let i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : 0;
    },
    backward(dZ, dA, z, _a, n) {
      for (let i = 0; i < n; i++) dZ[i] = z[i] > 0 ? dA[i] : 0;
    },
    kinks: [0],
    range: [0, Infinity],
  });
}

/** Leaky ReLU: z for z > 0, alpha·z otherwise (alpha = 0.01 as in the seed). */
export function leakyRelu(alpha = 0.01): Activation {
  checkNumber('leakyRelu alpha', alpha, { min: 0 });
  return elementwise(
    'leakyRelu',
    alpha === 0.01 ? 'leakyRelu' : { name: 'leakyRelu', alpha },
    {
      forward(a, z, n) {
        for (let i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : alpha * z[i];
      },
      backward(dZ, dA, z, _a, n) {
        for (let i = 0; i < n; i++) dZ[i] = z[i] > 0 ? dA[i] : alpha * dA[i];
      },
      kinks: alpha === 1 ? [] : [0],
      range: [alpha === 0 ? 0 : -Infinity, Infinity],
    },
    alpha,
  );
}

/** ELU (Clevert et al. 2015): z for z > 0, alpha·(eᶻ − 1) otherwise; f'(z) = a + alpha for z ≤ 0. */
export function elu(alpha = 1): Activation {
  checkNumber('elu alpha', alpha, { min: 0 });
  return elementwise(
    'elu',
    alpha === 1 ? 'elu' : { name: 'elu', alpha },
    {
      forward(a, z, n) {
        for (let i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : alpha * Math.expm1(z[i]);
      },
      backward(dZ, dA, z, a, n) {
        for (let i = 0; i < n; i++) dZ[i] = z[i] > 0 ? dA[i] : dA[i] * (a[i] + alpha);
      },
      // with alpha = 1 the first derivative is continuous at 0 but the second jumps: still a kink
      // for finite differences
      kinks: [0],
      range: [-alpha, Infinity],
    },
    alpha,
  );
}

/** tanh; f'(z) = 1 − a². */
export function tanh(): Activation {
  return elementwise('tanh', 'tanh', {
    forward(a, z, n) {
      for (let i = 0; i < n; i++) a[i] = Math.tanh(z[i]);
    },
    backward(dZ, dA, _z, a, n) {
      for (let i = 0; i < n; i++) dZ[i] = dA[i] * (1 - a[i] * a[i]);
    },
    range: [-1, 1],
  });
}

/** The logistic function, computed without overflow for large |z|. */
export function sigmoidValue(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** The logistic function σ(z); f'(z) = a·(1 − a). */
export function sigmoid(): Activation {
  return elementwise('sigmoid', 'sigmoid', {
    forward(a, z, n) {
      for (let i = 0; i < n; i++) a[i] = sigmoidValue(z[i]);
    },
    backward(dZ, dA, _z, a, n) {
      for (let i = 0; i < n; i++) dZ[i] = dA[i] * a[i] * (1 - a[i]);
    },
    range: [0, 1],
  });
}

/** softplus(z) = log(1 + eᶻ), stable: max(z, 0) + log1p(e^−|z|); its derivative is σ(z). */
export function softplus(): Activation {
  return elementwise('softplus', 'softplus', {
    forward(a, z, n) {
      for (let i = 0; i < n; i++) a[i] = Math.max(z[i], 0) + Math.log1p(Math.exp(-Math.abs(z[i])));
    },
    backward(dZ, dA, z, _a, n) {
      for (let i = 0; i < n; i++) dZ[i] = dA[i] * sigmoidValue(z[i]);
    },
    range: [0, Infinity],
  });
}

const GELU_C = Math.sqrt(2 / Math.PI);
/**
 * GELU (Hendrycks & Gimpel 2016), in the tanh form used by GPT-2 and llm.c:
 * 0.5·z·(1 + tanh(√(2/π)·(z + 0.044715·z³))). The derivative is exact for this form.
 */
export function gelu(): Activation {
  return elementwise('gelu', 'gelu', {
    forward(a, z, n) {
      for (let i = 0; i < n; i++) {
        const v = z[i];
        a[i] = 0.5 * v * (1 + Math.tanh(GELU_C * (v + 0.044715 * v * v * v)));
      }
    },
    backward(dZ, dA, z, _a, n) {
      for (let i = 0; i < n; i++) {
        const v = z[i];
        const t = Math.tanh(GELU_C * (v + 0.044715 * v * v * v));
        dZ[i] = dA[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * v * v));
      }
    },
    range: [-0.17, Infinity],
  });
}

/** Softmax activations made below (not elementwise, so not in `builtins`, which the kernels read). */
const softmaxes = new WeakSet<Activation>();

/**
 * Softmax over each row: a_j = e^(z_j − max z) / Σ_k e^(z_k − max z) (shifted by the row's max so
 * that no exponent overflows). Backward is the Jacobian-vector product a_j·(dA_j − Σ_k a_k·dA_k).
 * Paired with softmaxCrossEntropy, the network skips this and takes the loss from the logits.
 */
export function softmax(): Activation {
  const activation: Activation = {
    name: 'softmax',
    spec: 'softmax',
    kinks: [],
    range: [0, 1],
    elementwise: false,
    forward(a, z, rows, cols) {
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let max = -Infinity;
        for (let c = 0; c < cols; c++) if (z[o + c] > max) max = z[o + c];
        let sum = 0;
        for (let c = 0; c < cols; c++) sum += a[o + c] = Math.exp(z[o + c] - max);
        for (let c = 0; c < cols; c++) a[o + c] /= sum;
      }
    },
    backward(dZ, dA, _z, a, rows, cols) {
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let dot = 0;
        for (let c = 0; c < cols; c++) dot += a[o + c] * dA[o + c];
        for (let c = 0; c < cols; c++) dZ[o + c] = a[o + c] * (dA[o + c] - dot);
      }
    },
  };
  softmaxes.add(activation);
  return activation;
}

/** Whether `a` is a built-in activation (the gradient checker and doctor trust them); user-written ones are not. */
export function isBuiltinActivation(a: Activation): boolean {
  return builtins.has(a) || softmaxes.has(a);
}

const factories: Record<ActivationName, (alpha?: number) => Activation> = {
  linear,
  relu,
  leakyRelu,
  elu,
  tanh,
  sigmoid,
  softplus,
  gelu,
  softmax,
};

export const activationNames = Object.keys(factories) as ActivationName[];

/** Looks up an activation by name or spec; unknown names throw an OptionError listing the known ones. */
export function getActivation(spec: ActivationSpec | Activation, option = 'activation'): Activation {
  if (typeof spec === 'object' && spec !== null && 'forward' in spec) return spec;
  const name = typeof spec === 'string' ? spec : spec?.name;
  if (typeof name !== 'string' || !Object.hasOwn(factories, name)) {
    return unknownName('activation', name ?? spec, activationNames, option);
  }
  const alpha = typeof spec === 'object' ? spec.alpha : undefined;
  if (alpha !== undefined && name !== 'leakyRelu' && name !== 'elu') {
    throw new OptionError(`${option}: ${name} takes no alpha parameter`, option);
  }
  return factories[name as ActivationName](alpha);
}
