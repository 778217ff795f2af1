// gradCheck(network, x, y, options): misses no bug (18 deliberately broken layers, activations,
// losses and penalties, each named in the report), restores the network exactly, reports kinks
// instead of failing on the seed's network before and after training, and is fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Dense,
  Network,
  OptionError,
  Random,
  fit,
  formatGradCheckReport,
  getActivation,
  gradCheck,
  toMatrix,
  type Activation,
  type GradCheckReport,
  type Layer,
  type Loss,
  type LossName,
  type Matrix,
  type Parameter,
  type Regularizer,
} from '../src/index.js';

// ---------------------------------------------------------------------------------------------
// A hand-written dense layer (out = f(input · weight + bias)) implementing the Layer interface,
// with one optional bug in its backward pass.

type LayerBug =
  | 'none'
  | 'weightSign'
  | 'weightTransposed'
  | 'wrongActivationDerivative'
  | 'biasNotSummed'
  | 'weightOffByBatch'
  | 'leakySlopeWrongSide'
  | 'inputSkipsActivation'
  | 'biasMissing'
  | 'weightOffByPermille';
type HandActivation = 'tanh' | 'sigmoid' | 'leakyRelu';

class HandDense implements Layer {
  readonly type = 'handDense';
  readonly parameters: Parameter[];
  readonly activation?: Activation;
  private input: Matrix | null = null;
  private z = new Float64Array(0); // [N×O]
  private out = new Float64Array(0); // [N×O]
  private dZ = new Float64Array(0); // [N×O]

  constructor(
    readonly inputSize: number,
    readonly outputSize: number,
    private readonly act: HandActivation,
    private readonly bug: LayerBug,
    random: Random,
    options: { declareKinks?: boolean; zeroBias?: boolean } = {},
  ) {
    const weight = Float64Array.from(
      { length: inputSize * outputSize },
      () => random.normal() / Math.sqrt(inputSize),
    );
    const bias = Float64Array.from({ length: outputSize }, () =>
      options.zeroBias ? 0 : 0.1 * random.normal(),
    );
    this.parameters = [
      {
        name: 'weight',
        shape: [inputSize, outputSize],
        value: weight,
        grad: new Float64Array(weight.length),
        regularize: true,
      },
      {
        name: 'bias',
        shape: [outputSize],
        value: bias,
        grad: new Float64Array(outputSize),
        regularize: false,
      },
    ];
    // declared for its kinks (leakyRelu: 0); the math below is our own
    if (options.declareKinks ?? true) this.activation = getActivation(act);
  }

  private f(z: number): number {
    if (this.act === 'tanh') return Math.tanh(z);
    if (this.act === 'sigmoid') return 1 / (1 + Math.exp(-z));
    return z > 0 ? z : 0.01 * z;
  }

  /** f'(z) given a = f(z), with the activation bugs */
  private df(z: number, a: number): number {
    if (this.bug === 'wrongActivationDerivative') return 1 - a * a; // tanh's derivative on a sigmoid layer
    if (this.act === 'tanh') return 1 - a * a;
    if (this.act === 'sigmoid') return a * (1 - a);
    if (this.bug === 'leakySlopeWrongSide') return z > 0 ? 0.01 : 1;
    return z > 0 ? 1 : 0.01;
  }

