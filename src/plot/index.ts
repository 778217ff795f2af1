// Chart specs (Vega-Lite JSON) for loss curves, fits, decision regions and predicted-vs-actual.
// Rendering them to SVG/PNG is render.ts, the Node-only `scratchnet/plot` entry; the playground
// embeds the same specs.
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
