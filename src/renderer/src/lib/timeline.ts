// Layout of the study timeline: bars per lane over wall-clock time, clock ticks, and finding the bar under
// the pointer. Kept apart from the component so the geometry is plain functions of the API's answer.
import type { StudyTimeline } from '../../../shared/api.js';
import type { TrialState } from '../../../shared/types.js';

export interface Bar {
  number: number;
  lane: number;
  start: number;
  end: number;
  state: TrialState;
  parent: number;
}

/** The answer's columns as bars with epoch times and state names. */
export function bars(t: StudyTimeline): Bar[] {
  const b = t.bars;
  const t0 = t.start_ms ?? 0;
  return b.number.map((number, i) => {
    const start = t0 + b.start[i]!;
    return { number, lane: b.lane[i]!, start, end: start + b.duration[i]!, state: t.states[b.state[i]!]!, parent: b.parent[i]! };
  });
}

/** Bars of each lane in start order, for the pointer lookup. */
export function byLane(all: readonly Bar[], lanes: number): Bar[][] {
  const out: Bar[][] = Array.from({ length: lanes }, () => []);
  for (const b of all) out[b.lane]?.push(b);
  for (const l of out) l.sort((a, b) => a.start - b.start);
  return out;
}

/**
 * The bar of `lane` under time `t`, or the nearest one within `slack` ms (a 40 ms trial on an hour-long
 * axis is thinner than a pixel and must still be reachable). Binary search: 10,000 bars stay well under a frame.
 */
export function barAt(lane: readonly Bar[], t: number, slack: number): Bar | null {
  let lo = 0;
  let hi = lane.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (lane[mid]!.start <= t) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  let best: Bar | null = null;
  let dist = Infinity;
  for (const k of [last - 1, last, last + 1]) {
    const b = lane[k];
    if (!b) continue;
    const d = t < b.start ? b.start - t : t > b.end ? t - b.end : 0;
    if (d < dist) {
      dist = d;
      best = b;
    }
  }
  return dist <= slack ? best : null;
}

const STEPS_MS = [100, 200, 500].concat([1, 2, 5, 10, 15, 30].map((s) => s * 1000)).concat([1, 2, 5, 10, 15, 30].map((m) => m * 60_000), [1, 2, 3, 6, 12, 24].map((h) => h * 3_600_000));

/** Clock ticks on whole seconds, minutes or hours, at most about `count` of them. */
export function timeTicks(from: number, to: number, count: number): number[] {
  const span = Math.max(1, to - from);
  const step = STEPS_MS.find((s) => span / s <= count) ?? STEPS_MS.at(-1)!;
  // Aligned to the local clock (a tick at 02:00, not at 01:59:37), so labels read as times of day.
  const offset = new Date(from).getTimezoneOffset() * 60_000;
  const first = Math.ceil((from - offset) / step) * step + offset;
  const out: number[] = [];
  for (let t = first; t <= to; t += step) out.push(t);
  return out;
}

/** Clock time of a tick; on a span under 10 s, seconds from the first start (clock labels would all read alike). */
export function tickLabel(ms: number, spanMs: number, startMs: number): string {
  if (spanMs < 10_000) return `+${((ms - startMs) / 1000).toFixed(1)} s`;
  const d = new Date(ms);
  return d.toLocaleTimeString([], spanMs < 120_000 ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' });
}
