// The in-memory picture of a study's trials that samplers and schedulers read. Loaded once from the
// store when a campaign starts, then kept current by the campaign itself (it is the only writer), so
// a report costs no query over the whole study.
import type { Objective } from '../../../shared/types.js';
import type { TrialView } from '../samplers/types.js';
import type { Store, TrialRecord } from '../storage/types.js';

export interface MutableTrialView extends TrialView {
  intermediate: Map<number, number>;
}

export class TrialViews {
  private readonly byNumber = new Map<number, MutableTrialView>();

  constructor(private readonly firstObjective: string) {}

  static load(store: Store, studyId: number, objectives: readonly Objective[]): TrialViews {
    const views = new TrialViews(objectives[0]!.metric);
    // One query for every trial's intermediate values, not one per trial.
    const series = store.metricSeries(studyId, views.firstObjective);
    // Finalist runs validate what the search found; fed back, they would teach the sampler from re-runs.
    const finalists = store.finalistRuns(studyId);
    for (const t of store.trials(studyId)) {
      if (finalists.has(t.id)) continue;
      const v = views.upsert(t);
      for (const r of series.get(t.id) ?? []) v.intermediate.set(r.step, r.value);
    }
    return views;
  }

  upsert(t: TrialRecord): MutableTrialView {
    const finished = t.state === 'complete' || t.state === 'pruned';
    const existing = this.byNumber.get(t.number);
    const view: MutableTrialView = {
      number: t.number,
      state: t.state,
      params: t.params,
      values: finished && Object.keys(t.values).length > 0 ? t.values : null,
      intermediate: existing?.intermediate ?? new Map(),
      budget: t.budget,
    };
    // Objectives win over a measured metric of the same name, as in the record itself; with no other metrics
    // the values object is shared rather than copied.
    if (finished) view.metrics = Object.keys(t.metrics).length === 0 ? t.values : { ...t.metrics, ...t.values };
    this.byNumber.set(t.number, view);
    return view;
  }

  report(number: number, step: number, metrics: Record<string, number>): void {
    const x = metrics[this.firstObjective];
    if (x !== undefined) this.byNumber.get(number)?.intermediate.set(step, x);
  }

  all(): TrialView[] {
    return [...this.byNumber.values()].sort((a, b) => a.number - b.number);
  }
}
