// Optimizers by name. Sorted from simplest to most complex in their own files.
import { OptionError, unknownName } from '../errors.js';
import type { Optimizer } from './optimizer.js';
import { SGD } from './sgd.js';

export type { Optimizer } from './optimizer.js';
export { SGD } from './sgd.js';

export type OptimizerName = 'sgd';
export const optimizerNames: OptimizerName[] = ['sgd'];

export interface OptimizerOptions {
  learningRate?: number;
}

export function getOptimizer(spec: OptimizerName | Optimizer, options: OptimizerOptions = {}): Optimizer {
  if (typeof spec === 'object' && spec !== null) {
    if (typeof spec.step !== 'function') throw new OptionError('optimizer object needs a step(params, grads) method', 'optimizer');
    return spec;
  }
  switch (spec) {
    case 'sgd':
      return new SGD(options);
    default:
      return unknownName('optimizer', spec, optimizerNames, 'optimizer');
  }
}
