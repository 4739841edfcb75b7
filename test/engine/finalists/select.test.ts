import { describe, expect, it } from 'vitest';
import { finalistSeed, planRuns, selectFinalists, type SearchResult } from '../../../src/main/engine/finalists/select.js';
import type { FinalistsSpec } from '../../../src/main/engine/study/types.js';

const spec = (over: Partial<FinalistsSpec> = {}): FinalistsSpec => ({ top: 2, seeds: 2, overrides: {}, folds: null, objective: null, ...over });
const t = (number: number, params: Record<string, number | string>, values: Record<string, number>, budget: number | null = null, state = 'complete'): SearchResult => ({
  number,
  state,
  params,
  values,
  budget,
});
const acc = [{ metric: 'acc', direction: 'maximize' as const }];

describe('selectFinalists', () => {
  it('takes the best configurations by the objective, once each, ignoring unfinished and failed trials', () => {
    const trials = [t(0, { x: 1 }, { acc: 0.5 }), t(1, { x: 2 }, { acc: 0.9 }), t(2, { x: 3 }, { acc: 0.95 }, null, 'failed'), t(3, { x: 2 }, { acc: 0.7 }), t(4, { x: 4 }, { acc: 0.8 })];
    expect(selectFinalists(trials, acc, spec(), 2).map((f) => f.number)).toEqual([1, 4]);
  });

  it('ranks a configuration by its highest budget, and higher budgets first', () => {
    // Config a: 0.99 at 2 epochs, 0.7 after promotion to 8; config b only reached 8 epochs with 0.8.
    const trials = [t(0, { x: 'a' }, { acc: 0.99 }, 2), t(1, { x: 'b' }, { acc: 0.6 }, 2), t(2, { x: 'c' }, { acc: 0.95 }, 2), t(3, { x: 'a' }, { acc: 0.7 }, 8), t(4, { x: 'b' }, { acc: 0.8 }, 8)];
    expect(selectFinalists(trials, acc, spec({ top: 3 }), 3).map((f) => f.number)).toEqual([4, 3, 2]);
  });

  it('with several objectives, takes the Pareto set first, knee point first', () => {
    const objectives = [
      { metric: 'acc', direction: 'maximize' as const },
      { metric: 'energy_j', direction: 'minimize' as const },
    ];
    const trials = [
      t(0, { x: 0 }, { acc: 0.99, energy_j: 100 }),
      t(1, { x: 1 }, { acc: 0.95, energy_j: 20 }), // the knee: nearly the best accuracy at a fifth of the energy
      t(2, { x: 2 }, { acc: 0.5, energy_j: 10 }),
      t(3, { x: 3 }, { acc: 0.94, energy_j: 30 }), // dominated by 1
    ];
    expect(selectFinalists(trials, objectives, spec({ top: 4 }), 4).map((f) => f.number)).toEqual([1, 0, 2, 3]);
    expect(selectFinalists(trials, objectives, spec({ objective: 'energy_j' }), 2).map((f) => f.number)).toEqual([2, 1]);
  });
});

describe('planRuns', () => {
  it('runs each finalist with every seed and fold, overrides applied, the fidelity override as its budget', () => {
    const finalists = [
      { number: 4, params: { lr: 0.1, precision: 'bf16' }, values: { acc: 0.9 }, budget: 8 },
      { number: 9, params: { lr: 0.2, precision: 'bf16' }, values: { acc: 0.8 }, budget: 8 },
    ];
    const runs = planRuns(finalists, spec({ seeds: 2, folds: 3, overrides: { precision: 'fp32', epochs: 20 } }), 7, { param: 'epochs', min: 2, max: 8, eta: 2 });
    expect(runs).toHaveLength(12);
    expect(runs[0]).toEqual({ parentNumber: 4, params: { lr: 0.1, precision: 'fp32' }, budget: 20, seedIndex: 0, seed: finalistSeed(7, 0), fold: 0, folds: 3 });
    expect(runs[5]).toMatchObject({ parentNumber: 4, seedIndex: 1, fold: 2 });
    // The same seeds for every finalist, so their runs pair up.
    expect(runs.filter((r) => r.parentNumber === 9).map((r) => r.seed)).toEqual(runs.filter((r) => r.parentNumber === 4).map((r) => r.seed));
    expect(new Set(runs.map((r) => r.seed)).size).toBe(2);
  });

  it('gives the fidelity maximum without an override, and no budget without a fidelity', () => {
    const f = [{ number: 1, params: { lr: 0.1 }, values: {}, budget: 2 }];
    expect(planRuns(f, spec({ seeds: 1 }), 0, { param: 'epochs', min: 2, max: 8, eta: 2 })[0]!.budget).toBe(8);
    expect(planRuns(f, spec({ seeds: 1 }), 0, null)[0]).toMatchObject({ budget: null, fold: null, folds: null });
  });
});
