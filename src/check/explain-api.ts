// The explain tools' public names (re-exported by check/index.ts): explain() and its report, and
// the parts it is built from, usable alone.
export {
  explain,
  BASELINE_RULE,
  type ExplainModel,
  type ExplainData,
  type ExplainOptions,
  type ExplainReport,
  type RowExplanation,
} from './explain.js';
export { formatExplainReport } from './explain-report.js';
export { columnGroups, baselineInputs, type ColumnGroup, type BaselineColumn } from './explain-columns.js';
export { outputGradient, type AttributeTo, type OutputGradient } from './explain-gradient.js';
export {
  integratedGradients,
  type IntegratedGradientsOptions,
  type RowAttribution,
} from './explain-integrated.js';
export {
  permutationImportance,
  importanceMetrics,
  type ImportanceMetric,
  type PermutationOptions,
  type PermutationImportance,
  type ColumnImportance,
} from './explain-permutation.js';
export { partialDependence, type DependenceOptions, type DependenceCurve } from './explain-dependence.js';
export { findSuspectColumns, explainedAlone, type SuspectColumnOptions } from './explain-leaks.js';
