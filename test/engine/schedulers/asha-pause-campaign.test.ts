// Pause-based ASHA through the real engine: real trial processes frozen and resumed, a real SQLite file.
// Each configuration runs in one process; one that does not (yet) pass a rung waits there, frozen, with its
// slot given to another trial, and goes on in the same process once it passes.
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStudyYaml } from '../../helpers/campaign.js';
import { configKey } from '../../../src/main/engine/schedulers/rungs.js';
import { StoppingHyperbandScheduler } from '../../../src/main/engine/schedulers/stopping.js';
import { ROOT } from '../../helpers/cli.js';
import { dirWithPidLog, epochsStudyYaml, loggedPids } from '../../helpers/epochs-study.js';
import { pidAlive } from '../../helpers/procs.js';

// One trial at a time: the order in which configurations reach a rung, and so every decision, is then the
// same on a loaded machine as on an idle one.
function study(pidLog: string, scheduler: string): string {
  return epochsStudyYaml({ name: 'pause', scheduler, budget: 12, seed: 5, epochMs: 60, pidLog, parallel: 1 });
}

interface Row {
  id: number;
  x: number;
  step: number;
  value: number;
  seq: number;
}

function reportsOf(db: string): Row[] {
  const conn = new Database(db, { readonly: true });
  const rows = conn
    .prepare(
      `SELECT r.trial_id AS id, p.value_num AS x, r.step, r.value, r.rowid AS seq FROM reports r
       JOIN trial_params p ON p.trial_id = r.trial_id AND p.name = 'x' WHERE r.metric = 'score' ORDER BY r.rowid`,
    )
    .all() as Row[];
  conn.close();
  return rows;
}

function eventsOf(db: string, kind: string): { trial_id: number; message: string }[] {
  const conn = new Database(db, { readonly: true });
  const rows = conn.prepare('SELECT trial_id, message FROM events WHERE kind = ? ORDER BY id').all(kind) as { trial_id: number; message: string }[];
  conn.close();
  return rows;
}

