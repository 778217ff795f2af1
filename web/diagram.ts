// The network diagram on the page, as TensorFlow Playground draws it: a column per layer, each neuron
// a small picture of its output over the input plane (a curve over x in 1-D), links coloured by the
// weight's sign (blue positive, orange negative) and thickened by its size. Hovering a neuron or a
// link shows its numbers; a text description of the network is kept for screen readers.

import { BLUE, ORANGE, ORANGE_LINE, context } from './plot.js';
import type { Diagram } from './protocol.js';

const TILE = 30;
const GAP = 10;
const TOP = 18;
/** the text description is renewed at most this often (ms) */
const DESCRIBE_MS = 2000;

interface Tile {
  layer: number;
  neuron: number;
  x: number;
  y: number;
}

interface Link {
  layer: number;
  from: number;
  to: number;
  weight: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const shownOf = (size: number) => Math.min(8, size);

export class DiagramView {
  #diagram: Diagram | null = null;
  #tiles: Tile[] = [];
  #links: Link[] = [];
  #describedAt = Number.NEGATIVE_INFINITY;
  readonly #canvas: HTMLCanvasElement;
  readonly #readout: HTMLElement;
  readonly #description: HTMLElement;
  readonly #names: () => readonly string[];

  constructor(
    canvas: HTMLCanvasElement,
    readout: HTMLElement,
    description: HTMLElement,
    names: () => readonly string[],
  ) {
    this.#canvas = canvas;
    this.#readout = readout;
    this.#description = description;
    this.#names = names;
    canvas.addEventListener('pointermove', (e) => this.#hover(e.offsetX, e.offsetY));
    canvas.addEventListener('pointerdown', (e) => this.#hover(e.offsetX, e.offsetY));
  }

  clear(): void {
    this.#diagram = null;
    this.#readout.textContent = '';
    this.#describedAt = Number.NEGATIVE_INFINITY;
  }

  /** Draws a new diagram (null: redraws the last one, e.g. after a resize). */
  draw(next: Diagram | null): void {
    if (next) this.#diagram = next;
    const d = this.#diagram;
    const rows = d ? Math.max(...d.sizes.map(shownOf)) : 1;
    const height = `${TOP + rows * (TILE + GAP) + 6}px`;
    // (only when it changes: setting it makes the next read of the canvas's size lay the page out again)
    if (this.#canvas.style.height !== height) this.#canvas.style.height = height;
    const { ctx, w } = context(this.#canvas);
    if (!d) return;
    this.#layout(d, w);
    for (const link of this.#links) drawLink(ctx, link, this.#maxWeight(link.layer));
    let at = 0;
    for (const tile of this.#tiles) {
      drawTile(ctx, tile, d, d.values.subarray(at, at + d.points));
      at += d.points;
    }
    this.#labels(ctx, d);
    if (performance.now() - this.#describedAt >= DESCRIBE_MS) this.#describe(d);
  }

  /** Where each shown neuron and link lies on a canvas `w` pixels wide. */
  #layout(d: Diagram, w: number): void {
    const columns = d.sizes.length;
    const step = columns > 1 ? (w - TILE - 4) / (columns - 1) : 0;
    this.#tiles = [];
    d.sizes.forEach((size, layer) => {
      for (let n = 0; n < shownOf(size); n++)
        this.#tiles.push({ layer, neuron: n, x: 2 + layer * step, y: TOP + n * (TILE + GAP) });
    });
    this.#links = [];
    let at = 0;
    for (let layer = 1; layer < columns; layer++) {
      const from = this.#tiles.filter((t) => t.layer === layer - 1);
      const to = this.#tiles.filter((t) => t.layer === layer);
      for (const a of from)
        for (const b of to)
          this.#links.push({
            layer,
            from: a.neuron,
            to: b.neuron,
            weight: d.weights[at++],
            x0: a.x + TILE,
            y0: a.y + TILE / 2,
            x1: b.x,
            y1: b.y + TILE / 2,
          });
    }
  }

  #maxWeight(layer: number): number {
    let m = 0;
    for (const l of this.#links) if (l.layer === layer) m = Math.max(m, Math.abs(l.weight));
    return m || 1;
  }

  /** Layer names above the columns, and "+k" under a column with neurons not drawn. */
  #labels(ctx: CanvasRenderingContext2D, d: Diagram): void {
    ctx.fillStyle = '#444';
    ctx.textBaseline = 'bottom';
    ctx.textAlign = 'left';
    d.sizes.forEach((size, layer) => {
      const tile = this.#tiles.find((t) => t.layer === layer);
      if (!tile) return;
      const last = layer === d.sizes.length - 1;
      const name = layer === 0 ? 'inputs' : last ? 'output' : `layer ${layer}`;
      ctx.textAlign = last && layer > 0 ? 'right' : 'left';
      ctx.fillText(name, last && layer > 0 ? tile.x + TILE : tile.x, TOP - 4);
      if (size > shownOf(size)) {
        ctx.textBaseline = 'top';
        ctx.fillText(`+${size - shownOf(size)}`, tile.x, TOP + shownOf(size) * (TILE + GAP) - GAP + 2);
        ctx.textBaseline = 'bottom';
      }
    });
  }

  /** The neuron or link under (x, y): its numbers in the readout. */
  #hover(x: number, y: number): void {
    const d = this.#diagram;
    if (!d) return;
    const tile = this.#tiles.find((t) => x >= t.x && x <= t.x + TILE && y >= t.y && y <= t.y + TILE);
    if (tile) {
      this.#readout.textContent = this.#neuronText(d, tile);
      return;
    }
    const link = this.#links.find((l) => distanceToLink(x, y, l) <= 3);
    if (link) this.#readout.textContent = this.#linkText(d, link);
  }

  #neuronName(layer: number, neuron: number): string {
    if (layer === 0) return this.#names()[neuron] ?? `input ${neuron + 1}`;
    return `neuron ${neuron + 1} of layer ${layer}`;
  }

