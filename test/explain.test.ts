// explain(): on synthetic data whose truth is known — y depends on x1 strongly, x2 weakly, x3 not at
// all, on x4·x5 (an interaction) and on a text column — a trained network's permutation importance
// ranks the columns right and x3's interval holds 0; the report's pieces agree with each other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Random,
  applyEncoding,
  explain,
  fitEncoding,
  formatExplainReport,
  partialDependence,
  permutationImportance,
  columnGroups,
  dataset,
  r2Score,
  recordsToTable,
  trainNetwork,
  type Encoding,
  type ExplainReport,
  type Matrix,
  type Network,
} from '../src/index.js';

const CITY_EFFECT: Record<string, number> = { north: 0, south: 1.5, east: -1.5 };

function records(n: number, seed: number) {
  const random = new Random(seed);
  return Array.from({ length: n }, () => {
    const [x1, x2, x3, x4, x5] = [0, 0, 0, 0, 0].map(() => random.normal());
    const city = ['north', 'south', 'east'][random.int(3)];
    const y = 3 * x1 + 0.5 * x2 + 1.5 * x4 * x5 + CITY_EFFECT[city] + 0.1 * random.normal();
    return { x1, x2, x3, x4, x5, city, y };
  });
}

function encoded(encoding: Encoding, n: number, seed: number): { x: Matrix; y: Matrix } {
  const e = applyEncoding(encoding, recordsToTable(records(n, seed), 'synthetic'));
  assert.ok(e.y);
  return { x: e.x, y: e.y };
}

const encoding = fitEncoding(recordsToTable(records(10, 0), 'synthetic'), { target: ['y'] });
const train = encoded(encoding, 2000, 1);
const held = encoded(encoding, 600, 2);
const { network } = trainNetwork(train.x, train.y, { seed: 3, epochs: 300, validationSplit: 0 }); // every row: the baseline is their mean
const report: ExplainReport = explain({ network, encoding }, held, { repeats: 5, seed: 4 });
const importance = report.importance;

test('explain: permutation importance ranks x1 > x4, x5, city > x2 > x3 on held-out rows', () => {
  assert.ok(importance);
  const rank = importance.columns.map((c) => c.column);
  console.log(formatExplainReport(report));
  assert.equal(rank[0], 'x1');
  assert.deepEqual(new Set(rank.slice(1, 4)), new Set(['x4', 'x5', 'city']));
  assert.deepEqual(rank.slice(4), ['x2', 'x3']);
  for (const c of importance.columns.filter((c) => c.column !== 'x3'))
    assert.ok(c.low > 0, `${c.column} matters: interval [${c.low}, ${c.high}] must be above 0`);
});

test("explain: x3's importance interval contains 0", () => {
  const x3 = importance?.columns.find((c) => c.column === 'x3');
  assert.ok(x3);
  assert.ok(x3.low <= 0 && x3.high >= 0, `x3 interval [${x3.low}, ${x3.high}]`);
});

test('explain: importance is in r2 units — the score as given is r2Score, repeats average to the mean', () => {
  assert.ok(importance);
  assert.equal(importance.metric, 'r2');
  const r2 = r2Score(network.predict(held.x), held.y);
  assert.ok(Math.abs(importance.score - r2) < 1e-12, `${importance.score} vs ${r2}`);
  for (const c of importance.columns) {
    const mean = c.repeats.reduce((a, b) => a + b, 0) / c.repeats.length;
    assert.ok(Math.abs(mean - c.mean) < 1e-12 * Math.max(1, Math.abs(mean)), c.column);
    assert.ok(c.low <= c.mean && c.mean <= c.high);
  }
});

test('explain: a text column is shuffled as one (its one-hot inputs together), under its own name', () => {
  const groups = columnGroups(network.inputSize, encoding);
  const city = groups.find((g) => g.name === 'city');
  assert.ok(city);
  assert.deepEqual(city.categories, ['east', 'north', 'south']);
  assert.deepEqual(city.inputs, [5, 6, 7]);
  assert.equal(groups.length, 6);
  // every row the model is shown while city is shuffled is a row a real city produces: exactly one 1
  let shown = 0;
  const spy = Object.create(network) as Network;
  spy.predict = (x) => {
    const m = x as Matrix;
    for (let r = 0; r < m.rows; r++) {
      const hot: number[] = city.inputs.map((i) => m.data[r * m.cols + i]);
      assert.deepEqual([...hot].sort(), [0, 0, 1], `row ${r}: ${hot}`);
    }
    shown += m.rows;
    return network.predict(x);
  };
  const imp = permutationImportance(spy, held.x, held.y, [city], { seed: 9, repeats: 3 });
  assert.equal(shown, 4 * held.x.rows);
  assert.equal(imp.columns[0].column, 'city');
  assert.ok(imp.columns[0].low > 0);
});

