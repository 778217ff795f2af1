// Chart specs: plain Vega-Lite JSON with the expected series, log-scale loss, rendered by vega.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decisionRegionsChart,
  linspace,
  lossChart,
  predictedVsActualChart,
  regressionFitChart,
} from '../src/index.js';
import { renderSvg, svgToPng } from '../src/plot/render.js';

test('lossChart: one row per epoch and series, log y, non-positive and NaN values left out', () => {
  const spec = lossChart([
    { name: 'train', values: [1, 0.5, 0, NaN, 0.1] },
    { name: 'validation', values: [2, 1] },
  ]);
  const values = (spec.data as { values: { epoch: number; loss: number; series: string }[] }).values;
  assert.deepEqual(
    values.map((v) => [v.series, v.epoch, v.loss]),
    [
      ['train', 1, 1],
      ['train', 2, 0.5],
      ['train', 5, 0.1],
      ['validation', 1, 2],
      ['validation', 2, 1],
    ],
  );
  const enc = spec.encoding as { y: { scale: { type: string } } };
  assert.equal(enc.y.scale.type, 'log');
  assert.equal(JSON.parse(JSON.stringify(spec)).$schema, 'https://vega.github.io/schema/vega-lite/v6.json');
});

test('regressionFitChart, decisionRegionsChart, predictedVsActualChart render to SVG with their series', async () => {
  const xs = linspace(0, 1, 5);
  assert.deepEqual(xs, [0, 0.25, 0.5, 0.75, 1]);
  const fit = await renderSvg(
    regressionFitChart({ x: xs, y: xs.map((x) => x * x) }, [
      { name: 'net A', x: xs, y: xs },
      { name: 'net B', x: xs, y: xs.map((x) => x * x) },
    ]),
  );
  for (const label of ['data', 'net A', 'net B']) assert.match(fit, new RegExp(`>${label}<`));
  const g = linspace(-1, 1, 4);
  const labels = g.flatMap((b) => g.map((a) => (a * b > 0 ? 'yes' : 'no')));
  const regions = decisionRegionsChart(
    { x1: g, x2: g, labels },
    { x1: [0.5, -0.5], x2: [0.5, 0.5], labels: ['yes', 'no'] },
    ['no', 'yes'],
  );
  const cells = (regions.layer as { data: { values: unknown[] } }[])[0].data.values;
  assert.equal(cells.length, 16);
  const svg = await renderSvg(regions);
  assert.match(svg, />predicted</);
  assert.match(svg, />class</);
  const pva = await renderSvg(predictedVsActualChart([1, 2, 3], [1.1, 1.9, 3.2], 'mpg'));
  assert.match(pva, /predicted mpg/);
  const png = svgToPng(pva);
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
  assert.equal(png.readUInt32BE(16), 2 * Number(/width="(\d+)"/.exec(pva)![1]));
});
