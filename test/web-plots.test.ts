// The playground's plots in Chromium: the test loss plotted beside the training loss with a legend;
// a decision map without white speckles (the 0.5 boundary a thin line), discretized on request;
// held-out points drawn only when showTest is on; the initial x² prediction kept inside its chart.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { siteAndBrowser } from './web-site.js';

declare const playgroundPointAt: (row: number) => { x: number; y: number } | null;
declare const playgroundSnapshot: () => { testCurve: { length: number; values: Float64Array } } | null;

/** The fit canvas's pixels (device pixels; the tests run at devicePixelRatio 1) in a rectangle. */
function pixels(page: Page, x: number, y: number, w: number, h: number): Promise<number[]> {
  return page.evaluate(
    ([x, y, w, h]) => {
      const canvas = document.getElementById('fit') as HTMLCanvasElement;
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
      return Array.from(ctx.getImageData(x, y, w, h).data);
    },
    [x, y, w, h],
  );
}

const orange = (r: number, g: number, b: number) => r > 200 && g > 100 && g < 190 && b < 110;
const white = (r: number, g: number, b: number) => r > 248 && g > 248 && b > 248;

describe('playground plots in Chromium', () => {
  const started = siteAndBrowser();

  async function open(hash: string, epochs = 0): Promise<Page> {
    const { browser, server } = started();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
    await page.goto(server.url + hash);
    await page.waitForSelector('body[data-ready="true"]');
    if (epochs > 0) {
      await page.click('#start');
      await page.waitForFunction((n) => Number(document.getElementById('epoch')?.textContent) >= n, epochs);
      await page.click('#start');
    }
    await page.waitForSelector('body[data-settled="true"]', { state: 'attached' });
    return page;
  }

  test('the test loss is plotted beside the training loss, with a legend for both', async () => {
    const page = await open('#output=linear&testRatio=0.2', 300);
    const curve = await page.evaluate(() => {
      const c = playgroundSnapshot()?.testCurve;
      return c ? { length: c.length, values: Array.from(c.values) } : null;
    });
    assert.ok(curve && curve.length >= 2, 'test loss samples');
    assert.ok(curve.values.every(Number.isFinite));
    assert.equal(await page.isVisible('text=test loss >> nth=0'), true);
    assert.equal(await page.isVisible('text=training loss'), true);
    await page.close();
  });

  test('decision map: the 0.5 boundary is a thin line, no white speckles', async () => {
    const page = await open(
      '#dataset=circles&hidden=8&activation=tanh&optimizer=adam&learningRate=0.03',
      400,
    );
    // the map's box: from the corner points of the data bounds
    const box = await page.evaluate(() => {
      const canvas = document.getElementById('fit') as HTMLCanvasElement;
      return { w: canvas.width, h: canvas.height };
    });
    // a square of the map well inside the box, away from the axes
    const side = Math.floor(box.h * 0.6);
    const x0 = Math.floor((box.w - side) / 2);
    const y0 = Math.floor(box.h * 0.15);
    const data = await pixels(page, x0, y0, side, side);
    // the points' white outlines are not the map: pixels within 6 px of a point are left out
    const points = await page.evaluate(() =>
      Array.from({ length: 200 }, (_, row) => playgroundPointAt(row)).filter((p) => p !== null),
    );
    const nearPoint = (x: number, y: number) =>
      points.some((p) => (p.x - x0 - x) ** 2 + (p.y - y0 - y) ** 2 < 36);
    let whites = 0;
    let lone = 0;
    const isWhite = (i: number) => white(data[i], data[i + 1], data[i + 2]);
    for (let y = 1; y < side - 1; y++) {
      for (let x = 1; x < side - 1; x++) {
        const i = (y * side + x) * 4;
        if (!isWhite(i) || nearPoint(x, y)) continue;
        whites++;
        let neighbours = 0;
        for (const [dx, dy] of [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
          [1, 1],
          [1, -1],
          [-1, 1],
          [-1, -1],
        ])
          if (isWhite(((y + dy) * side + x + dx) * 4)) neighbours++;
        if (neighbours === 0) lone++;
      }
    }
    console.log(`# circles map: ${whites} white pixels of ${side * side}, ${lone} alone`);
    assert.ok(whites / (side * side) < 0.05, `${whites} white pixels`);
    assert.equal(lone, 0, 'white pixels with no white neighbour (speckles)');

    await page.close();
  });

  test("discretize: an untrained map's pale shades become the two full class shades", async () => {
    const page = await open('#dataset=circles&hidden=8&activation=tanh');
    const { w, h } = await page.evaluate(() => {
      const c = document.getElementById('fit') as HTMLCanvasElement;
      return { w: c.width, h: c.height };
    });
    // a corner of the map, outside the data (plot.ts: margins 50 left, 10 right, 10 top, 34
    // bottom; the map is the largest square, centred)
    const mapSide = Math.min(w - 60, h - 44);
    const mapLeft = 50 + (w - 60 - mapSide) / 2;
    const corner = async () => pixels(page, Math.ceil(mapLeft) + 4, 14, 6, 6);
    const full = ['248,174,89', '70,153,206'];
    const colours = (p: number[]) =>
      new Set(Array.from({ length: p.length / 4 }, (_, i) => p.slice(4 * i, 4 * i + 3).join(',')));
    const before = colours(await corner());
    await page.check('#control-discretize');
    await page.waitForFunction(() => location.hash.includes('discretize=true'));
    await page.waitForTimeout(100);
    const after = colours(await corner());
    console.log(`# corner colours: before ${[...before].join(' ')}; discretized ${[...after].join(' ')}`);
    assert.ok(![...before].some((c) => full.includes(c)), 'pale before');
    assert.ok(
      [...after].every((c) => full.includes(c)),
      'full shades once discretized',
    );
    await page.close();
  });

  test('held-out points are drawn only when showTest is on', async () => {
    const page = await open('#dataset=xor&testRatio=0.3&hidden=4');
    // a dark ring pixel beside a held-out point: find a held-out row through the setup's test rows
    const ringAt = async (row: number) => {
      const at = await page.evaluate((r) => playgroundPointAt(r), row);
      assert.ok(at);
      const ring = await pixels(page, Math.round(at.x) - 5, Math.round(at.y) - 5, 11, 11);
      let dark = 0;
      for (let i = 0; i < ring.length; i += 4)
        if (ring[i] < 60 && ring[i + 1] < 60 && ring[i + 2] < 60) dark++;
      return dark;
    };
    const heldOut = await page.evaluate(() =>
      (globalThis as unknown as { playgroundTestRows: () => number[] }).playgroundTestRows(),
    );
    assert.equal(heldOut.length, 60);
    const hidden = await ringAt(heldOut[0]);
    await page.check('#control-showTest');
    await page.waitForFunction(() => location.hash.includes('showTest=true'));
    await page.waitForTimeout(100);
    const shown = await ringAt(heldOut[0]);
    console.log(`# dark pixels around held-out row ${heldOut[0]}: ${hidden} hidden, ${shown} shown`);
    assert.equal(hidden, 0);
    assert.ok(shown >= 6);
    await page.close();
  });

  test('network diagram: neurons and links with values on hover, a text description, a live readout', async () => {
    const page = await open('#dataset=xor&hidden=8,4&activation=tanh&optimizer=adam&learningRate=0.03', 50);
    const box = await page.locator('#diagram').boundingBox();
    assert.ok(box);
    // diagram.ts: tiles of 30 px from y = 18, columns spread over the width (inputs, 8, 4, output)
    const step = (box.width - 34) / 3;
    await page.mouse.move(box.x + 2 + step + 15, box.y + 18 + 15);
    assert.match(
      (await page.textContent('#diagram-readout')) ?? '',
      /^neuron 1 of layer 1 \(tanh\): output from -?\d\.\d{3} to -?\d\.\d{3} over the plot, bias -?\d/,
    );
    await page.mouse.move(box.x + (32 + 2 + step) / 2, box.y + 18 + 15);
    assert.match(
      (await page.textContent('#diagram-readout')) ?? '',
      /^weight from x₁ to neuron 1 of layer 1: -?\d/,
    );
    assert.equal(await page.getAttribute('#diagram-readout', 'aria-live'), 'polite');
    assert.match(
      (await page.textContent('#diagram-description')) ?? '',
      /^Network diagram: 2 inputs, then 8 tanh neurons, then 4 tanh neurons, then 1 sigmoid neuron\./,
    );
    assert.match((await page.getAttribute('#diagram', 'aria-label')) ?? '', /network diagram/);
    await page.close();
  });

  test('the initial x² prediction stays inside its chart', async () => {
    const page = await open('');
    const { w, h } = await page.evaluate(() => {
      const c = document.getElementById('fit') as HTMLCanvasElement;
      return { w: c.width, h: c.height };
    });
    // below the box (the plotting area ends 34 px above the bottom) and left of it: no orange
    const below = await pixels(page, 0, h - 32, w, 32);
    const left = await pixels(page, 0, 0, 48, h);
    for (const part of [below, left])
      for (let i = 0; i < part.length; i += 4)
        assert.ok(!orange(part[i], part[i + 1], part[i + 2]), 'an orange pixel outside the chart');
    await page.close();
  });

  test("noisy two-class points stay inside the map: its box grows to hold them (not over the axes' labels)", async () => {
    const bounds = async (hash: string) => {
      const page = await open(hash);
      const { data } = await page.evaluate(() =>
        (
          globalThis as unknown as {
            playgroundData: () => { data: { x: number[][]; bounds: number[] } };
          }
        ).playgroundData(),
      );
      const [x0, x1, y0, y1] = data.bounds;
      const outside = data.x.filter(([a, b]) => a < x0 || a > x1 || b < y0 || b > y1).length;
      await page.close();
      return { bounds: data.bounds, outside };
    };
    assert.deepEqual(await bounds('#dataset=circles'), { bounds: [-1.2, 1.2, -1.2, 1.2], outside: 0 });
    const noisy = await bounds('#dataset=circles&noise=1');
    assert.equal(noisy.outside, 0, `${noisy.outside} points outside ${noisy.bounds}`);
    assert.ok(noisy.bounds[1] > 1.2);
  });
});
