// The one rule every page and the HTML report use to say an energy figure is below the meter's resolution.
import { describe, expect, it } from 'vitest';
import { belowResolution } from '../../src/shared/energy-resolution.js';

describe('belowResolution', () => {
  it("flags every energy figure of a trial whose window was shorter than the meter's sampling, whatever its value", () => {
    const trial = { values: { energy_j: 0.325 }, metrics: { co2_g: 0.00004, cost: 1e-7, startup_s: 0.2 }, flags: ['short_window'] };
    for (const m of ['energy_j', 'energy_above_idle_j', 'gpu_energy_j', 'cpu_energy_j', 'co2_g', 'cost', 'startup_energy_j']) expect(belowResolution(m, 0.3, trial), m).toBe(true);
    // Not energies: the trial's duration, power, memory and reported metrics are figures.
    for (const m of ['duration_s', 'mean_gpu_power_w', 'peak_gpu_mem_mb', 'startup_s', 'acc']) expect(belowResolution(m, 0, trial), m).toBe(false);
  });

  it('reads a stored 0 J as below resolution even without the flag (the meter never stores an energy it did not measure)', () => {
    expect(belowResolution('energy_j', 0)).toBe(true);
    expect(belowResolution('gpu_energy_j', 0)).toBe(true);
    expect(belowResolution('energy_j', 1.625)).toBe(false);
  });

  it("judges CO2 and cost by the trial's energy: 0 g at a measured energy is a clean grid, not a short window", () => {
    expect(belowResolution('co2_g', 0, { values: { energy_j: 12 } })).toBe(false);
    expect(belowResolution('cost', 0, { metrics: { energy_j: 0 } })).toBe(true);
    expect(belowResolution('co2_g', 0.01, { metrics: { energy_j: 0 } })).toBe(true);
    // Energy unknown (a comparison's best value): 0 is read as below resolution.
    expect(belowResolution('cost', 0)).toBe(true);
    expect(belowResolution('cost', 0.2)).toBe(false);
  });

  it('a start-up energy is below resolution when its own window was under a second, a figure when it was longer', () => {
    expect(belowResolution('startup_energy_j', 69.8, { values: { energy_j: 300 }, metrics: { startup_s: 0.4 }, flags: [] })).toBe(true);
    expect(belowResolution('startup_energy_j', 69.8, { values: { energy_j: 300 }, metrics: { startup_s: 1.4 }, flags: [] })).toBe(false);
    expect(belowResolution('startup_energy_j', 0, { metrics: { startup_s: 1.4 } })).toBe(true);
  });
});
