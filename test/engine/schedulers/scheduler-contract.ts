// The contract every Scheduler must meet. Each scheduler's test file calls `schedulerContract`; ASHA and
// Hyperband get the same checks by adding one call.
import { describe, expect, it } from 'vitest';
import type { Direction, Objective, TrialState } from '../../../src/shared/types.js';
import { Rng } from '../../../src/main/engine/samplers/rng.js';
import type { TrialView } from '../../../src/main/engine/samplers/types.js';
import type { Decision, Scheduler, SchedulerContext } from '../../../src/main/engine/schedulers/types.js';
import { curveTrial, runningUpTo } from './trials.js';

export interface SchedulerContractOptions {
  /** Builds the scheduler with the default options. */
  make: () => Scheduler;
  /** Builds it with a startup/warmup setting, for schedulers that have one. */
  withWarmup?: (startupTrials: number, warmupSteps: number) => Scheduler;
}

const objectives = (direction: Direction): Objective[] => [{ metric: 'acc', direction }];

function randomStudy(seed: number, completed: number): TrialView[] {
  const rng = new Rng(seed);
  const states: TrialState[] = ['complete', 'pruned', 'failed', 'running'];
  return Array.from({ length: completed + 6 }, (_, n) => {
    const state = n < completed ? 'complete' : states[rng.int(states.length)]!;
    const length = 1 + rng.int(10);
    let v = rng.uniform();
    return curveTrial(n, state, Array.from({ length }, () => (v += 0.1 * rng.normal())));
  });
}

function isDecision(d: Decision): boolean {
  return d.action === 'continue' || (d.action === 'prune' && typeof d.reason === 'string' && d.reason.length > 0);
}

export function schedulerContract(label: string, options: SchedulerContractOptions): void {
  describe(`Scheduler contract: ${label}`, () => {
    it('lets the first trial of a study run, however bad its values', () => {
      for (const direction of ['maximize', 'minimize'] as const) {
        const bad = direction === 'maximize' ? -1e9 : 1e9;
        const s = options.make();
        for (let step = 0; step < 20; step++) {
          const ctx: SchedulerContext = { objectives: objectives(direction), trials: [runningUpTo(0, Array(20).fill(bad), step)] };
          expect(s.onReport(ctx, 0, step)).toEqual({ action: 'continue' });
        }
      }
    });

    it('lets a trial it is not shown continue', () => {
      const ctx: SchedulerContext = { objectives: objectives('maximize'), trials: randomStudy(1, 10) };
      expect(options.make().onReport(ctx, 999, 3)).toEqual({ action: 'continue' });
    });

    it('is deterministic: the same trials give the same decision, from this instance or a fresh one', () => {
      for (const direction of ['maximize', 'minimize'] as const) {
        for (let seed = 0; seed < 10; seed++) {
          const study = randomStudy(seed, 8);
          const a = options.make();
          const decisions = study.flatMap((t) =>
            [...t.intermediate.keys()].map((step) => a.onReport({ objectives: objectives(direction), trials: study }, t.number, step)),
          );
          // Asked again in another order, by a fresh instance: no hidden state may change the answers.
          const b = options.make();
          const again = study
            .flatMap((t) => [...t.intermediate.keys()].map((step) => ({ t, step })))
            .reverse()
            .map(({ t, step }) => b.onReport({ objectives: objectives(direction), trials: study }, t.number, step))
            .reverse();
          expect(again).toEqual(decisions);
          for (const d of decisions) expect(isDecision(d)).toBe(true);
        }
      }
    });

    if (options.withWarmup) {
      const withWarmup = options.withWarmup;
      it('never prunes before its startup trials have completed', () => {
        const good = [0.9, 0.9, 0.9, 0.9, 0.9, 0.9];
        const trials = [curveTrial(0, 'complete', good), curveTrial(1, 'complete', good), runningUpTo(2, [0, 0, 0, 0, 0, 0], 5)];
        const s = withWarmup(3, 0);
        for (let step = 0; step <= 5; step++) {
          expect(s.onReport({ objectives: objectives('maximize'), trials }, 2, step)).toEqual({ action: 'continue' });
        }
      });

      it('never prunes during the warmup steps', () => {
        const good = [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9];
        const trials = [0, 1, 2, 3].map((n) => curveTrial(n, 'complete', good));
        const s = withWarmup(0, 4);
        for (let step = 0; step < 4; step++) {
          trials[4] = runningUpTo(4, [0, 0, 0, 0, 0, 0, 0, 0], step);
          expect(s.onReport({ objectives: objectives('maximize'), trials }, 4, step)).toEqual({ action: 'continue' });
        }
      });
    }
  });
}
