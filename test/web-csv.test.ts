// A user's CSV file in Chromium: dropped on the page (or chosen), read by the library's parseCsv and
// encoding in the worker, its target and features chosen, and trained on: the loss falls. The
// library's errors (a broken quote, a target with three classes) are shown in the panel.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { siteAndBrowser } from './web-site.js';

/** 200 rows: two numbers in different units (metres, grams) and a yes/no label inside a circle. */
function circleCsv(): string {
  const lines = ['height_m,weight_g,inside'];
  for (let i = 0; i < 200; i++) {
    const a = Math.sin(i * 12.9898) * 0.9;
    const b = Math.cos(i * 78.233) * 0.9;
    lines.push(
      `${(1.5 + a).toFixed(3)},${(5000 + 3000 * b).toFixed(0)},${a * a + b * b < 0.35 ? 'yes' : 'no'}`,
    );
  }
  return lines.join('\n');
}

/** 101 rows of y = 3x² − 2 with a note column. */
function curveCsv(): string {
  const lines = ['x,y,note'];
  for (let i = 0; i <= 100; i++) lines.push(`${i / 50 - 1},${3 * (i / 50 - 1) ** 2 - 2},"row ${i}"`);
  return lines.join('\n');
}

describe('playground CSV files in Chromium', () => {
  const started = siteAndBrowser();

  async function open(): Promise<Page> {
    const { browser, server } = started();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]');
    return page;
  }

  /** Drops a file on the page as a user would (a drop event carrying it). */
  async function drop(page: Page, name: string, text: string): Promise<void> {
    await page.evaluate(
      ([name, text]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], name, { type: 'text/csv' }));
        document.dispatchEvent(
          new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
        );
      },
      [name, text],
    );
  }

  const loss = (page: Page) => page.$eval('#loss', (e) => Number((e as HTMLElement).dataset.value));

  /** Trains until the loss is below `share` of its first value; returns both. */
  async function lossFalls(page: Page, share: number): Promise<{ first: number; last: number }> {
    await page.click('#step');
    await page.waitForSelector('body[data-settled="true"]', { state: 'attached' });
    const first = await loss(page);
    await page.click('#start');
    await page.waitForFunction(
      ([limit]) => Number(document.getElementById('loss')?.dataset.value) < limit,
      [first * share],
      { timeout: 30_000 },
    );
    await page.click('#start');
    return { first, last: await loss(page) };
  }

  test('a dropped CSV with a yes/no target trains: the loss falls; two features draw a decision map', async () => {
    const page = await open();
    await drop(page, 'points.csv', circleCsv());
    await page.waitForSelector('#csv-train');
    assert.equal(await page.inputValue('#csv-target'), 'inside', 'the last column is the default target');
    await page.fill('#control-hidden', '8');
    await page.press('#control-hidden', 'Tab');
    await page.selectOption('#control-activation', 'tanh');
    await page.selectOption('#control-optimizer', 'adam');
    await page.fill('#control-learningRate', '0.03');
    await page.press('#control-learningRate', 'Tab');
    await page.click('#csv-train');
    await page.waitForSelector('body[data-settled="true"]', { state: 'attached' });
    assert.match(
      (await page.textContent('#csv-message')) ?? '',
      /^points\.csv: 200 rows, target inside: 1 = yes, 0 = no, inputs height_m, weight_g \(standardized\)/,
    );
    assert.match((await page.textContent('#summary')) ?? '', /Network \(2 → 1/);
    const { first, last } = await lossFalls(page, 0.25);
    console.log(`# points.csv: loss ${first.toExponential(3)} → ${last.toExponential(3)}`);
    await page.close();
  });

  test('a chosen CSV with a numeric target: one feature, a 1-D fit; the loss falls', async () => {
    const page = await open();
    // standardized inputs reach ±1.7: the seed's rate of 0.1 diverges there (the page says so); Adam does not
    await page.selectOption('#control-optimizer', 'adam');
    await page.fill('#control-learningRate', '0.01');
    await page.press('#control-learningRate', 'Tab');
    await page.setInputFiles('#csv-file', {
      name: 'curve.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(curveCsv()),
    });
    await page.waitForSelector('#csv-train');
    await page.selectOption('#csv-target', 'y');
    await page.uncheck('#csv-features input[value="note"]');
    await page.click('#csv-train');
    await page.waitForSelector('body[data-settled="true"]', { state: 'attached' });
    assert.match(
      (await page.textContent('#csv-message')) ?? '',
      /curve\.csv: 101 rows, target y \(standardized\), inputs x/,
    );
    const { first, last } = await lossFalls(page, 0.1);
    console.log(`# curve.csv: loss ${first.toExponential(3)} → ${last.toExponential(3)}`);
    // back to the built-in data: choosing a dataset leaves the file
    await page.selectOption('#control-dataset', 'sine');
    await page.waitForSelector('body[data-settled="true"]', { state: 'attached' });
    assert.match((await page.textContent('#csv-message')) ?? '', /built-in data again/);
    await page.close();
  });

  test("the library's errors are shown: a broken quote, a target with three classes", async () => {
    const page = await open();
    await drop(page, 'broken.csv', 'a,b\n1,"2\n3,4\n');
    await page.waitForFunction(() =>
      /never closed/.test(document.getElementById('csv-message')?.textContent ?? ''),
    );
    assert.match((await page.textContent('#csv-message')) ?? '', /^DataError: broken\.csv:2:3: /);
    await drop(
      page,
      'three.csv',
      ['a,kind', ...Array.from({ length: 30 }, (_, i) => `${i},${'pqr'[i % 3]}`)].join('\n'),
    );
    await page.waitForSelector('#csv-train');
    await page.click('#csv-train');
    await page.waitForFunction(() =>
      /classes/.test(document.getElementById('csv-message')?.textContent ?? ''),
    );
    assert.match((await page.textContent('#csv-message')) ?? '', /target kind has 3 classes/);
    await page.close();
  });
});
