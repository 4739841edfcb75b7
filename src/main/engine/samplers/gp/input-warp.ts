// `input_warp`: each numeric input of the objective's GP goes through a Kumaraswamy CDF,
// w(x) = 1 - (1 - x^a)^b, with a and b per dimension fitted with the kernel's hyperparameters (maximum a
// posteriori of the marginal likelihood): Snoek, Swersky, Zemel & Adams, "Input Warping for Bayesian
// Optimization of Non-stationary Functions" (ICML 2014), with the Kumaraswamy CDF in place of the Beta CDF
// as BoTorch's Warp transform and HEBO (Cowen-Rivers et al., JAIR 2022) use it: closed form, and its
// derivatives too. A stationary kernel on the warped inputs can then change fast near one end of a
// range and slowly at the other (a learning rate whose accuracy falls off a cliff near its top, flat
// below), which a single length scale per dimension cannot. Categorical dimensions stay as they are.
import type { Rng } from '../rng.js';
import { GPFitError } from './errors.js';
import { fitHyperparameters, GaussianProcess, negLogPosterior, standardize, thetaBounds, type Posterior } from './gp.js';
import { pairwiseSqDiffs } from './kernel.js';

/** Inputs are moved into [EPS, 1 - EPS] first, so x^a and log x stay finite at the bounds (as BoTorch does). */
const EPS = 1e-6;
/** log a and log b stay within +-WARP_BOUND (a, b in 0.2..5), with a N(0, WARP_PRIOR_VAR) prior on each. */
const WARP_BOUND = 1.6;
const WARP_PRIOR_VAR = 0.75;

/** The warp of one point's coordinates: a per dimension and b per dimension (1 and 1 leave a dimension as it is). */
export class InputWarp {
  readonly a: Float64Array;
  readonly b: Float64Array;

  /** `theta`: the fitted vector [kernel (D + 2), log a (D), log b (D)]. */
  constructor(
    theta: Float64Array,
    readonly D: number,
    readonly isCat: Uint8Array,
  ) {
    this.a = Float64Array.from({ length: D }, (_, d) => (isCat[d] === 1 ? 1 : Math.exp(theta[D + 2 + d]!)));
    this.b = Float64Array.from({ length: D }, (_, d) => (isCat[d] === 1 ? 1 : Math.exp(theta[2 * D + 2 + d]!)));
  }

  /** w(x_d) for dimension d. */
  value(x: number, d: number): number {
    if (this.isCat[d] === 1) return x;
    const u = (EPS + (1 - 2 * EPS) * x) ** this.a[d]!;
    return 1 - (1 - u) ** this.b[d]!;
  }

  /** dw/dx for dimension d (1 on a categorical one). */
  slope(x: number, d: number): number {
    if (this.isCat[d] === 1) return 1;
    const a = this.a[d]!;
    const b = this.b[d]!;
    const xe = EPS + (1 - 2 * EPS) * x;
    return (1 - 2 * EPS) * a * b * xe ** (a - 1) * (1 - xe ** a) ** (b - 1);
  }

  point(x: ArrayLike<number>, out: Float64Array): Float64Array {
    for (let d = 0; d < this.D; d++) out[d] = this.value(x[d]!, d);
    return out;
  }

  rows(X: Float64Array, n: number): Float64Array {
    const out = new Float64Array(n * this.D);
    for (let i = 0; i < n; i++) for (let d = 0; d < this.D; d++) out[i * this.D + d] = this.value(X[i * this.D + d]!, d);
    return out;
  }
}

/**
 * The GP on warped inputs: the kernel sees w(x), callers pass x. Gradients with respect to x carry dw/dx.
 * No prior mean: the transfer, stacked-rung and edge priors are functions of the unwarped inputs.
 */
export class WarpedGP extends GaussianProcess {
  private readonly buf: Float64Array;
  /** predictWithGrad's own buffer: the acquisition's optimizer calls it thousands of times per ask. */
  private readonly gradBufX: Float64Array;

  constructor(
    readonly rawX: Float64Array,
    n: number,
    D: number,
    isCat: Uint8Array,
    y: Float64Array,
    theta: Float64Array,
    yMean: number,
    yStd: number,
    readonly warp: InputWarp,
  ) {
    super(warp.rows(rawX, n), n, D, isCat, y, theta, yMean, yStd, null);
    this.buf = new Float64Array(D);
    this.gradBufX = new Float64Array(D);
  }

  override predict(x: ArrayLike<number>): Posterior {
    return super.predict(this.warp.point(x, this.buf));
  }

  override predictWithGrad(x: ArrayLike<number>, dMean: Float64Array, dVar: Float64Array): Posterior {
    const p = super.predictWithGrad(this.warp.point(x, this.gradBufX), dMean, dVar);
    for (let d = 0; d < this.D; d++) {
      const s = this.warp.slope(x[d]!, d);
      dMean[d] = dMean[d]! * s;
      dVar[d] = dVar[d]! * s;
    }
    return p;
  }

