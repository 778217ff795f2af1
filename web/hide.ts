// A teacher's link can hide controls (`hide=noise,features,tools` in the URL hash), as TensorFlow
// Playground's `<control>_hide` does: the lesson shows only what it is about, the hidden settings
// keep the link's values. Read and written beside the state's hash (web/state.ts), not part of it.

import { fields } from './state.js';

/** What `hide` may name: the settings (their keys) and `tools` (Doctor, Gradient check, Export, Import, CSV). */
export const hideable: readonly string[] = [
  ...fields.map((f) => f.key).filter((k) => k !== 'layerActivations' && k !== 'output'),
  'tools',
];

/** The hash without its `hide=` pair, the names it hides, and those it cannot (named on the page). */
export function splitHide(hash: string): { rest: string; hide: string[]; rejected: string[] } {
  const pairs = (hash.startsWith('#') ? hash.slice(1) : hash).split('&');
  const pair = pairs.find((p) => p.startsWith('hide='));
  if (!pair) return { rest: hash, hide: [], rejected: [] };
  let names: string[];
  try {
    names = decodeURIComponent(pair.slice(5)).split(',').filter(Boolean);
  } catch {
    return { rest: pairs.filter((p) => p !== pair).join('&'), hide: [], rejected: ['hide'] };
  }
  const known = names.filter((n) => hideable.includes(n));
  const rejected = names.filter((n) => !hideable.includes(n)).map((n) => `hide=${n}`);
  return { rest: pairs.filter((p) => p !== pair).join('&'), hide: [...new Set(known)], rejected };
}

/** The `&hide=…` to append to the state's hash ('' when nothing is hidden). */
export const hideSuffix = (hide: readonly string[]): string =>
  hide.length > 0 ? `&hide=${encodeURIComponent(hide.join(','))}` : '';

/** Hides the named controls (a setting's row; for `hidden`, the layer editor too; `tools`, the tool buttons). */
export function applyHide(hide: readonly string[]): void {
  for (const name of hideable) {
    const shown = !hide.includes(name);
    const rows =
      name === 'tools'
        ? [document.getElementById('tools')]
        : [
            document.getElementById(`control-${name}`)?.closest<HTMLElement>('.field') ?? null,
            name === 'hidden' ? document.getElementById('layer-editor') : null,
          ];
    for (const row of rows) if (row) row.hidden = !shown;
  }
}
