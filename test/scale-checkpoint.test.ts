// Checkpoints that cannot hurt: --resume writes only where its command line or the checkpoint's own
// name says, every corrupted field is one line and exit 2, temporary files of killed writes are
// removed by the next run, and --checkpoint-every 1 stays cheap.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratchDir, scratchnet, startScratchnet } from './fixtures/cli.js';
import { measuredScratchnet } from './scale-measure.js';

const dir = scratchDir('scratchnet-scale-checkpoint-');
const base = ['--dataset', 'moons', '--epochs', '20', '--val-split', '0.2', '--seed', '5', '--no-plots'];
// every 5 epochs: the last checkpoint (after epoch 15, or 10 or 5 when the time budget skipped one) is left beside the finished model
const first = scratchnet(
  ['train', ...base, '--checkpoint-every', '5', '--progress', 'quiet', '--out', 'c.json'],
  dir,
);
const good = () => JSON.parse(readFileSync(join(dir, 'c.checkpoint.json'), 'utf8'));

/** Writes a changed copy of the checkpoint (and its history file) as NAME.checkpoint.json. */
function variant(name: string, change: (model: ReturnType<typeof good>) => void): string {
  const model = good();
  change(model);
  writeFileSync(join(dir, `${name}.checkpoint.json`), JSON.stringify(model));
  writeFileSync(
    join(dir, `${name}.checkpoint.history.jsonl`),
    readFileSync(join(dir, 'c.checkpoint.history.jsonl')),
  );
  return `${name}.checkpoint.json`;
}

