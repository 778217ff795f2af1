// A dense layer with the seed-style bug of a flipped weight-gradient sign: what a user-written layer
// with a mistake in its backward looks like. The doctor's benchmark (bench/doctor.ts) and its tests
// (test/doctor-rules.test.ts) train it to show the gradient-check rule finding the layer.
import { Dense, type Layer, type Matrix, type Random } from '../src/index.js';

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
