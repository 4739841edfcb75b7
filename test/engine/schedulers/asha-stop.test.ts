// Stop-based ASHA and Hyperband (`mode: stop`): a trial is judged when it reaches a rung, against the
// configurations that reached that rung before it, and the verdict never changes afterwards.
import { describe, expect, it } from 'vitest';
import type { Direction, Objective } from '../../../src/shared/types.js';
import { createScheduler } from '../../../src/main/engine/schedulers/index.js';
import type { StoppingHyperbandScheduler } from '../../../src/main/engine/schedulers/stopping.js';
import type { Decision, Scheduler } from '../../../src/main/engine/schedulers/types.js';
import type { FidelitySpec } from '../../../src/main/engine/study/types.js';
import { Study } from './report-study.js';
import { schedulerContract } from './scheduler-contract.js';

const fidelity: FidelitySpec = { param: 'epochs', min: 1, max: 9, eta: 3 };
const stopAsha = (f: FidelitySpec = fidelity): Scheduler => createScheduler({ type: 'asha', options: { mode: 'stop' } }, f);
const stopHyperband = (f: FidelitySpec = fidelity) => createScheduler({ type: 'hyperband', options: { mode: 'stop' } }, f) as StoppingHyperbandScheduler;
const acc = (direction: Direction = 'maximize'): Objective[] => [{ metric: 'acc', direction }];

schedulerContract('asha, mode stop', { make: () => stopAsha() });
schedulerContract('hyperband, mode stop', { make: () => stopHyperband() });

const ask = (s: Scheduler, study: Study, number: number, step: number, objectives: Objective[] = acc()): Decision =>
  s.onReport({ objectives, trials: study.trials }, number, step);

describe('stop-based ASHA', () => {
  it('runs every configuration at the full budget and promotes nothing', () => {
    const s = stopAsha();
    expect(s.initialBudget!({ objectives: acc(), trials: [] })).toBe(9);
    expect(s.promote).toBeUndefined();
    expect(s.rungSteps).toEqual([1, 3]);
  });

  for (const direction of ['maximize', 'minimize'] as const) {
    const sign = direction === 'maximize' ? 1 : -1;
    it(`keeps the top 1/eta of those that reached a rung before, and only the best so far while fewer than eta did (${direction})`, () => {
      const s = stopAsha();
      const study = new Study();
      const decide = (x: number, value: number): Decision => {
        const n = study.start(x);
        study.report(n, 1, { acc: sign * value });
        return ask(s, study, n, 1, acc(direction));
      };
      expect(decide(0, 0.5).action).toBe('continue'); // alone: the best so far
      expect(decide(1, 0.4).action).toBe('prune'); // 2 arrivals, quota 1, second
      expect(decide(2, 0.6).action).toBe('continue'); // best of 3
      expect(decide(3, 0.55).action).toBe('prune'); // 4 arrivals, quota 1: second best
      const pruned = decide(4, 0.45);
      expect(pruned).toEqual({
        action: 'prune',
        reason: `asha stopped at rung 1 (step 1): acc ${sign * 0.45} ranked 4 of the 5 configurations that reached it so far; only the top 1 go on`,
      });
      expect(decide(5, 0.58).action).toBe('continue'); // 6 arrivals, quota 2: second best
    });
  }

  it('judges a configuration once per rung: later and better arrivals do not undo a verdict', () => {
    const s = stopAsha();
    const study = new Study();
    const a = study.start(0);
    study.report(a, 1, { acc: 0.3 });
    expect(ask(s, study, a, 1).action).toBe('continue');
    for (let x = 1; x <= 8; x++) {
      const n = study.start(x);
      study.report(n, 1, { acc: 0.9 + x / 100 });
    }
    // Nine configurations have reached rung 1 and `a` is the worst of them, but it was let through when it got there.
    study.report(a, 2, { acc: 0.31 });
    expect(ask(s, study, a, 2).action).toBe('continue');
    // Rung 3 is a new judgement, among those that reached it: a is alone there.
    study.report(a, 3, { acc: 0.32 });
    expect(ask(s, study, a, 3).action).toBe('continue');
  });

  it('does not let a configuration stopped at a rung compete at the next one with the epochs it printed before it died', () => {
    const s = stopAsha();
    const study = new Study();
    const a = study.start(0);
    study.report(a, 1, { acc: 0.9 });
    const b = study.start(1);
    study.report(b, 1, { acc: 0.1 });
    expect(ask(s, study, b, 1).action).toBe('prune');
    // b's process printed epochs 2 and 3 before SIGTERM landed; a reaches rung 3 after that.
    study.report(b, 2, { acc: 0.95 });
    study.report(b, 3, { acc: 0.99 });
    study.report(a, 2, { acc: 0.91 });
    study.report(a, 3, { acc: 0.92 });
    // Had b competed at rung 3, a (second of two) would be stopped; b was never there.
    expect(ask(s, study, a, 3).action).toBe('continue');
  });

  it('judges a trial that reports past a rung (every other epoch) by its first report there', () => {
    const s = stopAsha();
    const study = new Study();
    const a = study.start(0);
    study.report(a, 4, { acc: 0.9 });
    const b = study.start(1);
    study.report(b, 2, { acc: 0.2 });
    expect(ask(s, study, b, 2)).toMatchObject({ action: 'prune', reason: expect.stringContaining('rung 1 (step 2)') });
  });

  it('gives a retry the verdict of its configuration: a stopped configuration stays stopped, one let through stays let through', () => {
    const s = stopAsha();
    const study = new Study();
    const good = study.start(0.1);
    study.report(good, 1, { acc: 0.9 });
    const bad = study.start(0.2);
    study.report(bad, 1, { acc: 0.1 });
    expect(ask(s, study, bad, 1).action).toBe('prune');
    // The engine died before the pruned state was written; the trial is retried (same params, a new number).
    study.end(bad, 'failed');
    const retry = study.start(0.2);
    // From its checkpoint it resumes at epoch 2: still stopped, at its first report.
    study.report(retry, 2, { acc: 0.95 });
    expect(ask(s, study, retry, 2)).toMatchObject({ action: 'prune', reason: expect.stringContaining('rung 1') });
    // A configuration let through, killed later and retried from scratch, is let through again even if its
    // new first epoch is worse: its verdict is the one it got.
    study.end(good, 'failed');
    const again = study.start(0.1);
    study.report(again, 1, { acc: 0.0 });
    expect(ask(s, study, again, 1).action).toBe('continue');
  });

  it('ranks several objectives by non-dominated front (MO-ASHA)', () => {
    const s = stopAsha();
    const two: Objective[] = [
      { metric: 'acc', direction: 'maximize' },
      { metric: 'energy', direction: 'minimize' },
    ];
    const study = new Study();
    const points: [number, number][] = [
      [0.9, 100],
      [0.5, 10],
      [0.4, 200], // dominated by both: third of three, quota 1
    ];
    const decisions = points.map(([a, e], i) => {
      const n = study.start(i);
      study.report(n, 1, { acc: a, energy: e });
      return ask(s, study, n, 1, two).action;
    });
    // The second is on the first front with the first; with two of them, crowding puts boundary points on
    // top in arrival order, so only the first is in the top 1 of 2.
    expect(decisions).toEqual(['continue', 'prune', 'prune']);
    // A report without every objective is not judged.
    const n = study.start(9);
    study.report(n, 1, { acc: 0.01 });
    expect(ask(s, study, n, 1, two).action).toBe('continue');
  });
});

