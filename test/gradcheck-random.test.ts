// gradCheck raises no false alarms: 200 seeded random configurations — depth 1–4, widths 1–64,
// every activation and loss, L2 / L1 on and off, batches of 1–256, inputs at scales 1e-3 to 1e3 —
// each checked before and after some training, must all pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DivergenceError,
  Network,
  Random,
  activationNames,
  fit,
  gradCheck,
  lossNames,
  toMatrix,
  type ActivationName,
  type LossName,
  type Matrix,
} from '../src/index.js';

const hidden = activationNames.filter((a) => a !== 'softmax');
/** the output activations each loss accepts (regression losses take any, with a warning) */
const outputsFor: Record<LossName, readonly ActivationName[]> = {
  mse: ['linear', 'tanh', 'sigmoid', 'softplus', 'gelu', 'elu', 'relu', 'leakyRelu', 'softmax'],
  mae: ['linear', 'tanh', 'leakyRelu'],
  huber: ['linear', 'sigmoid', 'relu'],
  binaryCrossEntropy: ['sigmoid', 'linear'],
  softmaxCrossEntropy: ['softmax', 'linear'],
};

/** log-uniform integer in [low, high] */
function logInt(random: Random, low: number, high: number): number {
  return Math.min(high, Math.floor(Math.exp(random.uniform(Math.log(low), Math.log(high + 1)))));
}

export interface RandomConfig {
  label: string;
  /** what was drawn, for the coverage check */
  drawn: {
    depth: number;
    widths: number[];
    act: string;
    output: string;
    loss: string;
    batch: number;
    scale: number;
    l2: boolean;
    l1: boolean;
  };
  net: Network;
  x: Matrix;
  y: Matrix;
  learningRate: number;
}

export function randomConfig(seed: number): RandomConfig {
  const random = new Random(seed);
  const loss = lossNames[seed % lossNames.length];
  const act = hidden[Math.floor(seed / lossNames.length) % hidden.length];
  const outs = outputsFor[loss];
  const output = outs[random.int(outs.length)];
  const depth = 1 + random.int(4);
  const minOut = loss === 'softmaxCrossEntropy' || output === 'softmax' ? 2 : 1;
  const sizes = Array.from({ length: depth + 1 }, (_, i) =>
    logInt(random, i === depth ? minOut : 1, i === depth ? 8 : 64),
  );
  const batch = logInt(random, 1, 256);
  const scale = 10 ** random.uniform(-3, 3);
  const weightDecay = random.next() < 0.5 ? 10 ** random.uniform(-4, 0) : 0;
  const l1 = random.next() < 0.5 ? 10 ** random.uniform(-4, 0) : 0;
  const net = new Network({
    layers: sizes,
    activation: act,
    output,
    loss,
    weightDecay,
    l1,
    seed,
    onWarning: () => {},
  });
  const O = sizes[depth];
  const x = toMatrix(
    Array.from({ length: batch }, () => Array.from({ length: sizes[0] }, () => random.normal() * scale)),
  );
  const y = toMatrix(
    Array.from({ length: batch }, () => {
      if (loss === 'binaryCrossEntropy') return Array.from({ length: O }, () => random.int(2));
      if (loss === 'softmaxCrossEntropy') {
        const k = random.int(O);
        return Array.from({ length: O }, (_, c) => (c === k ? 1 : 0));
      }
      return Array.from({ length: O }, () => random.normal());
    }),
  );
  const label =
    `seed ${seed}: [${sizes}] ${act}→${output}, ${loss}, batch ${batch}, x scale ${scale.toExponential(1)}, ` +
    `L2 ${weightDecay.toExponential(1)}, L1 ${l1.toExponential(1)}`;
  const drawn = { depth, widths: sizes, act, output, loss, batch, scale, l2: weightDecay > 0, l1: l1 > 0 };
  return { label, drawn, net, x, y, learningRate: 0.05 / Math.max(1, scale * scale) };
}

test('gradCheck: 200 random configurations pass, before and after training', (t) => {
  const verdicts: string[] = [];
  let kinks = 0,
    judged = 0,
    unstable = 0;
  const seen = {
    depth: new Set<number>(),
    act: new Set<string>(),
    output: new Set<string>(),
    loss: new Set<string>(),
    l2: new Set<boolean>(),
    l1: new Set<boolean>(),
  };
  let minBatch = Infinity,
    maxBatch = 0,
    minScale = Infinity,
    maxScale = 0,
    minWidth = Infinity,
    maxWidth = 0;
  for (let seed = 0; seed < 200; seed++) {
    const c = randomConfig(seed);
    const d = c.drawn;
    seen.depth.add(d.depth);
    seen.act.add(d.act);
    seen.output.add(d.output);
    seen.loss.add(d.loss);
    seen.l2.add(d.l2);
    seen.l1.add(d.l1);
    minBatch = Math.min(minBatch, d.batch);
    maxBatch = Math.max(maxBatch, d.batch);
    minScale = Math.min(minScale, d.scale);
    maxScale = Math.max(maxScale, d.scale);
    minWidth = Math.min(minWidth, ...d.widths);
    maxWidth = Math.max(maxWidth, ...d.widths);
    const options = { maxParameters: 40, maxInputs: 12, seed };
    const before = gradCheck(c.net, c.x, c.y, options);
    try {
      fit(c.net, c.x, c.y, { optimizer: 'sgd', learningRate: c.learningRate, epochs: 30 });
    } catch (e) {
      if (!(e instanceof DivergenceError)) throw e; // weights restored to the last finite loss
    }
    const after = gradCheck(c.net, c.x, c.y, options);
    for (const [when, r] of [
      ['before', before],
      ['after', after],
    ] as const) {
      kinks += r.setAside.kinks;
      unstable += r.setAside.unstable;
      judged += r.terms.reduce((sum, term) => sum + term.judged, 0);
      if (r.verdict !== 'pass') verdicts.push(`${c.label} (${when} training): ${r.summary}`);
    }
  }
  t.diagnostic(
    `400 checks: ${400 - verdicts.length} pass; ${judged} entries judged, ${kinks} set aside at kinks, ${unstable} unstable`,
  );
  assert.deepEqual(verdicts, [], `${verdicts.length} configurations did not pass:\n${verdicts.join('\n')}`);
  assert.ok(kinks > 0, 'no kink was ever crossed: the kink detection is not exercised');
  // the configurations cover what the issue lists
  assert.deepEqual([...seen.depth].sort(), [1, 2, 3, 4]);
  assert.equal(seen.act.size, activationNames.length - 1, 'every hidden activation');
  assert.ok(
    seen.output.has('softmax') && seen.output.has('relu') && seen.output.has('leakyRelu'),
    'output activations',
  );
  assert.equal(seen.loss.size, lossNames.length, 'every loss');
  assert.ok(seen.l2.size === 2 && seen.l1.size === 2, 'L2 and L1 on and off');
  assert.ok(minBatch === 1 && maxBatch >= 200, `batches ${minBatch}..${maxBatch}`);
  assert.ok(minScale < 2e-3 && maxScale > 5e2, `input scales ${minScale}..${maxScale}`);
  assert.ok(minWidth === 1 && maxWidth >= 60, `widths ${minWidth}..${maxWidth}`);
});
