// Calibrating a curve extrapolation with the study's own record of how wrong such extrapolations were.
//
// Why: on LCBench (bench/lcbench/curve-diagnose.ts, 2026-11-30) the least-squares ensemble, extrapolating
// from epochs 2-5 to epoch 52, predicted finals 7-9 points of accuracy too low on average, and 76-81% of the
// true finals lay above its 90% band: the families' delta-method variance measures how well the curve fits
// the points seen, not how wrong the choice of family can be over a horizon ten times longer. Domhan et al.
// (IJCAI 2015) widen the band by sampling the ensemble by MCMC; here the widening is measured instead of
// modelled. Every completed trial's reports up to the same step give a prediction whose error against its
// known final is one sample of the extrapolation error at that step (the calibration set of split conformal
// prediction: Vovk, Gammerman & Shafer, "Algorithmic Learning in a Random World", 2005). Those residuals are
// modelled as Gaussian with unknown mean and variance, so a new trial's final is predicted by the standard
// Student-t prediction interval (Geisser, "Predictive Inference", 1993, ch. 2): the mean residual corrects the
// ensemble's bias, and with few completed trials the t's heavy tails keep a stop rare.
import { tCdf as studentCdf } from '../../study/student-t.js';
import { normCdf } from './fit.js';

/** A location-scale Student-t (dof Infinity: Gaussian). */
export interface StudentT {
  center: number;
  scale: number;
  dof: number;
}

/**
 * The predictive of a trial's final from its ensemble prediction (mean and sd) and the residuals
 * (true final − prediction) of completed trials predicted from the same number of steps. With fewer than
 * two residuals nothing is known about the error: the ensemble's own Gaussian is returned.
 */
export function calibratedPredictive(mean: number, sd: number, residuals: readonly number[]): StudentT {
  const n = residuals.length;
  if (n < 2) return { center: mean, scale: sd, dof: Infinity };
  const m = residuals.reduce((s, r) => s + r, 0) / n;
  const s2 = residuals.reduce((s, r) => s + (r - m) ** 2, 0) / (n - 1);
  // The residuals already hold the ensemble's error on other trials; the trial's own sd is added because
  // a fit that is noisy on this trial's points (its sd above the others') is less certain still.
  return { center: mean + m, scale: Math.sqrt(s2 * (1 + 1 / n) + sd * sd), dof: n - 1 };
}

/** P(X > x) for X ~ t. A zero scale is a point mass. */
export function tAbove(t: StudentT, x: number): number {
  if (!(t.scale > 0)) return t.center > x ? 1 : 0;
  return 1 - tCdf((x - t.center) / t.scale, t.dof);
}

/** The q-quantile of t (bisection on the CDF). */
export function tQuantile(t: StudentT, q: number): number {
  if (!(t.scale > 0)) return t.center;
  let lo = -1;
  let hi = 1;
  while (tCdf(lo, t.dof) > q) lo *= 2;
  while (tCdf(hi, t.dof) < q) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, t.dof) < q) lo = mid;
    else hi = mid;
  }
  return t.center + t.scale * ((lo + hi) / 2);
}

/** CDF of the standard Student-t with `dof` degrees of freedom; the Gaussian for dof Infinity. */
export function tCdf(z: number, dof: number): number {
  return Number.isFinite(dof) ? studentCdf(z, dof) : normCdf(z);
}
