// The doctor's rule 9: a gradient check of the parts the user wrote (layers, activations, losses,
// penalties). Whether a part is built in is asked of the registries beside the built-ins in src/nn.

import type { Matrix } from '../matrix.js';
import { isBuiltinActivation } from '../nn/activations.js';
import { Dense } from '../nn/dense.js';
import { isBuiltinLoss } from '../nn/losses.js';
import type { Network } from '../nn/network.js';
import { isBuiltinRegularizer } from '../nn/regularizers.js';
import { subsample } from './doctor-probe.js';
import { fmt, type Finding } from './doctor-types.js';
import { gradCheck } from './gradcheck.js';

/** The user-written parts of a network, named for a message (built-ins are tested elsewhere). */
export function customParts(network: Network): string[] {
  const parts: string[] = [];
  network.layers.forEach((l, i) => {
    if (!(l instanceof Dense)) parts.push(`layer ${i} (${l.type})`);
    else if (!isBuiltinActivation(l.activation)) parts.push(`activation ${l.activation.name} (layer ${i})`);
  });
  if (!isBuiltinLoss(network.loss)) parts.push(`loss ${String(network.loss.name)}`);
  for (const r of network.regularizers) if (!isBuiltinRegularizer(r)) parts.push(`penalty ${r.name}`);
  return parts;
}

/**
 * Rule 9: a gradient check of user-written parts (or of everything, with gradCheck: true), of the loss
 * as training weighs it: `weights` holds the rows' loss weights (sample × class weight; undefined: unweighted).
 */
export function gradientCheckFinding(
  network: Network,
  x: Matrix,
  y: Matrix,
  mode: boolean | 'auto',
  weights?: Float64Array,
): Finding | null {
  const parts = customParts(network);
  if (mode === false || (mode === 'auto' && parts.length === 0)) return null;
  const small = subsample(x, y, 16, 1, weights);
  const report = gradCheck(network, small.x, small.y, {
    maxParameters: 1024,
    maxInputs: 64,
    ...(small.w ? { sampleWeight: small.w } : {}),
  });
  if (report.verdict === 'pass') {
    return {
      rule: 'gradient-check',
      severity: 'info',
      observed: `gradient check passed${parts.length ? ` for ${parts.join(', ')}` : ''} (${report.parameters.checked} parameters checked${small.w ? '; the loss weighted as training weighs it' : ''})`,
      why: 'the backward pass agrees with central differences of the loss',
      fix: 'nothing',
      fixOptions: {},
    };
  }
  const w = report.worst[0];
  const suspect = report.suspects[0];
  return {
    rule: 'gradient-check',
    severity: report.verdict === 'fail' ? 'error' : 'info',
    observed:
      `gradient check ${report.verdict}: ${report.summary}` +
      (w
        ? `; worst: layer ${w.layer} ${w.kind}[${w.position.join(',')}] (${w.term}) analytic ${fmt(w.analytic)} vs numeric ${fmt(w.numeric)}, error ${fmt(w.error)}`
        : ''),
    why:
      'training follows the gradient the backward pass computes; when it disagrees with the loss, gradient descent ' +
      'optimizes something else and the loss stalls or rises',
    fix: suspect
      ? `fix the backward pass: ${suspect.message}` // (the suspect's message names its component and layer)
      : `fix the backward pass of ${parts.join(', ') || 'the network'}`,
    fixOptions: {},
    evidence: {
      worstError: w?.error ?? NaN,
      ...(report.verdict === 'inconclusive' ? { inconclusive: 1 } : {}),
    },
  };
}
