// Exact hypervolume and Pareto filtering for 1-3 objectives, all minimized (callers negate maximized ones).
// 2D: one sweep in f1 order, O(n log n). 3D: slices between consecutive f3 values, each a 2D sweep,
// O(n^2 log n): exact, and fast enough for the fronts a study produces (hundreds of points).

export type Point = readonly number[];

/** True when a is no worse than b in every objective and better in one. */
export function dominates(a: Point, b: Point): boolean {
  let better = false;
  for (let k = 0; k < a.length; k++) {
    if (a[k]! > b[k]!) return false;
    if (a[k]! < b[k]!) better = true;
  }
  return better;
}

/** Indices of the non-dominated points (duplicates keep their first occurrence). */
export function nonDominatedIndices(points: readonly Point[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    let keep = true;
    for (let j = 0; j < points.length && keep; j++) {
      if (j === i) continue;
      const q = points[j]!;
      if (dominates(q, p) || (j < i && q.every((v, k) => v === p[k]))) keep = false;
    }
    if (keep) out.push(i);
  }
  return out;
}

/** Volume dominated by `points` and bounded by `ref` (points not strictly better than ref in all objectives add nothing). */
export function hypervolume(points: readonly Point[], ref: Point): number {
  const m = ref.length;
  if (points.some((p) => p.length !== m)) throw new RangeError(`hypervolume: every point needs ${m} objectives`);
  const inside = points.filter((p) => p.every((v, k) => v < ref[k]!));
  if (inside.length === 0) return 0;
  if (m === 1) return ref[0]! - Math.min(...inside.map((p) => p[0]!));
  if (m === 2) return hv2d(inside, ref[0]!, ref[1]!);
  if (m === 3) return hv3d(inside, ref);
  throw new RangeError(`hypervolume: supports 1 to 3 objectives, got ${m}`);
}

function hv2d(points: readonly Point[], r0: number, r1: number): number {
  const sorted = [...points].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let area = 0;
  let bestY = r1;
  for (const p of sorted) {
    if (p[1]! < bestY) {
      area += (r0 - p[0]!) * (bestY - p[1]!);
      bestY = p[1]!;
    }
  }
  return area;
}

function hv3d(points: readonly Point[], ref: Point): number {
  const sorted = [...points].sort((a, b) => a[2]! - b[2]!);
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const z = sorted[i]![2]!;
    const next = i + 1 < sorted.length ? sorted[i + 1]![2]! : ref[2]!;
    if (next <= z) continue;
    volume += hv2d(sorted.slice(0, i + 1), ref[0]!, ref[1]!) * (next - z);
  }
  return volume;
}
