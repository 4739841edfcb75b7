// Reused processes for a Python command trainer (trainer: {command: [...], reuse_process: true}), as a user
// meets them through `nightshift run`: a script that hands its training to nightshift.run(train) loads once
// per process and runs trial after trial, each with its own params, argv, reports and logs; a stop ends a
// trial and keeps the process; a trial that raises fails alone and retires its process; a script without
// nightshift.run still runs every trial, one process each; and a killed engine leaves no Python behind.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStoreReader } from '../../src/main/engine/storage/open.js';
import { PER_TRIAL_ENV } from '../../src/main/engine/trainers/worker-protocol.js';
import type { TrialRecord } from '../../src/main/engine/storage/types.js';
import { cliEnv, collect, ROOT, runCli, startCli, tempDir } from '../helpers/cli.js';
import { pidAlive, waitFor } from '../helpers/procs.js';

const PYTHON = '/usr/bin/python3';

function study(home: string, o: { env?: Record<string, string>; trials?: number; maxEpochs?: number; reuse?: boolean } = {}): { file: string; log: string } {
  copyFileSync(path.join(ROOT, 'test/fixtures/trials/reused_worker.py'), path.join(home, 'reused_worker.py'));
  const log = path.join(home, 'pids.log');
  const env = { PID_LOG: log, ...o.env };
  const file = path.join(home, 'study.yaml');
  writeFileSync(
    file,
    [
      'name: pyreuse',
      'trainer:',
      `  command: [${PYTHON}, reused_worker.py, --x, "{x}"]`,
      `  env: ${JSON.stringify(env)}`,
      `  reuse_process: ${o.reuse ?? true}`,
      '  kill_grace: 5s',
      'search_space:',
      '  x: {type: float, low: 0, high: 1}',
      'objectives: [{metric: score, direction: maximize}]',
      `fidelity: {param: epochs, min: 1, max: ${o.maxEpochs ?? 9}, eta: 3}`,
      'sampler: {type: random}',
      'scheduler: {type: asha, mode: stop}',
      `budget: {trials: ${o.trials ?? 8}}`,
      'resources: {parallel: 2}',
      'seed: 5',
    ].join('\n') + '\n',
  );
  return { file, log };
}

function trials(db: string): Row[] {
  const store = openStoreReader(db);
  try {
    const s = store.getStudy('pyreuse');
    return s ? store.trials(s.id).map((t) => ({ ...t, reports: store.reports(t.id).length })) : [];
  } finally {
    store.close();
  }
}

/** `load PID` and `trial N PID` lines the script wrote. */
function pidLog(file: string): { loads: number[]; trialPid: Map<number, number> } {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
  const loads = lines.filter((l) => l.startsWith('load ')).map((l) => Number(l.split(' ')[1]));
  const trialPid = new Map(lines.filter((l) => l.startsWith('trial ')).map((l) => [Number(l.split(' ')[1]), Number(l.split(' ')[2])] as const));
  return { loads, trialPid };
}

const trialLog = (home: string, n: number, name: string): string => readFileSync(path.join(home, 'studies', 'pyreuse', 'trials', String(n), name), 'utf8');

type Row = TrialRecord & { reports: number };

/** Runs the study to its end (exit 0): its trials, and the loads and trials the script logged. */
async function runStudy(o: Parameters<typeof study>[1] = {}): Promise<{ home: string; rows: Row[]; loads: number[]; trialPid: Map<number, number> }> {
  const home = tempDir();
  const db = path.join(home, 'x.db');
  const { file, log } = study(home, o);
  const r = await runCli(['run', file, '--db', db], { env: cliEnv(home) });
  expect(r.code, r.stderr).toBe(0);
  return { home, rows: trials(db), ...pidLog(log) };
}

/** Trials that did not end complete or pruned, with their reasons (empty when all did). */
const unfinished = (rows: Row[]): string[] => rows.filter((t) => t.state !== 'complete' && t.state !== 'pruned').map((t) => `${t.number} ${t.state}: ${t.reason}`);

