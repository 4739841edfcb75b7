// The in-memory picture of a study's trials that samplers and schedulers read. Loaded once from the
// store when a campaign starts, then kept current by the campaign itself (it is the only writer), so
// a report costs no query over the whole study.
import type { Objective } from '../../../shared/types.js';
import type { TrialView } from '../samplers/types.js';
import type { Store, TrialRecord } from '../storage/types.js';

export interface MutableTrialView extends TrialView {
  intermediate: Map<number, number>;
  progress: Map<number, { seq: number; values: Record<string, number> }>;
}

export class TrialViews {
  private readonly byNumber = new Map<number, MutableTrialView>();
  private readonly firstObjective: string;
  /** The order of the last report seen; live reports continue after the stored ones (only order matters). */
  private lastSeq = 0;

  private readonly objectives: readonly string[];

  /** `objectives`: the metric names whose reports schedulers read, the first one's also as `intermediate`. */
  constructor(objectives: string | readonly string[]) {
    this.objectives = typeof objectives === 'string' ? [objectives] : objectives;
    this.firstObjective = this.objectives[0]!;
  }

  static load(store: Store, studyId: number, objectives: readonly Objective[]): TrialViews {
    const views = new TrialViews(objectives.map((o) => o.metric));
    // One query per objective for every trial's intermediate values, not one per trial.
    const series = objectives.map((o) => ({ metric: o.metric, byTrial: store.metricSeries(studyId, o.metric) }));
    // Finalist runs validate what the search found; fed back, they would teach the sampler from re-runs.
    const finalists = store.finalistRuns(studyId);
    for (const t of store.trials(studyId)) {
      if (finalists.has(t.id)) continue;
      const v = views.upsert(t);
      for (const { metric, byTrial } of series) {
        for (const r of byTrial.get(t.id) ?? []) {
          if (metric === views.firstObjective) v.intermediate.set(r.step, r.value);
          // The metrics of one report are rows inserted together: the first row's order is the report's.
          const seq = r.seq ?? 0;
          const p = v.progress.get(r.step);
          if (p) {
            p.values[metric] = r.value;
            p.seq = Math.min(p.seq, seq);
          } else v.progress.set(r.step, { seq, values: { [metric]: r.value } });
          views.lastSeq = Math.max(views.lastSeq, seq);
        }
      }
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
      progress: existing?.progress ?? new Map(),
      budget: t.budget,
    };
    // Objectives win over a measured metric of the same name, as in the record itself; with no other metrics
    // the values object is shared rather than copied.
    if (finished) view.metrics = Object.keys(t.metrics).length === 0 ? t.values : { ...t.metrics, ...t.values };
    this.byNumber.set(t.number, view);
    return view;
  }

  report(number: number, step: number, metrics: Record<string, number>): void {
    const view = this.byNumber.get(number);
    if (!view) return;
    const x = metrics[this.firstObjective];
    if (x !== undefined) view.intermediate.set(step, x);
    const values: Record<string, number> = {};
    for (const m of this.objectives) if (metrics[m] !== undefined) values[m] = metrics[m];
    if (Object.keys(values).length === 0) return;
    // A step reported again keeps its first place in the order, as the stored row does (an upsert).
    const p = view.progress.get(step);
    if (p) Object.assign(p.values, values);
    else view.progress.set(step, { seq: ++this.lastSeq, values });
  }

  all(): TrialView[] {
    return [...this.byNumber.values()].sort((a, b) => a.number - b.number);
  }
}
