// findChromium(setting): which browser the browser tests start (SCRATCHNET_CHROMIUM), without starting one.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SYSTEM_CHROMIUM, findChromium } from './chromium.js';

const linuxX64 = process.platform === 'linux' && process.arch === 'x64';

test('auto (or empty) takes /usr/bin/chromium when it exists, else the bundled one', async () => {
  for (const setting of ['', 'auto', '  ']) {
    const choice = await findChromium(setting);
    assert.equal(choice.source === 'system', existsSync(SYSTEM_CHROMIUM), `"${setting}": ${choice.source}`);
  }
});

test('system insists on /usr/bin/chromium; a path must be absolute and exist; anything else is refused', async () => {
  if (existsSync(SYSTEM_CHROMIUM)) {
    assert.deepEqual(await findChromium('system'), { source: 'system', executablePath: SYSTEM_CHROMIUM });
  } else
    await assert.rejects(
      findChromium('system'),
      /SCRATCHNET_CHROMIUM=system but \/usr\/bin\/chromium does not exist/,
    );
  assert.deepEqual(await findChromium(process.execPath), {
    source: 'path',
    executablePath: process.execPath,
  });
  for (const bad of ['chromium', 'node_modules/.bin/x', '/no/such/chromium', 'Bundled']) {
    await assert.rejects(
      findChromium(bad),
      new RegExp(`SCRATCHNET_CHROMIUM="${bad}" is neither auto, system, bundled`),
    );
  }
});

test('bundled: the unpacked @sparticuz/chromium binary, with its own libraries first on LD_LIBRARY_PATH', {
  skip: !linuxX64,
}, async () => {
  const choice = await findChromium('bundled');
  assert.match(choice.source, /^bundled @sparticuz\/chromium \d+\.\d+\.\d+$/);
  assert.ok(existsSync(choice.executablePath), choice.executablePath);
  const libraries = choice.env?.LD_LIBRARY_PATH?.split(':')[0] ?? '';
  assert.ok(existsSync(join(libraries, 'libnss3.so')), `libnss3.so in ${libraries}`);
  assert.ok(existsSync(choice.env?.FONTCONFIG_FILE ?? ''), 'fonts.conf');
});
