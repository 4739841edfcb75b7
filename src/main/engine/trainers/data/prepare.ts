// Turns a dataset and a split into training/validation arrays. Standardization statistics come from the
// training rows only, so no information from the validation rows leaks into training.
import type { Dataset } from './dataset.js';
import { featureSize } from './dataset.js';
import type { Split } from './split.js';

export interface Prepared {
  xTrain: Float32Array;
  yTrain: Float32Array;
  xVal: Float32Array;
  yVal: Float32Array;
  nTrain: number;
  nVal: number;
  /** Regression targets are trained standardized; metrics are reported in the original units. */
  yMean: number;
  yStd: number;
}

function gather(src: Float32Array, width: number, idx: number[]): Float32Array {
  const out = new Float32Array(idx.length * width);
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r]!;
    out.set(src.subarray(i * width, (i + 1) * width), r * width);
  }
  return out;
}

function meanStd(values: ArrayLike<number>, count: number, at: (k: number) => number): [number, number] {
  let sum = 0;
  for (let k = 0; k < count; k++) sum += at(k);
  const mean = sum / count;
  let sq = 0;
  for (let k = 0; k < count; k++) sq += (at(k) - mean) ** 2;
  const std = Math.sqrt(sq / count);
  // A constant column carries no signal; dividing by 1 keeps it finite instead of NaN.
  return [mean, std > 1e-12 ? std : 1];
}

export function prepare(data: Dataset, split: Split): Prepared {
  const w = featureSize(data);
  const xTrain = gather(data.x, w, split.train);
  const xVal = gather(data.x, w, split.val);
  const yTrain = Float32Array.from(split.train, (i) => data.y[i]!);
  const yVal = Float32Array.from(split.val, (i) => data.y[i]!);
  const nTrain = split.train.length;
  const nVal = split.val.length;
  for (const c of data.standardize) {
    const [mean, std] = meanStd(xTrain, nTrain, (k) => xTrain[k * w + c]!);
    for (let k = 0; k < nTrain; k++) xTrain[k * w + c] = (xTrain[k * w + c]! - mean) / std;
    for (let k = 0; k < nVal; k++) xVal[k * w + c] = (xVal[k * w + c]! - mean) / std;
  }
  let yMean = 0;
  let yStd = 1;
  if (data.task === 'regression') {
    [yMean, yStd] = meanStd(yTrain, nTrain, (k) => yTrain[k]!);
    for (let k = 0; k < nTrain; k++) yTrain[k] = (yTrain[k]! - yMean) / yStd;
  }
  return { xTrain, yTrain, xVal, yVal, nTrain, nVal, yMean, yStd };
}
