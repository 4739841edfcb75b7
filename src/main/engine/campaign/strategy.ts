// Builds a study's sampler and scheduler from its spec through the registries, and hands the study
// validator those registries (STRATEGIES), so what `parseStudySpec` accepts is exactly what starts here.
import type { Objective } from '../../../shared/types.js';
import { createSampler, samplers } from '../samplers/index.js';
import type { GpPrior } from '../samplers/gp/transfer.js';
import { withHighestRung } from '../samplers/multi-fidelity.js';
import type { Sampler } from '../samplers/types.js';
import { rungResults } from '../schedulers/arrivals.js';
import { createScheduler, schedulers } from '../schedulers/index.js';
import type { Scheduler } from '../schedulers/types.js';
import type { SearchSpace } from '../study/space.js';
import type { StrategyCatalog } from '../study/strategies.js';
import type { TrialView } from '../study/trial-view.js';
import type { StudySpec } from '../study/types.js';
import { withPredictedFinals } from './predicted-finals.js';

/** The sampler and scheduler registries, as the study validator sees them. */
export const STRATEGIES: StrategyCatalog = { sampler: samplers, scheduler: schedulers };

export function createStrategy(spec: StudySpec, space: SearchSpace, log: (message: string) => void, prior: GpPrior | null = null): { sampler: Sampler; scheduler: Scheduler } {
  const scheduler = createScheduler(spec.scheduler, spec.fidelity);
  const base = createSampler(spec.sampler, {
    space,
    objectives: spec.objectives,
    constraints: spec.constraints,
    fidelity: spec.fidelity,
    energyBudget: spec.budget.energy_j !== null,
    log,
    prior,
  });
  // With a multi-fidelity scheduler, a model-based sampler learns from the highest budget that has enough
  // results (the BOHB idea): mixing 2-epoch and 50-epoch scores would teach it the wrong landscape.
  const multiFidelity = spec.fidelity !== null && (scheduler.promote !== undefined || scheduler.rungSteps !== undefined);
  // Under stop-based successive halving the rung results are the scheduler's reading of the reports.
  const steps = scheduler.rungSteps;
  const rungs = steps ? { rungResults: (trials: readonly TrialView[], objectives: readonly Objective[]) => rungResults(trials, steps, objectives) } : {};
  const stack = spec.sampler.options.stack_rungs === true;
  // `joint_fidelity`: every rung in one model, the budget as its input (samplers/gp/budget-input.ts).
  const joint = spec.sampler.options.joint_fidelity === true && spec.fidelity ? { joint: { min: spec.fidelity.min, max: spec.fidelity.max } } : {};
  const sampler = multiFidelity && spec.sampler.type === 'gp' ? withHighestRung(base, { ...rungs, stack, ...joint }) : spec.sampler.type === 'gp' ? withPredictedFinals(base, scheduler, spec.objectives) : base;
  return { sampler, scheduler };
}
