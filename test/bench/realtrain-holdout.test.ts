// The real-training benchmark's held-out test part and boundary count (bench/realtrain): the test rows must
// never reach a trial, the held-out score must come from exactly those rows, and "at a bound" must be
// judged in each parameter's own scale. Real files: Debian's sklearn export (/usr/bin/python3) and the
// bundled digits; real training on the wasm backend.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/main/engine/trainers/data/load.js';
import { chosenConfig, holdoutScorer } from '../../bench/realtrain/holdout.js';
import { loadProblem } from '../../bench/realtrain/problems.js';
import type { RunLog } from '../../bench/realtrain/report.js';
import { boundOf, meanSe, trialBoundaryTable } from '../../bench/realtrain/summary.js';

const BENCH = path.resolve(import.meta.dirname, '..', '..', 'bench');
const cache = mkdtempSync(path.join(os.tmpdir(), 'ns-realtrain-'));

describe('real-training problems', () => {
  it('breast_cancer: tuning rows are a prefix of all.csv and no test row is among them', () => {
    const p = loadProblem('breast_cancer', cache, BENCH);
    expect(p.rows).toEqual({ tune: 426, test: 143 });
    const lines = (file: string): string[] => readFileSync(file, 'utf8').trim().split('\n');
    const tune = lines(path.join(cache, 'breast_cancer', 'tune.csv'));
    const all = lines(path.join(cache, 'breast_cancer', 'all.csv'));
    expect(all.slice(0, tune.length)).toEqual(tune);
    const tuneRows = new Set(tune.slice(1));
    const test = all.slice(tune.length);
    expect(test).toHaveLength(143);
    expect(test.filter((r) => tuneRows.has(r))).toEqual([]);
    // Both files decode to the same classes in the same order, so a tuned model's outputs mean the same.
    expect(loadDataset(p.tuneSpec!).classes).toEqual(loadDataset(p.allSpec!).classes);
  });

  it('digits: 85% of the images to tune on, the others after them, every digit in both parts', () => {
    const p = loadProblem('digits', cache, BENCH);
    const tune = loadDataset(p.tuneSpec!);
    const all = loadDataset(p.allSpec!);
    // 15% of each digit, rounded per digit.
    expect(p.rows.test).toBeGreaterThanOrEqual(1495);
    expect(p.rows.test).toBeLessThanOrEqual(1505);
    expect([tune.n, all.n]).toEqual([p.rows.tune, 10000]);
    expect(Buffer.from(all.x.buffer, 0, tune.x.byteLength).equals(Buffer.from(tune.x.buffer, 0, tune.x.byteLength))).toBe(true);
    const testLabels = new Set(all.y.subarray(tune.n));
    expect(testLabels.size).toBe(10);
  });
});

describe('held-out score', () => {
  it('trains the chosen configuration and scores it on exactly the 143 held-out rows', async () => {
    const p = loadProblem('breast_cancer', cache, BENCH);
    const score = await holdoutScorer(p);
    const good = await score({ params: { layers: 1, units: 64, lr: 0.005, batch_size: 64, dropout: 0, activation: 'relu' }, epochs: 9, val: 0 });
    expect(Number.isInteger(Math.round(good * 143 * 1e6) / 1e6)).toBe(true);
    expect(good).toBeGreaterThan(0.85);
    // One epoch at the lowest rate learns less: the score depends on the configuration, not only the data.
    const weak = await score({ params: { layers: 1, units: 32, lr: 0.0005, batch_size: 256, dropout: 0.3, activation: 'relu' }, epochs: 1, val: 0 });
    expect(weak).toBeLessThan(good);
  });

  it('the chosen configuration is the best report, the earliest on a tie, with only search-space parameters', () => {
    const proc = (start: number, params: Record<string, unknown>, reports: [number, number, number][]): RunLog['processes'][number] => ({
      start,
      end: null,
      energy_j: 0,
      cpu_s: null,
      params,
      reports: reports.map(([t, step, value]) => ({ t, step, value, energy_j: null })),
    });
    const run: RunLog = {
      method: 'm',
      seed: 0,
      wall_s: 10,
      epochs: 6,
      processes: [
        proc(0, { lr: 0.001, epochs: 9 }, [[1, 1, 0.5], [2, 2, 0.9], [5, 3, 0.8]]),
        proc(3, { lr: 0.002, epochs: 9 }, [[4, 1, 0.9]]),
        proc(0, { lr: 0.003 }, [[6, 3, 0.85]]),
      ],
    };
    expect(chosenConfig(run)).toEqual({ params: { lr: 0.001 }, epochs: 2, val: 0.9 });
  });
});

describe('boundary count', () => {
  it('judges log-scale parameters in log scale and leaves out two-valued ones', () => {
    expect(boundOf('lr', 5e-4)).toBe('low');
    expect(boundOf('lr', 1e-2)).toBe('high');
    // 1.2e-3 is a tenth of lr's range above its low bound on a linear scale, but 29% of it on the log scale.
    expect(boundOf('lr', 1.2e-3)).toBeNull();
    expect(boundOf('lr', Math.exp(Math.log(5e-4) + 0.005 * Math.log(20)))).toBe('low');
    expect(boundOf('units', 256)).toBe('high');
    expect(boundOf('dropout', 0.002)).toBe('low');
    expect(boundOf('dropout', 0.004)).toBeNull();
    expect(boundOf('layers', 1)).toBeNull();
    expect(boundOf('activation', 'relu')).toBeNull();
  });

  it('counts every trial of every seed for the search path, per method', () => {
    const proc = (params: Record<string, unknown>) => ({ start: 0, end: 1, energy_j: 1, cpu_s: 1, reports: [], params });
    const inside = { layers: 1, units: 100, lr: 3e-3, batch_size: 128, dropout: 0.1, activation: 'relu' };
    const runs: RunLog[] = [
      { method: 'a', seed: 0, wall_s: 1, epochs: 1, processes: [proc(inside), proc({ ...inside, lr: 1e-2, batch_size: 64 })] },
      { method: 'a', seed: 1, wall_s: 1, epochs: 1, processes: [proc({ ...inside, dropout: 0 }), proc(inside)] },
      { method: 'b', seed: 0, wall_s: 1, epochs: 1, processes: [proc(inside)] },
    ];
    expect(trialBoundaryTable(runs).slice(2)).toEqual(['| a | 4 | 50% | 0.75 of 4 |', '| b | 1 | 0% | 0.00 of 4 |']);
  });

  it('mean ± standard error over seeds', () => {
    expect(meanSe([0.9, 0.92, 0.94])).toEqual({ mean: expect.closeTo(0.92, 12), se: expect.closeTo(0.02 / Math.sqrt(3), 12) });
  });
});
