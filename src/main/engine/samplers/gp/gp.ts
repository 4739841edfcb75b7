// Exact GP regression on standardized outputs with a Matérn-5/2 ARD kernel. Hyperparameters are the
// maximum a posteriori of the log marginal likelihood plus log priors (Rasmussen & Williams 2006, eq. 5.8-5.9
// for the gradient), found by bounded L-BFGS from several starts. Priors follow Optuna's GP
// (optuna/_gp/prior.py): -(0.1/isl + 0.1 isl) per inverse squared length scale (mode at length scale 1 on the
// unit cube), Gamma(2, 1) on the signal variance and Gamma(1.1, 30) on the noise variance (near-noiseless).
import type { Rng } from '../rng.js';
import { GPFitError } from './errors.js';
import { crossCovariance, dMatern52, matern52, pairwiseSqDiffs, unpackTheta, type KernelParams } from './kernel.js';
import { minimizeBox } from './lbfgsb.js';
import { cholInverse, cholLogDet, choleskyWithJitter, cholSolve, solveLower, solveUpperT, type Cholesky } from './linalg.js';

const LOG_2PI = Math.log(2 * Math.PI);
/** Noise floor: keeps K well conditioned for deterministic objectives without visibly smoothing them. */
export const MIN_NOISE = 1e-6;

export interface FitOptions {
  rng: Rng;
  /** Hyperparameters of the previous fit: the usual best start once a study is under way. */
  warmStart: Float64Array | null;
  /** Random starts in addition to the default and warm starts. */
  randomStarts: number;
  maxIter: number;
}

export function thetaBounds(D: number): { lower: Float64Array; upper: Float64Array } {
  const lower = new Float64Array(D + 2);
  const upper = new Float64Array(D + 2);
  for (let d = 0; d < D; d++) {
    lower[d] = Math.log(1e-4); // length scale 100
    upper[d] = Math.log(1e4); // length scale 0.01
  }
  lower[D] = Math.log(1e-3);
  upper[D] = Math.log(1e3);
  lower[D + 1] = Math.log(MIN_NOISE);
  upper[D + 1] = 0;
  return { lower, upper };
}

/**
 * Negative log marginal likelihood minus log prior, with its gradient; Infinity where K will not factor.
 * `pairCoef`, when given, receives per pair p the c_p with dNLL/d pairs[p, d] = -c_p isl_d (input-warp.ts
 * chains the warp's gradient through it).
 */
export function negLogPosterior(theta: Float64Array, grad: Float64Array, pairs: Float64Array, n: number, D: number, y: Float64Array, pairCoef?: Float64Array): number {
  const k = unpackTheta(theta, D);
  const npairs = (n * (n - 1)) / 2;
  const m = new Float64Array(npairs);
  const dm = new Float64Array(npairs);
  const K = new Float64Array(n * n);
  for (let i = 0, p = 0; i < n; i++) {
    K[i * n + i] = k.scale + k.noise;
    for (let j = i + 1; j < n; j++, p++) {
      let r2 = 0;
      const base = p * D;
      for (let d = 0; d < D; d++) r2 += k.isl[d]! * pairs[base + d]!;
      m[p] = matern52(r2);
      dm[p] = dMatern52(r2);
      const v = k.scale * m[p]!;
      K[i * n + j] = v;
      K[j * n + i] = v;
    }
  }
  let chol: Cholesky;
  try {
    chol = choleskyWithJitter(K, n, 3);
  } catch (e) {
    if (e instanceof GPFitError) return Infinity;
    throw e;
  }
  const alpha = cholSolve(chol, y);
  const Kinv = cholInverse(chol);
  let quad = 0;
  for (let i = 0; i < n; i++) quad += y[i]! * alpha[i]!;
  const nll = 0.5 * quad + 0.5 * cholLogDet(chol) + 0.5 * n * LOG_2PI;

  // d LML / d theta = 1/2 tr(W dK/dtheta), W = alpha alpha^T - K^-1; off-diagonal pairs counted once, doubled.
  grad.fill(0);
  let gScale = 0;
  let gNoise = 0;
  for (let i = 0; i < n; i++) {
    const wii = alpha[i]! * alpha[i]! - Kinv[i * n + i]!;
    gScale += 0.5 * wii * k.scale;
    gNoise += 0.5 * wii * k.noise;
  }
  for (let i = 0, p = 0; i < n; i++) {
    const ai = alpha[i]!;
    const row = i * n;
    for (let j = i + 1; j < n; j++, p++) {
      const w = ai * alpha[j]! - Kinv[row + j]!;
      gScale += w * k.scale * m[p]!;
      const c = w * k.scale * dm[p]!;
      if (pairCoef) pairCoef[p] = c;
      const base = p * D;
      for (let d = 0; d < D; d++) grad[d] = grad[d]! + c * pairs[base + d]!;
    }
  }
  let logPrior = 0;
  for (let d = 0; d < D; d++) {
    const isl = k.isl[d]!;
    logPrior += -(0.1 / isl + 0.1 * isl);
    grad[d] = -(grad[d]! * isl + (0.1 / isl - 0.1 * isl));
  }
  logPrior += Math.log(k.scale) - k.scale + 0.1 * Math.log(k.noise) - 30 * k.noise;
  grad[D] = -(gScale + (1 - k.scale));
  grad[D + 1] = -(gNoise + (0.1 - 30 * k.noise));
  return nll - logPrior;
}

