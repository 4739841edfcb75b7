// Pausing a trial process (scheduler mode pause): the whole group freezes where it is, its timeout stands
// still meanwhile, it goes on from there when resumed, and a stop reaches it while it is frozen.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, launch } from './helpers.js';

const node = process.execPath;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stateOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
}

async function reportsReach(rec: { reports: unknown[] }, n: number): Promise<void> {
  while (rec.reports.length < n) await sleep(10);
}

describe('pausing a trial process', () => {
  it('freezes it without losing its place, holds its timeout, and lets it finish when resumed', async () => {
    // 20 steps of 50 ms: about 1 s of work against a 1.5 s timeout, with 2 s of pause in between.
    const { trial, rec } = launch([node, fixture('ticks.mjs')], { timeoutMs: 1500, env: { STEPS: '20', TICK_MS: '50' } });
    await reportsReach(rec, 4);
    expect(trial.pause()).toBe(true);
    expect(trial.pause()).toBe(false);
    await sleep(200);
    const frozenAt = rec.reports.length;
    expect(stateOf(trial.pid)).toBe('T');
    await sleep(2000);
    expect(rec.reports.length).toBe(frozenAt);
    expect(trial.resume()).toBe(true);
    expect(trial.resume()).toBe(false);
    const exit = await trial.done;
    expect(exit).toMatchObject({ code: 0, stoppedBy: null, reportCount: 20 });
    // Every step once, in order: it went on where it was.
    expect(rec.reports.map((r) => r.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(exit.durationMs).toBeGreaterThan(2500);
  }, 20_000);

  it('times out on the time it ran, not the time it was frozen', async () => {
    const { trial, rec } = launch([node, fixture('ticks.mjs')], { timeoutMs: 600, killGraceMs: 200, env: { STEPS: '1000', TICK_MS: '20' } });
    await reportsReach(rec, 2);
    trial.pause();
    await sleep(1000);
    trial.resume();
    const exit = await trial.done;
    expect(exit.stoppedBy).toBe('timeout');
    // Still ran after the pause: the timeout fired on its running time.
    expect(exit.durationMs).toBeGreaterThan(1500);
    expect(rec.reports.length).toBeGreaterThan(10);
  }, 20_000);

  it('ends a frozen trial with SIGTERM, not only SIGKILL after the grace period', async () => {
    const { trial, rec } = launch([node, fixture('ticks.mjs')], { killGraceMs: 10_000, env: { STEPS: '1000', TICK_MS: '20' } });
    await reportsReach(rec, 2);
    expect(trial.pause()).toBe(true);
    const exit = await trial.stop('pruned while paused');
    expect(exit).toMatchObject({ signal: 'SIGTERM', stoppedBy: 'pruned while paused' });
    expect(exit.durationMs).toBeLessThan(10_000);
    expect(trial.resume()).toBe(false);
  }, 20_000);
});
