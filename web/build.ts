// Builds the playground as a static site with esbuild: index.html, style.css, playground.js (the
// page) and playground-worker.js (the training worker), bundled, tree-shaken and minified into one
// folder (dist/web/ by default) that works from any static host and offline.
// Usage: node dist/web/build.js [OUTDIR]

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The project folder: this file is dist/web/build.js. */
const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const sources = join(projectRoot, 'web');

/** The site's files, as they are named in the built folder. */
export const siteFiles = ['index.html', 'style.css', 'playground.js', 'playground-worker.js'];

/** Bundles the page and the worker into `outdir`, copies the page and its styles; resolves with outdir. */
export async function buildPlayground(outdir = join(projectRoot, 'dist', 'web')): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { playground: join(sources, 'main.ts'), 'playground-worker': join(sources, 'worker.ts') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
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
