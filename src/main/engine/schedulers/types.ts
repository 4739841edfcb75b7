// The Scheduler contract: early stopping on intermediate reports, and, for multi-fidelity schedulers
// (ASHA, Hyperband), which budget a new configuration starts with and which finished trial deserves a
// larger one. A scheduler keeps no hidden state beyond what it can rebuild from the trials it is shown
// (so a restarted engine agrees with the one that died).
import type { Objective } from '../../../shared/types.js';
import type { TrialView } from '../study/trial-view.js';

export interface SchedulerContext {
  objectives: readonly Objective[];
  /** All trials of the study, including the one reporting (with its new report already in `intermediate`). */
  trials: readonly TrialView[];
}

export type Decision = { action: 'continue' } | { action: 'prune'; reason: string };

/** Run the configuration of trial `parent` again with a larger `budget` (continuing from its checkpoint). */
export interface Promotion {
  parent: number;
  budget: number;
}

/** Where a trial's first objective is heading at the full budget: the mean and central 90% band. */
export interface FinalPrediction {
  mean: number;
  lo: number;
  hi: number;
  /** The step the prediction is for. */
  horizon: number;
}

export interface Scheduler {
  readonly name: string;
  /** Called after each intermediate report of the first objective. */
  onReport(ctx: SchedulerContext, trialNumber: number, step: number): Decision;
  /** Multi-fidelity only: a finished trial to continue with a larger budget, asked before any new configuration. */
  promote?(ctx: SchedulerContext): Promotion | null;
  /** Multi-fidelity only: the budget a new configuration starts with (default: the fidelity's max). */
  initialBudget?(ctx: SchedulerContext): number;
  /**
   * Stop-based multi-fidelity only: the steps at which trials are judged. A model-based sampler learns
   * from the trials' reports at these steps as it learns from promoted budgets (samplers/multi-fidelity.ts).
   */
  readonly rungSteps?: readonly number[];
  /**
   * Schedulers that extrapolate curves: the predicted final value of a trial from its reports so far (null
   * when it cannot tell). The API shows it for running trials; a model-based sampler learns it for stopped ones.
   */
  predictFinal?(ctx: SchedulerContext, trialNumber: number): FinalPrediction | null;
  /** A line for the user about a choice the scheduler made from the trials (once per choice), or null. */
  takeNote?(): string | null;
}
