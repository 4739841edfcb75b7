// Patience: stop a trial whose curve has stalled, judged on the trial alone (no other trial needed, so it
// works from the first trial on). The rule is Optuna's PatientPruner (without a wrapped pruner): at each
// report, compare the best of the last `patience` + 1 reports with the best before them; stop when the
// recent best falls short of the earlier best plus `min_delta` (in the objective's direction). With the
// default min_delta 0 a flat curve runs on; staying below its earlier best for patience + 1 reports stops it.
//
// Multi-objective studies are never stopped (as in median.ts: one curve cannot judge a Pareto trade-off).
import type { TrialView } from '../study/trial-view.js';
import { readOptions } from '../study/strategy-options.js';
import type { Decision, Scheduler, SchedulerContext } from './types.js';

export interface PatienceOptions {
  /** Reports without improvement that are tolerated. */
  patience: number;
  /** The improvement that counts, in the objective's units. */
  min_delta: number;
}

export const PATIENCE_DEFAULTS: PatienceOptions = { patience: 5, min_delta: 0 };

export class PatienceScheduler implements Scheduler {
  readonly name = 'patience';

  constructor(readonly options: PatienceOptions = PATIENCE_DEFAULTS) {}

  onReport(ctx: SchedulerContext, trialNumber: number, step: number): Decision {
    const objective = ctx.objectives[0];
    if (!objective || ctx.objectives.length > 1) return CONTINUE;
    const trial = ctx.trials.find((t) => t.number === trialNumber);
    if (!trial) return CONTINUE;
    const values = curveUpTo(trial, step);
    const { patience, min_delta } = this.options;
    if (values.length <= patience + 1) return CONTINUE;
    const split = values.length - patience - 1;
    const sign = objective.direction === 'maximize' ? 1 : -1;
    let before = -Infinity;
    let recent = -Infinity;
    values.forEach((v, i) => {
      if (i < split) before = Math.max(before, sign * v);
      else recent = Math.max(recent, sign * v);
    });
    if (recent >= before + min_delta) return CONTINUE;
    const fmt = (x: number): string => String(sign * x);
    return {
      action: 'prune',
      reason:
        `patience at step ${step}: best ${objective.metric} of the last ${patience + 1} reports (${fmt(recent)}) ` +
        `did not improve on the earlier best ${fmt(before)} by at least ${min_delta} (${objective.direction})`,
    };
  }
}

const CONTINUE: Decision = { action: 'continue' };

/** The trial's finite values at steps <= `step`, in step order. */
function curveUpTo(trial: TrialView, step: number): number[] {
  return [...trial.intermediate]
    .filter(([s, v]) => s <= step && Number.isFinite(v))
    .sort((a, b) => a[0] - b[0])
    .map(([, v]) => v);
}

export function readPatienceOptions(options: Readonly<Record<string, unknown>>): PatienceOptions {
  return readOptions('scheduler', 'patience', options, {
    patience: { kind: 'int', min: 0, default: PATIENCE_DEFAULTS.patience, description: 'reports without improvement before a trial is stopped' },
    min_delta: { kind: 'number', min: 0, default: PATIENCE_DEFAULTS.min_delta, description: 'the smallest change that counts as an improvement' },
  });
}
