// The default scheduler: every trial runs to the end of its budget.
import type { Decision, Scheduler, SchedulerContext } from './types.js';

export class NoneScheduler implements Scheduler {
  readonly name = 'none';

  onReport(_ctx: SchedulerContext, _trialNumber: number, _step: number): Decision {
    return { action: 'continue' };
  }
}
