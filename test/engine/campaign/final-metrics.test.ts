import { describe, expect, it } from 'vitest';
import { finalMetrics, ownIncrements, spentTotal } from '../../../src/main/engine/campaign/final-metrics.js';

describe('a finished trial’s metrics', () => {
  it('adds what was measured, keeps the trial’s own figure under a clashing name', () => {
    const r = finalMetrics({ reported: { loss: 0.3, cost: 7 }, measured: { energy_j: 50, cost: 0.001 }, durationS: 2, inherited: null });
    expect(r.metrics).toEqual({ loss: 0.3, cost: 7, measured_cost: 0.001, energy_j: 50, duration_s: 2 });
    expect(r.notes.join()).toMatch(/reported cost itself/);
  });

  it('counts the energy of the trials a promoted trial continued from', () => {
    const r = finalMetrics({
      reported: { acc: 0.9 },
      measured: { energy_j: 30, gpu_energy_j: 20, co2_g: 1 },
      durationS: 1,
      inherited: { energy_j: 70, gpu_energy_j: 50, co2_g: 2 },
    });
    expect(r.metrics).toMatchObject({ energy_j: 100, gpu_energy_j: 70, co2_g: 3, energy_increment_j: 30 });
  });

  it('totals each trial’s own spending once along a chain of promotions', () => {
    type T = { number: number; origin: string; values: Record<string, number>; metrics: Record<string, number> };
    const trials: T[] = [
      { number: 0, origin: 'sampler:gp', values: { energy_j: 10 }, metrics: {} },
      { number: 1, origin: 'promote:0', values: { energy_j: 25 }, metrics: {} },
      { number: 2, origin: 'promote:1', values: { energy_j: 60 }, metrics: {} },
      { number: 3, origin: 'sampler:gp', values: {}, metrics: { energy_j: 5 } },
    ];
    expect(ownIncrements(trials, 'energy_j')).toEqual([10, 15, 35, 5]);
    expect(spentTotal(trials, 'energy_j')).toBe(65);
    // Not a chain metric: a promoted trial's accuracy is its own.
    expect(ownIncrements([{ number: 0, origin: 'promote:9', values: { acc: 0.8 }, metrics: {} }], 'acc')).toEqual([0.8]);
  });
});
