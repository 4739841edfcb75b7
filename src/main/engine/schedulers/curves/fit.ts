// Fitting the curve families to one trial's reports and predicting its value at the horizon.
//
// Domhan et al. (IJCAI 2015) sample a Bayesian combination of eleven families by MCMC, which costs seconds
// per prediction. A scheduler asked at every report of every trial needs milliseconds, so this is the cheap
// variant the same literature uses as a baseline: each family fitted by least squares (the linear
// coefficients exactly, the one or two shape parameters by a log-scale grid then Nelder-Mead), combined with
// Akaike weights (Burnham & Anderson, "Model Selection and Multimodel Inference", 2002, ch. 2.9), and each
// family's predictive taken as Gaussian: the residual variance plus the linearised (delta-method) variance of
// its parameters carried to the horizon. The prediction is that mixture of Gaussians.
import { CURVE_FAMILIES, normalisedTime, type CurveFamily } from './families.js';

export interface FamilyFit {
  family: string;
  /** Parameters in the family's usual names. */
  params: Record<string, number>;
  rss: number;
  /** Akaike weight in the ensemble (0 when the family has too many parameters for the points). */
  weight: number;
  /** Predicted value at the horizon and its predictive standard deviation. */
  mean: number;
  sd: number;
}

export interface CurvePrediction {
  /** Mean of the ensemble's predictive distribution at the horizon. */
  mean: number;
  /** Central 90% band of that distribution. */
  lo: number;
  hi: number;
  horizon: number;
  fits: FamilyFit[];
}

interface Theta {
  u: number[];
  c: number;
  a: number;
  rss: number;
}

/** Exact least squares of y ≈ c + a·g for fixed θ; rss Infinity when g does not vary (nothing to fit). */
function solveLinear(f: CurveFamily, taus: readonly number[], ys: readonly number[], u: readonly number[]): Theta {
  const theta = u.map(Math.exp);
  const n = taus.length;
  const g = taus.map((t) => f.g(t, theta));
  let gm = 0;
  let ym = 0;
  for (let i = 0; i < n; i++) {
    gm += g[i]!;
    ym += ys[i]!;
  }
  gm /= n;
  ym /= n;
  let sgg = 0;
  let sgy = 0;
  for (let i = 0; i < n; i++) {
    sgg += (g[i]! - gm) ** 2;
    sgy += (g[i]! - gm) * (ys[i]! - ym);
  }
  if (!(sgg > 1e-300) || !Number.isFinite(sgg) || !Number.isFinite(sgy)) return { u: [...u], c: NaN, a: NaN, rss: Infinity };
  const a = sgy / sgg;
  const c = ym - a * gm;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (ys[i]! - c - a * g[i]!) ** 2;
  return { u: [...u], c, a, rss: Number.isFinite(rss) ? rss : Infinity };
}

function gridPoints(f: CurveFamily): number[][] {
  let points: number[][] = [[]];
  for (const s of f.shape) {
    const axis = Array.from({ length: s.points }, (_, i) => s.lnMin + ((s.lnMax - s.lnMin) * i) / (s.points - 1));
    points = points.flatMap((p) => axis.map((v) => [...p, v]));
  }
  return points;
}

