// The chart geometry both the HTML report and the app's Svelte charts draw with: the tick values, their
// labels, the Pareto staircase and step lines are pinned here, so a change shows up in both at once.
import { describe, expect, it } from 'vitest';
import { chartSvg } from '../../src/main/engine/report/html/svg.js';
import { dataScale, formatNumber, niceTicks, paretoStaircase, stepLine, withRange } from '../../src/shared/charts/index.js';

describe('shared chart geometry', () => {
  it('niceTicks gives 1-2-5 steps inside the interval, without binary noise', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3, 97, 6)).toEqual([0, 20, 40, 60, 80]);
    expect(niceTicks(0.0123, 0.0987, 5)).toEqual([0.02, 0.04, 0.06, 0.08]);
    expect(niceTicks(1, 0, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  it('formatNumber labels with 3 significant digits, k/M suffixes and exponents for tiny values', () => {
    expect([0, 0.5, 0.1 + 0.2, 0.123456, 999, -2500, 12345, 1234567, 0.00042].map(formatNumber)).toEqual([
      '0',
      '0.5',
      '0.3',
      '0.123',
      '999',
      '-2500',
      '12.3k',
      '1.23M',
      '4.2e-4',
    ]);
    expect(formatNumber(Number.NaN)).toBe('NaN');
  });

  it('dataScale pads the data by 4% and widens a single value so it sits mid-axis', () => {
    const s = dataScale([0, 100], [0, 540]);
    expect(s.domain).toEqual([-4, 104]);
    expect(s(-4)).toBe(0);
    expect(s(104)).toBe(540);
    expect(s.ticks(6)).toEqual([0, 50, 100]);
    const one = dataScale([3, 3], [0, 100]);
    expect(one(3)).toBeCloseTo(50, 9);
    expect(dataScale([], [0, 1]).domain).toEqual([-0.04, 1.04]);
    const log = dataScale([0, 0.001, 0.1], [0, 100], true);
    expect(log.log).toBe(true);
    expect(log.ticks(5)).toEqual([0.001, 0.01, 0.1]);
  });

  it('withRange (a resized chart) maps the same data to the same places as a scale built at that width', () => {
    const values = [3, 17, 250, 0.5, 90];
    for (const log of [false, true]) {
      const once = dataScale(values, [0, 1], log);
      for (const range of [[64, 1184], [64, 1344], [200, 20]] as const) {
        const fresh = dataScale(values, range, log);
        const resized = withRange(once, range);
        expect(resized.log).toBe(log);
        expect(resized.ticks(6)).toEqual(fresh.ticks(6));
        for (const v of [...values, ...fresh.ticks(6)]) expect(resized(v)).toBeCloseTo(fresh(v), 9);
      }
    }
  });

  it('paretoStaircase steps along the edge of the dominated region for each direction', () => {
    const front = [
      { x: 3, y: 0.9 },
      { x: 1, y: 0.5 },
      { x: 2, y: 0.8 },
    ];
    // x minimized (energy), y maximized (accuracy): across first, then up.
    expect(paretoStaircase(front, ['minimize', 'maximize'])).toEqual([
      { x: 1, y: 0.5 },
      { x: 2, y: 0.5 },
      { x: 2, y: 0.8 },
      { x: 3, y: 0.8 },
      { x: 3, y: 0.9 },
    ]);
    const both = [
      { x: 3, y: 0.1 },
      { x: 1, y: 0.5 },
      { x: 2, y: 0.3 },
    ];
    // Both maximized: down first, then across.
    expect(paretoStaircase(both, ['maximize', 'maximize'])).toEqual([
      { x: 1, y: 0.5 },
      { x: 1, y: 0.3 },
      { x: 2, y: 0.3 },
      { x: 2, y: 0.1 },
      { x: 3, y: 0.1 },
    ]);
    expect(paretoStaircase([{ x: Number.NaN, y: 1 }], ['minimize', 'minimize'])).toEqual([]);
  });

  it('stepLine holds each value until the next point, in the given order', () => {
    expect(
      stepLine([
        { x: 1, y: 5 },
        { x: 2, y: 3 },
        { x: 4, y: 1 },
      ]),
    ).toEqual([
      { x: 1, y: 5 },
      { x: 2, y: 5 },
      { x: 2, y: 3 },
      { x: 4, y: 3 },
      { x: 4, y: 1 },
    ]);
    expect(stepLine([])).toEqual([]);
  });

  it('the HTML report labels its axes with the ticks the app computes for the same data', () => {
    const points = [
      { x: 120, y: 0.81 },
      { x: 2400, y: 0.93 },
      { x: 56000, y: 0.97 },
    ];
    const svg = chartSvg({ title: 't', x: { label: 'energy_j' }, y: { label: 'val_accuracy' }, layers: [{ kind: 'points', points, cls: 'p' }] });
    const labels = [...svg.matchAll(/<text class="tick"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    const x = dataScale(points.map((p) => p.x), [0, 1]).ticks(6).map(formatNumber);
    const y = dataScale(points.map((p) => p.y), [0, 1]).ticks(5).map(formatNumber);
    expect(x.length).toBeGreaterThan(2);
    expect(labels).toEqual([...x, ...y]);
  });
});
