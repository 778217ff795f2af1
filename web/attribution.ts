// The worker's side of the explain hover (issue 17): one point's prediction attributed to the
// network's inputs (its input features, computed from the point as training computes them) by the
// library's integrated gradients, from the training rows' means (the library's documented baseline),
// with its completeness check. No DOM here.

import { ScratchnetError, columnStats, integratedGradients, toMatrix } from '../src/index.js';
import type { ExplainReport, ExplainRequest } from './protocol.js';
import type { Trainer } from './trainer.js';

/** Completeness: |Σ a − (f(x) − f(b))| ≤ TOLERANCE·|f(x) − f(b)| (the library's default). */
export const TOLERANCE = 1e-6;
/** gradient evaluations at most per point (the largest network's take about 1 ms each) */
const MAX_STEPS = 4096;

/** The attribution of the point's output (class 1's unit for two outputs, else unit 0). */
export function explainPoint(trainer: Trainer, request: ExplainRequest): ExplainReport {
  const start = performance.now();
  const { network } = trainer;
  const unit = network.outputSize === 2 ? 1 : 0;
  // the training rows' mean of each input column
  const baseline = Float64Array.from(columnStats(trainer.x).mean);
  const answer = {
    type: 'explain' as const,
    id: request.id,
    point: request.point,
    baseline: Array.from(baseline),
    unit,
    tolerance: TOLERANCE,
    inputs: [] as number[],
  };
  try {
    const x = trainer.inputsOf(toMatrix([request.point], 'point', trainer.dims));
    answer.inputs = Array.from(x.data);
    const [row] = integratedGradients(network, x, baseline, {
      units: Int32Array.of(unit),
      tolerance: TOLERANCE,
      maxSteps: MAX_STEPS,
    });
    const ms = performance.now() - start;
    return { ...answer, ...row, attributions: Array.from(row.attributions), ms, error: '' };
  } catch (e) {
    const error = e instanceof ScratchnetError ? `${e.name}: ${e.message}` : String(e);
    return {
      ...answer,
      attributions: [],
      value: Number.NaN,
      baselineValue: Number.NaN,
      completenessError: Number.NaN,
      steps: 0,
      converged: false,
      ms: performance.now() - start,
      error,
    };
  }
}
