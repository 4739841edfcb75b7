// Resampling for the pooled intervals. Pooled runs of the same seed are not independent draws: with a given
// seed, Nightshift's GP + ASHA mostly retraces the same search in every run (on digits, 150 pooled runs of
// seeds 0-19 gave 52 distinct outcomes; Optuna's, whose 2 parallel trials finish in another order each
// run, 150), so resampling (run, seed) pairs as if independent would make the intervals too narrow. The
// pairs are resampled by seed instead, every run of a drawn seed together: the cluster bootstrap (Davison
// & Hinkley, "Bootstrap Methods and their Application", 1997, sec. 3.8). Within one run each seed is its
// own cluster, so a single file's intervals are the plain paired bootstrap.
import type { Rng } from '../../src/main/engine/samplers/rng.js';

/** Pooled seeds are renumbered file × POOL_STRIDE + seed (intervals-main.ts), so a seed's runs in every file share seed % POOL_STRIDE. */
export const POOL_STRIDE = 10_000;

/** The seed a pooled (renumbered) seed was run with. */
export function clusterOf(seed: number): number {
  return seed % POOL_STRIDE;
}

/** Draws for pairs whose seeds are `seeds`: each call returns the indices of the pairs of as many seeds, drawn with replacement. */
export function clusterSampler(seeds: readonly number[], rng: Rng): () => number[] {
  const groups = new Map<number, number[]>();
  seeds.forEach((s, i) => {
    const g = groups.get(clusterOf(s)) ?? [];
    g.push(i);
    groups.set(clusterOf(s), g);
  });
  const list = [...groups.values()];
  return () => {
    const idx: number[] = [];
    for (let k = 0; k < list.length; k++) idx.push(...list[rng.int(list.length)]!);
    return idx;
  };
}

/**
 * The 90% percentile interval (Efron & Tibshirani 1993, ch. 13) of `statistic` over `resamples` draws of the
 * pairs whose seeds are `seeds` (clusterSampler: a draw is a list of pair indices), and the sorted draws.
 */
export function percentileInterval(
  seeds: readonly number[],
  statistic: (idx: readonly number[]) => number,
  resamples: number,
  rng: Rng,
): { low: number; high: number; draws: Float64Array } {
  const draw = clusterSampler(seeds, rng);
  const draws = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) draws[r] = statistic(draw());
  draws.sort();
  const at = (q: number): number => draws[Math.min(resamples - 1, Math.floor(q * resamples))]!;
  return { low: at(0.05), high: at(0.95), draws };
}