  #neuronText(d: Diagram, t: Tile): string {
    const index = this.#tiles.indexOf(t);
    const v = d.values.subarray(index * d.points, (index + 1) * d.points);
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of v) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    const bias = t.layer > 0 ? `, bias ${fmt(d.biases[biasIndex(d, t.layer) + t.neuron])}` : '';
    return `${this.#neuronName(t.layer, t.neuron)} (${d.activations[t.layer]}): output from ${fmt(lo)} to ${fmt(hi)} over the plot${bias}`;
  }

  #linkText(_d: Diagram, l: Link): string {
    return `weight from ${this.#neuronName(l.layer - 1, l.from)} to ${this.#neuronName(l.layer, l.to)}: ${fmt(l.weight)}`;
  }

  /** The text alternative: the layers, and each layer's strongest link. */
  #describe(d: Diagram): void {
    this.#describedAt = performance.now();
    const layers = d.sizes
      .map((s, l) => (l === 0 ? `${s} inputs` : `${s} ${d.activations[l]} neuron${s === 1 ? '' : 's'}`))
      .join(', then ');
    const strongest = d.sizes.slice(1).map((_, i) => {
      const links = this.#links.filter((l) => l.layer === i + 1);
      const top = links.reduce((a, b) => (Math.abs(b.weight) > Math.abs(a.weight) ? b : a), links[0]);
      return top ? `layer ${i + 1}: ${this.#linkText(d, top)}` : '';
    });
    this.#description.textContent = `Network diagram: ${layers}. Strongest links drawn, ${strongest.join('; ')}.`;
  }
}

/** Where layer l's biases start in d.biases. */
function biasIndex(d: Diagram, layer: number): number {
  let at = 0;
  for (let l = 1; l < layer; l++) at += shownOf(d.sizes[l]);
  return at;
}

