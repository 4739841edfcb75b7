// The finalists stage against the store: plan the runs (idempotent: a planned run already stored, in any
// state but stopped, is not queued again), count them apart from the search, and summarize what they found.
import type { FinalistsJson } from '../../../shared/finalists.js';
import { emptyCounts, type StateCounts } from '../../../shared/types.js';
import type { FinalistsSpec, StudySpec } from '../study/types.js';
import type { FinalistRunInfo, NightshiftStudyRecord, Store, StoreReader, StudyRecord, TrialRecord } from '../storage/types.js';
import { summarizeFinalists, type FinalistRunResult } from './results.js';
import { planRuns, selectFinalists, unitKey, type Finalist, type PlannedRun } from './select.js';

/** What `validate` runs for a study whose file has no `finalists` key. */
export const DEFAULT_FINALISTS: FinalistsSpec = { top: 3, seeds: 3, overrides: {}, folds: null, objective: null };

export function finalistsSpecOf(spec: StudySpec, top: number | null): FinalistsSpec {
  const base = spec.finalists ?? DEFAULT_FINALISTS;
  return top === null ? base : { ...base, top };
}

/** The study's trials without its finalist runs: what the search found. */
export function searchTrials(store: StoreReader, studyId: number, trials: readonly TrialRecord[] = store.trials(studyId)): TrialRecord[] {
  const finalists = store.finalistRuns(studyId);
  return finalists.size === 0 ? [...trials] : trials.filter((t) => !finalists.has(t.id));
}

/** State counts of the search alone and of the finalist runs alone (each has its own budget). */
export function splitCounts(store: StoreReader, studyId: number): { search: StateCounts; finalists: StateCounts } {
  const search = store.counts(studyId);
  const finalists = emptyCounts();
  for (const id of store.finalistRuns(studyId).keys()) {
    const t = store.getTrial(id);
    if (!t) continue;
    finalists[t.state]++;
    search[t.state]--;
  }
  return { search, finalists };
}

/**
 * Selects the finalists from the search and queues every planned run not already stored, in one
 * transaction: after a crash at any point, planning again queues exactly the runs that are missing.
 * A run that only ever ended `stopped` (interrupted past its retries, or stopped by a user) is queued again.
 */
export function planFinalistStage(store: Store, study: NightshiftStudyRecord, fspec: FinalistsSpec): { planned: PlannedRun[]; queued: number } {
  return store.transaction(() => {
    const all = store.trials(study.id);
    const finalists = selectFinalists(searchTrials(store, study.id, all), study.objectives, fspec, fspec.top);
    const planned = planRuns(finalists, fspec, study.spec.seed, study.spec.fidelity);
    const byId = new Map(all.map((t) => [t.id, t]));
    const covered = new Set<string>();
    for (const [id, info] of store.finalistRuns(study.id)) {
      if (byId.get(id)?.state !== 'stopped') covered.add(runKey(info.parentNumber, info));
    }
    let queued = 0;
    for (const r of planned) {
      if (covered.has(runKey(r.parentNumber, r))) continue;
      store.enqueueFinalistRun(
        study.id,
        { params: r.params, budget: r.budget, lineage: { kind: 'finalist', parentNumber: r.parentNumber, detail: unitKey(r) } },
        { parentNumber: r.parentNumber, seedIndex: r.seedIndex, seed: r.seed, fold: r.fold, folds: r.folds },
      );
      queued++;
    }
    return { planned, queued };
  });
}

const runKey = (parent: number, u: { seedIndex: number; fold: number | null }): string => `${parent}/${unitKey(u)}`;

/** The finalists stage's results so far, or null when the study has no finalist runs. */
export function finalistsSummary(store: StoreReader, study: StudyRecord, trials: readonly TrialRecord[] = store.trials(study.id)): FinalistsJson | null {
  const runs = store.finalistRuns(study.id);
  if (runs.size === 0) return null;
  const byId = new Map(trials.map((t) => [t.id, t]));
  const byNumber = new Map(trials.map((t) => [t.number, t]));
  // The latest attempt of each planned run stands for it (an interrupted attempt is followed by its retry).
  const latest = new Map<string, { t: TrialRecord; info: FinalistRunInfo }>();
  for (const [id, info] of runs) {
    const t = byId.get(id);
    if (t) latest.set(runKey(info.parentNumber, info), { t, info });
  }
  const results: FinalistRunResult[] = [...latest.values()].map(({ t, info }) => ({
    number: t.number,
    parentNumber: info.parentNumber,
    seedIndex: info.seedIndex,
    fold: info.fold,
    state: t.state,
    values: t.values,
    metrics: t.metrics,
  }));
  const planned: PlannedRun[] = [...latest.values()].map(({ t, info }) => ({ ...info, params: t.params, budget: t.budget }));
  const fspec = study.spec?.finalists ?? DEFAULT_FINALISTS;
  const seeds = new Set(results.map((r) => r.seedIndex)).size;
  const folds = results.find((r) => r.fold !== null) ? (planned.find((p) => p.folds !== null)?.folds ?? null) : null;
  // Finalists in search order: the order `selectFinalists` gives the configurations that have runs.
  const parents = new Set(results.map((r) => r.parentNumber));
  const ordered = selectFinalists(searchTrials(store, study.id, trials), study.objectives, fspec, Number.MAX_SAFE_INTEGER).filter((f) => parents.has(f.number));
  for (const n of parents) if (!ordered.some((f) => f.number === n) && byNumber.has(n)) ordered.push(asFinalist(byNumber.get(n)!));
  // A promoted trial's energy_j includes its lower rungs: what the search spent on the configuration.
  const withEnergy = ordered.map((f) => {
    const t = byNumber.get(f.number);
    const e = t?.values.energy_j ?? t?.metrics.energy_j;
    return { ...f, energyJ: e !== undefined && Number.isFinite(e) ? e : null };
  });
  return summarizeFinalists({ objectives: study.objectives, spec: { ...fspec, seeds, folds }, finalists: withEnergy, planned, runs: results });
}

function asFinalist(t: TrialRecord): Finalist {
  return { number: t.number, params: t.params, values: t.values, budget: t.budget };
}
