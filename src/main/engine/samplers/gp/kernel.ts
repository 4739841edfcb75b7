// Matérn-5/2 kernel with one length scale per dimension (ARD) on the encoded unit cube. Categorical
// dimensions hold a choice index and contribute (a != b) to the squared distance, a Hamming term with its
// own length scale (as Optuna's GP does), so choices are unordered and need one dimension each.
//
// Hyperparameters travel as one vector theta = [log isl_1 .. log isl_D, log signal variance, log noise],
// isl_d = 1 / lengthscale_d^2: the optimizer works on logs so every value is positive and scale-free.

const SQRT5 = Math.sqrt(5);

export interface KernelParams {
  /** Inverse squared length scale per dimension. */
  isl: Float64Array;
  /** Signal variance. */
  scale: number;
  /** Observation noise variance (of the standardized outputs). */
  noise: number;
}

export function unpackTheta(theta: Float64Array, D: number): KernelParams {
  return { isl: Float64Array.from(theta.subarray(0, D), Math.exp), scale: Math.exp(theta[D]!), noise: Math.exp(theta[D + 1]!) };
}

/** Matérn-5/2 correlation of scaled squared distance r2: (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r). */
export function matern52(r2: number): number {
  const r = Math.sqrt(r2);
  return (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

/** d matern52 / d r2 = -5/6 (1 + sqrt5 r) exp(-sqrt5 r); finite at r = 0, unlike d/dr divided by r. */
export function dMatern52(r2: number): number {
  const r = Math.sqrt(r2);
  return (-5 / 6) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
}

/** Per-dimension squared difference: (a - b)^2, or the mismatch indicator for a categorical dimension. */
export function sqDiff(a: number, b: number, categorical: boolean): number {
  if (categorical) return a === b ? 0 : 1;
  const t = a - b;
  return t * t;
}

/**
 * Squared differences of every pair i < j, dimension by dimension (pair-major, length n(n-1)/2 * D).
 * Computed once per fit: the data do not change while the hyperparameters are optimized.
 */
export function pairwiseSqDiffs(X: Float64Array, n: number, D: number, isCat: Uint8Array): Float64Array {
  const out = new Float64Array(((n * (n - 1)) / 2) * D);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (let d = 0; d < D; d++) out[p++] = sqDiff(X[i * D + d]!, X[j * D + d]!, isCat[d] === 1);
    }
  }
  return out;
}

/** Covariance matrix of the training points (noise on the diagonal), from precomputed pair differences. */
export function trainCovariance(pairs: Float64Array, n: number, D: number, k: KernelParams): Float64Array {
  const K = new Float64Array(n * n);
  let p = 0;
  for (let i = 0; i < n; i++) {
    K[i * n + i] = k.scale + k.noise;
    for (let j = i + 1; j < n; j++) {
      let r2 = 0;
      for (let d = 0; d < D; d++) r2 += k.isl[d]! * pairs[p++]!;
      const v = k.scale * matern52(r2);
      K[i * n + j] = v;
      K[j * n + i] = v;
    }
  }
  return K;
}

/** k(x, X_j) for every training row j, written into `out`; `r2Out` keeps the scaled distances for gradients. */
export function crossCovariance(
  x: ArrayLike<number>,
  X: Float64Array,
  n: number,
  D: number,
  isCat: Uint8Array,
  k: KernelParams,
  out: Float64Array,
  r2Out?: Float64Array,
): void {
  for (let j = 0; j < n; j++) {
    let r2 = 0;
    const row = j * D;
    for (let d = 0; d < D; d++) r2 += k.isl[d]! * sqDiff(x[d]!, X[row + d]!, isCat[d] === 1);
    out[j] = k.scale * matern52(r2);
    if (r2Out) r2Out[j] = r2;
  }
}
