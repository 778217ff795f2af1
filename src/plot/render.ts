// Headless chart rendering, the `scratchnet/plot` entry (Node only: vega and resvg are runtime
// dependencies, so the core entry leaves it out): Vega-Lite spec → Vega → SVG (vega's string
// renderer), and SVG → PNG through resvg (a Rust SVG renderer, no browser). The specs: specs.ts.

import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { VegaLiteSpec } from './specs.js';

/** The chart as SVG text. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const { spec: vgSpec } = compile(spec as never);
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** SVG text → PNG bytes at `scale` × the SVG's size, on white. */
export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
