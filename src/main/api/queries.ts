// Read-only views of a study that the API answers with. The engine computes fronts, best-so-far series
// and downsampled curves here; the renderer only draws what it gets.
import type { BudgetSummary, GpuTrace, ObjectivePoint, StudyListItem, StudySummary, TrialRange, TrialsPage, TrialsQuery } from '../../shared/api.js';
import { MAX_REPORT_POINTS } from '../../shared/api.js';
import type { Objective, TrialJson } from '../../shared/types.js';
import { stateNow, trialJson } from '../engine/report/json.js';
import { bestTrials } from '../engine/study/pareto.js';
import type { ReportRecord, StoreReader, StudyRecord, TrialRecord } from '../engine/storage/types.js';
import { EnergyLedger, spentTotal } from '../engine/lineage/index.js';
import { belowResolutionIn, convergence } from '../engine/report/convergence.js';
import { finalistsSummary, searchTrials, splitCounts } from '../engine/finalists/stage.js';
import { lastRunStart, runWallSeconds } from './morning.js';
import { changePoints, decimatePoints, evenly } from './decimate.js';
import { createScheduler } from '../engine/schedulers/index.js';
import type { Scheduler } from '../engine/schedulers/types.js';
import { hypervolumeSeries, learningCurves } from './series.js';
import { noMemo, type Memo } from './read-cache.js';
import { belowResolution, ENERGY_METRICS } from '../../shared/energy-resolution.js';

/** Objective vector of a complete trial, or null when a value is missing or not finite. */
function objectiveVector(t: TrialRecord, objectives: readonly Objective[]): number[] | null {
  if (t.state !== 'complete') return null;
  const v = objectives.map((o) => t.values[o.metric]);
  return v.every((x): x is number => typeof x === 'number' && Number.isFinite(x)) ? v : null;
}

/**
 * Every complete trial as a point, marked first front (0) or not (1): the front is `bestTrials`' own.
 * `shortWindow` holds the ids of trials the meter flagged short_window (their point says so, so the chart
 * shows their energy as below resolution, as the trials table does).
 */
export function objectivePoints(trials: readonly TrialRecord[], objectives: readonly Objective[], shortWindow: ReadonlySet<number> = new Set()): ObjectivePoint[] {
  const onFront = new Set(bestTrials(trials, objectives).map((t) => t.number));
  const complete = trials.filter((t) => objectiveVector(t, objectives) !== null);
  const measured = complete.filter(
    (t) => !objectives.some((o) => belowResolution(o.metric, t.values[o.metric]!, { values: t.values, metrics: t.metrics, flags: shortWindow.has(t.id) ? ['short_window'] : null })),
  );
  const onMeasuredFront = measured.length < complete.length ? new Set(bestTrials(measured, objectives).map((t) => t.number)) : new Set<number>();
  return complete.map((t) => ({
    number: t.number,
    values: Object.fromEntries(objectives.map((o) => [o.metric, t.values[o.metric]!])),
    params: t.params,
    front: onFront.has(t.number) ? 0 : 1,
    ...(shortWindow.has(t.id) ? { short_window: true as const } : {}),
    ...(onMeasuredFront.has(t.number) ? { front_measured: true as const } : {}),
  }));
}

/**
 * The HTML report's series (report/convergence.ts), so the dashboard and the report agree: a trial whose
 * first objective is an energy below the meter's resolution is left out and counted.
 */
function bestSoFar(trials: readonly TrialRecord[], objectives: readonly Objective[], ledger: EnergyLedger<TrialRecord>, shortWindow: ReadonlySet<number>): StudySummary['best_so_far'] {
  const first = objectives[0];
  if (!first) return { by_trial: [], by_energy: [], below_resolution: 0 };
  const c = convergence(trials, first, ledger, belowResolutionIn(shortWindow));
  return { by_trial: c.byTrial, by_energy: c.byEnergy ?? [], below_resolution: c.belowResolution };
}

const NO_BUDGET = { trials: null, wall_time_s: null, energy_j: null, deadline: null } as const;

/**
 * Budget use; `active` is the running campaign's start (wall time counts per run), null when none runs here;
 * then wall time is what the last run used (`lastRun`: its start, null for every trial).
 */
export function budgetSummary(trials: readonly TrialRecord[], study: StudyRecord, active: { since: number } | null, now: number, lastRun: string | null = null): BudgetSummary {
  // A foreign source (an Optuna storage) has no budget: every limit reads as none.
  const budget = study.spec?.budget ?? NO_BUDGET;
  let used = 0;
  for (const t of trials) if (t.state !== 'queued' && t.state !== 'stopped') used++;
  return {
    trials: { used, limit: budget.trials },
    // Wall time counts per run (a resumed campaign gets a fresh allowance), so it is the running campaign's age.
    wall_time_s: { used: active ? Math.max(0, (now - active.since) / 1000) : runWallSeconds(trials, lastRun), limit: budget.wall_time_s },
    energy_j: { used: spentTotal(trials, 'energy_j'), limit: budget.energy_j },
    co2_g: { used: spentTotal(trials, 'co2_g'), limit: null },
  };
}

