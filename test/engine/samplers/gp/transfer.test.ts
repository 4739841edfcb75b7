// The transfer prior (samplers/gp/transfer.ts): an earlier study's results move the GP's posterior towards
// what that study saw where the new study has no data, and the new study's own data take over where it has.
import { afterAll, describe, expect, it } from 'vitest';
import type { Params } from '../../../../src/shared/types.js';
import { createGpSampler } from '../../../../src/main/engine/samplers/gp/sampler.js';
import { objectiveModels, type GpTask, type GpTrial } from '../../../../src/main/engine/samplers/gp/suggest.js';
import { offThread } from '../../../../src/main/engine/samplers/gp/threaded.js';
import { priorWeight, type GpPrior } from '../../../../src/main/engine/samplers/gp/transfer.js';
import { GpWorker } from '../../../../src/main/engine/samplers/gp/worker-client.js';
import type { GaussianProcess } from '../../../../src/main/engine/samplers/gp/gp.js';
import { SearchSpace } from '../../../../src/main/engine/study/space.js';
import { floatParam } from './helpers.js';

const params = { x: floatParam(0, 1) };
const space = new SearchSpace(params);
const MIN_Y = [{ metric: 'y', direction: 'minimize' as const }];
const OPTIONS = { n_startup: 2, candidates: 256, local_searches: 2, max_train: 256, max_fit: 64, cost_aware: false };

const source = (x: number): number => 10 * (x - 0.25) ** 2;
const done = (number: number, x: number, y: number): GpTrial => ({ number, state: 'complete', params: { x }, values: { y }, budget: null, metrics: {} });
/** 30 evenly spread results of `source`, at points the tests never ask about. */
const sourceTrials = (f: (x: number) => number = source): GpTrial[] => Array.from({ length: 30 }, (_, i) => done(i, (i + 0.5) / 30, f((i + 0.5) / 30)));

function task(trials: GpTrial[], prior: GpPrior | null): GpTask {
  return { params, objectives: MIN_Y, constraints: [], options: OPTIONS, energyBudget: false, seed: 3, trialCount: trials.length, trials, used: [], thetas: {}, prior };
}

/** The model's posterior mean at x, in the objective's own units. */
const meanAt = (gp: GaussianProcess, x: number): number => gp.yMean + gp.yStd * gp.predict([x]).mean;

describe('GP prior from an earlier study (stacked residual GPs)', () => {
  it('moves the posterior mean at unseen points to the earlier study`s values, plus the offset the new data show', () => {
    // The new task is the old one shifted up by 2; its three results all sit at the far end of the range.
    const target = [done(0, 0.85, source(0.85) + 2), done(1, 0.92, source(0.92) + 2), done(2, 0.97, source(0.97) + 2)];
    const [cold] = objectiveModels(task(target, null));
    const [warm] = objectiveModels(task(target, { trials: sourceTrials() }));
    for (const x of [0.1, 0.25, 0.4]) {
      const truth = source(x) + 2;
      // Without a prior the GP knows nothing about the left half: it stays near the observed values (4.5 to 6.2).
      expect(Math.abs(meanAt(cold!, x) - truth)).toBeGreaterThan(1.5);
      expect(Math.abs(meanAt(warm!, x) - truth)).toBeLessThan(0.5);
    }
    // The minimum of the posterior mean is where the earlier study found it.
    const grid = Array.from({ length: 101 }, (_, i) => i / 100);
    const argmin = grid.reduce((a, b) => (meanAt(warm!, b) < meanAt(warm!, a) ? b : a));
    expect(Math.abs(argmin - 0.25)).toBeLessThanOrEqual(0.05);
  });

  it('lets many results of the new study dominate a prior that disagrees with them', () => {
    const target = (x: number): number => 10 * (x - 0.8) ** 2;
    const trials = Array.from({ length: 40 }, (_, i) => done(i, i / 39, target(i / 39)));
    const [warm] = objectiveModels(task(trials, { trials: sourceTrials() }));
    for (const x of [0.2, 0.25, 0.5, 0.79]) {
      // At 0.25 the prior says 0 and the new task 3.0: the new task's data win.
      expect(Math.abs(meanAt(warm!, x) - target(x))).toBeLessThan(0.05);
    }
  });

  it('uses the earlier study`s results at the budget closest to the one the new study learns from', () => {
    // The earlier study ran every configuration at 2 and at 50 epochs, with different optima.
    const f2 = (x: number): number => 10 * (x - 0.75) ** 2;
    const prior: GpPrior = {
      trials: sourceTrials().flatMap((t, i) => [
        { ...t, number: 2 * i, budget: 2, values: { y: f2(t.params.x as number) } },
        { ...t, number: 2 * i + 1, budget: 50 },
      ]),
    };
    const at = (budget: number): number => {
      // Two results of the new task, at its budget: the earlier study's function at that budget, plus 1.
      const f = budget === 2 ? f2 : source;
      const trials = [done(0, 0.5, f(0.5) + 1), done(1, 0.55, f(0.55) + 1)].map((t) => ({ ...t, budget }));
      const [gp] = objectiveModels(task(trials, prior));
      const grid = Array.from({ length: 101 }, (_, i) => i / 100);
      return grid.reduce((a, b) => (meanAt(gp!, b) < meanAt(gp!, a) ? b : a));
    };
    expect(Math.abs(at(2) - 0.75)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(at(40) - 0.25)).toBeLessThanOrEqual(0.05);
  });
});

