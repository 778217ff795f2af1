// Optimizers: each update equals a hand-computed two-step example to 1e-12; hyper-parameters are
// validated with the bad value in the message; state() / setState() continue bit-identically.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getOptimizer, optimizerNames, LBFGS, OptionError, type Optimizer } from '../src/index.js';

const g1 = [0.2, -0.4];
const g2 = [-0.1, 0.3];

/** Two steps from θ = [0.5, −1.5] with gradients g1 then g2; returns θ after each step. */
function twoSteps(opt: Optimizer): [number[], number[]] {
  const p = new Float64Array([0.5, -1.5]);
  opt.step(p, new Float64Array(g1));
  const after1 = Array.from(p);
  opt.step(p, new Float64Array(g2));
  return [after1, Array.from(p)];
}

function close(actual: number[], expected: number[], what: string): void {
  actual.forEach((a, i) =>
    assert.ok(
      Math.abs(a - expected[i]) <= 1e-12,
      `${what}[${i}]: got ${a}, expected ${expected[i]} (diff ${a - expected[i]})`,
    ),
  );
}

test('sgd: θ −= η·g, η = 0.1', () => {
  const [a, b] = twoSteps(getOptimizer('sgd', { learningRate: 0.1 }));
  close(a, [0.48, -1.46], 'step 1');
  close(b, [0.49, -1.49], 'step 2');
});

test('momentum: v = 0.9v + g; θ −= 0.1·v', () => {
  const [a, b] = twoSteps(getOptimizer('momentum', { learningRate: 0.1, momentum: 0.9 }));
  // v1 = g1 = [0.2, −0.4]; θ1 = [0.48, −1.46]
  close(a, [0.48, -1.46], 'step 1');
  // v2 = 0.9·[0.2, −0.4] + [−0.1, 0.3] = [0.08, −0.06]; θ2 = [0.48 − 0.008, −1.46 + 0.006]
  close(b, [0.472, -1.454], 'step 2');
});

test('nesterov: v = 0.9v + g; θ −= 0.1·(g + 0.9v)', () => {
  const [a, b] = twoSteps(getOptimizer('nesterov', { learningRate: 0.1, momentum: 0.9 }));
  // v1 = [0.2, −0.4]; step = g1 + 0.9·v1 = [0.38, −0.76]; θ1 = [0.462, −1.424]
  close(a, [0.462, -1.424], 'step 1');
  // v2 = [0.08, −0.06]; step = [−0.1 + 0.072, 0.3 − 0.054] = [−0.028, 0.246]; θ2 = [0.4648, −1.4486]
  close(b, [0.4648, -1.4486], 'step 2');
});

test('rmsprop: s = 0.9s + 0.1g²; θ −= 0.01·g/(√s + 1e-8)', () => {
  const [a, b] = twoSteps(getOptimizer('rmsprop', { learningRate: 0.01, alpha: 0.9, epsilon: 1e-8 }));
  // s1 = 0.1·[0.04, 0.16] = [0.004, 0.016]
  const s1 = [0.004, 0.016];
  const t1 = [
    0.5 - (0.01 * 0.2) / (Math.sqrt(0.004) + 1e-8),
    -1.5 + (0.01 * 0.4) / (Math.sqrt(0.016) + 1e-8),
  ];
  close(a, t1, 'step 1');
  // s2 = 0.9·s1 + 0.1·[0.01, 0.09] = [0.0046, 0.0234]
  const s2 = [0.9 * s1[0] + 0.001, 0.9 * s1[1] + 0.009];
  close(s2, [0.0046, 0.0234], 's2');
  close(
    b,
    [t1[0] + (0.01 * 0.1) / (Math.sqrt(0.0046) + 1e-8), t1[1] - (0.01 * 0.3) / (Math.sqrt(0.0234) + 1e-8)],
    'step 2',
  );
});

test('adagrad: G += g²; θ −= 0.1·g/(√G + 1e-10)', () => {
  const [a, b] = twoSteps(getOptimizer('adagrad', { learningRate: 0.1, epsilon: 1e-10 }));
  // G1 = [0.04, 0.16]: θ1 = θ0 − 0.1·[0.2/(0.2 + ε), −0.4/(0.4 + ε)] ≈ [0.4, −1.4]
  close(a, [0.5 - 0.02 / (0.2 + 1e-10), -1.5 + 0.04 / (0.4 + 1e-10)], 'step 1');
  // G2 = [0.05, 0.25]: θ2 = θ1 − 0.1·[−0.1/√0.05, 0.3/0.5]
  close(b, [a[0] + 0.01 / (Math.sqrt(0.05) + 1e-10), a[1] - 0.03 / (0.5 + 1e-10)], 'step 2');
});

