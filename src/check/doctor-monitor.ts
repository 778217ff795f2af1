// fitWithDoctor: fit with the doctor watching — a diagnosis before training, the loss checked each
// epoch (divergence, overfitting) through fit's onEpoch callback, the report beside the history.
// (fit itself knows nothing of the doctor: the layers go data → train → check.)

import type { MatrixLike } from '../matrix.js';
import type { Network } from '../nn/network.js';
import { TrainingRun, type FitOptions, type History } from '../train/index.js';
import { doctorCallback, type DoctorOptions, type DoctorReport, type Finding } from './doctor.js';

export interface FitWithDoctorOptions extends FitOptions {
  /** the doctor's options; `onFinding` hears each new finding (default: the doctor's defaults) */
  doctor?: boolean | (DoctorOptions & { onFinding?: (finding: Finding) => void });
}

/**
 * Trains like fit(network, x, y, options) — the same updates, bit for bit — and returns the history
 * with the doctor's report: the findings before training merged with those training showed.
 */
export function fitWithDoctor(
  network: Network,
  x: MatrixLike,
  y: MatrixLike,
  options: FitWithDoctorOptions = {},
): History & { doctor: DoctorReport } {
  const { doctor: doctorOptions, ...fitOptions } = options;
  let monitor: ReturnType<typeof doctorCallback> | null = null;
  const onEpoch = fitOptions.onEpoch;
  const run = new TrainingRun(network, x, y, {
    ...fitOptions,
    onEpoch: (info, loss) => {
      monitor?.onEpoch(info.epoch, info.loss, info.valLoss);
      return onEpoch?.(info, loss);
    },
  });
  const { data, optimizer } = run;
  monitor = doctorCallback(
    network,
    { x: data.x, y: data.y },
    {
      optimizer: optimizer.name,
      learningRate: optimizer.learningRate,
      epochs: run.epochs,
      batchSize: run.settings.batchSize,
      scale: !!network.scaling,
      trained: data.trainedBefore,
      ...(data.validation ? { validation: data.validation } : {}),
      ...(typeof doctorOptions === 'object' ? doctorOptions : {}),
    },
  );
  const history = run.run();
  return Object.assign(history, { doctor: monitor.finish() });
}
