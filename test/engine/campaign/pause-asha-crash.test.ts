// Pause-based ASHA across engine crashes: the engine is SIGKILLed again and again while trials wait frozen
// at their rungs, and restarted each time. Frozen processes must not outlive their engine, a configuration
// stopped at a rung stays stopped, and nothing is stored past a rung a configuration has not passed: a retry
// that resumes from a checkpoint beyond it waits there first.
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, tempDir } from '../../helpers/cli.js';
import { killDelays, loggedPids, runThroughKills, writeEpochsStudy } from '../../helpers/epochs-study.js';
import { pidAlive } from '../../helpers/procs.js';

const KILLS = 8;
const BUDGET = 12;

describe('pause-based ASHA crash safety', () => {
  it(`leaves no frozen trial behind and keeps every rung decision through ${KILLS} SIGKILLs of the engine`, async () => {
    const dir = tempDir();
    const pidLog = path.join(dir, 'pids.txt');
    const file = writeEpochsStudy(dir, {
      name: 'pause-chaos',
      scheduler: '{type: asha, mode: pause, max_paused: 3}',
      budget: BUDGET,
      seed: 13,
      epochMs: 300,
      pidLog,
      killGrace: '500ms',
      extra: `retries: ${KILLS + 2}`,
    });
    const db = path.join(dir, 'pause.db');
    // Counted from the run's first new trial process; about 300 ms per epoch, so runs die mid-trial.
    await runThroughKills(file, db, pidLog, cliEnv(dir), killDelays(2718, KILLS, 300, 1500));

    const conn = new Database(db, { readonly: true });
    expect(conn.pragma('integrity_check', { simple: true })).toBe('ok');
    const trials = conn
      .prepare(
        `SELECT t.id, t.number, t.state, t.reason, t.lineage_kind, p.value_num AS x FROM trials t
         JOIN trial_params p ON p.trial_id = t.id AND p.name = 'x' ORDER BY t.number`,
      )
      .all() as { id: number; number: number; state: string; reason: string | null; lineage_kind: string; x: number }[];
    const reports = conn.prepare("SELECT p.value_num AS x, r.step FROM reports r JOIN trial_params p ON p.trial_id = r.trial_id AND p.name = 'x' WHERE r.metric = 'score'").all() as { x: number; step: number }[];
    const pausedEvents = (conn.prepare("SELECT count(*) AS n FROM events WHERE kind = 'paused'").get() as { n: number }).n;
    conn.close();
    expect(pausedEvents).toBeGreaterThan(0);
    expect(trials.filter((t) => t.lineage_kind === 'retry').length, JSON.stringify(trials)).toBeGreaterThan(0);

    const stepsOf = new Map<number, number[]>();
    for (const r of reports) stepsOf.set(r.x, [...(stepsOf.get(r.x) ?? []), r.step]);
    const configs = new Map<number, typeof trials>();
    for (const t of trials) configs.set(t.x, [...(configs.get(t.x) ?? []), t]);
    let stopped = 0;
    for (const [x, attempts] of configs) {
      const outcome = attempts.filter((t) => t.state === 'complete' || t.state === 'pruned');
      // Each configuration ends once; its other attempts were interrupted by the kills.
      expect(outcome, `configuration x=${x}: ${JSON.stringify(attempts)}`).toHaveLength(1);
      expect(attempts.filter((t) => t.state !== 'complete' && t.state !== 'pruned').every((t) => t.state === 'stopped')).toBe(true);
      const end = outcome[0]!;
      if (end.state === 'complete') expect(Math.max(...stepsOf.get(x)!)).toBe(9);
      else {
        stopped++;
        const rung = Number(/^(?:stopped|ended) while paused at rung (\d) /.exec(end.reason ?? '')?.[1]);
        expect(rung, end.reason ?? '').toBeGreaterThan(0);
        // Stopped at a rung it never passed: of all its attempts' reports, only its arrival there (its first
        // report at or past the rung: a retry resumed from a checkpoint may arrive past the rung's step)
        // was stored, and nothing after it.
        expect(stepsOf.get(x)!.filter((s) => s >= rung), `configuration x=${x}`).toHaveLength(1);
      }
    }
    expect(stopped).toBeGreaterThan(2);
    expect([...configs.values()].length).toBe(BUDGET);

    // Frozen trials died with their engines (the next engine's recovery kills and wakes them).
    expect(loggedPids(pidLog).filter(pidAlive)).toEqual([]);
  }, 300_000);
});
