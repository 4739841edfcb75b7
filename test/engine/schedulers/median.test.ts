import { describe, expect, it } from 'vitest';
import type { Direction, Objective } from '../../../src/shared/types.js';
import type { TrialView } from '../../../src/main/engine/samplers/types.js';
import { createScheduler } from '../../../src/main/engine/schedulers/index.js';
import { MedianStoppingScheduler } from '../../../src/main/engine/schedulers/median.js';
import type { Decision } from '../../../src/main/engine/schedulers/types.js';
import { schedulerContract } from './scheduler-contract.js';
import { curveTrial, runningUpTo } from './trials.js';

const median = (options: Record<string, unknown> = {}) => createScheduler({ type: 'median', options }, null);

schedulerContract('median', {
  make: () => median(),
  withWarmup: (n_startup_trials, n_warmup_steps) => median({ n_startup_trials, n_warmup_steps }),
});

const obj = (direction: Direction): Objective[] => [{ metric: 'acc', direction }];

/** Five completed trials with flat curves 0.5 .. 0.9 (median 0.7 at every step); negated for minimize. */
function completedFive(direction: Direction): TrialView[] {
  const sign = direction === 'maximize' ? 1 : -1;
  return [0.5, 0.6, 0.7, 0.8, 0.9].map((v, n) => curveTrial(n, 'complete', Array(6).fill(sign * v)));
}

function decide(trials: TrialView[], direction: Direction, trialNumber: number, step: number, options = {}): Decision {
  return median(options).onReport({ objectives: obj(direction), trials }, trialNumber, step);
}

describe('MedianStoppingScheduler', () => {
  for (const direction of ['maximize', 'minimize'] as const) {
    const sign = direction === 'maximize' ? 1 : -1;
    describe(direction, () => {
      it('prunes a trial whose best value so far is worse than the median of completed trials at that step', () => {
        const trials = [...completedFive(direction), runningUpTo(5, [sign * 0.65, sign * 0.6], 1)];
        const d = decide(trials, direction, 5, 1);
        expect(d.action).toBe('prune');
        expect(d.action === 'prune' && d.reason).toMatch(/median stopping at step 1: best acc so far -?0\.65 is worse than the median -?0\.7 of 5 completed trials/);
      });

      it('lets a trial at or above the median continue', () => {
        expect(decide([...completedFive(direction), runningUpTo(5, [sign * 0.75], 0)], direction, 5, 0).action).toBe('continue');
        expect(decide([...completedFive(direction), runningUpTo(5, [sign * 0.7], 0)], direction, 5, 0).action).toBe('continue');
      });

      it('judges by the best value so far, not the latest', () => {
        const trials = [...completedFive(direction), runningUpTo(5, [sign * 0.85, sign * 0.1, sign * 0.1], 2)];
        expect(decide(trials, direction, 5, 2).action).toBe('continue');
      });
    });
  }

  it('compares against each completed trial at its largest reported step <= s', () => {
    // Completed trials report at steps 2, 4, 6 only: 0.5 at step 4, 0.9 at step 6.
    const trials = [0, 1, 2, 3, 4].map((n) => curveTrial(n, 'complete', [[2, 0.4], [4, 0.5], [6, 0.9]] as const));
    trials.push(curveTrial(5, 'running', [[5, 0.7]] as const));
    expect(decide(trials, 'maximize', 5, 5).action).toBe('continue'); // median at step 5 is 0.5 (from step 4)
    trials[5] = curveTrial(5, 'running', [[5, 0.7], [6, 0.7]] as const);
    expect(decide(trials, 'maximize', 5, 6).action).toBe('prune'); // median at step 6 is 0.9
    trials[5] = curveTrial(5, 'running', [[1, -100]] as const);
    expect(decide(trials, 'maximize', 5, 1).action).toBe('continue'); // nobody had reported by step 1
  });

  it('uses only completed trials as the reference (pruned, failed and running ones do not move the median)', () => {
    const others = Array.from({ length: 10 }, (_, i) => curveTrial(6 + i, i % 3 === 0 ? 'pruned' : i % 3 === 1 ? 'failed' : 'running', [0.1, 0.1]));
    const trials = [...completedFive('maximize'), runningUpTo(5, [0.6, 0.6], 1), ...others];
    expect(decide(trials, 'maximize', 5, 1).action).toBe('prune');
  });

  it('waits for n_startup_trials completed trials (default 5)', () => {
    const five = completedFive('maximize');
    const four = [...five.slice(0, 4), runningUpTo(5, [0.1], 0)];
    expect(decide(four, 'maximize', 5, 0).action).toBe('continue');
    expect(decide([...five, runningUpTo(5, [0.1], 0)], 'maximize', 5, 0).action).toBe('prune');
    expect(decide(four, 'maximize', 5, 0, { n_startup_trials: 4 }).action).toBe('prune');
  });

  it('waits n_warmup_steps steps', () => {
    const trials = [...completedFive('maximize'), runningUpTo(5, [0.1, 0.1, 0.1, 0.1], 3)];
    expect(decide(trials, 'maximize', 5, 2, { n_warmup_steps: 3 }).action).toBe('continue');
    expect(decide(trials, 'maximize', 5, 3, { n_warmup_steps: 3 }).action).toBe('prune');
  });

  it('never prunes in a multi-objective study', () => {
    const trials = [...completedFive('maximize'), runningUpTo(5, [0.1, 0.1], 1)];
    const objectives: Objective[] = [...obj('maximize'), { metric: 'energy_j', direction: 'minimize' }];
    expect(new MedianStoppingScheduler().onReport({ objectives, trials }, 5, 1)).toEqual({ action: 'continue' });
    expect(new MedianStoppingScheduler().onReport({ objectives: obj('maximize'), trials }, 5, 1).action).toBe('prune');
  });
});
