// Processes found by a marker in their environment. A trial that daemonizes (fork, setsid, fork) leaves
// its process group, so killing the group misses it; but it keeps the environment it inherited, so every
// trial process carries NIGHTSHIFT_TRIAL_TOKEN=<unique> and the engine scans /proc/*/environ for it when
// the trial ends, when the engine stops, and at recovery after a crash. Linux only: elsewhere the scan
// finds nothing and the process group is all there is.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';

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
  const needles = entries.map((e) => Buffer.from(`\0${e}\0`, 'latin1'));
  const pids: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (environHas(`/proc/${name}/environ`, needles)) pids.push(Number(name));
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return pids;
}

/**
 * The scan runs after every trial over every process on the machine. Read as strings, the environments
 * made ~35 kB of garbage per trial that lived long enough to be promoted, and the engine's heap grew
 * through a night; read into one reused buffer and searched as bytes, they make none.
 */
const SCAN = Buffer.alloc(64 * 1024);

function environHas(file: string, needles: readonly Buffer[]): boolean {
  const fd = openSync(file, 'r');
  try {
    const carry = Math.max(...needles.map((n) => n.length)) - 1;
    // A NUL in front, so the first entry matches like the others.
    SCAN[0] = 0;
    let len = 1;
    for (;;) {
      const n = readSync(fd, SCAN, len, SCAN.length - len, null);
      len += n;
      if (n > 0 && len < SCAN.length) continue;
      const seen = SCAN.subarray(0, len);
      if (needles.some((nd) => seen.includes(nd))) return true;
      if (n === 0) return false;
      // Full: keep the tail, where a match may begin, and read on.
      SCAN.copy(SCAN, 0, len - carry, len);
      len = carry;
    }
  } finally {
    closeSync(fd);
  }
}

/** `sig` to each pid; a SIGTERM is followed by SIGCONT, so a process frozen at a rung (mode pause) handles it. */
function signal(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
      if (sig === 'SIGTERM') process.kill(pid, 'SIGCONT');
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
