// User-written parts with the mistakes the doctor must find: a dense layer with the seed-style bug
// of a flipped weight-gradient sign, and a loss whose gradient ignores row weights (and may flip its
// sign). The doctor's benchmark (bench/doctor.ts) and its tests train them.
import { Dense, getLoss, type Layer, type Loss, type Matrix, type Random } from '../src/index.js';

/**
 * A user-written copy of the built-in MSE whose gradient forgets row weights (it passes only dP, p,
 * t, rows, cols on) and, with `flipSign`, also has the wrong sign.
 */
export function userWrittenMse(flipSign = false): Loss {
  const mse = getLoss('mse');
  return {
    ...mse,
    gradient(dP, p, t, rows, cols) {
      mse.gradient(dP, p, t, rows, cols);
      if (flipSign) for (let i = 0; i < rows * cols; i++) dP[i] = -dP[i];
    },
  };
}

export class SignBugDense implements Layer {
  readonly type = 'signBugDense';
  readonly inner: Dense;
  constructor(inputs: number, outputs: number, random: Random) {
    this.inner = new Dense(inputs, outputs, random, { activation: 'tanh' });
  }
  get inputSize() {
    return this.inner.inputSize;
  }
  get outputSize() {
    return this.inner.outputSize;
  }
  get parameters() {
    return this.inner.parameters;
  }
  get activation() {
    return this.inner.activation;
  }
  forward(input: Matrix) {
    return this.inner.forward(input);
  }
  backward(dOutput: Matrix, inputGradient: boolean) {
    const d = this.inner.backward(dOutput, inputGradient);
    const g = this.inner.weight.grad;
    for (let i = 0; i < g.length; i++) g[i] = -g[i];
    return d;
  }
  config() {
    return { type: this.type };
  }
  toString() {
    return `SignBugDense(${this.inputSize} → ${this.outputSize})`;
  }
}
