// The GP sampler through the Sampler contract: it must find good configurations faster than random
// search, produce only valid configurations of mixed conditional spaces, spread parallel suggestions,
// honour constraints, fall back on purpose when its model cannot be fitted, and resume reproducibly.
import { describe, expect, it } from 'vitest';
import type { Params } from '../../../../src/shared/types.js';
import { createGpSampler } from '../../../../src/main/engine/samplers/gp/sampler.js';
import { RandomSampler } from '../../../../src/main/engine/samplers/random.js';
import { SamplerError } from '../../../../src/main/engine/samplers/types.js';
import { SearchSpace } from '../../../../src/main/engine/study/space.js';
import { hypervolume, nonDominatedIndices } from '../../../../src/main/engine/study/hypervolume.js';
import { branin, floatParam, median, runStudy, trial } from './helpers.js';

const MIN_Y = [{ metric: 'y', direction: 'minimize' as const }];
const gpSpec = { type: 'gp', options: {} };

describe('GP sampler', () => {
  it('beats random search on Branin at 30 evaluations (median of 3 seeds)', () => {
    const space = new SearchSpace({ x1: floatParam(-5, 10), x2: floatParam(0, 15) });
    const best = (trials: ReturnType<typeof runStudy>) => Math.min(...trials.map((t) => t.values!.y!));
    const gp: number[] = [];
    const random: number[] = [];
    for (const seed of [1, 2, 3]) {
      const f = (p: Params) => ({ y: branin(p) });
      const gpSampler = createGpSampler(gpSpec, space);
      gp.push(best(runStudy(gpSampler, space, MIN_Y, f, 30, seed)) - 0.397887);
      random.push(best(runStudy(new RandomSampler(), space, MIN_Y, f, 30, seed)) - 0.397887);
      expect(gpSampler.fallbacks).toBe(0);
    }
    expect(median(gp)).toBeLessThan(median(random));
    expect(median(gp)).toBeLessThan(0.05);
  });

  it('proposes only valid configurations of a mixed space with conditional parameters', () => {
    const space = new SearchSpace({
      lr: floatParam(1e-4, 1e-1, true),
      units: { type: 'int', low: 16, high: 512, log: true, step: 1, when: null },
      layers: { type: 'int', low: 1, high: 4, log: false, step: 1, when: null },
      optimizer: { type: 'categorical', choices: ['adam', 'sgd', 'rmsprop'], when: null },
      momentum: { type: 'float', low: 0.5, high: 0.99, log: false, step: 0.01, when: { optimizer: ['sgd'] } },
      nesterov: { type: 'categorical', choices: [true, false], when: { optimizer: ['sgd'] } },
    });
    const loss = (p: Params) => {
      let y = (Math.log10(p.lr as number) + 2.5) ** 2 + (Math.log2(p.units as number) - 7) ** 2 / 10 + Math.abs((p.layers as number) - 2);
      if (p.optimizer === 'sgd') y += (p.momentum as number) < 0.9 ? 1 : 0;
      if (p.optimizer === 'rmsprop') y += 0.5;
      return { y };
    };
    const sampler = createGpSampler({ type: 'gp', options: { candidates: 256 } }, space);
    const trials = runStudy(sampler, space, MIN_Y, loss, 25, 5);
    for (const t of trials) expect(space.check(t.params)).toBeNull();
    expect(new Set(trials.map((t) => space.key(t.params))).size).toBe(trials.length);
    expect(sampler.fallbacks).toBe(0);
    // The model-based half improves on the initial design.
    const bestStart = Math.min(...trials.slice(0, 7).map((t) => t.values!.y!));
    expect(Math.min(...trials.slice(7).map((t) => t.values!.y!))).toBeLessThan(bestStart);
  });

  it('sends a parallel suggestion elsewhere while the first one is still running', () => {
    const space = new SearchSpace({ x: floatParam(0, 1) });
    const f = (x: number) => (x - 0.3) ** 2;
    const trials = [0.05, 0.5, 0.95, 0.7, 0.2, 0.4].map((x, i) => trial(i, { x }, { y: f(x) }));
    const ask = (ts: typeof trials) => {
      const s = createGpSampler(gpSpec, space).ask({ space, objectives: MIN_Y, trials: ts, seed: 3 });
      if (s.kind !== 'params') throw new Error('exhausted');
      return s.params.x as number;
    };
    const first = ask(trials);
    expect(Math.abs(first - 0.3)).toBeLessThan(0.1);
    const second = ask([...trials, trial(6, { x: first }, null, 'running')]);
    expect(Math.abs(second - first)).toBeGreaterThan(0.01);
  });

  it('keeps to the feasible region of a constraint on a measured metric', () => {
    const space = new SearchSpace({ x1: floatParam(0, 1), x2: floatParam(0, 1) });
    // Larger x1 is better, but the memory metric exceeds its limit beyond x1 + x2 = 0.8.
    const evaluate = (p: Params) => ({ y: -(p.x1 as number), mem: 1000 * ((p.x1 as number) + (p.x2 as number)) });
    const constraints = [{ metric: 'mem', min: null, max: 800 }];
    const sampler = createGpSampler(gpSpec, space, { constraints });
    const trials = runStudy(sampler, space, MIN_Y, evaluate, 25, 4);
    const modelBased = trials.slice(5);
    // The optimum lies on the constraint boundary: allow 0.5% for suggestions that sit on it.
    const feasibleShare = modelBased.filter((t) => t.values!.mem! <= 804).length / modelBased.length;
    expect(feasibleShare).toBeGreaterThan(0.7);
    const bestFeasible = Math.max(...trials.filter((t) => t.values!.mem! <= 800).map((t) => t.params.x1 as number));
    expect(bestFeasible).toBeGreaterThan(0.7);
  });

  it('finds a larger hypervolume than random search on a two-objective problem', () => {
    const space = new SearchSpace({ x1: floatParam(0, 1), x2: floatParam(0, 1) });
    const objectives = [
      { metric: 'a', direction: 'minimize' as const },
      { metric: 'b', direction: 'maximize' as const },
    ];
    const evaluate = (p: Params) => {
      const [x, y] = [p.x1 as number, p.x2 as number];
      return { a: x + 0.2 * (y - 0.5) ** 2, b: 1 - (1 - x) ** 2 - (y - 0.5) ** 2 };
    };
    const hv = (ts: ReturnType<typeof runStudy>) => {
      const pts = ts.map((t) => [t.values!.a!, -t.values!.b!]);
      return hypervolume(nonDominatedIndices(pts).map((i) => pts[i]!), [1.2, 0.2]);
    };
    const gp = hv(runStudy(createGpSampler(gpSpec, space), space, objectives, evaluate, 25, 8));
    const random = hv(runStudy(new RandomSampler(), space, objectives, evaluate, 25, 8));
    expect(gp).toBeGreaterThan(random);
  });

  it('falls back to quasi-random search, with the reason, when every value is identical or not finite', () => {
    const space = new SearchSpace({ x1: floatParam(0, 1), x2: floatParam(0, 1) });
    const reasons: string[] = [];
    const flat = createGpSampler(gpSpec, space, { onFallback: (r) => reasons.push(r) });
    const trials = runStudy(flat, space, MIN_Y, () => ({ y: 3 }), 8, 1);
    for (const t of trials) expect(space.check(t.params)).toBeNull();
    expect(flat.fallbacks).toBe(3);
    expect(flat.lastFallbackReason).toMatch(/identical/);
    expect(reasons).toHaveLength(3);

    const nan = createGpSampler(gpSpec, space);
    runStudy(nan, space, MIN_Y, () => ({ y: NaN }), 7, 1);
    expect(nan.lastFallbackReason).toMatch(/finite values/);
    expect(nan.snapshot().lastFallbackReason).toBe(nan.lastFallbackReason);
  });

  it('says exhausted once every configuration of a small discrete space has been tried', () => {
    const space = new SearchSpace({
      a: { type: 'categorical', choices: ['p', 'q'], when: null },
      b: { type: 'int', low: 0, high: 2, log: false, step: 1, when: null },
    });
    const sampler = createGpSampler({ type: 'gp', options: { n_startup: 2 } }, space);
    const trials = runStudy(sampler, space, MIN_Y, (p) => ({ y: (p.b as number) + (p.a === 'p' ? 0 : 0.5) }), 6, 2);
    expect(new Set(trials.map((t) => space.key(t.params))).size).toBe(6);
    const s = sampler.ask({ space, objectives: MIN_Y, trials, seed: 2 });
    expect(s.kind).toBe('exhausted');
  });

  it('resumes reproducibly from its snapshot and rejects a malformed one', () => {
    const space = new SearchSpace({ x1: floatParam(-5, 10), x2: floatParam(0, 15) });
    const a = createGpSampler(gpSpec, space);
    const trials = runStudy(a, space, MIN_Y, (p) => ({ y: branin(p) }), 12, 7);
    const snap = JSON.parse(JSON.stringify(a.snapshot()));
    expect(Object.keys(snap.thetas)).toEqual(['objective:y']);
    const next = a.ask({ space, objectives: MIN_Y, trials, seed: 7 });
    const b = createGpSampler(gpSpec, space);
    b.restore(snap);
    expect(b.ask({ space, objectives: MIN_Y, trials, seed: 7 })).toEqual(next);
    expect(() => b.restore({ nope: 1 } as never)).toThrow(SamplerError);
  });

  it('rejects unknown options with the study-file path', () => {
    const space = new SearchSpace({ x: floatParam(0, 1) });
    expect(() => createGpSampler({ type: 'gp', options: { n_statup: 3 } }, space)).toThrow(/sampler\.n_statup.*did you mean "n_startup"/);
  });
});
