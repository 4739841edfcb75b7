// The held-out reading of the transfer runs: a run cut where it had trained a given number of epochs (what
// the user would have picked then), and the table that sets each choice against the cold run's final one.
import { describe, expect, it } from 'vitest';
import { runAt, table } from '../../bench/realtrain/choice-scores.js';
import { chosenConfig } from '../../bench/realtrain/holdout.js';
import type { ProcessLog, RunLog } from '../../bench/realtrain/report.js';
import { SPACE } from '../../bench/realtrain/space.js';

function proc(units: number, start: number, reports: [t: number, value: number][]): ProcessLog {
  return { start, end: reports.at(-1)![0], energy_j: 1, cpu_s: null, params: { units }, reports: reports.map(([t, value], i) => ({ t, step: i + 1, value, energy_j: null })) };
}

describe('runAt', () => {
  // Epochs trained by time t, both processes together: 1 at t=1, 2 at 1.5, 3 at 2, 4 at 2.5, 5 at 3.
  const run: RunLog = {
    method: 'nightshift-gp-asha-stop-warm-prior',
    seed: 0,
    wall_s: 3,
    epochs: 5,
    processes: [proc(64, 0, [[1, 0.8], [2, 0.85], [3, 0.86]]), proc(128, 0.5, [[1.5, 0.82], [2.5, 0.9]])],
  };

  it('keeps only the reports made by the time the run had trained that many epochs', () => {
    const cut = runAt(run, 3);
    expect(cut.processes.map((p) => p.reports.map((r) => r.value))).toEqual([[0.8, 0.85], [0.82]]);
    // The choice then is the first process at its second epoch, not the second process's later 0.9.
    expect(chosenConfig(cut, SPACE)).toEqual({ params: { units: 64 }, epochs: 2, val: 0.85 });
    expect(chosenConfig(run, SPACE)).toEqual({ params: { units: 128 }, epochs: 2, val: 0.9 });
  });

  it('drops a process that had not reported yet, and leaves the run whole at its full spend', () => {
    expect(runAt(run, 1).processes.map((p) => p.params)).toEqual([{ units: 64 }]);
    expect(runAt(run, 5)).toEqual(run);
  });
});

describe('table', () => {
  it('sets each choice against the cold final choice of its own seed, cold first, each share before its end', () => {
    const rows = [0.91, 0.89, 0.92].map((warm, seed) => ({
      seed,
      scores: new Map([
        ['prior@final', 0.93],
        ['prior@share', warm],
        ['cold@final', 0.9],
        ['cold@share', 0.88],
      ]),
    }));
    const lines = table(rows, 0.5).filter((l) => /^\| (cold|prior) /.test(l));
    expect(lines.map((l) => l.split(' | ').slice(0, 2).join(' | '))).toEqual([
      "| cold | @0.5× of cold's epochs",
      '| cold | @final',
      "| prior | @0.5× of cold's epochs",
      '| prior | @final',
    ]);
    expect(lines[1]).toContain('| 90.00 ± 0.00% | – | – |');
    expect(lines[0]).toMatch(/\| 88\.00 ± 0\.00% \| -2\.00 \(-2\.00 to -2\.00\) \| 0\/3 \|$/);
    // +1, -1 and +2 points: mean +0.67, two seeds of three at least as good, an interval that holds the mean.
    const m = /\| \+0\.67 \((-?[\d.+]+) to \+?(-?[\d.]+)\) \| 2\/3 \|$/.exec(lines[2]!);
    expect(m, lines[2]).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(0.67);
    expect(Number(m![2])).toBeGreaterThan(0.67);
    expect(lines[3]).toMatch(/\| \+3\.00 \(\+3\.00 to \+3\.00\) \| 3\/3 \|$/);
  });
});