test('adam: bias-corrected moments, η = 0.01, β = 0.9 / 0.999, ε = 1e-8', () => {
  const [a, b] = twoSteps(getOptimizer('adam', { learningRate: 0.01 }));
  // step 1: m̂ = g1, v̂ = g1², so the step is η·sign(g1) up to ε
  close(a, [0.5 - (0.01 * 0.2) / (0.2 + 1e-8), -1.5 + (0.01 * 0.4) / (0.4 + 1e-8)], 'step 1');
  // step 2: m = 0.9·0.1·g1 + 0.1·g2, v = 0.999·0.001·g1² + 0.001·g2²; m̂ = m/0.19, v̂ = v/(1 − 0.999²)
  const m = [0.09 * 0.2 + 0.1 * -0.1, 0.09 * -0.4 + 0.1 * 0.3]; // [0.008, −0.006]
  const v = [0.000999 * 0.04 + 0.001 * 0.01, 0.000999 * 0.16 + 0.001 * 0.09]; // [4.996e-5, 2.4984e-4]
  close(m, [0.008, -0.006], 'm');
  close(v, [4.996e-5, 2.4984e-4], 'v');
  const c2 = 1 - 0.999 * 0.999; // 0.001999
  close(
    b,
    [0, 1].map((i) => a[i] - (0.01 * (m[i] / 0.19)) / (Math.sqrt(v[i] / c2) + 1e-8)),
    'step 2',
  );
});

test('adamw: θ ·= (1 − ηλ) before the Adam step, λ = 0.5', () => {
  const [a, b] = twoSteps(getOptimizer('adamw', { learningRate: 0.01, weightDecay: 0.5 }));
  // step 1: θ·(1 − 0.005), then −η·sign(g)
  const t1 = [0.5 * 0.995 - (0.01 * 0.2) / (0.2 + 1e-8), -1.5 * 0.995 + (0.01 * 0.4) / (0.4 + 1e-8)];
  close(a, t1, 'step 1');
  const m = [0.008, -0.006];
  const v = [4.996e-5, 2.4984e-4];
  close(
    b,
    [0, 1].map((i) => t1[i] * 0.995 - (0.01 * (m[i] / 0.19)) / (Math.sqrt(v[i] / 0.001999) + 1e-8)),
    'step 2',
  );
});

test('lbfgs: two iterations on f = ½(0.5·x² + y²) from (0.6, 0.2) — steepest descent, then the two-loop step', () => {
  // f, ∇f = (0.5x, y) at the current params
  const p = new Float64Array([0.6, 0.2]);
  const g = new Float64Array(2);
  let evaluations = 0;
  const closure = () => {
    evaluations++;
    g[0] = 0.5 * p[0];
    g[1] = p[1];
    return 0.5 * (0.5 * p[0] * p[0] + p[1] * p[1]);
  };
  const opt = new LBFGS();
  closure();
  opt.step(p, g, closure);
  // iteration 1: d = −g0 = (−0.3, −0.2); first trial α = min(1, 1/‖g0‖₁) = min(1, 1/0.5) = 1.
  // φ(1) = ½·0.5·0.09 = 0.0225 ≤ 0.11 − 1e-4·0.13 (Armijo); φ'(1) = (0.15, 0)·(−0.3, −0.2) = −0.045,
  // |−0.045| ≤ 0.9·0.13 (curvature): accepted. θ1 = (0.3, 0).
  close(Array.from(p), [0.3, 0], 'iteration 1');
  // iteration 2: s = (−0.3, −0.2), y = g1 − g0 = (0.15, 0) − (0.3, 0.2) = (−0.15, −0.2);
  // ρ = 1/sᵀy = 1/0.085; γ = sᵀy/yᵀy = 0.085/0.0625 = 1.36.
  // two-loop: q = g1 = (0.15, 0); a = ρ·sᵀq = −0.045/0.085; q −= a·y; r = γ·q; b = ρ·yᵀr; r += (a − b)·s.
  const rho = 1 / 0.085;
  const a = rho * (-0.3 * 0.15);
  const q = [0.15 - a * -0.15, 0 - a * -0.2];
  const r = [1.36 * q[0], 1.36 * q[1]];
  const b = rho * (-0.15 * r[0] + -0.2 * r[1]);
  const d = [-(r[0] + (a - b) * -0.3), -(r[1] + (a - b) * -0.2)];
  // trial α = 1: f(θ1 + d) must pass both Wolfe conditions for the step to be θ1 + d
  const f1 = 0.5 * 0.5 * 0.09;
  const slope = 0.15 * d[0];
  const x2 = [0.3 + d[0], d[1]];
  const f2 = 0.5 * (0.5 * x2[0] ** 2 + x2[1] ** 2);
  assert.ok(
    f2 <= f1 + 1e-4 * slope && Math.abs(0.5 * x2[0] * d[0] + x2[1] * d[1]) <= 0.9 * Math.abs(slope),
    'α = 1 satisfies the strong Wolfe conditions',
  );
  const before = evaluations;
  opt.step(p, g, closure);
  close(Array.from(p), x2, 'iteration 2');
  assert.equal(evaluations - before, 2, 'one evaluation at the start (no loss given) and one trial');
});

