// The browser for the browser tests: /usr/bin/chromium where it exists, otherwise the headless Chromium shipped
// inside the @sparticuz/chromium devDependency (unpacked once into node_modules/.cache, with its own libnss3).
// SCRATCHNET_CHROMIUM chooses: `system` (/usr/bin/chromium), `bundled`, or the path of a Chromium binary.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless run as root on a machine with no network but loopback (see test/web.test.ts). */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumChoice {
  /** where the binary comes from, for the test log */
  source: string;
  executablePath: string;
  /** environment of the browser process (the bundled one finds its libraries and fonts through it) */
  env?: Record<string, string>;
}

/** Reads SCRATCHNET_CHROMIUM (empty or `auto`: the system browser if installed, else the bundled one). */
export async function findChromium(setting = process.env.SCRATCHNET_CHROMIUM ?? ''): Promise<ChromiumChoice> {
  const wanted = setting.trim() || 'auto';
  const system = { source: 'system', executablePath: SYSTEM_CHROMIUM };
  if (wanted === 'auto') return existsSync(SYSTEM_CHROMIUM) ? system : bundledChromium();
  if (wanted === 'bundled') return bundledChromium();
  if (wanted === 'system') {
    if (!existsSync(SYSTEM_CHROMIUM))
      throw new Error(`SCRATCHNET_CHROMIUM=system but ${SYSTEM_CHROMIUM} does not exist`);
    return system;
  }
  if (!isAbsolute(wanted) || !existsSync(wanted)) {
    throw new Error(
      `SCRATCHNET_CHROMIUM="${wanted}" is neither auto, system, bundled nor the absolute path of an existing file`,
    );
  }
  return { source: 'path', executablePath: wanted };
}

/** Starts the chosen Chromium with playwright-core; `choice.source` says which one it is. */
export async function launchChromium(): Promise<{ browser: Browser; choice: ChromiumChoice }> {
  const choice = await findChromium();
  const { executablePath, env } = choice;
  const browser = await chromium.launch({ executablePath, env, args: ARGS, timeout: 20_000 });
  return { browser, choice };
}

/** The @sparticuz/chromium browser, unpacked on first use into node_modules/.cache/scratchnet-chromium-VERSION. */
async function bundledChromium(): Promise<ChromiumChoice> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the Chromium inside @sparticuz/chromium runs on x86-64 Linux, not ${process.platform}-${process.arch}: ` +
        'set SCRATCHNET_CHROMIUM to the path of a Chromium or Chrome binary',
    );
  }
  const packageRoot = bundledPackageRoot();
  const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  const cache = join(packageRoot, '..', '..', '.cache', `scratchnet-chromium-${version}`);
  if (!existsSync(join(cache, 'chromium'))) await unpack(join(packageRoot, 'bin'), cache);
  const inherited = process.env.LD_LIBRARY_PATH;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  // the package's own libnss3, libnspr4 and libexpat (Amazon Linux 2023 builds), so that a machine without
  // Debian's chromium (which brings those) can run it; used everywhere, so every machine runs the same thing
  env.LD_LIBRARY_PATH = join(cache, 'al2023', 'lib') + (inherited ? `:${inherited}` : '');
  env.FONTCONFIG_FILE = join(cache, 'fonts.conf');
  return { source: `bundled @sparticuz/chromium ${version}`, executablePath: join(cache, 'chromium'), env };
}

function bundledPackageRoot(): string {
  try {
    // the package exports only its entry (build/cjs/index.cjs), two folders below its root
    return join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..', '..');
  } catch {
    throw new Error(
      `no browser: ${SYSTEM_CHROMIUM} does not exist and the devDependency @sparticuz/chromium is not installed ` +
        '(run `npm install`, or `apt-get install chromium`, or set SCRATCHNET_CHROMIUM to a Chromium binary)',
    );
  }
}

/**
 * Unpacks the browser (chromium.br), its fonts, SwiftShader and the libraries into a fresh folder, then
 * renames it into place, so that test files starting at the same time never see half an unpacked browser.
 */
async function unpack(bin: string, cache: string): Promise<void> {
  const staging = `${cache}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const { default: Chromium } = await import('@sparticuz/chromium');
  const tmpdir = process.env.TMPDIR;
  process.env.TMPDIR = staging; // executablePath() unpacks into os.tmpdir()
  try {
    await Chromium.executablePath(bin);
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
  mkdirSync(join(staging, 'al2023'));
  const tar = spawnSync('tar', ['-x', '-C', join(staging, 'al2023')], {
    input: brotliDecompressSync(readFileSync(join(bin, 'al2023.tar.br'))),
  });
  if (tar.status !== 0) throw new Error(`tar could not unpack al2023.tar.br: ${tar.stderr}`);
  writeFileSync(
    join(staging, 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
      `  <dir>${join(cache, 'fonts')}</dir>\n  <dir>/usr/share/fonts</dir>\n` +
      `  <cachedir>${join(cache, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
  );
  try {
    renameSync(staging, cache);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(cache, 'chromium'))) throw error; // else another process got there first
  }
}
