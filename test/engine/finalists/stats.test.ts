// Reference values from SciPy 1.10 (scipy.stats.t.ppf / t.cdf / kendalltau), computed once and pasted here.
import { describe, expect, it } from 'vitest';
import { kendallTau, meanInterval, optimism, probabilityBeats } from '../../../src/main/engine/finalists/stats.js';
import { tCdf, tQuantile } from '../../../src/main/engine/study/student-t.js';

describe('Student t', () => {
  it('has the 97.5% quantiles of the tables', () => {
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706204736174694, 8);
    expect(tQuantile(0.975, 2)).toBeCloseTo(4.302652729749462, 8);
    expect(tQuantile(0.975, 4)).toBeCloseTo(2.7764451051977934, 8);
    expect(tQuantile(0.975, 9)).toBeCloseTo(2.262157162798205, 8);
    expect(tQuantile(0.975, 1000)).toBeCloseTo(1.9623390808264083, 8);
  });

  it('has the cumulative distribution, fractional degrees of freedom included (Welch)', () => {
    expect(tCdf(1.5, 3)).toBeCloseTo(0.8847080673775886, 10);
    expect(tCdf(-0.7, 7.3)).toBeCloseTo(0.2528085700931292, 10);
    expect(tCdf(0, 5)).toBeCloseTo(0.5, 12);
  });
});

describe('meanInterval', () => {
  it('is the 95% t-interval over the runs', () => {
    const i = meanInterval([0.91, 0.93, 0.9, 0.95]);
    expect(i.n).toBe(4);
    expect(i.mean).toBeCloseTo(0.9225, 12);
    expect(i.sd).toBeCloseTo(0.022173557826083427, 12);
    expect(i.low).toBeCloseTo(0.8872169214106932, 10);
    expect(i.high).toBeCloseTo(0.957783078589307, 10);
  });

  it('gives no interval for one run rather than a zero-width one', () => {
    expect(meanInterval([0.8])).toEqual({ n: 1, mean: 0.8, sd: 0, low: null, high: null });
  });
});

describe('optimism', () => {
  it('is positive when the search looked better than validation, in either direction', () => {
    expect(optimism(0.95, 0.9, 'maximize')).toBeCloseTo(0.05, 12);
    expect(optimism(1.0, 1.2, 'minimize')).toBeCloseTo(0.2, 12);
    expect(optimism(0.8, 0.9, 'maximize')).toBeCloseTo(-0.1, 12);
  });
});

describe('probabilityBeats', () => {
  const units = (xs: number[]) => new Map(xs.map((x, i) => [`seed ${i}`, x]));

  it('pairs runs of the same seed and fold (t posterior of the mean difference)', () => {
    const a = units([0.9, 0.92, 0.91]);
    const b = units([0.89, 0.9, 0.905]);
    expect(probabilityBeats(a, b, 'maximize')).toBeCloseTo(0.9409585518440984, 10);
    expect(probabilityBeats(b, a, 'maximize')).toBeCloseTo(1 - 0.9409585518440984, 10);
    // To minimize, the lower one wins.
    expect(probabilityBeats(a, b, 'minimize')).toBeCloseTo(1 - 0.9409585518440984, 10);
  });

  it('sees through a seed effect shared by both configurations, which unpaired runs cannot', () => {
    // Seeds move both by ±0.05; A is better by 0.01 on every seed.
    const b = units([0.85, 0.9, 0.95, 0.88]);
    const a = new Map([...b].map(([k, v]) => [k, v + 0.01 + (k === 'seed 1' ? 0.001 : 0)]));
    expect(probabilityBeats(a, b, 'maximize')).toBeGreaterThan(0.999);
    const unpaired = new Map([...a].map(([k, v]) => [`other ${k}`, v]));
    const p = probabilityBeats(unpaired, b, 'maximize');
    expect(p).toBeGreaterThan(0.5);
    expect(p).toBeLessThan(0.7);
  });

  it('is certain only when there is no spread at all, and 0.5 for a tie', () => {
    expect(probabilityBeats(units([1]), units([0.5]), 'maximize')).toBe(1);
    expect(probabilityBeats(units([0.5]), units([0.5]), 'maximize')).toBe(0.5);
  });
});

describe('kendallTau', () => {
  it('is 1 for the same order, -1 reversed, and tau-b with a swap', () => {
    expect(kendallTau([1, 2, 3], [10, 20, 30])).toBe(1);
    expect(kendallTau([1, 2, 3], [30, 20, 10])).toBe(-1);
    expect(kendallTau([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.6666666666666669, 12);
    expect(kendallTau([1], [1])).toBeNull();
  });
});
