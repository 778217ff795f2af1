// The registry of WebAssembly kernel names: the generators (wasm/generate.ts, wasm/fused.ts) name
// what they emit with these functions, and callers look kernels up with the same ones, so a name
// cannot be spelled one way where it is made and another where it is used.

/** The element type of a kernel: float32 or float64. */
export type PrecisionName = 'f32' | 'f64';

/** Activations every product kernel can fuse as an epilogue, in registers (a select or max per element). */
export type Epilogue = 'linear' | 'relu' | 'leakyRelu';
export const epilogues: readonly Epilogue[] = ['linear', 'relu', 'leakyRelu'];

/** Activations whose backward SIMD128 can compute (no exp/log needed: they use a = f(z) or sign(z)). */
export type BackwardActivation = 'relu' | 'leakyRelu' | 'tanh' | 'sigmoid' | 'elu';
export const backwardActivations: readonly BackwardActivation[] = [
  'relu',
  'leakyRelu',
  'tanh',
  'sigmoid',
  'elu',
];

/** Activations whose forward needs exp, log or tanh: act_forward kernels (wasm/activations.ts, wasm/vmath.ts). */
export type MathActivation = 'tanh' | 'sigmoid' | 'elu' | 'softplus' | 'gelu';
export const mathActivations: readonly MathActivation[] = ['tanh', 'sigmoid', 'elu', 'softplus', 'gelu'];

/**
 * Epilogues of gemm_nn: those above, and the activations of wasm/activations.ts, applied to each
 * band of rows right after its products (while in L1 cache) instead of in a sweep of their own.
 */
export type ProductEpilogue = Epilogue | MathActivation;
export const productEpilogues: readonly ProductEpilogue[] = [...epilogues, ...mathActivations];

export function isProductEpilogue(name: string): name is ProductEpilogue {
  return (productEpilogues as readonly string[]).includes(name);
}

/** Activations whose backward needs z (f'(z) is not a function of a): act_backward kernels of wasm/activations.ts. */
export type ZBackwardActivation = 'softplus' | 'gelu';
export const zBackwardActivations: readonly ZBackwardActivation[] = ['softplus', 'gelu'];

export function isMathActivation(name: string): name is MathActivation {
  return (mathActivations as readonly string[]).includes(name);
}

/** Whether an act_backward kernel exists for this activation (generate.ts's or wasm/activations.ts's). */
export function hasActivationBackward(name: string): name is BackwardActivation | ZBackwardActivation {
  return isBackwardActivation(name) || (zBackwardActivations as readonly string[]).includes(name);
}

/** Activations the one-input backward kernel differentiates: linear (dZ = dA) and those of act_backward. */
export type LayerActivation = BackwardActivation | 'linear';
export const layerActivations: readonly LayerActivation[] = ['linear', ...backwardActivations];

export function isEpilogue(name: string): name is Epilogue {
  return (epilogues as readonly string[]).includes(name);
}

export function isBackwardActivation(name: string): name is BackwardActivation {
  return (backwardActivations as readonly string[]).includes(name);
}

export function isLayerActivation(name: string): name is LayerActivation {
  return (layerActivations as readonly string[]).includes(name);
}

/** The export name of every kernel, by generator. */
export const kernelNames = {
  gemmNN: (p: PrecisionName, epilogue: ProductEpilogue) => `gemm_nn_${p}_${epilogue}`,
  gemmNT: (p: PrecisionName, epilogue: Epilogue) => `gemm_nt_${p}_${epilogue}`,
  /** gemm_nn whose product is the dA of a layer below: dZ = dA ⊙ f'(z) written and summed over rows (dBias) */
  gemmNNBackward: (p: PrecisionName, activation: BackwardActivation) => `gemm_nn_backward_${p}_${activation}`,
  activationBackward: (p: PrecisionName, activation: BackwardActivation | ZBackwardActivation) =>
    `act_backward_${p}_${activation}`,
  activationForward: (p: PrecisionName, activation: MathActivation) => `act_forward_${p}_${activation}`,
  /** dZ = dA ⊙ f'(z) written and summed over rows (dBias) in one sweep */
  activationBackwardSums: (p: PrecisionName, activation: BackwardActivation) =>
    `act_backward_sums_${p}_${activation}`,
  columnSums: (p: PrecisionName) => `column_sums_${p}`,
  transpose: (p: PrecisionName) => `transpose_${p}`,
  dot: (p: PrecisionName) => `dot_${p}`,
  sgdStep: (p: PrecisionName) => `sgd_step_${p}`,
  weightedPairSum: (p: PrecisionName) => `weighted_pair_sum_${p}`,
  adamStep: (p: PrecisionName) => `adam_step_${p}`,
  /** float32 parameters and gradients, float64 moments and arithmetic (float32 networks' Adam) */
  adamStepMixed: 'adam_step_f32_f64',
  momentumStep: (p: PrecisionName, nesterov: boolean) => `${nesterov ? 'nesterov' : 'momentum'}_step_${p}`,
  /** float32 parameters and gradients, float64 velocity and arithmetic (float32 networks' momentum) */
  momentumStepMixed: (nesterov: boolean) => `${nesterov ? 'nesterov' : 'momentum'}_step_f32_f64`,
  denseForwardOneInput: (p: PrecisionName, epilogue: Epilogue) => `dense_forward_in1_${p}_${epilogue}`,
  denseForwardOneOutput: (p: PrecisionName, epilogue: Epilogue) => `dense_forward_out1_${p}_${epilogue}`,
  denseBackwardOneInput: (p: PrecisionName, activation: LayerActivation) =>
    `dense_backward_in1_${p}_${activation}`,
  denseBackwardOneOutput: (p: PrecisionName) => `dense_backward_out1_${p}`,
  /** the same carried on through the activation of a Dense layer below (its dZ and bias gradient) */
  denseBackwardOneOutputThrough: (p: PrecisionName, below: BackwardActivation) =>
    `dense_backward_out1_through_${p}_${below}`,
  /** a whole [1, H, 1] network (wasm/pair.ts): forward to y[N], and backward from dY[N] to both layers' gradients */
  densePairForward: (p: PrecisionName, hidden: Epilogue) => `dense_pair_forward_${p}_${hidden}`,
  densePairBackward: (p: PrecisionName, hidden: Epilogue) => `dense_pair_backward_${p}_${hidden}`,
} as const;
