// The in-memory picture of a study's trials that samplers and schedulers read. Loaded once from the
// store when a campaign starts, then kept current by the campaign itself (it is the only writer), so
// a report costs no query over the whole study.
import type { Objective } from '../../../shared/types.js';
import type { TrialView } from '../samplers/types.js';
import type { Store, TrialRecord } from '../storage/types.js';
import { ENERGY_METRIC } from '../lineage/energy.js';
import { START_UP_METRICS } from '../schedulers/grace.js';
import { StepReports } from './step-reports.js';

/** The measured metrics a study's trial views must carry for its scheduler's options: energy, which the
 * cost-aware GP and the budgets read, and the start-up measurements `grace: auto` prices a rung with. */
export function viewMetricsFor(schedulerOptions: Readonly<Record<string, unknown>>): string[] {
  return [ENERGY_METRIC, ...(schedulerOptions.grace === 'auto' ? START_UP_METRICS : [])];
}

export interface MutableTrialView extends TrialView {
  intermediate: StepReports;
}

const LOAD_PAGE = 500;

export class TrialViews {
  private readonly byNumber = new Map<number, MutableTrialView>();
  /** The order of the last report seen; live reports continue after the stored ones (only order matters). */
  private lastSeq = 0;
  /** `all()`'s answer until the next upsert: schedulers ask for it at every report. */
  private sorted: TrialView[] | null = null;

  private readonly objectives: readonly string[];

  /**
   * `objectives`: the metric names whose reports schedulers read, the first one's also as `intermediate`.
   * `measured`: the final measured metrics each finished trial's view carries beside them (samplerMetrics).
   */
  constructor(
    objectives: string | readonly string[],
    private readonly measured: readonly string[] = [ENERGY_METRIC],
  ) {
    this.objectives = typeof objectives === 'string' ? [objectives] : objectives;
  }

  /**
   * The study's trials as views, read a page of trials at a time: the views are small (~700 bytes a trial)
   * but the records and report rows they come from are not (~3 KB a trial), and a whole 5,000-trial study
   * read at once left the engine's heap holding the peak long after the garbage went.
   */
  static load(store: Store, studyId: number, objectives: readonly Objective[], measured?: readonly string[]): TrialViews {
    const views = new TrialViews(
      objectives.map((o) => o.metric),
      measured,
    );
    // Finalist runs validate what the search found; fed back, they would teach the sampler from re-runs.
    const finalists = store.finalistRuns(studyId);
    const end = store.trialNumberEnd(studyId);
    for (let from = 0; from < end; from += LOAD_PAGE) {
      const numbers = { from, to: from + LOAD_PAGE };
      // One query per objective for the page's intermediate values, not one per trial.
      const series = objectives.map((o) => ({ metric: o.metric, byTrial: store.metricSeries(studyId, o.metric, numbers) }));
      for (const t of store.trials(studyId, numbers)) {
        if (finalists.has(t.id)) continue;
        const v = views.upsert(t);
        for (const { metric, byTrial } of series) {
          for (const r of byTrial.get(t.id) ?? []) {
            // The metrics of one report are rows inserted together: the first row's order is the report's.
            const seq = r.seq ?? 0;
            v.intermediate.record(r.step, seq, { [metric]: r.value });
            views.lastSeq = Math.max(views.lastSeq, seq);
          }
        }
      }
    }
    return views;
  }

  upsert(t: TrialRecord): MutableTrialView {
    const finished = t.state === 'complete' || t.state === 'pruned';
    const existing = this.byNumber.get(t.number);
    const reports = existing?.intermediate ?? new StepReports(this.objectives);
    const view: MutableTrialView = {
      number: t.number,
      state: t.state,
      params: t.params,
      values: finished && Object.keys(t.values).length > 0 ? t.values : null,
      intermediate: reports,
      progress: reports.progress,
      budget: t.budget,
      metrics: finished ? samplerMetrics(t, this.measured) : undefined,
    };
    this.byNumber.set(t.number, view);
    this.sorted = null;
    return view;
  }

  report(number: number, step: number, metrics: Record<string, number>): void {
    const view = this.byNumber.get(number);
    if (!view) return;
    // A step reported again keeps its first place in the order, as the stored row does (an upsert).
    const reports = view.intermediate;
    const known = reports.indexOf(step) >= 0;
    reports.record(step, this.lastSeq + 1, metrics);
    if (!known && reports.indexOf(step) >= 0) this.lastSeq += 1;
  }

  all(): readonly TrialView[] {
    this.sorted ??= [...this.byNumber.values()].sort((a, b) => a.number - b.number);
    return this.sorted;
  }
}

/**
 * The final metrics samplers and schedulers read: the objectives, and the `measured` metrics (the energy
 * that cost-aware acquisition divides by; with `grace: auto`, the start-up and duration it prices a start
 * with, ~60 bytes more per trial), not every measured metric: a merged copy of all of them cost ~600 bytes
 * per trial held all night. Objectives win over a measured metric of the same name, as in the record.
 */
function samplerMetrics(t: TrialRecord, measured: readonly string[]): Record<string, number> {
  let out: Record<string, number> | null = null;
  for (const m of measured) {
    const v = t.metrics[m];
    if (v === undefined || m in t.values) continue;
    out ??= { ...t.values };
    out[m] = v;
  }
  return out ?? t.values;
}
