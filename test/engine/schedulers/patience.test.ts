import { describe, expect, it } from 'vitest';
import type { Direction, Objective } from '../../../src/shared/types.js';
import { createScheduler } from '../../../src/main/engine/schedulers/index.js';
import type { Decision } from '../../../src/main/engine/schedulers/types.js';
import { schedulerContract } from './scheduler-contract.js';
import { curveTrial, runningUpTo } from './trials.js';

const patience = (options: Record<string, unknown> = {}) => createScheduler({ type: 'patience', options }, null);
const obj = (direction: Direction): Objective[] => [{ metric: 'acc', direction }];

schedulerContract('patience', { make: () => patience() });

/** Decisions at every step of one trial's curve, as the engine asks them. */
function decisions(curve: number[], direction: Direction, options: Record<string, unknown>): Decision['action'][] {
  const s = patience(options);
  return curve.map((_, step) => s.onReport({ objectives: obj(direction), trials: [runningUpTo(0, curve, step)] }, 0, step).action);
}

describe('PatienceScheduler', () => {
  for (const direction of ['maximize', 'minimize'] as const) {
    const sign = direction === 'maximize' ? 1 : -1;
    it(`stops a trial once patience + 1 reports stay below its earlier best (${direction})`, () => {
      // Best 0.8 at step 2, then 0.7s: with patience 2 the window of 3 reports after step 2 is full at step 5.
      const curve = [0.5, 0.6, 0.8, 0.7, 0.7, 0.7, 0.7].map((v) => sign * v);
      expect(decisions(curve, direction, { patience: 2 })).toEqual(['continue', 'continue', 'continue', 'continue', 'continue', 'prune', 'prune']);
    });

    it(`lets an improving or flat curve run (${direction})`, () => {
      expect(decisions([0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map((v) => sign * v), direction, { patience: 1 })).not.toContain('prune');
      expect(decisions([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], direction, { patience: 1 })).not.toContain('prune');
    });

    it(`stops a curve that improves by less than min_delta (${direction})`, () => {
      const curve = [0.5, 0.5001, 0.5002, 0.5003, 0.5004].map((v) => sign * v);
      expect(decisions(curve, direction, { patience: 1, min_delta: 0.01 })).toEqual(['continue', 'continue', 'prune', 'prune', 'prune']);
      expect(decisions(curve, direction, { patience: 1 })).not.toContain('prune');
    });
  }

  it('explains the stop with the values it compared', () => {
    const d = patience({ patience: 1 }).onReport({ objectives: obj('maximize'), trials: [runningUpTo(0, [0.9, 0.5, 0.4], 2)] }, 0, 2);
    expect(d).toEqual({
      action: 'prune',
      reason: 'patience at step 2: best acc of the last 2 reports (0.5) did not improve on the earlier best 0.9 by at least 0 (maximize)',
    });
  });

  it('judges only the reports up to the step asked about, in step order', () => {
    const t = curveTrial(0, 'running', [
      [10, 0.9],
      [1, 0.1],
      [5, 0.5],
    ]);
    const s = patience({ patience: 1 });
    expect(s.onReport({ objectives: obj('maximize'), trials: [t] }, 0, 5).action).toBe('continue');
    expect(s.onReport({ objectives: obj('maximize'), trials: [t] }, 0, 10).action).toBe('continue');
  });

  it('never stops a multi-objective trial', () => {
    const two: Objective[] = [...obj('maximize'), { metric: 'energy', direction: 'minimize' }];
    const d = patience({ patience: 0 }).onReport({ objectives: two, trials: [runningUpTo(0, [0.9, 0.1, 0.1], 2)] }, 0, 2);
    expect(d.action).toBe('continue');
  });

  it('validates patience and min_delta at their paths, reporting every problem at once', () => {
    expect(() => patience({ patience: -1 })).toThrow(/scheduler\.patience: must be an integer >= 0/);
    expect(() => patience({ min_delta: -0.1 })).toThrow(/scheduler\.min_delta: must be a number >= 0/);
    expect(() => patience({ min_delta: '0.1' })).toThrow(/scheduler\.min_delta/);
    let message = '';
    try {
      patience({ min_delt: 0.1, patience: 1.5 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/scheduler\.min_delt: unknown option for the patience scheduler \(did you mean "min_delta"\?\); valid options: patience, min_delta/);
    expect(message).toMatch(/scheduler\.patience: must be an integer >= 0/);
    expect(patience({ patience: 3, min_delta: 0.5 }).name).toBe('patience');
  });
});
