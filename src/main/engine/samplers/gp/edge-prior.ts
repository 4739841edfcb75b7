// `edge_prior`: a prior mean that rises towards the edges of the search space, a quadratic bowl centred in
// the unit cube, as Snoek et al. used it ("Scalable Bayesian Optimization Using Deep Neural Networks", ICML
// 2015, sec. 3.1) to keep the search off the boundaries. A GP's variance is largest at the edges of a box,
// where it has the fewest neighbours, so expected improvement keeps proposing corners (on real training two
// thirds of the GP's trials sat at a bound, against a tenth of TPE's). The bowl says "unexplored edges are
// probably worse than the middle"; data overrule it wherever there are data, since the GP fits the
// residuals from it. Only numeric dimensions the acquisition moves take part (not categoricals, not the
// pinned budget input).
import type { Encoding } from './encode.js';
import type { PriorMean } from './gp.js';

/** The bowl's height at a corner of one dimension, in standard deviations of the observed targets (per unit of q = 1/4 there). */
export const EDGE_PRIOR_SD = 0.5;

/** The numeric dimensions the acquisition moves: the bowl's. */
function bowlDims(enc: Encoding): number[] {
  return Array.from({ length: enc.D }, (_, d) => d).filter((d) => enc.refinable[d] === 1);
}

/** q(x) = sum over the moving numeric dimensions of (x_d - 1/2)^2: 0 at the centre, 1/4 per dimension at an edge. */
export function edgeBowl(enc: Encoding): (x: ArrayLike<number>) => number {
  const dims = bowlDims(enc);
  return (x) => {
    let q = 0;
    for (const d of dims) q += (x[d]! - 0.5) ** 2;
    return q;
  };
}

/** The bowl `weight * q(x)` in a GP's standardized units (raw units / yStd), with its gradient. */
export function edgePrior(enc: Encoding, weight: number, yStd: number): PriorMean {
  const q = edgeBowl(enc);
  const dims = bowlDims(enc);
  const scale = weight / yStd;
  return {
    value: (x) => scale * q(x),
    valueWithGrad: (x, grad) => {
      grad.fill(0);
      for (const d of dims) grad[d] = 2 * scale * (x[d]! - 0.5);
      return scale * q(x);
    },
  };
}

/** The standard deviation of `target` over `rows`: the bowl's unit, so its strength does not depend on the metric's scale. */
export function spreadOf(target: Float64Array, rows: readonly number[]): number {
  if (rows.length < 2) return 0;
  let mean = 0;
  for (const i of rows) mean += target[i]! / rows.length;
  let sq = 0;
  for (const i of rows) sq += (target[i]! - mean) ** 2;
  return Math.sqrt(sq / rows.length);
}

/** Two prior means added (an earlier study's and the bowl). */
export function sumOfPriors(a: PriorMean, b: PriorMean, D: number): PriorMean {
  const g = new Float64Array(D);
  return {
    value: (x) => a.value(x) + b.value(x),
    valueWithGrad: (x, grad) => {
      const v = a.valueWithGrad(x, grad) + b.valueWithGrad(x, g);
      for (let d = 0; d < D; d++) grad[d] = grad[d]! + g[d]!;
      return v;
    },
  };
}
