// Drawing on <canvas>: the loss curves (training and test, log scale), a 1-D fit (data points and
// prediction curve) and 2-D decision regions (P(class 1) bilinearly interpolated under the points).
// Plain 2D-context calls, no library. Colours follow TensorFlow Playground: orange for class 0 /
// negative, blue for class 1 / positive. Legends and the colour key are HTML beside the canvases.

import type { Dataset } from './datasets.js';
import type { LossCurve, SampledCurve } from './protocol.js';

export const ORANGE = [245, 147, 34];
export const BLUE = [8, 119, 189];
/** orange for lines on white: 4.2:1 (WCAG's 3:1 for graphics); ORANGE itself is 2.2:1, kept for areas and dots */
export const ORANGE_LINE = [214, 110, 0];
const WHITE = [255, 255, 255];
/** axis text and lines: #595959 on white is 7:1 (WCAG AA for small text) */
const AXIS = '#595959';
const FONT = '11px system-ui, sans-serif';
export const TRAIN_COLOUR = '#c0392b';
export const TEST_COLOUR = '#1f5f99';
/** the plotting area's margins in CSS pixels: left, right, top, bottom */
const M = { l: 50, r: 10, t: 10, b: 34 };

/** How points are drawn: which rows are held out, whether to show them, the output discretized, a marked row. */
export interface PointView {
  /** the held-out rows (by index into data.x) */
  testRows: ReadonlySet<number>;
  showTest: boolean;
  discretize: boolean;
  /** the row whose attribution is shown (-1: none) */
  marked: number;
  /** the axis names: [x, y] for 1-D, [x1, x2] for 2-D */
  names: readonly [string, string];
}

/** Where the data's box lies on the canvas (CSS pixels) and the maps between data and pixels. */
export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
  /** data → pixel */
  px(v: number): number;
  py(v: number): number;
  /** pixel → data */
  vx(p: number): number;
  vy(p: number): number;
}

/** The plotting box of a canvas w×h for data: 1-D a rectangle inside the margins, 2-D the largest square. */
export function plotFrame(w: number, h: number, data: Dataset): Frame {
  const [x0, x1, y0, y1] = data.bounds;
  let width = w - M.l - M.r;
  let height = h - M.t - M.b;
  let left = M.l;
  if (data.x[0]?.length === 2) {
    width = height = Math.min(width, height);
    left = M.l + (w - M.l - M.r - width) / 2;
  }
  const top = M.t;
  return {
    left,
    top,
    width,
    height,
    px: (v) => left + (width * (v - x0)) / (x1 - x0),
    py: (v) => top + height * (1 - (v - y0) / (y1 - y0)),
    vx: (p) => x0 + ((p - left) / width) * (x1 - x0),
    vy: (p) => y0 + (1 - (p - top) / height) * (y1 - y0),
  };
}

/** Sizes the canvas backing store to its CSS size × devicePixelRatio; returns the context in CSS pixels. */
export function context(canvas: HTMLCanvasElement): {
  ctx: CanvasRenderingContext2D;
  w: number;
  h: number;
  dpr: number;
} {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || canvas.width;
  const h = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.font = FONT;
  return { ctx, w, h, dpr };
}

