// The worker's side of the network diagram (web/diagram.ts): each shown neuron's output over a
// coarse grid of the input plane (or line), and the weights between shown neurons. At most
// MAX_SHOWN neurons per layer; the grid's side shrinks for large networks so that one diagram costs
// about an eighth of a prediction map. No DOM here.

import type { Matrix } from '../src/index.js';
import type { Diagram } from './protocol.js';
import type { Trainer } from './trainer.js';

/** neurons drawn per layer (TensorFlow Playground allows 8) */
export const MAX_SHOWN = 8;
/** multiply-adds one diagram may cost */
const DIAGRAM_BUDGET = 9e6;

/** The grid's side for a network of `params` parameters: 6 to 20 cells (2-D) or 40 points (1-D). */
export function diagramSide(inputs: number, params: number): number {
  if (inputs === 1) return 40;
  return Math.max(6, Math.min(20, Math.floor(Math.sqrt(DIAGRAM_BUDGET / params))));
}

/** Column j of out[N×cols] for the first `shown` columns, appended to `into`. */
function takeColumns(out: Matrix, shown: number, into: number[]): void {
  for (let j = 0; j < shown; j++) for (let n = 0; n < out.rows; n++) into.push(out.data[n * out.cols + j]);
}

/** The diagram of the run: the inputs, then each layer's shown neurons on `grid` (makeGrid(side)). */
export function diagramOf(trainer: Trainer, grid: Matrix, side: number): Diagram {
  const { network } = trainer;
  const values: number[] = [];
  const weights: number[] = [];
  const biases: number[] = [];
  const sizes = [network.inputSize];
  const activations = ['input'];
  takeColumns(grid, Math.min(MAX_SHOWN, grid.cols), values);
  let a: Matrix = grid;
  for (const layer of network.layers) {
    a = layer.forward(a); // [points × outputSize]
    const shownIn = Math.min(MAX_SHOWN, layer.inputSize);
    const shownOut = Math.min(MAX_SHOWN, layer.outputSize);
    takeColumns(a, shownOut, values);
    const [weight, bias] = layer.parameters; // dense: weight [in×out], bias [out]
    for (let i = 0; i < shownIn; i++)
      for (let o = 0; o < shownOut; o++) weights.push(weight.value[i * layer.outputSize + o]);
    for (let o = 0; o < shownOut; o++) biases.push(bias.value[o]);
    sizes.push(layer.outputSize);
    activations.push(layer.activation?.name ?? 'linear');
  }
  return {
    sizes,
    activations,
    side,
    points: grid.rows,
    values: Float64Array.from(values),
    weights: Float64Array.from(weights),
    biases: Float64Array.from(biases),
  };
}
