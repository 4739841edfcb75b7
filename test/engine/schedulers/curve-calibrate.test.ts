import { describe, expect, it } from 'vitest';
import type { Objective } from '../../../src/shared/types.js';
import { calibratedPredictive, tAbove, tCdf, tQuantile } from '../../../src/main/engine/schedulers/curves/calibrate.js';
import { normCdf } from '../../../src/main/engine/schedulers/curves/fit.js';
import { createScheduler } from '../../../src/main/engine/schedulers/index.js';
import type { FidelitySpec } from '../../../src/main/engine/study/types.js';
import { curveTrial, runningUpTo } from './trials.js';

describe('Student-t predictive', () => {
  it('has the closed-form CDFs of 1 and 2 degrees of freedom, tabled quantiles, and the normal in the limit', () => {
    for (const z of [-3, -1, -0.2, 0, 0.5, 1, 4]) {
      expect(tCdf(z, 1)).toBeCloseTo(0.5 + Math.atan(z) / Math.PI, 10); // Cauchy
      expect(tCdf(z, 2)).toBeCloseTo(0.5 + z / (2 * Math.sqrt(2 + z * z)), 10);
      expect(tCdf(z, Infinity)).toBe(normCdf(z));
    }
    // Two-sided 95% points from any t table.
    expect(tCdf(2.228, 10)).toBeCloseTo(0.975, 4);
    expect(tCdf(12.706, 1)).toBeCloseTo(0.975, 4);
    expect(tCdf(2.042, 30)).toBeCloseTo(0.975, 4);
    const t = { center: 3, scale: 2, dof: 5 };
    expect(tQuantile(t, 0.95)).toBeCloseTo(3 + 2 * 2.015, 3);
    expect(tAbove(t, tQuantile(t, 0.1))).toBeCloseTo(0.9, 8);
  });

  it('shifts the prediction by the mean residual and widens it by their spread and count', () => {
    // Residuals 2 and 4: mean 3, sample variance 2; a new draw's variance 2·(1 + 1/2) plus the trial's own sd².
    const t = calibratedPredictive(10, 0.5, [2, 4]);
    expect(t.center).toBe(13);
    expect(t.scale).toBeCloseTo(Math.sqrt(3 + 0.25), 12);
    expect(t.dof).toBe(1);
    // With no record of errors, the ensemble's own Gaussian.
    expect(calibratedPredictive(10, 0.5, [7])).toEqual({ center: 10, scale: 0.5, dof: Infinity });
  });
});

describe('CurveScheduler calibrated by the completed trials', () => {
  const fidelity: FidelitySpec = { param: 'epochs', min: 1, max: 50, eta: 3 };
  const objectives: Objective[] = [{ metric: 'acc', direction: 'maximize' }];
  // Curves like LCBench's: a fast rise that seems to flatten by step 4, then a long slow climb that no
  // saturating family extrapolates from the first reports. Each gains 0.2 after step 4.
  const shape = (top: number) => Array.from({ length: 51 }, (_, s) => top * (1 - Math.exp(-(s + 1) / 1.5)) + 0.004 * s);
  const done = [0.55, 0.6, 0.58, 0.62, 0.57, 0.61].map((top, i) => curveTrial(i, 'complete', shape(top)));
  const best = Math.max(...done.map((t) => t.values!['acc']!));

  it('keeps a trial whose extrapolation is below the best by less than the completed trials were underestimated', () => {
    // Ends at 0.63 + 0.2, above the best (0.82): its first reports extrapolate to about 0.65.
    const slow = shape(0.63);
    expect(slow[50]!).toBeGreaterThan(best);
    const s = createScheduler({ type: 'curve', options: {} }, fidelity);
    for (let step = 3; step < 50; step++) {
      expect(s.onReport({ objectives, trials: [...done, runningUpTo(9, slow, step)] }, 9, step).action, `step ${step}`).toBe('continue');
    }
    // What the sampler learns for it is the calibrated final, not the ensemble's flat extrapolation.
    const p = s.predictFinal!({ objectives, trials: [...done, runningUpTo(9, slow, 3)] }, 9)!;
    expect(p.mean).toBeGreaterThan(slow[50]! - 0.03);
    expect(p.lo).toBeLessThan(slow[50]!);
    expect(p.hi).toBeGreaterThan(slow[50]!);
  });

  it('still stops at its first judged report a trial far below even the corrected prediction', () => {
    const bad = shape(0.3);
    const s = createScheduler({ type: 'curve', options: {} }, fidelity);
    expect(s.onReport({ objectives, trials: [...done, runningUpTo(9, bad, 2)] }, 9, 2).action).toBe('continue'); // 3 reports
    const d = s.onReport({ objectives, trials: [...done, runningUpTo(9, bad, 3)] }, 9, 3);
    expect(d.action).toBe('prune');
  });
});
