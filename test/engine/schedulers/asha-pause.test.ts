// Pause-based ASHA and Hyperband (`mode: pause`): a trial that reaches a rung goes on only when it stands in
// the top ⌊n/eta⌋ of the n configurations there; otherwise it waits, and its standing is read again as
// others arrive. All from the trials alone.
import { describe, expect, it } from 'vitest';
import type { Direction, Objective } from '../../../src/shared/types.js';
import { createScheduler } from '../../../src/main/engine/schedulers/index.js';
import { PausingAshaScheduler, PausingHyperbandScheduler, standingAt, type Pausing } from '../../../src/main/engine/schedulers/pausing.js';
import type { Scheduler } from '../../../src/main/engine/schedulers/types.js';
import { byConfig, configKey } from '../../../src/main/engine/schedulers/rungs.js';
import type { StoppingHyperbandScheduler } from '../../../src/main/engine/schedulers/stopping.js';
import type { FidelitySpec } from '../../../src/main/engine/study/types.js';
import { parseStudySpec } from '../../../src/main/engine/study/spec.js';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { Study } from './report-study.js';
import { schedulerContract } from './scheduler-contract.js';

const fidelity: FidelitySpec = { param: 'epochs', min: 1, max: 9, eta: 3 };
const pauseAsha = (options: Record<string, unknown> = {}) => createScheduler({ type: 'asha', options: { mode: 'pause', ...options } }, fidelity) as Pausing;
const acc = (direction: Direction = 'maximize'): Objective[] => [{ metric: 'acc', direction }];

schedulerContract('asha, mode pause', { make: () => pauseAsha() });
schedulerContract('hyperband, mode pause', { make: () => createScheduler({ type: 'hyperband', options: { mode: 'pause' } }, fidelity) });

/** The rung `number` must wait at after its report at `step` (highest stored step before it: `before`). */
const waitAt = (s: Pausing, study: Study, number: number, step: number, before: number, passed: number[] = [], objectives = acc()) =>
  s.rungToWait({ objectives, trials: study.trials }, number, step, before, new Set(passed));

