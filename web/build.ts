// Builds the playground as a static site: index.html, style.css, playground.js (the page) and
// playground-worker.js (the training worker), bundled and tree-shaken by esbuild, then minified again
// by terser, into one folder (dist/web/ by default) that works from any static host and offline.
// Usage: node dist/web/build.js [OUTDIR]

import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { minify, type MinifyOptions } from 'terser';

/** The project folder: this file is dist/web/build.js. */
const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const sources = join(projectRoot, 'web');

/** The site's files, as they are named in the built folder. */
export const siteFiles = ['index.html', 'style.css', 'playground.js', 'playground-worker.js'];

/**
 * terser's second pass over esbuild's minified bundles: 96.1 kB gzipped in all instead of 100.2 kB
 * (its name choice and compressor, two passes, ~3.6 s of CPU for both bundles). ASCII output as
 * esbuild writes it (`\u2212`…): smaller once gzipped than the raw UTF-8 characters.
 */
const terserOptions: MinifyOptions = {
  module: true,
  ecma: 2022,
  compress: { passes: 2 },
  format: { ascii_only: true },
};

/**
 * terser's output for `code`, kept in the temporary folder under the hash of its input and options:
 * every browser test builds the site, and all but the first then skip the 3.6 s of minifying.
 */
async function minified(code: string): Promise<string> {
  const key = createHash('sha256')
    .update(JSON.stringify([terserOptions, terserVersion()]))
    .update(code)
    .digest('hex');
  const cache = join(tmpdir(), 'scratchnet-terser');
  const file = join(cache, `${key}.js`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // not minified yet
  }
  const out = (await minify(code, terserOptions)).code;
  if (out === undefined) throw new Error('terser returned no code');
  mkdirSync(cache, { recursive: true });
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, out);
  renameSync(partial, file); // whole or absent: a concurrent build never reads half a file
  return out;
}

function terserVersion(): string {
  const url = import.meta.resolve('terser/package.json');
  return (JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as { version: string }).version;
}

/**
 * The data-parallel trainer's threads (src/train/parallel.ts), as fit reaches them, replaced by
 * web/parallel-stub.ts: a browser has none, and fit runs chunks on the calling thread without them
 * (3.3 kB gzipped less).
 */
const threadless: Plugin = {
  name: 'threadless',
  setup(b) {
    b.onResolve({ filter: /^\.\/parallel\.js$/ }, (args) =>
      args.importer.endsWith(join('train', 'parallel-auto.ts'))
        ? { path: join(sources, 'parallel-stub.ts') }
        : undefined,
    );
  },
};

/** Bundles the page and the worker into `outdir`, copies the page and its styles; resolves with outdir. */
export async function buildPlayground(outdir = join(projectRoot, 'dist', 'web')): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  const { outputFiles } = await build({
    entryPoints: { playground: join(sources, 'main.ts'), 'playground-worker': join(sources, 'worker.ts') },
    outdir,
    write: false,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    // a browser has no `process`: the library's Node-only paths (worker_threads, node:os for the
    // core count: src/train/parallel*.ts) fold away, as they would return null / 1 there anyway
    // (824 B gzipped); DataParallel itself is left out by `threadless`
    define: { 'globalThis.process': 'undefined' },
    // class fields as TypeScript emitted them before ES2022: set in the constructor, so a field the
    // constructor assigns (`readonly layers: Layer[];`) leaves no bare declaration behind (0.3 kB
    // gzipped). Nothing here tells the two apart: no field shadows an inherited accessor, none is
    // read before its constructor sets it, and no code lists a class instance's own properties
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
    plugins: [threadless],
  });
  for (const file of outputFiles) writeFileSync(join(outdir, basename(file.path)), await minified(file.text));
  writeFileSync(join(outdir, 'index.html'), readFileSync(join(sources, 'index.html')));
  copyFileSync(join(sources, 'style.css'), join(outdir, 'style.css'));
  return outdir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildPlayground(process.argv[2] ? resolve(process.argv[2]) : undefined).then(
    (outdir) => console.log(`playground built: ${outdir}/index.html`),
    (e: Error) => {
      console.error(`build: ${e.message}`);
      process.exit(1);
    },
  );
}
