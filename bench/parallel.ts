// Data-parallel training over worker threads (src/train/parallel.ts) on the MNIST-scale workload:
// 784-128-10, batch 128, float32, one SGD step, the data-loss gradient split over 2 workers.
import { DataParallel, Network, SGD } from '../src/index.js';
import { medianSeconds, wallClock, type Figure } from './measure.js';
import { mnistBatch } from './ours.js';

export async function benchParallel(emit: (f: Figure) => void, notice: (s: string) => void): Promise<void> {
  const { x, y } = mnistBatch('float32');
  const net = new Network({
    layers: [784, 128, 10],
    activation: 'relu',
    loss: 'softmaxCrossEntropy',
    seed: 3,
    dtype: 'float32',
  });
  let trainer: DataParallel;
  try {
    trainer = await DataParallel.create(net, { workers: 2, chunks: 2, maxRows: 128 });
  } catch (e) {
    notice(`scratchnet-f32-2workers: workers failed to start (${(e as Error).message})`);
    return;
  }
  const sgd = new SGD({ learningRate: 0.01 });
  try {
    // wall time even with --cpu: the work runs on two threads
    const seconds = wallClock(() =>
      medianSeconds(() => {
        trainer.computeGradient(x, y);
        sgd.step(net.params, net.grads);
      }),
    );
    emit({
      workload: 'mnist',
      impl: 'scratchnet-f32-2workers',
      metric: 'samples_per_s',
      value: 128 / seconds,
      unit: 'samples/s',
    });
  } finally {
    await trainer.close();
  }
}