/** Nelder-Mead on u within the grid's box widened by one unit (standard coefficients 1, 2, 0.5, 0.5). */
function refine(f: CurveFamily, taus: readonly number[], ys: readonly number[], start: Theta): Theta {
  const d = start.u.length;
  const lo = f.shape.map((s) => s.lnMin - 1);
  const hi = f.shape.map((s) => s.lnMax + 1);
  const evalAt = (u: number[]): Theta => solveLinear(f, taus, ys, u.map((v, i) => Math.min(hi[i]!, Math.max(lo[i]!, v))));
  let simplex: Theta[] = [start, ...Array.from({ length: d }, (_, i) => evalAt(start.u.map((v, j) => (j === i ? v + 0.2 : v))))];
  for (let iter = 0; iter < 40 * d; iter++) {
    simplex.sort((p, q) => p.rss - q.rss);
    const best = simplex[0]!;
    const worst = simplex[d]!;
    if (simplex[d]!.rss - best.rss <= 1e-12 * (1 + best.rss)) break;
    const centroid = Array.from({ length: d }, (_, j) => simplex.slice(0, d).reduce((s, p) => s + p.u[j]!, 0) / d);
    const along = (t: number): Theta => evalAt(centroid.map((c, j) => c + t * (worst.u[j]! - c)));
    const r = along(-1);
    if (r.rss < best.rss) {
      const e = along(-2);
      simplex[d] = e.rss < r.rss ? e : r;
    } else if (r.rss < simplex[d - 1]!.rss) {
      simplex[d] = r;
    } else {
      const c = along(r.rss < worst.rss ? -0.5 : 0.5);
      if (c.rss < Math.min(r.rss, worst.rss)) simplex[d] = c;
      else simplex = simplex.map((p, k) => (k === 0 ? p : evalAt(p.u.map((v, j) => best.u[j]! + 0.5 * (v - best.u[j]!)))));
    }
  }
  simplex.sort((p, q) => p.rss - q.rss);
  return simplex[0]!;
}

/** Solves the small symmetric system A x = b (Gaussian elimination with partial pivoting); null if singular. */
function solve(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i]![k]!) > Math.abs(M[p]![k]!)) p = i;
    if (!(Math.abs(M[p]![k]!) > 1e-300)) return null;
    [M[k], M[p]] = [M[p]!, M[k]!];
    for (let i = k + 1; i < n; i++) {
      const m = M[i]![k]! / M[k]![k]!;
      for (let j = k; j <= n; j++) M[i]![j]! -= m * M[k]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i]![n]!;
    for (let j = i + 1; j < n; j++) s -= M[i]![j]! * x[j]!;
    x[i] = s / M[i]![i]!;
  }
  return x.every(Number.isFinite) ? x : null;
}

/**
 * Var of the fitted curve at τ = 1 by the delta method: ∇f(1)ᵀ (JᵀJ)⁻¹ ∇f(1) σ², J the Jacobian of the
 * curve at the observed τ with respect to (c, a, u). Infinity when the fit is not identifiable.
 */
function parameterVariance(f: CurveFamily, taus: readonly number[], fit: Theta, sigma2: number): number {
  const model = (tau: number, p: number[]): number => p[0]! + p[1]! * f.g(tau, p.slice(2).map(Math.exp));
  const p = [fit.c, fit.a, ...fit.u];
  const grad = (tau: number): number[] =>
    p.map((_, j) => {
      const h = j < 2 ? 1e-6 * (1 + Math.abs(p[j]!)) : 1e-5;
      const up = [...p];
      const down = [...p];
      up[j]! += h;
      down[j]! -= h;
      return (model(tau, up) - model(tau, down)) / (2 * h);
    });
  const k = p.length;
  const JtJ = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const t of taus) {
    const r = grad(t);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) JtJ[i]![j]! += r[i]! * r[j]!;
  }
  // A tiny ridge keeps a nearly flat direction (a shape parameter the data cannot pin down) finite.
  const trace = JtJ.reduce((s, row, i) => s + row[i]!, 0);
  for (let i = 0; i < k; i++) JtJ[i]![i]! += 1e-9 * (trace / k + 1e-12);
  const g1 = grad(1);
  const x = solve(JtJ, g1);
  if (!x) return Infinity;
  const v = g1.reduce((s, gi, i) => s + gi * x[i]!, 0) * sigma2;
  return v >= 0 && Number.isFinite(v) ? v : Infinity;
}

export interface FitOptions {
  /** Families to use (default: all). */
  families?: readonly CurveFamily[];
}

