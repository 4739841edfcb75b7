import { describe, expect, it } from 'vitest';
import { classifyExit, formatDurationMs, stoppedOutcome } from '../../../src/main/engine/runner/outcome.js';
import type { TrialExit } from '../../../src/main/engine/runner/process.js';

// Exits of real processes are covered in launch.test.ts and stop.test.ts; these pin the wording and the rules.
const clean: TrialExit = { code: 0, signal: null, stoppedBy: null, spawnError: null, stderrTail: '', reportCount: 3, durationMs: 1000 };
const opts = { objectives: ['val_accuracy', 'energy_j'], reported: new Set(['val_accuracy']), timeoutMs: null };

describe('classifyExit', () => {
  it('does not require objectives Nightshift measures itself', () => {
    expect(classifyExit(clean, opts)).toEqual({ state: 'complete', reason: null });
  });

  it('names every objective that was never reported', () => {
    const exit = classifyExit(clean, { ...opts, objectives: ['val_accuracy', 'f1', 'auc'] });
    expect(exit).toEqual({ state: 'failed', reason: 'exited 0 without reporting objectives f1, auc' });
  });

  it('puts a stop before the exit status it caused, and a timeout before both', () => {
    expect(classifyExit({ ...clean, code: 143, stoppedBy: 'budget reached' }, opts)).toEqual({
      state: 'stopped',
      reason: 'stopped by user: budget reached',
    });
    expect(classifyExit({ ...clean, code: null, signal: 'SIGKILL', stoppedBy: 'timeout' }, { ...opts, timeoutMs: 90_000 })).toEqual({
      state: 'failed',
      reason: 'timeout after 1m30s',
    });
  });

  it('gives the exit code alone when stderr is empty, and shortens a huge last line', () => {
    expect(classifyExit({ ...clean, code: 2 }, opts).reason).toBe('exit code 2');
    const reason = classifyExit({ ...clean, code: 1, stderrTail: 'a\n' + 'x'.repeat(2000) + '\n\n' }, opts).reason ?? '';
    expect(reason.startsWith('exit code 1: xxx')).toBe(true);
    expect(reason.length).toBeLessThan(320);
  });
});

describe('formatDurationMs', () => {
  it.each([
    [1500, '1.5s'],
    [20 * 60_000, '20m'],
    [90 * 60_000, '1h30m'],
    [8 * 3_600_000, '8h'],
    [3_661_000, '1h1m1s'],
  ])('%d ms → %s', (ms, text) => expect(formatDurationMs(ms)).toBe(text));
});

describe('stoppedOutcome', () => {
  const objectives = [{ metric: 'acc' }, { metric: 'energy_j' }];
  const base = { budget: 9, objectives, reason: 'interrupted', requeue: true };

  it('a trial stopped after reporting its whole budget is complete; the meter supplies energy_j', () => {
    expect(stoppedOutcome({ ...base, lastStep: 9, last: { acc: 0.9 } })).toEqual({ state: 'complete', reason: 'stopped after reporting its whole budget (step 9): interrupted', requeue: false });
  });

  it('one stopped before its budget is stopped and re-queued', () => {
    expect(stoppedOutcome({ ...base, lastStep: 8, last: { acc: 0.9 } })).toEqual({ state: 'stopped', reason: 'interrupted', requeue: true });
  });

  it('without the meter (its engine died), a measured objective it never reported keeps it stopped', () => {
    expect(stoppedOutcome({ ...base, lastStep: 9, last: { acc: 0.9 }, metered: false }).state).toBe('stopped');
    expect(stoppedOutcome({ ...base, lastStep: 9, last: { acc: 0.9, energy_j: 12 }, metered: false }).state).toBe('complete');
  });
});
