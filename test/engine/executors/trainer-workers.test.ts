// Reused built-in trainer processes, against the real bundled trainer: trial after trial in one process,
// each with its own logs, reports and exit code, the same results as in a process of its own, and a process
// that is stopped, killed, or timed out handled as a trial process would be.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalExecutor } from '../../../src/main/engine/executors/local.js';
import { TrainerWorkers } from '../../../src/main/engine/executors/trainer-workers.js';
import type { TrialLaunch, TrialLease } from '../../../src/main/engine/executors/types.js';
import { isProcessGroupAlive } from '../../../src/main/engine/runner/groups.js';
import { waitFor } from '../../helpers/procs.js';
import { writeSynthetic } from '../trainers/synthetic.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TRAINER = path.join(ROOT, 'out/trainers/builtin-trainer.mjs');
const home = mkdtempSync(path.join(os.tmpdir(), 'ns-workers-'));
const csv = writeSynthetic(path.join(home, 'train.csv'), 600, 31);
const BUILTIN = JSON.stringify({ model: 'mlp', dataset: { csv, target: 'y' } });

type Reports = { step: number; metrics: Record<string, number> }[];

let n = 0;
function trial(params: Record<string, unknown>, budget: number, extra: Partial<TrialLaunch> = {}): { launch: TrialLaunch; reports: Reports; leases: TrialLease[] } {
  n += 1;
  const reports: Reports = [];
  const leases: TrialLease[] = [];
  const dir = path.join(home, 'trials', String(n));
  const launch: TrialLaunch = {
    trialId: n,
    trialNumber: n,
    studyName: 's',
    dir,
    argv: [process.execPath, TRAINER],
    cwd: home,
    env: {
      NIGHTSHIFT_BUILTIN: BUILTIN,
      NIGHTSHIFT_DATA_CACHE_DIR: path.join(home, 'cache'),
      NIGHTSHIFT_PARAMS: JSON.stringify(params),
      NIGHTSHIFT_BUDGET: String(budget),
      NIGHTSHIFT_SEED: '3',
      NIGHTSHIFT_TRIAL_ID: String(n),
      NIGHTSHIFT_CHECKPOINT_DIR: path.join(dir, 'checkpoint'),
    },
    timeoutMs: null,
    killGraceMs: 3000,
    maxLogBytes: 1 << 20,
    reuseProcess: true,
    onReport: (step, metrics) => reports.push({ step, metrics }),
    onStarted: (lease) => leases.push(lease),
    ...extra,
  };
  return { launch, reports, leases };
}

const PARAMS = { units: 32, layers: 1, lr: 0.01, batch_size: 16 };

/**
 * A 9-epoch trial waiting at rung 1 (rungs 1 and 3): let through, it trains to rung 3 and waits there (no
 * report past it in 400 ms); let through again, it finishes.
 */
