// The explain hover on the page (issue 17): hovering, tapping or keyboard-focusing a point of the fit
// plot asks the worker for that point's attribution to each of the network's inputs (its input features,
// named by their labels; integrated gradients, web/attribution.ts) and shows it with its completeness
// check. While training runs, the shown point's answer is renewed.

import type { Dataset } from './datasets.js';
import { plotFrame } from './plot.js';
import type { ExplainReport, ExplainRequest } from './protocol.js';

/** how near (CSS pixels) the pointer must be to a point to pick it */
const PICK_RADIUS = 24;
/** while training runs, the shown attribution is renewed at most this often (ms) */
const RENEW_MS = 300;

export interface ExplainHost {
  data(): Dataset | null;
  /** the rows drawn (the held-out ones only when shown) */
  shown(row: number): boolean;
  names(): readonly string[];
  send(request: ExplainRequest): void;
  redraw(): void;
}

export class ExplainView {
  /** the row explained (-1: none) */
  marked = -1;
  #asked = 0;
  #answered = 0;
  #lastAsk = 0;
  /** the worker's time for the last answer (ms) */
  #lastMs = 0;
  readonly #canvas: HTMLCanvasElement;
  readonly #panel: HTMLElement;
  readonly #host: ExplainHost;

  constructor(canvas: HTMLCanvasElement, panel: HTMLElement, host: ExplainHost) {
    this.#canvas = canvas;
    this.#panel = panel;
    this.#host = host;
    canvas.addEventListener('pointermove', (e) => this.#pick(e.offsetX, e.offsetY));
    canvas.addEventListener('pointerdown', (e) => this.#pick(e.offsetX, e.offsetY));
    canvas.addEventListener('keydown', (e) => this.#key(e));
    canvas.addEventListener('focus', () => {
      if (this.marked < 0) this.#step(1);
    });
  }

  /** A new run or new data: nothing marked, the readout cleared. */
  clear(): void {
    this.marked = -1;
    this.#panel.hidden = true;
    this.#panel.replaceChildren();
  }

  /** After a snapshot is drawn: renew the shown point's attribution (the weights moved). */
  renew(): void {
    if (
      this.marked >= 0 &&
      this.#answered === this.#asked &&
      performance.now() - this.#lastAsk >= Math.max(RENEW_MS, 3 * this.#lastMs)
    )
      this.#ask();
  }

  /** The nearest drawn point within PICK_RADIUS of (x, y) in CSS pixels. */
  #pick(x: number, y: number): void {
    const data = this.#host.data();
    if (!data) return;
    const f = plotFrame(this.#canvas.clientWidth, this.#canvas.clientHeight, data);
    let best = -1;
    let bestDistance = PICK_RADIUS ** 2;
    for (let i = 0; i < data.x.length; i++) {
      if (!this.#host.shown(i)) continue;
      const py = data.x[i].length === 1 ? data.y[i][0] : data.x[i][1];
      const d = (f.px(data.x[i][0]) - x) ** 2 + (f.py(py) - y) ** 2;
      if (d < bestDistance) {
        bestDistance = d;
        best = i;
      }
    }
    if (best >= 0 && best !== this.marked) this.#mark(best);
  }

  /** Arrow keys step through the drawn points; Escape clears. */
  #key(e: KeyboardEvent): void {
    if (e.key === 'ArrowRight' || e.key === 'ArrowUp') this.#step(1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') this.#step(-1);
    else if (e.key === 'Escape') {
      this.clear();
      this.#host.redraw();
    } else return;
    e.preventDefault();
  }

  #step(direction: 1 | -1): void {
    const data = this.#host.data();
    if (!data) return;
    const n = data.x.length;
    for (let k = 1; k <= n; k++) {
      const i = (((this.marked + direction * k) % n) + n) % n;
      if (this.#host.shown(i)) {
        this.#mark(i);
        return;
      }
    }
  }

  #mark(row: number): void {
    this.marked = row;
    this.#host.redraw();
    this.#ask();
  }

  #ask(): void {
    const data = this.#host.data();
    if (!data || this.marked < 0) return;
    this.#lastAsk = performance.now();
    this.#host.send({ type: 'explain', id: ++this.#asked, point: [...data.x[this.marked]] });
  }

  /** The worker's answer: shown if it is for the latest ask (older ones are dropped). */
  show(report: ExplainReport): void {
    this.#answered = Math.max(this.#answered, report.id);
    this.#lastMs = report.ms;
    if (report.id !== this.#asked || this.marked < 0) return;
    this.#panel.hidden = false;
    this.#panel.dataset.report = JSON.stringify(report);
    if (report.error) {
      this.#panel.replaceChildren(line(`Explain: ${report.error}`));
      return;
    }
    const names = this.#host.names();
    const at = report.inputs.map((v, i) => `${names[i]} = ${fmt(v)}`).join(', ');
    const base = report.baseline.map((v, i) => `${names[i]} = ${fmt(v)}`).join(', ');
    const delta = report.value - report.baselineValue;
    const sum = report.attributions.reduce((s, a) => s + a, 0);
    const what = this.#host.data()?.task === 'classification' ? 'P(class 1)' : 'f(x)';
    const rows = report.attributions.map((a, i) => attributionRow(names[i], a, report.attributions));
    this.#panel.replaceChildren(
      line(`Why ${what} = ${fmt(report.value)} at ${at}? Attribution to each input (integrated gradients):`),
      ...rows,
      line(
        `Sum ${fmt(sum)} = f(x) − f(baseline) = ${fmt(report.value)} − ${fmt(report.baselineValue)} = ${fmt(delta)}; ` +
          `completeness error ${report.completenessError.toExponential(1)} ` +
          `(tolerance ${report.tolerance.toExponential(0)}·|Δf| = ${(report.tolerance * Math.abs(delta)).toExponential(1)}, ` +
          `${report.steps} gradient evaluations${report.converged ? '' : ', not reached'}). Baseline: the training means, ${base}.`,
      ),
    );
  }
}

const fmt = (v: number) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2));

function line(text: string): HTMLElement {
  const p = document.createElement('p');
  p.textContent = text;
  return p;
}

/** One input's attribution: its name, a bar (orange negative, blue positive) and the number (data-value). */
function attributionRow(name: string, a: number, all: readonly number[]): HTMLElement {
  const row = document.createElement('div');
  row.className = 'attribution';
  const label = document.createElement('span');
  label.textContent = name;
  const bar = document.createElement('span');
  bar.className = `bar ${a < 0 ? 'negative' : 'positive'}`;
  const largest = Math.max(...all.map(Math.abs)) || 1;
  bar.style.width = `${(50 * Math.abs(a)) / largest}%`;
  const value = document.createElement('span');
  value.className = 'value';
  value.textContent = `${a >= 0 ? '+' : ''}${fmt(a)}`;
  value.dataset.value = String(a);
  row.append(label, bar, value);
  return row;
}
