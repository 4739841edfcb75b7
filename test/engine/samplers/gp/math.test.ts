// The GP's numerical building blocks against independent computations: finite differences for every
// analytic gradient, reconstruction for Cholesky, and direct formulas for the normal functions.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/main/engine/samplers/rng.js';
import { logEI, logEIGrad } from '../../../../src/main/engine/samplers/gp/acquisition.js';
import { GPFitError } from '../../../../src/main/engine/samplers/gp/errors.js';
import { fitGP, GaussianProcess, negLogPosterior } from '../../../../src/main/engine/samplers/gp/gp.js';
import { dMatern52, matern52, pairwiseSqDiffs } from '../../../../src/main/engine/samplers/gp/kernel.js';
import { choleskyWithJitter, cholInverse, cholSolve } from '../../../../src/main/engine/samplers/gp/linalg.js';
import { minimizeBox } from '../../../../src/main/engine/samplers/gp/lbfgsb.js';
import { dLogH, erfc, logH, normCdf, normPdf } from '../../../../src/main/engine/samplers/gp/normal.js';

function randomData(n: number, D: number, seed: number, isCat = new Uint8Array(D)) {
  const rng = new Rng(seed);
  const X = new Float64Array(n * D);
  for (let i = 0; i < n * D; i++) X[i] = isCat[i % D] ? rng.int(3) : rng.uniform();
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(6 * X[i * D]!) + (isCat[1] ? X[i * D + 1]! : X[i * D + 1]! ** 2) + 0.05 * rng.normal());
  return { X, y, isCat };
}

describe('Matérn-5/2 kernel', () => {
  it('has the closed form at known distances and the derivative finite differences give', () => {
    expect(matern52(0)).toBe(1);
    const r = 0.7;
    expect(matern52(r * r)).toBeCloseTo((1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r), 14);
    for (const r2 of [1e-6, 0.01, 0.5, 2, 9]) {
      const h = 1e-6 * Math.max(r2, 1e-3);
      const fd = (matern52(r2 + h) - matern52(r2 - h)) / (2 * h);
      expect(dMatern52(r2)).toBeCloseTo(fd, 6);
    }
    expect(dMatern52(0)).toBeCloseTo(-5 / 6, 14);
  });
});

describe('log marginal likelihood + log prior', () => {
  it('matches central finite differences in every hyperparameter, numeric and categorical', () => {
    const D = 3;
    const { X, y } = randomData(12, D, 7, Uint8Array.from([0, 1, 0]));
    const isCat = Uint8Array.from([0, 1, 0]);
    const pairs = pairwiseSqDiffs(X, 12, D, isCat);
    const theta = Float64Array.from([0.3, -0.5, 1.2, 0.2, Math.log(0.01)]);
    const grad = new Float64Array(D + 2);
    const f0 = negLogPosterior(theta, grad, pairs, 12, D, y);
    expect(Number.isFinite(f0)).toBe(true);
    const scratch = new Float64Array(D + 2);
    for (let d = 0; d < D + 2; d++) {
      const h = 1e-5;
      const tp = Float64Array.from(theta);
      tp[d] = tp[d]! + h;
      const tm = Float64Array.from(theta);
      tm[d] = tm[d]! - h;
      const fd = (negLogPosterior(tp, scratch, pairs, 12, D, y) - negLogPosterior(tm, scratch, pairs, 12, D, y)) / (2 * h);
      expect(grad[d]).toBeCloseTo(fd, 4);
    }
  });

  it('fitting raises the posterior above the default start and recovers a short length scale for the wiggly input', () => {
    const D = 2;
    const { X, y } = randomData(40, D, 3);
    const gp = fitGP(X, 40, D, new Uint8Array(D), y, { rng: new Rng(1), warmStart: null, randomStarts: 2, maxIter: 100 });
    const ys = Float64Array.from(y, (v) => (v - gp.yMean) / gp.yStd);
    const pairs = pairwiseSqDiffs(X, 40, D, new Uint8Array(D));
    const g = new Float64Array(D + 2);
    const atFit = negLogPosterior(gp.theta, g, pairs, 40, D, ys);
    const atDefault = negLogPosterior(Float64Array.from([0, 0, 0, Math.log(1e-3)]), g, pairs, 40, D, ys);
    expect(atFit).toBeLessThan(atDefault);
    // sin(6 x0) varies faster than x1^2: larger inverse squared length scale on x0.
    expect(gp.theta[0]!).toBeGreaterThan(gp.theta[1]!);
  });

  it('throws GPFitError on identical or non-finite observations', () => {
    const X = Float64Array.from([0.1, 0.5, 0.9]);
    const opts = { rng: new Rng(1), warmStart: null, randomStarts: 0, maxIter: 10 };
    expect(() => fitGP(X, 3, 1, new Uint8Array(1), Float64Array.from([2, 2, 2]), opts)).toThrow(GPFitError);
    expect(() => fitGP(X, 3, 1, new Uint8Array(1), Float64Array.from([1, NaN, 2]), opts)).toThrow(GPFitError);
  });
});

