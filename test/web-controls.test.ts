// The playground's controls and data in Chromium: input features set the network's input size and
// the URL; the layer editor's +/- and per-layer activations (the output's among them) keep the layers
// field and the network in step; batch size, L1, the noise slider and New data change the run; Show test data and Discretize
// output change the drawing only; a 2-D regression (plane) reaches a test loss below 1e-3 and blobs
// ≥ 90% test accuracy, shown on the page.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { siteAndBrowser } from './web-site.js';

describe('playground controls in Chromium', () => {
  const started = siteAndBrowser();

  async function open(hash: string): Promise<Page> {
    const { browser, server } = started();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url + hash);
    await page.waitForSelector('body[data-ready="true"]');
    return page;
  }
  const settled = (page: Page) => page.waitForSelector('body[data-settled="true"]', { state: 'attached' });
  const act = async (page: Page, action: Promise<unknown>) => {
    await action;
    await settled(page);
  };
  const hash = (page: Page) => page.evaluate(() => decodeURIComponent(location.hash));
  const summary = async (page: Page) => (await page.textContent('#summary')) ?? '';

  test('features: checkboxes set the input size and the hash; x2 terms disabled on 1-D data', async () => {
    const page = await open('#dataset=spirals');
    assert.match(await summary(page), /^Network \(2 → 1,/);
    await act(page, page.check('#control-features-sinx1'));
    await act(page, page.check('#control-features-x1x2'));
    assert.match(await hash(page), /&features=x1,x2,x1x2,sinx1&/);
    assert.match(await summary(page), /^Network \(4 → 1,/);
    // none checked: the library has no input, the page says why and keeps working
    for (const name of ['x1', 'x2', 'x1x2']) await act(page, page.uncheck(`#control-features-${name}`));
    await act(page, page.uncheck('#control-features-sinx1'));
    assert.match((await page.textContent('#message')) ?? '', /Features: "" is not a valid value/);
    await page.selectOption('#control-dataset', 'square');
    await settled(page);
    assert.ok(await page.isDisabled('#control-features-x2'));
    assert.ok(!(await page.isDisabled('#control-features-x1sq')));
    await page.close();
  });

  test('layer editor: +/- for layers and neurons, per-layer activation; the layers field follows', async () => {
    const page = await open('#dataset=plane&hidden=4&activation=tanh');
    await act(page, page.click('#editor-layers-plus'));
    assert.equal(await page.inputValue('#control-hidden'), '4,4');
    await act(page, page.click('#editor-layer-1-plus'));
    await act(page, page.click('#editor-layer-0-minus'));
    assert.equal(await page.inputValue('#control-hidden'), '3,5');
    await act(page, page.selectOption('#layer-1-activation', 'relu'));
    assert.match(await hash(page), /&hidden=3,5&layerActivations=tanh,relu&/);
    assert.match(await summary(page), /Dense\(2 → 3, tanh\)[\s\S]*Dense\(3 → 5, relu\)/);
    // the text field still works, and the editor follows it
    await page.fill('#control-hidden', '6,5,2');
    await act(page, page.press('#control-hidden', 'Tab'));
    assert.equal(await page.textContent('#editor-layer-2 .count'), '2');
    assert.equal(await page.inputValue('#layer-2-activation'), 'tanh');
    await act(page, page.click('#editor-layers-minus'));
    await act(page, page.click('#editor-layers-minus'));
    assert.match(
      await hash(page),
      /&hidden=6&layerActivations=&/,
      'one layer left, of the common activation',
    );
    // the common activation is every layer's
    await act(page, page.selectOption('#control-activation', 'gelu'));
    assert.equal(await page.inputValue('#layer-0-activation'), 'gelu');
    // the output layer's activation, last in the editor: the seed's leaky-ReLU output, with its warning
    await act(page, page.selectOption('#editor-output #control-output', 'leakyRelu'));
    assert.match(await summary(page), /Dense\(6 → 1, leakyRelu\)/);
    assert.match((await page.textContent('#warnings')) ?? '', /output activation leakyRelu/);
    await page.close();
  });

  test('layer editor by keyboard: the focus stays in the editor when − or + becomes disabled', async () => {
    const page = await open('#hidden=2,255');
    const focused = () => page.evaluate(() => document.activeElement?.id);
    await page.focus('#editor-layer-0-minus');
    await act(page, page.keyboard.press('Enter'));
    assert.equal(await page.inputValue('#control-hidden'), '1,255');
    assert.equal(await focused(), 'editor-layer-0-plus', 'one neuron: − is disabled, + has the focus');
    await page.focus('#editor-layer-1-plus');
    await act(page, page.keyboard.press('Space'));
    assert.equal(await focused(), 'editor-layer-1-minus', '256 neurons: + is disabled, − has the focus');
    await page.focus('#editor-layers-minus');
    await act(page, page.keyboard.press('Enter'));
    await act(page, page.keyboard.press('Enter'));
    assert.equal(await page.inputValue('#control-hidden'), '');
    assert.equal(await focused(), 'editor-layers-plus', 'no hidden layer: − is disabled, + has the focus');
    await act(page, page.keyboard.press('Enter'));
    assert.equal(await page.inputValue('#control-hidden'), '4');
    await page.close();
  });

  test("a teacher's link hides controls (hide=…): hidden, kept in the URL, their values used", async () => {
    const page = await open('#dataset=xor&learningRate=0.3&hide=noise,hidden,learningRate,tools');
    assert.equal(await page.textContent('#message'), '');
    for (const id of [
      '#control-noise',
      '#control-hidden',
      '#layer-editor',
      '#control-learningRate',
      '#doctor',
    ])
      assert.equal(await page.isVisible(id), false, `${id} is visible`);
    for (const id of ['#control-dataset', '#control-optimizer', '#start'])
      assert.equal(await page.isVisible(id), true, `${id} is hidden`);
    await act(page, page.selectOption('#control-optimizer', 'adam'));
    const url = await hash(page);
    assert.match(url, /&learningRate=0\.3&/);
    assert.match(url, /&hide=noise,hidden,learningRate,tools$/);
    await page.close();
    const wrong = await open('#hide=noise,colour');
    assert.equal(await wrong.textContent('#message'), 'ignored from the URL: hide=colour');
    assert.equal(await wrong.isVisible('#control-noise'), false);
    await wrong.close();
  });

  test('batch size, L1, noise and New data change the run; Show test data and Discretize do not', async () => {
    const page = await open('#dataset=circles&testRatio=0.2&hidden=4');
    await page.fill('#control-batchSize', '10');
    await act(page, page.press('#control-batchSize', 'Tab'));
    await act(page, page.click('#step'));
    assert.equal(await page.textContent('#epoch'), '1', 'Step: one epoch of 16 mini-batches');
    await page.fill('#control-l1', '0.01');
    await act(page, page.press('#control-l1', 'Tab'));
    assert.match(await summary(page), /penalties: l1\(λ=0\.01\)/);
    await act(page, page.fill('#control-noise', '0.2'));
    assert.equal(await page.textContent('#value-noise'), '0.2');
    const points = () =>
      page.evaluate(() =>
        (globalThis as unknown as { playgroundData: () => { data: { x: number[][] } } })
          .playgroundData()
          .data.x.slice(0, 3),
      );
    const before = await points();
    await act(page, page.click('#regenerate'));
    assert.match(await hash(page), /&dataSeed=2&.*&batchSize=10&.*&seed=1&/);
    assert.notDeepEqual(await points(), before, 'New data: other points');
    // view-only settings: the run goes on from where it was
    await act(page, page.click('#step'));
    await act(page, page.check('#control-showTest'));
    await act(page, page.check('#control-discretize'));
    assert.equal(await page.textContent('#epoch'), '1');
    assert.match(await hash(page), /&showTest=true&discretize=true$/);
    await page.close();
  });

  /** Starts, waits until the readout's data-value passes the test, pauses; returns the value shown. */
  async function trainUntil(page: Page, id: string, below: number | null, atLeast: number | null) {
    await page.click('#start');
    await page.waitForFunction(
      ([el, lo, hi]) => {
        const v = Number(document.getElementById(el as string)?.dataset.value);
        return lo !== null ? v < (lo as number) : v >= (hi as number);
      },
      [id, below, atLeast],
      { timeout: 30_000, polling: 100 },
    );
    await page.click('#start');
    return `${await page.textContent(`#${id}`)} at epoch ${await page.textContent('#epoch')}`;
  }

  test('2-D sets: plane (regression) to a test loss below 1e-3; blobs to ≥ 90% test accuracy', async () => {
    const plane = await open('#dataset=plane&testRatio=0.2&hidden=&optimizer=adam&learningRate=0.03');
    console.log(`# plane: test loss ${await trainUntil(plane, 'test-loss', 1e-3, null)}`);
    assert.equal(await plane.textContent('#test-accuracy'), '–');
    await plane.close();
    const blobs = await open(
      '#dataset=blobs&testRatio=0.3&noise=0.1&hidden=4&optimizer=adam&learningRate=0.03',
    );
    console.log(`# blobs: test accuracy ${await trainUntil(blobs, 'test-accuracy', null, 0.9)}`);
    await blobs.close();
  });
});