/** The axis names: x centred under the box, y turned up the left side. */
function axisNames(ctx: CanvasRenderingContext2D, f: Frame, x: string, y: string): void {
  ctx.fillStyle = AXIS;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(x, f.left + f.width / 2, f.top + f.height + M.b - 1);
  ctx.save();
  ctx.translate(f.left - M.l + 2, f.top + f.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'top';
  ctx.fillText(y, 0, 0);
  ctx.restore();
}

/** Per pixel column: the lowest and highest loss of the entries it holds (low[c] ≤ high[c]). */
function columnRanges(curve: LossCurve, columns: number): { low: Float64Array; high: Float64Array } {
  const low = new Float64Array(columns).fill(Infinity);
  const high = new Float64Array(columns).fill(-Infinity);
  const n = curve.length;
  for (let i = 0; i < n; i++) {
    const c = Math.floor((i * columns) / n);
    if (curve.low[i] < low[c]) low[c] = curve.low[i];
    if (curve.high[i] > high[c]) high[c] = curve.high[i];
  }
  return { low, high };
}

/**
 * The loss per epoch on a log10 axis, and the test loss (sampled at snapshots) beside it. With more
 * entries than pixel columns, each column shows the range (lowest to highest) of its epochs, so
 * oscillations stay visible instead of being averaged away. Comparisons on the raw losses (log is
 * monotonic), logs only per column.
 */
export function drawLossCurve(
  canvas: HTMLCanvasElement,
  history: LossCurve | null,
  test: SampledCurve | null = null,
): void {
  const { ctx, w, h } = context(canvas);
  const f0 = { left: M.l, top: M.t, width: w - M.l - M.r, height: h - M.t - M.b };
  const n = history?.length ?? 0;
  const floor = 1e-16; // an exact zero loss is drawn at 1e-16
  const columns = Math.max(1, Math.min(n, Math.floor(f0.width)));
  const { low, high } = history ? columnRanges(history, columns) : { low: [], high: [] };
  const testValues = test ? Array.from(test.values.subarray(0, test.length)) : [];
  const all = [...low, ...high, ...testValues].filter((v) => Number.isFinite(v));
  let lo = all.length === 0 ? -4 : Math.log10(Math.max(Math.min(...all), floor));
  let hi = all.length === 0 ? 0 : Math.log10(Math.max(Math.max(...all), floor));
  lo = Math.floor(lo);
  hi = Math.max(Math.ceil(hi), lo + 1);
  const epochs = Math.max(1, history?.epochs ?? 0);
  const frame: Frame = {
    ...f0,
    px: (e) => f0.left + (f0.width * e) / epochs,
    py: (v) => f0.top + f0.height * (1 - (Math.log10(Math.max(v, floor)) - lo) / (hi - lo)),
    vx: (p) => ((p - f0.left) / f0.width) * epochs,
    vy: (p) => 10 ** (lo + (1 - (p - f0.top) / f0.height) * (hi - lo)),
  };
  lossAxes(ctx, frame, lo, hi, history?.epochs ?? 0);
  if (n > 0) {
    ctx.strokeStyle = TRAIN_COLOUR;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let c = 0; c < columns; c++) {
      const x = f0.left + (columns === 1 ? 0 : (f0.width * c) / (columns - 1));
      if (c === 0) ctx.moveTo(x, frame.py(high[c]));
      else ctx.lineTo(x, frame.py(high[c]));
      if (low[c] !== high[c]) ctx.lineTo(x, frame.py(low[c]));
    }
    ctx.stroke();
  }
  if (test && test.length > 0) drawSampled(ctx, frame, test);
  ctx.lineWidth = 1;
}

/** Grid lines and labels at each power of ten (at most ~8 labels), the epoch range, the axis names. */
function lossAxes(ctx: CanvasRenderingContext2D, f: Frame, lo: number, hi: number, epochs: number): void {
  ctx.strokeStyle = '#e4e4e4';
  ctx.fillStyle = AXIS;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const stride = Math.max(1, Math.ceil((hi - lo) / 8));
  for (let p = lo; p <= hi; p += stride) {
    const y = f.top + f.height * (1 - (p - lo) / (hi - lo));
    ctx.beginPath();
    ctx.moveTo(f.left, y);
    ctx.lineTo(f.left + f.width, y);
    ctx.stroke();
    ctx.fillText(`1e${p}`, f.left - 4, y);
  }
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.fillText('0', f.left, f.top + f.height + 3);
  ctx.textAlign = 'right';
  ctx.fillText(String(epochs), f.left + f.width, f.top + f.height + 3);
  axisNames(ctx, f, 'epoch', 'loss (log scale)');
}

