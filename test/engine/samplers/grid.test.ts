import { describe, expect, it } from 'vitest';
import { GridSampler } from '../../../src/main/engine/samplers/grid.js';
import { SearchSpace } from '../../../src/main/engine/study/space.js';
import { samplerContract } from './sampler-contract.js';
import { cat, context, float, int, runStudy, trialView } from './spaces.js';

samplerContract('grid', () => new GridSampler(), { seeded: false });

describe('GridSampler', () => {
  it('walks the Cartesian product in lexicographic order (first parameter slowest), then is exhausted', () => {
    const space = new SearchSpace({ a: int(1, 2), b: cat(['x', 'y', 'z']) });
    const run = runStudy(new GridSampler(), space, { seed: 0, count: 10 });
    expect(run.params).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 1, b: 'z' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
      { a: 2, b: 'z' },
    ]);
    expect(run.suggestions.at(-1)).toEqual({ kind: 'exhausted', reason: 'grid exhausted: all 6 points tried' });
  });

  it('gives continuous parameters `levels` evenly spaced values, in log space when log, ends included', () => {
    const space = new SearchSpace({ lr: float(1e-4, 1, { log: true }), x: float(0, 1) });
    const run = runStudy(new GridSampler(3), space, { seed: 0, count: 20 });
    expect(run.params.map((p) => [p.lr, p.x])).toEqual([
      [1e-4, 0],
      [1e-4, 0.5],
      [1e-4, 1],
      [0.01, 0],
      [0.01, 0.5],
      [0.01, 1],
      [1, 0],
      [1, 0.5],
      [1, 1],
    ]);
    const five = runStudy(new GridSampler(), new SearchSpace({ lr: float(1e-5, 1e-1, { log: true }) }), { seed: 0, count: 9 });
    expect(five.params.map((p) => p.lr)).toEqual([1e-5, 1e-4, 1e-3, 1e-2, 1e-1]);
  });

  it('uses every value of discrete parameters (steps, ints), whatever `levels` is', () => {
    const space = new SearchSpace({ d: float(0, 0.5, { step: 0.1 }), n: int(2, 8, { step: 3 }) });
    const run = runStudy(new GridSampler(2), space, { seed: 0, count: 30 });
    expect(run.params.length).toBe(18);
    expect([...new Set(run.params.map((p) => p.d))]).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect([...new Set(run.params.map((p) => p.n))]).toEqual([2, 5, 8]);
  });

  it('multiplies in a conditional parameter only where its condition holds', () => {
    const space = new SearchSpace({
      optimizer: cat(['adam', 'sgd']),
      momentum: float(0, 1, { when: { optimizer: ['sgd'] } }),
    });
    const run = runStudy(new GridSampler(3), space, { seed: 0, count: 10 });
    expect(run.params).toEqual([
      { optimizer: 'adam' },
      { optimizer: 'sgd', momentum: 0 },
      { optimizer: 'sgd', momentum: 0.5 },
      { optimizer: 'sgd', momentum: 1 },
    ]);
    expect(run.suggestions.at(-1)).toEqual({ kind: 'exhausted', reason: 'grid exhausted: all 4 points tried' });
  });

  it('skips points already among the trials (e.g. the baseline) without shifting the rest', () => {
    const space = new SearchSpace({ a: int(1, 2), b: cat(['x', 'y', 'z']) });
    const run = runStudy(new GridSampler(), space, { seed: 0, count: 10, trials: [trialView(0, { a: 1, b: 'y' })] });
    expect(run.params.map((p) => `${p.a}${p.b}`)).toEqual(['1x', '1z', '2x', '2y', '2z']);
    expect(run.suggestions.at(-1)).toEqual({ kind: 'exhausted', reason: 'grid exhausted: all 6 points tried' });
  });

  it('starts a huge grid immediately and resumes mid-grid from its state without listing it all', () => {
    const space = new SearchSpace({ a: int(1, 1000), b: int(1, 1000), c: int(1, 1000) });
    const sampler = new GridSampler();
    const run = runStudy(sampler, space, { seed: 0, count: 3 });
    expect(run.params).toEqual([
      { a: 1, b: 1, c: 1 },
      { a: 1, b: 1, c: 2 },
      { a: 1, b: 1, c: 3 },
    ]);
    expect(sampler.snapshot()).toEqual({ position: 3 });
    const resumed = new GridSampler();
    resumed.restore({ position: 2500 });
    expect(resumed.ask(context(space, run.trials, 0))).toEqual({ kind: 'params', params: { a: 1, b: 3, c: 501 } });
  });
});
