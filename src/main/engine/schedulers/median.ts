// Median stopping rule (Golovin et al., "Google Vizier", KDD 2017, sec. 3.2.2; Optuna's MedianPruner):
// stop a trial at step s when its best intermediate value so far is worse than the median of the
// completed trials' values at step s. Only completed trials form the reference, as in both sources:
// running trials would make the decision depend on timing, and pruned ones stop early by construction,
// so their last value carried forward would drag the median toward the bad end.
//
// Multi-objective studies are never pruned: one intermediate curve (the first objective's) cannot say
// that a trial is worse on a Pareto front where it may win on another objective.
import type { Direction, Objective } from '../../../shared/types.js';
import type { TrialView } from '../study/trial-view.js';
import type { Decision, Scheduler, SchedulerContext } from './types.js';

export interface MedianOptions {
  /** Completed trials needed before anything is pruned. */
  n_startup_trials: number;
  /** Steps below this are never pruned (a trial's first epochs are noisy). */
  n_warmup_steps: number;
}

export const MEDIAN_DEFAULTS: MedianOptions = { n_startup_trials: 5, n_warmup_steps: 0 };

export class MedianStoppingScheduler implements Scheduler {
  readonly name = 'median';

  constructor(readonly options: MedianOptions = MEDIAN_DEFAULTS) {}

  onReport(ctx: SchedulerContext, trialNumber: number, step: number): Decision {
    const objective: Objective | undefined = ctx.objectives[0];
    if (!objective || ctx.objectives.length > 1) return CONTINUE;
    if (step < this.options.n_warmup_steps) return CONTINUE;
    const trial = ctx.trials.find((t) => t.number === trialNumber);
    if (!trial) return CONTINUE;

    const completed = ctx.trials.filter((t) => t.state === 'complete' && t.number !== trialNumber);
    if (completed.length < this.options.n_startup_trials) return CONTINUE;

    const direction = objective.direction;
    const best = bestUpTo(trial.intermediate, step, direction);
    if (best === null) return CONTINUE;
    const reference: number[] = [];
    for (const t of completed) {
      const v = valueAt(t, step);
      if (v !== null) reference.push(v);
    }
    if (reference.length === 0) return CONTINUE;
    const m = median(reference);
    const worse = direction === 'maximize' ? best < m : best > m;
    if (!worse) return CONTINUE;
    return {
      action: 'prune',
      reason:
        `median stopping at step ${step}: best ${objective.metric} so far ${best} is worse than the median ${m} ` +
        `of ${reference.length} completed trials (${direction})`,
    };
  }
}

const CONTINUE: Decision = { action: 'continue' };

/** The trial's best finite value over steps <= `step`. */
function bestUpTo(intermediate: ReadonlyMap<number, number>, step: number, direction: Direction): number | null {
  let best: number | null = null;
  for (const [s, v] of intermediate) {
    if (s > step || !Number.isFinite(v)) continue;
    if (best === null || (direction === 'maximize' ? v > best : v < best)) best = v;
  }
  return best;
}

/** The trial's value at the largest reported step <= `step` (trials may report at different steps). */
function valueAt(trial: TrialView, step: number): number | null {
  let at = -Infinity;
  let value: number | null = null;
  for (const [s, v] of trial.intermediate) {
    if (s <= step && s > at && Number.isFinite(v)) {
      at = s;
      value = v;
    }
  }
  return value;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
