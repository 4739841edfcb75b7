// Runs the real `nightshift` command as a child process, as a user would.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin', 'nightshift.mjs');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = 'nightshift-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Environment for a CLI child: its own NIGHTSHIFT_HOME so tests never touch the user's data, with
 * settings that skip the 2-second idle-power baseline each `run` would otherwise measure.
 */
export function cliEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const settings = path.join(home, 'settings.json');
  if (!existsSync(settings)) writeFileSync(settings, JSON.stringify({ idle_seconds: 0 }));
  const env: NodeJS.ProcessEnv = { ...process.env, NIGHTSHIFT_HOME: home, ...extra };
  delete env.NIGHTSHIFT_DB;
  return env;
}

export function startCli(args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string }): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env: opts.env, cwd: opts.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

export function runCli(args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<CliResult> {
  return collect(startCli(args, opts));
}

/**
 * Runs the CLI once per delay, SIGKILLing it after that many ms unless it ended first (crash-safety tests).
 * With `armed`, each delay counts from the moment `armed()` first holds (polled every 20 ms), for example
 * once the run has started a trial: on a loaded machine the CLI's own start-up can outlast a fixed delay,
 * and a kill before any trial starts tests nothing.
 */
export async function runKilledAfter(
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string; armed?: () => boolean },
  delays: readonly number[],
): Promise<CliResult[]> {
  const results: CliResult[] = [];
  for (const delay of delays) {
    const child = startCli(args, opts);
    let ended = false;
    const done = collect(child).then((r) => ((ended = true), r));
    let timer: NodeJS.Timeout | undefined;
    const arm = () => (timer = setTimeout(() => child.kill('SIGKILL'), delay));
    if (!opts.armed) arm();
    else {
      const poll = setInterval(() => {
        if (ended) clearInterval(poll);
        else if (opts.armed!()) {
          clearInterval(poll);
          arm();
        }
      }, 20);
    }
    results.push(await done);
    clearTimeout(timer);
  }
  return results;
}
