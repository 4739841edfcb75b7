// Crash safety: the engine is SIGKILLed at random moments, again and again, and restarted each time.
// The campaign must still end with exactly its budget of complete trials, none lost or run twice, a
// sound database, and no trial process left behind. The GP asks ahead (resources.ask_ahead), so kills
// also land while a suggestion is prepared off-thread and held only in memory.
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, ROOT, runCli, runKilledAfter, tempDir } from '../../helpers/cli.js';
import { pidAlive } from '../../helpers/procs.js';

const KILLS = 20;
const BUDGET = 24;

// A fixed sequence of kill delays (ms) so a failure can be reproduced; spread over start-up, sampling,
// trials running, and trials finishing.
function killDelays(n: number): number[] {
  let s = 12345;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return 150 + (s % 1200);
  });
}

describe('crash safety', () => {
  it(`survives ${KILLS} SIGKILLs of the engine and ends with exactly the budget`, async () => {
    const dir = tempDir();
    const pidLog = path.join(dir, 'pids.txt');
    const doneLog = path.join(dir, 'done.txt');
    writeFileSync(pidLog, '');
    writeFileSync(doneLog, '');
    const studyFile = path.join(dir, 'chaos.yaml');
    writeFileSync(
      studyFile,
      `name: chaos
trainer:
  command: [node, ${JSON.stringify(path.join(ROOT, 'test/fixtures/campaign/steady.mjs'))}]
  kill_grace: 500ms
  env: {PID_LOG: ${JSON.stringify(pidLog)}, DONE_LOG: ${JSON.stringify(doneLog)}, STEP_MS: "150"}
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: loss, direction: minimize}
sampler: {type: gp, n_startup: 4}
budget: {trials: ${BUDGET}}
resources: {parallel: 2, ask_ahead: true}
retries: 1
seed: 7
`,
    );
    const db = path.join(dir, 'chaos.db');
    const env = cliEnv(dir);
    const runs = await runKilledAfter(['run', studyFile, '--db', db, '--json'], { env }, killDelays(KILLS));
    for (const r of runs) if (r.signal !== 'SIGKILL') expect(r.code, r.stderr).toBe(0);
    const killed = runs.filter((r) => r.signal === 'SIGKILL').length;
    expect(killed).toBeGreaterThan(KILLS / 2);
    // Suggestions were prepared ahead in the runs that were killed.
    expect(runs.filter((r) => r.signal === 'SIGKILL' && r.stderr.includes('ask_ahead:')).length).toBeGreaterThan(0);

    const final = await runCli(['run', studyFile, '--db', db, '--json'], { env });
    expect(final.code, final.stderr).toBe(0);
    const show = JSON.parse(final.stdout);
    expect(show.counts.complete).toBe(BUDGET);
    expect(show.counts.running).toBe(0);

    const conn = new Database(db, { readonly: true });
    expect(conn.pragma('integrity_check', { simple: true })).toBe('ok');
    const complete = conn.prepare("SELECT id, number FROM trials WHERE state = 'complete'").all() as { id: number; number: number }[];
    expect(complete).toHaveLength(BUDGET);
    // Each configuration completed once: a re-queued copy runs only when its original did not finish.
    const params = conn
      .prepare("SELECT p.value_num AS x FROM trial_params p JOIN trials t ON t.id = p.trial_id WHERE t.state = 'complete' AND p.name = 'x'")
      .all() as { x: number }[];
    expect(new Set(params.map((p) => p.x)).size).toBe(BUDGET);
    // Every trial recorded as complete really ran to its end.
    const finished = new Set(readFileSync(doneLog, 'utf8').trim().split('\n').map(Number));
    for (const t of complete) expect(finished.has(t.id)).toBe(true);
    // Trial numbers have no gaps.
    const numbers = (conn.prepare('SELECT number FROM trials ORDER BY number').all() as { number: number }[]).map((r) => r.number);
    expect(numbers).toEqual(numbers.map((_, i) => i));
    conn.close();

    const pids = readFileSync(pidLog, 'utf8').trim().split('\n').map(Number);
    expect(pids.filter(pidAlive)).toEqual([]);
  }, 240_000);
});
