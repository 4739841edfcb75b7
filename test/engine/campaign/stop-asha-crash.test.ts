// Stop-based ASHA across engine crashes: the engine is SIGKILLed again and again while trials are being
// judged at their rungs, and restarted each time. Interrupted trials are retried (resuming from their
// checkpoints). A configuration stopped at a rung must stay stopped, one let through must stay let through:
// the verdicts in the database must be those of the rule applied to the reports in the order they arrived,
// whatever the kills did.
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, tempDir } from '../../helpers/cli.js';
import { killDelays, loggedPids, runThroughKills, writeEpochsStudy } from '../../helpers/epochs-study.js';
import { pidAlive } from '../../helpers/procs.js';
import { verdictsFromDb } from '../schedulers/rung-verdicts.js';

const KILLS = 10;
const BUDGET = 14;

describe('stop-based ASHA crash safety', () => {
  it(`keeps every rung verdict through ${KILLS} SIGKILLs of the engine`, async () => {
    const dir = tempDir();
    const pidLog = path.join(dir, 'pids.txt');
    const file = writeEpochsStudy(dir, {
      name: 'stop-chaos',
      scheduler: '{type: asha, mode: stop}',
      budget: BUDGET,
      seed: 11,
      epochMs: 400,
      pidLog,
      killGrace: '500ms',
      extra: `retries: ${KILLS + 2}`,
    });
    const db = path.join(dir, 'stop.db');
    // Counted from the run's first new trial process; shorter than the rest of the campaign (about 8 s of
    // 400 ms epochs) on an idle machine too, so most runs die mid-way through a trial.
    await runThroughKills(file, db, pidLog, cliEnv(dir), killDelays(4242, KILLS, 200, 1200));

    const conn = new Database(db, { readonly: true });
    expect(conn.pragma('integrity_check', { simple: true })).toBe('ok');
    const trials = conn
      .prepare(
        `SELECT t.number, t.state, t.reason, t.lineage_kind, p.value_num AS x FROM trials t
         JOIN trial_params p ON p.trial_id = t.id AND p.name = 'x' ORDER BY t.number`,
      )
      .all() as { number: number; state: string; reason: string | null; lineage_kind: string; x: number }[];
    conn.close();
    // The kills did interrupt trials: some configurations ran in more than one process.
    expect(trials.filter((t) => t.lineage_kind === 'retry').length, JSON.stringify(trials)).toBeGreaterThan(0);

    const verdicts = verdictsFromDb(db, 'score', [1, 3], 3);
    const configs = new Map<number, typeof trials>();
    for (const t of trials) configs.set(t.x, [...(configs.get(t.x) ?? []), t]);
    let stopped = 0;
    for (const [x, attempts] of configs) {
      const v = verdicts.get(x) ?? new Map();
      const stoppedAt = [1, 3].find((r) => v.get(r) === 'stop');
      const outcome = attempts.filter((t) => t.state !== 'stopped' && t.state !== 'failed');
      // Each configuration ends once, in the state its verdicts give, whatever its attempts reported later.
      expect(outcome, `configuration x=${x}: ${JSON.stringify(attempts)}`).toHaveLength(1);
      if (stoppedAt === undefined) expect(outcome[0]!.state).toBe('complete');
      else {
        stopped++;
        expect(outcome[0]!.state).toBe('pruned');
        expect(outcome[0]!.reason).toMatch(new RegExp(`^asha stopped at rung ${stoppedAt} `));
      }
    }
    expect(stopped).toBeGreaterThan(2);
    expect(trials.filter((t) => t.state === 'complete' || t.state === 'pruned')).toHaveLength(BUDGET);

    expect(loggedPids(pidLog).filter(pidAlive)).toEqual([]);
  }, 300_000);
});
