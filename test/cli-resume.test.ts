// Checkpoints: SIGINT during training leaves a valid checkpoint and a message saying where it is;
// `train --resume` ends bit-identical to an uninterrupted run. Also the every-N-epochs checkpoint.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { HistoryLog, historyPath, readHistory } from '../src/cli/checkpoint-history.js';
import type { StoredCheckpoint } from '../src/cli/train-model.js';
import { parseModel } from '../src/io/index.js';
import { scratchDir, scratchnet, scratchnetAsync, startScratchnet } from './fixtures/cli.js';

// mini-batches (seeded shuffles), a validation split and early stopping: all must resume exactly
const run = [
  'train',
  '--dataset',
  'moons',
  '--epochs',
  '600',
  '--batch-size',
  '32',
  '--val-split',
  '0.2',
  '--seed',
  '3',
  '--no-plots',
  '--progress',
  'lines',
];
const dir = scratchDir('scratchnet-resume-');
const uninterrupted = scratchnetAsync([...run, '--out', 'full.json'], dir);

function sameWeights(a: string, b: string): void {
  const x = parseModel(readFileSync(join(dir, a), 'utf8'));
  const y = parseModel(readFileSync(join(dir, b), 'utf8'));
  assert.equal(x.network.parameters.length, y.network.parameters.length);
  x.network.parameters.forEach((v, i) =>
    assert.ok(Object.is(v, y.network.parameters[i]), `parameter ${i}: ${v} vs ${y.network.parameters[i]}`),
  );
  assert.deepEqual(x.history!.loss, y.history!.loss);
  assert.deepEqual(x.history!.valLoss, y.history!.valLoss);
}

test('SIGINT writes a valid checkpoint and exits 130; --resume ends bit-identical', async () => {
  const child = startScratchnet([...run, '--out', 'part.json'], dir);
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (!sent && /epoch 1\/600/.test(stdout)) {
      sent = true;
      child.kill('SIGINT'); // training is under way: the first progress line comes after epoch 1
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 130, stderr);
  // at an epoch's end, or mid-epoch (after a mini-batch) when a chunk of training ended there
  const m =
    /^interrupted by SIGINT (?:after epoch (\d+)|in epoch (\d+) after batch (\d+)); checkpoint saved to part\.checkpoint\.json\ncontinue with: scratchnet train --resume part\.checkpoint\.json\n$/.exec(
      stderr,
    );
  assert.ok(m, stderr);
  const epoch = m[1] !== undefined ? Number(m[1]) : Number(m[2]) - 1; // epochs completed
  assert.ok(epoch >= 1 && epoch < 600, `stopped mid-run (epoch ${epoch})`);
  assert.equal(existsSync(join(dir, 'part.json')), false, 'no final model yet');
  const ckpt = parseModel(readFileSync(join(dir, 'part.checkpoint.json'), 'utf8'));
  assert.equal(ckpt.checkpoint!.epoch, epoch);
  assert.equal(ckpt.checkpoint!.reason, 'SIGINT');
  // the history is appended beside the checkpoint, which says how much of it is its own
  const { historyLog } = ckpt.checkpoint!.state as StoredCheckpoint;
  assert.equal(readHistory(historyPath(join(dir, 'part.checkpoint.json')), historyLog).loss.length, epoch);

  const resumed = await scratchnetAsync(
    ['train', '--resume', 'part.checkpoint.json', '--progress', 'quiet'],
    dir,
  );
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, new RegExp(`resuming after epoch ${epoch}`));
  const full = await uninterrupted;
  assert.equal(full.code, 0, full.stderr);
  sameWeights('part.json', 'full.json');
});

test('SIGTERM also saves a checkpoint, exits 143', async () => {
  const child = startScratchnet([...run, '--out', 'term.json'], dir);
  let stderr = '';
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (/epoch 1\/600/.test(stdout) && !child.killed) child.kill('SIGTERM');
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 143, stderr);
  assert.match(stderr, /^interrupted by SIGTERM .*; checkpoint saved to term\.checkpoint\.json\n/);
  assert.equal(
    parseModel(readFileSync(join(dir, 'term.checkpoint.json'), 'utf8')).checkpoint!.reason,
    'SIGTERM',
  );
});

