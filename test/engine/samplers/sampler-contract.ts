// The contract every Sampler must meet. Each sampler's test file calls `samplerContract`; a new sampler
// (e.g. the GP) gets the same checks by adding one call.
import { describe, expect, it } from 'vitest';
import type { Params } from '../../../src/shared/types.js';
import type { Sampler } from '../../../src/main/engine/samplers/types.js';
import { SearchSpace } from '../../../src/main/engine/study/space.js';
import { askNow, cat, conditionalSpace, context, float, int, mixedSpace, runStudy, smallDiscreteSpace, trialView } from './spaces.js';

export interface ContractOptions {
  /** False for samplers whose order ignores the seed (grid). */
  seeded: boolean;
}

export function samplerContract(label: string, make: () => Sampler, options: ContractOptions): void {
  describe(`Sampler contract: ${label}`, () => {
    it('every suggestion passes space.check, over every kind of parameter', () => {
      const space = mixedSpace();
      const run = runStudy(make(), space, { seed: 7, count: 40 });
      expect(run.params.length).toBe(40);
      for (const p of run.params) expect(space.check(p)).toBeNull();
    });

    it('sets conditional parameters exactly when their condition holds, and reaches both branches', () => {
      const space = conditionalSpace();
      const run = runStudy(make(), space, { seed: 3, count: 30 });
      for (const p of run.params) {
        expect(space.check(p)).toBeNull();
        expect('momentum' in p).toBe(p.optimizer === 'sgd');
      }
      expect(run.params.some((p) => p.optimizer === 'sgd')).toBe(true);
      expect(run.params.some((p) => p.optimizer === 'adam')).toBe(true);
    });

    it('is deterministic: the same seed and trials give the same suggestions', () => {
      const space = mixedSpace();
      const a = runStudy(make(), space, { seed: 11, count: 20 });
      const b = runStudy(make(), space, { seed: 11, count: 20 });
      expect(b.suggestions).toEqual(a.suggestions);
      if (options.seeded) {
        const c = runStudy(make(), space, { seed: 12, count: 20 });
        expect(c.params).not.toEqual(a.params);
      }
    });

    it('resumes: restore(snapshot()) (through JSON) asks the same next points as the uninterrupted sampler', () => {
      for (const space of [mixedSpace(), smallDiscreteSpace()]) {
        const original = make();
        const first = runStudy(original, space, { seed: 5, count: 4 });
        const state = original.snapshot();
        const resumed = make();
        if (state !== null) resumed.restore(JSON.parse(JSON.stringify(state)));
        const cont = runStudy(original, space, { seed: 5, count: 5, trials: first.trials });
        const again = runStudy(resumed, space, { seed: 5, count: 5, trials: first.trials });
        expect(again.suggestions).toEqual(cont.suggestions);
      }
    });

    it('without saved state, a fresh sampler continues a study it produced as the original would', () => {
      const space = mixedSpace();
      const original = make();
      const first = runStudy(original, space, { seed: 9, count: 6 });
      const next = original.ask(context(space, first.trials, 9));
      expect(make().ask(context(space, first.trials, 9))).toEqual(next);
    });

    it('never repeats a configuration in a small discrete space, then says exhausted (and keeps saying it)', () => {
      const space = smallDiscreteSpace();
      const size = 12;
      // Mixed states: pending and failed trials hold their configuration just like complete ones.
      const states = ['queued', 'running', 'complete', 'failed', 'pruned', 'stopped'] as const;
      const run = runStudy(make(), space, { seed: 1, count: size + 3, state: (n) => states[n % states.length]! });
      expect(run.params.length).toBe(size);
      expect(new Set(run.params.map((p) => space.key(p))).size).toBe(size);
      for (const p of run.params) expect(space.check(p)).toBeNull();
      const last = run.suggestions.at(-1)!;
      expect(last.kind).toBe('exhausted');
      expect(last.kind === 'exhausted' && last.reason).toMatch(/\b12\b/);
      const again = askNow(make(), context(space, run.trials, 1));
      expect(again.kind).toBe('exhausted');
    });

    it('skips configurations already present (a baseline, pending trials) and still uses up the space', () => {
      const space = smallDiscreteSpace();
      const baseline: Params = { a: 'y', b: 2 };
      const pending: Params = { a: 'x', b: 3, c: false };
      const trials = [trialView(0, baseline), trialView(1, pending, 'running')];
      const run = runStudy(make(), space, { seed: 2, count: 20, trials });
      expect(run.params.length).toBe(10);
      const keys = run.params.map((p) => space.key(p));
      expect(keys).not.toContain(space.key(baseline));
      expect(keys).not.toContain(space.key(pending));
      expect(new Set(keys).size).toBe(10);
      expect(run.suggestions.at(-1)!.kind).toBe('exhausted');
    });

    it('uses up a 150-point space without repeats (the late asks, when almost everything is taken, included)', () => {
      const space = new SearchSpace({ n: int(1, 50), k: cat(['p', 'q', 'r']) });
      const run = runStudy(make(), space, { seed: 4, count: 200 });
      expect(run.params.length).toBe(150);
      expect(new Set(run.params.map((p) => space.key(p))).size).toBe(150);
      expect(run.suggestions.at(-1)!.kind).toBe('exhausted');
    });

    it('handles a space with a single configuration', () => {
      const space = new SearchSpace({ only: cat(['one']) });
      const run = runStudy(make(), space, { seed: 0, count: 3 });
      expect(run.params).toEqual([{ only: 'one' }]);
      expect(run.suggestions.map((s) => s.kind)).toEqual(['params', 'exhausted']);
    });

    it('spreads log-scale parameters over every decade', () => {
      const space = new SearchSpace({ lr: float(1e-5, 1e-1, { log: true }) });
      const run = runStudy(make(), space, { seed: 21, count: 64 });
      const lrs = run.params.map((p) => p.lr as number);
      expect(lrs.length).toBeGreaterThanOrEqual(5);
      for (let e = -5; e < -1; e++) {
        const inDecade = lrs.filter((x) => x >= 10 ** e && x <= 10 ** (e + 1) * (1 + 1e-12));
        // Uniform on the linear scale would put 0.01% of the points in [1e-5, 1e-4]; log-uniform puts 25%.
        expect(inDecade.length / lrs.length, `decade 1e${e}`).toBeGreaterThanOrEqual(0.15);
      }
    });
  });
}
