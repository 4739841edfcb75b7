// The contract every Scheduler must meet. Each scheduler's test file calls `schedulerContract`;
// multi-fidelity schedulers (ASHA, Hyperband) also pass `multiFidelity` for the promotion contract.
import { describe, expect, it } from 'vitest';
import type { Direction, Objective, TrialState } from '../../../src/shared/types.js';
import { Rng } from '../../../src/main/engine/samplers/rng.js';
import type { TrialView } from '../../../src/main/engine/samplers/types.js';
import type { Decision, Scheduler, SchedulerContext } from '../../../src/main/engine/schedulers/types.js';
import type { FidelitySpec } from '../../../src/main/engine/study/types.js';
import { budgetTrial } from './fidelity-trials.js';
import { curveTrial, runningUpTo } from './trials.js';

export interface SchedulerContractOptions {
  /** Builds the scheduler with the default options. */
  make: () => Scheduler;
  /** Builds it with a startup/warmup setting, for schedulers that have one. */
  withWarmup?: (startupTrials: number, warmupSteps: number) => Scheduler;
  /** For schedulers that promote: the fidelity `make` was built with. */
  multiFidelity?: { fidelity: FidelitySpec };
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

    if (options.multiFidelity) {
      multiFidelityContract(options.make, options.multiFidelity.fidelity);
    }
  });
}

/** A toy learning curve: configuration x improves with budget, best near x = 0.37. */
function toyValue(x: number, budget: number, direction: Direction): number {
  const acc = 1 - (x - 0.37) ** 2 - 0.5 / (1 + budget);
  return direction === 'maximize' ? acc : -acc;
}

/** Runs a sequential study the way the planner does: a promotion first, else a new configuration. */
function simulate(s: Scheduler, direction: Direction, steps: number, seed: number, check: (trials: TrialView[], next: TrialView) => void): TrialView[] {
  const rng = new Rng(seed);
  const trials: TrialView[] = [];
  for (let n = 0; n < steps; n++) {
    const ctx: SchedulerContext = { objectives: objectives(direction), trials: [...trials] };
    const p = s.promote!(ctx);
    const x = p ? (trials.find((t) => t.number === p.parent)!.params.x as number) : rng.uniform();
    const budget = p ? p.budget : s.initialBudget!(ctx);
    const next = budgetTrial(n, x, budget, 'complete', toyValue(x, budget, direction));
    check(trials, next);
    trials.push(next);
  }
  return trials;
}

function multiFidelityContract(make: () => Scheduler, fidelity: FidelitySpec): void {
  describe('multi-fidelity', () => {
    it('starts new configurations at a budget within the fidelity range', () => {
      const s = make();
      const b = s.initialBudget!({ objectives: objectives('maximize'), trials: [] });
      expect(b).toBeGreaterThanOrEqual(fidelity.min);
      expect(b).toBeLessThanOrEqual(fidelity.max);
    });

    it('promotes nothing from an empty study, a running one, or trials without budgets', () => {
      const s = make();
      expect(s.promote!({ objectives: objectives('maximize'), trials: [] })).toBeNull();
      const running = [0, 1, 2, 3, 4, 5].map((n) => budgetTrial(n, n / 10, fidelity.min, 'running'));
      expect(s.promote!({ objectives: objectives('maximize'), trials: running })).toBeNull();
      expect(s.promote!({ objectives: objectives('maximize'), trials: randomStudy(3, 12) })).toBeNull();
    });

    for (const direction of ['maximize', 'minimize'] as const) {
      it(`promotes only complete trials, to a larger budget within range, each configuration once per budget (${direction})`, () => {
        let promotions = 0;
        const trials = simulate(make(), direction, 120, 7, (before, next) => {
          const m = before.find((t) => t.params.x === next.params.x && t.number !== next.number);
          if (!m) return;
          promotions++;
          const parentBudget = Math.max(...before.filter((t) => t.params.x === next.params.x).map((t) => t.budget!));
          expect(next.budget!).toBeGreaterThan(parentBudget);
          expect(next.budget!).toBeLessThanOrEqual(fidelity.max);
        });
        expect(promotions).toBeGreaterThan(0);
        const pairs = trials.map((t) => `${t.params.x}@${t.budget}`);
        expect(new Set(pairs).size).toBe(pairs.length);
        // Some configurations reached the full budget by promotion.
        expect(trials.some((t) => t.budget === fidelity.max && trials.some((u) => u.params.x === t.params.x && u.budget! < fidelity.max))).toBe(true);
      });
    }

    it('keeps no hidden state: a fresh instance makes the same promotion and picks the same budget', () => {
      const a = make();
      simulate(a, 'maximize', 80, 11, (before) => {
        const ctx: SchedulerContext = { objectives: objectives('maximize'), trials: before };
        const fresh = make();
        expect(fresh.promote!(ctx)).toEqual(a.promote!(ctx));
        expect(fresh.initialBudget!(ctx)).toEqual(a.initialBudget!(ctx));
      });
    });

    it('does not promote a configuration again while its promotion is queued or running', () => {
      const s = make();
      // Twenty new configurations finished at their starting budgets, none promoted yet.
      const rng = new Rng(5);
      const trials: TrialView[] = [];
      for (let n = 0; n < 20; n++) {
        const budget = s.initialBudget!({ objectives: objectives('maximize'), trials: [...trials] });
        const x = rng.uniform();
        trials.push(budgetTrial(n, x, budget, 'complete', toyValue(x, budget, 'maximize')));
      }
      const ctx = (): SchedulerContext => ({ objectives: objectives('maximize'), trials: [...trials] });
      const seen = new Set<string>();
      for (let i = 0; i < 40; i++) {
        const p = s.promote!(ctx());
        if (!p) break;
        const x = trials.find((t) => t.number === p.parent)!.params.x as number;
        const key = `${x}@${p.budget}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
        trials.push(budgetTrial(trials.length, x, p.budget, i % 2 === 0 ? 'queued' : 'running'));
      }
      expect(seen.size).toBeGreaterThan(0);
    });
  });
}
