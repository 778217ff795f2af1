#!/usr/bin/env bash
# Runs the playground test as on a machine without Debian's chromium: in a private mount namespace (needs root and
# unshare) Debian's browser and the libraries it brings (libnss3, libnspr4, libexpat) are hidden, and the test is
# told to use the Chromium inside the @sparticuz/chromium devDependency. Usage: scripts/bare-chromium.sh (after a build)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != --inside ]; then exec unshare -m --propagation private "$0" --inside; fi
lib=/usr/lib/x86_64-linux-gnu
for f in libnss3.so libnssutil3.so libnspr4.so libplc4.so libplds4.so libexpat.so.1; do
  if [ -e "$lib/$f" ]; then mount --bind /dev/null "$(realpath "$lib/$f")"; fi
done
if [ -d /usr/lib/chromium ]; then mount -t tmpfs none /usr/lib/chromium; fi
echo "# /usr/bin/chromium now: $(/usr/bin/chromium --version 2>&1 | tail -1 || true)"
SCRATCHNET_CHROMIUM=bundled node --test --test-reporter=spec dist/test/web.test.js
