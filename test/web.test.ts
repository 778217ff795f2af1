// The playground in a real browser: the static server on an ephemeral port, Chromium driven by
// playwright-core. Start trains x² below 1e-3 while the page keeps drawing frames; Pause, Step and
// Reset do what they say; the URL hash carries every setting to a fresh page (same hash ⇒ same run);
// bad settings show the library's error. Screenshots go to out/playground.png and out/playground-2d.png.
// The browser is /usr/bin/chromium where installed, else the one inside the @sparticuz/chromium devDependency
// (SCRATCHNET_CHROMIUM=system|bundled|PATH chooses; see test/chromium.ts).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { projectRoot } from '../web/serve.js';
import { startSite, type Site } from './web-site.js';
import { defaultState, fromHash, toHash } from '../web/state.js';
import '../web/library-names.js'; // the state table's choices, as the worker gives them to the page

describe('playground page in Chromium', () => {
  let server: Site | undefined;
  let browser: Browser | undefined;
  /** uncaught exceptions and console errors of every page, checked at the end */
  const problems: string[] = [];

  before(async () => {
    server = await startSite();
    const launched = await launchChromium();
    browser = launched.browser;
    console.log(
      `# browser: ${launched.choice.source}, ${launched.choice.executablePath}, Chromium ${browser.version()}`,
    );
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(hash = '', at: Site = server!): Promise<Page> {
    const page = await browser!.newPage({ viewport: { width: 1180, height: 760 } });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    await page.goto(at.url + hash);
    await page.waitForSelector('body[data-ready="true"]');
    return page;
  }

  /** Waits until the page has drawn the worker's answer to every command sent so far. */
  const settled = (page: Page) => page.waitForSelector('body[data-settled="true"]', { state: 'attached' });
  /** A click, a selection, a fill and Tab…, then the worker's answer drawn. */
  const act = async (page: Page, action: Promise<unknown>) => {
    await action;
    await settled(page);
  };
  const text = (page: Page, selector: string) => page.textContent(selector).then((t) => t ?? '');
  const lossValue = (page: Page) =>
    page.$eval('#loss', (e) => Number((e as HTMLElement).dataset.value ?? NaN));

  test('x² with the default settings: Start trains the loss below 1e-3 while frames keep coming', async () => {
    const page = await open();
    assert.equal(
      await page.evaluate(() => location.hash.slice(1)),
      'dataset=square&noise=0&testRatio=0&dataSeed=0&features=x1%2Cx2&activation=leakyRelu&hidden=64' +
        '&layerActivations=&output=auto&loss=auto&optimizer=sgd&learningRate=0.1&batchSize=0' +
        '&weightDecay=0&l1=0&seed=1&showTest=false&discretize=false',
    );
    assert.equal(await text(page, '#epoch'), '0');
    assert.equal(await text(page, '#loss'), '–');
    // the server makes the page cross-origin isolated: the WebAssembly kernels get their shared memory
    assert.equal(await text(page, '#kernels'), 'WebAssembly SIMD128');
    // record the gaps between animation frames while training runs
    await page.evaluate(() => {
      const w = window as unknown as { gaps: number[] };
      w.gaps = [];
      let last = performance.now();
      const tick = (t: number) => {
        w.gaps.push(t - last);
        last = t;
        if (w.gaps.length < 5000) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const started = Date.now();
    await page.click('#start');
    assert.equal(await text(page, '#start'), 'Pause');
    await page.waitForFunction(
      () => Number((document.getElementById('loss') as HTMLElement).dataset.value) < 1e-3,
      null,
      { timeout: 15_000, polling: 100 },
    );
    const seconds = (Date.now() - started) / 1000;
    const epochs = Number(await text(page, '#epoch'));
    console.log(
      `# x²: loss < 1e-3 seen at epoch ${epochs}, ${seconds.toFixed(1)} s after Start (polled every 0.1 s)`,
    );
    await page.waitForTimeout(600); // keep training a little: at least 0.6 s of frames whatever the speed
    const gaps = (await page.evaluate(() => (window as unknown as { gaps: number[] }).gaps))
      .slice(2)
      .sort((a, b) => a - b);
    const p90 = gaps[Math.floor(gaps.length * 0.9)];
    console.log(
      `# frames while training: ${gaps.length}, 90th percentile gap ${p90.toFixed(1)} ms, max ${gaps.at(-1)!.toFixed(1)} ms`,
    );
    assert.ok(
      gaps.length >= 15 && p90 < 100,
      `the page should keep drawing while it trains: ${gaps.length} frames, 90th percentile gap ${p90} ms`,
    );

    // Pause stops training; Step does exactly one epoch; Reset starts over
    await act(page, page.click('#start'));
    assert.equal(await text(page, '#start'), 'Start');
    const paused = Number(await text(page, '#epoch'));
    await page.waitForTimeout(300);
    assert.equal(Number(await text(page, '#epoch')), paused, 'training went on after Pause');
    await act(page, page.click('#step'));
    assert.equal(Number(await text(page, '#epoch')), paused + 1);
    assert.ok((await lossValue(page)) < 1e-3);
    mkdirSync(`${projectRoot}/out`, { recursive: true });
    await page.screenshot({ path: `${projectRoot}/out/playground.png` });
    await act(page, page.click('#reset'));
    assert.equal(await text(page, '#epoch'), '0');
    assert.equal(await text(page, '#loss'), '–');
    await page.close();
  });

  test('the URL hash round-trips the settings: a fresh page with it shows them and repeats the run', async () => {
    const page = await open();
    await page.selectOption('#control-dataset', 'spirals');
    await page.fill('#control-hidden', '12, 8');
    await page.press('#control-hidden', 'Tab');
    await page.selectOption('#control-activation', 'tanh');
    await page.selectOption('#control-optimizer', 'adam');
    await page.fill('#control-learningRate', '0.03');
    await page.press('#control-learningRate', 'Tab');
    await page.fill('#control-noise', '0.05');
    await page.press('#control-noise', 'Tab');
    await page.fill('#control-seed', '7');
    await page.press('#control-seed', 'Tab');
    const hash = await page.evaluate(() => location.hash);
    const expected = {
      ...defaultState,
      dataset: 'spirals',
      hidden: [12, 8],
      activation: 'tanh',
      optimizer: 'adam',
      learningRate: 0.03,
      noise: 0.05,
      seed: 7,
    };
    assert.deepEqual(fromHash(hash), { state: expected, rejected: [] });
    for (let i = 0; i < 5; i++) await act(page, page.click('#step'));
    const loss = await page.$eval('#loss', (e) => (e as HTMLElement).dataset.value);

    const copy = await open(hash);
    for (const [id, value] of [
      ['dataset', 'spirals'],
      ['hidden', '12,8'],
      ['activation', 'tanh'],
      ['optimizer', 'adam'],
      ['learningRate', '0.03'],
      ['noise', '0.05'],
      ['seed', '7'],
      ['loss', 'auto'],
    ]) {
      assert.equal(await copy.inputValue(`#control-${id}`), value, `control ${id}`);
    }
    assert.equal(await copy.evaluate(() => location.hash), hash);
    for (let i = 0; i < 5; i++) await act(copy, copy.click('#step'));
    assert.equal(await text(copy, '#epoch'), '5');
    assert.equal(
      await copy.$eval('#loss', (e) => (e as HTMLElement).dataset.value),
      loss,
      'same hash, same five epochs, the same loss to the last bit',
    );

    // a 2-D problem trains too: spirals with adam get below 0.2 cross-entropy
    await copy.click('#start');
    await copy.waitForFunction(
      () => Number((document.getElementById('loss') as HTMLElement).dataset.value) < 0.2,
      null,
      { timeout: 15_000, polling: 100 },
    );
    await act(copy, copy.click('#start'));
    console.log(`# spirals: loss ${await text(copy, '#loss')} at epoch ${await text(copy, '#epoch')}`);
    await copy.screenshot({ path: `${projectRoot}/out/playground-2d.png` });
    await page.close();
    await copy.close();
  });

  test('bad values in the URL fall back to defaults and are named; settings that clash show the library error', async () => {
    const page = await open('#dataset=nope&learningRate=-1&seed=3');
    assert.match(await text(page, '#message'), /ignored from the URL: dataset=nope, learningRate=-1/);
    assert.equal(await page.inputValue('#control-dataset'), 'square');
    assert.equal(await page.inputValue('#control-learningRate'), '0.1');
    assert.equal(await page.inputValue('#control-seed'), '3');

    await page.selectOption('#control-output', 'sigmoid');
    await act(page, page.selectOption('#control-loss', 'softmaxCrossEntropy'));
    assert.match(await text(page, '#message'), /^OptionError: loss softmaxCrossEntropy works from logits/);
    await page.click('#start');
    assert.equal(await text(page, '#start'), 'Start', 'nothing to train');
    assert.equal(await text(page, '#epoch'), '–');

    // editing the address of an open page applies it
    await page.evaluate(() => {
      location.hash = '#dataset=circles&hidden=5&seed=9';
    });
    await page.waitForFunction(
      () => (document.getElementById('control-dataset') as HTMLSelectElement).value === 'circles',
    );
    await settled(page);
    assert.equal(await page.inputValue('#control-hidden'), '5');
    assert.equal(await text(page, '#message'), '');
    assert.match(await text(page, '#summary'), /Dense\(2 → 5, leakyRelu\)/);
    assert.equal(
      await page.evaluate(() => location.hash),
      `#${toHash({ ...defaultState, dataset: 'circles', hidden: [5], seed: 9 })}`,
    );

    await page.fill('#control-hidden', '8,x');
    await page.press('#control-hidden', 'Tab');
    assert.match(
      await text(page, '#message'),
      /^Hidden layers: "8,x" is not a valid value \(up to 6 sizes from 1 to 256, separated by commas\)$/,
    );
    assert.equal(await page.getAttribute('#control-hidden', 'aria-invalid'), 'true');
    await page.fill('#control-learningRate', '0');
    await page.press('#control-learningRate', 'Tab');
    assert.equal(
      await text(page, '#message'),
      'Learning rate: "0" is not a valid value (a number > 0 and ≤ 10)',
    );
    assert.match(
      await page.evaluate(() => location.hash),
      /&hidden=5&.*&learningRate=0\.1&/,
      'bad values stay out of the URL',
    );
    await page.close();
  });

  // (Chromium makes a shared WebAssembly.Memory even without isolation, while SharedArrayBuffer is then
  // undefined: the kernels must not decide from that global — fixed in d23634d, kept as a regression test)
  test('without cross-origin isolation the page still uses the WebAssembly kernels (plain memory), without errors', async () => {
    const plain = await startSite(false);
    const errors: string[] = [];
    try {
      const page = await browser!.newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(plain.url);
      await page.waitForSelector('body[data-ready="true"]');
      await page.click('#step');
      await settled(page);
      assert.equal(await text(page, '#epoch'), '1');
      assert.deepEqual(errors, []);
      assert.equal(await text(page, '#kernels'), 'WebAssembly SIMD128');
      // a network large enough for fit's 'auto' chunks (201 rows × 132,865 weights ≥ 2²³): they run on
      // the page's thread, with no SharedArrayBuffer (there is none without isolation)
      await page.goto(`${plain.url}#dataset=square&hidden=256,256,256`);
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      await page.click('#step');
      await settled(page);
      assert.equal(await text(page, '#epoch'), '1');
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      await plain.close();
    }
  });

  test('no page errors or console errors on any page', () => {
    assert.deepEqual(problems, []);
  });
});
