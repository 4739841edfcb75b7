// Acquisition functions: pure functions of GP posteriors (the BoTorch split), all in the models' standardized,
// minimization units. Single objective: log expected improvement (Ament et al. 2023), which keeps a usable
// gradient where plain EI underflows to 0. Multi-objective: expected hypervolume improvement over
// independent GPs, exact in closed form on a box decomposition of the non-dominated region (Emmerich et
// al. 2006; Yang et al. 2019 for the box form). We chose EHVI over ParEGO's random Chebyshev weights
// because it targets the whole front each step instead of one direction, and with the box form it costs
// a few hundred products per candidate for 2-3 objectives. Constraints multiply in the probability of
// feasibility (Gardner et al. 2014), i.e. add log PoF.
import type { GaussianProcess, Posterior } from './gp.js';
import { dLogH, dLogNormCdf, logH, logNormCdf, normCdf, normPdf } from './normal.js';

/** log EI for minimization: log E[max(best - f, 0)]. */
export function logEI(p: Posterior, best: number): number {
  const s = Math.sqrt(p.variance);
  return logH((best - p.mean) / s) + Math.log(s);
}

/** log EI and its gradient from the posterior's mean/variance gradients. */
export function logEIGrad(p: Posterior, dMean: Float64Array, dVar: Float64Array, best: number, grad: Float64Array): number {
  const s = Math.sqrt(p.variance);
  const z = (best - p.mean) / s;
  const g = dLogH(z);
  for (let d = 0; d < grad.length; d++) {
    const ds = dVar[d]! / (2 * s);
    const dz = -dMean[d]! / s - (z * ds) / s;
    grad[d] = g * dz + ds / s;
  }
  return logH(z) + Math.log(s);
}

/** A constraint model: the metric must stay in [lower, upper] (standardized units; infinite when open). */
export interface ConstraintModel {
  gp: GaussianProcess;
  lower: number;
  upper: number;
}

/** log P(lower <= c(x) <= upper); for a one-sided bound this is one log Phi. */
export function logFeasibility(p: Posterior, c: ConstraintModel): number {
  const s = Math.sqrt(p.variance);
  let out = 0;
  if (Number.isFinite(c.upper)) out += logNormCdf((c.upper - p.mean) / s);
  if (Number.isFinite(c.lower)) out += logNormCdf((p.mean - c.lower) / s);
  return out;
}

export function logFeasibilityGrad(p: Posterior, dMean: Float64Array, dVar: Float64Array, c: ConstraintModel, grad: Float64Array): number {
  const s = Math.sqrt(p.variance);
  grad.fill(0);
  let out = 0;
  const side = (z: number, sign: number): void => {
    out += logNormCdf(z);
    const g = dLogNormCdf(z);
    for (let d = 0; d < grad.length; d++) {
      const ds = dVar[d]! / (2 * s);
      grad[d] = grad[d]! + g * ((-sign * dMean[d]!) / s - (z * ds) / s);
    }
  };
  if (Number.isFinite(c.upper)) side((c.upper - p.mean) / s, 1);
  if (Number.isFinite(c.lower)) side((p.mean - c.lower) / s, -1);
  return out;
}

/**
 * The region a new point could add to the dominated hypervolume, as disjoint boxes: a grid over the first
 * m-1 objectives (cut at the front's coordinates), each cell open downward in the last objective up to the
 * lowest last-objective value among front points that dominate the cell's corner. (m = 2: k+1 strips;
 * m = 3: (k+1)^2 columns.) Lower bounds are -Infinity.
 */
export class NonDominatedBoxes {
  /** coords[k]: sorted grid values of objective k, starting with -Infinity and ending with the reference. */
  readonly coords: Float64Array[];
  /** Per box, per objective: index of its lower and upper coordinate in coords[k]. */
  readonly boxes: Int32Array;
  readonly count: number;

  constructor(
    front: readonly (readonly number[])[],
    readonly ref: readonly number[],
  ) {
    const m = ref.length;
    const pts = front.filter((p) => p.every((v, k) => v < ref[k]!));
    const coords: Float64Array[] = [];
    for (let k = 0; k < m; k++) {
      const vals = [...new Set(pts.map((p) => p[k]!))].sort((a, b) => a - b);
      coords.push(Float64Array.from([-Infinity, ...vals, ref[k]!]));
    }
    this.coords = coords;
    const last = m - 1;
    const boxes: number[] = [];
    const sizes = coords.slice(0, last).map((c) => c.length - 1);
    const idx = new Array<number>(last).fill(0);
    const total = sizes.reduce((a, b) => a * b, 1);
    for (let cell = 0; cell < total; cell++) {
      let rest = cell;
      for (let k = 0; k < last; k++) {
        idx[k] = rest % sizes[k]!;
        rest = Math.floor(rest / sizes[k]!);
      }
      let top = ref[last]!;
      for (const p of pts) {
        if (p.slice(0, last).every((v, k) => v <= coords[k]![idx[k]!]!)) top = Math.min(top, p[last]!);
      }
      const topIndex = coords[last]!.indexOf(top);
      for (let k = 0; k < last; k++) boxes.push(idx[k]!, idx[k]! + 1);
      boxes.push(0, topIndex);
    }
    this.boxes = Int32Array.from(boxes);
    this.count = total;
  }

  /** EHVI for independent Gaussian objectives: sum over boxes of prod_k E[(u_k - max(l_k, Y_k))^+]. */
  expectedImprovement(means: readonly number[], sds: readonly number[]): number {
    const m = this.ref.length;
    // Phi and phi at every grid coordinate, once per objective, so each box is a few multiplications.
    const cdf: Float64Array[] = [];
    const pdf: Float64Array[] = [];
    for (let k = 0; k < m; k++) {
      const c = this.coords[k]!;
      const C = new Float64Array(c.length);
      const P = new Float64Array(c.length);
      for (let i = 0; i < c.length; i++) {
        if (c[i] === -Infinity) continue;
        const z = (c[i]! - means[k]!) / sds[k]!;
        C[i] = normCdf(z);
        P[i] = normPdf(z);
      }
      cdf.push(C);
      pdf.push(P);
    }
    let total = 0;
    for (let b = 0; b < this.count; b++) {
      let prod = 1;
      for (let k = 0; k < m && prod > 0; k++) {
        const lo = this.boxes[(b * m + k) * 2]!;
        const hi = this.boxes[(b * m + k) * 2 + 1]!;
        const c = this.coords[k]!;
        const u = c[hi]!;
        const l = c[lo]!;
        // E[(u - max(l, Y))^+] = (u - l) Phi(a) + (u - mu)(Phi(b) - Phi(a)) + sigma (phi(b) - phi(a))
        const lowerPart = l === -Infinity ? 0 : (u - l) * cdf[k]![lo]!;
        const v = lowerPart + (u - means[k]!) * (cdf[k]![hi]! - cdf[k]![lo]!) + sds[k]! * (pdf[k]![hi]! - pdf[k]![lo]!);
        prod *= Math.max(v, 0);
      }
      total += prod;
    }
    return total;
  }
}
