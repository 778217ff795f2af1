// A tiny static file server for the playground (local use and the browser test): serves web/, the
// compiled dist/, nothing else (the core entry has no dependencies); `/` redirects to /web/.
// Usage: node dist/web/serve.js [--port 8080] [--host 127.0.0.1]   (port 0: any free port)

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
/** the only top-level folders served */
const SERVED = ['web', 'dist'];

/** The project folder: this file is dist/web/serve.js. */
export const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface PlaygroundServer {
  server: Server;
  /** e.g. http://127.0.0.1:40123/web/ */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the server; resolves once it listens. Port 0 (the default) picks a free port.
 * `isolated` (default true) sends the COOP/COEP headers that make the page cross-origin isolated,
 * which is what lets a browser give WebAssembly a shared memory (see src/kernels/wasm/runtime.ts).
 */
export function startServer({
  port = 0,
  host = '127.0.0.1',
  root = projectRoot,
  isolated = true,
} = {}): Promise<PlaygroundServer> {
  const server = createServer(async (req, res) => {
    const send = (code: number, text: string) => {
      res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(400, 'bad path');
    }
    if (path === '/' || path === '/web') {
      res.writeHead(302, { location: '/web/' });
      return res.end();
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(root, path));
    const [top] = file.slice(root.length + 1).split(sep);
    const allowed = SERVED.includes(top);
    if (!file.startsWith(root + sep) || !allowed) return send(404, 'not found');
    try {
      const info = await stat(file);
      if (!info.isFile()) return send(404, 'not found');
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': 'no-store',
        ...(isolated
          ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
          : {}),
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    } catch {
      send(404, 'not found');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const { port: bound } = server.address() as AddressInfo;
      const shown = host.includes(':') ? `[${host}]` : host;
      ok({
        server,
        url: `http://${shown}:${bound}/web/`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(option('port', process.env.PORT ?? '8080'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(
      `serve: --port must be an integer from 0 to 65535, got ${JSON.stringify(option('port', ''))}`,
    );
    process.exit(2);
  }
  startServer({ port, host: option('host', '127.0.0.1') }).then(
    ({ url }) => console.log(`scratchnet playground: ${url}  (Ctrl-C to stop)`),
    (e: Error) => {
      console.error(`serve: ${e.message}`);
      process.exit(1);
    },
  );
}
