// Held-out test data in Chromium: x² with a linear output and a fifth of the points held out shows
// a test loss below 1e-3; spirals reach ≥ 90% test accuracy shown on the page.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { siteAndBrowser } from './web-site.js';

describe('playground test split in Chromium', () => {
  const started = siteAndBrowser();

  /** Opens the hash, Starts, and waits until the readout's data-value passes `reached`; returns the page. */
  async function trainUntil(hash: string, id: string, reached: string): Promise<Page> {
    const { browser, server } = started();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url + hash);
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('#start');
    await page.waitForFunction(
      ([el, test]) => {
        const v = Number(document.getElementById(el)?.dataset.value);
        return test === 'below 1e-3' ? v < 1e-3 : v >= 0.9;
      },
      [id, reached],
      { timeout: 40_000, polling: 100 },
    );
    await page.click('#start');
    console.log(
      `# ${hash}: ${id} ${await page.textContent(`#${id}`)} at epoch ${await page.textContent('#epoch')}`,
    );
    return page;
  }

  test('x², linear output, 20% held out: the test loss shown drops below 1e-3', async () => {
    const page = await trainUntil('#output=linear&testRatio=0.2', 'test-loss', 'below 1e-3');
    assert.match((await page.textContent('#test-loss')) ?? '', /^\d\.\d{3}e-\d+$/);
    assert.equal(await page.textContent('#test-accuracy'), '–', 'no accuracy for a regression');
    await page.close();
  });

  test('spirals, 20% held out: ≥ 90% test accuracy shown', async () => {
    const page = await trainUntil(
      '#dataset=spirals&testRatio=0.2&hidden=16,16&activation=tanh&optimizer=adam&learningRate=0.03',
      'test-accuracy',
      'at least 90%',
    );
    assert.match((await page.textContent('#test-accuracy')) ?? '', /^(9\d|100)\.\d%$/);
    await page.close();
  });
});
