// How sure a ratio to the reference is. A ratio of mean costs over 10 seeds moved from 0.73x to 1.04x
// between two runs of the same command, so each ratio gets a paired bootstrap interval over seeds (Efron &
// Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13, percentile interval): resample the seeds
// with replacement, keeping each seed's method and reference together, and take the ratio of means again.
// Pooled over runs, a seed's runs in every file are drawn together (bootstrap.ts).
import { Rng } from '../../src/main/engine/samplers/rng.js';
import { percentileInterval } from './bootstrap.js';
import type { RunSummary } from './report.js';
import { spentToTarget, type Cost } from './summary.js';

const COSTS: readonly Cost[] = ['epochs', 'joules', 'processSeconds'];
const RESAMPLES = 4000;
/** Issue 16's bar: at most 60% of the reference's joules and process-seconds (issue 14's: of its epochs). */
const TARGET = 0.6;

/** Ratio of means of `a` to `b` over the seed indices `idx`. */
function ratio(a: readonly number[], b: readonly number[], idx: readonly number[]): number {
  let sa = 0;
  let sb = 0;
  for (const i of idx) {
    sa += a[i]!;
    sb += b[i]!;
  }
  return sa / sb;
}

export interface RatioInterval {
  point: number;
  low: number;
  high: number;
  /** Share of resamples at or below TARGET. */
  atOrBelowTarget: number;
}

/** The every-seed ratio of `method` to `reference` for cost `k`, over the seeds both ran, with its 90% interval. */
export function ratioInterval(rows: readonly RunSummary[], method: string, reference: string, k: Cost, seed = 1): RatioInterval | null {
  const ref = new Map(rows.filter((s) => s.method === reference).map((s) => [s.seed, s]));
  const pairs = rows.filter((s) => s.method === method && ref.has(s.seed)).map((s) => [spentToTarget(s, k), spentToTarget(ref.get(s.seed)!, k), s.seed] as const);
  const n = pairs.length;
  if (n === 0) return null;
  const a = pairs.map((p) => p[0]);
  const b = pairs.map((p) => p[1]);
  const { low, high, draws } = percentileInterval(
    pairs.map((p) => p[2]),
    (idx) => ratio(a, b, idx),
    RESAMPLES,
    new Rng(seed, n),
  );
  const below = draws.filter((d) => d <= TARGET).length / RESAMPLES;
  return { point: ratio(a, b, [...Array(n).keys()]), low, high, atOrBelowTarget: below };
}

/** One row per method: each cost's every-seed ratio with its interval, and how often a resample meets the 60% bar. */
export function intervalTable(rows: readonly RunSummary[], reference: string): string[] {
  const methods = [...new Set(rows.map((s) => s.method))].filter((m) => m !== reference);
  const lines = [
    `Every-seed ratios to ${reference} with 90% paired bootstrap intervals over seeds (${RESAMPLES} resamples); in brackets, the share of resamples at or below ${TARGET}×:`,
    '',
    '| method | epochs | joules | process-s |',
    '|---|---|---|---|',
  ];
  for (const m of methods) {
    const cells = COSTS.map((k) => {
      const r = ratioInterval(rows, m, reference, k);
      return r ? `${r.point.toFixed(2)}× (${r.low.toFixed(2)}–${r.high.toFixed(2)}) [${Math.round(100 * r.atOrBelowTarget)}%]` : '–';
    });
    lines.push(`| ${m} | ${cells.join(' | ')} |`);
  }
  return lines;
}
