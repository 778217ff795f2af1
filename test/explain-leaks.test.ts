// findSuspectColumns(): a planted target leak (a column equal to the target plus noise) is named in a
// doctor finding; the same data without it gives no finding; an id-like column is named as one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Random,
  columnGroups,
  diagnose,
  explain,
  findSuspectColumns,
  permutationImportance,
  toMatrix,
  trainNetwork,
  type Finding,
} from '../src/index.js';

const names = ['size', 'age', 'rooms', 'leak'];

/** price from size, age and rooms; leak = price + a little noise. */
function data(n: number, seed: number, withLeak: boolean) {
  const random = new Random(seed);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const [size, age, rooms] = [random.normal(), random.normal(), random.normal()];
    const price = 2 * size - age + 0.5 * Math.tanh(rooms) + 0.3 * random.normal();
    x.push(withLeak ? [size, age, rooms, price + 0.05 * random.normal()] : [size, age, rooms]);
    y.push([price]);
  }
  return { x: toMatrix(x), y: toMatrix(y) };
}

function findings(withLeak: boolean): Finding[] {
  const train = data(800, 1, withLeak);
  const held = data(300, 2, withLeak);
  const { network } = trainNetwork(train.x, train.y, { seed: 3, epochs: 200 });
  const inputNames = names.slice(0, network.inputSize);
  const report = explain({ network, inputNames }, held, { rows: [] });
  assert.ok(report.importance);
  return findSuspectColumns(report.importance, held, {
    groups: columnGroups(network.inputSize, undefined, inputNames),
  });
}

test('findSuspectColumns: a planted target leak is flagged by name, with the fix leaving it out', () => {
  const found = findings(true);
  assert.equal(found.length, 1, JSON.stringify(found));
  const f = found[0];
  assert.equal(f.rule, 'target-leak');
  assert.equal(f.severity, 'warning');
  assert.match(f.observed, /column "leak" carries \d+% of the permutation importance/);
  assert.match(f.observed, /alone explains (9\d|100)% of the target's variance/);
  assert.match(f.fix, /train without it$/);
  assert.deepEqual(f.fixOptions, { dropFeatures: ['leak'] });
  assert.ok(f.why.length > 20);
  assert.ok((f.evidence?.share ?? 0) >= 0.8 && (f.evidence?.alone ?? 0) >= 0.95, JSON.stringify(f.evidence));
});

test('findSuspectColumns: no finding on the same data without the leak', () => {
  assert.deepEqual(findings(false), []);
});

test('findSuspectColumns: an id column the model leans on is named as an id (plain matrices, default names)', () => {
  // rows sorted by target, and the id is the row number squared: the order leaks the target, yet
  // the id is no straight-line copy of it
  const random = new Random(5);
  const rows = Array.from({ length: 600 }, () => random.normal()).sort((a, b) => a - b);
  const x = toMatrix(rows.map((t, i) => [random.normal(), (i - 300) ** 3]));
  const y = toMatrix(rows.map((t) => [Math.exp(t)]));
  const { network } = trainNetwork(x, y, { seed: 1, epochs: 200 });
  const importance = permutationImportance(network, x, y, columnGroups(2), { seed: 2 });
  assert.equal(importance.columns[0].column, 'x2');
  const found = findSuspectColumns(importance, { x, y });
  assert.equal(found.length, 1, JSON.stringify(importance.columns));
  assert.match(
    found[0].observed,
    /column "x2" .* looks like a row id \(100% of its values are distinct integers\)/,
  );
  assert.deepEqual(found[0].fixOptions, { dropFeatures: ['x2'] });
});

test('findSuspectColumns: needs a clear share (≥ 80% by default) and an interval above 0', () => {
  const x = toMatrix([
    [1, 2],
    [2, 1],
    [3, 4],
  ]);
  const y = toMatrix([[1], [2], [3]]);
  const column = (name: string, mean: number, low: number) => ({
    column: name,
    mean,
    low,
    high: 2 * mean - low,
    repeats: [mean],
  });
  assert.deepEqual(findSuspectColumns([column('x1', 0.7, 0.5), column('x2', 0.3, 0.2)], { x, y }), []);
  assert.deepEqual(findSuspectColumns([column('x1', 0.9, -0.1), column('x2', 0.01, 0)], { x, y }), []);
  assert.equal(findSuspectColumns([column('x1', 0.9, 0.5), column('x2', 0.01, 0)], { x, y }).length, 1);
});

test('diagnose on a trained model names a planted target leak by its column name (target-leak rule)', () => {
  const train = data(600, 1, true);
  const { network } = trainNetwork(train.x, train.y, { seed: 3, epochs: 200 });
  const report = diagnose(network, train, {
    trained: true,
    sanity: false,
    columns: { inputs: names, targets: ['price'] },
  });
  const leak = report.findings.find((f) => f.rule === 'target-leak');
  assert.ok(leak, JSON.stringify(report.findings.map((f) => f.rule)));
  assert.match(leak.observed, /column "leak"/);
  assert.deepEqual(leak.fixOptions, { dropFeatures: ['leak'] });
  // without the leaked column, no such finding
  const clean = data(600, 1, false);
  const fair = trainNetwork(clean.x, clean.y, { seed: 3, epochs: 200 }).network;
  const fine = diagnose(fair, clean, {
    trained: true,
    sanity: false,
    columns: { inputs: names.slice(0, 3) },
  });
  assert.ok(!fine.findings.some((f) => f.rule === 'target-leak'));
});
