// `nightshift validate` as a user runs it: on a finished study (one that had no finalists key), again after
// the engine is SIGKILLed mid-way (no finalist run lost or duplicated: checked in the finalist_runs table
// and the trials' states), and `export --format db` carrying the finalist runs to the copy.
import Database from 'better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudyShowJson } from '../../src/shared/types.js';
import { cliEnv, collect, runCli, startCli, tempDir } from '../helpers/cli.js';
import { waitFor } from '../helpers/procs.js';

// Accuracy: the configuration's mean plus seed noise shared by every configuration; slow enough (three
// reports 0.3 s apart) that the engine can be killed while finalist runs are running.
const TRIAL = `import random, time
import nightshift
MEANS = {"a": 0.90, "b": 0.85, "c": 0.80, "d": 0.60}
p = nightshift.params()
acc = MEANS[p["config"]] + random.Random(nightshift.seed()).gauss(0, 0.01)
for step in (1, 2, 3):
    time.sleep(0.3)
    nightshift.report(step, acc=acc * step / 3)
`;

interface RunRow {
  number: number;
  state: string;
  parent_number: number;
  seed_index: number;
  lineage_kind: string;
}

function finalistRows(db: string): RunRow[] {
  const conn = new Database(db, { readonly: true });
  try {
    return conn
      .prepare(
        `SELECT t.number, t.state, f.parent_number, f.seed_index, t.lineage_kind FROM finalist_runs f JOIN trials t ON t.id = f.trial_id
         JOIN studies s ON s.id = t.study_id WHERE s.name = 'vt' ORDER BY t.number`,
      )
      .all() as RunRow[];
  } finally {
    conn.close();
  }
}

function states(db: string): Record<string, number> {
  const conn = new Database(db, { readonly: true });
  try {
    const rows = conn.prepare(`SELECT state, count(*) AS n FROM trials GROUP BY state`).all() as { state: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  } finally {
    conn.close();
  }
}

/** Every planned unit (configuration, seed) has exactly one complete run; the rest were interrupted and retried. */
function expectOneCompletePerUnit(rows: readonly RunRow[], units: number): void {
  const complete = rows.filter((r) => r.state === 'complete').map((r) => `${r.parent_number}/${r.seed_index}`);
  expect(new Set(complete).size).toBe(units);
  expect(complete).toHaveLength(units);
  for (const r of rows) expect(['complete', 'stopped']).toContain(r.state);
}

describe('nightshift validate', () => {
  it('validates a finished study, survives an engine SIGKILL mid-way, and export --format db keeps the finalist runs', async () => {
    const home = tempDir();
    const env = cliEnv(home);
    const db = path.join(home, 'v.db');
    writeFileSync(path.join(home, 'trial.py'), TRIAL);
    const file = path.join(home, 'vt.yaml');
    writeFileSync(
      file,
      `name: vt
trainer:
  command: [/usr/bin/python3, trial.py]
  kill_grace: 1s
search_space:
  config: {type: categorical, choices: [a, b, c, d]}
objectives:
  - {metric: acc, direction: maximize}
sampler: {type: grid}
budget: {trials: 4}
resources: {parallel: 2}
seed: 5
`,
    );
    const run = await runCli(['run', file, '--db', db, '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    const searched = JSON.parse(run.stdout) as StudyShowJson;
    expect(searched.counts.complete).toBe(4);
    expect(searched.finalists ?? null).toBeNull();

    // On the finished study: the best configuration, three seeds (the default), each run once.
    const one = await runCli(['validate', 'vt', '--top', '1', '--db', db], { env });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain('best (validated by the finalists stage):');
    let rows = finalistRows(db);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.state === 'complete' && r.lineage_kind === 'finalist')).toBe(true);
    const bestNumber = searched.best[0]!.number;
    expect(new Set(rows.map((r) => r.parent_number))).toEqual(new Set([bestNumber]));

    // The top 3 (six more runs), with the engine SIGKILLed once some have finished and others are running.
    const child = startCli(['validate', 'vt', '--top', '3', '--db', db], { env });
    const killed = collect(child);
    await waitFor(
      () => {
        if (!existsSync(db)) return false;
        const now = finalistRows(db);
        return now.filter((r) => r.state === 'complete').length >= 4 && now.some((r) => r.state === 'running');
      },
      60_000,
      'a finalist run to finish and another to be running',
    );
    child.kill('SIGKILL');
    expect((await killed).signal).toBe('SIGKILL');
    const atKill = finalistRows(db);
    expect(atKill.some((r) => r.state === 'running')).toBe(true);

    const resumed = await runCli(['validate', 'vt', '--top', '3', '--db', db, '--json'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    rows = finalistRows(db);
    expectOneCompletePerUnit(rows, 9);
    // The runs left running by the dead engine ended stopped, and their retries carry the same unit.
    const stopped = rows.filter((r) => r.state === 'stopped');
    expect(stopped.length).toBeGreaterThanOrEqual(1);
    expect(rows.filter((r) => r.lineage_kind === 'retry')).toHaveLength(stopped.length);
    expect(states(db)).toEqual({ complete: 4 + 9, stopped: stopped.length });
    const show = JSON.parse(resumed.stdout) as StudyShowJson;
    expect(show.counts.complete).toBe(4);
    expect(show.finalist_counts).toMatchObject({ complete: 9, stopped: stopped.length, queued: 0, running: 0 });
    expect(show.finalists!.finalists.map((f) => f.runs)).toEqual([0, 1, 2].map(() => ({ planned: 3, complete: 3, failed: 0, pending: 0 })));
    expect(show.best_validated).toBe(true);

    // Validating again plans the same nine runs and queues none.
    const again = await runCli(['validate', 'vt', '--top', '3', '--db', db, '--json'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(finalistRows(db)).toEqual(rows);

    // export --format db: the copy has the same finalist runs, so it shows the same validated results.
    const copy = path.join(home, 'copy.db');
    const exported = await runCli(['export', 'vt', '--format', 'db', '--out', copy, '--db', db], { env });
    expect(exported.code, exported.stderr).toBe(0);
    const conn = new Database(copy, { readonly: true });
    const copied = conn
      .prepare('SELECT t.number, t.state, f.parent_number, f.seed_index, t.lineage_kind FROM finalist_runs f JOIN trials t ON t.id = f.trial_id ORDER BY t.number')
      .all();
    conn.close();
    expect(copied).toEqual(rows);
    const copyShow = await runCli(['show', 'vt', '--db', copy, '--json'], { env });
    expect(copyShow.code, copyShow.stderr).toBe(0);
    const c = JSON.parse(copyShow.stdout) as StudyShowJson;
    expect(c.finalists).toEqual(show.finalists);
    expect(c.best.map((t) => t.number)).toEqual(show.best.map((t) => t.number));
  }, 180_000);
});
