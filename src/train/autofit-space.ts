// autoFit's search space: the candidate configurations in the order a budget keeps them, their
// training settings, the folds they are scored on, and the cost model that sizes the grid.
//
// The grid is ordered; a budget keeps a prefix of it (autofit.ts). The first six always run: the
// linear / logistic model (no hidden layer, L-BFGS) at four L2 strengths, so the search is never much
// worse than a linear model, and one tanh layer of 64 at two.
// Weight decay λ is scikit-learn MLP's alpha (README: Penalties), so the decades follow its grid.
// Rules of the order, each measured on `npm run bench:quality` (see README: Model selection):
// - every L-BFGS candidate comes before any Adam one: L-BFGS won on every small table there (Adam
//   only on gapminder, whose budget keeps the whole grid), so a budget that cuts the grid cuts Adam;
// - relu follows tanh within L-BFGS: a curve with kinks or jumps is fitted by relu's piecewise-linear
//   units (sawtooth, 5-fold CV R²: 0.972 for 64 relu λ=0.01 against 0.933 for 64 tanh λ=0.01; test
//   0.991 against 0.954), and tanh stays first for smooth shapes (moons, Gaussian rings: 64-64 tanh).

import { rowClasses } from './holdout.js';
import type { Task } from '../data/task.js';
import { Random } from '../random.js';
import type { Matrix } from '../matrix.js';
import type { OptimizerName } from '../optim/index.js';

/** One configuration the search may choose. */
export interface Candidate {
  /** hidden layer sizes; [] is the linear / logistic model */
  layers: number[];
  activation: 'tanh' | 'relu';
  /** L2 λ (scikit-learn's alpha) */
  weightDecay: number;
  optimizer: Extract<OptimizerName, 'adam' | 'lbfgs'>;
  /** Adam's rate (L-BFGS: undefined, its line search picks the step) */
  learningRate?: number;
  /** the most epochs (L-BFGS: iterations) a candidate trains for */
  epochs: number;
  /**
   * rows per update of the refit on all rows (set on the chosen candidate, and on a large table's
   * mini-batch candidates, autofit-large.ts): the folds' kind of
   * batch — every row when the folds trained full-batch, else the folds' mini-batch — so that the
   * epochs the folds chose mean the same number of updates (the folds' rows decide, not all rows: a
   * table of 1,025–1,280 rows has full-batch folds but would refit in mini-batches by default)
   */
  batchSize?: number;
  /**
   * early stopping's patience in epochs (Adam only; absent: searchEarlyStopping's half of the epochs):
   * set by a large table's search, whose mini-batch runs stop as its refit does (autofit-large.ts)
   */
  patience?: number;
  /** true: the search's indicator inputs (AutoFitOptions.indicators) enter as 0/1, not standardized */
  unscaledIndicators?: boolean;
}

/** Epochs of the full-length runs: L-BFGS iterations (scikit-learn's max_iter), Adam full-batch epochs. */
export const searchEpochs = { lbfgs: 500, adam: 1000, adamMiniBatch: 200 } as const;

/** L2 strengths, most often best first (a budget keeps a prefix of the grid) */
const decays = [1, 1e-2, 10, 1e-4];
const linearDecays = [1e-2, 1, 10, 100];

function product(
  layers: number[][],
  activation: Candidate['activation'],
  optimizer: Candidate['optimizer'],
  learningRate?: number,
): Candidate[] {
  const out: Candidate[] = [];
  for (const l of layers)
    for (const weightDecay of decays)
      out.push({
        layers: l,
        activation,
        weightDecay,
        optimizer,
        ...(learningRate !== undefined ? { learningRate } : {}),
        epochs: 0,
      });
  return out;
}

/** Candidates a budget never leaves out: the four linear ones and the first two with a hidden layer. */
export const alwaysSearched = 6;

/**
 * The grid in the order a budget keeps it (a prefix, at least alwaysSearched long): the linear model,
 * then one and two layers with L-BFGS (the strongest on small tables in bench:quality), tanh then
 * relu, then the same with Adam, then tanh with Adam at a larger rate. 44 candidates.
 */
