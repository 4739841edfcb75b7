// The bootstrap intervals the real-training benchmark prints beside its ratios to Optuna.
import { describe, expect, it } from 'vitest';
import { ratioInterval } from '../../bench/realtrain/intervals.js';
import type { RunSummary } from '../../bench/realtrain/report.js';

function run(method: string, seed: number, epochs: number, reached: number | null): RunSummary {
  return {
    method,
    seed,
    best: 0.9,
    epochs,
    joules: 10 * epochs,
    processSeconds: epochs,
    pausedSeconds: 0,
    processes: 5,
    wall: epochs,
    toTarget: reached === null ? null : { epochs: reached, joules: 10 * reached, processSeconds: reached, wall: reached },
  };
}

describe('ratioInterval', () => {
  it('is the every-seed ratio of means (a seed that never got there counts its whole run), with an interval around it', () => {
    const rows = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((s) => [run('ref', s, 60, 20 + 2 * s), run('m', s, 60, s === 7 ? null : 10 + s)]);
    const r = ratioInterval(rows, 'm', 'ref', 'epochs')!;
    const m = [10, 11, 12, 13, 14, 15, 16, 60];
    const ref = [20, 22, 24, 26, 28, 30, 32, 34];
    expect(r.point).toBeCloseTo(m.reduce((a, b) => a + b) / ref.reduce((a, b) => a + b), 12);
    expect(r.low).toBeLessThan(r.point);
    expect(r.high).toBeGreaterThan(r.point);
    expect(r.low).toBeGreaterThanOrEqual(Math.min(...m.map((x, i) => x / ref[i]!)));
    expect(r.high).toBeLessThanOrEqual(Math.max(...m.map((x, i) => x / ref[i]!)));
  });

  it('pairs each seed with the reference of the same seed, and narrows as identical evidence grows', () => {
    const seeds = (n: number): RunSummary[] => Array.from({ length: n }, (_, s) => [run('ref', s, 60, 30), run('m', s, 60, s % 2 ? 15 : 30)]).flat();
    const few = ratioInterval(seeds(6), 'm', 'ref', 'joules')!;
    const many = ratioInterval(seeds(60), 'm', 'ref', 'joules')!;
    expect(few.point).toBeCloseTo(0.75, 12);
    expect(many.point).toBeCloseTo(0.75, 12);
    expect(many.high - many.low).toBeLessThan(few.high - few.low);
    // A method that always spends half the reference is at or below 0.6 in every resample.
    const half = Array.from({ length: 10 }, (_, s) => [run('ref', s, 60, 30), run('h', s, 60, 15)]).flat();
    expect(ratioInterval(half, 'h', 'ref', 'processSeconds')).toMatchObject({ point: 0.5, low: 0.5, high: 0.5, atOrBelowTarget: 1 });
    expect(ratioInterval(half, 'absent', 'ref', 'epochs')).toBeNull();
  });
});
