// The executor contract: every Executor (local processes, Slurm jobs) must pass these, against real
// processes and (for Slurm) a real cluster. What the campaign relies on: launch with argv values passed
// literally, reports streamed in order, stop with SIGTERM then SIGKILL after the grace period, the exit and
// its reason, and after an engine restart either the same run followed to its end or nothing left running.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Executor, TrialLaunch, TrialLease } from '../../../src/main/engine/executors/index.js';
import { ROOT, tempDir } from '../../helpers/cli.js';
import { pidAlive } from '../../helpers/procs.js';

const TRIAL = path.join(ROOT, 'test/fixtures/executors/trial.mjs');
/** The values failures.test.ts gives the local runner: none of them may reach a shell. */
export const HOSTILE = ['1; touch PWNED1', '$(touch PWNED2)', '`touch PWNED3`', "'; touch PWNED4; '", '&& touch PWNED5', 'a\nb "c" \\d %j %%'];

interface Run {
  launch: TrialLaunch;
  reports: { step: number; metrics: Record<string, number> }[];
  leases: TrialLease[];
  marker: string;
  dir: string;
}

let counter = 0;

function trialRun(root: string, mode: string, value: string, killGraceMs = 2000): Run {
  counter += 1;
  const dir = path.join(root, `trial-${counter}`);
  mkdirSync(dir, { recursive: true });
  const marker = path.join(dir, 'marker.jsonl');
  const run: Run = { reports: [], leases: [], marker, dir, launch: undefined as unknown as TrialLaunch };
  run.launch = {
    trialId: 100_000 + counter + Math.floor(Math.random() * 1e6),
    trialNumber: counter,
    studyName: 'contract',
    dir,
    argv: [process.execPath, TRIAL, mode, value, marker],
    cwd: dir,
    env: { CONTRACT_VALUE: value },
    timeoutMs: null,
    killGraceMs,
    maxLogBytes: 1 << 20,
    onReport: (step, metrics) => run.reports.push({ step, metrics }),
    onStarted: (lease) => run.leases.push(lease),
  };
  return run;
}

function events(marker: string): { event: string; pid: number; value: string }[] {
  if (!existsSync(marker)) return [];
  return readFileSync(marker, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; pid: number; value: string });
}

async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `make` returns a fresh executor (a new one stands for a restarted engine), or a reason to skip.
 * `follows`: whether a trial outlives its engine and is followed again (Slurm) or dies with it (local).
 */
export function executorContract(name: string, follows: boolean, make: () => Executor | string): void {
  const setup = (): Executor | null => {
    const e = make();
    return typeof e === 'string' ? null : e;
  };
  const skip = (() => {
    const e = make();
    if (typeof e === 'string') return e;
    e.close();
    return null;
  })();

  describe.skipIf(skip !== null)(`executor contract: ${name}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it('runs argv with hostile values literally, streams reports in order, records the lease', async () => {
      const ex = setup()!;
      const root = tempDir('ns-exec-');
      const runs = HOSTILE.map((v) => trialRun(root, 'ok', v));
      const handles = runs.map((r) => ex.launch(r.launch));
      const exits = await Promise.all(handles.map((h) => h.done));
      ex.close();
      runs.forEach((r, i) => {
        expect(exits[i]).toMatchObject({ code: 0, stoppedBy: null, spawnError: null, lostReason: null, reportCount: 3 });
        expect(r.reports).toEqual([1, 2, 3].map((step) => ({ step, metrics: { score: step / 10 } })));
        expect(r.leases).toHaveLength(1);
        expect(events(r.marker).map((e) => e.value)).toEqual([HOSTILE[i], HOSTILE[i]]);
        expect(readFileSync(path.join(r.dir, 'stdout.log'), 'utf8')).toMatch(/@nightshift/);
      });
      for (let i = 1; i <= 5; i++) {
        for (const d of [root, ...runs.map((r) => r.dir), ROOT]) expect(existsSync(path.join(d, `PWNED${i}`))).toBe(false);
      }
    });

    it('reports how a trial failed: its exit code and last stderr line', async () => {
      const ex = setup()!;
      const r = trialRun(tempDir('ns-exec-'), 'crash', 'x');
      const exit = await ex.launch(r.launch).done;
      ex.close();
      expect(exit).toMatchObject({ code: 3, stoppedBy: null, lostReason: null });
      expect(exit.stderrTail).toMatch(/boom: exploded/);
    });

    it('stops with SIGTERM first, and SIGKILL after the grace period for a trial that ignores it', async () => {
      const ex = setup()!;
      const root = tempDir('ns-exec-');
      const polite = trialRun(root, 'slow', 'p');
      const stubborn = trialRun(root, 'stubborn', 's', 1000);
      const hp = ex.launch(polite.launch);
      const hs = ex.launch(stubborn.launch);
      await until(() => polite.reports.length >= 2 && stubborn.reports.length >= 1);
      const [ep, es] = await Promise.all([hp.stop('pruned at step 2'), hs.stop('pruned at step 1')]);
      ex.close();
      expect(ep.stoppedBy).toBe('pruned at step 2');
      expect(es.stoppedBy).toBe('pruned at step 1');
      // The polite trial saw SIGTERM and finished its cleanup; the stubborn one saw it and was killed anyway.
      expect(events(polite.marker).map((e) => e.event)).toContain('term');
      expect(events(stubborn.marker).map((e) => e.event)).toContain('term-ignored');
      for (const r of [polite, stubborn]) for (const e of events(r.marker)) expect(pidAlive(e.pid)).toBe(false);
    });

    it('after an engine restart, follows the same run to its end or leaves nothing of it running', async () => {
      const first = setup()!;
      const r = trialRun(tempDir('ns-exec-'), 'slow', 'r');
      first.launch(r.launch);
      await until(() => r.reports.length >= 2 && r.leases.length === 1);
      // The engine dies: nothing is stopped, its pollers just go away.
      first.close();
      const lease = r.leases[0]!;
      const second = setup()!;
      const found = await second.locate({ studyName: r.launch.studyName, trialId: r.launch.trialId, dir: r.dir }, lease);
      expect(found !== null).toBe(follows);
      if (found === null) {
        await second.killOrphans([lease], 1000);
      } else {
        const again: Run['reports'] = [];
        const handle = await second.reattach({ ...r.launch, onReport: (step, metrics) => again.push({ step, metrics }) }, found);
        expect(handle).not.toBeNull();
        await until(() => again.length >= 4);
        // Read from the start: the steps the first engine saw come again, in order, and then new ones.
        expect(again.slice(0, 2)).toEqual(r.reports.slice(0, 2));
        const exit = await handle!.stop('stopped after restart');
        expect(exit.stoppedBy).toBe('stopped after restart');
      }
      second.close();
      await until(() => events(r.marker).every((e) => !pidAlive(e.pid)), 20_000);
      // One run only: the restart neither killed and re-ran it, nor started it twice.
      expect(events(r.marker).filter((e) => e.event === 'start')).toHaveLength(1);
    });
  });
}
