// One model trained on one split: seeded shuffles, one optimizer step per mini-batch, and evaluation.
import * as tf from './tf.js';
import type { Task } from './config.js';
import type { Prepared } from './data/prepare.js';
import { buildModel, type Model } from './models/model.js';
import { Optimizer } from './optim.js';
import type { ModelParams } from './params.js';
import { Rng } from './rng.js';

export interface FoldRun {
  model: Model;
  opt: Optimizer;
  /** Drives shuffles and dropout; its state is checkpointed after each epoch. */
  rng: Rng;
  data: Prepared;
  task: Task;
  classes: number;
  featureSize: number;
  params: ModelParams;
}

export interface EvalMetrics {
  val_loss: number;
  val_accuracy?: number;
  val_rmse?: number;
}

const EVAL_BATCH = 2048;

export function createRun(params: ModelParams, shape: number[], task: Task, classes: number, data: Prepared, seed: number): FoldRun {
  const rng = new Rng(seed);
  const outputs = task === 'classification' ? classes : 1;
  const model = buildModel(params, shape, outputs, rng);
  return {
    model,
    opt: new Optimizer(params, model.variables),
    rng,
    data,
    task,
    classes,
    featureSize: shape.reduce((a, b) => a * b, 1),
    params,
  };
}

function batchX(src: Float32Array, width: number, idx: ArrayLike<number>, from: number, to: number): tf.Tensor2D {
  const out = new Float32Array((to - from) * width);
  for (let r = from; r < to; r++) {
    const i = idx[r]!;
    out.set(src.subarray(i * width, (i + 1) * width), (r - from) * width);
  }
  return tf.tensor2d(out, [to - from, width]);
}

function batchY(run: FoldRun, src: Float32Array, idx: ArrayLike<number>, from: number, to: number): tf.Tensor2D {
  const values = Float32Array.from({ length: to - from }, (_, k) => src[idx[from + k]!]!);
  if (run.task === 'regression') return tf.tensor2d(values, [to - from, 1]);
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(values), 'int32'), run.classes), 'float32') as tf.Tensor2D);
}

function dataLoss(run: FoldRun, out: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return run.task === 'classification' ? tf.losses.softmaxCrossEntropy(y, out) : tf.losses.meanSquaredError(y, out);
}

/** Thrown inside an epoch when the engine asked a reused trainer process to end its trial. */
export class TrialStopped extends Error {
  override readonly name = 'TrialStopped';
}

/** How often a stoppable epoch lets the event loop read the engine's messages (a stop waits at most this). */
const YIELD_MS = 20;

/**
 * One pass over the training part; returns the mean training loss (without the L2 penalty). With
 * `shouldStop` (a reused trainer process), the epoch yields to the event loop every YIELD_MS so a stop
 * message can arrive, and throws TrialStopped between batches once it has.
 */
export async function trainEpoch(run: FoldRun, shouldStop?: () => boolean): Promise<number> {
  const { data, params, model } = run;
  const order = run.rng.permutation(data.nTrain);
  const vars = model.variables;
  let lossSum = tf.scalar(0);
  let yieldedAt = performance.now();
  for (let from = 0; from < data.nTrain; from += params.batch_size) {
    if (shouldStop && performance.now() - yieldedAt >= YIELD_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      yieldedAt = performance.now();
      if (shouldStop()) {
        lossSum.dispose();
        throw new TrialStopped('stopped by the engine');
      }
    }
    const to = Math.min(from + params.batch_size, data.nTrain);
    const x = batchX(data.xTrain, run.featureSize, order, from, to);
    const y = batchY(run, data.yTrain, order, from, to);
    let batchLoss: tf.Scalar | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const l = dataLoss(run, model.forward(x, run.rng), y);
      batchLoss = tf.keep(l);
      if (params.l2 <= 0) return l;
      const penalty = tf.addN(model.kernels.map((k) => tf.sum(tf.square(k))));
      return tf.add(l, tf.mul(penalty, params.l2)) as tf.Scalar;
    }, vars);
    run.opt.apply(vars, vars.map((v) => grads[v.name]!));
    const next = tf.tidy(() => tf.add(lossSum, tf.mul(batchLoss!, to - from)));
    tf.dispose([lossSum, value, x, y, batchLoss!, ...Object.values(grads)]);
    lossSum = next as tf.Scalar;
  }
  const total = (await lossSum.data())[0]!;
  lossSum.dispose();
  return total / data.nTrain;
}

export async function evaluate(run: FoldRun): Promise<EvalMetrics> {
  const { data } = run;
  const all = Array.from({ length: data.nVal }, (_, i) => i);
  let lossSum = 0;
  let correct = 0;
  for (let from = 0; from < data.nVal; from += EVAL_BATCH) {
    const to = Math.min(from + EVAL_BATCH, data.nVal);
    const [l, c] = tf.tidy(() => {
      const x = batchX(data.xVal, run.featureSize, all, from, to);
      const y = batchY(run, data.yVal, all, from, to);
      const out = run.model.forward(x, null);
      if (run.task === 'classification') {
        const loss = tf.losses.softmaxCrossEntropy(y, out, undefined, undefined, tf.Reduction.SUM);
        const hits = tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), tf.argMax(y, 1)), 'float32'));
        return [loss, hits];
      }
      const pred = tf.add(tf.mul(out, data.yStd), data.yMean);
      return [tf.sum(tf.square(tf.sub(pred, y))), tf.scalar(0)];
    });
    lossSum += (await l.data())[0]!;
    correct += (await c.data())[0]!;
    tf.dispose([l, c]);
  }
  const n = Math.max(1, data.nVal);
  if (run.task === 'classification') return { val_loss: lossSum / n, val_accuracy: correct / n };
  return { val_loss: lossSum / n, val_rmse: Math.sqrt(lossSum / n) };
}

export function disposeRun(run: FoldRun): void {
  run.model.variables.forEach((v) => v.dispose());
  run.opt.dispose();
}
