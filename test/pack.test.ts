// The package as a user receives it: `npm pack` of the built tree, the tarball installed in an empty folder
// (from npm's cache when it can), then the `scratchnet` command, both entry points, the types (TypeScript itself,
// arethetypeswrong, publint) and the tarball's file list. Also: `npm install` leaves package-lock.json unchanged.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url)); // from dist/test/

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (never throws for a non-zero exit: the caller asserts on `code`). */
function run(command: string, args: string[], cwd: string): Promise<Run> {
  // not measured by `npm run coverage`: npm, tsc and the installed copy are not this tree's sources
  const env = { ...process.env, NODE_V8_COVERAGE: undefined };
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 << 20, timeout: 180_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function assertRan(result: Run, what: string): void {
  assert.equal(result.code, 0, `${what} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
}

const bin = (name: string) => join(projectRoot, 'node_modules', '.bin', name);
const npmQuiet = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

/** Every .ts file under src/, relative to the project (src/index.ts, src/nn/dense.ts, …). */
function sources(folder = join(projectRoot, 'src')): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [relative(projectRoot, path)] : [];
  });
}

describe('the packed tarball, installed in an empty folder', () => {
  let work = '';
  let tarball = '';
  let files: string[] = [];
  const app = () => join(work, 'app');

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'scratchnet-pack-'));
    // --ignore-scripts: pack the tree `npm test` has just built (prepare would only rebuild it)
    const pack = await run(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', work],
      projectRoot,
    );
    assertRan(pack, 'npm pack');
    const [info] = JSON.parse(pack.stdout) as {
      filename: string;
      size: number;
      unpackedSize: number;
      files: { path: string }[];
    }[];
    tarball = join(work, info.filename);
    files = info.files.map((f) => f.path).sort();
    const kB = (bytes: number) => (bytes / 1024).toFixed(0);
    console.log(
      `# ${info.filename}: ${kB(info.size)} kB packed, ${kB(info.unpackedSize)} kB unpacked, ${files.length} files`,
    );
    mkdirSync(app());
    // a user's project; scratchnet's own scripts (prepare) are for its repository, never for its users
    const manifest = { private: true, type: 'module', allowScripts: { scratchnet: false } };
    writeFileSync(join(app(), 'package.json'), JSON.stringify(manifest));
    assertRan(await run('npm', ['install', ...npmQuiet, tarball], app()), 'npm install of the tarball');
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the tarball holds the compiled src/ with its declarations, README.md and package.json: nothing else', () => {
    const expected = sources().flatMap((ts) => {
      const base = join('dist', ts.replace(/\.ts$/, ''));
      return [`${base}.d.ts`, `${base}.js`];
    });
    expected.push('README.md', 'package.json');
    // a difference names stale files in dist/src (delete dist/ and rebuild), tests, benchmarks or source maps
    assert.deepEqual(files, expected.sort());
  });

  test('npx scratchnet --help runs the installed command line', async () => {
    const help = await run('npx', ['--offline', 'scratchnet', '--help'], app());
    assertRan(help, 'npx scratchnet --help');
    assert.match(help.stdout, /^Usage: scratchnet /);
    for (const command of ['train', 'predict', 'evaluate', 'gradcheck', 'doctor', 'datasets']) {
      assert.match(help.stdout, new RegExp(`^ {2}${command}\\b`, 'm'), `command ${command} in --help`);
    }
  });

  test("import { Network, fit } from 'scratchnet' trains; scratchnet/io reads a model file the command wrote", async () => {
    const train = [
      'scratchnet',
      'train',
      '--dataset',
      'and',
      '--layers',
      '4',
      '--epochs',
      '20',
      '--seed',
      '1',
    ];
    const quiet = ['--no-plots', '--progress', 'quiet', '--out', 'model.json'];
    assertRan(await run('npx', ['--offline', ...train, ...quiet], app()), 'scratchnet train');
    const script = `
      import { readFileSync } from 'node:fs';
      import { Network, fit } from 'scratchnet';
      import { parseModel, modelNetwork } from 'scratchnet/io';
      const x = [[0], [0.5], [1]], y = [[0], [0.25], [1]];
      const net = new Network({ layers: [1, 8, 1], activation: 'tanh', seed: 1 });
      const { loss } = fit(net, x, y, { epochs: 200, learningRate: 0.05, scale: false });
      const model = parseModel(readFileSync('model.json', 'utf8'));
      const rows = modelNetwork(model).predict([[0, 0], [0, 1], [1, 0], [1, 1]]).rows;
      console.log(JSON.stringify({ first: loss[0], last: loss.at(-1), format: model.format, rows }));`;
    writeFileSync(join(app(), 'use.mjs'), script);
    const used = await run(process.execPath, ['use.mjs'], app());
    assertRan(used, 'node use.mjs');
    const { first, last, format, rows } = JSON.parse(used.stdout);
    assert.ok(last < first / 10, `fit through the package: loss ${first} → ${last}`);
    assert.equal(format, 'scratchnet-model');
    assert.equal(rows, 4);
  });

  test('TypeScript resolves the types of both entry points (NodeNext, strict)', async () => {
    const code = `
      import { Network, fit, type History } from 'scratchnet';
      import { parseModel, type ModelFile } from 'scratchnet/io';
      const net: Network = new Network({ layers: [1, 4, 1] });
      const history: History = fit(net, [[0], [1]], [[0], [1]], { epochs: 1 });
      const model: (text: string) => ModelFile = parseModel;
      // @ts-expect-error layer sizes are numbers (an error here proves the types are not \`any\`)
      new Network({ layers: ['one'] });
      export { history, model };`;
    writeFileSync(join(app(), 'use.ts'), code);
    const options = {
      module: 'NodeNext',
      target: 'ES2022',
      strict: true,
      noEmit: true,
      types: [],
      skipLibCheck: false,
    };
    writeFileSync(
      join(app(), 'tsconfig.json'),
      JSON.stringify({ compilerOptions: options, files: ['use.ts'] }),
    );
    assertRan(await run(process.execPath, [bin('tsc'), '-p', 'tsconfig.json'], app()), 'tsc');
  });

  test('arethetypeswrong (ESM-only profile) and publint --strict find no problem in the tarball', async () => {
    const [attw, publint] = await Promise.all([
      run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'table', '--no-color'], work),
      run(bin('publint'), ['run', '--strict', tarball], work),
    ]);
    assertRan(attw, 'attw');
    assertRan(publint, 'publint');
    assert.match(publint.stdout, /All good!/);
  });
});

test('npm install leaves package-lock.json as committed (no entry added or dropped)', async () => {
  const work = mkdtempSync(join(tmpdir(), 'scratchnet-lock-'));
  try {
    for (const name of ['package.json', 'package-lock.json'])
      copyFileSync(join(projectRoot, name), join(work, name));
    const args = ['install', '--package-lock-only', '--ignore-scripts', ...npmQuiet];
    assertRan(await run('npm', args, work), 'npm install --package-lock-only');
    const before = readFileSync(join(projectRoot, 'package-lock.json'), 'utf8');
    assert.equal(readFileSync(join(work, 'package-lock.json'), 'utf8'), before);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
