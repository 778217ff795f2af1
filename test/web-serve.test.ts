// The playground's static server under stress, as its own process: an open-file limit of 64
// (`ulimit -n 64` through sh), 100 downloads aborted after 1 kB, a file it cannot read, a link out of
// its folders, a foreign Host header. It must answer each with a status, never die, and leave no
// file handle open (counted in /proc/PID/fd). Runs as user nobody when the tests run as root, so
// that a mode-000 file really is unreadable.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { projectRoot } from '../web/serve.js';

const NOBODY = 65534;
const BIG = 8 << 20; // 8 MB: far more than the socket buffers hold, so an aborted download is cut mid-file

/** A site to serve: a page, a big file, an unreadable file, a link to /etc/passwd and one to a file beside it. */
function makeRoot(): string {
  const top = mkdtempSync(join(tmpdir(), 'scratchnet-serve-'));
  const root = join(top, 'site');
  chmodSync(top, 0o755);
  mkdirSync(root);
  writeFileSync(join(root, 'index.html'), `<!doctype html><title>t</title>${'<p>hello</p>'.repeat(200)}`);
  writeFileSync(join(root, 'big.js'), Buffer.alloc(BIG, 'let a = 1;\n'));
  writeFileSync(join(root, 'secret.txt'), 'secret');
  chmodSync(join(root, 'secret.txt'), 0o000);
  symlinkSync('/etc/passwd', join(root, 'passwd'));
  writeFileSync(join(top, 'beside.js'), 'export const b = 2;\n');
  symlinkSync('../beside.js', join(root, 'beside.js'));
  writeFileSync(join(root, 'a.js'), 'export const a = 1;\n');
  return root;
}

/** The server as a child: `ulimit -n 64`, then node; resolves with its URL once it listens. */
function startChild(root: string): Promise<{ child: ChildProcess; port: number }> {
  const serve = join(projectRoot, 'dist', 'web', 'serve.js');
  const asNobody = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
  const child = spawn(
    'sh',
    ['-c', `ulimit -n 64 && exec "${process.execPath}" "${serve}" --port 0 --root "${root}"`],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...asNobody,
    },
  );
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d;
      const port = /:(\d+)\/web\//.exec(out)?.[1];
      if (port) ok({ child, port: Number(port) });
    });
    child.once('exit', (code) => fail(new Error(`server exited with ${code} before listening: ${out}`)));
  });
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

/** Starts a download of big.js and hangs up after 1 kB (or on any answer, or after 5 s); resolves with the status line. */
function abortedDownload(port: number): Promise<string> {
  return new Promise((ok) => {
    const socket = connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    const stop = (why: string) => {
      clearTimeout(timer);
      socket.destroy();
      ok(why);
    };
    const timer = setTimeout(() => stop('timeout'), 5000);
    socket.on('connect', () =>
      socket.write(
        `GET /web/big.js HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept-Encoding: identity\r\n\r\n`,
      ),
    );
    socket.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 1024 || !got.toString('latin1').startsWith('HTTP/1.1 200'))
        stop(got.toString('latin1').split('\r\n')[0]);
    });
    socket.on('error', () => stop('error'));
    socket.on('close', () => stop(got.toString('latin1').split('\r\n')[0] || 'closed'));
  });
}

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

/** The server's open descriptors: all of them, and those on files of the served folder. */
function openFiles(pid: number, root: string): { total: number; served: string[] } {
  const links = readdirSync(`/proc/${pid}/fd`).map((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      return '';
    }
  });
  return { total: links.length, served: links.filter((l) => l.startsWith(root)) };
}

/** openFiles once the server has closed what it was closing (a handle closes just after its response ends): up to 5 s. */
async function settledFiles(
  pid: number,
  root: string,
  total: number,
): Promise<{ total: number; served: string[] }> {
  let now = openFiles(pid, root);
  for (let i = 0; i < 50 && (now.served.length > 0 || now.total > total); i++) {
    await new Promise((r) => setTimeout(r, 100));
    now = openFiles(pid, root);
  }
  return now;
}

describe('static server under an open-file limit of 64', () => {
  let root = '';
  let child: ChildProcess | undefined;
  let port = 0;

  before(async () => {
    root = makeRoot();
    ({ child, port } = await startChild(root));
  });
  after(() => {
    child?.kill();
    rmSync(join(root, '..'), { recursive: true, force: true });
  });

  test('100 downloads aborted after 1 kB, then 100 at once past the limit: it survives and leaves no file open', async () => {
    const pid = child?.pid ?? 0;
    const before = openFiles(pid, root);
    // ten at a time, under the limit: each is a real download cut off mid-file
    const waves: string[] = [];
    for (let i = 0; i < 10; i++)
      waves.push(...(await Promise.all(Array.from({ length: 10 }, () => abortedDownload(port)))));
    assert.deepEqual(tally(waves), { 'HTTP/1.1 200 OK': 100 });
    // all at once: past 64 descriptors, so some opens (or accepts) fail with EMFILE
    const burst = tally(await Promise.all(Array.from({ length: 100 }, () => abortedDownload(port))));
    console.log(`# 100 at once: ${JSON.stringify(burst)}; descriptors before: ${before.total}`);
    // then it serves as before, and every file it opened is closed again
    assert.equal((await get(port, '/web/')).status, 200);
    const now = await settledFiles(pid, root, before.total);
    console.log(`# descriptors after: ${now.total}, on served files: ${now.served.length}`);
    assert.deepEqual(now.served, [], 'file handles left open');
    assert.ok(now.total <= before.total, `descriptors: ${before.total} before, ${now.total} after`);
    assert.equal(child?.exitCode, null, 'the server is still running');
  });

  test('a file it cannot read is a 403, a link out of its folders a 404; it goes on serving', async () => {
    if (process.getuid?.() === 0 || process.getuid?.() === NOBODY) {
      assert.equal((await get(port, '/web/secret.txt')).status, 403);
    }
    const link = await get(port, '/web/passwd');
    assert.equal(link.status, 404);
    assert.doesNotMatch(link.body.toString(), /root:/);
    assert.equal((await get(port, '/web/beside.js')).status, 404);
    assert.equal((await get(port, '/web/a.js')).status, 200);
    assert.deepEqual((await settledFiles(child?.pid ?? 0, root, Infinity)).served, []);
  });

  test('Host header checked; nosniff, a content security policy and compression sent', async () => {
    assert.equal((await get(port, '/web/', { host: 'evil.example' })).status, 421);
    assert.equal((await get(port, '/web/', { host: `localhost:${port}` })).status, 200);
    const page = await get(port, '/web/', { 'accept-encoding': 'gzip' });
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.match(String(page.headers['content-security-policy']), /script-src 'self' 'wasm-unsafe-eval'/);
    assert.equal(page.headers['content-encoding'], 'gzip');
    assert.match(gunzipSync(page.body).toString(), /<p>hello<\/p>/);
    const again = await get(port, '/web/', { 'if-none-match': String(page.headers.etag) });
    assert.equal(again.status, 304);
    assert.equal((await get(port, '/web/', { 'accept-encoding': 'br' })).headers['content-encoding'], 'br');
  });
});
