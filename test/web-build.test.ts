// The playground's build (web/build.ts, esbuild): a static folder with the page, its styles and two
// bundles, the page's JavaScript ≤ 100 kB gzipped in all, none of the library's parts the page never
// calls (interop, plots, the CLI's csv-parse; the page's explain hover and CSV reading use the
// library's own integratedGradients and parseCsv), and no module requests left: it works from any host.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildPlayground, siteFiles } from '../web/build.js';

const LIMIT = 100 * 1024;

test('the built site: its files only, JavaScript ≤ 100 kB gzipped, self-contained bundles', async () => {
  const root = await buildPlayground(mkdtempSync(join(tmpdir(), 'scratchnet-build-')));
  try {
    assert.deepEqual(readdirSync(root).sort(), [...siteFiles].sort());
    const scripts = siteFiles.filter((f) => f.endsWith('.js'));
    const sizes = scripts.map((f) => {
      const text = readFileSync(join(root, f), 'utf8');
      // bundled: no import of another module is left (the worker is started by URL, not imported)
      assert.doesNotMatch(text, /(^|[;}\n])import\s*[{*"'\w]|\bimport\(\s*["'`]/, `${f} imports a module`);
      // the library's parts the page never calls stay out (strings those parts carry: export
      // names are minified away, so a name like 'integratedGradients' could never be found)
      for (const absent of ['onnx', 'tensorflowjs', 'vega', 'csv-parse'])
        assert.ok(!text.includes(absent), `${f} contains ${absent}`);
      return { file: f, raw: text.length, gzip: gzipSync(text, { level: 9 }).length };
    });
    // the worker carries the library's own integratedGradients and parseCsv (strings of their messages)
    const worker = scripts.map((f) => readFileSync(join(root, f), 'utf8')).join('\n');
    for (const present of ['baseline has', 'quoted field is never closed'])
      assert.ok(worker.includes(present), `no bundle contains "${present}"`);
    const total = sizes.reduce((sum, s) => sum + s.gzip, 0);
    console.log(
      `# built: ${sizes.map((s) => `${s.file} ${s.raw} B (${s.gzip} B gzipped)`).join(', ')}; total ${total} B gzipped`,
    );
    assert.ok(total <= LIMIT, `${total} B gzipped > ${LIMIT}`);
    assert.match(
      readFileSync(join(root, 'index.html'), 'utf8'),
      /<script type="module" src="playground\.js">/,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
