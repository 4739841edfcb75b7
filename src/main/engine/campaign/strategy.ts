// Builds a study's sampler and scheduler from its spec. The GP needs more than its own options (the
// study's objectives and constraints), so it is built here rather than through the plain registry.
import { createSampler } from '../samplers/index.js';
import { createGpSampler } from '../samplers/gp/sampler.js';
import type { Sampler } from '../samplers/types.js';
import { createScheduler } from '../schedulers/index.js';
import type { Scheduler } from '../schedulers/types.js';
import type { SearchSpace } from '../study/space.js';
import type { StudySpec } from '../study/types.js';

export function createStrategy(spec: StudySpec, space: SearchSpace, log: (message: string) => void): { sampler: Sampler; scheduler: Scheduler } {
  const scheduler = createScheduler(spec.scheduler, spec.fidelity);
  const sampler =
    spec.sampler.type === 'gp'
      ? createGpSampler(spec.sampler, space, {
          objectives: spec.objectives,
          constraints: spec.constraints,
          onFallback: (reason) => log(`gp sampler fell back to quasi-random: ${reason}`),
        })
      : createSampler(spec.sampler, space);
  return { sampler, scheduler };
}