/** The front's trials in trial order; a front of hundreds is sampled evenly along the first objective. */
function paretoTrials(trials: readonly TrialRecord[], front: ReadonlySet<number>, first: Objective | undefined): TrialJson[] {
  const on = trials.filter((t) => front.has(t.number));
  const key = (t: TrialRecord) => (first ? (t.values[first.metric] ?? 0) : t.number);
  const kept = new Set(evenly([...on].sort((a, b) => key(a) - key(b))).map((t) => t.number));
  return on.filter((t) => kept.has(t.number)).map((t) => trialJson(t));
}

/** The study's scheduler when it predicts finals (its options as stored); null for any other or a bad spec. */
function predictingScheduler(study: StudyRecord): Scheduler | null {
  if (!study.spec) return null;
  try {
    const s = createScheduler(study.spec.scheduler, study.spec.fidelity);
    return s.predictFinal ? s : null;
  } catch {
    return null;
  }
}

/** The parts of a study's summary computed from its trials alone (no clock, no campaign, no GPU stream). */
type StudyFigures = Pick<
  StudySummary,
  'counts' | 'pareto' | 'pareto_total' | 'validated_best' | 'finalists' | 'finalist_counts' | 'points' | 'points_total' | 'best_so_far' | 'curves' | 'hypervolume'
>;

function studyFigures(store: StoreReader, study: StudyRecord, all: readonly TrialRecord[], trials: readonly TrialRecord[]): StudyFigures {
  const finalists = finalistsSummary(store, study, all);
  const { search: counts, finalists: finalistCounts } = splitCounts(store, study.id);
  const shortWindow = new Set<number>();
  for (const [id, p] of store.provenanceOfStudy(study.id)) if (p.flags.includes('short_window')) shortWindow.add(id);
  const points = objectivePoints(trials, study.objectives, shortWindow);
  const front = new Set(points.filter((p) => p.front === 0).map((p) => p.number));
  const ledger = new EnergyLedger(trials);
  const best = bestSoFar(trials, study.objectives, ledger, shortWindow);
  const hv = hypervolumeSeries(trials, study.objectives, ledger, belowResolutionIn(shortWindow));
  const winner = finalists?.winner ?? null;
  return {
    counts,
    pareto: paretoTrials(trials, front, study.objectives[0]),
    pareto_total: front.size,
    validated_best: winner === null ? null : trialJson(trials.find((t) => t.number === winner)!),
    finalists,
    finalist_counts: finalistCounts,
    points: decimatePoints(points, study.objectives.map((o) => o.metric)),
    points_total: points.length,
    best_so_far: { by_trial: changePoints(best.by_trial), by_energy: changePoints(best.by_energy), below_resolution: best.below_resolution },
    // Every trial's curve, finalist runs included: while they run, they are what the study is doing.
    curves: learningCurves(store, all, study.objectives, predictingScheduler(study)),
    hypervolume: hv && { ...hv, by_trial: changePoints(hv.by_trial), by_energy: changePoints(hv.by_energy) },
  };
}

/**
 * `memo` keeps what depends on the data alone (the router's, while the database is unchanged: reopening an
 * unchanged 10,000-trial study then costs a lookup); the state, the running campaign's wall time and the GPU
 * stream are read fresh on every call.
 */
export function studySummary(
  store: StoreReader,
  study: StudyRecord,
  active: { since: number } | null,
  now: number,
  gpu: { live: boolean; gpus: GpuTrace[] },
  memo: Memo = noMemo,
): StudySummary {
  const all = store.trials(study.id);
  // Finalist runs are re-runs of the top configurations (other seeds, overrides): they never compete in the
  // search's fronts or series, nor count against its budget; the validated winner is what is called best.
  const trials = memo('search-trials', () => searchTrials(store, study.id, all));
  const figures = memo('figures', () => studyFigures(store, study, all, trials));
  // With no campaign running here, the wall time is the last run's (from the data); a running one's grows.
  const budget = active ? budgetSummary(trials, study, active, now) : memo('budget', () => budgetSummary(trials, study, null, now, lastRunStart(store, study)));
  return {
    name: study.name,
    state: stateNow(study),
    stop_reason: study.stopReason,
    created_at: study.createdAt,
    objectives: study.objectives,
    spec: study.spec,
    search_space: study.searchSpace,
    ...figures,
    budget,
    active: active !== null,
    gpu,
  };
}

