// setState() refuses a state that cannot continue the run (another optimizer's, a bad step count, a missing
// buffer, a buffer of the wrong length) with an OptionError that says which, before any parameter moves.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError, getOptimizer, type OptimizerState } from '../src/index.js';

/** An Adam state after one step over three parameters. */
function adamState(): OptimizerState {
  const adam = getOptimizer('adam', { learningRate: 0.01 });
  adam.step(new Float64Array([0.5, -1.5, 2]), new Float64Array([0.2, -0.4, 0.1]));
  return JSON.parse(JSON.stringify(adam.state()));
}

const optionError = (message: RegExp) => (e: unknown) => e instanceof OptionError && message.test(e.message);

test('a state whose step is not a non-negative integer is refused', () => {
  for (const step of [-1, 1.5, null]) {
    const state = { ...adamState(), step } as unknown as OptimizerState;
    assert.throws(
      () => getOptimizer('adam').setState(state),
      optionError(/^optimizer state step must be a non-negative integer, got (-1|1\.5|null)$/),
      String(step),
    );
  }
});

test('a state that lacks one of its buffers names the buffer', () => {
  const state = adamState();
  delete state.buffers.v;
  assert.throws(
    () => getOptimizer('adam').setState(state),
    optionError(/^optimizer state for adam lacks the buffer "v"$/),
  );
});

test('a state for another number of parameters is refused at the next step, and the parameters stay as they were', () => {
  const adam = getOptimizer('adam');
  adam.setState(adamState());
  const params = new Float64Array([1, 2, 3, 4]);
  assert.throws(
    () => adam.step(params, new Float64Array([0.1, 0.1, 0.1, 0.1])),
    optionError(/^optimizer state buffer \w+ holds 3 values but the network has 4 parameters$/),
  );
  assert.deepEqual(Array.from(params), [1, 2, 3, 4]);
});

test('an empty buffer means "not made yet": the state of a fresh optimizer continues like a fresh one', () => {
  const fresh = getOptimizer('adam', { learningRate: 0.01 });
  const restored = getOptimizer('adam', { learningRate: 0.01 });
  restored.setState(JSON.parse(JSON.stringify(fresh.state())));
  const [p, q] = [new Float64Array([0.5, -1]), new Float64Array([0.5, -1])];
  fresh.step(p, new Float64Array([0.3, 0.2]));
  restored.step(q, new Float64Array([0.3, 0.2]));
  assert.deepEqual(Array.from(q), Array.from(p));
});
