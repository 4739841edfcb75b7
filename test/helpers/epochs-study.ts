// Studies of the resumable epochs fixture (test/fixtures/campaign/epochs.mjs: a score that rises with epochs
// and peaks at x = 0.3) under a successive-halving scheduler, and the SIGKILL loop the crash tests drive them
// through. The tests differ in scheduler, budget and what they check, not in these lines.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { ROOT, runCli, runKilledAfter, tempDir, type CliResult } from './cli.js';

export interface EpochsStudy {
  name: string;
  /** The `scheduler:` mapping, e.g. `{type: asha, mode: pause}`. */
  scheduler: string;
  budget: number;
  seed: number;
  /** Milliseconds per epoch. */
  epochMs: number;
  /** Milliseconds slept before the first epoch (a trainer's fixed start-up). */
  startupMs?: number;
  /** The trial processes' pids are appended here (one line each). */
  pidLog: string;
  sampler?: string;
  parallel?: number;
  /** The whole `resources:` mapping (instead of `{parallel: N}`). */
  resources?: string;
  /** More top-level lines (`retries: 10`, `trainer.kill_grace` goes in `killGrace`). */
  extra?: string;
  killGrace?: string;
}

export function epochsStudyYaml(o: EpochsStudy): string {
  return `name: ${o.name}
trainer:
  command: [node, ${JSON.stringify(path.join(ROOT, 'test/fixtures/campaign/epochs.mjs'))}]
${o.killGrace ? `  kill_grace: ${o.killGrace}\n` : ''}  env: {PID_LOG: ${JSON.stringify(o.pidLog)}, EPOCH_MS: "${o.epochMs}"${o.startupMs ? `, STARTUP_MS: "${o.startupMs}"` : ''}}
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: score, direction: maximize}
fidelity: {param: epochs, min: 1, max: 9, eta: 3}
sampler: ${o.sampler ?? '{type: random}'}
scheduler: ${o.scheduler}
budget: {trials: ${o.budget}}
resources: ${o.resources ?? `{parallel: ${o.parallel ?? 2}}`}
seed: ${o.seed}
${o.extra ?? ''}
`;
}

/** A fresh test folder with an empty pid log in it, for `EpochsStudy.pidLog`. */
export function dirWithPidLog(): { dir: string; pidLog: string } {
  const dir = tempDir();
  const pidLog = path.join(dir, 'pids.txt');
  writeFileSync(pidLog, '');
  return { dir, pidLog };
}

/** The pids of the trial processes started so far. */
export function loggedPids(pidLog: string): number[] {
  return readFileSync(pidLog, 'utf8').split('\n').filter(Boolean).map(Number);
}

/** Writes the study file (and an empty pid log) into `dir`; returns the file's path. */
export function writeEpochsStudy(dir: string, o: EpochsStudy): string {
  writeFileSync(o.pidLog, '');
  const file = path.join(dir, `${o.name}.yaml`);
  writeFileSync(file, epochsStudyYaml(o));
  return file;
}

/** `n` kill delays in [base, base + spread) ms from a fixed seed, so a failure can be replayed. */
export function killDelays(seed: number, n: number, base: number, spread: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return base + (s % spread);
  });
}

/**
 * Runs `nightshift run file --db db` once per delay, SIGKILLing it that long after the run started a new
 * trial process, then once more to the end. Checks that the runs that were not killed and the last one exit
 * 0 and that most runs were killed; returns every result.
 */
export async function runThroughKills(file: string, db: string, pidLog: string, env: NodeJS.ProcessEnv, delays: readonly number[]): Promise<CliResult[]> {
  const runs: CliResult[] = [];
  for (const delay of delays) {
    const before = loggedPids(pidLog).length;
    runs.push(...(await runKilledAfter(['run', file, '--db', db, '--json'], { env, armed: () => loggedPids(pidLog).length > before }, [delay])));
  }
  for (const r of runs) if (r.signal !== 'SIGKILL') expect(r.code, r.stderr).toBe(0);
  expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBeGreaterThan(delays.length / 2);
  const final = await runCli(['run', file, '--db', db, '--json'], { env });
  expect(final.code, final.stderr).toBe(0);
  return [...runs, final];
}
