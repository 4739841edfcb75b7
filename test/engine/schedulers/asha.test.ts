// ASHA's promotion rule (Li et al., MLSys 2020, Algorithm 2) on hand-built rungs.
import { describe, expect, it } from 'vitest';
import type { Direction, Objective } from '../../../src/shared/types.js';
import { AshaScheduler } from '../../../src/main/engine/schedulers/asha.js';
import { createScheduler } from '../../../src/main/engine/schedulers/index.js';
import { rungLadder } from '../../../src/main/engine/schedulers/rungs.js';
import type { Scheduler } from '../../../src/main/engine/schedulers/types.js';
import { StudySpecError } from '../../../src/main/engine/study/errors.js';
import type { FidelitySpec } from '../../../src/main/engine/study/types.js';
import type { TrialView } from '../../../src/main/engine/samplers/types.js';
import { budgetTrial, rung } from './fidelity-trials.js';
import { schedulerContract } from './scheduler-contract.js';

const fidelity: FidelitySpec = { param: 'epochs', min: 1, max: 27, eta: 3 };
// The promotion form; the stop form (mode: stop) is tested in asha-stop.test.ts.
const asha = (options: Record<string, unknown> = {}, f: FidelitySpec | null = fidelity): Scheduler =>
  createScheduler({ type: 'asha', options: { mode: 'promote', ...options } }, f);
const obj = (direction: Direction): Objective[] => [{ metric: 'acc', direction }];
const promote = (trials: TrialView[], direction: Direction = 'maximize', s = asha()) => s.promote!({ objectives: obj(direction), trials });

schedulerContract('asha', { make: () => asha(), multiFidelity: { fidelity } });
schedulerContract('asha (min 2, max 52)', { make: () => asha({}, { param: 'epochs', min: 2, max: 52, eta: 3 }), multiFidelity: { fidelity: { param: 'epochs', min: 2, max: 52, eta: 3 } } });

describe('rung ladder', () => {
  it('is min·eta^k capped at max, with max as the last rung', () => {
    expect(rungLadder(2, 52, 3)).toEqual([2, 6, 18, 52]);
    expect(rungLadder(1, 27, 3)).toEqual([1, 3, 9, 27]);
    expect(rungLadder(1, 100, 4)).toEqual([1, 4, 16, 64, 100]);
    expect(rungLadder(0.1, 1, 2)).toEqual([0.1, 0.2, 0.4, 0.8, 1]);
    expect(rungLadder(1, 2, 3)).toEqual([1, 2]);
  });

  it('rounds to whole numbers when the fidelity is whole (epochs)', () => {
    expect(rungLadder(2, 52, 2.5)).toEqual([2, 5, 13, 31, 52]);
  });

  it('starts new configurations at the lowest rung', () => {
    expect(asha({}, { param: 'epochs', min: 2, max: 52, eta: 3 }).initialBudget!({ objectives: obj('maximize'), trials: [] })).toBe(2);
    expect((asha({ eta: 2 }) as AshaScheduler).ladder).toEqual([1, 2, 4, 8, 16, 27]);
  });
});