async function throughRungs(reports: Reports, h: ReturnType<LocalExecutor['launch']>): Promise<void> {
  h.proceed!(1);
  await waitFor(() => reports.length >= 3, 10_000, 'the report at rung 3');
  await new Promise((r) => setTimeout(r, 400));
  expect(reports.map((r) => r.step)).toEqual([1, 2, 3]);
  h.proceed!(3);
  expect((await h.done).code).toBe(0);
  expect(reports.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
}

/** A trial of the reused Python fixture (nightshift.run), `budget` epochs of 50 ms. */
function python(x: number, budget: number, env: Record<string, string> = {}) {
  return trial({}, budget, {
    argv: ['/usr/bin/python3', path.join(ROOT, 'test/fixtures/trials/reused_worker.py'), '--x', String(x)],
    workerKey: 'reused_worker',
    env: {
      NIGHTSHIFT_PARAMS: JSON.stringify({ x }),
      NIGHTSHIFT_BUDGET: String(budget),
      NIGHTSHIFT_TRIAL_NUMBER: String(budget),
      PID_LOG: path.join(home, 'py-pids.log'),
      PYTHONPATH: path.join(ROOT, 'resources/python'),
      ...env,
    },
  });
}
let executors: LocalExecutor[] = [];
const executor = (): LocalExecutor => {
  const e = new LocalExecutor();
  executors.push(e);
  return e;
};
afterEach(() => {
  executors.forEach((e) => e.close());
  executors = [];
});

describe('reused built-in trainer processes', () => {
  it('runs trial after trial in one process, each with its own logs, and the same results as a fresh process', async () => {
    const ex = executor();
    const a = trial(PARAMS, 2);
    const ha = ex.launch(a.launch);
    expect((await ha.done).code).toBe(0);
    const b = trial({ ...PARAMS, units: 16 }, 3);
    const hb = ex.launch(b.launch);
    expect((await hb.done).code).toBe(0);
    expect(a.leases).toEqual([{ pgid: ha.pid, jobId: null, reused: false }]);
    expect(b.leases).toEqual([{ pgid: ha.pid, jobId: null, reused: true }]);
    expect(a.reports.map((r) => r.step)).toEqual([1, 2]);
    expect(b.reports.map((r) => r.step)).toEqual([1, 2, 3]);
    // Each trial's logs hold its own lines and none of the fences.
    const logA = readFileSync(path.join(a.launch.dir, 'stderr.log'), 'utf8');
    const logB = readFileSync(path.join(b.launch.dir, 'stderr.log'), 'utf8');
    expect(logA).toContain('startup: modules');
    expect(logB).toMatch(/startup: backend \d+ ms/);
    expect(logB).not.toContain('modules');
    // The dataset the process decoded for the first trial is still in memory for the second.
    expect(logB).toContain('data cache: hit in memory');
    expect(logA + logB).not.toContain('@nightshift-worker');
    expect(readFileSync(path.join(b.launch.dir, 'stdout.log'), 'utf8').trim().split('\n')).toHaveLength(3);

    // The same trial in a process of its own reports the same values (seeded, so reproducible either way).
    const fresh = trial({ ...PARAMS, units: 16 }, 3, { reuseProcess: false });
    expect((await executor().launch(fresh.launch).done).code).toBe(0);
    expect(fresh.reports).toEqual(b.reports.map((r) => ({ step: r.step, metrics: { ...r.metrics, epoch_time_s: fresh.reports[r.step - 1]!.metrics.epoch_time_s } })));
  });

  it('ends a stopped trial between batches and keeps the process for the next one', async () => {
    const ex = executor();
    const long = trial(PARAMS, 200);
    const h = ex.launch(long.launch);
    await waitFor(() => long.reports.length > 0, 60_000, 'the long trial\'s first report');
    const exit = await h.stop('pruned at rung 1');
    expect(exit.stoppedBy).toBe('pruned at rung 1');
    expect(exit.code).toBe(143);
    expect(long.reports.length).toBeLessThan(10);
    const next = trial(PARAMS, 1);
    const h2 = ex.launch(next.launch);
    expect((await h2.done).code).toBe(0);
    expect(h2.pid).toBe(h.pid);
    expect(next.leases[0]?.reused).toBe(true);
  });

  /** A 9-epoch trial with rungs at steps 1 and 3, launched and waiting at rung 1. */
  async function atFirstRung() {
    const t = trial(PARAMS, 9);
    t.launch.env.NIGHTSHIFT_RUNG_STEPS = '1,3';
    const h = executor().launch(t.launch);
    await waitFor(() => t.reports.length > 0, 60_000, 'the report at rung 1');
    return { t, h };
  }

  it('waits at a rung step for the verdict: stopped there, it trains no further epoch however late the stop comes', async () => {
    const { t, h } = await atFirstRung();
    // An engine slow to judge (a store write stalled): a trial that did not wait would train on meanwhile.
    await new Promise((r) => setTimeout(r, 400));
    expect((await h.stop('asha stopped at rung 1')).code).toBe(143);
    expect(t.reports.map((r) => r.step)).toEqual([1]);
  });

  it('goes on from a rung when the engine lets it through, and waits again at the next one', async () => {
    const { t, h } = await atFirstRung();
    await throughRungs(t.reports, h);
  });

  it('trains on from a rung after a bounded wait when no verdict comes (an engine that never answers)', async () => {
    const t = trial(PARAMS, 2);
    t.launch.env.NIGHTSHIFT_RUNG_STEPS = '1';
    const h = executor().launch(t.launch);
    expect((await h.done).code).toBe(0);
    expect(t.reports.map((r) => r.step)).toEqual([1, 2]);
  });

  it('reads a data file changed between two trials again instead of serving the old one from memory', async () => {
    const ex = executor();
    const file = writeSynthetic(path.join(home, 'changing.csv'), 300, 7);
    const builtin = JSON.stringify({ model: 'mlp', dataset: { csv: file, target: 'y' } });
    const first = trial(PARAMS, 1);
    first.launch.env.NIGHTSHIFT_BUILTIN = builtin;
    const h = ex.launch(first.launch);
    expect((await h.done).code).toBe(0);
    writeSynthetic(file, 500, 8);
    const second = trial(PARAMS, 1);
    second.launch.env.NIGHTSHIFT_BUILTIN = builtin;
    const h2 = ex.launch(second.launch);
    expect((await h2.done).code).toBe(0);
    expect(h2.pid).toBe(h.pid);
    const log = readFileSync(path.join(second.launch.dir, 'stderr.log'), 'utf8');
    expect(log).not.toContain('in memory');
    expect(log).toMatch(/data cache: stale/);
  });

  it('reports a user error as exit code 2 with its message, and the process serves the next trial', async () => {
    const ex = executor();
    const bad = trial({ units: 'many' }, 1);
    const h = ex.launch(bad.launch);
    const exit = await h.done;
    expect(exit.code).toBe(2);
    expect(exit.stderrTail).toMatch(/units/);
    const good = trial(PARAMS, 1);
    const h2 = ex.launch(good.launch);
    expect((await h2.done).code).toBe(0);
    expect(h2.pid).toBe(h.pid);
  });

  /**
   * A warm process gets a long trial's run command and its stop together, before the trial has started: the
   * stop ends that trial (exit 143), and the same process serves the next one. `make(i, budget)` is trial i.
   */
  async function stopRightAfterLaunch(make: (i: number, budget: number) => ReturnType<typeof trial>): Promise<void> {
    const ex = executor();
    const h0 = ex.launch(make(0, 1).launch);
    expect((await h0.done).code).toBe(0);
    const h = ex.launch(make(1, 400).launch);
    expect(h.pid).toBe(h0.pid);
    expect((await h.stop('campaign over')).code).toBe(143);
    const h2 = ex.launch(make(2, 1).launch);
    expect((await h2.done).code).toBe(0);
    expect(h2.pid).toBe(h.pid);
  }

  it('a stop sent right after the launch ends that trial, and the process serves the next one', async () => {
    await stopRightAfterLaunch((_, budget) => trial(PARAMS, budget));
  });

  it('the same for a Python script that calls nightshift.run', async () => {
    await stopRightAfterLaunch((i, budget) => python(0.1 * (i + 1), budget));
  });

  it('a Python trial waits at a rung step for the verdict: stopped there it reports nothing more, let through it waits at the next', async () => {
    const ex = executor();
    // 50 ms epochs: in the 400 ms before the stop a trial that did not wait would report 8 more.
    const stopped = python(0.2, 9, { NIGHTSHIFT_RUNG_STEPS: '1,3' });
    const h = ex.launch(stopped.launch);
    await waitFor(() => stopped.reports.length > 0, 30_000, 'the report at rung 1');
    await new Promise((r) => setTimeout(r, 400));
    expect((await h.stop('asha stopped at rung 1')).code).toBe(143);
    expect(stopped.reports.map((r) => r.step)).toEqual([1]);

    const through = python(0.3, 9, { NIGHTSHIFT_RUNG_STEPS: '1,3' });
    const h2 = ex.launch(through.launch);
    await waitFor(() => through.reports.length > 0, 30_000, 'the report at rung 1');
    expect(h2.pid).toBe(h.pid);
    await throughRungs(through.reports, h2);

    // No verdict at all (an engine that never answers): it trains on after the bounded wait.
    const unanswered = python(0.4, 2, { NIGHTSHIFT_RUNG_STEPS: '1' });
    expect((await ex.launch(unanswered.launch).done).code).toBe(0);
    expect(unanswered.reports.map((r) => r.step)).toEqual([1, 2]);
  }, 60_000);

  it('freezes a trial at a rung and lets it go on, or stops it while frozen and keeps the process (mode: pause)', async () => {
    const ex = executor();
    const paused = trial(PARAMS, 200);
    const h = ex.launch(paused.launch);
    await waitFor(() => paused.reports.length > 0, 60_000, 'the trial\'s first report');
    expect(h.pause?.()).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    const frozenAt = paused.reports.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(paused.reports.length).toBe(frozenAt);
    expect(h.resume?.()).toBe(true);
    await waitFor(() => paused.reports.length > frozenAt, 60_000, 'a report after the resume');
    expect(h.pause?.()).toBe(true);
    // A stop reaches a frozen process too: it is woken to end the trial, and serves the next one.
    expect((await h.stop('pruned while paused')).code).toBe(143);
    const next = trial(PARAMS, 1);
    const h2 = ex.launch(next.launch);
    expect((await h2.done).code).toBe(0);
    expect(h2.pid).toBe(h.pid);
  });

  it('a process killed during a trial fails that trial only; the next one gets a new process', async () => {
    const ex = executor();
    const victim = trial(PARAMS, 200);
    const h = ex.launch(victim.launch);
    await waitFor(() => victim.reports.length > 0, 60_000, 'the victim\'s first report');
    process.kill(h.pid, 'SIGKILL');
    const exit = await h.done;
    expect(exit.signal).toBe('SIGKILL');
    expect(exit.code).toBeNull();
    const next = trial(PARAMS, 1);
    const h2 = ex.launch(next.launch);
    expect((await h2.done).code).toBe(0);
    expect(h2.pid).not.toBe(h.pid);
    expect(next.leases[0]?.reused).toBe(false);
  });

  it('times a trial out like a trial process, and closing the pool ends its idle processes', async () => {
    const pool = new TrainerWorkers({ onReaped: () => {} });
    const slow = trial(PARAMS, 500, { timeoutMs: 1500 });
    const t = pool.launch(slow.launch);
    const exit = await t.done;
    expect(exit.stoppedBy).toBe('timeout');
    expect(slow.reports.length).toBeGreaterThan(0);
    expect(isProcessGroupAlive(t.pid)).toBe(true);
    await pool.close();
    expect(isProcessGroupAlive(t.pid)).toBe(false);
  });
});