describe('the weight of the prior', () => {
  const s = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i));
  const rows = Array.from({ length: 40 }, (_, i) => i);
  const weightFor = (f: (v: number, i: number) => number, n = 40) => priorWeight(s, Float64Array.from(s, f), rows.slice(0, n));

  it('stays 1 where the new results follow the source up to an offset, and with no results', () => {
    expect(weightFor((v) => v + 7)).toBeCloseTo(1, 12);
    expect(priorWeight(s, s, [])).toBe(1);
  });

  it('fades a source the new results contradict, the more the more results there are', () => {
    expect(weightFor((v) => -v)).toBe(0);
    const unrelated = (_: number, i: number) => Math.cos(7 * i);
    expect(weightFor(unrelated, 40)).toBeLessThan(0.25);
    expect(weightFor(unrelated, 5)).toBeGreaterThan(weightFor(unrelated, 40));
    // A stronger effect than the source's is followed, up to twice its scale.
    expect(weightFor((v) => 1.5 * v)).toBeCloseTo((40 * 1.5 + 5) / 45, 12);
    expect(weightFor((v) => 4 * v)).toBe(2);
  });
});

describe('GP sampler with a prior', () => {
  const worker = new GpWorker();
  afterAll(() => worker.close());
  const prior: GpPrior = { trials: sourceTrials() };
  const views = (ps: Params[]) => ps.map((p, i) => ({ number: i, state: 'complete' as const, params: p, values: { y: source(p.x as number) + 1 }, intermediate: new Map<number, number>(), budget: null }));

  it('asks the model after two trials and goes where the earlier study was best; the worker gets the prior too', async () => {
    const trials = views([{ x: 0.9 }, { x: 0.95 }]);
    const inline = createGpSampler({ type: 'gp', options: { candidates: 256 } }, space, { prior });
    const s = inline.ask({ space, objectives: MIN_Y, trials, seed: 1 });
    if (s.kind !== 'params') throw new Error('expected params');
    expect(Math.abs((s.params.x as number) - 0.25)).toBeLessThan(0.1);
    const threads: number[] = [];
    const threaded = offThread(createGpSampler({ type: 'gp', options: { candidates: 256 } }, space, { prior }), { worker, onStep: (id) => threads.push(id) });
    expect(await threaded.ask({ space, objectives: MIN_Y, trials, seed: 1 })).toEqual(s);
    expect(threads).toHaveLength(1);
    // Without the prior the same two trials are still the initial design (n_startup = max(5, d + 1)).
    const cold = createGpSampler({ type: 'gp', options: { candidates: 256 } }, space);
    const c = cold.ask({ space, objectives: MIN_Y, trials, seed: 1 });
    expect(cold.snapshot().thetas).toEqual({});
    expect(c.kind).toBe('params');
  });
});
