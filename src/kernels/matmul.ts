// Reference matrix kernels on flat row-major typed arrays: the readable versions, kept as the
// fallback and as the reference every fast kernel is tested against.
//
// Shape legend: N examples (rows of a batch), I inputs, O outputs, K the shared (inner) dimension.
// Row-major: element (r, c) of an R×C matrix is at r * C + c. One example per row.

export type FloatArray = Float64Array | Float32Array;

/** out[N×O] = a[N×K] · b[K×O] */
export function matmul(out: FloatArray, a: FloatArray, b: FloatArray, N: number, K: number, O: number): void {
  out.fill(0, 0, N * O);
  for (let n = 0; n < N; n++) {
    const outRow = n * O;
    for (let k = 0; k < K; k++) {
      const av = a[n * K + k];
      if (av === 0) continue;
      const bRow = k * O;
      for (let o = 0; o < O; o++) out[outRow + o] += av * b[bRow + o];
    }
  }
}

/** out[I×O] = aᵀ · b, with a[N×I] and b[N×O] (the weight-gradient form: inputᵀ · dOutput). */
export function matmulTransA(
  out: FloatArray,
  a: FloatArray,
  b: FloatArray,
  N: number,
  I: number,
  O: number,
): void {
  out.fill(0, 0, I * O);
  for (let n = 0; n < N; n++) {
    const aRow = n * I;
    const bRow = n * O;
    for (let i = 0; i < I; i++) {
      const av = a[aRow + i];
      if (av === 0) continue;
      const outRow = i * O;
      for (let o = 0; o < O; o++) out[outRow + o] += av * b[bRow + o];
    }
  }
}

/** out[N×I] = a · bᵀ, with a[N×O] and b[I×O] (the input-gradient form: dOutput · weightᵀ). */
export function matmulTransB(
  out: FloatArray,
  a: FloatArray,
  b: FloatArray,
  N: number,
  O: number,
  I: number,
): void {
  if (O === 1) {
    // one term per sum (a layer with one output): the product alone, without an inner loop of
    // length 1 (a −0 product stays −0 rather than becoming 0 + −0 = +0; every sum it later enters
    // starts from +0, so no other result changes)
    for (let n = 0; n < N; n++) {
      const av = a[n];
      for (let i = 0; i < I; i++) out[n * I + i] = av * b[i];
    }
    return;
  }
  for (let n = 0; n < N; n++) {
    const aRow = n * O;
    for (let i = 0; i < I; i++) {
      const bRow = i * O;
      let sum = 0;
      for (let o = 0; o < O; o++) sum += a[aRow + o] * b[bRow + o];
      out[n * I + i] = sum;
    }
  }
}

/** out[C] = column sums of a[R×C] (the bias-gradient form). */
export function columnSums(out: FloatArray, a: FloatArray, R: number, C: number): void {
  out.fill(0, 0, C);
  for (let r = 0; r < R; r++) {
    const row = r * C;
    for (let c = 0; c < C; c++) out[c] += a[row + c];
  }
}

/** out[N×O] = inp[N×I] · weight[I×O] + bias[O] (bias added to every row). */
export function denseForward(
  out: FloatArray,
  inp: FloatArray,
  weight: FloatArray,
  bias: FloatArray,
  N: number,
  I: number,
  O: number,
): void {
  if (O === 1 && out instanceof Float64Array) {
    // one output (a regression head): a running sum per row rather than an inner loop of length 1
    // (float64 only: a Float32Array rounds at every += and the sum must round the same way)
    for (let n = 0; n < N; n++) {
      let sum = bias[0];
      for (let i = 0; i < I; i++) {
        const x = inp[n * I + i];
        if (x !== 0) sum += x * weight[i];
      }
      out[n] = sum;
    }
    return;
  }
  for (let n = 0; n < N; n++) {
    const outRow = n * O;
    for (let o = 0; o < O; o++) out[outRow + o] = bias[o];
    for (let i = 0; i < I; i++) {
      const x = inp[n * I + i];
      if (x === 0) continue;
      const wRow = i * O;
      for (let o = 0; o < O; o++) out[outRow + o] += x * weight[wRow + o];
    }
  }
}

/**
 * Backward of denseForward. Given dOut[N×O] = ∂loss/∂out:
 *   dWeight[I×O] = inpᵀ · dOut,  dBias[O] = Σ_n dOut[n, :],  dInp[N×I] = dOut · weightᵀ.
 * Gradients are written (not accumulated). dInp may be null when the input needs no gradient.
 */
export function denseBackward(
  dInp: FloatArray | null,
  dWeight: FloatArray,
  dBias: FloatArray,
  dOut: FloatArray,
  inp: FloatArray,
  weight: FloatArray,
  N: number,
  I: number,
  O: number,
): void {
  matmulTransA(dWeight, inp, dOut, N, I, O);
  columnSums(dBias, dOut, N, O);
  if (dInp) matmulTransB(dInp, dOut, weight, N, O, I);
}
