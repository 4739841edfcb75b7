// Statistics of finalist runs: pure functions of the numbers the runs reported.
//
// - A 95% interval over seeds/folds is Student's t-interval, mean ± t(0.975, n-1)·s/√n: with 3-5 runs
//   per finalist the normal 1.96 would claim far too much (t(0.975, 2) = 4.30).
// - "A beats B" is the posterior probability that A's true mean is better, under the noninformative prior
//   of Gelman et al., Bayesian Data Analysis (3rd ed.), §3.2: the mean of normal data then has a scaled t
//   posterior, t(n-1; ȳ, s²/n). Finalists share seeds and folds, so runs pair up; the paired differences
//   cancel what a seed or fold does to every configuration alike (common random numbers). Unpaired runs
//   fall back to Welch's approximation (Welch 1947) of the difference's degrees of freedom.
// - Rank stability is Kendall's tau (τ-b, with ties) between search-time values and validated means.
import type { Direction } from '../../../shared/types.js';
import { tCdf, tQuantile } from '../study/student-t.js';

export interface Interval {
  n: number;
  mean: number;
  /** Sample standard deviation (n-1); 0 for a single value. */
  sd: number;
  /** The 95% t-interval; null when there is one value (no spread to estimate). */
  low: number | null;
  high: number | null;
}

export function meanInterval(values: readonly number[]): Interval {
  const n = values.length;
  if (n === 0) throw new Error('meanInterval: no values');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, sd: 0, low: null, high: null };
  const sd = Math.sqrt(values.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const half = tQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, sd, low: mean - half, high: mean + half };
}

/**
 * How much better the search said a configuration was than it validated: positive when the search was
 * optimistic (a higher value to maximize, a lower one to minimize), in the objective's units.
 */
export function optimism(searchValue: number, validatedMean: number, direction: Direction): number {
  return direction === 'maximize' ? searchValue - validatedMean : validatedMean - searchValue;
}

/**
 * Probability that configuration A's true mean beats B's. `a` and `b` map a run's unit (seed and fold) to
 * its value; units present in both are paired when there are at least two of them.
 */
export function probabilityBeats(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>, direction: Direction): number {
  const sign = direction === 'maximize' ? 1 : -1;
  const shared = [...a.keys()].filter((k) => b.has(k));
  if (shared.length >= 2) {
    const d = meanInterval(shared.map((k) => sign * (a.get(k)! - b.get(k)!)));
    return tPosteriorAboveZero(d.mean, d.sd / Math.sqrt(d.n), d.n - 1);
  }
  const x = meanInterval([...a.values()]);
  const y = meanInterval([...b.values()]);
  const diff = sign * (x.mean - y.mean);
  const va = x.n > 1 ? x.sd ** 2 / x.n : 0;
  const vb = y.n > 1 ? y.sd ** 2 / y.n : 0;
  const se = Math.sqrt(va + vb);
  // Welch-Satterthwaite degrees of freedom; a side with one run contributes no spread and no freedom.
  const df = se === 0 ? 1 : (va + vb) ** 2 / ((x.n > 1 ? va ** 2 / (x.n - 1) : 0) + (y.n > 1 ? vb ** 2 / (y.n - 1) : 0));
  return tPosteriorAboveZero(diff, se, df);
}

function tPosteriorAboveZero(mean: number, se: number, df: number): number {
  if (se === 0 || !Number.isFinite(df) || df <= 0) return mean > 0 ? 1 : mean < 0 ? 0 : 0.5;
  return tCdf(mean / se, df);
}

/** Kendall's τ-b between two rankings' scores (1: same order, -1: reversed); null with fewer than 2 items. */
export function kendallTau(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new Error('kendallTau: lengths differ');
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i]! - x[j]!);
      const dy = Math.sign(y[i]! - y[j]!);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denom === 0 ? null : (concordant - discordant) / denom;
}
