// A small bound-constrained L-BFGS ("L-BFGS-B-lite"): two-loop recursion on the free variables, projection
// onto the box, Armijo backtracking. Enough for the smooth, low-dimensional problems here (kernel
// hyperparameters, acquisition refinement); no Cauchy point or subspace minimization as in full L-BFGS-B.

export interface Objective {
  /** Value and gradient at x; return value Infinity (or NaN) to reject x, the line search then backtracks. */
  (x: Float64Array, grad: Float64Array): number;
}

export interface LbfgsOptions {
  lower: Float64Array;
  upper: Float64Array;
  maxIter: number;
  /** Stop when the projected gradient's largest component is below this. */
  gtol?: number;
  /** Stop when the relative decrease of f over one iteration is below this. */
  ftol?: number;
  memory?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
}

export function minimizeBox(fn: Objective, x0: Float64Array, opts: LbfgsOptions): LbfgsResult {
  const d = x0.length;
  const { lower, upper, maxIter } = opts;
  const gtol = opts.gtol ?? 1e-6;
  const ftol = opts.ftol ?? 1e-9;
  const m = opts.memory ?? 8;
  const x = Float64Array.from(x0, (v, i) => clamp(v, lower[i]!, upper[i]!));
  const g = new Float64Array(d);
  let f = fn(x, g);
  let evaluations = 1;
  if (!Number.isFinite(f)) return { x, f, iterations: 0, evaluations };
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(d);
  const xNew = new Float64Array(d);
  const gNew = new Float64Array(d);
  let iter = 0;
  for (; iter < maxIter; iter++) {
    // Variables at a bound with the gradient pushing outward are held fixed this iteration.
    const free = new Uint8Array(d);
    let pgMax = 0;
    for (let i = 0; i < d; i++) {
      const atLow = x[i]! <= lower[i]! && g[i]! > 0;
      const atHigh = x[i]! >= upper[i]! && g[i]! < 0;
      free[i] = atLow || atHigh ? 0 : 1;
      if (free[i]) pgMax = Math.max(pgMax, Math.abs(g[i]!));
    }
    if (pgMax < gtol) break;
    twoLoop(g, S, Y, rho, free, dir);
    let slope = 0;
    for (let i = 0; i < d; i++) slope += g[i]! * dir[i]!;
    if (!(slope < 0)) {
      // Not a descent direction (curvature memory gone stale near a bound): restart with steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < d; i++) dir[i] = free[i] ? -g[i]! : 0;
    }
    let step = S.length === 0 ? Math.min(1, 1 / Math.max(pgMax, 1e-12)) : 1;
    let fNew = Infinity;
    let accepted = false;
    for (let ls = 0; ls < 30; ls++) {
      let decrease = 0;
      for (let i = 0; i < d; i++) {
        xNew[i] = clamp(x[i]! + step * dir[i]!, lower[i]!, upper[i]!);
        decrease += g[i]! * (xNew[i]! - x[i]!);
      }
      fNew = fn(xNew, gNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(d);
    const y = new Float64Array(d);
    let sy = 0;
    for (let i = 0; i < d; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
      sy += s[i]! * y[i]!;
    }
    const fOld = f;
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    if (sy > 1e-12) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    if (Math.abs(fOld - f) <= ftol * Math.max(1, Math.abs(f))) {
      iter++;
      break;
    }
  }
  return { x, f, iterations: iter, evaluations };
}

/** dir = -H g restricted to the free variables (Nocedal & Wright, algorithm 7.4). */
function twoLoop(g: Float64Array, S: Float64Array[], Y: Float64Array[], rho: number[], free: Uint8Array, dir: Float64Array): void {
  const d = g.length;
  const q = new Float64Array(d);
  for (let i = 0; i < d; i++) q[i] = free[i] ? g[i]! : 0;
  const k = S.length;
  const a = new Float64Array(k);
  for (let j = k - 1; j >= 0; j--) {
    const s = S[j]!;
    let dot = 0;
    for (let i = 0; i < d; i++) dot += s[i]! * q[i]!;
    a[j] = rho[j]! * dot;
    const y = Y[j]!;
    for (let i = 0; i < d; i++) if (free[i]) q[i] = q[i]! - a[j]! * y[i]!;
  }
  let gamma = 1;
  if (k > 0) {
    const s = S[k - 1]!;
    const y = Y[k - 1]!;
    let yy = 0;
    let sy = 0;
    for (let i = 0; i < d; i++) {
      yy += y[i]! * y[i]!;
      sy += s[i]! * y[i]!;
    }
    gamma = sy / yy;
  }
  for (let i = 0; i < d; i++) q[i] = q[i]! * gamma;
  for (let j = 0; j < k; j++) {
    const y = Y[j]!;
    let dot = 0;
    for (let i = 0; i < d; i++) dot += y[i]! * q[i]!;
    const b = rho[j]! * dot;
    const s = S[j]!;
    for (let i = 0; i < d; i++) if (free[i]) q[i] = q[i]! + (a[j]! - b) * s[i]!;
  }
  for (let i = 0; i < d; i++) dir[i] = free[i] ? -q[i]! : 0;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
