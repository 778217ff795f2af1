// Chart specs (Vega-Lite JSON) for loss curves, fits, decision regions and predicted-vs-actual.
// Rendering to SVG/PNG happens in the CLI (Node); the playground can embed the same specs.
export {
  lossChart,
  regressionFitChart,
  decisionRegionsChart,
  predictedVsActualChart,
  linspace,
  type VegaLiteSpec,
  type LossSeries,
  type RegionGrid,
  type Curve,
} from './specs.js';