test('explain: attributions sum to f(x) − f(baseline) by original column; baseline = training means, most frequent city', () => {
  assert.equal(report.attributions.length, 5);
  for (const r of report.attributions) {
    const total = r.columns.reduce((s, c) => s + c.attribution, 0);
    assert.ok(Math.abs(total - (r.value - r.baselineValue)) <= 1e-6 * Math.abs(r.value - r.baselineValue));
    assert.ok(r.converged);
    assert.deepEqual(
      r.columns.map((c) => c.column),
      ['x1', 'x2', 'x3', 'x4', 'x5', 'city'],
    );
    const predicted = network.predict({
      rows: 1,
      cols: held.x.cols,
      data: held.x.data.slice(r.row * held.x.cols, (r.row + 1) * held.x.cols),
    });
    assert.ok(Math.abs(predicted.data[0] - r.value) < 1e-9, 'f(x) is what predict gives');
  }
  const counts = new Map<string, number>();
  for (const rec of records(2000, 1)) counts.set(rec.city, (counts.get(rec.city) ?? 0) + 1);
  const frequent = [...counts].sort((a, b) => b[1] - a[1])[0][0];
  assert.equal(report.baseline.columns.find((c) => c.column === 'city')?.value, frequent);
  const x1Mean = records(2000, 1).reduce((s, r) => s + r.x1, 0) / 2000;
  const x1 = report.baseline.columns.find((c) => c.column === 'x1')?.value;
  assert.ok(typeof x1 === 'number' && Math.abs(x1 - x1Mean) < 1e-12);
});

test('explain: partial dependence of the top columns follows the truth (slope ≈ 3 for x1, city effects)', () => {
  assert.equal(report.dependence.length, 3);
  const x1 = report.dependence.find((d) => d.column === 'x1');
  assert.ok(x1);
  const g = x1.grid as number[];
  const slope = (x1.average[g.length - 1] - x1.average[0]) / (g[g.length - 1] - g[0]);
  assert.ok(Math.abs(slope - 3) < 0.3, `slope ${slope}`);
  assert.equal(x1.ice.length, 30);
  const city = partialDependence(network, held.x, columnGroups(network.inputSize, encoding)[5]);
  assert.deepEqual(city.grid, ['east', 'north', 'south']);
  const at = (name: string) => city.average[city.grid.indexOf(name)];
  assert.ok(Math.abs(at('south') - at('north') - 1.5) < 0.3, `south − north ${at('south') - at('north')}`);
  assert.ok(Math.abs(at('east') - at('north') + 1.5) < 0.3, `east − north ${at('east') - at('north')}`);
});

test('explain: options are validated with the bad value named', () => {
  assert.throws(() => explain({ network, encoding }, held, { rows: [600] }), /rows\[0\]/);
  assert.throws(() => explain({ network, encoding }, held, { repeats: 0 }), /repeats/);
  assert.throws(
    () => explain({ network, encoding }, held, { metric: 'f1' as 'r2' }),
    /metric must be one of/,
  );
  assert.throws(() => explain({ network, encoding }, held, { attributeTo: 'p' as 'logit' }), /attributeTo/);
});

test('explain on a multiclass model: each row attributed on its predicted class, accuracy importance, curves of one class', () => {
  const table = dataset('gaussians', { n: 300, seed: 2 }).table;
  const enc = fitEncoding(table, { target: ['label'] });
  const { x, y } = applyEncoding(enc, table);
  assert.ok(y);
  const { network: net } = trainNetwork(x, y, { seed: 1, epochs: 100 });
  const r = explain({ network: net, encoding: enc }, { x, y }, { rows: [0, 1, 2] });
  assert.equal(r.explained, 'P(label = the predicted class)');
  assert.equal(r.importance?.metric, 'accuracy');
  const predicted = net.predict(x);
  for (const a of r.attributions) {
    const p = Array.from(predicted.data.slice(a.row * 3, a.row * 3 + 3));
    assert.equal(a.unit, p.indexOf(Math.max(...p)));
    assert.ok(Math.abs(a.value - p[a.unit]) < 1e-12);
    assert.ok(a.converged);
  }
  assert.match(r.curvesOf, /^P\(label = [ABC]\)$/);
  const logit = explain({ network: net, encoding: enc }, { x }, { rows: [0], attributeTo: 'logit', unit: 2 });
  assert.equal(logit.explained, 'logit of P(label = C)');
  assert.equal(logit.importance, null);
  assert.equal(logit.attributions[0].unit, 2);
});

test('the text report numbers rows as explain counts them (from 0), or from firstRow', () => {
  const one = explain({ network, encoding }, { x: held.x }, { rows: [3], top: 0 });
  assert.match(formatExplainReport(one), /^ {2}row 3: /m);
  assert.match(formatExplainReport(one, { firstRow: 1 }), /^ {2}row 4: /m);
});

test('several regression targets: the importance is that of the explained target (unit), as the attributions', () => {
  const random = new Random(9);
  const x = Array.from({ length: 300 }, () => [random.normal(), random.normal()]);
  const y = x.map(([p, q]) => [p + 3 * q, p * p]); // t2 does not use q
  const { network: net } = trainNetwork(x, y, { seed: 1, epochs: 300, validationSplit: 0 });
  const model = { network: net, inputNames: ['p', 'q'] };
  const second = explain(model, { x, y }, { unit: 1, top: 0, rows: [0] });
  assert.equal(second.importance?.target, 1);
  const q = second.importance?.columns.find((c) => c.column === 'q');
  const p = second.importance?.columns.find((c) => c.column === 'p');
  assert.ok(q && p && q.mean < 0.05 * p.mean, `t2: q ${q?.mean} against p ${p?.mean}`);
  assert.match(formatExplainReport(second), /^Permutation importance for /);
  const first = explain(model, { x, y }, { top: 0, rows: [0] });
  assert.equal(first.importance?.target, 0);
  const q0 = first.importance?.columns.find((c) => c.column === 'q');
  assert.ok(q0 && q0.mean > 0.5, `t1: q ${q0?.mean}`);
});