/** LEVELS shades each side of white, made once, as ImageData pixels (little-endian ABGR): orange below zero, blue above */
const LEVELS = 32;
const tileColours = [ORANGE, BLUE].map((colour) =>
  Uint32Array.from({ length: LEVELS + 1 }, (_, k) => {
    const [r, g, b] = colour.map((c) => Math.round(255 + ((c - 255) * k * 0.85) / LEVELS));
    return (255 << 24) | (b << 16) | (g << 8) | r;
  }),
);
/** the scratch canvas a tile's cells are drawn on before scaling */
const cells = typeof document === 'undefined' ? null : document.createElement('canvas');

/** The colour of x in [-1, 1]. */
function tileColour(x: number): number {
  const level = Math.min(LEVELS, Math.round(Math.abs(x) * LEVELS));
  return tileColours[x < 0 ? 0 : 1][level];
}

function drawLink(ctx: CanvasRenderingContext2D, l: Link, max: number): void {
  const share = Math.abs(l.weight) / max;
  ctx.strokeStyle = `rgba(${l.weight < 0 ? ORANGE_LINE : BLUE}, ${0.25 + 0.75 * share})`;
  ctx.lineWidth = 0.5 + 3.5 * share;
  ctx.beginPath();
  const mid = (l.x0 + l.x1) / 2;
  ctx.moveTo(l.x0, l.y0);
  ctx.bezierCurveTo(mid, l.y0, mid, l.y1, l.x1, l.y1);
  ctx.stroke();
}

/**
 * One neuron: 2-D, its values as a heat map (orange below the centre, blue above, scaled by the
 * largest distance from it); 1-D, a curve. The centre is 0.5 for a probability (sigmoid, softmax), else 0.
 */
function drawTile(ctx: CanvasRenderingContext2D, t: Tile, d: Diagram, values: Float64Array): void {
  const centre = d.activations[t.layer] === 'sigmoid' || d.activations[t.layer] === 'softmax' ? 0.5 : 0;
  const v = values.map((x) => x - centre);
  let max = 0;
  for (const x of v) max = Math.max(max, Math.abs(x));
  max ||= 1;
  ctx.fillStyle = 'white';
  ctx.fillRect(t.x, t.y, TILE, TILE);
  if (d.points === d.side * d.side && d.side > 1) {
    // the side² cells as an image of side² pixels, scaled up without smoothing (one call, not side² rects)
    const image = new ImageData(d.side, d.side);
    const pixels = new Uint32Array(image.data.buffer);
    for (let i = 0; i < d.points; i++) pixels[i] = tileColour(v[i] / max);
    if (cells) {
      cells.width = d.side;
      cells.height = d.side;
      (cells.getContext('2d') as CanvasRenderingContext2D).putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(cells, t.x, t.y, TILE, TILE);
      ctx.imageSmoothingEnabled = true;
    }
  } else {
    ctx.strokeStyle = `rgb(${BLUE})`;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let i = 0; i < v.length; i++) {
      const x = t.x + (TILE * i) / Math.max(1, v.length - 1);
      const y = t.y + TILE / 2 - (TILE / 2 - 2) * (v[i] / max);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  }
  ctx.strokeStyle = '#767676';
  ctx.lineWidth = 1;
  ctx.strokeRect(t.x, t.y, TILE, TILE);
}

/** The distance from (x, y) to the link's curve (drawLink's cubic), measured at 24 points along it. */
function distanceToLink(x: number, y: number, l: Link): number {
  const mid = (l.x0 + l.x1) / 2;
  let best = Infinity;
  for (let k = 0; k <= 24; k++) {
    const t = k / 24;
    const u = 1 - t;
    // B(t) = u³P0 + 3u²t·P1 + 3ut²·P2 + t³P3 with P1 = (mid, y0), P2 = (mid, y1)
    const bx = u * u * u * l.x0 + 3 * u * t * mid + t * t * t * l.x1;
    const by = (u * u * u + 3 * u * u * t) * l.y0 + (3 * u * t * t + t * t * t) * l.y1;
    best = Math.min(best, Math.hypot(x - bx, y - by));
  }
  return best;
}

const fmt = (v: number) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(3) : v.toExponential(2));
