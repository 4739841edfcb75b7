// The morning summary at the top of a study page: what happened since the last campaign run started (or
// since a time the user picks). Computed from the store alone, so the same figures come out whether the
// campaign ran in this process, in a terminal, or in an Optuna script that wrote the file.
import type { Attention, BestAgainstBaseline, FailureGroup, MorningSummary, SpentFigure } from '../../shared/study-views.js';
import { emptyCounts, type Objective } from '../../shared/types.js';
import type { FinalistJson } from '../../shared/finalists.js';
import { belowResolution } from '../../shared/energy-resolution.js';
import { EnergyLedger } from '../engine/lineage/index.js';
import { finalistsSummary, searchTrials } from '../engine/finalists/stage.js';
import { stateNow } from '../engine/report/json.js';
import { studyCost } from '../engine/report/study-cost.js';
import type { StoreReader, StudyRecord, TrialRecord } from '../engine/storage/types.js';
import { noMemo, type Memo } from './read-cache.js';

export type SinceRequest = 'run' | 'study' | string;

/**
 * When the last campaign run started: the store logs each study state change as a `study.state` event, and a
 * run begins where the study turns running. Null when the log has none (an Optuna file, a copied study).
 */
export function lastRunStart(store: StoreReader, study: StudyRecord): string | null {
  const running = `study ${study.name} running`;
  let at: string | null = null;
  for (const e of store.events(study.id)) if (e.kind === 'study.state' && e.message === running && (at === null || e.at > at)) at = e.at;
  return at;
}

/**
 * Wall time a run used, from its first trial start to its last trial end (trials started at or after
 * `from`, all when null): what a finished study shows against its wall-time budget, instead of 0.
 */
export function runWallSeconds(trials: readonly TrialRecord[], from: string | null): number {
  let first: string | null = null;
  let last: string | null = null;
  for (const t of trials) {
    if (!t.startedAt || (from !== null && t.startedAt < from)) continue;
    if (first === null || t.startedAt < first) first = t.startedAt;
    const end = t.endedAt ?? t.startedAt;
    if (last === null || end > last) last = end;
  }
  return first && last ? Math.max(0, (Date.parse(last) - Date.parse(first)) / 1000) : 0;
}

/** The first trial start at or after `since` (the window's true beginning: a run starts before its first trial). */
function firstStart(trials: readonly TrialRecord[], since: string): string | null {
  let first: string | null = null;
  for (const t of trials) if (t.startedAt && t.startedAt >= since && (first === null || t.startedAt < first)) first = t.startedAt;
  return first;
}

/**
 * Groups alike failures: the stderr line after "exit code N:" often carries the trial's own values (a loss,
 * a path with its trial number), so numbers there are masked; the exit code or signal itself is kept.
 */
export function failureKey(reason: string | null): string {
  if (reason === null || reason === '') return 'no reason recorded';
  const m = /^(exit code \S+|killed by signal \S+): (.*)$/s.exec(reason);
  if (!m) return reason;
  return `${m[1]}: ${m[2]!.replace(/\d+(\.\d+)?(e[-+]?\d+)?/gi, 'N')}`;
}

