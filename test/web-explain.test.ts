// The explain hover in Chromium (issue 17): pointing at a point of the fit plot shows its attribution
// to each input (integrated gradients computed in the worker), and the numbers shown sum to
// f(x) − f(baseline) within the stated tolerance; the keyboard reaches the same readout. The inputs
// are the network's: its input features, labelled as the controls label them (x₁, x₁², x₁x₂, …).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { siteAndBrowser } from './web-site.js';

interface Shown {
  report: {
    point: number[];
    inputs: number[];
    baseline: number[];
    attributions: number[];
    value: number;
    baselineValue: number;
    completenessError: number;
    tolerance: number;
    converged: boolean;
    error: string;
  };
  /** the attributions as the page shows them (data-value of each row) */
  values: number[];
  text: string;
}

declare const playgroundPointAt: (row: number) => { x: number; y: number } | null;

describe('playground explain hover in Chromium', () => {
  const started = siteAndBrowser();

  async function trained(hash: string, epochs: number): Promise<Page> {
    const { browser, server } = started();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
    await page.goto(server.url + hash);
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('#start');
    await page.waitForFunction((n) => Number(document.getElementById('epoch')?.textContent) >= n, epochs);
    await page.click('#start');
    await page.waitForSelector('body[data-settled="true"]', { state: 'attached' });
    return page;
  }

  /** The explain readout once it shows the point `point` (or any when omitted). */
  async function readout(page: Page, point?: number[]): Promise<Shown> {
    await page.waitForFunction((p) => {
      const text = document.getElementById('explain')?.dataset.report;
      return text !== undefined && (!p || JSON.stringify(JSON.parse(text).point) === JSON.stringify(p));
    }, point ?? null);
    return page.evaluate(() => {
      const panel = document.getElementById('explain') as HTMLElement;
      const values = Array.from(panel.querySelectorAll<HTMLElement>('.value')).map((e) =>
        Number(e.dataset.value),
      );
      return { report: JSON.parse(panel.dataset.report ?? '{}'), values, text: panel.textContent ?? '' };
    });
  }

  /** Σ a = f(x) − f(b) within the tolerance the page states (plus the library's rounding floor). */
  function assertComplete({ report, values }: Shown, inputs: number): void {
    assert.equal(report.error, '');
    assert.equal(values.length, inputs);
    assert.deepEqual(values, report.attributions, 'the numbers shown are the worker’s');
    const delta = report.value - report.baselineValue;
    const sum = values.reduce((s, a) => s + a, 0);
    const allowed =
      report.tolerance * Math.abs(delta) +
      64 * Number.EPSILON * (Math.abs(report.value) + Math.abs(report.baselineValue));
    console.log(
      `# f(x) ${report.value}, f(b) ${report.baselineValue}, attributions ${values.join(', ')}: ` +
        `|Σa − Δf| = ${Math.abs(sum - delta).toExponential(2)} ≤ ${allowed.toExponential(2)}`,
    );
    assert.ok(Math.abs(sum - delta) <= allowed, `|${sum} − ${delta}| > ${allowed}`);
    assert.ok(report.converged);
    assert.ok(Math.abs(delta) > 1e-3, 'a point whose prediction differs from the baseline’s');
  }

  test('xor, 2-D: hovering a point shows its attribution to x₁ and x₂, summing to f(x) − f(b)', async () => {
    const page = await trained('#dataset=xor&hidden=8&activation=tanh&optimizer=adam&learningRate=0.03', 300);
    const box = await page.locator('#fit').boundingBox();
    const at = await page.evaluate(() => playgroundPointAt(3));
    assert.ok(box && at);
    await page.mouse.move(box.x + at.x, box.y + at.y);
    const shown = await readout(page);
    assertComplete(shown, 2);
    assert.match(shown.text, /x₁/);
    assert.match(shown.text, /x₂/);
    assert.deepEqual(shown.report.inputs, shown.report.point, 'features x₁, x₂: the inputs are the point');
    assert.match(shown.text, /completeness error/);
    // the baseline is the training rows' mean
    assert.equal(shown.report.baseline.length, 2);
    await page.close();
  });

  test('engineered features: the attribution is to the network’s inputs x₁², x₁x₂, named by their labels', async () => {
    const page = await trained(
      '#dataset=circles&features=x1sq,x2sq,x1x2&hidden=4&activation=tanh&optimizer=adam&learningRate=0.03',
      200,
    );
    const box = await page.locator('#fit').boundingBox();
    const at = await page.evaluate(() => playgroundPointAt(5));
    assert.ok(box && at);
    await page.mouse.move(box.x + at.x, box.y + at.y);
    const shown = await readout(page);
    assertComplete(shown, 3);
    const [a, b] = shown.report.point;
    assert.deepEqual(
      shown.report.inputs,
      [a * a, b * b, a * b],
      'the point’s features, as training computes them',
    );
    assert.equal(shown.report.baseline.length, 3);
    for (const label of ['x₁²', 'x₂²', 'x₁x₂']) assert.ok(shown.text.includes(label), label);
    await page.close();
  });

  test('x², 1-D: the attribution to x is f(x) − f(b); the keyboard steps through the points', async () => {
    const page = await trained('#output=linear', 200);
    await page.focus('#fit');
    const first = await readout(page);
    assertComplete(first, 1);
    await page.keyboard.press('ArrowLeft');
    const last = await readout(page, [1]);
    assertComplete(last, 1);
    assert.equal(last.report.point[0], 1, 'ArrowLeft from the first point wraps to the last (x = 1)');
    await page.keyboard.press('Escape');
    assert.equal(await page.isVisible('#explain'), false);
    await page.close();
  });
});
