// Checkpoints: SIGINT during training leaves a valid checkpoint and a message saying where it is;
// `train --resume` ends bit-identical to an uninterrupted run. Also the every-N-epochs checkpoint.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { historyPath, readHistory } from '../src/cli/checkpoint-history.js';
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
