// The dashboard's derived series, computed engine-side so the renderer only draws: learning curves of every
// trial (downsampled so 10,000 trials × 100 steps stay a few hundred KB), hypervolume as the front grows,
// and GPU power / memory traces.
import type { GpuTrace, LearningCurves, SeriesPoint } from '../../shared/api.js';
import { BAND_TRIALS, curveBands, HIGHLIGHTED_CURVES } from './decimate.js';
import { downsample as lttb } from '../../shared/charts/series.js';
import type { Objective } from '../../shared/types.js';
import { dominates, hypervolume, type Point } from '../engine/study/hypervolume.js';
import type { EnergyLedger } from '../engine/lineage/index.js';
import type { TrialView } from '../engine/samplers/types.js';
import type { Scheduler } from '../engine/schedulers/types.js';
import type { GpuSample, StoreReader, TrialRecord } from '../engine/storage/types.js';

/** Total curve points sent for a study; each trial gets an equal share (at least MIN_PER_TRIAL). */
export const CURVE_POINT_BUDGET = 20_000;
const MIN_PER_TRIAL = 8;
/** Points per GPU trace sent to the page. */
export const GPU_TRACE_POINTS = 1000;

/**
 * Learning curves of every started trial; with a `scheduler` that predicts finals (the curve scheduler), each
 * running trial also gets its predicted final value and band, from its full (not downsampled) reports.
 */
export function learningCurves(store: StoreReader, trials: readonly TrialRecord[], objectives: readonly Objective[], scheduler: Scheduler | null = null): LearningCurves | null {
  const first = objectives[0];
  const metric = first?.metric;
  if (!first || !metric) return null;
  const started = trials.filter((t) => t.state !== 'queued');
  const per = Math.max(MIN_PER_TRIAL, Math.floor(CURVE_POINT_BUDGET / Math.max(1, started.length)));
  let total = 0;
  const rungs = new Set<number>();
  const out: LearningCurves['trials'] = [];
  const series = started.length ? store.metricSeries(started[0]!.studyId, metric) : new Map<number, { step: number; value: number }[]>();
  if (started.length > BAND_TRIALS) return bandedCurves(started, series, first);
  const predict = scheduler?.predictFinal?.bind(scheduler);
  const views: TrialView[] | null = predict
    ? started.map((t) => ({
        number: t.number,
        state: t.state,
        params: t.params,
        values: t.state === 'complete' || t.state === 'pruned' ? t.values : null,
        intermediate: new Map((series.get(t.id) ?? []).map((r) => [r.step, r.value])),
        budget: t.budget,
      }))
    : null;
  for (const t of started) {
    if (t.budget !== null) rungs.add(t.budget);
    const points: SeriesPoint[] = [];
    for (const r of series.get(t.id) ?? []) {
      if (Number.isFinite(r.value)) points.push({ x: r.step, y: r.value });
    }
    if (points.length === 0) continue;
    total += points.length;
    // LTTB keeps the shape (a late drop, a plateau) that an even stride can skip over.
    const predicted = predict && views && t.state === 'running' ? predict({ objectives, trials: views }, t.number) : null;
    out.push({ number: t.number, state: t.state, budget: t.budget, points: lttb(points, per), ...(predicted ? { predicted } : {}) });
  }
  return { metric, trials: out, bands: null, trial_count: out.length, rungs: [...rungs].sort((a, b) => a - b), total_points: total };
}

/** Points per highlighted curve drawn over the bands. */
const HIGHLIGHT_POINTS = 500;

/** Many trials: quantile bands over all curves, and on top the best few complete trials and every running one. */
function bandedCurves(started: readonly TrialRecord[], series: Map<number, { step: number; value: number }[]>, objective: Objective): LearningCurves {
  const rungs = new Set<number>();
  const curves: SeriesPoint[][] = [];
  const withCurve: { t: TrialRecord; points: SeriesPoint[] }[] = [];
  let total = 0;
  for (const t of started) {
    if (t.budget !== null) rungs.add(t.budget);
    const points: SeriesPoint[] = [];
    for (const r of series.get(t.id) ?? []) if (Number.isFinite(r.value)) points.push({ x: r.step, y: r.value });
    if (points.length === 0) continue;
    total += points.length;
    curves.push(points);
    withCurve.push({ t, points });
  }
  const sign = objective.direction === 'maximize' ? -1 : 1;
  const score = (t: TrialRecord) => t.values[objective.metric];
  const best = withCurve
    .filter((c) => c.t.state === 'complete' && Number.isFinite(score(c.t) ?? NaN))
    .sort((a, b) => sign * (score(a.t)! - score(b.t)!))
    .slice(0, HIGHLIGHTED_CURVES);
  const running = withCurve.filter((c) => c.t.state === 'running').slice(0, 20);
  return {
    metric: objective.metric,
    trials: [...best, ...running].map((c) => ({ number: c.t.number, state: c.t.state, budget: c.t.budget, points: lttb(c.points, HIGHLIGHT_POINTS) })),
    bands: curveBands(curves),
    trial_count: withCurve.length,
    rungs: [...rungs].sort((a, b) => a - b),
    total_points: total,
  };
}

