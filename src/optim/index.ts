// Optimizers by name, sorted from simplest to most complex, one file each. Every one walks the flat
// `params` / `grads` buffers in one plain loop in its step(), keeps its state in Float64Arrays, and
// writes that state out as plain JSON (state() / setState()) so a run can resume bit-identically.
//
//   name        update (PyTorch's form)                              defaults (source)
//   sgd         θ −= η·g                                             η 0.01 (Keras)
//   momentum    v = μv + g; θ −= η·v                                 η 0.01, μ 0.9
//   nesterov    v = μv + g; θ −= η·(g + μv)                          η 0.01, μ 0.9
//   rmsprop     s = αs + (1−α)g²; θ −= η·g/(√s + ε)                  η 0.01, α 0.99, ε 1e-8 (PyTorch)
//   adagrad     G += g²; θ −= η·g/(√G + ε)                           η 0.01, ε 1e-10 (PyTorch)
//   adam        bias-corrected moments; θ −= η·m̂/(√v̂ + ε)           η 0.001, β 0.9/0.999, ε 1e-8 (paper)
//   adamw       θ ·= (1 − ηλ), then adam                             λ 0.01 (PyTorch)
//   lbfgs       two-loop recursion + strong Wolfe line search        memory 10, c1 1e-4, c2 0.9
import { OptionError, unknownName } from '../errors.js';
import type { Optimizer } from './optimizer.js';
import { SGD } from './sgd.js';
import { Momentum } from './momentum.js';
import { Nesterov } from './nesterov.js';
import { RMSprop } from './rmsprop.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import { LBFGS } from './lbfgs.js';

export type { Optimizer, OptimizerState, LossClosure } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Momentum, type MomentumOptions } from './momentum.js';
export { Nesterov, type NesterovOptions } from './nesterov.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { LBFGS, type LBFGSOptions } from './lbfgs.js';

export type OptimizerName =
  | 'sgd'
  | 'momentum'
  | 'nesterov'
  | 'rmsprop'
  | 'adagrad'
  | 'adam'
  | 'adamw'
  | 'lbfgs';
export const optimizerNames: OptimizerName[] = [
  'sgd',
  'momentum',
  'nesterov',
  'rmsprop',
  'adagrad',
  'adam',
  'adamw',
  'lbfgs',
];

/** Every optimizer's hyper-parameters; getOptimizer rejects those the named optimizer does not have. */
export interface OptimizerOptions {
  learningRate?: number;
  /** momentum, nesterov: μ */
  momentum?: number;
  /** rmsprop: α */
  alpha?: number;
  /** adam, adamw */
  beta1?: number;
  beta2?: number;
  /** rmsprop, adagrad, adam, adamw */
  epsilon?: number;
  /** adamw: decoupled decay λ */
  weightDecay?: number;
  /** lbfgs: curvature pairs kept */
  memory?: number;
  /** lbfgs: Wolfe constants, evaluations per line search, gradient tolerance */
  c1?: number;
  c2?: number;
  maxEvaluations?: number;
  tolerance?: number;
}

const known = new Set([
  'learningRate',
  'momentum',
  'alpha',
  'beta1',
  'beta2',
  'epsilon',
  'weightDecay',
  'memory',
  'c1',
  'c2',
  'maxEvaluations',
  'tolerance',
]);
/** the hyper-parameters each optimizer has (an option it lacks would be silently ignored) */
const accepted: Record<OptimizerName, readonly string[]> = {
  sgd: ['learningRate'],
  momentum: ['learningRate', 'momentum'],
  nesterov: ['learningRate', 'momentum'],
  rmsprop: ['learningRate', 'alpha', 'epsilon'],
  adagrad: ['learningRate', 'epsilon'],
  adam: ['learningRate', 'beta1', 'beta2', 'epsilon'],
  adamw: ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay'],
  lbfgs: ['learningRate', 'memory', 'c1', 'c2', 'maxEvaluations', 'tolerance'],
};

/** An optimizer by name (or a ready-made one, returned as is). Bad hyper-parameters throw OptionError with the value. */
export function getOptimizer(spec: OptimizerName | Optimizer, options: OptimizerOptions = {}): Optimizer {
  if (typeof spec === 'object' && spec !== null) {
    if (typeof spec.step !== 'function')
      throw new OptionError('optimizer object needs a step(params, grads) method', 'optimizer');
    return spec;
  }
  for (const key of Object.keys(options)) {
    if (!known.has(key)) unknownName('optimizer option', key, [...known], 'optimizerOptions');
  }
  const o = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as OptimizerOptions;
  if (Object.prototype.hasOwnProperty.call(accepted, spec)) {
    const extra = Object.keys(o).find((k) => !accepted[spec as OptimizerName].includes(k));
    if (extra) {
      throw new OptionError(
        `${spec} has no ${extra} option (it takes ${accepted[spec as OptimizerName].join(', ')})`,
        'optimizerOptions',
      );
    }
  }
  switch (spec) {
    case 'sgd':
      return new SGD(o);
    case 'momentum':
      return new Momentum(o);
    case 'nesterov':
      return new Nesterov(o);
    case 'rmsprop':
      return new RMSprop(o);
    case 'adagrad':
      return new Adagrad(o);
    case 'adam':
      return new Adam(o);
    case 'adamw':
      return new AdamW(o);
    case 'lbfgs':
      return new LBFGS(o);
    default:
      return unknownName('optimizer', spec, optimizerNames, 'optimizer');
  }
}