/** Fits one family; null when it has as many parameters as there are points. */
export function fitFamily(f: CurveFamily, taus: readonly number[], ys: readonly number[]): { fit: Theta; p: number } | null {
  const p = 2 + f.shape.length;
  if (taus.length <= p) return null;
  let best: Theta | null = null;
  for (const u of gridPoints(f)) {
    const t = solveLinear(f, taus, ys, u);
    if (!best || t.rss < best.rss) best = t;
  }
  if (!best || !Number.isFinite(best.rss)) return null;
  return { fit: refine(f, taus, ys, best), p };
}

/**
 * The predicted value at `horizon` of a curve given as [step, value] pairs (steps below the horizon), or
 * null when no family can be fitted (too few points, a constant curve fits every family: see below).
 */
export function predictFinal(points: ReadonlyArray<readonly [number, number]>, horizon: number, opts: FitOptions = {}): CurvePrediction | null {
  const taus = points.map(([s]) => normalisedTime(s, horizon));
  const ys = points.map(([, v]) => v);
  const n = ys.length;
  if (n < 3) return null;
  const yMin = Math.min(...ys);
  const yMax = Math.max(...ys);
  const range = yMax - yMin;
  // A flat curve predicts itself; every family would fit it with a zero residual and an arbitrary shape.
  if (range <= 1e-12 * (1 + Math.abs(yMax))) {
    return { mean: ys[n - 1]!, lo: ys[n - 1]!, hi: ys[n - 1]!, horizon, fits: [] };
  }
  // Floor on the residual variance: a near-perfect fit would otherwise claim a certainty no training run has.
  const sigmaFloor2 = (1e-3 * range) ** 2;
  const fits: FamilyFit[] = [];
  const aic: number[] = [];
  for (const f of opts.families ?? CURVE_FAMILIES) {
    const r = fitFamily(f, taus, ys);
    if (!r) continue;
    const sigma2 = Math.max(r.fit.rss / (n - r.p), sigmaFloor2);
    const mean = r.fit.c + r.fit.a * f.g(1, r.fit.u.map(Math.exp));
    const varParams = parameterVariance(f, taus, r.fit, sigma2);
    const sd = Math.sqrt(sigma2 + varParams);
    if (!Number.isFinite(mean) || !Number.isFinite(sd)) continue;
    fits.push({ family: f.name, params: f.named(r.fit.c, r.fit.a, r.fit.u.map(Math.exp)), rss: r.fit.rss, weight: 0, mean, sd });
    aic.push(n * Math.log(Math.max(r.fit.rss, n * sigmaFloor2) / n) + 2 * r.p);
  }
  if (fits.length === 0) return null;
  const minAic = Math.min(...aic);
  const raw = aic.map((a) => Math.exp(-0.5 * (a - minAic)));
  const total = raw.reduce((s, w) => s + w, 0);
  fits.forEach((f, i) => (f.weight = raw[i]! / total));
  const mean = fits.reduce((s, f) => s + f.weight * f.mean, 0);
  return { mean, lo: mixtureQuantile(fits, 0.05), hi: mixtureQuantile(fits, 0.95), horizon, fits };
}

/** P(value at the horizon > x) under the prediction's mixture. */
export function probabilityAbove(p: CurvePrediction, x: number): number {
  if (p.fits.length === 0) return p.mean > x ? 1 : 0;
  return p.fits.reduce((s, f) => s + f.weight * (1 - normCdf((x - f.mean) / f.sd)), 0);
}

function mixtureQuantile(fits: readonly FamilyFit[], q: number): number {
  const cdf = (x: number): number => fits.reduce((s, f) => s + f.weight * normCdf((x - f.mean) / f.sd), 0);
  let lo = Math.min(...fits.map((f) => f.mean - 10 * f.sd));
  let hi = Math.max(...fits.map((f) => f.mean + 10 * f.sd));
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Standard normal CDF via erfc (W. J. Cody's rational approximation is overkill here; 1e-7 is plenty). */
export function normCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

// Abramowitz & Stegun 7.1.26 for erf on |x|, |error| < 1.5e-7.
function erfc(x: number): number {
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const r = poly * Math.exp(-ax * ax);
  return x >= 0 ? r : 2 - r;
}
