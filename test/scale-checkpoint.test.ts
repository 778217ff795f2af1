// Checkpoints that cannot hurt: --resume writes only where its command line or the checkpoint's own
// name says, every corrupted field is one line and exit 2, temporary files of killed writes are
// removed by the next run, and --checkpoint-every 1 stays cheap (untimed: the write budget on a given
// clock, a checkpoint's size; bench/checkpoint.ts times it).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratchDir, scratchnet, startScratchnet } from './fixtures/cli.js';
import { CheckpointSchedule, WRITE_SHARE } from '../src/cli/checkpoint-schedule.js';

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

test('--checkpoint-every 1 stays cheap, untimed: the schedule keeps writes within their share on a given clock', () => {
  // epochs of 1 ms and writes of 10 ms (XOR on a loaded disk): most scheduled checkpoints are skipped
  let clock = 0;
  const schedule = new CheckpointSchedule(1, () => clock);
  let writing = 0;
  for (let epoch = 1; epoch <= 2000; epoch++) {
    clock += 1;
    if (schedule.due(epoch, 2000, true))
      schedule.write(() => {
        clock += 10;
        writing += 10;
      });
  }
  assert.ok(schedule.written > 50, `written ${schedule.written}`);
  assert.ok(writing <= WRITE_SHARE * clock + 10, `${writing} ms of ${clock} ms writing`);
  assert.equal(schedule.written + schedule.skipped, 1999); // every epoch but the last was scheduled
  // epochs far longer than a write: every one is written
  const slow = new CheckpointSchedule(1, () => clock);
  for (let epoch = 1; epoch < 100; epoch++) {
    clock += 100;
    assert.ok(slow.due(epoch, 100, true), `epoch ${epoch}`);
    slow.write(() => {
      clock += 10;
    });
  }
  assert.equal(slow.skipped, 0);
});

test('a checkpoint does not grow with the epochs: the history is appended to its own file, once per epoch', () => {
  writeFileSync(join(dir, 'xor.csv'), 'a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n');
  // one scheduled checkpoint each, halfway (the first scheduled one is always written)
  const run = (epochs: number, out: string) => {
    const args = ['train', '--data', 'xor.csv', '--target', 'y', '--epochs', String(epochs), '--no-plots'];
    const every = ['--checkpoint-every', String(epochs / 2)];
    const r = scratchnet([...args, ...every, '--progress', 'quiet', '--out', `${out}.json`], dir);
    assert.equal(r.code, 0, r.stderr);
    const checkpoint = readFileSync(join(dir, `${out}.checkpoint.json`), 'utf8');
    const lines = readFileSync(join(dir, `${out}.checkpoint.history.jsonl`), 'utf8')
      .trimEnd()
      .split('\n');
    return {
      bytes: checkpoint.length,
      epoch: JSON.parse(checkpoint).checkpoint.state.epoch as number,
      lines,
    };
  };
  const short = run(20, 'short');
  const long = run(2000, 'long');
  assert.deepEqual([short.epoch, long.epoch], [10, 1000]);
  assert.ok(
    long.bytes < 1.1 * short.bytes,
    `checkpoint after epoch 1000: ${long.bytes} B; after 10: ${short.bytes} B`,
  );
  assert.deepEqual([short.lines.length, long.lines.length], [10, 1000], 'one history line per epoch');
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
