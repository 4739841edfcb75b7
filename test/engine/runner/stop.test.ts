import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isProcessGroupAlive, killProcessGroup } from '../../../src/main/engine/runner/groups.js';
import { classifyExit } from '../../../src/main/engine/runner/outcome.js';
import { fixture, isPidAlive, launch, readLog, waitForLine } from './helpers.js';

const node = process.execPath;

describe('stopping trials', () => {
  it('kills a trial whose parent and forked child both ignore SIGTERM', async () => {
    const { trial, rec, logDir } = launch([node, fixture('fork-ignore-term.mjs')], { killGraceMs: 300 });
    const childPid = Number((await waitForLine(rec, 'CHILD ')).slice('CHILD '.length));
    expect(isPidAlive(childPid)).toBe(true);
    expect(isProcessGroupAlive(trial.pid)).toBe(true);

    const exit = await trial.stop('user');
    expect(exit).toMatchObject({ signal: 'SIGKILL', stoppedBy: 'user' });
    expect(isProcessGroupAlive(trial.pid)).toBe(false);
    expect(isPidAlive(trial.pid)).toBe(false);
    expect(isPidAlive(childPid)).toBe(false);
    // SIGTERM did arrive first, and the parent chose to ignore it.
    expect(readLog(logDir, 'stdout')).toContain('parent ignores SIGTERM');
    expect(classifyExit(exit, { objectives: [], reported: new Set(), timeoutMs: null })).toEqual({
      state: 'stopped',
      reason: 'stopped by user',
    });
    expect(await trial.done).toBe(exit);
  });

  it('ends a cooperative trial with SIGTERM and keeps the first stop reason', async () => {
    const { trial, rec } = launch([node, fixture('hang.mjs')], { killGraceMs: 30_000 });
    await new Promise<void>((resolve) => {
      const check = (): void => (rec.reports.length > 0 ? resolve() : void setTimeout(check, 10));
      check();
    });
    const first = trial.stop('Ctrl-C');
    const second = trial.stop('something else');
    const exit = await first;
    expect(await second).toBe(exit);
    expect(exit).toMatchObject({ signal: 'SIGTERM', stoppedBy: 'Ctrl-C', reportCount: 1 });
    expect(classifyExit(exit, { objectives: ['loss'], reported: new Set(['loss']), timeoutMs: null })).toEqual({
      state: 'stopped',
      reason: 'stopped by user: Ctrl-C',
    });
  });

  it('times a hanging trial out', async () => {
    const { trial, rec } = launch([node, fixture('hang.mjs')], { timeoutMs: 500, killGraceMs: 200 });
    const exit = await trial.done;
    expect(exit).toMatchObject({ stoppedBy: 'timeout', signal: 'SIGTERM' });
    expect(rec.reports).toHaveLength(1);
    expect(isProcessGroupAlive(trial.pid)).toBe(false);
    expect(classifyExit(exit, { objectives: ['loss'], reported: new Set(['loss']), timeoutMs: 20 * 60_000 })).toEqual({
      state: 'failed',
      reason: 'timeout after 20m',
    });
  });

  it('times out a trial that ignores SIGTERM, with SIGKILL after the grace period', async () => {
    // The timeout leaves the trial time to install its SIGTERM handler and fork, even on a loaded machine.
    const { trial, rec } = launch([node, fixture('fork-ignore-term.mjs')], { timeoutMs: 1500, killGraceMs: 200 });
    const childPid = Number((await waitForLine(rec, 'CHILD ')).slice('CHILD '.length));
    const exit = await trial.done;
    expect(exit).toMatchObject({ stoppedBy: 'timeout', signal: 'SIGKILL' });
    expect(isPidAlive(childPid)).toBe(false);
    expect(isProcessGroupAlive(trial.pid)).toBe(false);
  });

  it('does not leave children behind when the trial exits by itself', async () => {
    const { trial, rec } = launch([node, fixture('orphan.mjs')], { killGraceMs: 300 });
    const exit = await trial.done;
    const childPid = Number((await waitForLine(rec, 'CHILD ')).slice('CHILD '.length));
    expect(exit).toMatchObject({ code: 0, stoppedBy: null, reportCount: 1 });
    expect(isPidAlive(childPid)).toBe(false);
    expect(isProcessGroupAlive(trial.pid)).toBe(false);
  });

  it('stop() after the trial ended returns the same exit and changes nothing', async () => {
    const { trial } = launch([node, fixture('report.mjs'), '1']);
    const exit = await trial.done;
    expect(await trial.stop('late')).toBe(exit);
    expect(exit.stoppedBy).toBeNull();
  });
});

describe('process groups of an engine that died', () => {
  it('finds and kills an orphaned trial group by its id', async () => {
    // As a crashed engine would leave it: a detached trial that nobody reads or waits for.
    const orphan = spawn(node, [fixture('fork-ignore-term.mjs')], { detached: true, stdio: 'ignore' });
    const pgid = orphan.pid ?? 0;
    orphan.unref();
    expect(pgid).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isProcessGroupAlive(pgid)).toBe(true);
    await killProcessGroup(pgid, 300);
    expect(isProcessGroupAlive(pgid)).toBe(false);
    await killProcessGroup(pgid, 300); // a second call on a gone group is a no-op
  });

  it('never treats its own group or invalid ids as a trial', () => {
    for (const id of [0, -1, 1, 1.5, Number.NaN]) expect(isProcessGroupAlive(id)).toBe(false);
    expect(isProcessGroupAlive(2 ** 22 + 12345)).toBe(false);
  });
});