/** The test loss: a dashed line through its samples (epoch, loss). */
function drawSampled(ctx: CanvasRenderingContext2D, f: Frame, curve: SampledCurve): void {
  ctx.save();
  ctx.strokeStyle = TEST_COLOUR;
  ctx.fillStyle = TEST_COLOUR;
  ctx.lineWidth = 1.5;
  ctx.setLineDash([5, 3]);
  ctx.beginPath();
  for (let i = 0; i < curve.length; i++) {
    const x = f.px(curve.epochs[i]);
    const y = f.py(curve.values[i]);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.stroke();
  if (curve.length === 1) ctx.fillRect(f.px(curve.epochs[0]) - 2, f.py(curve.values[0]) - 2, 4, 4);
  ctx.restore();
}

/** The box, its end values on both axes and the axis names. */
function boxAxes(ctx: CanvasRenderingContext2D, f: Frame, data: Dataset, names: readonly string[]): void {
  const [x0, x1, y0, y1] = data.bounds;
  ctx.strokeStyle = AXIS;
  ctx.strokeRect(f.left, f.top, f.width, f.height);
  ctx.fillStyle = AXIS;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillText(y1.toPrecision(2), f.left - 4, f.top + 6);
  ctx.fillText(y0.toPrecision(2), f.left - 4, f.top + f.height - 6);
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.fillText(x0.toPrecision(2), f.left, f.top + f.height + 3);
  ctx.textAlign = 'right';
  ctx.fillText(x1.toPrecision(2), f.left + f.width, f.top + f.height + 3);
  axisNames(ctx, f, names[0], names[1]);
}

/**
 * The most points drawn: a larger table (a CSV file's) is drawn as every k-th row, so that its points
 * leave the map visible and a frame stays short (50,000 dots took the page 0.45 s a frame).
 */
export const MAX_POINTS = 2000;

/** k: every k-th of `rows` rows is drawn (1 up to MAX_POINTS rows). */
export const pointStride = (rows: number): number => Math.max(1, Math.ceil(rows / MAX_POINTS));

/** Which rows are drawn: the training rows, and the held-out ones when showTest is on; every k-th of a large table. */
function shownRows(data: Dataset, view: PointView): number[] {
  const rows: number[] = [];
  const stride = pointStride(data.x.length);
  for (let i = 0; i < data.x.length; i += stride) if (view.showTest || !view.testRows.has(i)) rows.push(i);
  return rows;
}

/** A point: filled in its colour; a held-out one with a dark ring; the marked one with a wide ring. */
function dot(ctx: CanvasRenderingContext2D, x: number, y: number, colour: number[], test: boolean): void {
  ctx.fillStyle = `rgb(${colour})`;
  ctx.strokeStyle = test ? '#111' : 'white';
  ctx.lineWidth = test ? 1.5 : 1;
  ctx.beginPath();
  ctx.arc(x, y, test ? 3.5 : 3, 0, 2 * Math.PI);
  ctx.fill();
  ctx.stroke();
}

function ring(ctx: CanvasRenderingContext2D, x: number, y: number): void {
  ctx.strokeStyle = '#111';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.arc(x, y, 8, 0, 2 * Math.PI);
  ctx.stroke();
  ctx.lineWidth = 1;
}

/** 1-D regression: the data as dots and the network's prediction pred[i] at gridX[i] as a line, clipped to the box. */
export function drawFit(
  canvas: HTMLCanvasElement,
  data: Dataset,
  gridX: ArrayLike<number>,
  pred: ArrayLike<number>,
  view: PointView,
): void {
  const { ctx, w, h } = context(canvas);
  const f = plotFrame(w, h, data);
  boxAxes(ctx, f, data, view.names);
  const classes = data.task === 'classification';
  for (const i of shownRows(data, view)) {
    const colour = classes && data.y[i][0] < 0.5 ? ORANGE : BLUE;
    dot(ctx, f.px(data.x[i][0]), f.py(data.y[i][0]), colour, view.testRows.has(i));
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(f.left, f.top, f.width, f.height);
  ctx.clip();
  ctx.strokeStyle = `rgb(${ORANGE_LINE})`;
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  for (let i = 0; i < gridX.length; i++) {
    // far outside the box, a value is drawn at its edge: the clip cuts it, the line keeps its slope sign
    const y = Math.max(f.top - f.height, Math.min(f.top + 2 * f.height, f.py(pred[i])));
    if (i === 0) ctx.moveTo(f.px(gridX[i]), y);
    else ctx.lineTo(f.px(gridX[i]), y);
  }
  ctx.stroke();
  ctx.restore();
  if (view.marked >= 0) ring(ctx, f.px(data.x[view.marked][0]), f.py(data.y[view.marked][0]));
}

/** No plot (data with more inputs than a plane): the reason, centred. */
export function drawNoPlot(canvas: HTMLCanvasElement, text: string): void {
  const { ctx, w, h } = context(canvas);
  ctx.fillStyle = AXIS;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const words = text.split(' ');
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.length - 1;
    if (last >= 0 && ctx.measureText(`${lines[last]} ${word}`).width < w - 40) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  lines.forEach((line, i) => ctx.fillText(line, w / 2, h / 2 + (i - (lines.length - 1) / 2) * 15));
}

/** The colour of probability p of class 1: orange (0) through white (0.5) to blue (1), as [r, g, b]. */
function shade(p: number): number[] {
  const t = Math.min(1, Math.abs(p - 0.5) * 2);
  const c = p < 0.5 ? ORANGE : BLUE;
  return WHITE.map((w, k) => Math.round(w + (c[k] - w) * t * 0.75));
}

/** Packs r, g, b (opaque) as one pixel of a Uint32Array view of ImageData (little-endian: ABGR). */
const pack = ([r, g, b]: number[]) => (255 << 24) | (b << 16) | (g << 8) | r;

/** shade(k / 256) packed, k = 0…256: the map's colours looked up, not computed per pixel */
let shades: Uint32Array | null = null;
function shadeTable(): Uint32Array {
  shades ??= Uint32Array.from({ length: 257 }, (_, k) => pack(shade(k / 256)));
  return shades;
}

/** For each of `size` pixels along an axis of an n-cell grid: the lower cell and the weight of the next. */
function bilinearAxis(size: number, n: number): { cell: Int32Array; weight: Float32Array } {
  const cell = new Int32Array(size);
  const weight = new Float32Array(size);
  for (let p = 0; p < size; p++) {
    // cell centres sit at (c + 0.5)/n of the box (Trainer.makeGrid)
    const g = Math.min(n - 1, Math.max(0, ((p + 0.5) / size) * n - 0.5));
    cell[p] = Math.min(n - 2, Math.floor(g));
    weight[p] = g - cell[p];
  }
  return { cell, weight };
}

/**
 * P(class 1) at each of size² device pixels, bilinearly interpolated from the n×n grid (n ≥ 2):
 * each grid row along x first (rows[n×size]), then each pixel between two of those rows.
 */
function interpolate(probs: ArrayLike<number>, n: number, size: number): Float32Array {
  const { cell, weight } = bilinearAxis(size, n);
  const rows = new Float32Array(n * size);
  for (let r = 0; r < n; r++)
    for (let x = 0; x < size; x++) {
      const c = r * n + cell[x];
      rows[r * size + x] = probs[c] + (probs[c + 1] - probs[c]) * weight[x];
    }
  const p = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const top = cell[y] * size;
    const bottom = top + size;
    const wy = weight[y];
    for (let x = 0; x < size; x++) p[y * size + x] = rows[top + x] + (rows[bottom + x] - rows[top + x]) * wy;
  }
  return p;
}

/** An upper bound of |∇p| per pixel: the largest step between neighbouring grid cells, per pixel, on both axes. */
function gradientBound(probs: ArrayLike<number>, n: number, size: number): number {
  let step = 0;
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      const v = probs[r * n + c];
      if (c + 1 < n) step = Math.max(step, Math.abs(probs[r * n + c + 1] - v));
      if (r + 1 < n) step = Math.max(step, Math.abs(probs[(r + 1) * n + c] - v));
    }
  return (step * n * Math.SQRT2) / size;
}

