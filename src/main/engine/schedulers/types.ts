// The Scheduler contract: early stopping on intermediate reports. One method decides; it keeps no
// hidden state beyond what it can rebuild from the trials it is shown (so a restarted engine agrees).
import type { Objective } from '../../../shared/types.js';
import type { TrialView } from '../samplers/types.js';

export interface SchedulerContext {
  objectives: readonly Objective[];
  /** All trials of the study, including the one reporting (with its new report already in `intermediate`). */
  trials: readonly TrialView[];
}

export type Decision = { action: 'continue' } | { action: 'prune'; reason: string };

export interface Scheduler {
  readonly name: string;
  /** Called after each intermediate report of the first objective. */
  onReport(ctx: SchedulerContext, trialNumber: number, step: number): Decision;
}
