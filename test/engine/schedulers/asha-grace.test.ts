// `grace` of the stop-based schedulers: no configuration is judged below it; `auto` reads it from the start-up
// cost measured on the study's first trials, once, so a restarted engine judges the same rungs.
import { describe, expect, it } from 'vitest';
import type { TrialState } from '../../../src/shared/types.js';
import { graceStep, startUpCost } from '../../../src/main/engine/schedulers/grace.js';
import { createScheduler } from '../../../src/main/engine/schedulers/index.js';
import type { Decision, Scheduler } from '../../../src/main/engine/schedulers/types.js';
import type { TrialView } from '../../../src/main/engine/samplers/types.js';
import type { FidelitySpec } from '../../../src/main/engine/study/types.js';
import { StudySpecError } from '../../../src/main/engine/study/errors.js';
import { Study } from './report-study.js';

const fidelity: FidelitySpec = { param: 'epochs', min: 1, max: 9, eta: 3 };
const objectives = [{ metric: 'acc', direction: 'maximize' as const }];
const stopAsha = (grace?: unknown): Scheduler => createScheduler({ type: 'asha', options: { mode: 'stop', ...(grace === undefined ? {} : { grace }) } }, fidelity);

/** A finished trial that reported `steps` and measured `startup_s` (launch to first report) and `duration_s`. */
function measured(number: number, steps: number, startupS: number, durationS: number, state: TrialState = 'pruned'): TrialView {
  const progress = new Map(Array.from({ length: steps }, (_, i) => [i + 1, { seq: number * 100 + i, values: { acc: 0.5 } }] as const));
  return {
    number,
    state,
    params: { x: number },
    values: { acc: 0.5 },
    intermediate: new Map([...progress].map(([s]) => [s, 0.5] as const)),
    progress,
    budget: 9,
    metrics: { acc: 0.5, startup_s: startupS, duration_s: durationS },
  };
}

describe('the start-up cost of a study', () => {
  it('is read from its first trials: the fixed part and a step, from trials with two or more reports', () => {
    // Each start costs 2 s before its first step; a step 0.5 s. startup_s includes the first step.
    const trials = [measured(0, 9, 2.5, 6.5), measured(1, 1, 2.5, 2.55), measured(2, 3, 2.5, 3.5), measured(3, 9, 2.5, 6.5)];
    const cost = startUpCost(trials)!;
    expect(cost.stepS).toBeCloseTo(0.5, 6);
    expect(cost.fixedS).toBeCloseTo(2, 6);
    expect(cost.from).toEqual([0, 1, 2, 3]);
    expect(graceStep('auto', trials)).toBeCloseTo(4, 6);
  });

  it('waits while one of those first trials runs, and never changes once read', () => {
    const first = [measured(0, 9, 2.5, 6.5), { ...measured(1, 3, 2.5, 3.5), state: 'running' as const, metrics: undefined }, measured(2, 3, 2.5, 3.5), measured(3, 9, 2.5, 6.5)];
    expect(startUpCost(first)).toBeNull();
    const done = [first[0]!, measured(1, 3, 2.5, 3.5), first[2]!, first[3]!];
    const fixed = startUpCost(done)!;
    // Later trials, however different, are not read: the estimate came from trials 0-2.
    const later = [...done, measured(4, 9, 0.1, 0.2), measured(5, 9, 0.1, 0.2), measured(6, 9, 0.1, 0.2)];
    expect(startUpCost(later)).toEqual(fixed);
    expect(fixed.from).toEqual([0, 1, 2]);
    // Handed the same trials out of number order (a view list from elsewhere), it reads the same first trials.
    expect(startUpCost([...later].reverse())).toEqual(fixed);
    // ... and a running trial among the first ones still holds it back, wherever it sits in the list.
    expect(startUpCost([...first].reverse())).toBeNull();
  });

  it('skips trials that measured nothing (failed before a report)', () => {
    const failed: TrialView = { number: 1, state: 'failed', params: { x: 1 }, values: null, intermediate: new Map(), budget: 9 };
    const trials = [measured(0, 3, 1, 2), failed, measured(2, 3, 1, 2), measured(3, 3, 1, 2)];
    expect(startUpCost(trials)!.from).toEqual([0, 2, 3]);
  });

  it('a number is taken as given, and no grace judges every rung', () => {
    expect(graceStep(3, [])).toBe(3);
    expect(graceStep(null, [])).toBeNull();
    expect(graceStep('auto', [])).toBeNull();
  });
});

