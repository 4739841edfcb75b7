// Pareto dominance and fronts. The engine computes fronts (the renderer and reports only draw them).
// Fast non-dominated sort from Deb et al., "A fast and elitist multiobjective genetic algorithm:
// NSGA-II", IEEE TEC 6(2), 2002: O(M N^2), plenty for the few thousand trials of a campaign.
import type { Direction, Objective } from '../../../shared/types.js';

/** Whether `a` is at least as good as `b` on every objective and strictly better on one. */
export function dominates(a: readonly number[], b: readonly number[], directions: readonly Direction[]): boolean {
  let strictly = false;
  for (let i = 0; i < directions.length; i++) {
    const sign = directions[i] === 'maximize' ? -1 : 1;
    const x = sign * a[i]!;
    const y = sign * b[i]!;
    if (x > y) return false;
    if (x < y) strictly = true;
  }
  return strictly;
}

/** Indices of `points` grouped into fronts: front 0 is non-dominated, front k is dominated only by fronts < k. */
export function nonDominatedSort(points: readonly (readonly number[])[], directions: readonly Direction[]): number[][] {
  const n = points.length;
  const dominatedBy = Array.from({ length: n }, () => 0);
  const dominating: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dominates(points[i]!, points[j]!, directions)) {
        dominating[i]!.push(j);
        dominatedBy[j]!++;
      } else if (dominates(points[j]!, points[i]!, directions)) {
        dominating[j]!.push(i);
        dominatedBy[i]!++;
      }
    }
  }
  const fronts: number[][] = [];
  let current = dominatedBy.flatMap((count, i) => (count === 0 ? [i] : []));
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) {
      for (const j of dominating[i]!) {
        if (--dominatedBy[j]! === 0) next.push(j);
      }
    }
    current = next.sort((a, b) => a - b);
  }
  return fronts;
}

/** Indices of the non-dominated points, in input order. */
export function paretoFront(points: readonly (readonly number[])[], directions: readonly Direction[]): number[] {
  // Only the first front: an archive of non-dominated points costs O(N·F) instead of the full O(M·N²)
  // sort (10,000 trials make that 10^8 comparisons). A point removed from the archive is dominated, so it
  // can never return; equal points do not dominate each other and all stay, as in the full sort.
  let archive: number[] = [];
  points.forEach((p, i) => {
    if (archive.some((j) => dominates(points[j]!, p, directions))) return;
    archive = archive.filter((j) => !dominates(p, points[j]!, directions));
    archive.push(i);
  });
  return archive.sort((a, b) => a - b);
}

/**
 * The best complete trials: for one objective the single best (the earliest in `trials` order on ties),
 * for several the Pareto set in `trials` order. Trials missing an objective value, or with a non-finite one,
 * are left out.
 */
export function bestTrials<T extends { values: Readonly<Record<string, number>> | null; state: string }>(
  trials: readonly T[],
  objectives: readonly Objective[],
): T[] {
  if (objectives.length === 0) return [];
  const candidates: T[] = [];
  const points: number[][] = [];
  for (const t of trials) {
    if (t.state !== 'complete' || !t.values) continue;
    const point = objectives.map((o) => t.values?.[o.metric]);
    if (point.every((v): v is number => typeof v === 'number' && Number.isFinite(v))) {
      candidates.push(t);
      points.push(point);
    }
  }
  const directions = objectives.map((o) => o.direction);
  if (objectives.length === 1) {
    let best = -1;
    for (let i = 0; i < points.length; i++) {
      if (best < 0 || dominates(points[i]!, points[best]!, directions)) best = i;
    }
    return best < 0 ? [] : [candidates[best]!];
  }
  return paretoFront(points, directions).map((i) => candidates[i]!);
}
