// Parameter importance on studies whose truth is known, the fANOVA decomposition on trees whose
// variances can be worked out by hand, the sensitivity plan and the narrowing suggestions.
import { describe, expect, it } from 'vitest';
import type { Params } from '../../../src/shared/types.js';
import { importance, sensitivityPlan, suggestNarrowing, treeMainEffects, type ScoredTrial } from '../../../src/main/engine/importance/index.js';
import { Rng } from '../../../src/main/engine/samplers/rng.js';
import { SearchSpace } from '../../../src/main/engine/study/space.js';

const space = new SearchSpace({
  lr: { type: 'float', low: 1e-4, high: 1e-1, log: true, step: null, when: null },
  units: { type: 'int', low: 8, high: 64, log: false, step: 1, when: null },
  act: { type: 'categorical', choices: ['relu', 'tanh', 'gelu'], when: null },
  junk: { type: 'float', low: 0, high: 1, log: false, step: null, when: null },
});

/** lr dominates (its optimum is 1e-2 on a log scale), act matters a little, units somewhat, junk not at all. */
function synthetic(n: number, seed: number, lrWeight = 1): ScoredTrial[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const params = space.fromUnitVector(space.names.map(() => rng.uniform()));
    const loss = lrWeight * (Math.log10(params.lr as number) + 2) ** 2 + { relu: 0, tanh: 1.5, gelu: 0.6 }[params.act as string]! + 0.02 * (params.units as number);
    return { state: 'complete', params, values: { loss } };
  });
}

describe('fANOVA on a hand-made tree', () => {
  it('gives all the variance to the one dimension a tree splits on', () => {
    const leaves = [
      { lo: [0, 0], hi: [0.5, 1], value: 0 },
      { lo: [0.5, 0], hi: [1, 1], value: 1 },
    ];
    expect(treeMainEffects(leaves, 2)).toEqual([1, 0]);
  });

  it('gives no main effect to a pure interaction (XOR) and splits an additive function by its variances', () => {
    const xor = [
      { lo: [0, 0], hi: [0.5, 0.5], value: 0 },
      { lo: [0.5, 0], hi: [1, 0.5], value: 1 },
      { lo: [0, 0.5], hi: [0.5, 1], value: 1 },
      { lo: [0.5, 0.5], hi: [1, 1], value: 0 },
    ];
    expect(treeMainEffects(xor, 2)).toEqual([0, 0]);
    // f = 2·[x0 > 0.5] + 1·[x1 > 0.5]: variances 1 and 0.25 of a total 1.25.
    const additive = xor.map((l) => ({ ...l, value: 2 * (l.lo[0]! >= 0.5 ? 1 : 0) + (l.lo[1]! >= 0.5 ? 1 : 0) }));
    const [a, b] = treeMainEffects(additive, 2);
    expect(a).toBeCloseTo(0.8, 12);
    expect(b).toBeCloseTo(0.2, 12);
  });
});

describe('importance', () => {
  it.each([3, 4, 5])('ranks the dominant parameter first and the planted irrelevant one last, summing to 1 (study seed %i)', (seed) => {
    const trials = synthetic(80, seed);
    const imp = importance(trials, space, { metric: 'loss', direction: 'minimize' }, { seed: 1 });
    expect(imp.map((i) => i.param)[0]).toBe('lr');
    expect(imp.map((i) => i.param).at(-1)).toBe('junk');
    expect(imp.find((i) => i.param === 'lr')!.importance).toBeGreaterThan(0.6);
    expect(imp.find((i) => i.param === 'junk')!.importance).toBeLessThan(0.03);
    expect(imp.reduce((s, i) => s + i.importance, 0)).toBeCloseTo(1, 9);
  });

  it('is deterministic for a seed, ignores unfinished trials, and needs two trials', () => {
    const trials = [...synthetic(60, 5), { state: 'failed', params: { lr: 0.1, units: 8, act: 'relu', junk: 0.5 }, values: {} }];
    expect(importance(trials, space, 'loss', { seed: 9 })).toEqual(importance(trials, space, 'loss', { seed: 9 }));
    expect(importance(trials.slice(0, 1), space, 'loss')).toEqual([]);
    // Changing the value of a failed trial's objective cannot change anything: it is not used.
    const other = [...trials.slice(0, 60), { state: 'pruned', params: { lr: 1e-4, units: 64, act: 'gelu', junk: 0.1 }, values: { loss: 1e9 } }];
    expect(importance(other, space, 'loss', { seed: 9 })).toEqual(importance(trials, space, 'loss', { seed: 9 }));
  });
});

describe('sensitivity plan', () => {
  it('varies one parameter at a time across its range from the best configuration', () => {
    const best: Params = { lr: 0.01, units: 32, act: 'tanh', junk: 0.5 };
    const plan = sensitivityPlan(best, space, 5);
    for (const p of plan) {
      const changed = Object.keys(best).filter((k) => p.params[k] !== best[k]);
      expect(changed).toEqual([p.param]);
      expect(space.check(p.params)).toBeNull();
    }
    const lrs = plan.filter((p) => p.param === 'lr').map((p) => p.value as number);
    expect(lrs[0]).toBeCloseTo(1e-4, 12);
    expect(lrs.at(-1)).toBeCloseTo(0.1, 12);
    expect(lrs).toHaveLength(5);
    expect(plan.filter((p) => p.param === 'act').map((p) => p.value)).toEqual(['relu', 'gelu']);
    expect(plan.filter((p) => p.param === 'junk').map((p) => p.value)).toEqual([0, 0.25, 0.75, 1]);
  });

  it('activates conditional parameters at the middle of their range', () => {
    const cond = new SearchSpace({
      opt: { type: 'categorical', choices: ['adam', 'sgd'], when: null },
      momentum: { type: 'float', low: 0.5, high: 0.9, log: false, step: null, when: { opt: ['sgd'] } },
    });
    const plan = sensitivityPlan({ opt: 'adam' }, cond, 3);
    expect(plan).toEqual([{ param: 'opt', value: 'sgd', params: { opt: 'sgd', momentum: 0.7 } }]);
  });
});

describe('narrowing suggestions', () => {
  it('freezes what does not matter and narrows the dominant range around the optimum', () => {
    // lr dominating strongly: the top trials sit close to its optimum.
    const trials = synthetic(150, 3, 10);
    const objective = { metric: 'loss', direction: 'minimize' } as const;
    const imp = importance(trials, space, objective, { seed: 1 });
    const s = suggestNarrowing(imp, trials, space, objective, { topFraction: 0.1 });
    const junk = s.find((x) => x.param === 'junk');
    expect(junk?.kind).toBe('freeze');
    const lr = s.find((x) => x.param === 'lr');
    expect(lr?.kind).toBe('narrow');
    if (lr?.kind !== 'narrow') throw new Error('unreachable');
    expect(lr.low).toBeLessThan(0.01);
    expect(lr.high).toBeGreaterThan(0.01);
    expect(Math.log10(lr.high / lr.low)).toBeLessThan(0.6 * 3);
  });
});
