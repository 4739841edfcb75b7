// Two engines must never drive one study. Ten `nightshift run` of the same study start at the same moment,
// twenty times over: exactly one engine runs trials, the nine others exit 1 with one line naming the engine
// that holds the study, and the database shows the trial budget and `resources.parallel` held exactly.
// The trials wait for a go file that the test writes only once nine engines have exited (or after a
// while), so every engine reaches the lease while the winner still runs: a loser can never arrive late,
// find the study finished and pass for a winner.
import Database from 'better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, collect, startCli, tempDir, type CliResult } from '../helpers/cli.js';

const ROUNDS = 20;
const ENGINES = 10;
const BUDGET = 4;
const PARALLEL = 2;
const BUSY_LINE = /^nightshift run: study "race" is being run by another nightshift engine \(pid (\d+) on [^,]+, since \d{4}-\d\d-\d\dT[\d:.]+Z\); stop that one first, or wait for it to finish$/;

// A trial that waits for the go file, then reports once: tiny, and alive until the test lets it finish.
const TRIAL = `
import os, sys, time, json
go = os.environ["GO_FILE"]
while not os.path.exists(go):
    time.sleep(0.02)
print("@nightshift " + json.dumps({"step": 1, "loss": float(os.environ["NIGHTSHIFT_TRIAL_NUMBER"])}), flush=True)
`;

function studyFile(dir: string, goFile: string): string {
  const script = path.join(dir, 'trial.py');
  writeFileSync(script, TRIAL);
  const file = path.join(dir, 'race.yaml');
  writeFileSync(
    file,
    `name: race
trainer:
  command: [/usr/bin/python3, ${JSON.stringify(script)}]
  env: {GO_FILE: ${JSON.stringify(goFile)}}
  kill_grace: 1s
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: loss, direction: minimize}
sampler: {type: random}
budget: {trials: ${BUDGET}}
resources: {parallel: ${PARALLEL}}
seed: 3
`,
  );
  return file;
}

/** The most trials whose [started, ended] windows overlap at one instant. */
function maxConcurrent(rows: { started_at: string; ended_at: string }[]): number {
  const edges = rows.flatMap((r) => [
    { at: Date.parse(r.started_at), d: 1 },
    { at: Date.parse(r.ended_at), d: -1 },
  ]);
  // An end and a start at the same millisecond do not overlap: ends first.
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const e of edges) max = Math.max(max, (now += e.d));
  return max;
}

async function round(dir: string): Promise<void> {
  const goFile = path.join(dir, 'go');
  const file = studyFile(dir, goFile);
  const db = path.join(dir, 'race.db');
  const env = cliEnv(dir);
  const children = Array.from({ length: ENGINES }, () => startCli(['run', file, '--db', db, '--json'], { env }));
  const results: (CliResult & { pid: number })[] = [];
  const all = children.map((c) => collect(c).then((r) => results.push({ ...r, pid: c.pid! })));
  // Let the trials finish once the losers are gone (or after 60 s, when more than one engine got through).
  const deadline = Date.now() + 60_000;
  while (results.length < ENGINES - 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  writeFileSync(goFile, '');
  await Promise.all(all);

  const winners = results.filter((r) => r.code === 0);
  const losers = results.filter((r) => r.code !== 0);
  expect(winners.map((w) => w.stderr), JSON.stringify(results.map((r) => [r.code, r.stderr.slice(0, 300)]))).toHaveLength(1);
  const winner = winners[0]!;
  expect(JSON.parse(winner.stdout).counts.complete).toBe(BUDGET);
  for (const l of losers) {
    expect(l.code, l.stderr).toBe(1);
    const lines = l.stderr.trim().split('\n');
    expect(lines, l.stderr).toHaveLength(1);
    const m = BUSY_LINE.exec(lines[0]!);
    expect(m, lines[0]).not.toBeNull();
    // The engine named is the one that ran the study.
    expect(Number(m![1])).toBe(winner.pid);
  }

  const conn = new Database(db, { readonly: true });
  try {
    const trials = conn.prepare('SELECT state, owner, started_at, ended_at FROM trials').all() as {
      state: string;
      owner: string;
      started_at: string;
      ended_at: string;
    }[];
    expect(trials.filter((t) => t.state === 'complete')).toHaveLength(BUDGET);
    expect(trials).toHaveLength(BUDGET);
    expect(new Set(trials.map((t) => t.owner.split('|')[1]))).toEqual(new Set([String(winner.pid)]));
    expect(maxConcurrent(trials)).toBeLessThanOrEqual(PARALLEL);
    const study = conn.prepare('SELECT state, owner FROM studies').get() as { state: string; owner: string | null };
    expect(study).toEqual({ state: 'finished', owner: null });
  } finally {
    conn.close();
  }
  expect(existsSync(goFile)).toBe(true);
}

describe('one engine per study', () => {
  it(`lets exactly one of ${ENGINES} simultaneous runs drive the study, ${ROUNDS} times`, async () => {
    for (let i = 0; i < ROUNDS; i++) await round(tempDir('nightshift-race-'));
  }, 900_000);
});
