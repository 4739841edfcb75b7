// The scheduler registry: one entry `{validate, create}` per type (study/strategies.ts). The study
// validator calls `validate` with the study's fidelity, the campaign `create`, both through one reading of
// the options, so a scheduler that validates is a scheduler that starts.
import { readOptions } from '../study/strategy-options.js';
import { StrategyRegistry, strategyEntry, type StrategyEntry } from '../study/strategies.js';
import type { FidelitySpec, SchedulerSpec } from '../study/types.js';
import { AshaScheduler, readRungOptions } from './asha.js';
import { CurveScheduler, readCurveOptions } from './curve.js';
import { HyperbandScheduler } from './hyperband.js';
import { MEDIAN_DEFAULTS, MedianStoppingScheduler } from './median.js';
import { NoneScheduler } from './none.js';
import { PausingAshaScheduler, PausingHyperbandScheduler } from './pausing.js';
import { PatienceScheduler, readPatienceOptions } from './patience.js';
import { StoppingAshaScheduler, StoppingHyperbandScheduler } from './stopping.js';
import type { Scheduler } from './types.js';

/** What a scheduler is checked against and built with. */
export interface SchedulerSetup {
  fidelity: FidelitySpec | null;
}

export type SchedulerEntry = StrategyEntry<Scheduler, SchedulerSetup, SchedulerSetup>;

export const schedulers = new StrategyRegistry<Scheduler, SchedulerSetup, SchedulerSetup>('scheduler');

schedulers.register(
  'none',
  strategyEntry(
    (options) => readOptions('scheduler', 'none', options, {}),
    () => new NoneScheduler(),
  ),
);

schedulers.register(
  'median',
  strategyEntry(
    (options) =>
      readOptions('scheduler', 'median', options, {
        n_startup_trials: { kind: 'int', min: 0, default: MEDIAN_DEFAULTS.n_startup_trials, description: 'completed trials before anything is pruned' },
        n_warmup_steps: { kind: 'int', min: 0, default: MEDIAN_DEFAULTS.n_warmup_steps, description: 'steps of each trial never pruned' },
      }),
    (o) => new MedianStoppingScheduler(o),
  ),
);

schedulers.register(
  'patience',
  strategyEntry(readPatienceOptions, (o) => new PatienceScheduler(o)),
);

schedulers.register(
  'asha',
  strategyEntry(
    (options, setup: SchedulerSetup) => readRungOptions('asha', options, setup.fidelity),
    (o) =>
      o.mode === 'stop'
        ? new StoppingAshaScheduler(o.fidelity, o.eta, o.grace)
        : o.mode === 'pause'
          ? new PausingAshaScheduler(o.fidelity, o.eta, o.maxPaused)
          : new AshaScheduler(o.fidelity, o.eta),
  ),
);

schedulers.register(
  'hyperband',
  strategyEntry(
    (options, setup: SchedulerSetup) => readRungOptions('hyperband', options, setup.fidelity),
    (o) =>
      o.mode === 'stop'
        ? new StoppingHyperbandScheduler(o.fidelity, o.eta, o.grace)
        : o.mode === 'pause'
          ? new PausingHyperbandScheduler(o.fidelity, o.eta, o.maxPaused)
          : new HyperbandScheduler(o.fidelity, o.eta),
  ),
);

schedulers.register(
  'curve',
  strategyEntry(
    (options, setup: SchedulerSetup) => readCurveOptions(options, setup.fidelity),
    ({ fidelity, ...o }) => new CurveScheduler(o, fidelity),
  ),
);

/** Builds the study's scheduler; throws StudySpecError (`scheduler.*`) for what validation would have refused. */
export function createScheduler(spec: SchedulerSpec, fidelity: FidelitySpec | null): Scheduler {
  return schedulers.create(spec, { fidelity });
}
