// Server-side decimation, so `study.summary` of a 10,000-trial study stays under 200 KB and its page is
// drawn in about the time of a small study's: the objective space keeps every front point and one dominated
// point per small cell (what a 3 px dot can show anyway); step series keep only the points where they
// change; many learning curves become quantile bands with the best few drawn on top.
import type { CurveBand, ObjectivePoint, SeriesPoint } from '../../shared/api.js';

/** Dominated points sent as they are up to this many; beyond, one per cell of the objective space. */
export const MAX_DOMINATED_POINTS = 400;
/** Front trials sent in full (`pareto`); a larger front is sampled evenly along its first objective. */
export const PARETO_TRIALS = 100;
/** Points a step series keeps at most (its changes, evenly thinned, and its last point). */
const MAX_SERIES = 500;
/** Above this many trials the curves are summarised as bands (one faded line per trial is a block of ink). */
export const BAND_TRIALS = 100;
/** Highest-ranked curves drawn over the bands. */
export const HIGHLIGHTED_CURVES = 5;
const BAND_BINS = 120;

/**
 * Every front point, and of the dominated ones one per cell of a grid over the objectives (the point with
 * the lowest trial number, so the choice is stable between refreshes). Cells shrink until the grid keeps
 * at most `max` points.
 */
export function decimatePoints(points: readonly ObjectivePoint[], metrics: readonly string[], max = MAX_DOMINATED_POINTS): ObjectivePoint[] {
  // A point on the front of the measured trials (drawn on an energy axis) is kept like a front point.
  const dominated = points.filter((p) => p.front !== 0 && !p.front_measured);
  if (dominated.length <= max) return [...points];
  const lo = metrics.map((m) => Math.min(...points.map((p) => p.values[m]!)));
  const hi = metrics.map((m) => Math.max(...points.map((p) => p.values[m]!)));
  let cells = Math.max(2, Math.floor(Math.sqrt(max) * 1.5) ** (2 / Math.max(2, metrics.length)));
  let kept: ObjectivePoint[] = [];
  for (;;) {
    const seen = new Set<string>();
    kept = [];
    for (const p of dominated) {
      const key = metrics.map((m, k) => Math.min(cells - 1, Math.floor(((p.values[m]! - lo[k]!) / (hi[k]! - lo[k]! || 1)) * cells))).join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      kept.push(p);
    }
    if (kept.length <= max || cells <= 2) break;
    cells = Math.max(2, Math.floor(cells * 0.8));
  }
  const keep = new Set(kept.map((p) => p.number));
  return points.filter((p) => p.front === 0 || p.front_measured || keep.has(p.number));
}

/** Step series up to this long are sent whole (one point per trial, as small studies always had). */
const WHOLE_SERIES = 500;

/** A long step series (best so far, hypervolume) needs only its changes, and its last point to show how far it ran. */
export function changePoints(series: readonly SeriesPoint[]): SeriesPoint[] {
  if (series.length <= WHOLE_SERIES) return [...series];
  const out: SeriesPoint[] = [];
  series.forEach((p, i) => {
    if (i === 0 || p.y !== series[i - 1]!.y || i === series.length - 1) out.push(p);
  });
  if (out.length <= MAX_SERIES) return out;
  // A front that improves with most trials (hypervolume) changes thousands of times: a step every few
  // pixels shows the same line.
  const stride = (out.length - 1) / (MAX_SERIES - 1);
  return Array.from({ length: MAX_SERIES }, (_, i) => out[Math.round(i * stride)]!);
}

/** At most `max` items evenly spaced over `sorted` (first and last kept). */
export function evenly<T>(sorted: readonly T[], max = PARETO_TRIALS): T[] {
  if (sorted.length <= max) return [...sorted];
  const stride = (sorted.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => sorted[Math.round(i * stride)]!);
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i]! * (1 - f) + sorted[i + 1]! * f : sorted[i]!;
}

/**
 * 10/25/50/75/90 % quantiles of the curves' values per step bin (each trial counted once per bin, with its
 * last value there), over as many bins as the steps need (at most BAND_BINS).
 */
export function curveBands(curves: readonly (readonly SeriesPoint[])[]): CurveBand[] {
  let minX = Infinity;
  let maxX = -Infinity;
  for (const c of curves) for (const p of c) {
    if (p.x < minX) minX = p.x;
    if (p.x > maxX) maxX = p.x;
  }
  if (!Number.isFinite(minX)) return [];
  const steps = new Set<number>();
  for (const c of curves) for (const p of c) if (steps.size <= BAND_BINS) steps.add(p.x);
  // Few distinct steps (epochs): one bin per step. Many: equal-width bins.
  const exact = steps.size <= BAND_BINS ? [...steps].sort((a, b) => a - b) : null;
  const bins = exact ? exact.length : BAND_BINS;
  const binOf = exact ? new Map(exact.map((s, i) => [s, i])) : null;
  const width = (maxX - minX) / bins || 1;
  const values: number[][] = Array.from({ length: bins }, () => []);
  for (const c of curves) {
    let last = -1;
    let lastV = 0;
    for (const p of c) {
      const b = binOf ? binOf.get(p.x)! : Math.min(bins - 1, Math.floor((p.x - minX) / width));
      if (b !== last && last >= 0) values[last]!.push(lastV);
      last = b;
      lastV = p.y;
    }
    if (last >= 0) values[last]!.push(lastV);
  }
  const out: CurveBand[] = [];
  values.forEach((v, i) => {
    if (v.length === 0) return;
    v.sort((a, b) => a - b);
    const x = exact ? exact[i]! : minX + (i + 0.5) * width;
    out.push({ x, q10: quantile(v, 0.1), q25: quantile(v, 0.25), q50: quantile(v, 0.5), q75: quantile(v, 0.75), q90: quantile(v, 0.9), n: v.length });
  });
  return out;
}
