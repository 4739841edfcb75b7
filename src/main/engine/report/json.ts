// The JSON shapes of the CLI and exports (src/shared/types.ts), built from store records.
import type { StudyExportJson, StudyListEntry, StudyShowJson, TrialJson } from '../../../shared/types.js';
import { bestTrials } from '../study/pareto.js';
import type { Store, StudyRecord, TrialRecord } from '../storage/types.js';

export function trialJson(t: TrialRecord): TrialJson {
  return {
    number: t.number,
    state: t.state,
    params: t.params,
    values: t.values,
    metrics: t.metrics,
    started_at: t.startedAt,
    ended_at: t.endedAt,
    reason: t.reason,
  };
}

export function studyShowJson(store: Store, study: StudyRecord): StudyShowJson {
  const trials = store.trials(study.id);
  return {
    name: study.name,
    state: study.state,
    objectives: study.objectives,
    counts: store.counts(study.id),
    best: bestTrials(trials, study.objectives).map(trialJson),
    stop_reason: study.stopReason,
  };
}

export function studyListJson(store: Store): StudyListEntry[] {
  return store.listStudies().map((s) => ({ name: s.name, state: s.state, created_at: s.createdAt, counts: store.counts(s.id) }));
}

export function studyExportJson(store: Store, study: StudyRecord): StudyExportJson {
  return {
    study: {
      name: study.name,
      state: study.state,
      created_at: study.createdAt,
      objectives: study.objectives,
      spec: study.spec,
      stop_reason: study.stopReason,
    },
    trials: store.trials(study.id).map(trialJson),
  };
}