describe.skipIf(!existsSync(PYTHON))('nightshift run with a reused Python trainer process', () => {
  it('the Python helper clears the same per-trial variables the engine sends', () => {
    const helper = readFileSync(path.join(ROOT, 'resources/python/nightshift.py'), 'utf8');
    const tuple = /_PER_TRIAL_ENV = \(([^)]*)\)/.exec(helper)?.[1] ?? '';
    expect([...tuple.matchAll(/"(\w+)"/g)].map((m) => m[1])).toEqual([...PER_TRIAL_ENV]);
  });

  it('loads the script once per process and runs every trial with its own params, argv, reports and logs', async () => {
    const { home, rows, loads, trialPid } = await runStudy();
    expect(rows).toHaveLength(8);
    // The script exits 1 when sys.argv and params() disagree: every trial got its own command line.
    expect(unfinished(rows)).toEqual([]);
    expect(rows.some((t) => t.state === 'pruned')).toBe(true);
    // Two at a time: two processes (a third only if an idle one was retired), never one per trial.
    expect(loads.length).toBeLessThanOrEqual(3);
    expect(new Set(trialPid.values()).size).toBe(loads.length);
    for (const t of rows) {
      expect(t.pgid, `trial ${t.number}`).toBe(trialPid.get(t.number));
      const out = trialLog(home, t.number, 'stdout.log');
      const err = trialLog(home, t.number, 'stderr.log');
      // Each trial's folder holds its own lines only, and no fence.
      expect(out).toContain(`log line of trial ${t.number}\n`);
      expect(out.match(/log line of trial \d+/g)).toHaveLength(1);
      expect(err.match(/stderr line of trial \d+/g)).toEqual([`stderr line of trial ${t.number}`]);
      expect(out + err).not.toContain('@nightshift-worker');
      // Its reports are the ones in its stdout.log (none went to a neighbour).
      expect(out.match(/^@nightshift /gm)?.length ?? 0, `trial ${t.number}`).toBe(t.reports);
    }
    // A trial stopped at a rung leaves its process to the next one.
    const pruned = rows.filter((t) => t.state === 'pruned');
    const later = (p: TrialRecord): boolean => rows.some((t) => t.number > p.number && t.pgid === p.pgid);
    expect(pruned.some(later), 'a process that served a pruned trial served a later one').toBe(true);
  });

  it('ends a trial whose output stops mid-line, and keeps that line (and lines that mention the fence) in its own log', async () => {
    const { home, rows, loads } = await runStudy({ env: { NO_NEWLINE: '1' }, trials: 4, maxEpochs: 2 });
    expect(unfinished(rows)).toEqual([]);
    expect(loads.length).toBeLessThanOrEqual(2);
    // A stopped trial ends at a report, before its last lines; the ones that ran to the end wrote them.
    const finished = rows.filter((t) => t.state === 'complete');
    expect(finished.length).toBeGreaterThan(0);
    for (const t of finished) {
      for (const name of ['stdout.log', 'stderr.log']) expect(trialLog(home, t.number, name)).toContain(`@nightshift-worker is the marker of trial ${t.number}\n`);
      expect(trialLog(home, t.number, 'stdout.log')).toMatch(new RegExp(`unterminated end of trial ${t.number}\\n$`));
      expect(trialLog(home, t.number, 'stderr.log')).toMatch(new RegExp(`unterminated stderr of trial ${t.number}\\n$`));
    }
  });

  it('starts every trial in the study folder and environment, whatever an earlier trial changed', async () => {
    const { rows, loads } = await runStudy({ env: { LEAK_CHECK: '1' }, trials: 6, maxEpochs: 2 });
    expect(unfinished(rows)).toEqual([]);
    // Six trials in at most two processes: most of them followed another trial in the same process.
    expect(loads.length).toBeLessThanOrEqual(2);
  });

  it('ends what a trial left running before the next trial starts, and keeps what the script started when it loaded', async () => {
    const { home, rows, loads } = await runStudy({ env: { LEFTOVERS: '1' }, trials: 5, maxEpochs: 2 });
    // Each trial fails when an earlier trial's sleepers are alive or the load-time one is gone.
    expect(unfinished(rows)).toEqual([]);
    expect(loads.length).toBeLessThan(rows.length);
    const log = readFileSync(path.join(home, 'pids.log'), 'utf8');
    const left = [...log.matchAll(/^left (\d+) \d+$/gm)].map((m) => Number(m[1]));
    expect(left).toHaveLength(2 * rows.length);
    for (const t of rows) expect(trialLog(home, t.number, 'stderr.log')).toMatch(/nightshift: ending 2 process\(es\) the trial left running/);
    // And once the study ended, none of them, nor the load-time sleepers, is left.
    const kept = [...log.matchAll(/^kept (\d+)$/gm)].map((m) => Number(m[1]));
    expect(kept.length).toBe(loads.length);
    await waitFor(() => [...left, ...kept].every((p) => !pidAlive(p)), 10_000, 'the sleepers to end');
  });

  it("never counts its caller's processes as a trial's leftovers when it does not lead its process group", () => {
    // Run by hand or from a script, the helper shares its caller's group (here vitest's): sweeping that
    // group would end the caller. Only a process that leads its group (as the engine starts it) sweeps it.
    const r = spawnSync(PYTHON, ['-c', 'import os, nightshift; print(os.getpgrp() == os.getpid(), sorted(nightshift._own_processes(None)))'], {
      env: { ...process.env, PYTHONPATH: path.join(ROOT, 'resources/python') },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('False []');
  });

  it("keeps the engine's commands from a trial's child process that reads stdin", async () => {
    const { home, rows, loads } = await runStudy({ env: { READ_STDIN: '1' }, trials: 4, maxEpochs: 2 });
    expect(unfinished(rows)).toEqual([]);
    expect(loads.length).toBeLessThanOrEqual(2);
    for (const t of rows) expect(trialLog(home, t.number, 'stdout.log')).toContain('child read 0 bytes from stdin');
  });

  it('fails a trial that raises with its traceback, and gives the next trial a fresh process', async () => {
    const { home, rows, trialPid } = await runStudy({ env: { FAIL_TRIAL: '2' } });
    const failed = rows.find((t) => t.number === 2)!;
    expect(failed.state).toBe('failed');
    expect(trialLog(home, 2, 'stderr.log')).toMatch(/Traceback[\s\S]*RuntimeError: boom in trial 2/);
    expect(unfinished(rows.filter((t) => t.number !== 2))).toEqual([]);
    const dead = trialPid.get(2)!;
    expect(rows.filter((t) => t.number > 2).map((t) => t.pgid)).not.toContain(dead);
  });

  it('runs a script without nightshift.run one process per trial, and says why in the trial log', async () => {
    const { home, rows, loads } = await runStudy({ env: { NO_RUN: '1' }, trials: 4 });
    expect(unfinished(rows)).toEqual([]);
    expect(loads).toHaveLength(rows.length);
    expect(trialLog(home, 0, 'stderr.log')).toContain('without the worker protocol');
  });

  it('leaves no Python process running after the engine is killed mid-trial', async () => {
    const home = tempDir();
    const db = path.join(home, 'x.db');
    const { file, log } = study(home, { env: { EPOCH_S: '0.5' }, maxEpochs: 400 });
    const child = startCli(['run', file, '--db', db], { env: cliEnv(home) });
    const done = collect(child);
    await waitFor(() => pidLog(log).trialPid.size > 0, 60_000, 'a running trial');
    child.kill('SIGKILL');
    await done;
    // stdin closes with the engine: the trial stops at its next report and the process exits.
    for (const pid of new Set(pidLog(log).loads)) await waitFor(() => !pidAlive(pid), 15_000, `python process ${pid} to exit`);
  });
});
