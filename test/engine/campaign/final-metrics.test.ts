import { describe, expect, it } from 'vitest';
import { finalMetrics } from '../../../src/main/engine/campaign/final-metrics.js';

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
});
