// Transfer from an earlier study, the way Google Vizier stacks its Gaussian processes (Golovin et al.,
// "Google Vizier: A Service for Black-Box Optimization", KDD 2017, sec. 3.3): a GP fitted on the earlier
// study's results gives the prior mean, and the new study's GP is fitted to its observations' residuals from
// that mean. Where the new study has no data, its model predicts what the earlier one saw; where it has
// data, its own observations dominate; a constant offset between the two tasks is absorbed by the residual
// GP's own mean, and a poor source shows up as a large residual signal variance, so the new study's
// uncertainty stays honest. Chosen over an ensemble of per-study GPs (RGPE, Feurer et al. 2018) because
// there is one source study, and over an extra task dimension because that makes every fit cost (n_old + n_new)^3.
import type { Objective } from '../../../../shared/types.js';
import { collectObservations, type Observations } from './dataset.js';
import type { Encoding } from './encode.js';
import type { GaussianProcess, PriorMean } from './gp.js';
import type { GpTrial } from './suggest.js';

/** The earlier study's evidence, as plain data: it travels to the GP worker with every task. */
export interface GpPrior {
  /** The earlier study's finished trials, projected onto this study's search space. */
  trials: GpTrial[];
}

/** Results the earlier study needs at one budget before its GP is fitted on them. */
export const PRIOR_MIN_RESULTS = 3;

/**
 * The earlier study's observations the prior is fitted on. With fidelities, those at the budget closest (in
 * log) to the one this study's model learns from now: accuracy after 2 epochs is another function than after
 * 52, so the prior must be the same function the residuals are taken of. Null with too few results.
 */
export function priorObservations(enc: Encoding, prior: GpPrior, target: readonly GpTrial[], objectives: readonly Objective[]): Observations | null {
  const usable = (t: GpTrial): boolean => t.state === 'complete' && objectives.every((o) => Number.isFinite(t.values?.[o.metric]));
  const source = prior.trials.filter(usable);
  let targetBudget: number | null = null;
  for (const t of target) if (usable(t) && t.budget !== null && (targetBudget === null || t.budget > targetBudget)) targetBudget = t.budget;
  const counts = new Map<number, number>();
  for (const t of source) if (t.budget !== null) counts.set(t.budget, (counts.get(t.budget) ?? 0) + 1);
  const budgets = [...counts].filter(([, n]) => n >= PRIOR_MIN_RESULTS).map(([b]) => b);
  let chosen: GpTrial[] = source;
  if (budgets.length > 0) {
    const distance = (b: number): number => (targetBudget === null ? -b : Math.abs(Math.log(b / targetBudget)));
    // Closest budget; on a tie the higher one (the more faithful result).
    const best = budgets.reduce((a, b) => (distance(b) < distance(a) || (distance(b) === distance(a) && b > a) ? b : a));
    chosen = source.filter((t) => t.budget === best);
  }
  if (chosen.length < PRIOR_MIN_RESULTS) return null;
  const views = chosen.map((t) => ({ ...t, state: 'complete' as const, intermediate: new Map<number, number>() }));
  return collectObservations(enc, views, objectives, []);
}

/** The source GP's posterior mean in raw (minimized) units. */
export function sourceMean(source: GaussianProcess): (x: ArrayLike<number>) => number {
  return (x) => source.yMean + source.yStd * source.predict(x).mean;
}

/** Pseudo-observations that hold the prior's weight at 1 until the new study's own results say otherwise. */
export const PRIOR_WEIGHT_PSEUDO = 5;

/**
 * How much of the source's mean the new study's results bear out: the least-squares slope of `target` on
 * the source's predictions `s` over `rows`, shrunk towards 1 by PRIOR_WEIGHT_PSEUDO pseudo-observations
 * and kept in [0, 2]. The residual GP learns offsets; this learns scale (the "learned scale" of a prior mean),
 * so a source whose landscape the new task does not share fades out instead of pinning the search to its
 * optimum (a plain stack measured on LCBench plateaued below the cold start: bench/results/transfer-*).
 */
export function priorWeight(s: Float64Array, target: Float64Array, rows: readonly number[]): number {
  const n = rows.length;
  if (n === 0) return 1;
  let ms = 0;
  let mt = 0;
  for (const i of rows) {
    ms += s[i]! / n;
    mt += target[i]! / n;
  }
  let sxy = 0;
  let sxx = 0;
  for (const i of rows) {
    sxy += (s[i]! - ms) * (target[i]! - mt);
    sxx += (s[i]! - ms) ** 2;
  }
  // With the source's own spread as the pseudo-observations' spread: (n w_ls + n0) / (n + n0).
  const v = sxx / n;
  if (!(v > 0)) return 1;
  const w = (sxy + PRIOR_WEIGHT_PSEUDO * v) / (sxx + PRIOR_WEIGHT_PSEUDO * v);
  return Math.min(2, Math.max(0, w));
}

/**
 * `weight` times the source GP's posterior mean as the prior mean of a GP whose standardized outputs are
 * (y - yMean) / yStd, with yMean and yStd those of the residuals: then y_std - m(x) is exactly the
 * standardized residual the target GP was fitted on.
 */
export function stackedPrior(source: GaussianProcess, yStd: number, weight = 1): PriorMean {
  const dm = new Float64Array(source.D);
  const dv = new Float64Array(source.D);
  const scale = (weight * source.yStd) / yStd;
  return {
    value: (x) => (weight * (source.yMean + source.yStd * source.predict(x).mean)) / yStd,
    valueWithGrad: (x, grad) => {
      const p = source.predictWithGrad(x, dm, dv);
      for (let d = 0; d < grad.length; d++) grad[d] = scale * dm[d]!;
      return (weight * (source.yMean + source.yStd * p.mean)) / yStd;
    },
  };
}

/** The source's mean at each row of X (n x D). */
export function meanAtRows(X: Float64Array, n: number, D: number, mean: (x: ArrayLike<number>) => number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => mean(X.subarray(i * D, i * D + D)));
}

