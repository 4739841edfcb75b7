// What the real-training benchmark charges a method up to the moment it first reaches the target: the same
// rule for both sides, whatever each side's reports say about energy.
import { describe, expect, it } from 'vitest';
import { summarize, type RunLog } from '../../bench/realtrain/report.js';

describe('cost to target', () => {
  it('charges finished processes in full and a running one its energy prorated by time, not its last report', () => {
    const run: RunLog = {
      method: 'm',
      seed: 0,
      wall_s: 10,
      epochs: 4,
      processes: [
        // Finished before the target: all of its 30 J.
        { start: 0, end: 2, energy_j: 30, cpu_s: null, reports: [{ t: 1, step: 1, value: 0.5, energy_j: 12 }] },
        // Reaches the target at t = 4, half-way through its 0-8 s life.
        // Its report says 0 J (a meter that had not read it yet); time says half of its 80 J.
        {
          start: 0,
          end: 8,
          energy_j: 80,
          cpu_s: null,
          reports: [
            { t: 3, step: 1, value: 0.7, energy_j: 0 },
            { t: 4, step: 2, value: 0.9, energy_j: 0 },
          ],
        },
        // Started after the target: nothing.
        { start: 5, end: 9, energy_j: 50, cpu_s: null, reports: [{ t: 6, step: 1, value: 0.95, energy_j: 20 }] },
      ],
    };
    const s = summarize(run, 0.9);
    expect(s.toTarget).toEqual({ epochs: 3, joules: 30 + 40, processSeconds: 2 + 4, wall: 4 });
    expect(s.joules).toBe(160);
    expect(summarize(run, 0.99).toTarget).toBeNull();
  });

  it('counts reused trainer processes by their lives, the waits between their trials included', () => {
    const trialsIn = (start: number, end: number, value: number): RunLog['processes'][number] => ({ start, end, energy_j: 10, cpu_s: null, reports: [{ t: end, step: 1, value, energy_j: 10 }] });
    const run: RunLog = {
      method: 'm',
      seed: 0,
      wall_s: 10,
      epochs: 3,
      // Three trials, the first two in one process that waited 0.5 s between them.
      processes: [trialsIn(0, 1, 0.5), trialsIn(1.5, 3, 0.6), trialsIn(0, 4, 0.9)],
      workers: [
        { start: 0, end: 6 },
        { start: 0, end: null },
      ],
    };
    const s = summarize(run, 0.9);
    expect(s.processes).toBe(2);
    expect(s.processSeconds).toBe(6 + 10);
    // To the target at t = 4: both processes were alive all along, trials or not.
    expect(s.toTarget).toEqual({ epochs: 3, joules: 30, processSeconds: 4 + 4, wall: 4 });
  });
});