describe('a pause-based ASHA campaign', () => {
  it('runs each configuration in one process, freezes those that do not pass a rung yet, and resumes them in place', async () => {
    const { dir, pidLog } = dirWithPidLog();
    const { db, store, result, trials } = await runStudyYaml(dir, study(pidLog, '{type: asha, mode: pause, max_paused: 4}'));
    store.close();
    expect(result.state).toBe('finished');
    expect(trials).toHaveLength(12);
    // No promotions, no second process for a configuration.
    expect(trials.every((t) => t.lineage.kind === 'sampler' && t.budget === 9)).toBe(true);
    const pids = loggedPids(pidLog);
    expect(pids).toHaveLength(12);
    expect(pids.filter(pidAlive)).toEqual([]);

    const rows = reportsOf(db);
    const last = (id: number): number => Math.max(...rows.filter((r) => r.id === id).map((r) => r.step));
    // The first configuration to reach rung 1 could not be judged alone: it waited (stop mode lets it go on).
    const firstAtRung1 = rows.find((r) => r.step >= 1)!;
    const paused = eventsOf(db, 'paused');
    expect(paused[0]).toMatchObject({ trial_id: firstAtRung1.id });
    expect(paused[0]!.message).toBe('waits at rung 1: rank 1 of the 1 configurations at rung 1; the top 0 go on');
    // Nothing went past rung 1 before three configurations had reached it.
    const arrivals1 = new Map<number, number>();
    for (const r of rows) if (r.step >= 1 && !arrivals1.has(r.id)) arrivals1.set(r.id, r.seq);
    const firstPast1 = rows.find((r) => r.step > 1)!;
    expect(firstPast1.seq).toBeGreaterThan([...arrivals1.values()].sort((a, b) => a - b)[2]!);

    const resumed = eventsOf(db, 'resumed');
    expect(resumed.length).toBeGreaterThan(0);
    // A trial let through after waiting went on in its own process (one pid per trial above) past the rung.
    for (const e of resumed) expect(last(e.trial_id), e.message).toBeGreaterThan(Number(/^passed rung (\d) after waiting$/.exec(e.message)![1]));
    for (const t of trials) {
      const waited = paused.some((e) => e.trial_id === t.id);
      if (waited) expect(t.metrics.paused_s, `trial ${t.number}`).toBeGreaterThan(0);
      else expect(t.metrics.paused_s).toBeUndefined();
      if (t.state === 'complete') {
        expect(last(t.id)).toBe(9);
      } else {
        expect(t.state, `trial ${t.number}`).toBe('pruned');
        const m = /^stopped while paused at rung (\d) \(rank (\d+) of the (\d+) configurations at rung \d; the top (\d+) go on\): (more than max_paused \(4\)|the search ended)/.exec(t.reason ?? '');
        expect(m, t.reason ?? '').not.toBeNull();
        // What it printed after the freeze was not stored: its reports end at the rung it waited at.
        expect(last(t.id)).toBe(Number(m![1]));
        expect(Number(m![2])).toBeGreaterThan(Number(m![4]));
      }
    }
  }, 120_000);

  it('ends, rather than waits forever, when the search space runs out while trials are paused', async () => {
    const { dir, pidLog } = dirWithPidLog();
    // A grid of 4 configurations: the last ones to arrive find the others frozen and nothing new to start.
    const yaml = epochsStudyYaml({ name: 'pause', scheduler: '{type: asha, mode: pause, max_paused: 4}', sampler: '{type: grid, levels: 4}', budget: 50, seed: 5, epochMs: 60, pidLog, parallel: 1 });
    const { store, result, trials } = await runStudyYaml(dir, yaml);
    store.close();
    expect(result).toMatchObject({ state: 'finished' });
    expect(result.reason).toMatch(/^search space exhausted/);
    expect(trials).toHaveLength(4);
    const ended = trials.filter((t) => t.state === 'pruned');
    expect(ended.length).toBeGreaterThan(0);
    for (const t of ended) expect(t.reason).toMatch(/^stopped while paused at rung \d \(.*\): the search ended \(search space exhausted/);
    expect(loggedPids(pidLog).filter(pidAlive)).toEqual([]);
  }, 120_000);

  it('pauses Hyperband brackets by their own rungs: bracket 0 never waits, and each trial runs in one process', async () => {
    const { dir, pidLog } = dirWithPidLog();
    const { db, store, result, trials } = await runStudyYaml(dir, epochsStudyYaml({ name: 'hb', scheduler: '{type: hyperband, mode: pause}', budget: 12, seed: 5, epochMs: 60, pidLog, parallel: 1 }));
    store.close();
    expect(result.state).toBe('finished');
    expect(loggedPids(pidLog)).toHaveLength(12);
    expect(trials.every((t) => t.lineage.kind === 'sampler' && t.budget === 9)).toBe(true);
    const hb = new StoppingHyperbandScheduler({ param: 'epochs', min: 1, max: 9, eta: 3 });
    const bracket = hb.brackets(new Map(trials.map((t) => [configKey(t.params), []])));
    const waitedAt = new Map<number, number[]>();
    for (const e of eventsOf(db, 'paused')) waitedAt.set(e.trial_id, [...(waitedAt.get(e.trial_id) ?? []), Number(/^waits at rung (\d)/.exec(e.message)![1])]);
    expect(waitedAt.size).toBeGreaterThan(0);
    for (const t of trials) {
      const s = bracket.get(configKey(t.params))!;
      // Bracket s judges only at the top s+1 rungs below the max: 1 and 3 for s = 2, 3 for s = 1, none for s = 0.
      const allowed = s === 2 ? [1, 3] : s === 1 ? [3] : [];
      for (const r of waitedAt.get(t.id) ?? []) expect(allowed, `trial ${t.number} in bracket ${s}`).toContain(r);
      if (s === 0) expect(t.state).toBe('complete');
    }
    expect(loggedPids(pidLog).filter(pidAlive)).toEqual([]);
  }, 120_000);

  it('freezes and resumes a Python trial together with its worker process, and leaves neither behind', async () => {
    const { dir, pidLog } = dirWithPidLog();
    const yaml = epochsStudyYaml({ name: 'py', scheduler: '{type: asha, mode: pause}', budget: 12, seed: 5, epochMs: 0, pidLog, parallel: 1 }).replace(
      /command: \[node, [^\]]*\]/,
      `command: [/usr/bin/python3, ${JSON.stringify(path.join(ROOT, 'test/fixtures/trials/epochs_worker.py'))}]`,
    );
    const { db, store, result, trials } = await runStudyYaml(dir, yaml);
    store.close();
    expect(result.state).toBe('finished');
    // Two processes per trial (the trial and its worker), one trial per configuration.
    expect(loggedPids(pidLog)).toHaveLength(2 * trials.length);
    const resumed = eventsOf(db, 'resumed');
    expect(resumed.length).toBeGreaterThan(0);
    const rows = reportsOf(db);
    for (const e of resumed) {
      const steps = rows.filter((r) => r.id === e.trial_id).map((r) => r.step);
      // Went on where it was: every step once, in order, in its one process.
      expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
      expect(steps.length).toBeGreaterThan(1);
    }
    expect(loggedPids(pidLog).filter(pidAlive)).toEqual([]);
  }, 120_000);

  it('stops the waiting trial furthest from passing once more than max_paused wait', async () => {
    const { dir, pidLog } = dirWithPidLog();
    const { store, trials } = await runStudyYaml(dir, study(pidLog, '{type: asha, mode: pause, max_paused: 1}'));
    store.close();
    const evicted = trials.filter((t) => /more than max_paused \(1\) trials were waiting/.test(t.reason ?? ''));
    expect(evicted.length).toBeGreaterThan(0);
    expect(evicted.every((t) => t.state === 'pruned')).toBe(true);
    expect(loggedPids(pidLog).filter(pidAlive)).toEqual([]);
  }, 120_000);
});
