// The playground page in Chromium when things go wrong or the screen is small: a malformed `%`
// escape in the URL hash gives a message and a working page; the library's warnings are shown; at
// 390×844 (a phone) and 1280×800 nothing scrolls sideways. Screenshots go to test-results/ (not committed).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { projectRoot } from '../web/serve.js';
import { startSite, type Site } from './web-site.js';

const RESULTS = `${projectRoot}/test-results`;

describe('playground robustness in Chromium', () => {
  let server: Site | undefined;
  let browser: Browser | undefined;
  const problems: string[] = [];

  before(async () => {
    server = await startSite();
    browser = (await launchChromium()).browser;
    mkdirSync(RESULTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(hash: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    if (!browser || !server) throw new Error('not started');
    const page = await browser.newPage({ viewport });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    await page.goto(server.url + hash);
    await page.waitForSelector('body[data-ready="true"]');
    return page;
  }
  const text = (page: Page, selector: string) => page.textContent(selector).then((t) => t ?? '');
  /** Waits until the page has drawn the worker's answer to every command sent so far. */
  const settled = (page: Page) => page.waitForSelector('body[data-settled="true"]', { state: 'attached' });

  for (const hash of ['#seed%=1', '#%E0%A4%A=1&hidden=4', '#loss=%E0%A4%A', '#%']) {
    test(`malformed hash ${hash}: a message naming it, and Start and Step work`, async () => {
      const page = await open(hash);
      assert.match(await text(page, '#message'), /^ignored from the URL: /);
      await page.click('#step');
      await settled(page);
      assert.equal(await text(page, '#epoch'), '1');
      await page.click('#start');
      await page.waitForFunction(() => Number(document.getElementById('epoch')?.textContent) > 10);
      await page.click('#start');
      await page.close();
    });
  }

  test('an invalid field is marked and linked to the message that says why', async () => {
    const page = await open('');
    await page.fill('#control-learningRate', '-2');
    await page.press('#control-learningRate', 'Tab');
    assert.equal(await page.getAttribute('#control-learningRate', 'aria-invalid'), 'true');
    assert.equal(await page.getAttribute('#control-learningRate', 'aria-describedby'), 'message');
    assert.match(await text(page, '#message'), /^Learning rate: "-2" is not a valid value/);
    await page.fill('#control-learningRate', '0.05');
    await page.press('#control-learningRate', 'Tab');
    assert.equal(await page.getAttribute('#control-learningRate', 'aria-describedby'), null);
    await page.close();
  });

  test("the library's warnings are shown: a leaky-ReLU output on a regression", async () => {
    const page = await open('#output=leakyRelu');
    assert.equal(await page.isVisible('#warnings'), true);
    assert.match(await text(page, '#warnings'), /Warning: output activation leakyRelu with loss mse/);
    await page.selectOption('#control-output', 'linear');
    await settled(page);
    assert.equal(await page.isVisible('#warnings'), false);
    await page.close();
  });

  for (const [width, height] of [
    [390, 844],
    [1280, 800],
  ]) {
    for (const dataset of ['square', 'spirals']) {
      test(`${width}×${height}, ${dataset}: no horizontal scrolling; screenshot`, async () => {
        const hash = dataset === 'square' ? '#output=leakyRelu' : `#dataset=${dataset}&activation=tanh`;
        const page = await open(hash, { width, height });
        for (let i = 0; i < 20; i++) await page.click('#step');
        await settled(page);
        const widths = await page.evaluate(() => ({
          document: document.documentElement.scrollWidth,
          body: document.body.scrollWidth,
          viewport: window.innerWidth,
          fit: document.getElementById('fit')?.getBoundingClientRect().right ?? Infinity,
        }));
        await page.screenshot({
          path: `${RESULTS}/playground-${width}x${height}-${dataset}.png`,
          fullPage: true,
        });
        assert.ok(
          widths.document <= widths.viewport,
          `document ${widths.document} px > viewport ${widths.viewport} px`,
        );
        assert.ok(widths.body <= widths.viewport, `body ${widths.body} px > viewport ${widths.viewport} px`);
        assert.ok(widths.fit <= widths.viewport, `the plot ends at ${widths.fit} px, past the viewport`);
        await page.close();
      });
    }
  }

  test('settings that do not fit together: Step, Start and Doctor are answered (the page settles)', async () => {
    const page = await open('#dataset=blobs&output=relu');
    assert.match(await text(page, '#message'), /^OptionError: loss binaryCrossEntropy works from logits/);
    for (const button of ['#step', '#start', '#doctor']) {
      await page.click(button);
      await page.waitForSelector('body[data-settled="true"]', { state: 'attached', timeout: 5000 });
    }
    assert.equal(await text(page, '#epoch'), '–');
    assert.match(await text(page, '#doctor-report'), /no run: fix the settings first/);
    await page.close();
  });

  test('1280×800: the loss plot stays beside the fit plot when the summary line is long (two penalties)', async () => {
    const page = await open('#dataset=spirals&loss=softmaxCrossEntropy&weightDecay=0.01&l1=0.01');
    const top = (id: string) => page.$eval(id, (e) => Math.round(e.getBoundingClientRect().top));
    assert.match(await text(page, '#summary'), /penalties: l2\(λ=0\.01\), l1\(λ=0\.01\)/);
    assert.equal(await top('#loss-curve'), await top('#fit'));
    await page.close();
  });

  test('390×844: with the plot in view, Start/Pause, Step and Reset are on screen and answer a tap', async () => {
    const page = await open('#dataset=xor', { width: 390, height: 844 });
    await page.$eval('#fit', (e) => e.scrollIntoView());
    const onScreen = () =>
      page.evaluate(() =>
        ['start', 'step', 'reset'].map((id) => {
          const r = (document.getElementById(id) as HTMLElement).getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return `${id}: ${r.top >= 0 && r.bottom <= innerHeight && hit?.id === id}`;
        }),
      );
    assert.deepEqual(await onScreen(), ['start: true', 'step: true', 'reset: true']);
    const fit = await page.$eval('#fit', (e) => e.getBoundingClientRect().toJSON() as DOMRect);
    assert.ok(fit.top > -1 && fit.top < 844, `the plot's top at ${fit.top} px`);
    await page.close();
  });

  test('no page errors or console errors (a content security policy violation is one)', () => {
    assert.deepEqual(problems, []);
  });
});
