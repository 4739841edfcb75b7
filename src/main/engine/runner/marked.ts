// Processes found by a marker in their environment. A trial that daemonizes (fork, setsid, fork) leaves
// its process group, so killing the group misses it; but it keeps the environment it inherited, so every
// trial process carries NIGHTSHIFT_TRIAL_TOKEN=<unique> and the engine scans /proc/*/environ for it when
// the trial ends, when the engine stops, and at recovery after a crash. Linux only: elsewhere the scan
// finds nothing and the process group is all there is.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

/** One value per trial launch, so a trial's leftovers are told apart from its neighbours'. */
export const TRIAL_TOKEN_ENV = 'NIGHTSHIFT_TRIAL_TOKEN';

export function newTrialToken(): string {
  return randomBytes(12).toString('hex');
}

/** Pids of live processes (not zombies) whose environment holds one of `entries` (`NAME=value`). */
export function processesWithEnv(entries: readonly string[]): number[] {
  if (entries.length === 0) return [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  // environ is NUL-separated; matching with both NULs around avoids a prefix of a longer value.
  const needles = entries.map((e) => `\0${e}\0`);
  const pids: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const env = `\0${readFileSync(`/proc/${name}/environ`, 'latin1')}`;
      if (needles.some((n) => env.includes(n))) pids.push(Number(name));
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return pids;
}

function signal(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // Exited in the meantime.
    }
  }
}

const POLL_MS = 25;

/**
 * SIGTERM to every process carrying one of `entries`, SIGKILL after `graceMs` to those still there, and
 * a new scan each round (a dying daemon may fork once more). Resolves with the pids it found.
 */
export async function killProcessesWithEnv(entries: readonly string[], graceMs: number): Promise<number[]> {
  const found = new Set<number>();
  let pids = processesWithEnv(entries);
  if (pids.length === 0) return [];
  const deadline = Date.now() + graceMs;
  while (pids.length > 0) {
    const late = Date.now() >= deadline;
    // SIGTERM once to each newcomer, so it may save its state; SIGKILL to whatever outlives the grace.
    signal(late ? pids : pids.filter((p) => !found.has(p)), late ? 'SIGKILL' : 'SIGTERM');
    for (const p of pids) found.add(p);
    await new Promise((r) => setTimeout(r, POLL_MS));
    pids = processesWithEnv(entries);
    // Past the deadline and a few SIGKILL rounds, what is left is stuck in the kernel (uninterruptible I/O).
    if (Date.now() >= deadline + 5_000) break;
  }
  return [...found];
}
