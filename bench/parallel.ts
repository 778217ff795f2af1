// Data-parallel training over worker threads (src/train/parallel.ts) on the MNIST-scale workload.
import type { Figure } from './measure.js';

export async function benchParallel(_emit: (f: Figure) => void, notice: (s: string) => void): Promise<void> {
  notice('scratchnet-f32-2workers: the data-parallel trainer is not built yet');
}
