// `output_warp` (samplers/gp/output-warp.ts): the GP models normal scores of the objective's values, so
// only their order matters. A few catastrophic results then cannot flatten the differences among the good.
import { describe, expect, it } from 'vitest';
import type { Objective } from '../../../../src/shared/types.js';
import { normCdf, normQuantile } from '../../../../src/main/engine/samplers/gp/normal.js';
import { normalScores } from '../../../../src/main/engine/samplers/gp/output-warp.js';
import { createGpSampler } from '../../../../src/main/engine/samplers/gp/sampler.js';
import { objectiveModels, type GpTask, type GpTrial } from '../../../../src/main/engine/samplers/gp/suggest.js';
import type { TrialView } from '../../../../src/main/engine/samplers/types.js';
import { STRATEGIES } from '../../../../src/main/engine/campaign/strategy.js';
import { parseStudyText } from '../../../../src/main/engine/study/spec.js';
import { SearchSpace } from '../../../../src/main/engine/study/space.js';
import { floatParam, gpOptionStudy } from './helpers.js';

const params = { x: floatParam(0, 1), y: floatParam(0, 1) };
const space = new SearchSpace(params);
const objectives: Objective[] = [{ metric: 'acc', direction: 'maximize' }];

/** Accuracy-like: a broad plateau of good results peaking at (0.7, 0.3), and a corner that diverges. */
const acc = (x: number, y: number): number => (x < 0.15 && y > 0.8 ? 0.1 : 0.95 - 0.04 * ((x - 0.7) ** 2 + (y - 0.3) ** 2));
const POINTS = [
  [0.1, 0.9],
  [0.05, 0.95],
  [0.12, 0.85],
  [0.3, 0.5],
  [0.5, 0.2],
  [0.8, 0.6],
  [0.6, 0.8],
  [0.9, 0.1],
  [0.4, 0.3],
];

function view(f: (v: number) => number): TrialView[] {
  return POINTS.map(([x, y], i) => ({ number: i, state: 'complete', params: { x: x!, y: y! }, values: { acc: f(acc(x!, y!)) }, intermediate: new Map(), budget: null }));
}

function ask(trials: TrialView[], warp: boolean, seed: number): { x: number; y: number } {
  const s = createGpSampler({ type: 'gp', options: { n_startup: 3, ...(warp ? { output_warp: true } : {}) } }, space).ask({ space, objectives, trials, seed });
  if (s.kind !== 'params') throw new Error(JSON.stringify(s));
  return s.params as { x: number; y: number };
}

describe('normal scores', () => {
  it('inverts the normal CDF to double precision, tails included', () => {
    for (let z = -8; z <= 2; z += 0.25) expect(normQuantile(normCdf(z))).toBeCloseTo(z, 9);
    // Above, p = Phi(z) itself has lost digits to 1 - p (1e-9 at z = 6).
    for (let z = 2; z <= 6; z += 0.25) expect(normQuantile(normCdf(z))).toBeCloseTo(z, 6);
    expect(normQuantile(0.5)).toBe(0);
    expect(() => normQuantile(0)).toThrow(/0 < p < 1/);
    expect(() => normQuantile(1)).toThrow(/0 < p < 1/);
  });

  it('keep the order, give ties one score, leave missing values missing', () => {
    const z = normalScores(Float64Array.from([0.3, NaN, 0.9, 0.1, 0.9, -5]));
    expect(Number.isNaN(z[1]!)).toBe(true);
    // Ranks among the five finite values: -5 → 1, 0.1 → 2, 0.3 → 3, 0.9 and 0.9 → 4.5 each.
    expect(z[5]).toBeCloseTo(normQuantile(0.5 / 5), 12);
    expect(z[3]).toBeCloseTo(normQuantile(1.5 / 5), 12);
    expect(z[0]).toBe(0);
    expect(z[2]).toBe(z[4]);
    expect(z[2]).toBeCloseTo(normQuantile(4 / 5), 12);
    // Symmetric: the scores of n distinct values sum to zero, however skewed the values are.
    const skewed = normalScores(Float64Array.from([0.95, 0.951, 0.949, 0.952, 0.1]));
    expect(skewed.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
    // One distinct value has no order: kept, so a failed fit's message names it.
    expect(Array.from(normalScores(Float64Array.from([7, NaN, 7])))).toEqual([7, NaN, 7]);
  });
});

describe('the GP with output_warp', () => {
  it('models the normal scores: one catastrophic value weighs no more than any other rank', () => {
    const trials: GpTrial[] = view((v) => v).map(({ number, state, params: p, values }) => ({ number, state, params: p, values, budget: null, metrics: {} }));
    const task = (warp: boolean): GpTask => ({
      params,
      objectives,
      constraints: [],
      options: { n_startup: 3, candidates: 256, local_searches: 2, max_train: 256, max_fit: 64, cost_aware: false, output_warp: warp },
      energyBudget: false,
      seed: 1,
      trialCount: trials.length,
      trials,
      used: [],
      thetas: {},
    });
    const [plain] = objectiveModels(task(false));
    const [warped] = objectiveModels(task(true));
    // Raw: the diverged corner (0.1 against 0.93-0.95) sits ~2.6 standard deviations out and the good
    // results within ~0.5 of each other. Warped: the nine results are evenly spread normal scores.
    const spread = (gp: typeof plain): number => {
      const ys = Array.from(gp!.y);
      const good = ys.filter((v) => v < 0.5);
      return Math.max(...good) - Math.min(...good);
    };
    expect(spread(plain)).toBeLessThan(0.6);
    expect(spread(warped)).toBeGreaterThan(2);
    const targets = trials.map((t) => -(t.values!.acc as number));
    const expected = normalScores(Float64Array.from(targets));
    Array.from(warped!.y).forEach((v, i) => expect(warped!.yMean + warped!.yStd * v).toBeCloseTo(expected[i]!, 9));
  });

  it('suggests the same configuration whatever monotone scale the values come in', () => {
    for (const seed of [1, 2, 3]) {
      const base = ask(view((v) => v), true, seed);
      expect(ask(view((v) => Math.exp(20 * v)), true, seed)).toEqual(base);
      expect(ask(view((v) => Math.log(v)), true, seed)).toEqual(base);
    }
    // Without it the scale changes what the GP believes (the check above would fail).
    const moved = [1, 2, 3].some((seed) => JSON.stringify(ask(view((v) => v), false, seed)) !== JSON.stringify(ask(view((v) => Math.exp(20 * v)), false, seed)));
    expect(moved).toBe(true);
  });

  it('warps an earlier study`s values by their own ranks', () => {
    const trials = view((v) => v).slice(3);
    const prior = (f: (v: number) => number): GpTrial[] =>
      view(f).map(({ number, state, params: p, values }) => ({ number, state, params: p, values, budget: null, metrics: {} }));
    const askWith = (f: (v: number) => number): unknown => {
      const s = createGpSampler({ type: 'gp', options: { n_startup: 2, output_warp: true } }, space, { prior: { trials: prior(f) } }).ask({ space, objectives, trials, seed: 4 });
      return s.kind === 'params' ? s.params : s;
    };
    expect(askWith((v) => v ** 6)).toEqual(askWith((v) => v));
  });

  it('is a study option of the gp sampler', () => {
    const parse = (value: string) => parseStudyText(gpOptionStudy(`output_warp: ${value}`), { file: 's.yaml', format: 'yaml', strategies: STRATEGIES });
    expect(parse('true').sampler.options.output_warp).toBe(true);
    expect(() => parse('ranks')).toThrow(/output_warp/);
  });
});
