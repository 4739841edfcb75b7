// Stop-based ASHA across engine crashes: the engine is SIGKILLed again and again while trials are being
// judged at their rungs, and restarted each time. Interrupted trials are retried (resuming from their
// checkpoints). A configuration stopped at a rung must stay stopped, one let through must stay let through:
// the verdicts in the database must be those of the rule applied to the reports in the order they arrived,
// whatever the kills did.
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, ROOT, runCli, runKilledAfter, tempDir } from '../../helpers/cli.js';
import { pidAlive } from '../../helpers/procs.js';
import { verdictsFromDb } from '../schedulers/rung-verdicts.js';

const KILLS = 10;
const BUDGET = 14;

function killDelays(n: number): number[] {
  let s = 4242;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    // Counted from the run's first new trial process; shorter than the rest of the campaign (about 8 s of
    // 400 ms epochs) on an idle machine too, so most runs die mid-way through a trial.
    return 200 + (s % 1200);
  });
}

describe('stop-based ASHA crash safety', () => {
  it(`keeps every rung verdict through ${KILLS} SIGKILLs of the engine`, async () => {
    const dir = tempDir();
    const pidLog = path.join(dir, 'pids.txt');
    writeFileSync(pidLog, '');
    const studyFile = path.join(dir, 'stop.yaml');
    writeFileSync(
      studyFile,
      `name: stop-chaos
trainer:
  command: [node, ${JSON.stringify(path.join(ROOT, 'test/fixtures/campaign/epochs.mjs'))}]
  kill_grace: 500ms
  env: {PID_LOG: ${JSON.stringify(pidLog)}, EPOCH_MS: "400"}
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: score, direction: maximize}
fidelity: {param: epochs, min: 1, max: 9, eta: 3}
sampler: {type: random}
scheduler: {type: asha, mode: stop}
budget: {trials: ${BUDGET}}
resources: {parallel: 2}
retries: ${KILLS + 2}
seed: 11
`,
    );
    const db = path.join(dir, 'stop.db');
    const env = cliEnv(dir);
    // Each kill's delay starts when that run has launched a trial (a new line in the pid log).
    const pidCount = () => readFileSync(pidLog, 'utf8').split('\n').filter(Boolean).length;
    const runs = [];
    for (const delay of killDelays(KILLS)) {
      const before = pidCount();
      runs.push(...(await runKilledAfter(['run', studyFile, '--db', db, '--json'], { env, armed: () => pidCount() > before }, [delay])));
    }
    for (const r of runs) if (r.signal !== 'SIGKILL') expect(r.code, r.stderr).toBe(0);
    const killed = runs.filter((r) => r.signal === 'SIGKILL').length;
    expect(killed).toBeGreaterThan(KILLS / 2);
    const final = await runCli(['run', studyFile, '--db', db, '--json'], { env });
    expect(final.code, final.stderr).toBe(0);

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

    const pids = readFileSync(pidLog, 'utf8').trim().split('\n').map(Number);
    expect(pids.filter(pidAlive)).toEqual([]);
  }, 300_000);
});