/** Blends pixel colour `c` (packed) toward white by `share` (0…1). */
function whiten(c: number, share: number): number {
  const r = c & 255;
  const g = (c >> 8) & 255;
  const b = (c >> 16) & 255;
  const w = (v: number) => Math.round(v + (255 - v) * share);
  return pack([w(r), w(g), w(b)]);
}

/** The map's ImageData, made again only when its size changes (0.6 MB at 400², drawn at every snapshot). */
let image: ImageData | null = null;
function imageOf(size: number): ImageData {
  if (image?.width !== size) image = new ImageData(size, size);
  return image;
}

/**
 * The map's image at size² device pixels: P(class 1) interpolated (so the regions are smooth, not
 * blocks), shaded (discretized: 0 or 1), and the 0.5 boundary drawn as a white line about two pixels
 * wide — its distance from each pixel estimated as |p − 0.5| / |∇p| — so a steep boundary is a
 * continuous line, not white speckles where the thin band falls between pixel centres. The gradient
 * is only computed near the boundary (|p − 0.5| within LINE of the gradient's bound).
 */
export function mapImage(probs: ArrayLike<number>, n: number, size: number, discretize: boolean): ImageData {
  const image = imageOf(size);
  if (n < 2) return image;
  const LINE = 1.75;
  const p = interpolate(probs, n, size);
  const out = new Uint32Array(image.data.buffer);
  const table = shadeTable();
  const near = LINE * gradientBound(probs, n, size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const v = p[i];
      // v lies in [0, 1] (the worker clamps probabilities; interpolation stays between them)
      const k = discretize ? (v >= 0.5 ? 256 : 0) : (v * 256 + 0.5) | 0;
      const d = Math.abs(v - 0.5);
      if (d >= near) {
        out[i] = table[k];
        continue;
      }
      const gx = (p[y * size + Math.min(size - 1, x + 1)] - p[y * size + Math.max(0, x - 1)]) / 2;
      const gy = (p[Math.min(size - 1, y + 1) * size + x] - p[Math.max(0, y - 1) * size + x]) / 2;
      const line = Math.min(1, Math.max(0, LINE - d / (Math.sqrt(gx * gx + gy * gy) + 1e-12)));
      out[i] = line > 0 ? whiten(table[k], line) : table[k];
    }
  }
  return image;
}

