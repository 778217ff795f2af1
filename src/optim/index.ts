// Optimizers by name, sorted from simplest to most complex, one file each: its update rule and its
// cited defaults (`static hyperParameters`). The names, the options and the check that an option
// belongs to the named optimizer are all derived from the one registry below. Every optimizer
// extends BaseOptimizer (optimizer.ts), which keeps its state and writes it out as plain JSON
// (state() / setState()) so a run can resume bit-identically.
//
//   name        update (PyTorch's form)
//   sgd         θ −= η·g
//   momentum    v = μv + g; θ −= η·v
//   nesterov    v = μv + g; θ −= η·(g + μv)
//   rmsprop     s = αs + (1−α)g²; θ −= η·g/(√s + ε)
//   adagrad     G += g²; θ −= η·g/(√G + ε)
//   adam        bias-corrected moments; θ −= η·m̂/(√v̂ + ε)
//   adamw       θ ·= (1 − ηλ), then adam
//   lbfgs       two-loop recursion + strong Wolfe line search
import { OptionError, unknownName } from '../errors.js';
import { splits, type Optimizer, type SplitOptimizer } from './optimizer.js';
import { SGD } from './sgd.js';
import { Momentum } from './momentum.js';
import { Nesterov } from './nesterov.js';
import { RMSprop } from './rmsprop.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import { LBFGS } from './lbfgs.js';

export {
  BaseOptimizer,
  type StateBuffer,
  readHyperParameters,
  type Optimizer,
  type OptimizerState,
  type SplitOptimizer,
  splits,
  type LossClosure,
  type HyperParameter,
  type HyperParameters,
  type OptionsOf,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Momentum, type MomentumOptions } from './momentum.js';
export { Nesterov, type NesterovOptions } from './nesterov.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { LBFGS, type LBFGSOptions } from './lbfgs.js';

/** Every optimizer by name, simplest first. */
const optimizers = {
  sgd: SGD,
  momentum: Momentum,
  nesterov: Nesterov,
  rmsprop: RMSprop,
  adagrad: Adagrad,
  adam: Adam,
  adamw: AdamW,
  lbfgs: LBFGS,
};

export type OptimizerName = keyof typeof optimizers;
export const optimizerNames = Object.keys(optimizers) as OptimizerName[];

/** The hyper-parameters an optimizer takes, in the order it declares (and checks) them. */
function hyperParametersOf(name: OptimizerName): string[] {
  return Object.keys(optimizers[name].hyperParameters);
}

/** Every hyper-parameter name any optimizer takes. */
type HyperParameterName = {
  [N in OptimizerName]: keyof (typeof optimizers)[N]['hyperParameters'];
}[OptimizerName];
/**
 * Every optimizer's hyper-parameters (each optimizer's own options type documents them);
 * getOptimizer rejects those the named optimizer does not have.
 */
export type OptimizerOptions = { [K in HyperParameterName]?: number };

const known = [...new Set(optimizerNames.flatMap(hyperParametersOf))];

/**
 * What makes a worker thread's twin of an optimizer whose step splits (optimizer.ts: SplitOptimizer):
 * its name and hyper-parameters for getOptimizer; null unless it is one of the optimizers above as
 * made here (a subclass or an optimizer of one's own may step otherwise).
 */
export function twinSpec(
  optimizer: Optimizer,
): { name: OptimizerName; options: Record<string, number>; optimizer: SplitOptimizer } | null {
  if (!splits(optimizer)) return null;
  const name = optimizer.name as OptimizerName;
  const made: unknown = Object.hasOwn(optimizers, name) ? optimizers[name] : null;
  if (optimizer.constructor !== made) return null;
  return { name, options: optimizer.hyperParameterValues(), optimizer };
}

/** An optimizer by name (or a ready-made one, returned as is). Bad hyper-parameters throw OptionError with the value. */
export function getOptimizer(spec: OptimizerName | Optimizer, options: OptimizerOptions = {}): Optimizer {
  if (typeof spec === 'object' && spec !== null) {
    if (typeof spec.step !== 'function')
      throw new OptionError('optimizer object needs a step(params, grads) method', 'optimizer');
    return spec;
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) unknownName('optimizer option', key, known, 'optimizerOptions');
  }
  const given = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as OptimizerOptions;
  if (!Object.hasOwn(optimizers, spec)) return unknownName('optimizer', spec, optimizerNames, 'optimizer');
  const takes = hyperParametersOf(spec);
  const extra = Object.keys(given).find((k) => !takes.includes(k));
  if (extra) {
    throw new OptionError(
      `${spec} has no ${extra} option (it takes ${takes.join(', ')})`,
      'optimizerOptions',
    );
  }
  return new optimizers[spec](given);
}