test('--checkpoint-every N writes resumable checkpoints during the run', async () => {
  const every = scratchnet(
    [...run, '--out', 'every.json', '--checkpoint-every', '250', '--progress', 'quiet'],
    dir,
  );
  assert.equal(every.code, 0, every.stderr);
  const ckpt = parseModel(readFileSync(join(dir, 'every.checkpoint.json'), 'utf8'));
  assert.equal(ckpt.checkpoint!.epoch, 500);
  assert.equal(ckpt.checkpoint!.reason, 'every 250 epochs');
  const resumed = scratchnet(
    ['train', '--resume', 'every.checkpoint.json', '--out', 'from-500.json', '--progress', 'quiet'],
    dir,
  );
  assert.equal(resumed.code, 0, resumed.stderr);
  const full = await uninterrupted;
  assert.equal(full.code, 0, full.stderr);
  sameWeights('from-500.json', 'full.json');
  sameWeights('every.json', 'full.json');
  // settings come from the checkpoint
  const clash = scratchnet(
    ['train', '--resume', 'every.checkpoint.json', '--epochs', '10', '--lr', '0.1'],
    dir,
  );
  assert.equal(clash.code, 2);
  assert.match(
    clash.stderr,
    /^scratchnet: --resume continues a run with the settings saved in its checkpoint; drop --lr, --epochs\n$/,
  );
});

test('the history file: lines past the checkpoint (a kill between append and rename) are ignored, then cut off', () => {
  const path = join(dir, 'log.checkpoint.history.jsonl');
  const lists = (n: number) => ({
    loss: Array.from({ length: n }, (_, i) => 1 / (i + 1)),
    dataLoss: Array.from({ length: n }, (_, i) => 0.5 / (i + 1)),
    valLoss: Array.from({ length: n }, (_, i) => 2 / (i + 1)),
    metrics: { r2: Array.from({ length: n }, (_, i) => i / 10) },
    valMetrics: { r2: Array.from({ length: n }, (_, i) => i / 11) },
    learningRate: Array.from({ length: n }, () => 0.01),
    elapsed: Array.from({ length: n }, (_, i) => i * 3.5),
  });
  const first = new HistoryLog(path, null);
  first.append(lists(3));
  const ref = first.append(lists(5)); // appends epochs 4 and 5 only
  assert.equal(ref.epochs, 5);
  first.append(lists(7)); // written, but the checkpoint that would refer to it never was
  appendFileSync(path, '[0.1,0.1,nu'); // and a line cut short
  assert.deepEqual(readHistory(path, ref), lists(5));
  // a resumed run writing to the same file keeps its 5 epochs and replaces the rest
  const resumed = new HistoryLog(path, ref);
  const again = resumed.append(lists(6));
  assert.deepEqual(readHistory(path, again), lists(6));
  assert.equal(readFileSync(path, 'utf8').split('\n').length - 1, 6);
  assert.throws(() => readHistory(path, { ...again, epochs: 7 }), /holds 6 epochs, the checkpoint 7/);
});

test('--resume never writes to the paths stored inside the checkpoint', () => {
  const first = scratchnet(
    [
      'train',
      '--dataset',
      'xor',
      '--epochs',
      '40',
      '--checkpoint-every',
      '20',
      '--no-plots',
      '--progress',
      'quiet',
      '--out',
      'own.json',
    ],
    dir,
  );
  assert.equal(first.code, 0, first.stderr);
  const file = join(dir, 'own.checkpoint.json');
  const ckpt = JSON.parse(readFileSync(file, 'utf8'));
  ckpt.checkpoint.paths = {
    out: 'elsewhere.json',
    plots: 'elsewhere-plots',
    checkpoint: 'elsewhere.checkpoint.json',
  };
  writeFileSync(file, JSON.stringify(ckpt));
  rmSync(join(dir, 'own.json'));
  const resumed = scratchnet(['train', '--resume', 'own.checkpoint.json', '--progress', 'quiet'], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(existsSync(join(dir, 'elsewhere.json')), false);
  assert.equal(existsSync(join(dir, 'elsewhere-plots')), false);
  assert.equal(existsSync(join(dir, 'own.json')), true, 'the model goes beside its checkpoint');
  assert.match(resumed.stdout, /wrote own\.json/);
});

test('SIGINT during the model search: exit 130, one line saying nothing was written and how to shorten the search', async () => {
  const child = startScratchnet(
    ['train', '--dataset', 'moons', '--budget', '30', '--no-plots', '--out', 'searched.json'],
    dir,
  );
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (!sent && /model search: running/.test(stdout)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.ok(sent, stdout);
  assert.equal(code, 130, stderr);
  assert.match(
    stderr,
    /^SIGINT before training began \(reading the data or the model search\): nothing was written; --budget SECONDS shortens the search, --no-search skips it\n$/,
  );
  assert.equal(existsSync(join(dir, 'searched.json')), false);
});
