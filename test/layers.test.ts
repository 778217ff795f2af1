// The layer order, checked over the import graph: every relative import in src/, web/, bench/ and
// examples/ (read from the .ts files' import and export statements, dynamic imports included, by
// TypeScript's preProcessFile) must point into its own layer or one listed before it:
//
//   errors, matrix, random, kernels → data → nn → optim → train → check → io, plot (and src/index.ts) → cli
//
// and web/, bench/ and examples/ import only the public entries. README's Layout section states the
// same order; this file is where it is enforced.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The layers, lowest first: a file may import from its own layer and the layers before it. */
const layers: readonly (readonly string[])[] = [
  ['src/errors.ts', 'src/matrix.ts', 'src/random.ts', 'src/kernels/'],
  ['src/data/'],
  ['src/nn/'],
  ['src/optim/'],
  ['src/train/'],
  ['src/check/'],
  ['src/io/', 'src/plot/', 'src/index.ts'],
  ['src/cli/'],
];

/** Folders outside src/ that use the library as its users do: through the public entries only. */
const users = ['web/', 'bench/', 'examples/'];

/**
 * The public entries: the package's "exports" (`scratchnet`, `scratchnet/io`, `scratchnet/interop`, the Node-only
 * `scratchnet/plot` renderer) and the chart specs, which the core entry re-exports.
 */
const publicEntries = [
  'src/index.ts',
  'src/io/index.ts',
  'src/io/export/index.ts',
  'src/plot/render.ts',
  'src/plot/index.ts',
];

/**
 * Known back edges to remove: each branch that removes one deletes it here (or the lead, after
 * merging). Any other back edge fails the test, and so does an entry here that no longer exists.
 */
const knownBackEdges: readonly string[] = [];

/** Import graph: file → the repository files it imports (relative specifiers only), paths from the root. */
type Graph = Map<string, string[]>;

/** The layer index of a file under src/, or -1 when no layer lists it. */
function layerOf(file: string): number {
  return layers.findIndex((layer) => layer.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p)));
}

/** Why the import `from → to` breaks the order, or null when it is allowed. */
function violation(from: string, to: string): string | null {
  if (users.some((u) => from.startsWith(u))) {
    if (!to.startsWith('src/') || publicEntries.includes(to)) return null;
    return `${from} imports ${to}: outside src/, import only the public entries (${publicEntries.join(', ')})`;
  }
  if (!from.startsWith('src/')) return null; // tests may import anything
  if (!to.startsWith('src/')) return `${from} imports ${to}, outside src/`;
  const [a, b] = [layerOf(from), layerOf(to)];
  if (a < 0)
    return `${from} is in no layer: add its folder to the layer list in test/layers.test.ts and README`;
  if (b < 0)
    return `${to} is in no layer: add its folder to the layer list in test/layers.test.ts and README`;
  if (b > a)
    return `${from} imports ${to}: a back edge (${layers[a].join(' ')} is below ${layers[b].join(' ')})`;
  return null;
}

/** Every problem in the graph: back edges not in `known`, and entries of `known` the graph no longer has. */
function findViolations(graph: Graph, known: readonly string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const edge = `${from} -> ${to}`;
      seen.add(edge);
      const why = violation(from, to);
      if (why && !known.includes(edge)) problems.push(why);
    }
  }
  for (const edge of known) {
    if (!seen.has(edge)) problems.push(`known back edge ${edge} is gone: delete it from knownBackEdges`);
  }
  return problems;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The .ts files under a folder, paths from the repository root. */
function tsFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(folder, f).replaceAll('\\', '/'));
}

/** The repository's import graph over src/ and the folders of `users`. */
function importGraph(): Graph {
  const graph: Graph = new Map();
  for (const file of ['src/', ...users].flatMap(tsFiles)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) =>
        normalize(join(dirname(file), name))
          .replaceAll('\\', '/')
          .replace(/\.js$/, '.ts'),
      );
    graph.set(file, targets);
  }
  return graph;
}

test('the checker: allowed edges pass; back edges, unlisted folders and internal imports from outside fail', () => {
  const graph: Graph = new Map([
    ['src/nn/dense.ts', ['src/kernels/index.ts', 'src/errors.ts', 'src/nn/layer.ts']],
    ['src/train/fit.ts', ['src/nn/network.ts', 'src/optim/index.ts']],
    ['src/nn/network.ts', ['src/train/fit.ts']],
    ['src/data/csv.ts', ['src/check/doctor.ts']],
    ['src/extra/thing.ts', ['src/errors.ts']],
    ['src/io/model.ts', ['src/plot/specs.ts', 'src/nn/network.ts']],
    ['web/main.ts', ['src/index.ts', 'src/nn/dense.ts']],
    ['test/x.test.ts', ['src/nn/dense.ts']],
  ]);
  assert.deepEqual(findViolations(graph, []), [
    'src/nn/network.ts imports src/train/fit.ts: a back edge (src/nn/ is below src/train/)',
    'src/data/csv.ts imports src/check/doctor.ts: a back edge (src/data/ is below src/check/)',
    'src/extra/thing.ts is in no layer: add its folder to the layer list in test/layers.test.ts and README',
    `web/main.ts imports src/nn/dense.ts: outside src/, import only the public entries (${publicEntries.join(', ')})`,
  ]);
  // a listed back edge is excused, that one only; a listed edge that is gone is reported
  const known = ['src/nn/network.ts -> src/train/fit.ts', 'src/optim/a.ts -> src/cli/b.ts'];
  assert.deepEqual(findViolations(graph, known).slice(0, 1), [
    'src/data/csv.ts imports src/check/doctor.ts: a back edge (src/data/ is below src/check/)',
  ]);
  assert.equal(
    findViolations(graph, known).at(-1),
    'known back edge src/optim/a.ts -> src/cli/b.ts is gone: delete it from knownBackEdges',
  );
});

test('src/, web/, bench/ and examples/ import along the layer order only (known back edges listed)', () => {
  const graph = importGraph();
  assert.ok(graph.size > 50, `read ${graph.size} files`);
  assert.ok((graph.get('src/cli/plots.ts') ?? []).includes('src/plot/render.ts'), 'dynamic imports are read');
  assert.deepEqual(findViolations(graph, knownBackEdges), []);
});

test('the public entries are what package.json exports (and the specs the core entry re-exports)', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { import?: string }>;
  };
  const exported = Object.values(pkg.exports)
    .map((e) => (typeof e === 'string' ? e : e.import))
    .filter((p): p is string => p?.endsWith('.js') === true)
    .map((p) => `src/${p.replace(/^\.\/dist\/(src\/)?/, '').replace(/\.js$/, '.ts')}`);
  assert.deepEqual([...exported].sort(), publicEntries.filter((p) => p !== 'src/plot/index.ts').sort());
  assert.match(readFileSync(join(root, 'src/index.ts'), 'utf8'), /export \* from '\.\/plot\/index\.js'/);
});
