// Building blocks of the built-in models, written on tf-core ops (no tfjs-layers) so that every random draw
// (initial weights, dropout masks) comes from our own seeded Rng, and the weights are plain variables we can
// checkpoint on any backend.
import * as tf from '../tf.js';
import type { Activation } from '../params.js';
import type { Rng } from '../rng.js';

/**
 * matMul whose gradient uses explicit transposes. Measured on TF.js 4.22 wasm (2 cores): a 128×784 by
 * 128×128 product with transposeA takes 21.7 ms against 3.6 ms for transpose + plain matMul, which made
 * the backward pass 8× slower than the forward one. `inputGrad: false` skips the gradient of the input
 * for the first layer (the data needs none).
 */
type GradInputs = (tf.Tensor | tf.GradSaveFunc)[];

const matMulFast = tf.customGrad((...args: GradInputs) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b) as tf.Tensor2D,
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => [
      tf.matMul(dy, tf.transpose(saved[1] as tf.Tensor2D)),
      tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy),
    ],
  };
});

const matMulFastNoInputGrad = tf.customGrad((...args: GradInputs) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a]);
  return {
    value: tf.matMul(a, b) as tf.Tensor2D,
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => [tf.zerosLike(saved[0]!), tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy)],
  };
});

export function dense(x: tf.Tensor2D, w: tf.Variable, b: tf.Variable, inputGrad: boolean): tf.Tensor2D {
  const y = (inputGrad ? matMulFast(x, w) : matMulFastNoInputGrad(x, w)) as tf.Tensor2D;
  return tf.add(y, b);
}

export function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  return a === 'relu' ? tf.relu(x) : a === 'tanh' ? tf.tanh(x) : tf.elu(x);
}

export function dropout(x: tf.Tensor, rate: number, rng: Rng | null): tf.Tensor {
  // tf.dropout with a fixed seed repeats the same mask on every call, so each call gets a fresh seed.
  return rng && rate > 0 ? tf.dropout(x, rate, undefined, rng.seed()) : x;
}

/**
 * A kernel variable drawn uniformly from ±sqrt(k / fanIn·…): He-uniform for relu/elu (He et al. 2015),
 * Glorot-uniform for tanh and output layers (Glorot & Bengio 2010).
 */
export function kernel(shape: number[], fanIn: number, fanOut: number, scheme: 'he' | 'glorot', rng: Rng): tf.Variable {
  const limit = scheme === 'he' ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (rng.next() * 2 - 1) * limit;
  // In tidy: the variable copies its initial value, which would otherwise outlive the trial (a reused
  // trainer process runs many).
  return tf.tidy(() => tf.variable(tf.tensor(values, shape)));
}

export function bias(size: number): tf.Variable {
  return tf.tidy(() => tf.variable(tf.zeros([size])));
}

export function initScheme(a: Activation): 'he' | 'glorot' {
  return a === 'tanh' ? 'glorot' : 'he';
}
