// The exported ONNX file in onnxruntime-web inside Chromium (a page of this test's own, served from
// 127.0.0.1): the same predictions as `predict` and onnxruntime-node, for a CLI-trained model with
// string inputs and missing cells (ai.onnx.ml OneHotEncoder, LabelEncoder) and a multiclass model.
// Skipped, saying why, when no Chromium is installed (`apt-get install -y chromium`).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import ort from 'onnxruntime-node';
import { chromium, type Browser } from 'playwright-core';
import { parseModel, type ModelFile } from '../src/io/index.js';
import { exportOnnx, sampleRecords } from '../src/io/export/index.js';
import { referencePredictions } from '../src/io/export/check.js';
import { onnxFeeds, type OnnxRuntime } from '../src/io/export/onnx-check.js';
import { scratchDir, scratchnet } from './fixtures/cli.js';
import { maxAbsDifference, trainedModel, writeCategoricalCsv } from './interop-helpers.js';

const BROWSERS = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
const browserPath = BROWSERS.find((p): p is string => !!p && existsSync(p));
const ortDist = fileURLToPath(new URL('../../node_modules/onnxruntime-web/dist/', import.meta.url));

const page = `<!doctype html><meta charset="utf-8"><title>onnxruntime-web</title><script type="module">
import * as ort from '/ort/ort.wasm.min.mjs';
ort.env.wasm.numThreads = 1; // no cross-origin isolation needed
ort.env.wasm.wasmPaths = '/ort/';
window.run = async (feeds) => {
  const session = await ort.InferenceSession.create(new Uint8Array(await (await fetch('/model.onnx')).arrayBuffer()));
  const inputs = {};
  for (const [name, f] of Object.entries(feeds))
    inputs[name] = new ort.Tensor(f.type, f.type === 'string' ? f.data : Float64Array.from(f.data), f.dims);
  const out = await session.run(inputs);
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, Array.from(t.data)]));
};
window.ready = true;
</script>`;

/** Serves the page, onnxruntime-web's files and the model being tested. */
function serve(model: () => Uint8Array): Promise<Server> {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    if (url === '/model.onnx') return res.writeHead(200).end(model());
    const file = url.startsWith('/ort/') ? join(ortDist, url.slice(5).replace(/[^\w.-]/g, '')) : '';
    if (!file || !existsSync(file)) return res.writeHead(404).end();
    const type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('ONNX export in onnxruntime-web (Chromium)', {
  skip: browserPath
    ? false
    : `no Chromium found (${BROWSERS.filter(Boolean).join(', ')}): install it with apt-get install -y chromium`,
}, () => {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let current: Uint8Array = new Uint8Array(0);

  before(async () => {
    server = await serve(() => current);
    browser = await chromium.launch({
      executablePath: browserPath,
      args: ['--no-sandbox', '--disable-gpu'],
      timeout: 20_000,
    });
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  /** The model's outputs for 1,000 records in the page, in onnxruntime-node, and from predict. */
  async function runEverywhere(model: ModelFile) {
    current = exportOnnx(model, { dtype: 'float64' });
    const records = sampleRecords(model, 1000, 41).map((r, i) => (i % 9 === 0 ? { ...r, city: 'NA' } : r));
    const ref = referencePredictions(model, records);
    const feeds = onnxFeeds(ort as unknown as OnnxRuntime, model, ref, 'float64') as Record<
      string,
      ort.Tensor
    >;
    const node = await (await ort.InferenceSession.create(current)).run(feeds);
    const tab = await (browser as Browser).newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(`http://127.0.0.1:${((server as Server).address() as AddressInfo).port}/`);
    await tab.waitForFunction(() => (window as unknown as { ready?: boolean }).ready);
    const plain = Object.fromEntries(
      Object.entries(feeds).map(([k, t]) => [
        k,
        { type: t.type, data: Array.from(t.data as ArrayLike<unknown>), dims: t.dims },
      ]),
    );
    const web = (await tab.evaluate(
      (f) => (window as unknown as { run(f: unknown): Promise<unknown> }).run(f),
      plain,
    )) as Record<string, (number | string)[]>;
    await tab.close();
    assert.deepEqual(errors, []);
    return { web, node, ref };
  }

  test('a CLI-trained model with categories and missing cells: the same values as predict and onnxruntime-node', async () => {
    const dir = scratchDir('scratchnet-web-onnx-');
    writeCategoricalCsv(join(dir, 'houses.csv'));
    const args = ['--impute', 'mean', '--epochs', '30', '--no-plots', '--progress', 'quiet'];
    assert.equal(scratchnet(['train', '--data', 'houses.csv', '--target', 'price', ...args], dir).code, 0);
    const model = parseModel(readFileSync(join(dir, 'model.json'), 'utf8'));
    const { web, node, ref } = await runEverywhere(model);
    assert.equal(web.value.length, 1000);
    assert.ok(maxAbsDifference(web.value as number[], ref.out.data) <= 1e-12);
    assert.ok(maxAbsDifference(web.value as number[], node.value.data as Float64Array) <= 1e-12);
  });

  test('a multiclass model: the same probabilities and labels', async () => {
    const model = trainedModel('multiclass', 'gelu');
    const { web, ref } = await runEverywhere(model);
    assert.ok(maxAbsDifference(web.probabilities as number[], (ref.probabilities ?? []).flat()) <= 1e-12);
    assert.deepEqual(
      web.label,
      ref.predictions.map((p) => p[0]),
    );
  });
});
