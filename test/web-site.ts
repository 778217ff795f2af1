// For the browser tests: the playground built from the sources (web/build.ts, esbuild) into a fresh
// folder of the test's own, so test files running at once never read each other's half-written
// bundles, and the tests see exactly what `npm run build` ships; served by web/serve.ts.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildPlayground } from '../web/build.js';
import { startServer, type PlaygroundServer } from '../web/serve.js';
import { launchChromium } from './chromium.js';

export interface Site extends PlaygroundServer {
  /** the built folder */
  root: string;
}

/** Builds the site into a temporary folder and serves it (`isolated`: COOP/COEP, default true). */
export async function startSite(isolated = true): Promise<Site> {
  const root = await buildPlayground(mkdtempSync(join(tmpdir(), 'scratchnet-site-')));
  const server = await startServer({ root, isolated });
  return {
    ...server,
    root,
    close: async () => {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Inside a describe: hooks that build and serve the site and launch Chromium before its tests and
 * close both after them. Returns a getter for the two (an error if a test runs before the hook).
 */
export function siteAndBrowser(): () => { server: Site; browser: Browser } {
  let server: Site | undefined;
  let browser: Browser | undefined;
  before(async () => {
    server = await startSite();
    browser = (await launchChromium()).browser;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return () => {
    if (!server || !browser) throw new Error('the site and the browser are not started');
    return { server, browser };
  };
}
