// Ranking the results of one rung, best first. One objective: by value in its direction. Several: by
// non-dominated front, then by crowding distance within a front (Deb et al., NSGA-II, IEEE TEC 2002),
// which is how MO-ASHA ranks a rung (Schmucker et al., "Multi-objective Asynchronous Successive Halving",
// 2021: non-dominated sorting with NSGA-II's tie-breaking). Optuna has no multi-objective early stopping.
import type { Direction } from '../../../shared/types.js';
import { nonDominatedSort } from '../study/pareto.js';

/**
 * Indices of `points` from best to worst. Ties (equal values, equal crowding) keep input order, so a
 * caller that passes points in trial-number order gets the same ranking on every engine.
 */
export function rankPoints(points: readonly (readonly number[])[], directions: readonly Direction[]): number[] {
  const order = points.map((_, i) => i);
  if (directions.length === 1) {
    const sign = directions[0] === 'maximize' ? -1 : 1;
    return order.sort((a, b) => sign * (points[a]![0]! - points[b]![0]!) || a - b);
  }
  const ranked: number[] = [];
  for (const front of nonDominatedSort(points, directions)) {
    const crowding = crowdingDistance(front.map((i) => points[i]!));
    const within = front.map((i, j) => ({ i, c: crowding[j]! }));
    within.sort((a, b) => b.c - a.c || a.i - b.i);
    for (const w of within) ranked.push(w.i);
  }
  return ranked;
}

/**
 * NSGA-II crowding distance of each point of one front: the boundary points of every objective get
 * Infinity (they span the front), the others the normalized side lengths of the cuboid their neighbours form.
 */
export function crowdingDistance(front: readonly (readonly number[])[]): number[] {
  const n = front.length;
  const distance = new Array<number>(n).fill(0);
  if (n === 0) return distance;
  const m = front[0]!.length;
  for (let k = 0; k < m; k++) {
    const order = front.map((_, i) => i).sort((a, b) => front[a]![k]! - front[b]![k]! || a - b);
    const lo = front[order[0]!]![k]!;
    const hi = front[order[n - 1]!]![k]!;
    distance[order[0]!] = Infinity;
    distance[order[n - 1]!] = Infinity;
    if (hi === lo) continue;
    for (let j = 1; j < n - 1; j++) {
      const i = order[j]!;
      distance[i] = distance[i]! + (front[order[j + 1]!]![k]! - front[order[j - 1]!]![k]!) / (hi - lo);
    }
  }
  return distance;
}
