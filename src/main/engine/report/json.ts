// The JSON shapes of the CLI and exports (src/shared/types.ts), built from store records.
import type { TrialProvenance } from '../../../shared/provenance.js';
import { STUDY_COST_METRICS, studyCost } from './study-cost.js';
import type { StudyExportJson, StudyListEntry, StudyShowJson, StudyState, TrialJson } from '../../../shared/types.js';
import { effectiveStudyState } from '../campaign/owner.js';
import { ENERGY_METRIC, EnergyLedger, OWN_ENERGY_METRIC, slimTrials } from '../lineage/index.js';
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
  const trials = summaryTrials(store, study.id);
  // Once finalists are validated, the validated winner is "best"; until then the search's best, where
  // finalist runs (re-runs with other seeds and overrides) never compete.
  const finalists = finalistsSummary(store, study, trials);
  const winner = finalists?.winner ?? null;
  const best = winner !== null ? trials.filter((t) => t.number === winner) : bestTrials(searchTrials(store, study.id, trials), study.objectives);
  const counts = splitCounts(store, study.id);
  const search = searchTrials(store, study.id, trials);
  const searchIds = new Set(search.map((t) => t.id));
  return {
    name: study.name,
    state: stateNow(study),
    objectives: study.objectives,
    counts: counts.search,
    // The best few trials' provenance, not the whole study's: every trial's decoded provenance (several KB
    // each) made \`run --json\` at the end of a 5,000-trial soak take ~20 MiB more than the campaign had.
    best: best.map((t) => trialJsonWith(store.getTrial(t.id) ?? t, store.provenance(t.id))),
    best_validated: winner !== null,
    finalist_counts: counts.finalists,
    finalists,
    energy: { search_j: measuredTotal(search), finalists_j: measuredTotal(trials.filter((t) => !searchIds.has(t.id))) },
    stop_reason: study.stopReason,
    cost: studyCost(trials),
    transfer_prior: transferPriorOf(store, study.id),
  };
}

/** The metrics the summary reads of a search trial: energy (the ledger, the finalists' cost) and the process cost. */
const SUMMARY_METRICS = [ENERGY_METRIC, OWN_ENERGY_METRIC, ...STUDY_COST_METRICS];

/**
 * The study's trials as the summary needs them: search trials with only the metrics above, finalist runs
 * (whose metrics the summary shows) whole, and `best` is read again in full. With every record whole at
 * once, `show --json` of the 5,076-trial soak database (engine heap flags) took 30 MiB of RSS over the
 * open store; this way 19 MiB, for the same output.
 */
function summaryTrials(store: StoreReader, studyId: number): TrialRecord[] {
  const finalists = store.finalistRuns(studyId);
  return slimTrials(store, studyId, SUMMARY_METRICS, (t) => finalists.has(t.id));
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
