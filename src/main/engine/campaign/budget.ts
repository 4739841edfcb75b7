// Budgets: when to stop launching trials, and when to stop the ones running.
import type { StateCounts } from '../../../shared/types.js';
import type { BudgetSpec } from '../study/types.js';

export interface BudgetClock {
  /** When this run started (wall_time counts per run: a resumed campaign gets a fresh allowance). */
  startedAt: number;
  /** Resolved deadline, if any. */
  deadline: number | null;
}

/** Trials that used up an evaluation. Stopped ones don't: they are re-queued or were cut by the user. */
export function evaluated(c: StateCounts): number {
  return c.complete + c.pruned + c.failed;
}

/** A reason to stop everything now (running trials included), or null. */
export function timeUp(budget: BudgetSpec, clock: BudgetClock, now: number): string | null {
  if (budget.wall_time_s !== null && now - clock.startedAt >= budget.wall_time_s * 1000) {
    return `budget: wall time of ${formatSeconds(budget.wall_time_s)} used`;
  }
  if (clock.deadline !== null && now >= clock.deadline) {
    return `budget: deadline ${new Date(clock.deadline).toISOString()} reached`;
  }
  return null;
}

/** A reason not to launch another trial, or null. */
export function trialsUsedUp(budget: BudgetSpec, counts: StateCounts): string | null {
  if (budget.trials !== null && evaluated(counts) + counts.running >= budget.trials) {
    return `budget: ${budget.trials} trials done`;
  }
  return null;
}

export function formatSeconds(s: number): string {
  if (s >= 3600) return `${+(s / 3600).toFixed(2)}h`;
  if (s >= 60) return `${+(s / 60).toFixed(2)}m`;
  return `${+s.toFixed(2)}s`;
}

/** When every one of the first N evaluations failed, the trainer is broken: don't burn the night on it. */
const FAIL_FAST_AFTER = 10;

/** Why the study should stop because its trainer is broken, or null; `lastFailure` is read only then. */
export function brokenTrainer(counts: StateCounts, lastFailure: () => string | null): string | null {
  if (evaluated(counts) < FAIL_FAST_AFTER || counts.complete + counts.pruned > 0) return null;
  return `the first ${FAIL_FAST_AFTER} trials all failed (last: ${lastFailure() ?? 'unknown'}); fix the trainer and run again`;
}
