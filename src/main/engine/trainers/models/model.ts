// The two built-in models as plain variables plus a forward function (see layers.ts for why not tfjs-layers).
import * as tf from '../tf.js';
import type { CnnParams, MlpParams, ModelParams } from '../params.js';
import type { Rng } from '../rng.js';
import { activate, bias, dense, dropout, initScheme, kernel } from './layers.js';

export interface Model {
  /** Every trainable variable, in a fixed order (the checkpoint stores them in this order). */
  variables: tf.Variable[];
  /** The weights the L2 penalty applies to (kernels, not biases). */
  kernels: tf.Variable[];
  /** Logits (classification) or standardized predictions (regression); `rng` null means inference (no dropout). */
  forward(x: tf.Tensor, rng: Rng | null): tf.Tensor2D;
}

export function buildModel(params: ModelParams, shape: number[], outputs: number, rng: Rng): Model {
  return params.model === 'mlp' ? buildMlp(params, shape, outputs, rng) : buildCnn(params, shape, outputs, rng);
}

function buildMlp(p: MlpParams, shape: number[], outputs: number, rng: Rng): Model {
  const inputs = shape.reduce((a, b) => a * b, 1);
  const ws: tf.Variable[] = [];
  const bs: tf.Variable[] = [];
  let fanIn = inputs;
  for (let l = 0; l < p.layers; l++) {
    ws.push(kernel([fanIn, p.units], fanIn, p.units, initScheme(p.activation), rng));
    bs.push(bias(p.units));
    fanIn = p.units;
  }
  ws.push(kernel([fanIn, outputs], fanIn, outputs, 'glorot', rng));
  bs.push(bias(outputs));
  return {
    variables: ws.flatMap((w, i) => [w, bs[i]!]),
    kernels: ws,
    forward(x, r) {
      let h = tf.reshape(x, [-1, inputs]) as tf.Tensor2D;
      for (let l = 0; l < ws.length; l++) {
        h = dense(h, ws[l]!, bs[l]!, l > 0);
        if (l < ws.length - 1) h = dropout(activate(h, p.activation), p.dropout, r) as tf.Tensor2D;
      }
      return h;
    },
  };
}

function buildCnn(p: CnnParams, shape: number[], outputs: number, rng: Rng): Model {
  const [height = 1, width = 1, channels = 1] = shape;
  const convs: { w: tf.Variable; b: tf.Variable }[] = [];
  let cin = channels;
  let h = height;
  let w = width;
  for (let l = 0; l < p.conv_layers; l++) {
    const cout = p.filters * 2 ** l;
    const fanIn = p.kernel * p.kernel * cin;
    convs.push({ w: kernel([p.kernel, p.kernel, cin, cout], fanIn, p.kernel * p.kernel * cout, initScheme(p.activation), rng), b: bias(cout) });
    cin = cout;
    h = Math.ceil(h / 2);
    w = Math.ceil(w / 2);
  }
  const flat = h * w * cin;
  const w1 = kernel([flat, p.dense_units], flat, p.dense_units, initScheme(p.activation), rng);
  const b1 = bias(p.dense_units);
  const w2 = kernel([p.dense_units, outputs], p.dense_units, outputs, 'glorot', rng);
  const b2 = bias(outputs);
  return {
    variables: [...convs.flatMap((c) => [c.w, c.b]), w1, b1, w2, b2],
    kernels: [...convs.map((c) => c.w), w1, w2],
    forward(x, r) {
      let t = tf.reshape(x, [-1, height, width, channels]) as tf.Tensor4D;
      for (const c of convs) {
        t = activate(tf.add(tf.conv2d(t, c.w as tf.Tensor4D, 1, 'same'), c.b), p.activation) as tf.Tensor4D;
        t = tf.maxPool(t, 2, 2, 'same');
      }
      let d = tf.reshape(t, [-1, flat]) as tf.Tensor2D;
      d = dropout(activate(dense(d, w1, b1, true), p.activation), p.dropout, r) as tf.Tensor2D;
      return dense(d, w2, b2, true);
    },
  };
}
