// Pooled runs of one seed are drawn together: Nightshift's GP with a given seed mostly retraces its search in
// every run, so counting those runs as independent pairs would narrow the intervals without new evidence.
import { describe, expect, it } from 'vitest';
import { clusterSampler, POOL_STRIDE } from '../../bench/realtrain/bootstrap.js';
import { ratioInterval } from '../../bench/realtrain/intervals.js';
import type { RunSummary } from '../../bench/realtrain/report.js';
import { seedMeanMap } from '../../bench/realtrain/summary.js';
import { Rng } from '../../src/main/engine/samplers/rng.js';

function summary(method: string, seed: number, epochs: number): RunSummary {
  return { method, seed, best: 0.9, epochs, joules: epochs, processSeconds: epochs, pausedSeconds: 0, processes: 1, wall: epochs, toTarget: { epochs, joules: epochs, processSeconds: epochs, wall: epochs } };
}

describe('cluster bootstrap over seeds', () => {
  it('draws every pooled run of a seed together, and as many seeds as there are', () => {
    // Seed 0 in three files, seed 1 in one.
    const seeds = [0, POOL_STRIDE, 2 * POOL_STRIDE, 1];
    const draw = clusterSampler(seeds, new Rng(7, 4));
    for (let r = 0; r < 200; r++) {
      const idx = draw();
      const zeros = idx.filter((i) => i < 3).length;
      // Two seeds drawn: seed 0's three runs come in threes, seed 1's run alone.
      expect(zeros % 3).toBe(0);
      expect(idx.length).toBe(zeros + idx.filter((i) => i === 3).length);
      expect(zeros / 3 + idx.filter((i) => i === 3).length).toBe(2);
    }
  });

  it('gives the same run repeated in many files no more weight in the interval than one seed', () => {
    // Seed 0: the method needs a tenth of the reference's epochs; seed 1: ten times. One file of each...
    const once = [summary('m', 0, 1), summary('ref', 0, 10), summary('m', 1, 100), summary('ref', 1, 10)];
    // ...and seed 0's pair copied into nine more files, as a deterministic search would reproduce it.
    const copies = [...once];
    for (let f = 1; f < 10; f++) copies.push(summary('m', f * POOL_STRIDE, 1), summary('ref', f * POOL_STRIDE, 10));
    const a = ratioInterval(once, 'm', 'ref', 'epochs')!;
    const b = ratioInterval(copies, 'm', 'ref', 'epochs')!;
    // The copies move the point estimate (they are in the mean) but the interval still spans both seeds' worlds.
    expect(b.point).toBeLessThan(a.point);
    expect(b.low).toBeCloseTo(0.1, 9);
    expect(b.high).toBeCloseTo(10, 9);
  });

  it("averages a seed's pooled runs into one value per seed before any mean or standard error", () => {
    const rows = [summary('m', 3, 1), summary('m', POOL_STRIDE + 3, 3), summary('m', 5, 10)];
    const means = seedMeanMap(rows, (s) => s.epochs);
    expect([...means]).toEqual([
      [3, 2],
      [5, 10],
    ]);
    // Runs without the value leave their seed out.
    expect(seedMeanMap(rows, (s) => (s.seed === 5 ? undefined : s.epochs)).has(5)).toBe(false);
  });
});
