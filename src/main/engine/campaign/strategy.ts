// Builds a study's sampler and scheduler from its spec. The GP needs more than its own options (the
// study's objectives and constraints), so it is built here rather than through the plain registry.
import { createSampler } from '../samplers/index.js';
import { createGpSampler } from '../samplers/gp/sampler.js';
import { offThread } from '../samplers/gp/threaded.js';
import { withHighestRung } from '../samplers/multi-fidelity.js';
import type { Sampler } from '../samplers/types.js';
import { createScheduler } from '../schedulers/index.js';
import type { Scheduler } from '../schedulers/types.js';
import type { SearchSpace } from '../study/space.js';
import type { StudySpec } from '../study/types.js';

export function createStrategy(spec: StudySpec, space: SearchSpace, log: (message: string) => void): { sampler: Sampler; scheduler: Scheduler } {
  const scheduler = createScheduler(spec.scheduler, spec.fidelity);
  const base =
    spec.sampler.type === 'gp'
      ? // Off the event loop that serves the window, HTTP, WebSocket pushes and the meter (threaded.ts).
        offThread(
          createGpSampler(spec.sampler, space, {
            objectives: spec.objectives,
            constraints: spec.constraints,
            onFallback: (reason) => log(`gp sampler fell back to quasi-random: ${reason}`),
            energyBudget: spec.budget.energy_j !== null,
            onCostFallback: (reason) => log(`gp sampler used plain expected improvement, not per joule: ${reason}`),
          }),
          { log },
        )
      : createSampler(spec.sampler, space);
  // With a multi-fidelity scheduler, a model-based sampler learns from the highest budget that has enough
  // results (the BOHB idea): mixing 2-epoch and 50-epoch scores would teach it the wrong landscape.
  const multiFidelity = spec.fidelity !== null && scheduler.promote !== undefined;
  const sampler = multiFidelity && spec.sampler.type === 'gp' ? withHighestRung(base) : base;
  return { sampler, scheduler };
}
