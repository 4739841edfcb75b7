import { describe, expect, it } from 'vitest';
import type { Direction, Objective } from '../../../src/shared/types.js';
import { Rng } from '../../../src/main/engine/samplers/rng.js';
import { CURVE_FAMILIES, normalisedTime } from '../../../src/main/engine/schedulers/curves/families.js';
import { fitFamily, predictFinal, probabilityAbove } from '../../../src/main/engine/schedulers/curves/fit.js';
import { createScheduler } from '../../../src/main/engine/schedulers/index.js';
import type { Scheduler } from '../../../src/main/engine/schedulers/types.js';
import { StudySpecError } from '../../../src/main/engine/study/errors.js';
import type { FidelitySpec } from '../../../src/main/engine/study/types.js';
import { schedulerContract } from './scheduler-contract.js';
import { curveTrial, runningUpTo } from './trials.js';

const curve = (options: Record<string, unknown> = {}, fidelity: FidelitySpec | null = null): Scheduler => createScheduler({ type: 'curve', options }, fidelity);
const obj = (direction: Direction): Objective[] => [{ metric: 'acc', direction }];

schedulerContract('curve', {
  make: () => curve(),
  withWarmup: (startup, warmup) => curve({ n_startup_trials: Math.max(1, startup), min_reports: Math.max(3, warmup + 1) }),
});

const family = (name: string) => CURVE_FAMILIES.find((f) => f.name === name)!;
const HORIZON = 51;

/** Known curves, each in its family's usual parameters, and a function of the normalised time τ. */
const KNOWN = [
  { name: 'pow3', params: { c: 0.92, a: 0.3, alpha: 0.8 }, y: (t: number) => 0.92 - 0.3 * t ** -0.8 },
  { name: 'exp3', params: { c: 0.88, a: 0.6, b: 6 }, y: (t: number) => 0.88 - 0.6 * Math.exp(-6 * t) },
  { name: 'janoschek', params: { alpha: 0.9, beta: 0.2, kappa: 4, delta: 0.7 }, y: (t: number) => 0.9 - 0.7 * Math.exp(-4 * t ** 0.7) },
  { name: 'mmf', params: { alpha: 0.95, beta: 0.1, kappa: 8, delta: 1.3 }, y: (t: number) => 0.95 - 0.85 / (1 + (8 * t) ** 1.3) },
];

describe('curve families: least-squares fits', () => {
  for (const k of KNOWN) {
    it(`recovers a ${k.name} curve's parameters from its first 20 of ${HORIZON} steps`, () => {
      const steps = Array.from({ length: 20 }, (_, s) => s);
      const taus = steps.map((s) => normalisedTime(s, HORIZON));
      const f = family(k.name);
      const r = fitFamily(f, taus, taus.map(k.y))!;
      const got = f.named(r.fit.c, r.fit.a, r.fit.u.map(Math.exp));
      for (const [name, want] of Object.entries(k.params)) expect(got[name], name).toBeCloseTo(want, 2);
      expect(r.fit.rss).toBeLessThan(1e-8);
    });

    it(`extrapolates a noisy ${k.name} curve to the horizon within its band (ensemble of all families)`, () => {
      const rng = new Rng(7);
      const points = Array.from({ length: 20 }, (_, s) => [s, k.y(normalisedTime(s, HORIZON)) + 0.003 * rng.normal()] as const);
      const truth = k.y(1);
      const p = predictFinal(points, HORIZON)!;
      expect(Math.abs(p.mean - truth)).toBeLessThan(0.02);
      expect(p.lo).toBeLessThan(truth);
      expect(p.hi).toBeGreaterThan(truth);
      expect(p.fits.reduce((s, f) => s + f.weight, 0)).toBeCloseTo(1, 10);
    });
  }

  it('gives a probability that follows the threshold: likely below its mean, unlikely far above it', () => {
    const points = Array.from({ length: 10 }, (_, s) => [s, 0.8 - 0.4 * Math.exp(-0.3 * s) + 0.002 * Math.sin(s)] as const);
    const p = predictFinal(points, 40)!;
    expect(p.mean).toBeGreaterThan(0.78);
    expect(p.mean).toBeLessThan(0.82);
    expect(probabilityAbove(p, p.lo)).toBeCloseTo(0.95, 2);
    expect(probabilityAbove(p, p.hi)).toBeCloseTo(0.05, 2);
    expect(probabilityAbove(p, 0.95)).toBeLessThan(0.01);
  });

  it('predicts nothing from fewer than 3 points and a flat curve as itself', () => {
    expect(predictFinal([[0, 0.5], [1, 0.6]], 10)).toBeNull();
    const flat = predictFinal([[0, 0.5], [1, 0.5], [2, 0.5], [3, 0.5]], 10)!;
    expect([flat.mean, flat.lo, flat.hi]).toEqual([0.5, 0.5, 0.5]);
  });
});

