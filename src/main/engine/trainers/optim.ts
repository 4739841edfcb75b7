// Adam, SGD with momentum and RMSprop, written out so their whole state (slots and step count) is ours to
// checkpoint: tf.train's Adam rebuilds its bias-correction powers with pow() on restore, which differs in
// the last bits from the running product and so breaks bit-exact resume.
import * as tf from './tf.js';
import type { CommonParams } from './params.js';

// Keras defaults, so results are comparable with what users know.
const BETA1 = 0.9;
const BETA2 = 0.999;
const RHO = 0.9;
const EPSILON = 1e-7;

export class Optimizer {
  /** Per-variable slots: Adam m and v, SGD velocity, RMSprop mean square. */
  private slots: tf.Variable[][];
  private t = 0;

  constructor(
    private readonly p: Pick<CommonParams, 'optimizer' | 'lr' | 'momentum'>,
    variables: tf.Variable[],
  ) {
    const count = p.optimizer === 'adam' ? 2 : p.optimizer === 'sgd' && p.momentum === 0 ? 0 : 1;
    this.slots = variables.map((v) => Array.from({ length: count }, () => tf.tidy(() => tf.variable(tf.zerosLike(v), false))));
  }

  apply(variables: tf.Variable[], grads: tf.Tensor[]): void {
    this.t += 1;
    const { lr, momentum } = this.p;
    // Bias corrections in float64 on the host: a function of t only, identical after a resume.
    const c1 = 1 - BETA1 ** this.t;
    const c2 = 1 - BETA2 ** this.t;
    tf.tidy(() => {
      variables.forEach((v, i) => {
        const g = grads[i]!;
        const s = this.slots[i]!;
        if (this.p.optimizer === 'adam') {
          const m = tf.add(tf.mul(s[0]!, BETA1), tf.mul(g, 1 - BETA1));
          const u = tf.add(tf.mul(s[1]!, BETA2), tf.mul(tf.square(g), 1 - BETA2));
          s[0]!.assign(m);
          s[1]!.assign(u);
          v.assign(tf.sub(v, tf.mul(tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(u, c2)), EPSILON)), lr)));
        } else if (this.p.optimizer === 'rmsprop') {
          const ms = tf.add(tf.mul(s[0]!, RHO), tf.mul(tf.square(g), 1 - RHO));
          s[0]!.assign(ms);
          v.assign(tf.sub(v, tf.mul(tf.div(g, tf.add(tf.sqrt(ms), EPSILON)), lr)));
        } else if (s.length) {
          const vel = tf.sub(tf.mul(s[0]!, momentum), tf.mul(g, lr));
          s[0]!.assign(vel);
          v.assign(tf.add(v, vel));
        } else {
          v.assign(tf.sub(v, tf.mul(g, lr)));
        }
      });
    });
  }

  get step(): number {
    return this.t;
  }

  /** Slot variables in a fixed order (for checkpoints). */
  get state(): tf.Variable[] {
    return this.slots.flat();
  }

  restore(step: number, values: Float32Array[]): void {
    const flat = this.state;
    if (values.length !== flat.length) throw new Error(`optimizer state has ${values.length} tensors, expected ${flat.length}`);
    tf.tidy(() => flat.forEach((v, i) => v.assign(tf.tensor(values[i]!, v.shape))));
    this.t = step;
  }

  dispose(): void {
    this.state.forEach((v) => v.dispose());
  }
}