export function searchGrid(): Candidate[] {
  return [
    ...linearDecays.map((weightDecay) => ({
      layers: [],
      activation: 'tanh' as const,
      weightDecay,
      optimizer: 'lbfgs' as const,
      epochs: 0,
    })),
    ...product([[64]], 'tanh', 'lbfgs'),
    ...product([[64, 64]], 'tanh', 'lbfgs'),
    ...product([[64], [64, 64]], 'relu', 'lbfgs'),
    ...product([[64]], 'tanh', 'adam', 1e-3),
    ...product([[64, 64]], 'tanh', 'adam', 1e-3),
    ...product([[64], [64, 64]], 'relu', 'adam', 1e-3),
    ...product([[64], [64, 64]], 'tanh', 'adam', 1e-2),
  ];
}

/**
 * The default budget's measure of a wide table's cost (autofit.ts defaultBudget): at most `budgetRuns`
 * full-length runs of this candidate (two tanh layers of 64, L-BFGS, one output), the grid's typical
 * network, so that a table of many inputs gets about the runs a table of 8–12 inputs gets.
 */
export const budgetReference: Candidate = {
  layers: [64, 64],
  activation: 'tanh',
  weightDecay: 1,
  optimizer: 'lbfgs',
  epochs: 0,
};
export const budgetRuns = 12;

/** A candidate's full-length epochs for `trainRows` rows (Adam takes mini-batches above 1,024 rows, as fit does). */
export function candidateEpochs(c: Candidate, trainRows: number): number {
  if (c.optimizer === 'lbfgs') return searchEpochs.lbfgs;
  return trainRows <= 1024 ? searchEpochs.adam : searchEpochs.adamMiniBatch;
}

/** A short name: "linear λ=1 lbfgs", "64-64 tanh λ=0.01 adam lr 0.001", "64 relu λ=1 lbfgs, 0/1 inputs". */
export function describeCandidate(c: Candidate): string {
  const net = c.layers.length ? `${c.layers.join('-')} ${c.activation}` : 'linear';
  const rate = c.learningRate !== undefined ? ` lr ${c.learningRate}` : '';
  return `${net} λ=${c.weightDecay} ${c.optimizer}${rate}${c.unscaledIndicators ? ', 0/1 inputs' : ''}`;
}

/** Parameters of a candidate's network for `inputs` inputs and `outputs` outputs. */
export function candidateParams(c: Candidate, inputs: number, outputs: number): number {
  const sizes = [inputs, ...c.layers, outputs];
  let n = 0;
  for (let i = 1; i < sizes.length; i++) n += (sizes[i - 1] + 1) * sizes[i];
  return n;
}

/**
 * Cost units of a full-length run: epochs × rows × parameters, L-BFGS counted twice (its line search
 * evaluates the cost about twice per iteration) and tanh 1.5× relu (the activation's own work).
 */
export function candidateCost(c: Candidate, rows: number, inputs: number, outputs: number): number {
  const perEpoch = rows * candidateParams(c, inputs, outputs);
  return (
    c.epochs *
    perEpoch *
    (c.optimizer === 'lbfgs' ? 2 : 1) *
    (c.layers.length && c.activation === 'tanh' ? 1.5 : 1)
  );
}

/** The class of each row (holdout.ts's rowClasses), or all 0 for regression. */
function strata(y: Matrix, task: Task): Int32Array {
  return task === 'regression' ? new Int32Array(y.rows) : rowClasses(y);
}

/**
 * The fold of each row for k-fold cross-validation: rows shuffled by `seed`, sorted by class (stable,
 * so the shuffle holds within a class), then dealt round-robin: each fold holds each class in
 * proportion. k = 1 is one validation split of a fifth of the rows (fold 0 validates; -1 only trains).
 */
export function assignFolds(y: Matrix, task: Task, k: number, seed: number): Int32Array {
  const shuffled = new Random(seed).shuffle(Int32Array.from({ length: y.rows }, (_, i) => i));
  const classes = strata(y, task);
  const order = [...shuffled].sort((a, b) => classes[a] - classes[b]);
  const parts = k === 1 ? 5 : k;
  const folds = new Int32Array(y.rows);
  order.forEach((r, i) => {
    const f = i % parts;
    folds[r] = k === 1 && f !== 0 ? -1 : f;
  });
  return folds;
}