describe('CurveScheduler', () => {
  const fidelity: FidelitySpec = { param: 'epochs', min: 1, max: 30, eta: 3 };
  // Two completed trials at the full budget: the best reached 0.9.
  const rise = (top: number, rate: number) => Array.from({ length: 31 }, (_, s) => top - (top - 0.1) * Math.exp(-rate * (s + 1)));
  const done = [curveTrial(0, 'complete', rise(0.9, 0.2)), curveTrial(1, 'complete', rise(0.85, 0.25))];

  for (const direction of ['maximize', 'minimize'] as const) {
    const sign = direction === 'maximize' ? 1 : -1;
    const flip = (c: number[]) => c.map((v) => sign * v);
    const trials = done.map((t) => curveTrial(t.number, 'complete', flip([...t.intermediate.values()])));

    it(`stops a trial that has flattened well short of the best, long before the end (${direction})`, () => {
      const bad = flip(rise(0.6, 0.5));
      const s = curve({}, fidelity);
      const first = bad.findIndex((_, step) => s.onReport({ objectives: obj(direction), trials: [...trials, runningUpTo(2, bad, step)] }, 2, step).action === 'prune');
      expect(first).toBeGreaterThanOrEqual(3); // min_reports 4: steps 0..3
      expect(first).toBeLessThan(10);
      const d = s.onReport({ objectives: obj(direction), trials: [...trials, runningUpTo(2, bad, first)] }, 2, first);
      expect(d.action === 'prune' && d.reason).toMatch(/^curve prediction at step \d+: acc at step 30 predicted -?0\.\d+ \(90% band .+\); P\(better than the best -?0\.89\d*\) = .+ < 0\.05$/);
    });

    it(`keeps a slow starter whose curve is heading above the best (${direction})`, () => {
      // Below both completed trials for its first 8 steps, but still climbing toward 0.95.
      const slow = flip(rise(0.95, 0.12));
      expect(sign * slow[7]!).toBeLessThan(sign * trials[1]!.intermediate.get(7)!);
      const s = curve({}, fidelity);
      for (let step = 0; step < 30; step++) {
        expect(s.onReport({ objectives: obj(direction), trials: [...trials, runningUpTo(2, slow, step)] }, 2, step).action).toBe('continue');
      }
    });
  }

  it('takes the horizon from the completed trials when the study has no fidelity, or from the option', () => {
    const s = curve();
    const bad = rise(0.6, 0.5);
    expect(s.onReport({ objectives: obj('maximize'), trials: [...done, runningUpTo(2, bad, 8)] }, 2, 8).action).toBe('prune');
    // Past the horizon there is nothing left to predict.
    expect(curve({ horizon: 8 }).onReport({ objectives: obj('maximize'), trials: [...done, runningUpTo(2, bad, 8)] }, 2, 8).action).toBe('continue');
  });

  it('never stops a trial of a multi-objective study', () => {
    const s = curve({}, fidelity);
    const objectives: Objective[] = [...obj('maximize'), { metric: 'energy_j', direction: 'minimize' }];
    expect(s.onReport({ objectives, trials: [...done, runningUpTo(2, rise(0.3, 0.5), 10)] }, 2, 10).action).toBe('continue');
  });

  it('validates its options with the study-file path and the fix', () => {
    const error = (options: Record<string, unknown>): string => {
      try {
        curve(options);
      } catch (e) {
        expect(e).toBeInstanceOf(StudySpecError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(error({ threshold: 1 })).toContain('scheduler.threshold: must be below 1');
    expect(error({ min_reports: 2 })).toContain('scheduler.min_reports: must be an integer >= 3');
    expect(error({ treshold: 0.1 })).toContain('did you mean "threshold"');
  });
});
