import { describe, expect, it } from 'vitest';
import { GpuAttributor, splitShares, trapezoidJoules } from '../../../src/main/engine/metering/attribution.js';

describe('GPU energy attribution', () => {
  it('integrates exactly a linear power ramp, cutting the interval at the trial boundaries', () => {
    const a = new GpuAttributor();
    a.setBaseline(0, 50);
    a.addSample(0, 0, 100);
    a.addTrial('t', 0, 250);
    a.endTrial('t', 0, 750); // both boundaries fall between two samples
    a.addSample(0, 1000, 200); // 100 → 200 W over 1 s
    a.addSample(0, 2000, 200);
    const acc = a.account('t', 0);
    // P(0.25 s) = 125 W, P(0.75 s) = 175 W: 0.5 s × 150 W = 75 J.
    expect(acc?.energy_j).toBeCloseTo(75, 9);
    expect(acc?.above_idle_j).toBeCloseTo(75 - 50 * 0.5, 9);
    expect(acc?.covered_until).toBe(750);
    expect(a.deviceEnergy(0)).toBeCloseTo(150 + 200, 9);
  });

  it('never hands out more than the device integral, whatever the windows and weights', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const a = new GpuAttributor();
      const keys: string[] = [];
      let t = 0;
      a.addSample(0, t, 100 + rnd() * 300);
      for (let step = 0; step < 40; step++) {
        if (rnd() < 0.3) {
          const k = `k${round}-${step}`;
          keys.push(k);
          a.addTrial(k, 0, t + rnd() * 400);
        }
        if (keys.length > 0 && rnd() < 0.2) a.endTrial(keys[Math.floor(rnd() * keys.length)] as string, 0, t + rnd() * 400);
        if (rnd() < 0.3) a.setWeights(0, new Map(keys.filter(() => rnd() < 0.7).map((k) => [k, rnd() * 4000])));
        t += 100 + rnd() * 400;
        a.addSample(0, t, rnd() < 0.1 ? null : rnd() * 400);
      }
      const sum = keys.reduce((s, k) => s + (a.account(k, 0)?.energy_j ?? 0), 0);
      expect(sum).toBeLessThanOrEqual(a.deviceEnergy(0) * (1 + 1e-12) + 1e-9);
    }
  });

  it('splits by known weights, equally when any weight is unknown or all are zero', () => {
    expect(splitShares([3000, 1000])).toEqual([0.75, 0.25]);
    expect(splitShares([3000, undefined])).toEqual([0.5, 0.5]);
    expect(splitShares([0, 0, 0])).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(splitShares([])).toEqual([]);
  });

  it('applies weights within an interval shared by two trials', () => {
    const a = new GpuAttributor();
    a.addSample(0, 0, 200);
    a.addTrial('big', 0, 0);
    a.addTrial('small', 0, 0);
    a.setWeights(0, new Map([['big', 3000], ['small', 1000]]));
    a.addSample(0, 1000, 200);
    expect(a.account('big', 0)?.energy_j).toBeCloseTo(150, 9);
    expect(a.account('small', 0)?.energy_j).toBeCloseTo(50, 9);
    expect(trapezoidJoules([{ t: 0, w: 200 }, { t: 1000, w: 200 }])).toBe(200);
  });
});
