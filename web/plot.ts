// Drawing on <canvas>: the loss curve (log scale), a 1-D fit (data points and prediction curve) and
// 2-D decision regions (a heat-map of P(class 1) under the points). Plain 2D-context calls, no library.
// Colours follow TensorFlow Playground: orange for class 0 / negative, blue for class 1 / positive.

import type { Dataset } from './datasets.js';
import type { LossCurve } from './protocol.js';

const ORANGE = [245, 147, 34];
const BLUE = [8, 119, 189];
const WHITE = [255, 255, 255];
const AXIS = '#888';
const FONT = '11px system-ui, sans-serif';
/** the plotting area's margins in CSS pixels: left, right, top, bottom */
const M = { l: 46, r: 10, t: 10, b: 22 };

/** Sizes the canvas backing store to its CSS size × devicePixelRatio; returns the context in CSS pixels. */
function context(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || canvas.width;
  const h = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.font = FONT;
  return { ctx, w, h };
}

/**
 * The loss per epoch on a log10 axis. With more entries than pixel columns, each column shows the
 * range (lowest to highest) of its epochs, so oscillations stay visible instead of being averaged
 * away. Comparisons on the raw losses (log is monotonic), logs only per column.
 */
export function drawLossCurve(canvas: HTMLCanvasElement, history: LossCurve | null): void {
  const { ctx, w, h } = context(canvas);
  const pw = w - M.l - M.r;
  const ph = h - M.t - M.b;
  const n = history?.length ?? 0;
  const floor = 1e-16; // an exact zero loss is drawn at 1e-16
  // per column: the smallest and largest loss of its entries; low[c] ≤ high[c]
  const columns = Math.max(1, Math.min(n, Math.floor(pw)));
  const low = new Float64Array(columns).fill(Infinity);
  const high = new Float64Array(columns).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const c = Math.floor((i * columns) / n);
    if (history!.low[i] < low[c]) low[c] = history!.low[i];
    if (history!.high[i] > high[c]) high[c] = history!.high[i];
  }
  let lo = n === 0 ? -4 : Math.log10(Math.max(Math.min(...low), floor));
  let hi = n === 0 ? 0 : Math.log10(Math.max(Math.max(...high), floor));
  lo = Math.floor(lo);
  hi = Math.max(Math.ceil(hi), lo + 1);
  const yOf = (v: number) => M.t + ph * (1 - (Math.log10(Math.max(v, floor)) - lo) / (hi - lo));

  // axes: a grid line and label at each power of ten (at most ~8 labels)
  ctx.strokeStyle = '#e4e4e4';
  ctx.fillStyle = AXIS;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const stride = Math.max(1, Math.ceil((hi - lo) / 8));
  for (let p = lo; p <= hi; p += stride) {
    const y = M.t + ph * (1 - (p - lo) / (hi - lo));
    ctx.beginPath();
    ctx.moveTo(M.l, y);
    ctx.lineTo(M.l + pw, y);
    ctx.stroke();
    ctx.fillText(`1e${p}`, M.l - 4, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText('0', M.l, M.t + ph + 4);
  ctx.fillText(`epoch ${history?.epochs ?? 0}`, M.l + pw - 30, M.t + ph + 4);
  if (n === 0) return;

  ctx.strokeStyle = '#c0392b';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let c = 0; c < columns; c++) {
    const x = M.l + (columns === 1 ? 0 : (pw * c) / (columns - 1));
    if (c === 0) ctx.moveTo(x, yOf(high[c]));
    else ctx.lineTo(x, yOf(high[c]));
    if (low[c] !== high[c]) ctx.lineTo(x, yOf(low[c]));
  }
  ctx.stroke();
  ctx.lineWidth = 1;
}

/** 1-D regression: the data as dots and the network's prediction pred[i] at gridX[i] as a line. */
export function drawFit(
  canvas: HTMLCanvasElement,
  data: Dataset,
  gridX: ArrayLike<number>,
  pred: ArrayLike<number>,
): void {
  const { ctx, w, h } = context(canvas);
  const [x0, x1, y0, y1] = data.bounds;
  const pw = w - M.l - M.r;
  const ph = h - M.t - M.b;
  const px = (v: number) => M.l + (pw * (v - x0)) / (x1 - x0);
  const py = (v: number) => M.t + ph * (1 - (v - y0) / (y1 - y0));

  ctx.strokeStyle = AXIS;
  ctx.strokeRect(M.l, M.t, pw, ph);
  ctx.fillStyle = AXIS;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillText(y1.toPrecision(2), M.l - 4, M.t + 6);
  ctx.fillText(y0.toPrecision(2), M.l - 4, M.t + ph - 6);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText(String(x0), M.l, M.t + ph + 4);
  ctx.fillText(String(x1), M.l + pw, M.t + ph + 4);

  ctx.fillStyle = `rgb(${BLUE})`;
  for (let i = 0; i < data.x.length; i++) {
    ctx.beginPath();
    ctx.arc(px(data.x[i][0]), py(data.y[i][0]), 2, 0, 2 * Math.PI);
    ctx.fill();
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(M.l, M.t, pw, ph);
  ctx.clip();
  ctx.strokeStyle = `rgb(${ORANGE})`;
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  for (let i = 0; i < gridX.length; i++) {
    const y = py(pred[i]);
    if (i === 0) ctx.moveTo(px(gridX[i]), y);
    else ctx.lineTo(px(gridX[i]), y);
  }
  ctx.stroke();
  ctx.restore();
}

/** The colour of probability p of class 1: orange (0) through white (0.5) to blue (1). */
function shade(p: number, out: Uint8ClampedArray, at: number): void {
  const t = Math.abs(p - 0.5) * 2;
  const c = p < 0.5 ? ORANGE : BLUE;
  for (let k = 0; k < 3; k++) out[at + k] = WHITE[k] + (c[k] - WHITE[k]) * t * 0.75;
  out[at + 3] = 255;
}

/**
 * 2-D classification: probs[n×n] (row by row, top row first, as Trainer.makeGrid lays them out)
 * as a heat-map over data.bounds, the 0.5 contour implied by the white band, and the points on top.
 */
export function drawRegions(
  canvas: HTMLCanvasElement,
  data: Dataset,
  probs: ArrayLike<number>,
  n: number,
): void {
  const { ctx, w, h } = context(canvas);
  const [x0, x1, y0, y1] = data.bounds;
  const side = Math.min(w, h);
  const left = (w - side) / 2;
  const image = new ImageData(n, n);
  for (let i = 0; i < n * n; i++) shade(probs[i], image.data, i * 4);
  const tile = document.createElement('canvas');
  tile.width = n;
  tile.height = n;
  tile.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tile, left, 0, side, side);

  ctx.lineWidth = 1;
  ctx.strokeStyle = 'white';
  for (let i = 0; i < data.x.length; i++) {
    const [a, b] = data.x[i];
    ctx.fillStyle = `rgb(${data.y[i][0] > 0.5 ? BLUE : ORANGE})`;
    ctx.beginPath();
    ctx.arc(left + (side * (a - x0)) / (x1 - x0), (side * (y1 - b)) / (y1 - y0), 3.5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
}
