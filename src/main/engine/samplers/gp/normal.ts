// Standard normal functions accurate in the tails, for log expected improvement. JavaScript has no erfc,
// and `0.5 * (1 - erf)` loses every digit below ~1e-16, which is exactly where EI of a well-explored
// model lives (Ament et al., "Unexpected improvements to expected improvement", NeurIPS 2023).

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const LOG_SQRT_PI_OVER_2 = 0.5 * Math.log(Math.PI / 2);
/** Below this z the Mills-ratio cancellation in log h(z) is beyond double precision; use the asymptote. */
const Z_ASYMPTOTE = -1 / Math.sqrt(Number.EPSILON);
/** erfcx switches from the power series to the continued fraction here (both ~1e-15 relative, measured). */
const CF_FROM = 2.5;

/** erfc(x) * exp(x^2), finite for all x >= 0 (the scaled complementary error function). */
export function erfcx(x: number): number {
  if (x < 0) return 2 * Math.exp(x * x) - erfcx(-x);
  if (x < CF_FROM) return (1 - erfSeries(x)) * Math.exp(x * x);
  // Laplace continued fraction erfc(x) = exp(-x^2)/sqrt(pi) / (x + 1/2/(x + 1/(x + 3/2/(x + ...)))),
  // evaluated bottom-up; 60 levels reach double precision for x >= 2.5.
  let t = x;
  for (let k = 60; k >= 1; k--) t = x + k / 2 / t;
  return 1 / (SQRT_PI * t);
}

/** erfc(x) with full relative precision in the right tail. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < CF_FROM) return 1 - erfSeries(x);
  if (x > 27) return 0;
  return erfcx(x) * Math.exp(-x * x);
}

/** erf(x) = 2/sqrt(pi) exp(-x^2) sum 2^n x^(2n+1) / (2n+1)!!: all terms positive, so no cancellation. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

export function normPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
}

export function normCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** log Phi(z), finite down to z = -1e154 or so. */
export function logNormCdf(z: number): number {
  if (z > -1) return Math.log(normCdf(z));
  return Math.log(0.5 * erfcx(-z / SQRT2)) - 0.5 * z * z;
}

/** d/dz log Phi(z) = phi(z) / Phi(z), stable for very negative z. */
export function dLogNormCdf(z: number): number {
  if (z > -1) return normPdf(z) / normCdf(z);
  return 1 / (SQRT_PI / SQRT2 * erfcx(-z / SQRT2));
}

/** log(1 - exp(x)) for x < 0 (Maechler 2012: two branches keep it accurate everywhere). */
function log1mexp(x: number): number {
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/**
 * log h(z) where h(z) = phi(z) + z Phi(z), so EI = sigma * h((best - mu) / sigma). Ament et al. (2023), eq. 9:
 * direct for z > -1, then through erfcx, then the asymptote -z^2/2 - log(2 pi)/2 - 2 log|z|.
 */
export function logH(z: number): number {
  if (z > -1) return Math.log(normPdf(z) + z * normCdf(z));
  return -0.5 * z * z + logHTail(z);
}

/** log h(z) + z^2/2 for z <= -1, kept apart so the derivative does not subtract two huge numbers. */
function logHTail(z: number): number {
  if (z > Z_ASYMPTOTE) return -LOG_SQRT_2PI + log1mexp(Math.log(erfcx(-z / SQRT2) * -z) + LOG_SQRT_PI_OVER_2);
  return -LOG_SQRT_2PI - 2 * Math.log(-z);
}

/** d/dz log h(z) = Phi(z) / h(z), computed as exp(log Phi - log h) so it stays finite where both underflow. */
export function dLogH(z: number): number {
  if (z > -1) return normCdf(z) / (normPdf(z) + z * normCdf(z));
  if (z <= Z_ASYMPTOTE) return -z - 2 / z;
  return Math.exp(Math.log(0.5 * erfcx(-z / SQRT2)) - logHTail(z));
}

// Acklam's rational approximation of the normal quantile (relative error 1.15e-9), with one Halley step on
// erfc that takes it to double precision.
const QA = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
const QB = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const QC = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const QD = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const Q_LOW = 0.02425;

/** Phi^-1(p) for 0 < p < 1: the z with normCdf(z) = p. */
export function normQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normQuantile needs 0 < p < 1, got ${p}`);
  let x: number;
  if (p < Q_LOW || p > 1 - Q_LOW) {
    const q = Math.sqrt(-2 * Math.log(Math.min(p, 1 - p)));
    const v = (((((QC[0]! * q + QC[1]!) * q + QC[2]!) * q + QC[3]!) * q + QC[4]!) * q + QC[5]!) / ((((QD[0]! * q + QD[1]!) * q + QD[2]!) * q + QD[3]!) * q + 1);
    x = p < Q_LOW ? v : -v;
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((QA[0]! * r + QA[1]!) * r + QA[2]!) * r + QA[3]!) * r + QA[4]!) * r + QA[5]!) * q) / (((((QB[0]! * r + QB[1]!) * r + QB[2]!) * r + QB[3]!) * r + QB[4]!) * r + 1);
  }
  const e = 0.5 * erfc(-x / SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}
