// The search space's unit-cube mapping at the edges of the doubles: a float range of ±1e308 is wider than
// the largest double, so `high - low` overflows; every draw used to land on the upper bound.
import { describe, expect, it } from 'vitest';
import { GridSampler } from '../../../src/main/engine/samplers/grid.js';
import { lerp, SearchSpace, unlerp } from '../../../src/main/engine/study/space.js';

const space = new SearchSpace({
  x: { type: 'float', low: -1e308, high: 1e308, log: false, step: null, when: null },
  s: { type: 'float', low: -1e308, high: 1e308, log: false, step: 1e300, when: null },
});

describe('a float range wider than the largest double', () => {
  it('maps the unit interval onto the whole range and back', () => {
    expect([0, 0.25, 0.5, 0.75, 1].map((u) => space.fromUnit('x', u))).toEqual([-1e308, -5e307, 0, 5e307, 1e308]);
    for (const u of [0, 0.1, 0.5, 0.9, 1]) expect(space.toUnit('x', space.fromUnit('x', u))).toBeCloseTo(u, 12);
  });

  it('keeps a step grid over it finite and on the grid', () => {
    for (const u of [0, 0.3, 0.5, 0.8, 1]) {
      const v = space.fromUnit('s', u) as number;
      expect(Number.isFinite(v)).toBe(true);
      expect(Math.abs(v)).toBeLessThanOrEqual(1e308);
      expect(space.toUnit('s', v)).toBeCloseTo(u, 6);
    }
    expect(space.fromUnit('s', 0.5)).toBe(space.snap('s', 0));
  });

  it('gives a grid its ends and middle', () => {
    const g = new GridSampler(3);
    const one = new SearchSpace({ x: space.spec('x') });
    const xs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = g.ask({ space: one, objectives: [], trials: xs.map((x, n) => ({ number: n, state: 'complete', params: { x }, values: null, intermediate: new Map(), budget: null })), seed: 1 });
      if (s.kind === 'params') xs.push(s.params.x as number);
    }
    expect(xs).toEqual([-1e308, 0, 1e308]);
  });

  it('leaves ordinary ranges computed as before', () => {
    expect(lerp(1, 3, 0.25)).toBe(1 + 0.25 * 2);
    expect(unlerp(1, 3, 1.5)).toBe(0.5 / 2);
  });
});
