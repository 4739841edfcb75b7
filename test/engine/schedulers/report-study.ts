// A study built report by report, as the engine sees it, for the stop- and pause-based schedulers' tests.
import type { TrialState } from '../../../src/shared/types.js';
import type { TrialView } from '../../../src/main/engine/samplers/types.js';

/**
 * A study built report by report, as the engine sees it: each `report` gets the next place in the study's
 * order of arrival, like the store's insertion order.
 */
export class Study {
  readonly trials: TrialView[] = [];
  private seq = 0;

  constructor(private readonly budget = 9) {}

  start(x: number, state: TrialState = 'running'): number {
    const number = this.trials.length;
    this.trials.push({ number, state, params: { x }, values: null, intermediate: new Map(), progress: new Map(), budget: this.budget });
    return number;
  }

  report(number: number, step: number, values: Record<string, number>): void {
    const t = this.trials[number]!;
    (t.progress as Map<number, { seq: number; values: Record<string, number> }>).set(step, { seq: ++this.seq, values });
    const first = Object.values(values)[0];
    if (first !== undefined) (t.intermediate as Map<number, number>).set(step, first);
  }

  end(number: number, state: TrialState): void {
    const t = this.trials[number]!;
    this.trials[number] = { ...t, state, values: state === 'complete' || state === 'pruned' ? Object.fromEntries([...t.progress!.values()].flatMap((r) => Object.entries(r.values))) : null };
  }
}

