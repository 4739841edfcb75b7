// The targets read on the means: a method held to a share of what the reference spent in its whole run.
import { describe, expect, it } from 'vitest';
import type { RunLog } from '../../bench/realtrain/report.js';
import { bestWithin, pairsOf, shareRows, totalSpend } from '../../bench/realtrain/share.js';

/** One process 0-10 s of `joules`, reporting `values[i]` at t = i + 1. */
function run(method: string, seed: number, joules: number, values: number[]): RunLog {
  return {
    method,
    seed,
    wall_s: values.length,
    epochs: values.length,
    processes: [{ start: 0, end: values.length, energy_j: joules, cpu_s: null, reports: values.map((value, i) => ({ t: i + 1, step: i + 1, value, energy_j: null })) }],
  };
}

const REF = [0.5, 0.6, 0.7, 0.75, 0.8, 0.82, 0.84, 0.86, 0.88, 0.9];

describe('best at a share of the reference spend', () => {
  it('holds the method to the epochs, joules and process-seconds it had spent at each report', () => {
    const m = run('m', 0, 50, [0.6, 0.7, 0.8, 0.85, 0.9, 0.9, 0.91, 0.91, 0.91, 0.91]);
    expect(totalSpend(m, 'joules')).toBe(50);
    expect(bestWithin(m, 'epochs', 4)).toBe(0.85);
    // 5 J per second of its 10 s life: 24 J is before its fifth report.
    expect(bestWithin(m, 'joules', 24)).toBe(0.85);
    expect(bestWithin(m, 'joules', 25)).toBe(0.9);
    expect(bestWithin(m, 'processSeconds', 0.5)).toBe(-Infinity);

    const rows = shareRows(pairsOf([run('ref', 0, 100, REF), m], 'm', 'ref'));
    const by = Object.fromEntries(rows.map((r) => [r.cost, r]));
    // The reference's final best (0.9) comes at half its epochs and process-seconds and a quarter of its joules.
    expect(by.epochs!.breakEven.point).toBeCloseTo(0.5, 9);
    expect(by.processSeconds!.breakEven.point).toBeCloseTo(0.5, 9);
    expect(by.joules!.breakEven.point).toBeCloseTo(0.26, 9); // the grid's first share at or above 25 J of 100
    expect(by.epochs!.atShare).toBe(0.9);
    expect(by.epochs!.difference.point).toBeCloseTo(0, 12);
    expect(by.epochs!.perSeedMet).toBe(1);
  });

  it('compares the means: a seed short of its own reference is made up by another ahead', () => {
    const runs = [
      run('ref', 0, 100, REF),
      run('ref', 1, 100, REF.map((v) => v - 0.1)),
      // Seed 0 never reaches 0.9; seed 1 passes its reference's 0.8 by 0.1 at once.
      run('m', 0, 100, [0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85]),
      run('m', 1, 100, [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]),
    ];
    const epochs = shareRows(pairsOf(runs, 'm', 'ref')).find((r) => r.cost === 'epochs')!;
    expect(epochs.pairs).toBe(2);
    expect(epochs.perSeedMet).toBe(1);
    expect(epochs.referenceFinal).toBeCloseTo(0.85, 12);
    expect(epochs.atShare).toBeCloseTo(0.875, 12);
    expect(epochs.difference.point).toBeCloseTo(0.025, 12);
    // Both have reported once at a tenth of the reference's epochs.
    expect(epochs.breakEven.point).toBeCloseTo(0.1, 9);
    // A method that never gets there has no break-even share.
    const behind = shareRows(pairsOf([run('ref', 0, 100, REF), run('m', 0, 100, REF.map((v) => v - 0.2))], 'm', 'ref'));
    expect(behind.every((r) => r.breakEven.point === null && r.perSeedMet === 0)).toBe(true);
  });
});
