// The ceiling of a warm start on real training (`--transfer repeat`): the earlier study's best configuration,
// pinned so that every trial trains it again with a new seed; and which configurations a warm study replays.
import { describe, expect, it } from 'vitest';
import type { ProcessLog, RunLog } from '../../bench/realtrain/report.js';
import { SPACE } from '../../bench/realtrain/space.js';
import { replayedKeys, replayFateLine, replayFates } from '../../bench/realtrain/replays.js';
import { localSpace, pinnedSpace } from '../../bench/realtrain/transfer.js';

function trial(params: Record<string, number | string>, values: number[]): ProcessLog {
  return { start: 0, end: values.length, energy_j: 1, cpu_s: null, params, reports: values.map((value, i) => ({ t: i + 1, step: i + 1, value, energy_j: null })) };
}

const A = { layers: 2, units: 181, lr: 0.0033, batch_size: 149, dropout: 0, activation: 'relu' };
const B = { layers: 1, units: 64, lr: 0.01, batch_size: 64, dropout: 0.2, activation: 'elu' };
const C = { layers: 2, units: 256, lr: 0.005, batch_size: 64, dropout: 0.1, activation: 'relu' };

describe('pinnedSpace', () => {
  it("pins the best configuration among those that trained to the top, not a stopped trial's higher early value", () => {
    const run: RunLog = {
      method: 'nightshift-gp-asha-stop',
      seed: 0,
      wall_s: 10,
      epochs: 13,
      processes: [trial(A, [0.9, 0.92, 0.93, 0.95]), trial(B, [0.96]), trial(C, [0.91, 0.93, 0.94, 0.94, 0.97, 0.94, 0.94, 0.96])],
    };
    // At 4 epochs A has 0.95 and C 0.94 (its 0.97 came later); B was stopped at 1 epoch with 0.96.
    const space = pinnedSpace(run, 4, SPACE);
    expect(space.units).toEqual({ type: 'categorical', choices: [181] });
    expect(space.activation).toEqual({ type: 'categorical', choices: ['relu'] });
    const lr = space.lr as { type: string; low: number; high: number };
    expect(lr.type).toBe('float');
    expect(lr.low).toBe(0.0033);
    expect(lr.high).toBeGreaterThan(0.0033);
    expect(lr.high - lr.low).toBeLessThan(1e-8);
    // A float at 0 still gets a range: the sampler needs room for a new configuration every trial.
    const dropout = space.dropout as { low: number; high: number };
    expect(dropout.low).toBe(0);
    expect(dropout.high).toBeGreaterThan(0);
    expect(Object.keys(space).sort()).toEqual(Object.keys(SPACE).sort());
  });

  it('names the run when no configuration trained to the top', () => {
    const run: RunLog = { method: 'nightshift-gp-asha-stop', seed: 3, wall_s: 1, epochs: 1, processes: [trial(B, [0.96])] };
    expect(() => pinnedSpace(run, 9, SPACE)).toThrow(/seed 3: no configuration trained to 9 epochs/);
  });
});

describe('localSpace', () => {
  it('boxes the best configuration that trained to the top: a tenth of each range either side, in log for a log parameter, clipped', () => {
    const run: RunLog = { method: 'nightshift-gp-asha-stop', seed: 0, wall_s: 10, epochs: 8, processes: [trial(A, [0.9, 0.92, 0.93, 0.95]), trial(C, [0.9, 0.9, 0.9, 0.94])] };
    const space = localSpace(run, 4, SPACE);
    // lr 0.0033 in [5e-4, 1e-2], log: (1e-2 / 5e-4) ** 0.1 = 1.349 either side.
    const lr = space.lr as { type: string; low: number; high: number; log?: boolean };
    expect(lr.type).toBe('float');
    expect(lr.log).toBe(true);
    expect(lr.low).toBeCloseTo(0.0033 / 20 ** 0.1, 12);
    expect(lr.high).toBeCloseTo(0.0033 * 20 ** 0.1, 12);
    // dropout 0 in [0, 0.3]: clipped below at 0, 0.03 above.
    expect(space.dropout).toEqual({ type: 'float', low: 0, high: expect.closeTo(0.03, 12) });
    // units 181 in [32, 256], log int: 181 / 8 ** 0.1 = 147.02 .. 222.8, the whole units inside.
    expect(space.units).toEqual({ type: 'int', low: 148, high: 222, log: true });
    // layers 2 in [1, 2]: 1.9 .. 2.1 holds one integer, so it is pinned like a categorical.
    expect(space.layers).toEqual({ type: 'categorical', choices: [2] });
    expect(space.activation).toEqual({ type: 'categorical', choices: ['relu'] });
  });

  it('names the run when no configuration trained to the top', () => {
    const run: RunLog = { method: 'nightshift-gp-asha-stop', seed: 5, wall_s: 1, epochs: 1, processes: [trial(B, [0.96])] };
    expect(() => localSpace(run, 9, SPACE)).toThrow(/seed 5: no configuration trained to 9 epochs, nothing to search around/);
  });
});

