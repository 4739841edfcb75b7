// Scheduler registry: turns the study's `scheduler:` section into a Scheduler. Other modules can plug in
// more types through `registerScheduler`.
import { readOptions } from '../study/options.js';
import { StudySpecError } from '../study/errors.js';
import type { FidelitySpec, SchedulerSpec } from '../study/types.js';
import { createAsha } from './asha.js';
import { createHyperband } from './hyperband.js';
import { MEDIAN_DEFAULTS, MedianStoppingScheduler } from './median.js';
import { NoneScheduler } from './none.js';
import { createPatience } from './patience.js';
import type { Scheduler } from './types.js';

/** Builds a scheduler from its options (already stripped of `type`); throws StudySpecError on bad options. */
export type SchedulerFactory = (options: Readonly<Record<string, unknown>>, fidelity: FidelitySpec | null) => Scheduler;

/** Types the study format names but this build does not ship yet. */
const PLANNED: string[] = [];

const factories = new Map<string, SchedulerFactory>([
  [
    'none',
    (options) => {
      readOptions('scheduler', 'none', options, {});
      return new NoneScheduler();
    },
  ],
  [
    'median',
    (options) => {
      const o = readOptions('scheduler', 'median', options, {
        n_startup_trials: {
          kind: 'int',
          min: 0,
          default: MEDIAN_DEFAULTS.n_startup_trials,
          description: 'completed trials before anything is pruned',
        },
        n_warmup_steps: { kind: 'int', min: 0, default: MEDIAN_DEFAULTS.n_warmup_steps, description: 'steps of each trial never pruned' },
      });
      return new MedianStoppingScheduler(o);
    },
  ],
  ['patience', (options) => createPatience(options)],
  ['asha', createAsha],
  ['hyperband', createHyperband],
]);

/** Adds (or replaces) a scheduler type, e.g. `registerScheduler('asha', (options, fidelity) => ...)`. */
export function registerScheduler(type: string, factory: SchedulerFactory): void {
  factories.set(type, factory);
}

/** The scheduler types this build can create. */
export function availableSchedulers(): string[] {
  return [...factories.keys()];
}

export function createScheduler(spec: SchedulerSpec, fidelity: FidelitySpec | null): Scheduler {
  const factory = factories.get(spec.type);
  if (!factory) {
    const available = availableSchedulers().join(', ');
    const message = PLANNED.includes(spec.type)
      ? `the ${spec.type} scheduler is not available in this version; available: ${available}`
      : `unknown scheduler "${spec.type}"; available: ${available}`;
    throw new StudySpecError(null, [{ path: 'scheduler.type', message }]);
  }
  return factory(spec.options, fidelity);
}
