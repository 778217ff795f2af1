// The doctor's target-leak rule: on a trained network, permutation importance (explain) finds a column
// that carries almost all of it and either nearly equals the target or looks like a row id.

import { subsample } from './doctor-probe.js';
import type { DoctorContext } from './doctor-context.js';
import type { Finding } from './doctor-types.js';
import { columnGroups } from './explain-columns.js';
import { findSuspectColumns } from './explain-leaks.js';
import { permutationImportance } from './explain-permutation.js';

/** Findings for leaked or id-like columns; null for an untrained network or a single input. */
export function targetLeakFindings(ctx: DoctorContext): Finding[] | null {
  const { network } = ctx;
  if (!ctx.options.trained || network.inputSize < 2) return null;
  const names = ctx.options.columns?.inputs;
  const groups = columnGroups(
    network.inputSize,
    undefined,
    names?.length === network.inputSize ? names : undefined,
  );
  const { x, y } = subsample(ctx.raw.X, ctx.raw.Y, ctx.o.maxRows, ctx.o.seed);
  const importance = permutationImportance(network, x, y, groups, { seed: ctx.o.seed });
  return findSuspectColumns(importance, { x, y }, { groups });
}
