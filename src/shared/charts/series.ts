// Chart series computed from trial results: best-so-far (convergence), the Pareto staircase of two
// objectives, and downsampling of long curves. Pure functions on numbers, shared by report and app.
import type { Direction } from '../types.js';

export interface Point {
  x: number;
  y: number;
}

/**
 * Best value so far along x (trial order, cumulative energy, time), as a step series: one point per
 * improvement plus a final point at the last x, so the line reaches the end of the axis.
 */
export function bestSoFar(points: readonly Point[], direction: Direction): Point[] {
  const out: Point[] = [];
  let best: number | null = null;
  for (const p of points) {
    if (!Number.isFinite(p.y) || !Number.isFinite(p.x)) continue;
    if (best === null || (direction === 'minimize' ? p.y < best : p.y > best)) {
      best = p.y;
      out.push({ x: p.x, y: p.y });
    }
  }
  const last = points.filter((p) => Number.isFinite(p.x)).at(-1);
  if (best !== null && last && out.at(-1)!.x !== last.x) out.push({ x: last.x, y: best });
  return out;
}

/** Running sum of `values` (missing or non-finite values add 0): cumulative energy per trial. */
export function cumulative(values: readonly (number | undefined)[]): number[] {
  let s = 0;
  return values.map((v) => (s += v !== undefined && Number.isFinite(v) ? v : 0));
}

/**
 * A step line through `points` in their order: from each point, horizontally to the next one's x, then
 * vertically to its y (a value that holds until it changes: best so far, hypervolume).
 */
export function stepLine(points: readonly Point[]): Point[] {
  const out: Point[] = [];
  for (const p of points) {
    const prev = out.at(-1);
    if (prev) out.push({ x: p.x, y: prev.y });
    out.push(p);
  }
  return out;
}

/**
 * The staircase through a two-objective Pareto front: points sorted by x, joined by horizontal-then-
 * vertical steps, so the region the front dominates is visible. `front` must be non-dominated.
 */
export function paretoStaircase(front: readonly Point[], directions: readonly [Direction, Direction]): Point[] {
  const sorted = [...front].filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x || a.y - b.y);
  if (sorted.length === 0) return [];
  const out: Point[] = [sorted[0]!];
  // The steps trace the edge of the region the front dominates. Along increasing x, that region
  // reaches right of a point when x is minimized (step in x first), left of it when x is maximized.
  const xFirst = directions[0] === 'minimize';
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const p = sorted[i]!;
    out.push(xFirst ? { x: p.x, y: prev.y } : { x: prev.x, y: p.y });
    out.push(p);
  }
  return out;
}

/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson, "Downsampling Time Series for Visual
 * Representation", 2013): keeps the first and last points and, per bucket, the point that best keeps
 * the curve's shape. Curves with at most `threshold` points are returned as they are.
 */
export function downsample(points: readonly Point[], threshold: number): Point[] {
  const n = points.length;
  if (threshold >= n || threshold < 3) return [...points];
  const out: Point[] = [points[0]!];
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    const start = Math.floor((i + 1) * every) + 1;
    const end = Math.min(Math.floor((i + 2) * every) + 1, n);
    let ax = 0;
    let ay = 0;
    for (let j = start; j < end; j++) {
      ax += points[j]!.x;
      ay += points[j]!.y;
    }
    const count = Math.max(1, end - start);
    ax /= count;
    ay /= count;
    const from = Math.floor(i * every) + 1;
    const to = Math.floor((i + 1) * every) + 1;
    let best = from;
    let bestArea = -1;
    for (let j = from; j < to; j++) {
      const p = points[j]!;
      const area = Math.abs((points[a]!.x - ax) * (p.y - points[a]!.y) - (points[a]!.x - p.x) * (ay - points[a]!.y));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push(points[best]!);
    a = best;
  }
  out.push(points[n - 1]!);
  return out;
}

/** SVG path data ("M x y L x y ...") of a polyline already mapped to pixels; gaps at non-finite points. */
export function linePath(points: readonly Point[], digits = 1): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${p.x.toFixed(digits)} ${p.y.toFixed(digits)}`;
    pen = true;
  }
  return d;
}