export interface Posterior {
  mean: number;
  variance: number;
}

/**
 * A prior mean function in the GP's standardized output units: the GP then models y - m(x) (transfer.ts
 * builds one from an earlier study). `valueWithGrad` writes dm/dx into `grad`.
 */
export interface PriorMean {
  value(x: ArrayLike<number>): number;
  valueWithGrad(x: ArrayLike<number>, grad: Float64Array): number;
}

/** A fitted GP in standardized output units (y_std = (y - yMean) / yStd). */
export class GaussianProcess {
  readonly kernel: KernelParams;
  private readonly chol: Cholesky;
  private readonly alpha: Float64Array;
  private readonly kbuf: Float64Array;
  private readonly r2buf: Float64Array;
  private readonly gradBuf: Float64Array;

  constructor(
    readonly X: Float64Array,
    readonly n: number,
    readonly D: number,
    readonly isCat: Uint8Array,
    /** Standardized targets. */
    readonly y: Float64Array,
    readonly theta: Float64Array,
    readonly yMean: number,
    readonly yStd: number,
    /** Prior mean; null: zero (the standardized mean of the observations). */
    readonly prior: PriorMean | null = null,
  ) {
    this.kernel = unpackTheta(theta, D);
    const K = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      crossCovariance(X.subarray(i * D, i * D + D), X, n, D, isCat, this.kernel, K.subarray(i * n, i * n + n));
      K[i * n + i] = K[i * n + i]! + this.kernel.noise;
    }
    this.chol = choleskyWithJitter(K, n);
    const residual = prior ? Float64Array.from(y.subarray(0, n), (v, i) => v - prior.value(X.subarray(i * D, i * D + D))) : y;
    this.alpha = cholSolve(this.chol, residual);
    this.kbuf = new Float64Array(n);
    this.r2buf = new Float64Array(n);
    this.gradBuf = new Float64Array(D);
  }

  /** Posterior of the latent function at x (standardized units). */
  predict(x: ArrayLike<number>): Posterior {
    const { n, D } = this;
    const kx = this.kbuf;
    crossCovariance(x, this.X, n, D, this.isCat, this.kernel, kx);
    let mean = this.prior ? this.prior.value(x) : 0;
    for (let j = 0; j < n; j++) mean += kx[j]! * this.alpha[j]!;
    solveLower(this.chol.L, n, kx);
    let vv = 0;
    for (let j = 0; j < n; j++) vv += kx[j]! * kx[j]!;
    return { mean, variance: Math.max(this.kernel.scale - vv, 1e-12 * this.kernel.scale) };
  }

  /** Posterior with gradients of mean and variance with respect to x (zero on categorical dimensions). */
  predictWithGrad(x: ArrayLike<number>, dMean: Float64Array, dVar: Float64Array): Posterior {
    const { n, D, kernel } = this;
    const kx = new Float64Array(n);
    const r2 = this.r2buf;
    crossCovariance(x, this.X, n, D, this.isCat, kernel, kx, r2);
    let mean = 0;
    for (let j = 0; j < n; j++) mean += kx[j]! * this.alpha[j]!;
    const v = Float64Array.from(kx);
    solveLower(this.chol.L, n, v);
    let vv = 0;
    for (let j = 0; j < n; j++) vv += v[j]! * v[j]!;
    const w = solveUpperT(this.chol.L, n, v); // K^-1 k(x)
    dMean.fill(0);
    dVar.fill(0);
    for (let j = 0; j < n; j++) {
      // d k_j / d x_d = scale * m'(r2) * isl_d * 2 (x_d - X_jd)
      const c = kernel.scale * dMatern52(r2[j]!) * 2;
      const a = c * this.alpha[j]!;
      const b = -2 * c * w[j]!;
      const row = j * D;
      for (let d = 0; d < D; d++) {
        if (this.isCat[d] === 1) continue;
        const t = kernel.isl[d]! * (x[d]! - this.X[row + d]!);
        dMean[d] = dMean[d]! + a * t;
        dVar[d] = dVar[d]! + b * t;
      }
    }
    if (this.prior) {
      mean += this.prior.valueWithGrad(x, this.gradBuf);
      for (let d = 0; d < D; d++) dMean[d] = dMean[d]! + this.gradBuf[d]!;
    }
    const variance = kernel.scale - vv;
    if (variance < 1e-12 * kernel.scale) {
      dVar.fill(0);
      return { mean, variance: 1e-12 * kernel.scale };
    }
    return { mean, variance };
  }

  /**
   * The same GP conditioned on running trials with a made-up outcome (Ginsbourger et al. 2010). `lie` null:
   * its own posterior mean ("kriging believer"); a number: that value ("constant liar"). The sampler lies
   * with the mean of the observations: measured on a 1-D quadratic, the believer's collapsed variance still
   * left the next suggestion 1e-4 from the running one (its mean stays the most promising), while the
   * average lie raises the mean there and moves the next suggestion off by a fraction of a length scale.
   */
  withFantasies(Xp: Float64Array, m: number, lie: number | null): GaussianProcess {
    if (m === 0) return this;
    const { n, D } = this;
    const X = new Float64Array((n + m) * D);
    X.set(this.X);
    X.set(Xp.subarray(0, m * D), n * D);
    const y = new Float64Array(n + m);
    y.set(this.y);
    for (let i = 0; i < m; i++) y[n + i] = lie ?? this.predict(Xp.subarray(i * D, i * D + D)).mean;
    return new GaussianProcess(X, n + m, D, this.isCat, y, this.theta, this.yMean, this.yStd, this.prior);
  }
}

