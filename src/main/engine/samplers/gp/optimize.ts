// Maximizes an acquisition over the search space: score scrambled-Sobol candidates plus Gaussian
// perturbations of the best observed points (BoTorch's `sample_around_best`: most improvement is found
// near the incumbent, which uniform candidates rarely hit closely), then refine the top few with bounded
// L-BFGS on the numeric dimensions. Everything is scored at the snapped configuration, so integer and step
// parameters are judged by the value that will actually run.
import type { Params } from '../../../../shared/types.js';
import type { Rng } from '../rng.js';
import { unitDesign } from '../sobol.js';
import { decode, encode, type Encoding } from './encode.js';
import { minimizeBox } from './lbfgsb.js';

export interface AcquisitionFn {
  /** Higher is better. */
  value(x: Float64Array): number;
  /** Value with its gradient in x; without it, the refinement uses finite differences. */
  valueWithGrad?(x: Float64Array, grad: Float64Array): number;
}

export interface ScoredPoint {
  config: Params;
  key: string;
  x: Float64Array;
  score: number;
}

export interface OptimizeOptions {
  rng: Rng;
  /** Quasi-random candidates. */
  candidates: number;
  /** Encoded points to perturb (best observed first). */
  anchors: readonly Float64Array[];
  perturbationsPerAnchor: number;
  /** How many of the best candidates the local optimizer refines. */
  localSearches: number;
  maxIter: number;
}

/** Candidates scored and deduplicated by configuration, best first. */
export function optimizeAcquisition(enc: Encoding, acq: AcquisitionFn, opts: OptimizeOptions): ScoredPoint[] {
  const { D } = enc;
  const seen = new Map<string, ScoredPoint>();
  const add = (proposed: Params): ScoredPoint => {
    const config = enc.pinned ? { ...proposed, ...enc.pinned } : proposed;
    const key = enc.space.key(config);
    const old = seen.get(key);
    if (old) return old;
    const x = new Float64Array(D);
    encode(enc, config, x);
    const score = acq.value(x);
    const point = { config, key, x, score: Number.isNaN(score) ? -Infinity : score };
    seen.set(key, point);
    return point;
  };

  const seq = unitDesign(D, opts.rng.uint32());
  for (let i = 0; i < opts.candidates; i++) add(enc.space.fromUnitVector(seq.point(i)));

  const scales = [0.005, 0.03, 0.1, 0.3];
  for (const anchor of opts.anchors) {
    for (let i = 0; i < opts.perturbationsPerAnchor; i++) {
      const x = Float64Array.from(anchor);
      const sigma = scales[i % scales.length]!;
      for (let d = 0; d < D; d++) {
        if (enc.isCat[d] === 1) {
          if (opts.rng.uniform() < 1 / D) x[d] = opts.rng.int(enc.choices[d]!);
        } else {
          x[d] = clamp01(x[d]! + sigma * opts.rng.normal());
        }
      }
      add(decode(enc, x));
    }
  }

  const top = [...seen.values()].sort((a, b) => b.score - a.score).slice(0, opts.localSearches);
  for (const start of top) {
    if (!Number.isFinite(start.score)) continue;
    const refined = refine(enc, acq, start, opts.maxIter);
    if (refined) add(refined);
  }
  return [...seen.values()].sort((a, b) => b.score - a.score);
}

function refine(enc: Encoding, acq: AcquisitionFn, start: ScoredPoint, maxIter: number): Params | null {
  const { D } = enc;
  const lower = new Float64Array(D);
  const upper = new Float64Array(D);
  let free = 0;
  for (let d = 0; d < D; d++) {
    // Only numeric dimensions active in this configuration move; the rest are pinned by equal bounds.
    const movable = enc.refinable[d] === 1 && enc.space.names[d]! in start.config;
    lower[d] = movable ? 0 : start.x[d]!;
    upper[d] = movable ? 1 : start.x[d]!;
    if (movable) free++;
  }
  if (free === 0) return null;
  const fd = new Float64Array(D);
  const objective = (x: Float64Array, grad: Float64Array): number => {
    if (acq.valueWithGrad) {
      const v = acq.valueWithGrad(x, grad);
      for (let d = 0; d < D; d++) grad[d] = lower[d] === upper[d] ? 0 : -grad[d]!;
      return Number.isFinite(v) ? -v : Infinity;
    }
    const v = acq.value(x);
    for (let d = 0; d < D; d++) {
      grad[d] = 0;
      if (lower[d] === upper[d]) continue;
      fd.set(x);
      const h = x[d]! > 0.5 ? -1e-6 : 1e-6;
      fd[d] = x[d]! + h;
      grad[d] = -(acq.value(fd) - v) / h;
    }
    return Number.isFinite(v) ? -v : Infinity;
  };
  const r = minimizeBox(objective, start.x, { lower, upper, maxIter, gtol: 1e-7, ftol: 1e-10 });
  return Number.isFinite(r.f) ? decode(enc, r.x) : null;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
