// A tiny static file server for the playground (local use and the browser tests): serves the built
// site (dist/web/, see build.ts) at /web/, nothing else; `/` redirects to /web/. Hardened for a shared machine: it checks the
// Host header, never follows a link out of its folders, answers file errors with a status, closes
// every file when a client goes away, compresses, and sends nosniff and a content security policy.
// Usage: node dist/web/serve.js [--port 8080] [--host 127.0.0.1] [--root SITE]   (port 0: any free port)

import { open, realpath, type FileHandle } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createBrotliCompress, createGzip, constants as zlib } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};
/** what a file error becomes: the server never dies of one */
const FILE_ERRORS: Record<string, [number, string]> = {
  ENOENT: [404, 'not found'],
  ENOTDIR: [404, 'not found'],
  EISDIR: [404, 'not found'],
  ELOOP: [404, 'not found'],
  EACCES: [403, 'forbidden'],
  EPERM: [403, 'forbidden'],
  EMFILE: [503, 'busy: too many open files, try again'],
  ENFILE: [503, 'busy: too many open files, try again'],
};
/**
 * Scripts and styles from this origin only; 'wasm-unsafe-eval' lets the WebAssembly kernels compile;
 * workers from this origin (the training worker).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The project folder: this file is dist/web/serve.js. */
export const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The built site (npm run build): served at /web/. */
export const siteRoot = join(projectRoot, 'dist', 'web');

export interface PlaygroundServer {
  server: Server;
  /** e.g. http://127.0.0.1:40123/web/ */
  url: string;
  close(): Promise<void>;
}

interface Options {
  port?: number;
  host?: string;
  /** the folder served at /web/ (default: the built site, dist/web/) */
  root?: string;
  /** COOP/COEP headers (default true) */
  isolated?: boolean;
}

/**
 * Starts the server; resolves once it listens. Port 0 (the default) picks a free port.
 * `isolated` (default true) sends the COOP/COEP headers that make the page cross-origin isolated,
 * which is what lets a browser give WebAssembly a shared memory (see src/kernels/wasm/runtime.ts).
 */
export function startServer({
  port = 0,
  host = '127.0.0.1',
  root = siteRoot,
  isolated = true,
}: Options = {}): Promise<PlaygroundServer> {
  const base = resolve(root);
  const server = createServer((req, res) => {
    handle(req, res, base, host, isolated).catch((e: Error) => fail(res, 500, `server error: ${e.message}`));
  });
  return new Promise((ok, failed) => {
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      // a failed accept (EMFILE) is reported here; the server goes on with the next connection
      server.on('error', (e) => console.error(`serve: ${e.message}`));
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

/** A plain-text answer (errors, refusals); safe to call once headers went out (it then just ends). */
function fail(res: ServerResponse, code: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  host: string,
  isolated: boolean,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'method not allowed');
  if (!hostAllowed(req.headers.host, host)) return fail(res, 421, 'unknown host');
  const path = pathOf(req.url);
  if (path === undefined) return fail(res, 400, 'bad path');
  if (path === '/' || path === '/web') {
    res.writeHead(302, { location: '/web/' });
    res.end();
    return;
  }
  const file = path.startsWith('/web/')
    ? await servedFile(root, path.endsWith('/') ? `${path}index.html` : path)
    : undefined;
  if (!file) return fail(res, 404, 'not found');
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    return failFile(res, e);
  }
  await sendFile(req, res, handle, file, isolated);
}

function failFile(res: ServerResponse, e: unknown): void {
  const [code, text] = FILE_ERRORS[(e as NodeJS.ErrnoException).code ?? ''] ?? [500, 'cannot read the file'];
  fail(res, code, text);
}

function pathOf(url = '/'): string | undefined {
  try {
    return decodeURIComponent(new URL(url, 'http://x').pathname);
  } catch {
    return undefined;
  }
}

/**
 * DNS rebinding guard: the Host header must name this server by an IP address (any: a rebinding
 * attack needs a name), `localhost`, or the name it listens on.
 */
export function hostAllowed(header: string | undefined, listening: string): boolean {
  if (!header) return false;
  const name = header
    .replace(/:\d+$/, '')
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase();
  return isIP(name) !== 0 || name === 'localhost' || name === listening.toLowerCase();
}

/** The real path of the file at /web/… under root, or undefined (outside, missing, or a link out of root). */
async function servedFile(root: string, path: string): Promise<string | undefined> {
  const file = normalize(join(root, path.slice('/web/'.length)));
  if (!file.startsWith(root + sep)) return undefined;
  try {
    const [real, folder] = await Promise.all([realpath(file), realpath(root)]);
    return real.startsWith(folder + sep) ? real : undefined;
  } catch {
    return undefined; // missing (or unreadable folder): a 404 either way
  }
}

/** Streams an open file: 304 when the client has it, gzip or brotli when asked; the handle is always closed. */
async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  handle: FileHandle,
  file: string,
  isolated: boolean,
): Promise<void> {
  let info: Awaited<ReturnType<FileHandle['stat']>>;
  try {
    info = await handle.stat();
  } catch (e) {
    await handle.close();
    return failFile(res, e);
  }
  const etag = `"${info.size.toString(36)}-${Math.round(info.mtimeMs).toString(36)}"`;
  const type = TYPES[extname(file)];
  const encoding = type && info.size > 512 ? encodingFor(req.headers['accept-encoding']) : undefined;
  const headers = responseHeaders(type, etag, encoding, isolated);
  if (!info.isFile() || req.headers['if-none-match'] === etag || req.method === 'HEAD') {
    await handle.close();
    if (!info.isFile()) return fail(res, 404, 'not found');
    res.writeHead(req.method === 'HEAD' ? 200 : 304, headers);
    return void res.end();
  }
  if (!encoding) headers['content-length'] = String(info.size);
  res.writeHead(200, headers);
  const stream = handle.createReadStream(); // closes the handle when it ends or is destroyed
  const done = (e: Error | null) => {
    if (e) res.destroy(); // the client went away or the read failed: pipeline has closed the file
  };
  if (encoding === 'br') pipeline(stream, createBrotliCompress(BROTLI), res, done);
  else if (encoding === 'gzip') pipeline(stream, createGzip(), res, done);
  else pipeline(stream, res, done);
}

const BROTLI = { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } };

function encodingFor(accepted: string | undefined): 'br' | 'gzip' | undefined {
  const list = (accepted ?? '').split(',').map((s) => s.trim().split(';')[0]);
  if (list.includes('br')) return 'br';
  return list.includes('gzip') ? 'gzip' : undefined;
}

function responseHeaders(
  type: string | undefined,
  etag: string,
  encoding: string | undefined,
  isolated: boolean,
): Record<string, string> {
  return {
    'content-type': type ?? 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'referrer-policy': 'no-referrer',
    // revalidated on each load (the etag makes that a 304), so a rebuild shows at once
    'cache-control': 'no-cache',
    etag,
    vary: 'accept-encoding',
    ...(encoding ? { 'content-encoding': encoding } : {}),
    ...(isolated
      ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
      : {}),
  };
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
  startServer({ port, host: option('host', '127.0.0.1'), root: resolve(option('root', siteRoot)) }).then(
    ({ url }) => console.log(`scratchnet playground: ${url}  (Ctrl-C to stop)`),
    (e: Error) => {
      console.error(`serve: ${e.message}`);
      process.exit(1);
    },
  );
}