describe('ASHA promotions', () => {
  for (const direction of ['maximize', 'minimize'] as const) {
    const sign = direction === 'maximize' ? 1 : -1;
    describe(direction, () => {
      it('promotes nothing until a rung has eta results, then its best to the next rung', () => {
        expect(promote(rung(0, 1, [0.5, 0.9].map((v) => sign * v)), direction)).toBeNull();
        expect(promote(rung(0, 1, [0.5, 0.9, 0.7].map((v) => sign * v)), direction)).toEqual({ parent: 1, budget: 3 });
      });

      it('promotes the top ⌊n/eta⌋ of a rung and nothing else', () => {
        // 7 results: the top 2 (x=3 at 0.95, x=1 at 0.9) may go up, never the third best (x=5 at 0.85).
        const trials = rung(0, 1, [0.5, 0.9, 0.1, 0.95, 0.3, 0.85, 0.2].map((v) => sign * v));
        expect(promote(trials, direction)).toEqual({ parent: 3, budget: 3 });
        trials.push(budgetTrial(7, 3, 3, 'complete', sign * 0.96));
        expect(promote(trials, direction)).toEqual({ parent: 1, budget: 3 });
        trials.push(budgetTrial(8, 1, 3, 'complete', sign * 0.91));
        expect(promote(trials, direction)).toBeNull();
        // An 8th and 9th result make the quota 3: now the third best goes up.
        trials.push(...rung(9, 1, [0.0, 0.05].map((v) => sign * v)));
        expect(promote(trials, direction)).toEqual({ parent: 5, budget: 3 });
      });

      it('scans the highest rung first', () => {
        // Rung 1 (budget 3) has 3 results: its best goes to 9 before rung 0's next candidate goes to 3.
        const trials = [
          ...rung(0, 1, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((v) => sign * v)),
          budgetTrial(9, 8, 3, 'complete', sign * 0.91),
          budgetTrial(10, 7, 3, 'complete', sign * 0.95),
          budgetTrial(11, 6, 3, 'complete', sign * 0.75),
        ];
        expect(promote(trials, direction)).toEqual({ parent: 10, budget: 9 });
      });
    });
  }

  it('counts queued and running promotions as done, so two slots never promote the same trial', () => {
    const trials = rung(0, 1, [0.5, 0.9, 0.1, 0.95, 0.3, 0.85, 0.2]);
    trials.push(budgetTrial(7, 3, 3, 'running'));
    expect(promote(trials)).toEqual({ parent: 1, budget: 3 });
    trials.push(budgetTrial(8, 1, 3, 'queued'));
    expect(promote(trials)).toBeNull();
  });

  it('does not promote a configuration again after its promoted trial failed', () => {
    const trials = [...rung(0, 1, [0.5, 0.9, 0.7]), budgetTrial(3, 1, 3, 'failed')];
    expect(promote(trials)).toBeNull();
  });

  it('leaves failed, pruned and pending trials out of a rung count', () => {
    const trials = [...rung(0, 1, [0.5, 0.9]), budgetTrial(2, 2, 1, 'failed'), budgetTrial(3, 3, 1, 'running'), budgetTrial(4, 4, 1, 'pruned', 0.99)];
    expect(promote(trials)).toBeNull();
  });

  it('takes the latest complete result of a configuration retried at one rung', () => {
    const trials = [...rung(0, 1, [0.5, 0.9, 0.7]), budgetTrial(3, 0, 1, 'complete', 0.95)];
    // x=0 now has 0.95 (trial 3) but the quota is still 1 of 3 configurations: x=0 wins, via its latest trial.
    expect(promote(trials)).toEqual({ parent: 3, budget: 3 });
  });

  it('never prunes: poor trials stop by not being promoted', () => {
    const trials = [...rung(0, 1, [0.9, 0.9, 0.9, 0.9]), budgetTrial(4, 4, 1, 'running', 0)];
    expect(asha().onReport({ objectives: obj('maximize'), trials }, 4, 1)).toEqual({ action: 'continue' });
  });
});

describe('MO-ASHA', () => {
  const two: Objective[] = [
    { metric: 'acc', direction: 'maximize' },
    { metric: 'energy', direction: 'minimize' },
  ];
  it('promotes by non-dominated rank, then crowding distance', () => {
    // Front 0: x=0 (0.9, 50), x=1 (0.8, 20), x=2 (0.6, 10), x=3 (0.85, 30). x=4..8 are dominated.
    const points: [number, number][] = [
      [0.9, 50],
      [0.8, 20],
      [0.6, 10],
      [0.85, 30],
      [0.5, 60],
      [0.55, 55],
      [0.4, 70],
      [0.3, 80],
      [0.7, 25],
    ];
    const trials = points.map(([a, e], i) => budgetTrial(i, i, 1, 'complete', a, e));
    const s = asha();
    const ctx = () => ({ objectives: two, trials });
    // Quota 3 of 9: the front's extremes (infinite crowding, x=0 then x=2 by trial order), then the most
    // isolated inner point: x=1 (neighbours x=3 and x=2 span more than x=3's neighbours x=0 and x=1).
    const order: number[] = [];
    for (let i = 0; i < 4; i++) {
      const p = s.promote!(ctx());
      if (!p) break;
      order.push(p.parent);
      trials.push(budgetTrial(trials.length, trials[p.parent]!.params.x as number, p.budget, 'running'));
    }
    expect(order).toEqual([0, 2, 1]);
  });

  it('ignores trials missing an objective', () => {
    const trials = [0, 1, 2].map((i) => budgetTrial(i, i, 1, 'complete', 0.5 + i / 10));
    expect(asha().promote!({ objectives: two, trials })).toBeNull();
  });
});

describe('asha options', () => {
  it('needs a fidelity and says how to add one', () => {
    const err = (() => {
      try {
        asha({}, null);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(StudySpecError);
    expect((err as StudySpecError).issues[0]).toEqual({ path: 'fidelity', message: expect.stringMatching(/asha scheduler needs a fidelity.*fidelity: \{param: epochs/) });
  });

  it('validates eta at scheduler.eta', () => {
    expect(() => asha({ eta: 1 })).toThrow(/scheduler\.eta: must be an integer >= 2/);
    expect(() => asha({ etta: 2 })).toThrow(/scheduler\.etta: unknown option for the asha scheduler \(did you mean "eta"\?\)/);
  });
});