  override withFantasies(Xp: Float64Array, m: number, lie: number | null): GaussianProcess {
    if (m === 0) return this;
    const { n, D } = this;
    const X = new Float64Array((n + m) * D);
    X.set(this.rawX.subarray(0, n * D));
    X.set(Xp.subarray(0, m * D), n * D);
    const y = new Float64Array(n + m);
    y.set(this.y.subarray(0, n));
    for (let i = 0; i < m; i++) y[n + i] = lie ?? this.predict(Xp.subarray(i * D, i * D + D)).mean;
    return new WarpedGP(X, n + m, D, this.isCat, y, this.theta, this.yMean, this.yStd, this.warp);
  }

  /** The same hyperparameters and warp conditioned on other rows (the capped training set after the fit). */
  conditionedOn(X: Float64Array, n: number, y: Float64Array): WarpedGP {
    return new WarpedGP(X, n, this.D, this.isCat, y, this.theta, this.yMean, this.yStd, this.warp);
  }
}

/**
 * Negative log posterior over [kernel theta, log a, log b] with its gradient: the kernel's (gp.ts) on the
 * warped inputs, chained through the warp, plus the warp's own prior.
 */
export function warpedNegLogPosterior(theta: Float64Array, grad: Float64Array, X: Float64Array, n: number, D: number, isCat: Uint8Array, y: Float64Array): number {
  const warp = new InputWarp(theta, D, isCat);
  const W = warp.rows(X, n);
  const pairs = pairwiseSqDiffs(W, n, D, isCat);
  const coef = new Float64Array((n * (n - 1)) / 2);
  const gk = new Float64Array(D + 2);
  let f = negLogPosterior(theta.subarray(0, D + 2), gk, pairs, n, D, y, coef);
  grad.fill(0);
  if (!Number.isFinite(f)) return f;
  grad.set(gk);
  // dNLL/dW_id = -sum_j coef_ij isl_d 2 (W_id - W_jd) (negLogPosterior: dNLL/d sq_pd = -coef_p isl_d).
  const dW = new Float64Array(n * D);
  for (let i = 0, p = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, p++) {
      const c = coef[p]!;
      for (let d = 0; d < D; d++) {
        if (isCat[d] === 1) continue;
        const g = -2 * c * Math.exp(theta[d]!) * (W[i * D + d]! - W[j * D + d]!);
        dW[i * D + d] = dW[i * D + d]! + g;
        dW[j * D + d] = dW[j * D + d]! - g;
      }
    }
  }
  for (let d = 0; d < D; d++) {
    if (isCat[d] === 1) continue;
    const a = warp.a[d]!;
    const b = warp.b[d]!;
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const xe = EPS + (1 - 2 * EPS) * X[i * D + d]!;
      const u = xe ** a;
      // d w / d log a = a b (1 - u)^(b-1) u log x;  d w / d log b = -b (1 - u)^b log(1 - u).
      ga += dW[i * D + d]! * a * b * (1 - u) ** (b - 1) * u * Math.log(xe);
      gb += dW[i * D + d]! * -b * (1 - u) ** b * Math.log1p(-u);
    }
    const la = theta[D + 2 + d]!;
    const lb = theta[2 * D + 2 + d]!;
    f += (la * la + lb * lb) / (2 * WARP_PRIOR_VAR);
    grad[D + 2 + d] = ga + la / WARP_PRIOR_VAR;
    grad[2 * D + 2 + d] = gb + lb / WARP_PRIOR_VAR;
  }
  return f;
}

export interface WarpFitOptions {
  rng: Rng;
  warmStart: Float64Array | null;
  randomStarts: number;
  maxIter: number;
}

/** Standardizes y, fits the kernel and the warp together; throws GPFitError on degenerate data. */
export function fitWarpedGP(X: Float64Array, n: number, D: number, isCat: Uint8Array, yRaw: Float64Array, opts: WarpFitOptions): WarpedGP {
  const { y, mean, std } = standardize(yRaw, n);
  const k = thetaBounds(D);
  const lower = new Float64Array(3 * D + 2);
  const upper = new Float64Array(3 * D + 2);
  lower.set(k.lower);
  upper.set(k.upper);
  for (let d = 0; d < D; d++) {
    // A categorical dimension's warp is pinned at identity (log a = log b = 0).
    const bound = isCat[d] === 1 ? 0 : WARP_BOUND;
    lower[D + 2 + d] = lower[2 * D + 2 + d] = -bound;
    upper[D + 2 + d] = upper[2 * D + 2 + d] = bound;
  }
  const warm = opts.warmStart && opts.warmStart.length === 3 * D + 2 && opts.warmStart.every(Number.isFinite) ? opts.warmStart : null;
  const best = fitHyperparameters(D, 3 * D + 2, (t, g) => warpedNegLogPosterior(t, g, X, n, D, isCat, y), { lower, upper }, { ...opts, warmStart: warm }, n);
  if (!best) throw new GPFitError(`marginal likelihood is not finite at any starting point (input warping)`);
  return new WarpedGP(X.slice(0, n * D), n, D, isCat, y, best, mean, std, new InputWarp(best, D, isCat));
}