describe('stop-based Hyperband', () => {
  it('assigns configurations to brackets in order of first appearance, by Hyperband allocation', () => {
    const h = stopHyperband({ param: 'epochs', min: 1, max: 27, eta: 3 });
    expect(h.allocation).toEqual([4, 6, 12, 27]);
    expect([0, 1, 2, 3].map((s) => h.bracketRungs(s))).toEqual([[], [9], [3, 9], [1, 3, 9]]);
    const study = new Study();
    for (let i = 0; i < 49; i++) study.start(i);
    const groups = new Map(study.trials.map((t) => [JSON.stringify([['x', t.params.x]]), [t]]));
    const brackets = [...h.brackets(groups).values()];
    expect(brackets[0]).toBe(3);
    expect([0, 1, 2, 3].map((s) => brackets.filter((b) => b === s).length)).toEqual([4, 6, 12, 27]);
  });

  it('judges a configuration only against its own bracket, and never stops bracket 0', () => {
    const h = stopHyperband({ param: 'epochs', min: 1, max: 27, eta: 3 });
    const study = new Study();
    for (let i = 0; i < 49; i++) study.start(i);
    const groups = new Map(study.trials.map((t) => [JSON.stringify([['x', t.params.x]]), [t]]));
    const bracketOf = [...h.brackets(groups).values()];
    // Every configuration reports a worse value than all before it, at every rung.
    let v = 1;
    const stopped = new Map<number, number>();
    for (const step of [1, 3, 9]) {
      for (let i = 0; i < 49; i++) {
        if (stopped.has(i)) continue;
        study.report(i, step, { acc: (v -= 0.001) });
        if (ask(h, study, i, step).action === 'prune') stopped.set(i, step);
      }
    }
    for (let i = 0; i < 49; i++) {
      const s = bracketOf[i]!;
      const first = study.trials.findIndex((_, j) => bracketOf[j] === s);
      // The first of each bracket is always best so far; the others arrive worse and stop at the bracket's first rung.
      if (s === 0 || i === first) expect(stopped.has(i)).toBe(false);
      else expect(stopped.get(i)).toBe(h.bracketRungs(s)[0]);
    }
  });
});

describe('mode option', () => {
  it('is stop, promote or pause, and says what each means otherwise', () => {
    expect(createScheduler({ type: 'asha', options: { mode: 'promote' } }, fidelity).promote).toBeDefined();
    expect(() => createScheduler({ type: 'asha', options: { mode: 'wait' } }, fidelity)).toThrow(
      /scheduler\.mode: must be stop, promote or pause for the asha scheduler, got "wait": stop trains each configuration in one process.*pause freezes a trial at a rung/,
    );
    expect(() => createScheduler({ type: 'asha', options: { eta: 3, mod: 'stop' } }, fidelity)).toThrow(/did you mean "mode"\?\); valid options: eta, mode/);
  });
});