describe('stop-based ASHA with grace', () => {
  /** Three configurations reach rung 1, the third the worst: without grace it is stopped there. */
  function thirdAtRung1(s: Scheduler, study: Study): Decision {
    let last: Decision = { action: 'continue' };
    for (const [x, acc] of [[10, 0.6], [11, 0.5], [12, 0.4]] as const) {
      const n = study.start(x);
      study.report(n, 1, { acc });
      last = s.onReport({ objectives, trials: study.trials }, n, 1);
    }
    return last;
  }

  /** A study whose first trials measured a start-up of `fixedS` seconds and 0.5 s steps. */
  function measuredStudy(fixedS: number): Study {
    const study = new Study();
    for (let i = 0; i < 3; i++) {
      const n = study.start(i);
      for (let step = 1; step <= 3; step++) study.report(n, step, { acc: 0.9 });
      study.end(n, 'complete');
      study.trials[n] = { ...study.trials[n]!, metrics: { startup_s: fixedS + 0.5, duration_s: fixedS + 1.5 } };
    }
    return study;
  }

  it('auto: a start worth 2 steps is judged first at rung 3, not at rung 1', () => {
    expect(thirdAtRung1(stopAsha(), measuredStudy(1)).action).toBe('prune');
    const study = measuredStudy(1);
    const s = stopAsha('auto');
    expect(thirdAtRung1(s, study).action).toBe('continue');
    // The user is told once what was measured and where configurations are now judged.
    expect(s.takeNote!()).toBe(
      "asha grace: auto: a trial's start-up costs 1.00 s and a step 0.500 s (measured on trials 0, 1, 2), so no configuration is judged before its training costs as much as a start: rungs 3 only",
    );
    expect(s.takeNote!()).toBeNull();
    // At rung 3 it is judged as usual, against those that reached rung 3 before it.
    const third = study.trials.length - 1;
    study.report(third, 3, { acc: 0.1 });
    const verdict = s.onReport({ objectives, trials: study.trials }, third, 3);
    expect(verdict.action).toBe('prune');
    expect(verdict.action === 'prune' && verdict.reason).toMatch(/stopped at rung 3/);
    // A new engine reads the same estimate from the same trials and gives the same verdict.
    expect(stopAsha('auto').onReport({ objectives, trials: study.trials }, third, 3)).toEqual(verdict);
  });

  it('auto: a start cheaper than a step changes nothing; before the first trials end, every rung is judged', () => {
    expect(thirdAtRung1(stopAsha('auto'), measuredStudy(0.2)).action).toBe('prune');
    expect(thirdAtRung1(stopAsha('auto'), new Study()).action).toBe('prune');
  });

  it('a number: nothing is judged below that step', () => {
    expect(thirdAtRung1(stopAsha(3), new Study()).action).toBe('continue');
    expect(thirdAtRung1(stopAsha(1), new Study()).action).toBe('prune');
  });

  it('hyperband: no bracket judges below the grace step', () => {
    const hb = (grace?: number): Scheduler => createScheduler({ type: 'hyperband', options: { mode: 'stop', ...(grace === undefined ? {} : { grace }) } }, fidelity);
    // Twelve configurations reach rung 1, each worse than the one before.
    const atRung1 = (s: Scheduler): string[] => {
      const study = new Study();
      return Array.from({ length: 12 }, (_, x) => {
        const n = study.start(x);
        study.report(n, 1, { acc: 1 - x / 20 });
        return s.onReport({ objectives, trials: study.trials }, n, 1).action;
      });
    };
    expect(atRung1(hb())).toContain('prune');
    expect(atRung1(hb(3))).not.toContain('prune');
  });

  it('promote and pause refuse it, and a step outside the fidelity is refused with the range', () => {
    for (const mode of ['promote', 'pause']) {
      expect(() => createScheduler({ type: 'asha', options: { mode, grace: 'auto' } }, fidelity)).toThrow(/scheduler\.grace.*only applies to mode: stop/);
    }
    const err = (() => {
      try {
        createScheduler({ type: 'asha', options: { mode: 'stop', grace: 0.5 } }, fidelity);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(StudySpecError);
    expect((err as Error).message).toMatch(/scheduler\.grace.*between fidelity\.min \(1\) and fidelity\.max \(9\), got 0\.5/);
  });
});
