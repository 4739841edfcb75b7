// `input_warp` (samplers/gp/input-warp.ts): Kumaraswamy-warped inputs fitted with the kernel. Its
// gradients against finite differences, and a response that is fast at one end of its range and slow at
// the other, which the warped GP models and the plain one cannot.
import { describe, expect, it } from 'vitest';
import type { Objective } from '../../../../src/shared/types.js';
import { fitGP } from '../../../../src/main/engine/samplers/gp/gp.js';
import { fitWarpedGP, InputWarp, warpedNegLogPosterior, WarpedGP } from '../../../../src/main/engine/samplers/gp/input-warp.js';
import { Rng } from '../../../../src/main/engine/samplers/rng.js';
import { createGpSampler } from '../../../../src/main/engine/samplers/gp/sampler.js';
import { objectiveModels, type GpTrial } from '../../../../src/main/engine/samplers/gp/suggest.js';
import type { TrialView } from '../../../../src/main/engine/samplers/types.js';
import { STRATEGIES } from '../../../../src/main/engine/campaign/strategy.js';
import { parseStudyText } from '../../../../src/main/engine/study/spec.js';
import { SearchSpace } from '../../../../src/main/engine/study/space.js';
import { floatParam, gpOptionStudy } from './helpers.js';

const fitOpts = (seed = 1) => ({ rng: new Rng(seed, 0, 1), warmStart: null, randomStarts: 2, maxIter: 80 });

/** Slow near 0, fast near 1: stationary in x^4, which is the Kumaraswamy CDF with a = 4, b = 1. */
const cliff = (x: number): number => Math.sin(3 * Math.PI * x ** 4);
/** Flat, then falling off a cliff at the top of the range (a learning rate that diverges). */
const edge = (x: number): number => Math.log(1.001 - x);

describe('the Kumaraswamy input warp', () => {
  it('is the identity at a = b = 1, and keeps categorical dimensions as they are', () => {
    const D = 2;
    const warp = new InputWarp(new Float64Array(3 * D + 2), D, Uint8Array.from([0, 1]));
    for (const x of [0, 0.1, 0.5, 0.93, 1]) {
      expect(warp.value(x, 0)).toBeCloseTo(x, 5);
      expect(warp.slope(x, 0)).toBeCloseTo(1, 5);
    }
    const bent = new InputWarp(Float64Array.from([0, 0, 0, 0, Math.log(2), 0.7, Math.log(3), -0.4]), D, Uint8Array.from([0, 1]));
    expect(bent.value(2, 1)).toBe(2); // a choice index passes through
    expect(bent.value(0.5, 0)).toBeCloseTo(1 - (1 - 0.5 ** 2) ** 3, 5);
  });

  it('has the gradient of its negative log posterior right, warp parameters included', () => {
    const rng = new Rng(7, 0, 2);
    const n = 12;
    const D = 3;
    const isCat = Uint8Array.from([0, 0, 1]);
    const X = Float64Array.from({ length: n * D }, (_, k) => (k % D === 2 ? Math.floor(3 * rng.uniform()) : rng.uniform()));
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(5 * X[i * D]!) + X[i * D + 1]! ** 2 + 0.3 * X[i * D + 2]!);
    const theta = Float64Array.from([0.4, -0.3, 0.2, 0.1, Math.log(1e-2), 0.5, -0.6, 0, -0.2, 0.7, 0]);
    const grad = new Float64Array(theta.length);
    warpedNegLogPosterior(theta, grad, X, n, D, isCat, y);
    const h = 1e-6;
    theta.forEach((_, k) => {
      if (k === D + 2 + 2 || k === 2 * D + 2 + 2) return; // the categorical dimension's warp is pinned
      const up = Float64Array.from(theta);
      const down = Float64Array.from(theta);
      up[k] = up[k]! + h;
      down[k] = down[k]! - h;
      const g = new Float64Array(theta.length);
      const fd = (warpedNegLogPosterior(up, g, X, n, D, isCat, y) - warpedNegLogPosterior(down, g, X, n, D, isCat, y)) / (2 * h);
      expect(grad[k]!, `theta[${k}]`).toBeCloseTo(fd, 4);
    });
  });

  it('gives the posterior`s gradient with respect to the unwarped input', () => {
    const X = Float64Array.from({ length: 15 }, (_, i) => i / 14);
    const y = Float64Array.from(X, cliff);
    const gp = fitWarpedGP(X, 15, 1, Uint8Array.from([0]), y, fitOpts());
    const dm = new Float64Array(1);
    const dv = new Float64Array(1);
    for (const x of [0.13, 0.5, 0.87]) {
      gp.predictWithGrad([x], dm, dv);
      const h = 1e-6;
      const up = gp.predict([x + h]);
      const down = gp.predict([x - h]);
      expect(dm[0]).toBeCloseTo((up.mean - down.mean) / (2 * h), 3);
      expect(dv[0]).toBeCloseTo((up.variance - down.variance) / (2 * h), 3);
    }
  });

  it('models a response that is slow at one end and fast at the other, where one length scale cannot', () => {
    const n = 16;
    const X = Float64Array.from({ length: n }, (_, i) => i / (n - 1));
    const fits = (f: (x: number) => number) => {
      const y = Float64Array.from(X, f);
      const plain = fitGP(X, n, 1, Uint8Array.from([0]), y, fitOpts());
      const warped = fitWarpedGP(X, n, 1, Uint8Array.from([0]), y, fitOpts());
      const rmse = (gp: typeof plain): number => {
        let s = 0;
        for (let k = 0; k < 200; k++) {
          const x = (k + 0.5) / 200;
          s += (gp.yMean + gp.yStd * gp.predict([x]).mean - f(x)) ** 2;
        }
        return Math.sqrt(s / 200);
      };
      return { warped, plain: rmse(plain), warpedRmse: rmse(warped) };
    };
    // sin(3 pi x^4) is stationary in x^4: the fit recovers a = 4 (b near 1) and the error drops to a quarter.
    const c = fits(cliff);
    expect(c.warped.warp.a[0]).toBeGreaterThan(3.5);
    expect(c.warped.warp.a[0]).toBeLessThan(4.5);
    expect(c.warpedRmse).toBeLessThan(0.5 * c.plain);
    // The cliff at the top: the warp stretches it (slope at 0.9 above the slope at 0.1), error down 5x or more.
    const e = fits(edge);
    expect(e.warped.warp.slope(0.9, 0)).toBeGreaterThan(e.warped.warp.slope(0.1, 0));
    expect(e.warpedRmse).toBeLessThan(0.2 * e.plain);
  });
});

