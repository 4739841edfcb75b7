import { describe, expect, it } from 'vitest';
import { NoneScheduler } from '../../../src/main/engine/schedulers/none.js';
import { schedulerContract } from './scheduler-contract.js';
import { curveTrial, runningUpTo } from './trials.js';

schedulerContract('none', { make: () => new NoneScheduler(), withWarmup: () => new NoneScheduler() });

describe('NoneScheduler', () => {
  it('never prunes, even a trial far worse than every completed one', () => {
    const trials = [0, 1, 2, 3, 4, 5].map((n) => curveTrial(n, 'complete', [0.9, 0.95, 0.99]));
    trials.push(runningUpTo(6, [0, 0, 0], 2));
    for (let step = 0; step <= 2; step++) {
      expect(new NoneScheduler().onReport({ objectives: [{ metric: 'acc', direction: 'maximize' }], trials }, 6, step)).toEqual({
        action: 'continue',
      });
    }
  });
});
