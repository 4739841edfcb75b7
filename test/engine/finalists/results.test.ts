import { describe, expect, it } from 'vitest';
import { summarizeFinalists, type FinalistRunResult } from '../../../src/main/engine/finalists/results.js';
import { planRuns } from '../../../src/main/engine/finalists/select.js';
import { meanInterval, probabilityBeats } from '../../../src/main/engine/finalists/stats.js';
import type { FinalistsSpec } from '../../../src/main/engine/study/types.js';

const spec: FinalistsSpec = { top: 2, seeds: 3, overrides: { precision: 'fp32' }, folds: null, objective: null };
const objectives = [{ metric: 'acc', direction: 'maximize' as const }];
const finalists = [
  { number: 3, params: { lr: 0.1, precision: 'bf16' }, values: { acc: 0.97 }, budget: null, energyJ: 50 }, // lucky in the search
  { number: 8, params: { lr: 0.2, precision: 'bf16' }, values: { acc: 0.93 }, budget: null, energyJ: 40 },
];
const planned = planRuns(finalists, spec, 1, null);
const run = (number: number, parentNumber: number, seedIndex: number, acc: number, energy: number): FinalistRunResult => ({
  number,
  parentNumber,
  seedIndex,
  fold: null,
  state: 'complete',
  values: { acc },
  metrics: { energy_j: energy },
});

describe('summarizeFinalists', () => {
  const runs = [run(10, 3, 0, 0.9, 60), run(11, 3, 1, 0.91, 61), run(12, 3, 2, 0.89, 62), run(13, 8, 0, 0.93, 50), run(14, 8, 1, 0.925, 52), run(15, 8, 2, 0.935, 51)];
  const r = summarizeFinalists({ objectives, spec, finalists, planned, runs });

  it('ranks by the validated mean: the configuration lucky in the search loses', () => {
    expect(r.finalists.map((f) => [f.trial, f.rank, f.search_rank])).toEqual([
      [8, 1, 2],
      [3, 2, 1],
    ]);
    expect(r.winner).toBe(8);
    expect(r.search_winner).toBe(3);
    expect(r.winner_kept).toBe(false);
    expect(r.rank_tau).toBe(-1);
    expect(r.done).toBe(true);
  });

  it('gives each objective and energy a t-interval, the optimism and the precisions', () => {
    const lucky = r.finalists.find((f) => f.trial === 3)!;
    expect(lucky.validated.acc).toEqual(meanInterval([0.9, 0.91, 0.89]));
    expect(lucky.validated.energy_j).toEqual(meanInterval([60, 61, 62]));
    expect(lucky.optimism.acc).toBeCloseTo(0.97 - 0.9, 12);
    expect(lucky.search).toEqual({ acc: 0.97, energy_j: 50 });
    expect(lucky.precision).toEqual({ search: 'bf16', validated: 'fp32' });
    expect(lucky.run_params).toEqual({ lr: 0.1, precision: 'fp32' });
    expect(lucky.runs).toEqual({ planned: 3, complete: 3, failed: 0, pending: 0 });
  });

  it('pairs runs by seed for the probability that one beats the other', () => {
    const p = r.beats.find((b) => b.a === 8 && b.b === 3)!.p;
    const byseed = (parent: number) => new Map(runs.filter((x) => x.parentNumber === parent).map((x) => [`seed ${x.seedIndex}`, x.values.acc!]));
    expect(p).toBeCloseTo(probabilityBeats(byseed(8), byseed(3), 'maximize'), 12);
    expect(p).toBeGreaterThan(0.95);
  });

  it('counts pending and failed runs; a finalist without a complete run is ranked last', () => {
    const partial = summarizeFinalists({ objectives, spec, finalists, planned, runs: [run(10, 8, 0, 0.9, 1), { ...run(11, 3, 0, 0, 0), state: 'failed', values: {} }] });
    expect(partial.done).toBe(false);
    expect(partial.finalists.map((f) => f.trial)).toEqual([8, 3]);
    expect(partial.finalists[1]!.runs).toEqual({ planned: 3, complete: 0, failed: 1, pending: 2 });
    expect(partial.finalists[1]!.validated).toEqual({});
  });
});