test('lbfgs minimizes the Rosenbrock function to 1e-10 (line search, curvature pairs, memory recycling)', () => {
  const p = new Float64Array([-1.2, 1]);
  const g = new Float64Array(2);
  const closure = () => {
    const [x, y] = p;
    g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
    g[1] = 200 * (y - x * x);
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
  };
  const opt = new LBFGS({ memory: 3 });
  for (let i = 0; i < 200 && !opt.converged; i++) opt.step(p, g, closure);
  assert.ok(
    Math.abs(p[0] - 1) < 1e-10 && Math.abs(p[1] - 1) < 1e-10,
    `ended at (${p[0]}, ${p[1]}) after ${opt.stepCount} iterations`,
  );
  assert.ok(opt.stepCount < 100, `${opt.stepCount} iterations`);
});

test('getOptimizer: every name, defaults from their sources, bad hyper-parameters fail with the value', () => {
  for (const name of optimizerNames) assert.equal(getOptimizer(name).name, name);
  assert.equal(getOptimizer('adam').learningRate, 0.001);
  assert.equal(getOptimizer('sgd').learningRate, 0.01);
  assert.equal(getOptimizer('lbfgs').learningRate, 1);
  const bad: [Parameters<typeof getOptimizer>[0], Record<string, unknown>, RegExp][] = [
    ['sgd', { learningRate: -1 }, /learningRate must be a number > 0, got -1/],
    ['adam', { learningRate: 0 }, /learningRate must be a number > 0, got 0/],
    ['momentum', { momentum: 1 }, /momentum must be .*got 1/],
    ['adam', { beta1: 1.5 }, /beta1 .*got 1.5/],
    ['adam', { beta2: -0.1 }, /beta2 .*got -0.1/],
    ['rmsprop', { epsilon: 0 }, /epsilon must be a number > 0, got 0/],
    ['adamw', { weightDecay: -0.01 }, /weightDecay .*got -0.01/],
    ['lbfgs', { memory: 0 }, /memory must be an integer >= 1, got 0/],
    ['lbfgs', { c2: 0.00001 }, /c2 .*got 0.00001|c2 .*got 0.00001|c2 .*1e-5/],
    ['adam', { learningRate: Number.NaN }, /learningRate .*got NaN$/],
    ['adam', { momentun: 0.9 }, /unknown optimizer option "momentun"/],
  ];
  for (const [name, o, pattern] of bad) {
    assert.throws(
      () => getOptimizer(name, o as never),
      (e: Error) => e instanceof OptionError && pattern.test(e.message),
      `${name} ${JSON.stringify(o)}`,
    );
  }
  assert.throws(
    () => getOptimizer('adamm' as never),
    /unknown optimizer "adamm"; expected one of: sgd, momentum/,
  );
});

test('state() / setState(): a copy continues bit-identically, through JSON', () => {
  for (const name of optimizerNames.filter((n) => n !== 'lbfgs')) {
    const a = getOptimizer(name, { learningRate: 0.01 });
    const p = new Float64Array([0.5, -1.5, 2]);
    a.step(p, new Float64Array([0.2, -0.4, 0.1]));
    const b = getOptimizer(name, { learningRate: 0.01 });
    b.setState(JSON.parse(JSON.stringify(a.state())));
    const q = Float64Array.from(p);
    for (let k = 0; k < 3; k++) {
      const grad = new Float64Array([0.1 * k - 0.1, 0.3, -0.2 * k]);
      a.step(p, grad);
      b.step(q, grad);
    }
    assert.deepEqual(Array.from(q), Array.from(p), name);
    assert.equal(b.stepCount, 4, name);
    if (name !== 'sgd')
      assert.throws(() => getOptimizer('sgd').setState(a.state()), /optimizer state is for/, name);
  }
});
