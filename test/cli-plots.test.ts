// The training charts of a large table draw at most maxPoints rows, evenly spaced, and say so in
// their titles (a scatter of a million rows made vega's renderer fail after training: exit 1).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chartsFor, drawnRows, maxPoints } from '../src/cli/plots.js';
import { applyEncoding, fitEncoding, Network, parseCsv, type Matrix } from '../src/index.js';

/** The data rows a chart draws: its point layers' values, or its top-level rows of series 'data' (the fit chart). */
function points(spec: unknown): Record<string, unknown>[] {
  type Values = { values: Record<string, unknown>[] };
  const chart = spec as { data?: Values; layer: { data?: Values; mark: { type: string } }[] };
  if (chart.data) return chart.data.values.filter((v) => v.series === 'data');
  return chart.layer.filter((l) => l.mark.type === 'point').flatMap((l) => l.data?.values ?? []);
}

function table(rows: number, inputs: number, task: 'regression' | 'binary') {
  const header = [...Array.from({ length: inputs }, (_, i) => `x${i}`), 'y'].join(',');
  const lines = Array.from({ length: rows }, (_, r) => {
    const xs = Array.from({ length: inputs }, (_, i) => ((r * (i + 3)) % 97) / 97);
    const y = task === 'regression' ? xs[0] * 2 + r / rows : xs[0] > 0.5 ? 'a' : 'b';
    return [...xs, y].join(',');
  });
  const t = parseCsv(`${header}\n${lines.join('\n')}\n`, 'big.csv');
  const encoding = fitEncoding(t, { target: ['y'], task });
  const { x, y } = applyEncoding(encoding, t);
  return { encoding, x, y: y as Matrix };
}

test('drawnRows: every row up to the limit, else evenly spaced ones from the first, in order', () => {
  assert.deepEqual(drawnRows(4, 5), [0, 1, 2, 3]);
  assert.deepEqual(drawnRows(10, 5), [0, 2, 4, 6, 8]);
  const many = drawnRows(1_000_003, maxPoints);
  assert.equal(many.length, maxPoints);
  assert.ok(many.every((r, i) => i === 0 || r > many[i - 1]));
  assert.ok((many.at(-1) ?? 0) >= 1_000_003 - 1_000_003 / maxPoints - 1);
});

test('charts of 12,000 rows draw 5,000 points and say so; 300 rows are drawn whole', () => {
  const loss = [{ name: 'train', values: [1, 0.5] }];
  for (const [inputs, task, chart] of [
    [3, 'regression', 'predicted-vs-actual'],
    [1, 'regression', 'fit'],
    [2, 'binary', 'regions'],
  ] as const) {
    for (const rows of [300, 12_000]) {
      const { encoding, x, y } = table(rows, inputs, task);
      const network = new Network({ layers: [inputs, 4, y.cols], seed: 1 });
      const spec = chartsFor({ network, encoding, x, y, loss })[chart];
      assert.ok(spec, `${chart} chart for ${rows} rows`);
      const drawn = points(spec).length;
      const title = String((spec as { title: unknown }).title);
      if (rows <= maxPoints) {
        assert.equal(drawn, rows, chart);
        assert.doesNotMatch(title, /rows drawn/);
      } else {
        assert.equal(drawn, maxPoints, chart);
        assert.match(title, /\(5,000 of 12,000 rows drawn, evenly spaced\)$/, chart);
      }
    }
  }
});

test('predicted vs actual with a held-out part: each part keeps its share of the points and its full count', () => {
  const { encoding, x, y } = table(12_000, 3, 'regression');
  const split = (m: Matrix, from: number, to: number): Matrix => ({
    rows: to - from,
    cols: m.cols,
    data: m.data.subarray(from * m.cols, to * m.cols),
  });
  const parts = {
    train: { x: split(x, 0, 9_000), y: split(y, 0, 9_000) },
    heldOut: { x: split(x, 9_000, 12_000), y: split(y, 9_000, 12_000) },
  };
  const network = new Network({ layers: [3, 4, 1], seed: 1 });
  const spec = chartsFor({ network, encoding, x, y, parts, loss: [] })['predicted-vs-actual'];
  const drawn = points(spec);
  assert.equal(drawn.length, maxPoints);
  assert.equal(drawn.filter((p) => p.rows === 'training (9000)').length, 3_750);
  assert.equal(drawn.filter((p) => p.rows === 'held-out (3000)').length, 1_250);
  assert.match(String((spec as { title: unknown }).title), /5,000 of 12,000 rows drawn/);
});