function commonStart(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

function groupFailures(failed: readonly TrialRecord[]): FailureGroup[] {
  const by = new Map<string, { trials: number[]; match: string }>();
  for (const t of failed) {
    const k = failureKey(t.reason);
    const g = by.get(k);
    if (!g) by.set(k, { trials: [t.number], match: t.reason ?? '' });
    else {
      g.trials.push(t.number);
      g.match = commonStart(g.match, t.reason ?? '');
    }
  }
  return [...by.entries()]
    .map(([reason, g]) => ({ reason, trials: g.trials.sort((a, b) => a - b), match: g.match }))
    .sort((a, b) => b.trials.length - a.trials.length || a.trials[0]! - b.trials[0]!);
}

function spent(all: readonly TrialRecord[], inWindow: ReadonlySet<number>, metric: string, shortWindow: ReadonlySet<number>): SpentFigure {
  // The engine's one energy ledger: a promoted trial counts only what it spent itself.
  const ledger = new EnergyLedger(all, metric);
  const own = all.map((t) => ledger.ownOf(t.number));
  let total = 0;
  let measured = 0;
  let short = 0;
  all.forEach((t, i) => {
    const v = own[i]!;
    if (!inWindow.has(t.number) || !Number.isFinite(v)) return;
    total += v;
    measured++;
    if (shortWindow.has(t.number)) short++;
  });
  return { total: measured > 0 ? total : null, measured, short_window: short };
}

const better = (o: Objective, a: number, b: number) => (o.direction === 'minimize' ? a < b : a > b);
const metricOf = (t: TrialRecord, key: string): number | null => {
  const v = t.values[key] ?? t.metrics[key];
  return v !== undefined && Number.isFinite(v) ? v : null;
};

/**
 * `windowTrials`: the search's trials that ended in the window (finalist runs never compete: an fp32 re-run
 * would beat every bf16 search trial). `validated`: the finalists' winner, which is best once there is one.
 */
function bestAgainstBaseline(
  all: readonly TrialRecord[],
  windowTrials: readonly TrialRecord[],
  objectives: readonly Objective[],
  validated: FinalistJson | null,
  flagged: ReadonlySet<number>,
): BestAgainstBaseline[] {
  // A rough or 0 J figure of a trial below the meter's resolution is neither a best to print nor half of a difference.
  const below = (t: TrialRecord, metric: string, v: number | null) => v !== null && belowResolution(metric, v, { values: t.values, metrics: t.metrics, flags: flagged.has(t.id) ? ['short_window'] : null });
  const baseline = all.find((t) => t.lineage.kind === 'baseline' && t.state === 'complete') ?? null;
  // What finding the best cost: every trial's own energy up to the best one's end, in the order they ended.
  const ledger = new EnergyLedger(all);
  const own = all.map((t) => ledger.ownOf(t.number));
  const ended = all.map((t, i) => ({ t, e: own[i]! })).filter((x) => x.t.endedAt !== null).sort((a, b) => (a.t.endedAt! < b.t.endedAt! ? -1 : a.t.endedAt! > b.t.endedAt! ? 1 : 0));
  const anyEnergy = own.some(Number.isFinite);
  const out: BestAgainstBaseline[] = [];
  for (const o of objectives) {
    let top: TrialRecord | null = null;
    if (validated) top = all.find((t) => t.number === validated.trial) ?? null;
    else
      for (const t of windowTrials) {
        const v = t.state === 'complete' ? t.values[o.metric] : undefined;
        if (v !== undefined && Number.isFinite(v) && (top === null || better(o, v, top.values[o.metric]!))) top = t;
      }
    if (!top) continue;
    const mean = validated?.validated[o.metric];
    const value = mean ? mean.mean : top.values[o.metric];
    if (value === undefined || !Number.isFinite(value)) continue;
    const base = baseline ? baseline.values[o.metric] : undefined;
    const hasBase = baseline !== null && base !== undefined && Number.isFinite(base);
    const topE = mean ? (validated?.validated.energy_j?.mean ?? null) : metricOf(top, 'energy_j');
    const baseE = hasBase ? metricOf(baseline, 'energy_j') : null;
    let toBest: number | null = null;
    if (anyEnergy) {
      toBest = 0;
      for (const x of ended) {
        if (Number.isFinite(x.e)) toBest += x.e;
        if (x.t === top) break;
      }
    }
    const change = hasBase ? value - base : null;
    // A validated mean is over finalist runs, not this trial's window: it is below resolution only as a 0 J.
    const topBelow = mean ? belowResolution(o.metric, value) : below(top, o.metric, value);
    const topEBelow = mean ? topE !== null && belowResolution('energy_j', topE) : below(top, 'energy_j', topE);
    const baseEBelow = hasBase && below(baseline, 'energy_j', baseE);
    out.push({
      objective: o,
      best: { number: top.number, value, energy_j: topE, runs: mean ? mean.n : null, below_resolution: topBelow },
      baseline: hasBase ? { number: baseline.number, value: base, energy_j: baseE, below_resolution: below(baseline, o.metric, base) } : null,
      change,
      improvement_pct: change === null || base === 0 || !hasBase ? null : ((o.direction === 'minimize' ? -change : change) / Math.abs(base)) * 100,
      extra_energy_j: topE !== null && baseE !== null && !topEBelow && !baseEBelow ? topE - baseE : null,
      energy_to_best_j: toBest,
    });
  }
  return out;
}

/**
 * `memo` keeps the answer while the data is unchanged, unless a trial runs: then the window ends now and the
 * wall time grows with the clock. The study's state (a stale lease turns it crashed) is read on every call.
 */
export function morningSummary(store: StoreReader, study: StudyRecord, since: SinceRequest, now: number, memo: Memo = noMemo): MorningSummary {
  const running = store.counts(study.id).running > 0;
  const answer = running ? morningOf(store, study, since, now) : memo(`morning\u0000${since}`, () => morningOf(store, study, since, now));
  return { ...answer, state: stateNow(study) };
}

function morningOf(store: StoreReader, study: StudyRecord, since: SinceRequest, now: number): MorningSummary {
  const all = store.trials(study.id);
  let from: string;
  let kind: MorningSummary['since_kind'];
  if (since === 'run') {
    const run = lastRunStart(store, study);
    from = run ?? study.createdAt;
    kind = run === null ? 'study' : 'run';
  } else if (since === 'study') {
    from = study.createdAt;
    kind = 'study';
  } else {
    from = new Date(since).toISOString();
    kind = 'time';
  }
  // An Optuna file's study has no creation time of its own: its first trial is where it began.
  if (kind === 'study') from = [from, ...all.map((t) => t.startedAt).filter((s): s is string => s !== null)].sort()[0]!;

  const ended = all.filter((t) => t.endedAt !== null && t.endedAt >= from && t.state !== 'queued' && t.state !== 'running');
  const counts = emptyCounts();
  for (const t of ended) counts[t.state]++;
  for (const t of all) if (t.state === 'running' || t.state === 'queued') counts[t.state]++;

  const inWindow = new Set(ended.map((t) => t.number));
  const provenance = store.provenanceOfStudy(study.id);
  const shortWindow = new Set(ended.filter((t) => provenance.get(t.id)?.flags.includes('short_window') === true).map((t) => t.number));
  const running = all.filter((t) => t.state === 'running');
  const lastEnd = ended.reduce<string | null>((m, t) => (m === null || t.endedAt! > m ? t.endedAt : m), null);
  const until = running.length > 0 ? new Date(now).toISOString() : lastEnd;
  const start = firstStart(all, from);
  const wall = start && until ? Math.max(0, (Date.parse(until) - Date.parse(start)) / 1000) : null;

  const failures = groupFailures(ended.filter((t) => t.state === 'failed'));
  const energy = spent(all, inWindow, 'energy_j', shortWindow);
  const finalists = finalistsSummary(store, study, all);
  const search = new Set(searchTrials(store, study.id, all).map((t) => t.id));
  const winner = finalists?.finalists.find((f) => f.trial === finalists.winner) ?? null;
  const flagged = new Set([...provenance].filter(([, p]) => p.flags.includes('short_window')).map(([id]) => id));
  const best = bestAgainstBaseline(all, ended.filter((t) => search.has(t.id)), study.objectives, winner, flagged);
  return {
    study: study.name,
    state: stateNow(study),
    stop_reason: study.stopReason,
    since: from,
    since_kind: kind,
    until,
    wall_time_s: wall,
    counts,
    failures,
    energy_j: energy,
    co2_g: spent(all, inWindow, 'co2_g', shortWindow),
    cost: spent(all, inWindow, 'cost', shortWindow),
    processes: studyCost(ended),
    best,
    attention: attention({ ended, failures, shortWindow, best, running: running.map((t) => t.number), energyMeasured: energy.measured, study }),
  };
}

function attention(x: {
  ended: readonly TrialRecord[];
  failures: FailureGroup[];
  shortWindow: ReadonlySet<number>;
  best: BestAgainstBaseline[];
  running: number[];
  energyMeasured: number;
  study: StudyRecord;
}): Attention[] {
  const out: Attention[] = [];
  const failed = x.failures.reduce((s, g) => s + g.trials.length, 0);
  if (failed > 0) {
    const top = x.failures[0]!;
    out.push({
      kind: 'failures',
      message: `${failed} of ${x.ended.length} trials failed; the most common reason (${top.trials.length}): ${top.reason}`,
      trials: top.trials.slice(0, 20),
    });
  }
  for (const b of x.best) {
    if (b.baseline === null) continue;
    if (b.baseline.number === b.best.number || b.change === 0) {
      out.push({ kind: 'baseline_best', message: `nothing beat the baseline (trial ${b.baseline.number}) on ${b.objective.metric}`, trials: [b.baseline.number] });
    }
  }
  const first = x.best[0];
  if (first && first.baseline === null && (x.study.spec?.baseline ?? null) === null) {
    out.push({ kind: 'no_baseline', message: 'the study has no baseline, so there is nothing to measure the gain against (add `baseline:` to the study file)', trials: [] });
  }
  if (first) out.push({ kind: 'best', message: `best ${first.objective.metric}: trial ${first.best.number}${first.best.runs !== null ? ' (validated by the finalists stage)' : ''}`, trials: [first.best.number] });
  if (x.shortWindow.size > 0) {
    out.push({
      kind: 'short_window',
      message: `${x.shortWindow.size} trial(s) ran shorter than the meter's sampling: their energy is below its resolution`,
      trials: [...x.shortWindow].sort((a, b) => a - b).slice(0, 20),
    });
  }
  if (x.ended.length > 0 && x.energyMeasured === 0) out.push({ kind: 'unmeasured', message: 'no trial of this window has a measured energy', trials: [] });
  if (x.running.length > 0) out.push({ kind: 'running', message: `${x.running.length} trial(s) still running`, trials: x.running });
  return out;
}