describe('posterior gradients', () => {
  it('mean and variance gradients match finite differences', () => {
    const D = 3;
    const isCat = Uint8Array.from([0, 0, 1]);
    const { X, y } = randomData(15, D, 11, isCat);
    const gp = fitGP(X, 15, D, isCat, y, { rng: new Rng(2), warmStart: null, randomStarts: 1, maxIter: 50 });
    const x = Float64Array.from([0.31, 0.62, 1]);
    const dm = new Float64Array(D);
    const dv = new Float64Array(D);
    const p = gp.predictWithGrad(x, dm, dv);
    const q = gp.predict(x);
    expect(p.mean).toBeCloseTo(q.mean, 12);
    expect(p.variance).toBeCloseTo(q.variance, 12);
    for (let d = 0; d < 2; d++) {
      const h = 1e-6;
      const xp = Float64Array.from(x);
      xp[d] = xp[d]! + h;
      const xm = Float64Array.from(x);
      xm[d] = xm[d]! - h;
      expect(dm[d]).toBeCloseTo((gp.predict(xp).mean - gp.predict(xm).mean) / (2 * h), 5);
      expect(dv[d]).toBeCloseTo((gp.predict(xp).variance - gp.predict(xm).variance) / (2 * h), 5);
      // log EI's gradient, chained through mean and variance.
      const g = new Float64Array(D);
      logEIGrad(p, dm, dv, -1.5, g);
      expect(g[d]).toBeCloseTo((logEI(gp.predict(xp), -1.5) - logEI(gp.predict(xm), -1.5)) / (2 * h), 4);
    }
  });

  it('a fantasized running point keeps the mean (believer) or takes the lie (constant liar), and collapses the variance', () => {
    const D = 1;
    const X = Float64Array.from([0.1, 0.4, 0.8]);
    const y = Float64Array.from([1, -1, 0.5]);
    const gp = new GaussianProcess(X, 3, D, new Uint8Array(1), y, Float64Array.from([Math.log(10), 0, Math.log(1e-6)]), 0, 1);
    const before = gp.predict([0.6]);
    const after = gp.withFantasies(Float64Array.from([0.6]), 1, null).predict([0.6]);
    const lied = gp.withFantasies(Float64Array.from([0.6]), 1, 2).predict([0.6]);
    expect(lied.mean).toBeCloseTo(2, 3);
    expect(after.mean).toBeCloseTo(before.mean, 6);
    expect(after.variance).toBeLessThan(before.variance * 1e-3);
  });
});