/**
 * Hypervolume after each complete trial (trial order), against trial number and cumulative energy_j.
 * The archive of non-dominated points stays small, so the volume is recomputed only when it changes:
 * O(N·F) plus one volume per improvement, not one per trial. A trial with an objective that is an energy
 * below the meter's resolution (`below`) adds no volume and sets no reference: its 0 J or rough joules would
 * count as a measured saving. It is counted in `below_resolution`; the energy axis still counts what it spent.
 */
export function hypervolumeSeries(
  trials: readonly TrialRecord[],
  objectives: readonly Objective[],
  ledger: EnergyLedger<TrialRecord>,
  below: (t: TrialRecord, metric: string) => boolean = () => false,
): { reference: Record<string, number>; by_trial: SeriesPoint[]; by_energy: SeriesPoint[]; below_resolution: number } | null {
  const m = objectives.length;
  if (m < 2 || m > 3) return null;
  const sign = objectives.map((o) => (o.direction === 'maximize' ? -1 : 1));
  let belowResolution = 0;
  const vec = (t: TrialRecord): Point | null => {
    if (t.state !== 'complete') return null;
    const v = objectives.map((o, k) => (t.values[o.metric] ?? NaN) * sign[k]!);
    if (!v.every(Number.isFinite)) return null;
    if (objectives.some((o) => below(t, o.metric))) {
      belowResolution++;
      return null;
    }
    return v;
  };
  const all = trials.map(vec);
  const ref: number[] = objectives.map(() => -Infinity);
  for (const v of all) if (v) v.forEach((x, k) => (ref[k] = Math.max(ref[k]!, x)));
  // Every complete trial below resolution: no volume to draw, but the panel says why it is empty.
  if (!ref.every(Number.isFinite)) return belowResolution > 0 ? { reference: {}, by_trial: [], by_energy: [], below_resolution: belowResolution } : null;
  // The worst point sits on the reference and adds nothing; a margin of 10% of each range gives every
  // front point a share (the usual nadir + margin choice, e.g. Ishibuchi et al., 2018).
  const lo: number[] = objectives.map(() => Infinity);
  for (const v of all) if (v) v.forEach((x, k) => (lo[k] = Math.min(lo[k]!, x)));
  const refPoint = ref.map((r, k) => r + 0.1 * (r - lo[k]! || Math.abs(r) || 1));
  let archive: Point[] = [];
  let hv = 0;
  const byTrial: SeriesPoint[] = [];
  const byEnergy: SeriesPoint[] = [];
  trials.forEach((t, i) => {
    const v = all[i];
    if (!v) return;
    if (!archive.some((a) => dominates(a, v) || a.every((x, k) => x === v[k]))) {
      archive = archive.filter((a) => !dominates(v, a));
      archive.push(v);
      hv = hypervolume(archive, refPoint);
    }
    byTrial.push({ x: t.number, y: hv });
    if (ledger.measured) byEnergy.push({ x: ledger.cumulativeAt(t.number), y: hv });
  });
  return {
    reference: Object.fromEntries(objectives.map((o, k) => [o.metric, refPoint[k]! * sign[k]!])),
    by_trial: byTrial,
    by_energy: byEnergy,
    below_resolution: belowResolution,
  };
}

/** Groups samples per GPU (optionally only some GPUs and a time window), evenly thinned to `max` points each. */
export function gpuTraces(samples: readonly GpuSample[], opts: { gpus?: ReadonlySet<number>; from?: number; to?: number; max?: number } = {}): GpuTrace[] {
  const by = new Map<number, GpuSample[]>();
  for (const s of samples) {
    if (opts.gpus && !opts.gpus.has(s.gpu)) continue;
    if (opts.from !== undefined && s.atMs < opts.from) continue;
    if (opts.to !== undefined && s.atMs > opts.to) continue;
    let list = by.get(s.gpu);
    if (!list) by.set(s.gpu, (list = []));
    list.push(s);
  }
  const max = opts.max ?? GPU_TRACE_POINTS;
  return [...by.entries()]
    .sort(([a], [b]) => a - b)
    .map(([gpu, list]) => {
      // A study resumed in one process saves the shared meter's series again: keep one sample per instant.
      const sorted = list.sort((a, b) => a.atMs - b.atMs).filter((s, i, arr) => i === 0 || s.atMs !== arr[i - 1]!.atMs);
      return { gpu, points: thin(sorted, max).map((s) => ({ t_ms: s.atMs, power_w: s.powerW, memory_mb: s.memoryMb })) };
    });
}

/** Evenly spaced items, first and last kept. */
export function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const out: T[] = [];
  const stride = (items.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(items[Math.round(i * stride)]!);
  return out;
}
