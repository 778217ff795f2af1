// Every backward pass against central finite differences in float64: each hidden activation ×
// each loss with its possible outputs, with and without L2/L1, on several shapes and batch sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Network,
  Random,
  activationNames,
  lossNames,
  toMatrix,
  type ActivationName,
  type LossName,
  type Matrix,
} from '../src/index.js';
import { numericGradient, randomMatrix, worstRelativeError } from './helpers.js';

const hidden = activationNames.filter((a) => a !== 'softmax');
const outputsFor: Record<LossName, ActivationName[]> = {
  mse: ['linear', 'tanh', 'sigmoid', 'softplus', 'gelu', 'elu', 'softmax'],
  mae: ['linear', 'tanh'],
  huber: ['linear', 'sigmoid'],
  binaryCrossEntropy: ['sigmoid', 'linear'],
  softmaxCrossEntropy: ['softmax', 'linear'],
};

function targets(loss: LossName, rows: number, cols: number, random: Random): Matrix {
  if (loss === 'binaryCrossEntropy')
    return toMatrix(Array.from({ length: rows }, () => Array.from({ length: cols }, () => random.int(2))));
  if (loss === 'softmaxCrossEntropy') {
    return toMatrix(
      Array.from({ length: rows }, () => {
        const k = random.int(cols);
        return Array.from({ length: cols }, (_, c) => (c === k ? 1 : 0));
      }),
    );
  }
  return randomMatrix(rows, cols, random);
}

/** The smallest distance of any pre-activation from a kink (relu family at 0), or Infinity. */
function kinkMargin(net: Network, x: Matrix): number {
  net.forward(x);
  let margin = Infinity;
  for (const layer of net.layers) {
    if (!layer.activation || layer.activation.kinks.length === 0 || !layer.preActivation) continue;
    for (const z of layer.preActivation().data)
      for (const k of layer.activation.kinks) margin = Math.min(margin, Math.abs(z - k));
  }
  return margin;
}

const shapes = [
  { layers: [3, 5, 2], batch: 4 },
  { layers: [2, 7, 6, 3], batch: 1 },
  { layers: [4, 3, 2], batch: 17 },
  // one-input and one-output layers take the fused one-sweep kernels (the seed's shapes)
  { layers: [1, 6, 1], batch: 5 },
  { layers: [1, 5, 2], batch: 9 },
];

for (const loss of lossNames) {
  test(`backward matches finite differences: every hidden activation with ${loss}`, () => {
    const random = new Random(7);
    let checked = 0;
    for (const act of hidden) {
      for (const out of outputsFor[loss]) {
        for (const [s, shape] of shapes.entries()) {
          for (const penalty of [{}, { weightDecay: 0.3 }, { l1: 0.2 }, { weightDecay: 0.1, l1: 0.05 }]) {
            const cols = shape.layers[shape.layers.length - 1];
            if (loss === 'softmaxCrossEntropy' && cols < 2) continue;
            const net = new Network({
              layers: shape.layers,
              activation: act,
              output: out,
              loss,
              seed: 100 + s,
              ...penalty,
              onWarning: () => {},
            });
            const x = randomMatrix(shape.batch, shape.layers[0], random);
            const y = targets(loss, shape.batch, cols, random);
            if (kinkMargin(net, x) < 1e-3) continue; // a ±h step could cross a kink: not a fair comparison
            if (loss === 'mae') {
              const p = net.forward(x).data;
              if (p.some((v, i) => Math.abs(v - y.data[i]) < 1e-3)) continue;
            }
            const cost = net.computeGradient(x, y).total;
            const analytic = Float64Array.from(net.grads);
            const numeric = numericGradient(net, x, y);
            // Central differences with h = 1e-5 carry ~1e-11·|cost| of rounding and ~h²·f''' of
            // truncation, so relative errors are measured against a floor of 1e-4·max(1, |cost|).
            const { error, index } = worstRelativeError(
              analytic,
              numeric,
              1e-4 * Math.max(1, Math.abs(cost)),
            );
            assert.ok(
              error < 1e-6,
              `${act} hidden, ${out} output, ${loss}, layers [${shape.layers}], batch ${shape.batch}, ${JSON.stringify(penalty)}: ` +
                `parameter ${index}: analytic ${analytic[index]}, numeric ${numeric[index]}, relative error ${error}`,
            );
            checked++;
          }
        }
      }
    }
    assert.ok(checked > 20, `only ${checked} configurations were away from kinks`);
  });
}

test('input gradient matches finite differences', () => {
  const random = new Random(3);
  const net = new Network({
    layers: [3, 6, 2],
    activation: 'tanh',
    loss: 'softmaxCrossEntropy',
    weightDecay: 0.1,
  });
  const x = randomMatrix(5, 3, random);
  const y = toMatrix([
    [1, 0],
    [0, 1],
    [1, 0],
    [1, 0],
    [0, 1],
  ]);
  net.computeGradient(x, y, undefined, true);
  const analytic = Float64Array.from(net.inputGradient!.data);
  const numeric = new Float64Array(analytic.length);
  for (let i = 0; i < x.data.length; i++) {
    const old = x.data[i];
    x.data[i] = old + 1e-5;
    const plus = net.computeLoss(x, y).total;
    x.data[i] = old - 1e-5;
    const minus = net.computeLoss(x, y).total;
    x.data[i] = old;
    numeric[i] = (plus - minus) / 2e-5;
  }
  const { error } = worstRelativeError(analytic, numeric, 1e-8);
  assert.ok(error < 1e-6, `input gradient relative error ${error}`);
});

test('penalties: the cost includes them, the data loss is separate, and each gradient matches its cost', () => {
  const random = new Random(11);
  const net = new Network({ layers: [2, 4, 1], activation: 'tanh', weightDecay: 0.5, l1: 0.25 });
  const x = randomMatrix(8, 2, random);
  const y = randomMatrix(8, 1, random);
  const terms = net.computeLoss(x, y);
  let sumSq = 0,
    sumAbs = 0;
  for (const ref of net.parameterRefs) {
    if (!ref.parameter.regularize) continue;
    for (const w of ref.parameter.value) {
      sumSq += w * w;
      sumAbs += Math.abs(w);
    }
  }
  assert.ok(Math.abs(terms.penalties.l2 - (0.5 / (2 * 8)) * sumSq) < 1e-15);
  assert.ok(Math.abs(terms.penalties.l1 - (0.25 / 8) * sumAbs) < 1e-15);
  assert.ok(Math.abs(terms.total - (terms.data + terms.penalties.l2 + terms.penalties.l1)) < 1e-15);
  for (const only of [['l2'], ['l1']]) {
    net.computeGradient(x, y, { data: false, penalties: only });
    const analytic = Float64Array.from(net.grads);
    const numeric = numericGradient(net, x, y, 1e-5, { data: false, penalties: only });
    assert.ok(
      worstRelativeError(analytic, numeric, 1e-9).error < 1e-6,
      `${only} gradient disagrees with its cost`,
    );
    // biases carry no penalty
    for (const ref of net.parameterRefs)
      if (!ref.parameter.regularize) assert.ok(ref.parameter.grad.every((g) => g === 0));
  }
});
