// ∂f/∂x of one network output, for every row at once, by the network's own backward pass (each
// layer's backward with inputGradient), not by finite differences. Used by integrated gradients.
// Works in the network's scaled space (what forward() takes); the caller maps units.

import { OptionError } from '../errors.js';
import { zeros, type Matrix } from '../matrix.js';
import type { Network } from '../nn/network.js';

/**
 * Which number of the output layer to explain: 'output' is what forward() gives (probabilities for
 * sigmoid / softmax outputs), 'logit' the output layer's pre-activation (the same for a linear output).
 */
export type AttributeTo = 'output' | 'logit';

export interface OutputGradient {
  /** [N] f(x) of each row: the chosen output unit */
  value: Float64Array;
  /** [N×I] ∂f/∂x of each row */
  gradient: Float64Array;
}

/**
 * f and ∂f/∂x at the rows of x [N×I] (scaled space), where f(row n) is output unit units[n] (one
 * index per row) of the output or the logit. Rows do not interact (dense layers), so seeding the
 * backward pass with 1 at (n, units[n]) gives each row its own gradient in one pass. The network's
 * parameter gradients are left as they were.
 */
export function outputGradient(
  network: Network,
  x: Matrix,
  units: Int32Array,
  attributeTo: AttributeTo,
): OutputGradient {
  const layers = network.layers;
  const last = layers[layers.length - 1];
  const N = x.rows;
  const O = network.outputSize;
  const saved = network.grads.slice();
  let out = network.forward(x);
  if (attributeTo === 'logit') {
    if (!last.preActivation)
      throw new OptionError(`the ${last.type} output layer exposes no logits`, 'attributeTo');
    out = last.preActivation();
  }
  const value = new Float64Array(N);
  const dOut = zeros(N, O, network.dtype); // [N×O] 1 at each row's unit
  for (let n = 0; n < N; n++) {
    value[n] = out.data[n * O + units[n]];
    dOut.data[n * O + units[n]] = 1;
  }
  let d: Matrix | null;
  if (attributeTo === 'logit') {
    if (!last.backwardFromPreActivation)
      throw new OptionError(
        `the ${last.type} output layer cannot start backward from its logits`,
        'attributeTo',
      );
    d = last.backwardFromPreActivation(dOut, true);
  } else d = last.backward(dOut, true);
  for (let l = layers.length - 2; l >= 0 && d; l--) d = layers[l].backward(d, true);
  if (!d) throw new OptionError('a layer returned no input gradient', 'network');
  const gradient = Float64Array.from(d.data);
  network.grads.set(saved);
  return { value, gradient };
}