export function studyListItem(store: StoreReader, study: StudyRecord, active: boolean): StudyListItem {
  const trials = store.trials(study.id);
  const best: Record<string, number> = {};
  const bestTrial = new Map<string, TrialRecord>();
  let updated: string | null = null;
  for (const t of trials) {
    for (const at of [t.startedAt, t.endedAt]) if (at && (!updated || at > updated)) updated = at;
    if (t.state !== 'complete') continue;
    for (const o of study.objectives) {
      const v = t.values[o.metric];
      if (v === undefined || !Number.isFinite(v)) continue;
      const cur = best[o.metric];
      if (cur === undefined || (o.direction === 'maximize' ? v > cur : v < cur)) {
        best[o.metric] = v;
        bestTrial.set(o.metric, t);
      }
    }
  }
  // Only the best trials' provenance is read (one row per energy objective), not the whole study's.
  const bestBelowResolution = [...bestTrial].flatMap(([metric, t]) =>
    ENERGY_METRICS.includes(metric) && belowResolution(metric, best[metric]!, { values: t.values, metrics: t.metrics, flags: store.provenance(t.id)?.flags }) ? [metric] : [],
  );
  return {
    name: study.name,
    state: stateNow(study),
    created_at: study.createdAt,
    updated_at: updated,
    counts: store.counts(study.id),
    objectives: study.objectives,
    best,
    best_below_resolution: bestBelowResolution,
    energy_j: spentTotal(trials, 'energy_j'),
    stop_reason: study.stopReason,
    active,
  };
}

function sortValue(t: TrialJson, key: string): number | string | null {
  if (key === 'number') return t.number;
  if (key === 'state' || key === 'started_at' || key === 'ended_at') return t[key];
  const dot = key.indexOf('.');
  const group = key.slice(0, dot);
  const name = key.slice(dot + 1);
  const v = group === 'value' ? t.values[name] : group === 'metric' ? t.metrics[name] : t.params[name];
  return v === undefined ? null : typeof v === 'boolean' ? String(v) : v;
}

/** Whether a trials-table key is an objective or metric that the meter's energy integral gives. */
const energyKey = (key: string) => (key.startsWith('value.') || key.startsWith('metric.')) && ENERGY_METRICS.includes(key.slice(key.indexOf('.') + 1));

/** A brushed axis keeps a trial whose value lies in it; a trial without a value there is left out. */
function inRange(v: number | string | null, r: TrialRange): boolean {
  if (v === null) return false;
  if (r.values) return r.values.some((x) => String(x) === String(v));
  if (typeof v !== 'number') return false;
  return (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max);
}

export function trialsPage(store: StoreReader, study: StudyRecord, q: TrialsQuery): TrialsPage {
  const records = store.trials(study.id);
  const ids = new Map(records.map((t) => [t.number, t.id]));
  let rows = records.map((t) => trialJson(t));
  const states = q.filter?.states;
  if (states && states.length > 0) rows = rows.filter((t) => states.includes(t.state));
  const text = q.filter?.text?.trim().toLowerCase();
  if (text) rows = rows.filter((t) => `${t.number} ${JSON.stringify(t.params)} ${t.reason ?? ''}`.toLowerCase().includes(text));
  const ranges = q.filter?.ranges ?? [];
  // A brush on an energy axis keeps only trials the Understand page places on it: one whose energy is below
  // the meter's resolution is drawn on no energy axis, so the table under the chart leaves it out too.
  const provenance = ranges.some((r) => energyKey(r.key)) ? store.provenanceOfStudy(study.id) : null;
  const offAxis = (t: TrialJson, key: string, v: number | string | null) =>
    provenance !== null && typeof v === 'number' && energyKey(key) &&
    belowResolution(key.slice(key.indexOf('.') + 1), v, { values: t.values, metrics: t.metrics, flags: provenance.get(ids.get(t.number)!)?.flags });
  for (const r of ranges) rows = rows.filter((t) => inRange(sortValue(t, r.key), r) && !offAxis(t, r.key, sortValue(t, r.key)));
  if (q.sort) {
    const { key, direction } = q.sort;
    const sign = direction === 'asc' ? 1 : -1;
    rows.sort((a, b) => {
      const x = sortValue(a, key);
      const y = sortValue(b, key);
      // Missing values sort last whatever the direction: a table sorted by accuracy shows results first.
      if (x === null || y === null) return x === y ? a.number - b.number : x === null ? 1 : -1;
      if (x < y) return -sign;
      if (x > y) return sign;
      return a.number - b.number;
    });
  }
  const offset = q.offset ?? 0;
  // Provenance for the page's rows only: the table marks energy below the meter's resolution (short_window).
  const page = rows.slice(offset, offset + (q.limit ?? 100)).map((t) => ({ ...t, provenance: store.provenance(ids.get(t.number)!) }));
  return { total: rows.length, offset, trials: page };
}

/** Evenly spaced reports, first and last kept, so a 100,000-step curve stays a few KB. */
export function downsample(reports: readonly ReportRecord[], max = MAX_REPORT_POINTS): ReportRecord[] {
  if (reports.length <= max) return [...reports];
  const out: ReportRecord[] = [];
  const stride = (reports.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(reports[Math.round(i * stride)]!);
  return out;
}