/** (y - mean) / std of the first n values; throws GPFitError on too few, non-finite or identical values. */
export function standardize(yRaw: Float64Array, n: number): { y: Float64Array; mean: number; std: number } {
  if (n < 2) throw new GPFitError(`need at least 2 finished trials with finite values to fit a GP, have ${n}`);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(yRaw[i]!)) throw new GPFitError(`observed value ${yRaw[i]} of point ${i} is not finite`);
    mean += yRaw[i]!;
  }
  mean /= n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (yRaw[i]! - mean) ** 2;
  const std = Math.sqrt(sq / n);
  if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) {
    throw new GPFitError(`all ${n} observed values are identical (${mean}); a GP cannot learn from them`);
  }
  return { y: Float64Array.from(yRaw.subarray(0, n), (v) => (v - mean) / std), mean, std };
}

/** Standardizes y and fits the hyperparameters; throws GPFitError on degenerate data. */
export function fitGP(X: Float64Array, n: number, D: number, isCat: Uint8Array, yRaw: Float64Array, opts: FitOptions): GaussianProcess {
  const { y, mean, std } = standardize(yRaw, n);
  const pairs = pairwiseSqDiffs(X, n, D, isCat);
  const warm = opts.warmStart && opts.warmStart.length === D + 2 && opts.warmStart.every(Number.isFinite) ? opts.warmStart : null;
  const best = fitHyperparameters(D, D + 2, (t, g) => negLogPosterior(t, g, pairs, n, D, y), thetaBounds(D), { ...opts, warmStart: warm }, n);
  if (!best) throw new GPFitError('marginal likelihood is not finite at any starting point');
  return new GaussianProcess(X.slice(0, n * D), n, D, isCat, y, best, mean, std);
}

/**
 * The best of bounded L-BFGS runs from the warm start, the default start and `randomStarts` random ones,
 * over a vector of `length` whose first D + 2 entries are the kernel's (the rest, if any, start at 0);
 * null when the objective is not finite at any of them.
 */
export function fitHyperparameters(
  D: number,
  length: number,
  objective: (theta: Float64Array, grad: Float64Array) => number,
  bounds: { lower: Float64Array; upper: Float64Array },
  opts: FitOptions,
  n: number,
): Float64Array | null {
  const starts: Float64Array[] = [];
  if (opts.warmStart) starts.push(opts.warmStart);
  // The default start guards against a warm start stuck in an early, data-poor optimum; beyond 64 points the
  // optimum moves little between asks and the warm start alone keeps suggestion time bounded.
  if (starts.length === 0 || n < 64) {
    const def = new Float64Array(length);
    def[D + 1] = Math.log(1e-3);
    starts.push(def);
  }
  for (let s = 0; s < opts.randomStarts; s++) {
    const t = new Float64Array(length);
    for (let d = 0; d < D; d++) t[d] = -3 + 6 * opts.rng.uniform();
    t[D] = -1 + 2 * opts.rng.uniform();
    t[D + 1] = Math.log(1e-5) + 6 * opts.rng.uniform();
    starts.push(t);
  }
  let best: { x: Float64Array; f: number } | null = null;
  for (const x0 of starts) {
    const r = minimizeBox(objective, x0, { lower: bounds.lower, upper: bounds.upper, maxIter: opts.maxIter, gtol: 1e-4, ftol: 1e-7 });
    if (Number.isFinite(r.f) && (!best || r.f < best.f)) best = { x: r.x, f: r.f };
  }
  return best ? best.x : null;
}
