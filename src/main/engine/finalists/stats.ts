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

/** Student's t cumulative distribution, through the regularized incomplete beta function. */
export function tCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * incompleteBeta(df / 2, 0.5, x);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` degrees of freedom (bisection on tCdf: exact to ~1e-10). */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`tQuantile: p must be in (0, 1), got ${p}`);
  let lo = -1e4;
  let hi = 1e4;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// Regularized incomplete beta I_x(a, b) by its continued fraction (Numerical Recipes, 3rd ed., §6.4).
function incompleteBeta(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(a, b, x)) / a;
  return 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 3e-16) break;
  }
  return h;
}

// Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for positive arguments.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  z -= 1;
  let x = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) x += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
}