test('--resume never writes to the paths read from inside the checkpoint', () => {
  assert.equal(first.code, 0, first.stderr);
  writeFileSync(join(dir, 'victim.json'), 'keep me\n');
  const file = variant('moved', (m) => {
    m.checkpoint.paths = { out: 'victim.json', plots: 'victim-plots', checkpoint: 'victim.json' };
  });
  const r = scratchnet(['train', '--resume', file, '--progress', 'quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(dir, 'victim.json'), 'utf8'), 'keep me\n');
  assert.ok(!existsSync(join(dir, 'victim-plots')));
  assert.ok(existsSync(join(dir, 'moved.json')), 'the model goes beside the checkpoint, named after it');
});

test('each corrupted checkpoint field: exit 2 and one line naming it', () => {
  type Model = ReturnType<typeof good>;
  const cases: [string, (m: Model) => void, RegExp][] = [
    ['no-optimizer', (m) => delete m.checkpoint.state.optimizer, /checkpoint\.state\.optimizer: /],
    ['history-empty', (m) => (m.checkpoint.state.history = {}), /checkpoint\.state\.history\.loss: /],
    ['early-null', (m) => (m.checkpoint.state.earlyStopping = null), /checkpoint\.state\.earlyStopping: /],
    ['state-null', (m) => (m.checkpoint.state = null), /checkpoint\.state: /],
    [
      'buffers',
      (m) => (m.checkpoint.state.optimizer.buffers = { m: ['x'] }),
      /checkpoint\.state\.optimizer\.buffers\.m\[0\]: /,
    ],
    [
      'past-end',
      (m) => {
        m.checkpoint.epoch = 99;
        m.checkpoint.state.epoch = 99;
      },
      /checkpoint\.state\.epoch is 99, past the run's last epoch \(20\)/,
    ],
    ['partial-text', (m) => (m.checkpoint.state.partial = ['x', 0, 0]), /checkpoint\.state\.partial\[0\]: /],
    ['partial-short', (m) => (m.checkpoint.state.partial = [1, 2]), /checkpoint\.state\.partial: /],
    [
      'partial-rows',
      (m) => (m.checkpoint.state.partial = [1, 2, 30]),
      /partial counts 30 rows after 0 batches/,
    ],
    ['random', (m) => (m.checkpoint.state.random = [1, 2]), /checkpoint\.state\.random: /],
    [
      'epoch-mismatch',
      (m) => (m.checkpoint.epoch = 3),
      /checkpoint\.epoch is 3 but its state is at epoch (5|10|15)/,
    ],
  ];
  for (const [name, change, message] of cases) {
    const file = variant(name, change);
    const r = scratchnet(['train', '--resume', file, '--progress', 'quiet'], dir);
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(
      r.stderr,
      new RegExp(`^scratchnet: ${file.replace(/\./g, '\\.')}: invalid checkpoint: `),
      name,
    );
    assert.match(r.stderr, message, name);
    assert.equal(r.stderr.split('\n').length, 2, `${name}: one line: ${r.stderr}`);
    assert.ok(!existsSync(join(dir, `${name}.json`)), `${name}: no model written`);
  }
});

test("temporary files left by killed writes are removed by the next run (never a live writer's)", () => {
  const dead = 4_194_303; // above any pid this test's machine hands out (pid_max ≤ 2^22)
  for (const name of [`.t.json.tmp-${dead}`, `.t.checkpoint.json.tmp-${dead}`, `.t.json.tmp-${process.pid}`])
    writeFileSync(join(dir, name), '{"half": ');
  const r = scratchnet(['train', ...base, '--progress', 'quiet', '--out', 't.json'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!existsSync(join(dir, `.t.json.tmp-${dead}`)));
  assert.ok(!existsSync(join(dir, `.t.checkpoint.json.tmp-${dead}`)));
  assert.ok(existsSync(join(dir, `.t.json.tmp-${process.pid}`)), "a running process's file is left alone");
  assert.match(r.stderr, /note: removed \.t\.json\.tmp-4194303, left by an interrupted write/);
});

test('--checkpoint-every 1 costs < 2× a run without checkpoints (2,000 XOR epochs)', async () => {
  writeFileSync(join(dir, 'xor.csv'), 'a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n');
  const args = [
    'train',
    '--data',
    'xor.csv',
    '--target',
    'y',
    '--epochs',
    '2000',
    '--no-plots',
    '--progress',
    'quiet',
  ];
  // CPU time of main(), start-up excluded (the machine is shared: wall time would measure the neighbours)
  const timed = async (extra: string[], out: string) => {
    const r = await measuredScratchnet([...args, ...extra, '--out', out], dir);
    assert.equal(r.code, 0, r.stderr);
    return r.cpuMs;
  };
  // one after the other, each twice (the faster kept)
  const without = Math.min(await timed([], 'plain.json'), await timed([], 'plain.json'));
  const every = Math.min(
    await timed(['--checkpoint-every', '1'], 'every.json'),
    await timed(['--checkpoint-every', '1'], 'every.json'),
  );
  assert.ok(
    every < 2 * without,
    `CPU time with --checkpoint-every 1: ${every.toFixed(0)} ms; without: ${without.toFixed(0)} ms`,
  );
});

test('SIGINT in the last epoch: a checkpoint, or a finished model, and the message says which', async () => {
  const args = ['train', '--dataset', 'moons', '--n', '20000', '--epochs', '2', '--batch-size', '4'];
  const child = startScratchnet([...args, '--no-plots', '--progress', 'lines', '--out', 'last.json'], dir);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (/epoch (1\/2 +loss|2\/2)/.test(stdout) && !child.killed) child.kill('SIGINT'); // in the last epoch
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.ok(child.killed, `the signal was sent: ${stdout}`);
  if (code === 130) {
    assert.match(
      stderr,
      /^interrupted by SIGINT (in epoch 2 after batch \d+|after epoch [12]); checkpoint saved to last\.checkpoint\.json\n/,
    );
    assert.ok(existsSync(join(dir, 'last.checkpoint.json')));
  } else {
    assert.equal(code, 0, stderr);
    assert.match(
      stderr,
      /SIGINT arrived after the last epoch: training had finished and last\.json was written; no checkpoint needed/,
    );
    assert.ok(existsSync(join(dir, 'last.json')));
  }
});