describe('pause-based ASHA', () => {
  it('is built from mode: pause, trains each configuration towards the full budget and promotes nothing', () => {
    const s = pauseAsha({ max_paused: 2 });
    expect(s).toBeInstanceOf(PausingAshaScheduler);
    expect(s.maxPaused).toBe(2);
    const asScheduler: Scheduler = s;
    expect(asScheduler.initialBudget!({ objectives: acc(), trials: [] })).toBe(9);
    expect(asScheduler.promote).toBeUndefined();
    expect(s.rungSteps).toEqual([1, 3]);
    expect(createScheduler({ type: 'hyperband', options: { mode: 'pause' } }, fidelity)).toBeInstanceOf(PausingHyperbandScheduler);
  });

  for (const direction of ['maximize', 'minimize'] as const) {
    const sign = direction === 'maximize' ? 1 : -1;
    it(`makes the first arrivals wait until eta have arrived, then lets the best through (${direction})`, () => {
      const s = pauseAsha();
      const study = new Study();
      const arrive = (x: number, value: number) => {
        const n = study.start(x);
        study.report(n, 1, { acc: sign * value });
        return { n, wait: waitAt(s, study, n, 1, -Infinity, [], acc(direction)) };
      };
      // Stop mode lets the first arrival through (the best so far); pause mode cannot judge one alone.
      const a = arrive(0, 0.5);
      expect(a.wait).toEqual({ rung: 1, rank: 1, quota: 0, arrivals: 1, pass: false });
      const b = arrive(1, 0.6);
      expect(b.wait).toMatchObject({ rank: 1, quota: 0, arrivals: 2, pass: false });
      // The third arrival is worse than both: it waits, and the best waiting one (b) now passes.
      const c = arrive(2, 0.4);
      expect(c.wait).toMatchObject({ rank: 3, quota: 1, arrivals: 3, pass: false });
      const ctx = { objectives: acc(direction), trials: study.trials };
      expect(s.standing(ctx, b.n, 1)).toMatchObject({ rank: 1, quota: 1, pass: true });
      expect(s.standing(ctx, a.n, 1)).toMatchObject({ rank: 2, quota: 1, pass: false });
      // A fourth, best of all, goes on at once without waiting.
      expect(arrive(3, 0.9).wait).toBeNull();
      // With 6 arrivals the top 2 pass: a (rank 3 then) still waits until it is in the top ⌊n/3⌋.
      arrive(4, 0.1);
      arrive(5, 0.2);
      expect(s.standing({ objectives: acc(direction), trials: study.trials }, a.n, 1)).toMatchObject({ rank: 3, quota: 2, pass: false });
    });
  }

  it('judges a rung once: a report past a rung the trial passed (stored, or let through here) does not wait there again', () => {
    const s = pauseAsha();
    const study = new Study();
    for (const [x, v] of [[0, 0.1], [1, 0.2], [2, 0.3]] as const) study.report(study.start(x), 1, { acc: v });
    const worst = 0;
    // Worst of three at rung 1: it waits there.
    expect(waitAt(s, study, worst, 1, -Infinity)?.rung).toBe(1);
    // Let through at rung 1 in this engine: its next report does not wait at rung 1.
    study.report(worst, 2, { acc: 0.25 });
    expect(waitAt(s, study, worst, 2, 1, [1])).toBeNull();
    // A retry after an engine restart (no memory of the let-through) whose configuration had stored step 2:
    // rung 1 lies below what it stored, so it was passed.
    study.report(worst, 3, { acc: 0.3 });
    expect(waitAt(s, study, worst, 3, 2)).toMatchObject({ rung: 3, arrivals: 1, pass: false });
    // Without step 2 stored (the trial was paused at rung 1 when its engine died), the retry's report past the
    // rung is judged at rung 1 again.
    const other = new Study();
    for (const [x, v] of [[0, 0.1], [1, 0.2], [2, 0.3]] as const) other.report(other.start(x), 1, { acc: v });
    other.report(0, 2, { acc: 0.15 });
    expect(waitAt(s, other, 0, 2, 1)).toMatchObject({ rung: 1, rank: 3, pass: false });
  });

  it('ranks several objectives by non-dominated front, like MO-ASHA', () => {
    const s = pauseAsha();
    const study = new Study();
    const objectives: Objective[] = [
      { metric: 'acc', direction: 'maximize' },
      { metric: 'energy', direction: 'minimize' },
    ];
    const points = [
      [0.5, 10],
      [0.6, 5], // dominates the first
      [0.4, 20], // dominated by both
    ];
    points.forEach(([a, e], x) => study.report(study.start(x), 1, { acc: a!, energy: e! }));
    const configs = [...byConfig(study.trials).values()];
    expect(standingAt(configs, configs[1]!, 1, 3, objectives)).toMatchObject({ rank: 1, quota: 1, pass: true });
    expect(s.standing({ objectives, trials: study.trials }, 2, 1)).toMatchObject({ rank: 3, quota: 1, pass: false });
  });

  it('pause-based Hyperband never makes bracket 0 wait and ranks a bracket only among its own', () => {
    const s = createScheduler({ type: 'hyperband', options: { mode: 'pause' } }, fidelity) as PausingHyperbandScheduler;
    const study = new Study();
    for (let x = 0; x < 12; x++) study.report(study.start(x), 1, { acc: x / 100 });
    // The same bracket assignment as stop mode's (configurations in order of first appearance).
    const stop = createScheduler({ type: 'hyperband', options: { mode: 'stop' } }, fidelity) as StoppingHyperbandScheduler;
    const bracket = stop.brackets(byConfig(study.trials));
    const inBracket2 = [...bracket.values()].filter((b) => b === 2).length;
    expect(inBracket2).toBeGreaterThanOrEqual(3);
    for (const t of study.trials) {
      const w = waitAt(s, study, t.number, 1, -Infinity);
      const b = bracket.get(configKey(t.params))!;
      // Only bracket 2 judges at rung 1, among its own; increasing values: all but its top ⌊n/3⌋ wait.
      if (b !== 2) expect(w, `bracket ${b}`).toBeNull();
      else if (w) expect(w).toMatchObject({ rung: 1, arrivals: inBracket2, quota: Math.floor(inBracket2 / 3) });
    }
    const waiting = study.trials.filter((t) => waitAt(s, study, t.number, 1, -Infinity) !== null);
    expect(waiting).toHaveLength(inBracket2 - Math.floor(inBracket2 / 3));
  });

  it('refuses max_paused outside mode pause, a bad max_paused, and mode pause on Slurm, naming the fix', () => {
    expect(() => createScheduler({ type: 'asha', options: { mode: 'stop', max_paused: 3 } }, fidelity)).toThrow(/scheduler.max_paused.*only applies to mode: pause/);
    expect(() => pauseAsha({ max_paused: 0 })).toThrow(/max_paused.*integer >= 1/);
    expect(() => createScheduler({ type: 'asha', options: { mode: 'wait' } }, fidelity)).toThrow(/stop, promote or pause/);
    const raw = {
      name: 'p',
      trainer: { command: ['python3', 'train.py'] },
      search_space: { x: { type: 'float', low: 0, high: 1 } },
      objectives: [{ metric: 'acc', direction: 'maximize' }],
      fidelity: { param: 'epochs', min: 1, max: 9, eta: 3 },
      scheduler: { type: 'asha', mode: 'pause' },
      executor: 'slurm',
    };
    expect(() => parseStudySpec(raw, { file: '/tmp/p.yaml', strategies: STRATEGIES })).toThrow(/scheduler.mode.*cannot hold Slurm jobs; use mode: stop/);
    expect(() => parseStudySpec({ ...raw, executor: 'local' }, { file: '/tmp/p.yaml', strategies: STRATEGIES })).not.toThrow();
  });
});
