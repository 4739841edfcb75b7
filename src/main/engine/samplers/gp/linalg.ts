// Dense linear algebra for GP regression on Float64Array, row-major n x n. Hand-written because the
// matrices are small (n <= a few hundred) and a dependency would cost more than these loops.
import { GPFitError } from './errors.js';

export interface Cholesky {
  n: number;
  /** Lower-triangular factor, row-major; the upper triangle is zero. */
  L: Float64Array;
  /** Diagonal jitter that was added to make the factorization succeed (0 if none was needed). */
  jitter: number;
}

/**
 * Cholesky factor of a symmetric matrix, adding diagonal jitter (1e-10, 1e-9, ... times the mean diagonal)
 * when the matrix is numerically singular, as GPyTorch's `psd_safe_cholesky` does. Throws GPFitError when
 * even the largest jitter fails (NaN entries, or a matrix that is not positive semi-definite).
 */
export function choleskyWithJitter(A: Float64Array, n: number, maxTries = 7): Cholesky {
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += A[i * n + i]!;
  meanDiag = n > 0 ? meanDiag / n : 1;
  if (!Number.isFinite(meanDiag)) throw new GPFitError(`covariance matrix has non-finite entries`);
  const L = new Float64Array(n * n);
  let jitter = 0;
  for (let attempt = 0; attempt <= maxTries; attempt++) {
    if (choleskyInto(A, n, jitter, L)) return { n, L, jitter };
    jitter = Math.max(meanDiag, 1e-300) * 10 ** (attempt - 10);
  }
  throw new GPFitError(`covariance matrix is not positive definite even with jitter ${jitter.toExponential(1)}`);
}

/** Returns false as soon as a pivot is not positive (or NaN). */
function choleskyInto(A: Float64Array, n: number, jitter: number, L: Float64Array): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = A[ri + j]!;
      for (let k = 0; k < j; k++) s -= L[ri + k]! * L[rj + k]!;
      if (i === j) {
        s += jitter;
        if (!(s > 0)) return false;
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / L[rj + j]!;
      }
    }
    for (let j = i + 1; j < n; j++) L[ri + j] = 0;
  }
  return true;
}

/** Solves L x = b in place (forward substitution). */
export function solveLower(L: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[ri + k]! * b[k]!;
    b[i] = s / L[ri + i]!;
  }
  return b;
}

/** Solves L^T x = b in place (back substitution). */
export function solveUpperT(L: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * b[k]!;
    b[i] = s / L[i * n + i]!;
  }
  return b;
}

/** A^{-1} b for A = L L^T. */
export function cholSolve(chol: Cholesky, b: Float64Array): Float64Array {
  const x = Float64Array.from(b);
  solveLower(chol.L, chol.n, x);
  return solveUpperT(chol.L, chol.n, x);
}

/** A^{-1} from its Cholesky factor: invert L (n^3/6), then form L^-T L^-1 (n^3/6), symmetric. */
export function cholInverse(chol: Cholesky): Float64Array {
  const { n, L } = chol;
  // M = L^{-1}, lower triangular, built row by row: row i = (e_i - sum_{k<i} L_ik row_k) / L_ii, an axpy
  // over contiguous rows (the textbook column recurrence strides through memory and ran 3x slower).
  const M = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < i; k++) {
      const lik = L[ri + k]!;
      if (lik === 0) continue;
      const rk = k * n;
      for (let j = 0; j <= k; j++) M[ri + j] = M[ri + j]! - lik * M[rk + j]!;
    }
    M[ri + i] = M[ri + i]! + 1;
    const inv = 1 / L[ri + i]!;
    for (let j = 0; j <= i; j++) M[ri + j] = M[ri + j]! * inv;
  }
  // inv = M^T M, accumulated row by row of M so the inner loop walks memory contiguously.
  const inv = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) {
      const mki = M[rk + i]!;
      if (mki === 0) continue;
      const ri = i * n;
      for (let j = 0; j <= i; j++) inv[ri + j] = inv[ri + j]! + mki * M[rk + j]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) inv[j * n + i] = inv[i * n + j]!;
  return inv;
}

/** log det A = 2 sum log L_ii. */
export function cholLogDet(chol: Cholesky): number {
  let s = 0;
  for (let i = 0; i < chol.n; i++) s += Math.log(chol.L[i * chol.n + i]!);
  return 2 * s;
}