/** the map image's largest side in pixels */
const MAP_PIXELS = 256;

const tile = typeof document === 'undefined' ? null : document.createElement('canvas');

/**
 * 2-D classification: probs[n×n] (row by row, top row first, as Trainer.makeGrid lays them out)
 * as a smooth heat-map over data.bounds, and the points on top.
 */
export function drawRegions(
  canvas: HTMLCanvasElement,
  data: Dataset,
  probs: ArrayLike<number>,
  n: number,
  view: PointView,
): void {
  const { ctx, w, h, dpr } = context(canvas);
  const f = plotFrame(w, h, data);
  if (tile) {
    // at most MAP_PIXELS a side (the browser's smoothing scales it up): the page draws it at every snapshot
    const size = Math.max(1, Math.min(MAP_PIXELS, Math.round(f.width * dpr)));
    tile.width = size;
    tile.height = size;
    (tile.getContext('2d') as CanvasRenderingContext2D).putImageData(
      mapImage(probs, n, size, view.discretize),
      0,
      0,
    );
    ctx.drawImage(tile, f.left, f.top, f.width, f.height);
  }
  boxAxes(ctx, f, data, view.names);
  for (const i of shownRows(data, view)) {
    const [a, b] = data.x[i];
    dot(ctx, f.px(a), f.py(b), data.y[i][0] > 0.5 ? BLUE : ORANGE, view.testRows.has(i));
  }
  if (view.marked >= 0) ring(ctx, f.px(data.x[view.marked][0]), f.py(data.x[view.marked][1]));
}
