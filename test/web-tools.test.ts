// The playground's tools in Chromium: a leaky-ReLU output on a sine (negative targets) shows the library's warning and the
// doctor's output-activation finding, and its one-click fix brings the loss down below 1e-3; the
// gradient check shows its verdict; the exported model file, read in Node by the library, predicts
// what the page shows (max difference ≤ 1e-12, float64), and dropped on a fresh page it restores the
// settings and the weights; a file that is not a model, or a model with settings the page cannot show,
// is refused with a message.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { Network, toMatrix } from '../src/index.js';
import { modelNetwork, parseModel } from '../src/io/index.js';
import { siteAndBrowser } from './web-site.js';

describe('playground tools in Chromium', () => {
  const started = siteAndBrowser();

  async function open(hash: string): Promise<Page> {
    const { browser, server } = started();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    await page.goto(server.url + hash);
    await page.waitForSelector('body[data-ready="true"]');
    return page;
  }
  const settled = (page: Page) => page.waitForSelector('body[data-settled="true"]', { state: 'attached' });
  const loss = (page: Page) =>
    page.$eval('#loss', (e) => Number((e as HTMLElement).dataset.value ?? Number.NaN));
  /** Trains for `ms` milliseconds, then pauses and waits for the final snapshot. */
  async function train(page: Page, ms: number): Promise<void> {
    await page.click('#start');
    await page.waitForTimeout(ms);
    await page.click('#start');
    await settled(page);
  }

  test('leaky-ReLU output on a sine: warning, doctor finding, one-click fix, loss below 1e-3', async () => {
    // (on x² a leaky-ReLU output learns: its targets are never negative)
    const page = await open(
      '#dataset=sine&hidden=16,16&activation=tanh&output=leakyRelu&optimizer=adam&learningRate=0.01',
    );
    assert.match((await page.textContent('#warnings')) ?? '', /output activation leakyRelu with loss mse/);
    await train(page, 1500);
    const stuck = await loss(page);
    await page.click('#doctor');
    const finding = await page.waitForSelector('#doctor-report .finding[data-rule="output-activation"]', {
      timeout: 30_000,
    });
    assert.match((await finding.textContent()) ?? '', /output: 'linear'/);
    await (await finding.$('button.apply'))?.click();
    await settled(page);
    assert.equal(await page.inputValue('#control-output'), 'linear');
    assert.match(await page.evaluate(() => location.hash), /&output=linear&/);
    await page.click('#start');
    // The loss shown when it first falls below 1e-3 (the wait fails after 20 s if it never does). The loss
    // after the pause is not the one asserted: Adam at 0.01 keeps stepping until the pause lands and can
    // bounce back above 1e-3 for a few epochs (a CI run read that).
    const reached = await page.waitForFunction(
      () => {
        const value = Number(document.getElementById('loss')?.dataset.value);
        return value < 1e-3 ? value : false;
      },
      null,
      { timeout: 20_000, polling: 100 },
    );
    const fixed = Number(await reached.jsonValue());
    await page.click('#start');
    await settled(page);
    // Not asserted: that the leaky-ReLU output stays above 1e-3 for a while. Its 0.01 slope does reach a
    // sine's negative half given time, so how far it gets in 1.5 s depends on the machine's speed (CI measured
    // 2e-4 on a quiet machine, > 1e-3 under load): a timed claim, which belongs in a benchmark.
    console.log(
      `# sine, leaky-ReLU output: loss ${stuck} after 1.5 s; with the fix: ${fixed} (${await loss(page)} at the pause)`,
    );
    assert.ok(fixed < 1e-3 && Number.isFinite(await loss(page)), 'the fix brings the loss below 1e-3');
    await page.close();
  });

  test('gradient check: the verdict and the report on the page', async () => {
    const page = await open('#dataset=circles&hidden=6,4&activation=tanh');
    await page.click('#gradcheck');
    const report = await page.waitForSelector('#gradcheck-report[data-verdict]', { timeout: 30_000 });
    assert.equal(await report.getAttribute('data-verdict'), 'pass');
    assert.match((await report.textContent()) ?? '', /^gradient check: PASS/);
    await page.close();
  });

  test('export: the model file, read by the library in Node, predicts what the page shows (≤ 1e-12)', async () => {
    const page = await open('#dataset=sine&hidden=16,16&activation=tanh&optimizer=adam&learningRate=0.01');
    await train(page, 800);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    const path = await download.path();
    const model = parseModel(readFileSync(path, 'utf8'), download.suggestedFilename());
    assert.equal(model.encoding.target.task, 'regression');
    const network = modelNetwork(model);
    const shown = await page.evaluate(() => {
      const snap = (
        globalThis as unknown as { playgroundSnapshot: () => { grid: Float64Array; gridX: Float64Array } }
      ).playgroundSnapshot();
      return { x: Array.from(snap.gridX), y: Array.from(snap.grid) };
    });
    const predicted = network.predict(
      toMatrix(
        shown.x.map((v) => [v]),
        'x',
        1,
      ),
    );
    let worst = 0;
    for (let i = 0; i < shown.y.length; i++)
      worst = Math.max(worst, Math.abs(predicted.data[i] - shown.y[i]));
    console.log(
      `# export: ${download.suggestedFilename()}, ${shown.y.length} points, max difference ${worst}`,
    );
    assert.equal(shown.y.length, 200);
    assert.ok(worst <= 1e-12, `max difference ${worst}`);

    // dropped on a fresh page with other settings: the model's settings and weights, the same predictions
    const fresh = await open('#dataset=xor&hidden=3');
    const text = readFileSync(path, 'utf8');
    await fresh.evaluate(
      ([body, name]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([body], name, { type: 'application/json' }));
        document.dispatchEvent(
          new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
        );
      },
      [text, download.suggestedFilename()],
    );
    await fresh.waitForFunction(() =>
      document.getElementById('summary')?.textContent?.includes('Dense(1 → 16, tanh)'),
    );
    await settled(fresh);
    assert.equal(await fresh.inputValue('#control-dataset'), 'sine');
    assert.equal(await fresh.inputValue('#control-hidden'), '16,16');
    assert.equal(await fresh.inputValue('#control-optimizer'), 'adam');
    const again = await fresh.evaluate(() =>
      Array.from(
        (globalThis as unknown as { playgroundSnapshot: () => { grid: Float64Array } }).playgroundSnapshot()
          .grid,
      ),
    );
    assert.deepEqual(again, shown.y, 'the imported weights predict exactly what the exporting page showed');
    await fresh.close();
    await page.close();
  });

  test("export of a CSV file's run: the model reads the file's columns in its units (predicts what the page shows)", async () => {
    const page = await open('#hidden=8&activation=tanh&optimizer=adam&learningRate=0.01');
    // y = 3x² − 2 for x in metres around 50; a text column left out
    const rows = Array.from({ length: 60 }, (_, i) => [50 + i / 10, 3 * (i / 30 - 1) ** 2 - 2]);
    const csv = ['x_m,note,y', ...rows.map(([x, y], i) => `${x},row ${i},${y}`)].join('\n');
    await page.setInputFiles('#csv-file', {
      name: 'curve.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.waitForSelector('#csv-train');
    await page.uncheck('#csv-features input[value="note"]');
    await page.click('#csv-train');
    await settled(page);
    await train(page, 300);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    assert.match(download.suggestedFilename(), /^playground-curve-epoch\d+\.model\.json$/);
    const model = parseModel(readFileSync(await download.path(), 'utf8'), download.suggestedFilename());
    assert.deepEqual(
      model.encoding.features.map((f) => f.name),
      ['x_m'],
    );
    assert.deepEqual(model.encoding.target.columns, ['y']);
    // the page's standardization, recorded as the network's scaling: the column's mean and std
    const mean = (v: number[]) => v.reduce((a, b) => a + b / v.length, 0);
    const std = (v: number[]) => Math.sqrt(mean(v.map((a) => (a - mean(v)) ** 2)));
    const [xs, ys] = [rows.map((r) => r[0]), rows.map((r) => r[1])];
    const scaling = model.network.scaling;
    assert.ok(scaling?.targetMean && scaling.targetStd, 'a numeric target is scaled');
    for (const [got, want] of [
      [scaling.inputMean[0], mean(xs)],
      [scaling.inputStd[0], std(xs)],
      [scaling.targetMean[0], mean(ys)],
      [scaling.targetStd[0], std(ys)],
    ])
      assert.ok(Math.abs(got - want) <= 1e-12 * Math.abs(want), `${got} ≠ ${want}`);
    const shown = await page.evaluate(() => {
      const snap = (
        globalThis as unknown as { playgroundSnapshot: () => { grid: Float64Array; gridX: Float64Array } }
      ).playgroundSnapshot();
      return { x: Array.from(snap.gridX), y: Array.from(snap.grid) };
    });
    // the plot's grid is in standardized units: in metres it is what the model file predicts
    const predicted = modelNetwork(model).predict(
      toMatrix(
        shown.x.map((v) => [v * std(xs) + mean(xs)]),
        'x',
        1,
      ),
    );
    let worst = 0;
    for (let i = 0; i < shown.y.length; i++)
      worst = Math.max(worst, Math.abs(predicted.data[i] - (shown.y[i] * std(ys) + mean(ys))));
    assert.ok(worst <= 1e-9, `max difference ${worst}`);
    // the page imports models of its own data only, and says so
    await page.setInputFiles('#import', await download.path());
    await page.waitForFunction(() =>
      /a model of the CSV file curve\.csv/.test(document.getElementById('message')?.textContent ?? ''),
    );
    await page.close();
  });

  test('import: a file that is not a model is refused with a message', async () => {
    const page = await open('');
    await page.setInputFiles('#import', {
      name: 'notes.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"a":1}'),
    });
    await page.waitForFunction(() =>
      document.getElementById('message')?.textContent?.includes('not a scratchnet model'),
    );
    await page.click('#step');
    await settled(page);
    assert.equal(await page.textContent('#epoch'), '1', 'the page still works');
    await page.close();
  });

  test('import: a model whose settings the page cannot show is refused, naming them', async () => {
    const page = await open('#dataset=xor&hidden=3');
    const network = new Network({ layers: [2, 300, 1], activation: 'tanh', loss: 'mse', seed: 1 });
    const model = {
      format: 'scratchnet-model',
      version: 1,
      data: { source: 'dataset xor' },
      network: network.toJSON(),
      settings: { activation: 'tanh', optimizer: 'newton', learningRate: 0.1 },
    };
    await page.setInputFiles('#import', {
      name: 'wide.model.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(model)),
    });
    await page.waitForFunction(() =>
      document.getElementById('message')?.textContent?.includes('cannot show'),
    );
    assert.equal(
      await page.textContent('#message'),
      'wide.model.json: the playground cannot show hidden=300, optimizer=newton',
    );
    assert.equal(await page.inputValue('#control-hidden'), '3', 'the settings are unchanged');
    await page.close();
  });
});
