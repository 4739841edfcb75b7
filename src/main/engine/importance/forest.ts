// A small random forest of regression trees (CART, variance reduction, bootstrap samples), fitted on
// points of the unit cube. It exists for fANOVA (./fanova.ts), which needs the trees' partitions of the
// cube, so each leaf keeps its box. Defaults follow Optuna's FanovaImportanceEvaluator (64 trees,
// depth 64, min_samples_split 2, min_samples_leaf 1, all features per split, bootstrap), which itself
// follows Hutter, Hoos and Leyton-Brown, "An Efficient Approach for Assessing Hyperparameter Importance",
// ICML 2014.
import { Rng } from '../samplers/rng.js';

export interface Leaf {
  /** Lower and upper bound per dimension: the leaf's box inside [0,1]^d. */
  lo: number[];
  hi: number[];
  value: number;
}

export interface ForestOptions {
  trees?: number;
  maxDepth?: number;
  minSamplesSplit?: number;
  minSamplesLeaf?: number;
  seed?: number;
}

/** Fits one tree per bootstrap sample and returns each tree's leaves (they partition the unit cube). */
export function fitForest(x: readonly (readonly number[])[], y: readonly number[], opts: ForestOptions = {}): Leaf[][] {
  const n = x.length;
  const d = x[0]?.length ?? 0;
  const trees = opts.trees ?? 64;
  const cfg = { maxDepth: opts.maxDepth ?? 64, minSplit: Math.max(2, opts.minSamplesSplit ?? 2), minLeaf: Math.max(1, opts.minSamplesLeaf ?? 1) };
  const out: Leaf[][] = [];
  for (let t = 0; t < trees; t++) {
    const rng = new Rng(opts.seed ?? 0, t, 0x7265);
    const sample = Array.from({ length: n }, () => rng.int(n));
    const leaves: Leaf[] = [];
    grow(x, y, sample, Array.from({ length: d }, () => 0), Array.from({ length: d }, () => 1), 0, cfg, leaves);
    out.push(leaves);
  }
  return out;
}

function mean(y: readonly number[], idx: readonly number[]): number {
  let s = 0;
  for (const i of idx) s += y[i]!;
  return s / idx.length;
}

function grow(
  x: readonly (readonly number[])[],
  y: readonly number[],
  idx: number[],
  lo: number[],
  hi: number[],
  depth: number,
  cfg: { maxDepth: number; minSplit: number; minLeaf: number },
  leaves: Leaf[],
): void {
  const split = depth < cfg.maxDepth && idx.length >= cfg.minSplit ? bestSplit(x, y, idx, cfg.minLeaf) : null;
  if (!split) {
    leaves.push({ lo: [...lo], hi: [...hi], value: mean(y, idx) });
    return;
  }
  const left = idx.filter((i) => x[i]![split.dim]! <= split.at);
  const right = idx.filter((i) => x[i]![split.dim]! > split.at);
  const leftHi = [...hi];
  leftHi[split.dim] = split.at;
  const rightLo = [...lo];
  rightLo[split.dim] = split.at;
  grow(x, y, left, lo, leftHi, depth + 1, cfg, leaves);
  grow(x, y, right, rightLo, hi, depth + 1, cfg, leaves);
}

/** The split (dimension, threshold) that most reduces the sum of squared errors, or null if none does. */
function bestSplit(x: readonly (readonly number[])[], y: readonly number[], idx: readonly number[], minLeaf: number): { dim: number; at: number } | null {
  const d = x[idx[0]!]!.length;
  const n = idx.length;
  let total = 0;
  let totalSq = 0;
  for (const i of idx) {
    total += y[i]!;
    totalSq += y[i]! * y[i]!;
  }
  const parentSse = totalSq - (total * total) / n;
  if (parentSse <= 1e-12 * Math.max(1, Math.abs(totalSq))) return null;
  let best: { dim: number; at: number; sse: number } | null = null;
  for (let dim = 0; dim < d; dim++) {
    const order = [...idx].sort((a, b) => x[a]![dim]! - x[b]![dim]!);
    let ls = 0;
    let lsq = 0;
    for (let k = 0; k < n - 1; k++) {
      const yi = y[order[k]!]!;
      ls += yi;
      lsq += yi * yi;
      const here = x[order[k]!]![dim]!;
      const next = x[order[k + 1]!]![dim]!;
      if (here === next || k + 1 < minLeaf || n - k - 1 < minLeaf) continue;
      const nl = k + 1;
      const nr = n - nl;
      const rs = total - ls;
      const sse = lsq - (ls * ls) / nl + (totalSq - lsq) - (rs * rs) / nr;
      if (!best || sse < best.sse - 1e-12) best = { dim, at: (here + next) / 2, sse };
    }
  }
  return best && best.sse < parentSse ? { dim: best.dim, at: best.at } : null;
}