describe('the GP sampler with input_warp', () => {
  const space = new SearchSpace({ x: floatParam(0, 1), y: floatParam(0, 1) });
  const objectives: Objective[] = [{ metric: 'acc', direction: 'maximize' }];
  const trials: TrialView[] = Array.from({ length: 10 }, (_, i) => {
    const x = ((i * 7) % 10) / 9;
    const y = ((i * 3) % 10) / 9;
    return { number: i, state: 'complete', params: { x, y }, values: { acc: cliff(x) + y }, intermediate: new Map(), budget: null };
  });

  it('fits the objective on warped inputs and still suggests with running trials in view', () => {
    const gpTrials: GpTrial[] = trials.map(({ number, state, params, values }) => ({ number, state, params, values, budget: null, metrics: {} }));
    const options = { n_startup: 3, candidates: 256, local_searches: 2, max_train: 256, max_fit: 64, cost_aware: false, input_warp: true };
    const task = { params: space.params, objectives, constraints: [], options, energyBudget: false, seed: 1, trialCount: 10, trials: gpTrials, used: [], thetas: {} };
    const [model] = objectiveModels(task);
    expect(model).toBeInstanceOf(WarpedGP);
    const running: TrialView = { number: 10, state: 'running', params: { x: 0.95, y: 0.95 }, values: null, intermediate: new Map(), budget: null };
    const sampler = createGpSampler({ type: 'gp', options: { n_startup: 3, input_warp: true } }, space);
    const s = sampler.ask({ space, objectives, trials: [...trials, running], seed: 2 });
    expect(s.kind).toBe('params');
    expect(sampler.lastFallbackReason).toBeNull();
    // Its hyperparameters, warp included (3 per dimension + 2), are the next fit's warm start.
    expect(sampler.snapshot().thetas['objective:acc']).toHaveLength(3 * 2 + 2);
  });

  it('is a study option of the gp sampler', () => {
    const parse = (text: string) => parseStudyText(text, { file: 's.yaml', format: 'yaml', strategies: STRATEGIES });
    expect(parse(gpOptionStudy('input_warp: true')).sampler.options.input_warp).toBe(true);
    // With a prior mean on the unwarped inputs it would silently do nothing: refused, naming both.
    const rungs = 'fidelity: {param: epochs, min: 1, max: 9, eta: 3}\nscheduler: {type: asha}\n';
    for (const other of ['edge_prior', 'stack_rungs']) {
      expect(() => parse(gpOptionStudy(`input_warp: true, ${other}: true`, rungs))).toThrow(`input_warp does not combine with ${other}`);
    }
  });
});
