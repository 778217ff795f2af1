// The playground trains in a Web Worker, so the page's main thread stays free. Proved without clocks
// (a loaded machine slows both threads alike, so frame rates and latencies are for measuring, not
// asserting): the page's script holds none of the library's training code (it cannot train), the
// worker's does; and with the largest network it allows (6 hidden layers of 256 on spirals), every
// click is handled while training goes on: each Pause is handled at a later epoch than the Start
// before it, with frames drawn in between. The frame rate and the click latencies are printed.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { siteAndBrowser } from './web-site.js';
import { MAX_HIDDEN_LAYERS, MAX_LAYER_SIZE } from '../web/state.js';

const CLICKS = 10;

/** What the page records (installed by the test): frames drawn, and each click as its handler left it. */
interface Probe {
  frames: number;
  clicks: { label: string; epoch: number; frames: number }[];
  latencies: number[];
}

describe('playground worker in Chromium', () => {
  const started = siteAndBrowser();

  test("the page's script cannot train; the worker's can", async () => {
    const { server } = started();
    const text = async (file: string) => (await fetch(`${server.url}${file}`)).text();
    const page = await text('playground.js');
    const worker = await text('playground-worker.js');
    // strings of the library's training code: its divergence error and the kernels' compile failure
    for (const marker of ['DivergenceError', 'WebAssembly SIMD128 kernels failed to compile']) {
      assert.ok(worker.includes(marker), `the worker's script lacks "${marker}"`);
      assert.ok(!page.includes(marker), `the page's script contains "${marker}"`);
    }
  });

  test(`the largest network: ${CLICKS} clicks handled while it trains, frames drawn meanwhile`, async () => {
    const { browser, server } = started();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const layers = Array(MAX_HIDDEN_LAYERS).fill(MAX_LAYER_SIZE).join(',');
    await page.goto(
      `${server.url}#dataset=spirals&hidden=${layers}&activation=tanh&optimizer=adam&learningRate=0.001`,
    );
    await page.waitForSelector('body[data-ready="true"]');
    assert.match((await page.textContent('#summary')) ?? '', /Dense\(256 → 256, tanh\)/);
    await page.evaluate(() => {
      const probe: Probe = { frames: 0, clicks: [], latencies: [] };
      (window as unknown as { probe: Probe }).probe = probe;
      const tick = () => {
        probe.frames++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      // bubbling to the document: after the button's own handler
      document.addEventListener('click', (event) => {
        const epoch = Number(document.getElementById('epoch')?.textContent);
        const label = document.getElementById('start')?.textContent ?? '';
        probe.clicks.push({ label, epoch: Number.isFinite(epoch) ? epoch : 0, frames: probe.frames });
        requestAnimationFrame(() => probe.latencies.push(performance.now() - event.timeStamp));
      });
    });
    const shownEpoch = () => page.evaluate(() => Number(document.getElementById('epoch')?.textContent));
    /** Waits (no deadline but the test's) until the page shows an epoch above `epoch`. */
    const trainedPast = (epoch: number) =>
      page.waitForFunction((e) => Number(document.getElementById('epoch')?.textContent) > e, epoch, {
        timeout: 0,
      });
    const start = Date.now();
    await page.click('#start'); // Start
    for (let i = 0; i < CLICKS; i++) {
      const before = await page.evaluate(() => (window as unknown as { probe: Probe }).probe.clicks.at(-1));
      // running: wait for training to show progress, then pause mid-training; paused: start again
      if (before?.label === 'Pause') await trainedPast(before.epoch);
      await page.click('#start');
    }
    await trainedPast(await shownEpoch()); // the last Start trains on
    const seconds = (Date.now() - start) / 1000;
    await page.waitForFunction(
      (n) => (window as unknown as { probe: Probe }).probe.latencies.length >= n,
      CLICKS + 1,
      { timeout: 0 },
    );
    const probe = await page.evaluate(() => (window as unknown as { probe: Probe }).probe);
    console.log(
      `# 6×256 spirals (measured, not asserted): ${(probe.frames / seconds).toFixed(1)} frames/s over ` +
        `${seconds.toFixed(1)} s, click latencies (ms) ${probe.latencies.map((l) => l.toFixed(0)).join(' ')}, ` +
        `epochs at the clicks ${probe.clicks.map((c) => c.epoch).join(' ')}, ${await page.textContent('#speed')}`,
    );
    const { clicks } = probe;
    assert.deepEqual(
      clicks.map((c) => c.label),
      Array.from({ length: CLICKS + 1 }, (_, i) => (i % 2 === 0 ? 'Pause' : 'Start')),
    );
    for (let i = 1; i < clicks.length; i++) {
      if (clicks[i].label !== 'Start') continue;
      // every Pause was handled while training went on: at a later epoch than the Start before it,
      // and the page drew frames in between
      assert.ok(
        clicks[i].epoch > clicks[i - 1].epoch,
        `click ${i + 1} (Pause) at epoch ${clicks[i].epoch}, the Start before it at ${clicks[i - 1].epoch}`,
      );
      assert.ok(clicks[i].frames > clicks[i - 1].frames, `no frame drawn between clicks ${i} and ${i + 1}`);
    }
    assert.ok(
      (await shownEpoch()) > clicks[clicks.length - 1].epoch,
      'training goes on after the last click',
    );
    await page.close();
  });
});
