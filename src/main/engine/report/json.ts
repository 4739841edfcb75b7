// The JSON shapes of the CLI and exports (src/shared/types.ts), built from store records.
import type { TrialProvenance } from '../../../shared/provenance.js';
import { STUDY_COST_METRICS, StudyCostTotals, studyCost } from './study-cost.js';
import type { StudyExportJson, StudyListEntry, StudyShowJson, StudyState, TrialJson } from '../../../shared/types.js';
import { effectiveStudyState } from '../campaign/owner.js';
import { EnergyLedger, EnergyTotal, slimTrialPages, slimTrials } from '../lineage/index.js';
import { STALE_LEASE_MS } from '../campaign/recovery.js';
import { transferPriorOf } from '../campaign/transfer-prior.js';
import { bestTrials } from '../study/pareto.js';
import { finalistsSummary, searchTrials, splitCounts } from '../finalists/stage.js';
import type { StoreReader, StudyRecord, TrialRecord } from '../storage/types.js';

/** A trial without its provenance (use `studyTrialsJson` or `store.provenance(id)` to include it). */
export function trialJson(t: TrialRecord): TrialJson {
  return trialJsonWith(t, null);
}

export function trialJsonWith(t: TrialRecord, provenance: TrialProvenance | null): TrialJson {
  return {
    number: t.number,
    state: t.state,
    params: t.params,
    values: t.values,
    metrics: t.metrics,
    started_at: t.startedAt,
    ended_at: t.endedAt,
    reason: t.reason,
    provenance,
  };
}

function withProvenance(store: StoreReader, studyId: number): (t: TrialRecord) => TrialJson {
  const prov = store.provenanceOfStudy(studyId);
  return (t) => trialJsonWith(t, prov.get(t.id) ?? null);
}

export function studyShowJson(store: StoreReader, study: StudyRecord): StudyShowJson {
  const found = store.finalistRuns(study.id).size > 0 ? withFinalists(store, study) : searchOnly(store, study);
  const counts = splitCounts(store, study.id);
  return {
    name: study.name,
    state: stateNow(study),
    objectives: study.objectives,
    counts: counts.search,
    // The best few trials whole, with their provenance (the rest was read with its cost metrics only, and
    // every trial's decoded provenance, several KB each, is not needed here).
    best: found.best.map((t) => trialJsonWith(store.getTrial(t.id) ?? t, store.provenance(t.id))),
    best_validated: (found.finalists?.winner ?? null) !== null,
    finalist_counts: counts.finalists,
    finalists: found.finalists,
    energy: found.energy,
    stop_reason: study.stopReason,
    cost: found.cost,
    transfer_prior: transferPriorOf(store, study.id),
  };
}

type Found = Pick<StudyShowJson, 'finalists' | 'energy' | 'cost'> & { best: TrialRecord[] };

/** The metrics the summary reads of a search trial: the process cost and energy (the finalists' energy too). */
const SUMMARY_METRICS = STUDY_COST_METRICS;

/**
 * A study without finalist runs, a page at a time: the best so far and running totals are all it holds.
 * With every trial record whole at once, `show --json` of the 5,076-trial soak database (engine heap flags)
 * took 30 MiB of RSS over the open store; this way 14 MiB, for the same output.
 */
function searchOnly(store: StoreReader, study: StudyRecord): Found {
  let best: TrialRecord[] = [];
  const energy = new EnergyTotal();
  const cost = new StudyCostTotals();
  for (const page of slimTrialPages(store, study.id, SUMMARY_METRICS)) {
    // The best of (the best so far and this page) is the best of everything read so far, ties to the earlier.
    best = bestTrials([...best, ...page], study.objectives);
    for (const t of page) {
      energy.add(t);
      cost.add(t);
    }
  }
  return { best, finalists: null, energy: { search_j: energy.measured ? energy.total : null, finalists_j: null }, cost: cost.result() };
}

/**
 * Once finalists are validated, the validated winner is "best"; until then the search's best, where
 * finalist runs (re-runs with other seeds and overrides) never compete. Ranking the finalists needs the
 * whole search, so every trial is held (search trials with their cost metrics only).
 */
function withFinalists(store: StoreReader, study: StudyRecord): Found {
  const runs = store.finalistRuns(study.id);
  const trials = slimTrials(store, study.id, SUMMARY_METRICS, (t) => runs.has(t.id));
  const finalists = finalistsSummary(store, study, trials);
  const winner = finalists?.winner ?? null;
  const search = searchTrials(store, study.id, trials);
  const best = winner !== null ? trials.filter((t) => t.number === winner) : bestTrials(search, study.objectives);
  const searchIds = new Set(search.map((t) => t.id));
  return {
    best,
    finalists,
    energy: { search_j: measuredTotal(search), finalists_j: measuredTotal(trials.filter((t) => !searchIds.has(t.id))) },
    cost: studyCost(trials),
  };
}

export function studyListJson(store: StoreReader): StudyListEntry[] {
  return store.listStudies().map((s) => ({ name: s.name, state: stateNow(s), created_at: s.createdAt, counts: store.counts(s.id) }));
}

export function studyExportJson(store: StoreReader, study: StudyRecord): StudyExportJson {
  return {
    study: {
      name: study.name,
      state: stateNow(study),
      created_at: study.createdAt,
      objectives: study.objectives,
      spec: study.spec,
      stop_reason: study.stopReason,
    },
    trials: store.trials(study.id).map(withProvenance(store, study.id)),
  };
}

function measuredTotal(trials: readonly TrialRecord[]): number | null {
  const ledger = new EnergyLedger(trials);
  return ledger.measured ? ledger.total() : null;
}

/** The study's state as it is now: `running` only while its engine's lease is alive. */
export function stateNow(study: StudyRecord): StudyState {
  return effectiveStudyState(study, STALE_LEASE_MS, Date.now());
}