describe('replayedKeys', () => {
  it("is the source's configurations that trained to the top, best first and at most five, not its first trial numbers", () => {
    const tops = [0.91, 0.95, 0.93, 0.97, 0.92, 0.96].map((v, i) => trial({ ...A, units: 100 + i }, [0.9, 0.9, 0.9, v]));
    // Stopped early with a high value: warm_start never replays it (only complete trials are ranked).
    const stopped = trial({ ...B }, [0.99]);
    const run: RunLog = { method: 'nightshift-gp-asha-stop', seed: 0, wall_s: 1, epochs: 25, processes: [stopped, ...tops] };
    const keys = replayedKeys(run, 4);
    expect([...keys].map((k) => (JSON.parse(k) as { units: number }).units)).toEqual([103, 105, 101, 102, 104]);
    expect(keys.has(JSON.stringify(B))).toBe(false);
  });
});

describe('replayFates', () => {
  it('counts the replays a warm run stopped before the top, the source being the next cold seed', () => {
    const cold = (seed: number, processes: ProcessLog[]): RunLog => ({ method: 'nightshift-gp-asha-stop', seed, wall_s: 1, epochs: 9, processes });
    // Seed 4's warm run starts from seed 7's cold study: A is its best, C its second; B only from seed 4's own.
    const runs: RunLog[] = [
      cold(4, [trial(B, [0.9, 0.9, 0.9, 0.99])]),
      cold(7, [trial(C, [0.9, 0.9, 0.9, 0.93]), trial(A, [0.9, 0.9, 0.9, 0.95])]),
      { method: 'nightshift-gp-asha-stop-warm-judged', seed: 4, wall_s: 1, epochs: 5, processes: [trial(A, [0.8]), trial(C, [0.9, 0.9, 0.9, 0.94]), trial(B, [0.7])] },
    ];
    expect(replayFates(runs, 'nightshift-gp-asha-stop', 4).get('nightshift-gp-asha-stop-warm-judged')).toEqual({ replays: 2, stopped: 1, runs: 1, bestStopped: 1, bestMissing: 0 });
  });

  it("counts a warm run in which the source's best never ran", () => {
    const cold = (seed: number, processes: ProcessLog[]): RunLog => ({ method: 'nightshift-gp-asha-stop', seed, wall_s: 1, epochs: 9, processes });
    const runs: RunLog[] = [
      cold(4, [trial(B, [0.9, 0.9, 0.9, 0.99])]),
      cold(7, [trial(C, [0.9, 0.9, 0.9, 0.93]), trial(A, [0.9, 0.9, 0.9, 0.95])]),
      // Only C, the source's second, was replayed: A, its best, is nowhere in the warm run.
      { method: 'nightshift-gp-asha-stop-warm-prior', seed: 4, wall_s: 1, epochs: 4, processes: [trial(C, [0.9, 0.9, 0.9, 0.94])] },
    ];
    expect(replayFates(runs, 'nightshift-gp-asha-stop', 4).get('nightshift-gp-asha-stop-warm-prior')).toEqual({ replays: 1, stopped: 0, runs: 1, bestStopped: 0, bestMissing: 1 });
    expect(replayFateLine(replayFates(runs, 'nightshift-gp-asha-stop', 4), 4)).toContain('never run in 1');
  });
});