describe('Cholesky with jitter', () => {
  it('factors a near-singular covariance by adding the smallest jitter that works, and solves with it', () => {
    // Two identical inputs make K exactly rank deficient without noise.
    const x = [0.1, 0.1, 0.5, 0.9];
    const n = x.length;
    const K = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K[i * n + j] = matern52(((x[i]! - x[j]!) / 0.3) ** 2);
    const chol = choleskyWithJitter(K, n);
    expect(chol.jitter).toBeGreaterThan(0);
    expect(chol.jitter).toBeLessThan(1e-3);
    // L L^T reproduces K + jitter I.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += chol.L[i * n + k]! * chol.L[j * n + k]!;
        expect(s).toBeCloseTo(K[i * n + j]! + (i === j ? chol.jitter : 0), 10);
      }
    }
    const inv = cholInverse(chol);
    const b = Float64Array.from([1, 2, 3, 4]);
    const sol = cholSolve(chol, b);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += inv[i * n + j]! * b[j]!;
      expect(s / sol[i]!).toBeCloseTo(1, 8);
    }
  });

  it('needs no jitter for a well-conditioned matrix and throws GPFitError for an indefinite one', () => {
    expect(choleskyWithJitter(Float64Array.from([4, 2, 2, 3]), 2).jitter).toBe(0);
    expect(() => choleskyWithJitter(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(GPFitError);
    expect(() => choleskyWithJitter(Float64Array.from([1, NaN, NaN, 1]), 2)).toThrow(GPFitError);
  });
});

describe('log expected improvement', () => {
  const naiveH = (z: number) => normPdf(z) + z * normCdf(z);

  it('equals log of the textbook formula where that one is accurate', () => {
    for (const z of [5, 2, 0.3, 0, -0.5, -1, -2, -4, -8]) expect(logH(z)).toBeCloseTo(Math.log(naiveH(z)), 9);
    expect(erfc(3)).toBeCloseTo(2.209049699858544e-5, 18);
    expect(erfc(10) / 2.088487583762545e-45).toBeCloseTo(1, 12);
  });

  it('stays finite and monotone far in the tail where the textbook EI underflows to 0', () => {
    expect(naiveH(-40)).toBe(0);
    let prev = logH(-30);
    for (const z of [-40, -100, -1e4, -1e8, -1e12]) {
      const v = logH(z);
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeLessThan(prev);
      prev = v;
    }
    // Asymptote: log h(z) ~ -z^2/2 - log(2 pi)/2 - 2 log|z|.
    expect(logH(-1e4) / (-5e7 - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(1e4))).toBeCloseTo(1, 12);
    for (const z of [-50, -1e3]) expect(dLogH(z)).toBeCloseTo(-z - 2 / z, 1);
    for (const z of [1, -0.5, -3, -20]) expect(dLogH(z)).toBeCloseTo((logH(z + 1e-6) - logH(z - 1e-6)) / 2e-6, 4);
  });
});

describe('bounded L-BFGS', () => {
  it('finds a constrained minimum on the box boundary and an interior minimum of Rosenbrock', () => {
    const quad = (x: Float64Array, g: Float64Array) => {
      g[0] = 2 * (x[0]! - 2);
      g[1] = 2 * (x[1]! - 0.3);
      return (x[0]! - 2) ** 2 + (x[1]! - 0.3) ** 2;
    };
    const r = minimizeBox(quad, Float64Array.from([0.5, 0.5]), { lower: Float64Array.from([0, 0]), upper: Float64Array.from([1, 1]), maxIter: 50 });
    expect(r.x[0]).toBeCloseTo(1, 8);
    expect(r.x[1]).toBeCloseTo(0.3, 6);
    const rosen = (x: Float64Array, g: Float64Array) => {
      const [a, b] = [x[0]!, x[1]!];
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    };
    const s = minimizeBox(rosen, Float64Array.from([-1.2, 1]), { lower: Float64Array.from([-2, -2]), upper: Float64Array.from([2, 2]), maxIter: 500, gtol: 1e-9, ftol: 0 });
    expect(s.x[0]).toBeCloseTo(1, 4);
    expect(s.x[1]).toBeCloseTo(1, 4);
  });
});