  forward(input: Matrix): Matrix {
    const N = input.rows,
      I = this.inputSize,
      O = this.outputSize;
    const [w, b] = this.parameters.map((p) => p.value); // read every time: the network re-points them
    if (this.z.length !== N * O) {
      this.z = new Float64Array(N * O);
      this.out = new Float64Array(N * O);
      this.dZ = new Float64Array(N * O);
    }
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < O; o++) {
        let s = b[o];
        for (let i = 0; i < I; i++) s += input.data[n * I + i] * w[i * O + o];
        this.z[n * O + o] = s;
        this.out[n * O + o] = this.f(s);
      }
    }
    this.input = input;
    return { rows: N, cols: O, data: this.out };
  }

  preActivation(): Matrix {
    return { rows: this.input!.rows, cols: this.outputSize, data: this.z };
  }

  backward(dOutput: Matrix, inputGradient: boolean): Matrix | null {
    for (let k = 0; k < this.z.length; k++) this.dZ[k] = dOutput.data[k] * this.df(this.z[k], this.out[k]);
    return this.fromPreActivation(this.dZ, dOutput.data, inputGradient);
  }

  backwardFromPreActivation(dPre: Matrix, inputGradient: boolean): Matrix | null {
    return this.fromPreActivation(dPre.data, dPre.data, inputGradient);
  }

  private fromPreActivation(
    dZ: ArrayLike<number>,
    dOut: ArrayLike<number>,
    inputGradient: boolean,
  ): Matrix | null {
    const x = this.input!;
    const N = x.rows,
      I = this.inputSize,
      O = this.outputSize;
    const [weight, bias] = this.parameters;
    const dW = weight.grad,
      dB = bias.grad;
    for (let i = 0; i < I; i++) {
      for (let o = 0; o < O; o++) {
        let s = 0;
        for (let n = 0; n < N; n++) s += x.data[n * I + i] * dZ[n * O + o];
        if (this.bug === 'weightSign') s = -s;
        if (this.bug === 'weightOffByBatch') s /= N;
        if (this.bug === 'weightOffByPermille') s *= 1.001; // below PyTorch gradcheck's rtol of 1e-3
        if (this.bug === 'weightTransposed')
          dW[o * I + i] = s; // [O×I] written into an [I×O] buffer
        else dW[i * O + o] = s;
      }
    }
    for (let o = 0; o < O; o++) {
      let s = 0;
      for (let n = 0; n < (this.bug === 'biasNotSummed' ? 1 : N); n++) s += dZ[n * O + o];
      dB[o] = this.bug === 'biasMissing' ? 0 : s;
    }
    if (!inputGradient) return null;
    const dSource = this.bug === 'inputSkipsActivation' ? dOut : dZ;
    const dInput = new Float64Array(N * I);
    for (let n = 0; n < N; n++) {
      for (let i = 0; i < I; i++) {
        let s = 0;
        for (let o = 0; o < O; o++) s += dSource[n * O + o] * weight.value[i * O + o];
        dInput[n * I + i] = s;
      }
    }
    return { rows: N, cols: I, data: dInput };
  }

  config(): Record<string, unknown> {
    return { type: this.type, inputSize: this.inputSize, outputSize: this.outputSize, activation: this.act };
  }

  toString(): string {
    return `HandDense(${this.inputSize} → ${this.outputSize}, ${this.act}${this.bug === 'none' ? '' : `, bug: ${this.bug}`})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Broken losses and penalties, written against the Loss and Regularizer interfaces.

function brokenMseSign(): Loss {
  return {
    name: 'mseWrongSign' as LossName,
    spec: 'mse',
    kind: 'regression',
    kinks: () => [],
    value(p, t, rows, cols) {
      let s = 0;
      for (let i = 0; i < rows * cols; i++) s += (p[i] - t[i]) ** 2;
      return s / (rows * cols);
    },
    gradient(dP, p, t, rows, cols) {
      for (let i = 0; i < rows * cols; i++) dP[i] = (2 * (t[i] - p[i])) / (rows * cols); // sign flipped
    },
  };
}

/** Huber with δ = 0.1 whose gradient forgets to clip: (p − t)/n everywhere. */
function brokenHuberUnclipped(): Loss {
  const delta = 0.1;
  return {
    name: 'huberUnclipped' as LossName,
    spec: 'huber',
    kind: 'regression',
    kinks: (t) => [t - delta, t + delta],
    value(p, t, rows, cols) {
      let s = 0;
      for (let i = 0; i < rows * cols; i++) {
        const d = Math.abs(p[i] - t[i]);
        s += d <= delta ? 0.5 * d * d : delta * (d - 0.5 * delta);
      }
      return s / (rows * cols);
    },
    gradient(dP, p, t, rows, cols) {
      for (let i = 0; i < rows * cols; i++) dP[i] = (p[i] - t[i]) / (rows * cols);
    },
  };
}

/** Binary cross-entropy from logits whose gradient misses the 1/n of the mean. */
function brokenCrossEntropyNoMean(): Loss {
  return {
    name: 'crossEntropyNoMean' as LossName,
    spec: 'binaryCrossEntropy',
    kind: 'classification',
    logitsOf: 'sigmoid',
    kinks: () => [],
    value(z, t, rows, cols) {
      let s = 0;
      for (let i = 0; i < rows * cols; i++)
        s += Math.max(z[i], 0) - z[i] * t[i] + Math.log1p(Math.exp(-Math.abs(z[i])));
      return s / (rows * cols);
    },
    gradient(dZ, z, t, rows, cols) {
      for (let i = 0; i < rows * cols; i++) dZ[i] = 1 / (1 + Math.exp(-z[i])) - t[i];
    },
  };
}

function regularizer(
  name: string,
  lambda: number,
  kinks: number[],
  value: (w: number) => number,
  gradient: (w: number) => number,
  costScale: number,
  gradientScale: number,
): Regularizer {
  return {
    name,
    lambda,
    kinks,
    penalty(weight, m) {
      let s = 0;
      for (const w of weight) s += value(w);
      return (costScale * lambda * s) / m;
    },
    addGradient(dWeight, weight, m) {
      for (let i = 0; i < weight.length; i++)
        dWeight[i] += (gradientScale * lambda * gradient(weight[i])) / m;
    },
  };
}

// ---------------------------------------------------------------------------------------------

const random = new Random(2024);
const X = toMatrix(Array.from({ length: 6 }, () => [random.normal(), random.normal(), random.normal()]));
const Y = toMatrix(Array.from({ length: 6 }, () => [random.normal(), random.normal()]));
const Y01 = toMatrix(Array.from({ length: 6 }, () => [random.int(2), random.int(2)]));

/** [3 → 5 tanh] → middle (5 → 4) → [4 → 2 linear]: a bug in the middle layer must be traced to layer 1. */
function sandwich(
  middle: Layer,
  options: { loss?: Loss; regularizers?: Regularizer[]; output?: 'linear' | 'sigmoid' } = {},
): Network {
  const r = new Random(5);
  return new Network({
    layers: [
      new Dense(3, 5, r, { activation: 'tanh' }),
      middle,
      new Dense(4, 2, r, { activation: options.output ?? 'linear' }),
    ],
    loss: options.loss ?? 'mse',
    regularizers: options.regularizers,
    onWarning: () => {},
  });
}

function explain(report: GradCheckReport): string {
  return `\n${formatGradCheckReport(report)}`;
}

test('gradCheck passes a correct hand-written layer (the broken ones below differ from it by one bug)', () => {
  for (const act of ['tanh', 'sigmoid', 'leakyRelu'] as const) {
    const net = sandwich(new HandDense(5, 4, act, 'none', new Random(9)), {
      regularizers: [
        regularizer(
          'l2',
          0.1,
          [],
          (w) => 0.5 * w * w,
          (w) => w,
          1,
          1,
        ),
      ],
    });
    const report = gradCheck(net, X, Y);
    assert.equal(report.verdict, 'pass', explain(report));
  }
});

const layerBugs: { bug: LayerBug; act: HandActivation; kind: string }[] = [
  { bug: 'weightSign', act: 'tanh', kind: 'weight' },
  { bug: 'weightTransposed', act: 'tanh', kind: 'weight' },
  { bug: 'wrongActivationDerivative', act: 'sigmoid', kind: 'weight' },
  { bug: 'biasNotSummed', act: 'tanh', kind: 'bias' },
  { bug: 'weightOffByBatch', act: 'tanh', kind: 'weight' },
  { bug: 'leakySlopeWrongSide', act: 'leakyRelu', kind: 'weight' },
  { bug: 'inputSkipsActivation', act: 'tanh', kind: 'input' },
  { bug: 'biasMissing', act: 'sigmoid', kind: 'bias' },
  { bug: 'weightOffByPermille', act: 'tanh', kind: 'weight' },
];

for (const { bug, act, kind } of layerBugs) {
  test(`gradCheck fails a layer with bug "${bug}" and names layer 1 and its ${kind} gradient`, () => {
    const net = sandwich(new HandDense(5, 4, act, bug, new Random(9)));
    const report = gradCheck(net, X, Y);
    assert.equal(report.verdict, 'fail', explain(report));
    const layerSuspects = report.suspects.filter((s) => s.component === 'layer');
    assert.ok(
      layerSuspects.some((s) => s.layer === 1 && s.kind === kind && s.name === 'handDense'),
      explain(report),
    );
    assert.ok(
      layerSuspects.every((s) => s.layer === 1),
      `only layer 1 is broken, yet:${explain(report)}`,
    );
    assert.ok(
      !report.suspects.some((s) => s.component === 'loss' || s.component === 'penalty'),
      explain(report),
    );
    assert.match(report.summary, /layer 1 \(handDense\)/);
    assert.match(
      formatGradCheckReport(report),
      new RegExp(`layer 1 \\(handDense\\).*${kind === 'input' ? 'input' : kind}`),
    );
  });
}

/** A layer without parameters that couples the rows of a batch: out = x − (mean of x over the batch). */
class Center implements Layer {
  readonly type = 'center';
  readonly parameters: Parameter[] = [];
  private rows = 0;
  constructor(
    readonly inputSize: number,
    private readonly forgetMean: boolean,
  ) {}
  get outputSize(): number {
    return this.inputSize;
  }
  forward(input: Matrix): Matrix {
    this.rows = input.rows;
    return {
      rows: input.rows,
      cols: this.inputSize,
      data: subtractColumnMeans(input.data, input.rows, this.inputSize),
    };
  }
  backward(dOutput: Matrix, inputGradient: boolean): Matrix | null {
    if (!inputGradient) return null;
    // ∂/∂x of x − mean(x) is I − 1/N: the gradient also loses its column means (the bug forgets that)
    const data = this.forgetMean
      ? Float64Array.from(dOutput.data)
      : subtractColumnMeans(dOutput.data, this.rows, this.inputSize);
    return { rows: this.rows, cols: this.inputSize, data };
  }
  config(): Record<string, unknown> {
    return { type: this.type, inputSize: this.inputSize };
  }
  toString(): string {
    return `Center(${this.inputSize})`;
  }
}

function subtractColumnMeans(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = Float64Array.from(a);
  for (let c = 0; c < cols; c++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += a[r * cols + c] / rows;
    for (let r = 0; r < rows; r++) out[r * cols + c] -= mean;
  }
  return out;
}

test('a parameter-free layer that couples the rows of a batch: correct passes, one missing term fails as its input gradient', () => {
  const build = (forgetMean: boolean) => {
    const r = new Random(6);
    return new Network({
      layers: [new Dense(3, 4, r, { activation: 'tanh' }), new Center(4, forgetMean), new Dense(4, 2, r)],
      onWarning: () => {},
    });
  };
  const correct = gradCheck(build(false), X, Y);
  assert.equal(correct.verdict, 'pass', explain(correct));
  const broken = gradCheck(build(true), X, Y);
  assert.equal(broken.verdict, 'fail', explain(broken));
  assert.deepEqual(
    broken.suspects.map((s) => [s.component, s.layer, s.kind]),
    [['layer', 1, 'input']],
    explain(broken),
  );
  assert.match(broken.summary, /layer 1 \(center\): the gradient it passes to its input disagrees/);
});

test("gradCheck fails a user-written activation whose derivative is another function's, inside the library's Dense", () => {
  const softplus = getActivation('softplus');
  const broken: Activation = {
    ...softplus,
    backward(dZ, dA, _z, a, rows, cols) {
      for (let i = 0; i < rows * cols; i++) dZ[i] = dA[i] * (1 - Math.tanh(a[i]) ** 2); // tanh' instead of σ
    },
  };
  const net = sandwich(new Dense(5, 4, new Random(3), { activation: broken }));
  const report = gradCheck(net, X, Y);
  assert.equal(report.verdict, 'fail', explain(report));
  assert.ok(
    report.suspects.some((s) => s.component === 'layer' && s.layer === 1 && s.kind === 'weight'),
    explain(report),
  );
  assert.ok(
    report.suspects.every((s) => s.component !== 'layer' || s.layer === 1),
    explain(report),
  );
});

const lossBugs: { name: string; loss: () => Loss; y: Matrix; output?: 'sigmoid' }[] = [
  { name: 'mseWrongSign', loss: brokenMseSign, y: Y },
  { name: 'huberUnclipped', loss: brokenHuberUnclipped, y: Y },
  { name: 'crossEntropyNoMean', loss: brokenCrossEntropyNoMean, y: Y01, output: 'sigmoid' },
];

for (const { name, loss, y, output } of lossBugs) {
  test(`gradCheck fails the broken loss ${name} and names the loss, not a layer`, () => {
    const net = sandwich(new HandDense(5, 4, 'tanh', 'none', new Random(9)), { loss: loss(), output });
    const report = gradCheck(net, X, y);
    assert.equal(report.verdict, 'fail', explain(report));
    assert.equal(report.suspects[0]?.component, 'loss', explain(report));
    assert.equal(report.suspects[0].name, name);
    assert.ok(!report.suspects.some((s) => s.component === 'layer'), explain(report));
    assert.match(report.summary, new RegExp(`loss ${name}`));
  });
}

const penaltyBugs: { name: string; make: () => Regularizer }[] = [
  // cost (λ/2m)·Σw², nothing in the gradient
  {
    name: 'decayNotInGradient',
    make: () =>
      regularizer(
        'decayNotInGradient',
        0.5,
        [],
        (w) => 0.5 * w * w,
        () => 0,
        1,
        1,
      ),
  },
  // the seed's: cost (λ/2m)·Σw, gradient (λ/m)·w
  {
    name: 'seedDecay',
    make: () =>
      regularizer(
        'seedDecay',
        0.5,
        [],
        (w) => 0.5 * w,
        (w) => w,
        1,
        1,
      ),
  },
  // L1 whose gradient forgets the 1/m: λ·sign(w)
  { name: 'l1NoMean', make: () => regularizer('l1NoMean', 0.3, [0], Math.abs, Math.sign, 1, 6) },
  // L2 whose cost forgets the ½: (λ/m)·Σw², gradient (λ/m)·w
  {
    name: 'l2NoHalf',
    make: () =>
      regularizer(
        'l2NoHalf',
        0.2,
        [],
        (w) => w * w,
        (w) => w,
        1,
        1,
      ),
  },
];

for (const { name, make } of penaltyBugs) {
  test(`gradCheck fails the broken penalty ${name}, checked alone, and names it`, () => {
    const net = sandwich(new HandDense(5, 4, 'tanh', 'none', new Random(9)), { regularizers: [make()] });
    const report = gradCheck(net, X, Y);
    assert.equal(report.verdict, 'fail', explain(report));
    assert.ok(
      report.suspects.some((s) => s.component === 'penalty' && s.name === name),
      explain(report),
    );
    assert.ok(
      !report.suspects.some((s) => s.component === 'layer' || s.component === 'loss'),
      explain(report),
    );
    const term = report.terms.find((t) => t.term === name)!;
    assert.ok(term.failed > 0 && report.terms.find((t) => t.term === 'data')!.failed === 0, explain(report));
  });
}

// ---------------------------------------------------------------------------------------------
// The seed scenario: [1, 64, 1], leaky ReLU on every layer (output too), mse, L2 decay 1e-8, 201 points.

const seedX = Array.from({ length: 201 }, (_, i) => [i / 200]);
const seedY = seedX.map(([v]) => [v * v]);

function seedNetwork(seed: number, regularizers?: Regularizer[]): Network {
  return new Network({
    layers: [1, 64, 1],
    activation: 'leakyRelu',
    output: 'leakyRelu',
    init: 'heNormal',
    loss: 'mse',
    weightDecay: 1e-8,
    regularizers,
    seed,
    onWarning: () => {},
  });
}

test('the seed scenario: 20 seeds, before and after training, always the same verdict; kinks reported, not failed', (t) => {
  const verdicts = new Set<string>();
  let withKinks = 0;
  const textbook: number[] = [],
    textbookJudged: number[] = [];
  for (let seed = 1; seed <= 20; seed++) {
    const net = seedNetwork(seed);
    const reports = [gradCheck(net, seedX, seedY, { seed })];
    fit(net, seedX, seedY, { optimizer: 'sgd', learningRate: 1e-3, epochs: 300 });
    reports.push(gradCheck(net, seedX, seedY, { seed }));
    for (const r of reports) {
      verdicts.add(r.verdict);
      textbook.push(r.terms[2].textbook);
      textbookJudged.push(r.terms[2].textbookJudged);
      if (r.setAside.kinks > 0) {
        withKinks++;
        assert.ok(
          r.setAside.bySource.some((s) => /^layer [01] leakyRelu$/.test(s.source)),
          explain(r),
        );
        assert.match(formatGradCheckReport(r), /set aside .*kink/);
      }
      assert.equal(r.terms.length, 3, 'data, l2 and total are checked');
      assert.equal(r.parameters.checked, 193);
    }
  }
  const range = (v: number[]) => `${Math.min(...v).toExponential(1)}..${Math.max(...v).toExponential(1)}`;
  t.diagnostic(
    `seed scenario: verdicts ${[...verdicts].join(', ')}; ${withKinks} of 40 checks set entries aside at kinks; ` +
      `textbook ‖a−n‖/(‖a‖+‖n‖) of the total ${range(textbook)} over all entries, ${range(textbookJudged)} over judged ones`,
  );
  assert.deepEqual([...verdicts], ['pass']);
  // at initialization x = 0 puts every hidden pre-activation exactly at the kink (biases start at 0)
  assert.ok(withKinks >= 20, `only ${withKinks} of 40 checks crossed a kink`);
});

test("the seed's own penalty bug (Σw in the cost, (λ/m)·w in the gradient) fails at λ = 1e-8, named as the penalty", () => {
  const seedDecay = regularizer(
    'seedDecay',
    1e-8,
    [],
    (w) => 0.5 * w,
    (w) => w,
    1,
    1,
  );
  const net = new Network({
    layers: [1, 64, 1],
    activation: 'leakyRelu',
    output: 'leakyRelu',
    init: 'heNormal',
    regularizers: [seedDecay],
    seed: 3,
    onWarning: () => {},
  });
  const report = gradCheck(net, seedX, seedY);
  assert.equal(report.verdict, 'fail', explain(report));
  assert.equal(report.suspects[0].component, 'penalty');
  assert.equal(report.suspects[0].name, 'seedDecay');
  // mixed into the total, its error is invisible next to the data gradient: why each term is checked alone
  assert.ok(report.terms.find((t) => t.term === 'total')!.failed === 0, explain(report));
});

test('checking [1, 64, 1] on 201 points takes well under a second', (t) => {
  const net = seedNetwork(1);
  gradCheck(net, seedX, seedY); // warm up
  const started = performance.now();
  const report = gradCheck(net, seedX, seedY);
  const seconds = (performance.now() - started) / 1000;
  assert.equal(report.parameters.checked, 193);
  assert.equal(report.inputs.checked, 201);
  t.diagnostic(
    `gradCheck of [1, 64, 1] on 201 points: ${(1000 * seconds).toFixed(0)} ms for ${report.parameters.checked} parameters ` +
      `and ${report.inputs.checked} inputs, ${report.terms.length} terms`,
  );
  assert.ok(seconds < 1, `took ${seconds} s`);
});

// ---------------------------------------------------------------------------------------------
// Contract: restores exactly, leaves grads = total gradient, reports plainly, validates options.

test('gradCheck restores every parameter bit for bit and leaves grads holding the total gradient', () => {
  const net = new Network({ layers: [3, 7, 2], activation: 'gelu', weightDecay: 0.3, l1: 0.1, seed: 4 });
  const before = Float64Array.from(net.params);
  const xs = Array.from({ length: 9 }, (_, i) => [Math.sin(i), Math.cos(i), i / 9]);
  const ys = xs.map(([a, b]) => [a * b, a - b]);
  const report = gradCheck(net, xs, ys);
  assert.equal(report.verdict, 'pass', explain(report));
  assert.ok(report.restored && report.deterministic);
  assert.ok(net.params.every((v, i) => Object.is(v, before[i])));
  const grads = Float64Array.from(net.grads);
  net.computeGradient(toMatrix(xs), toMatrix(ys));
  assert.deepEqual(Array.from(grads), Array.from(net.grads));
  assert.deepEqual(xs[0], [Math.sin(0), Math.cos(0), 0], "the caller's x is not modified");
});

test('a kink nobody declared is set aside as unstable, not failed — and a bug beside it still fails', () => {
  // leaky ReLU without `activation`: the checker cannot watch its kink. Rows of zeros with zero
  // biases put pre-activations exactly on it, so every bias step straddles it symmetrically.
  const x = toMatrix([
    [0, 0, 0],
    [0, 0, 0],
    [1, -2, 0.5],
    [0.3, 0.7, -1],
    [-1, 0.2, 0.4],
    [2, 1, -0.5],
  ]);
  const y = toMatrix(Array.from({ length: 6 }, (_, i) => [Math.sin(i), Math.cos(i)]));
  const build = (bug: LayerBug) =>
    new Network({
      layers: [
        new HandDense(3, 4, 'leakyRelu', bug, new Random(1), { declareKinks: false, zeroBias: true }),
        new Dense(4, 2, new Random(2)),
      ],
      onWarning: () => {},
    });
  const correct = gradCheck(build('none'), x, y);
  assert.equal(correct.verdict, 'pass', explain(correct));
  assert.ok(correct.terms[0].unstable >= 4 && correct.setAside.kinks === 0, explain(correct));
  const broken = gradCheck(build('weightSign'), x, y);
  assert.equal(broken.verdict, 'fail', explain(broken));
  assert.ok(
    broken.suspects.some((s) => s.layer === 0 && s.kind === 'weight'),
    explain(broken),
  );
});

test('the report is plain JSON and the text form names the verdict, terms, layers and tolerances', () => {
  const net = new Network({ layers: [2, 4, 1], activation: 'relu', l1: 0.01, seed: 8 });
  const report = gradCheck(
    net,
    [
      [0.5, -1],
      [2, 0.25],
      [-1, 1],
    ],
    [[1], [0], [2]],
  );
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
  assert.deepEqual(
    report.terms.map((t) => t.term),
    ['data', 'l1', 'total'],
  );
  assert.ok(['pass', 'fail', 'inconclusive'].includes(report.verdict));
  const text = formatGradCheckReport(report);
  for (const word of [
    'gradient check: PASS',
    'data',
    'l1',
    'total',
    'weight',
    'bias',
    'input',
    'tolerance',
    'step',
    '‖a−n‖/(‖a‖+‖n‖)',
  ]) {
    assert.ok(text.includes(word), `missing "${word}" in:\n${text}`);
  }
});

test('sampling: a large network is checked on a seeded sample that covers every buffer, and the count is stated', () => {
  const net = new Network({ layers: [30, 40, 40, 3], activation: 'tanh', seed: 2 });
  const rows = Array.from({ length: 5 }, (_, r) =>
    Array.from({ length: 30 }, (_, c) => Math.sin(r * 30 + c)),
  );
  const ys = rows.map((row) => [row[0], row[1], row[2]]);
  const a = gradCheck(net, rows, ys, { maxParameters: 60, maxInputs: 10, seed: 7 });
  const b = gradCheck(net, rows, ys, { maxParameters: 60, maxInputs: 10, seed: 7 });
  assert.equal(a.verdict, 'pass', explain(a));
  assert.ok(a.parameters.sampled && a.parameters.checked < 100 && a.parameters.total === net.params.length);
  assert.equal(a.inputs.checked, 10);
  const c = gradCheck(net, rows, ys, { maxParameters: 60, maxExamples: 3, seed: 7 });
  assert.deepEqual(c.examples, { total: 5, checked: 3, sampled: true });
  assert.equal(c.inputs.total, 90);
  assert.match(formatGradCheckReport(c), /3 of 5 examples \(seeded sample\)/);
  const buffers = new Set(
    a.groups.filter((g) => g.term === 'data' && g.kind !== 'input').map((g) => `${g.layer}:${g.kind}`),
  );
  assert.equal(buffers.size, 6, 'every weight and bias buffer is represented');
  assert.deepEqual(a.terms, b.terms, 'same seed, same sample');
  assert.match(formatGradCheckReport(a), /of \d+ parameters \(seeded sample, seed 7\)/);
});

test('a step that crosses a kink is retried at h/100 and judged when the smaller step does not', () => {
  const net = new Network({ layers: [1, 1], output: 'relu', onWarning: () => {} });
  net.params.set([1, 5e-7]); // z = 1·x + 5e-7: the bias step ±1e-6 crosses 0, ±1e-8 does not
  const report = gradCheck(net, [[0], [0]], [[1], [2]]);
  assert.equal(report.verdict, 'pass', explain(report));
  assert.equal(report.setAside.kinks, 0);
  assert.equal(report.step.smallest, 1e-8);
  assert.equal(report.groups.find((g) => g.term === 'data' && g.kind === 'bias')!.judged, 1);
});

test('inconclusive when most entries sit on kinks: mae with every prediction exactly on its target', () => {
  const net = new Network({ layers: [2, 1], loss: 'mae', init: 'zeros', seed: 1 });
  const report = gradCheck(
    net,
    [
      [1, 2],
      [3, -1],
    ],
    [[0], [0]],
    { inputs: false },
  );
  assert.equal(report.verdict, 'inconclusive', explain(report));
  assert.deepEqual(report.setAside.bySource, [{ source: 'loss mae', entries: 3 }]);
  assert.match(report.summary, /^inconclusive: 100% of the entries/);
});

test('gradCheck validates its arguments with the bad value in the message', () => {
  const net = new Network({ layers: [1, 2, 1] });
  assert.throws(
    () => gradCheck(net, [[1]], [[1]], { epsilon: -1 }),
    (e: unknown) => e instanceof OptionError && /epsilon.*-1/.test(e.message),
  );
  assert.throws(() => gradCheck(net, [[1]], [[1]], { tolerance: 2 }), /tolerance.*2/);
  assert.throws(() => gradCheck(net, [[1]], [[1]], { maxParameters: 0.5 }), /maxParameters.*0\.5/);
  assert.throws(() => gradCheck(net, [[1, 2]], [[1]]), /x has 2 columns/);
  assert.throws(() => gradCheck(net, [[1], [2]], [[1]]), /x has 2 rows but y has 1/);
  assert.throws(
    () => gradCheck(net, [[1]], [[1]], { eps: 1e-6 } as object),
    /unknown gradCheck option "eps"; expected one of: epsilon/,
  );
  assert.throws(
    () => gradCheck(net, [[1]], [[1]], { inputs: 'yes' as unknown as boolean }),
    /inputs must be true or false, got "yes"/,
  );
  const f32 = new Network({ layers: [1, 2, 1], dtype: 'float32' });
  assert.throws(() => gradCheck(f32, [[1]], [[1]]), /float64/);
});
