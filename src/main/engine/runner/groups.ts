// Process groups: each trial is spawned as the leader of its own group, so a stop reaches the children it
// forked too (data-loader workers, shell wrappers). NNI killed only the trial's main process and its children
// lived on; we signal the whole group, and the engine uses these on restart to kill trials a crashed engine
// left behind.
import { readdirSync, readFileSync } from 'node:fs';

const POLL_MS = 25;

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/**
 * Linux only: whether some member of the group is more than a zombie. kill(-pgid, 0) succeeds on zombies,
 * and where PID 1 does not reap orphans (some containers) a killed trial's children stay zombies forever.
 * Returns null when /proc cannot answer.
 */
function hasLiveMemberInProc(pgid: number): boolean | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

/** Whether any process of the group still runs (a process we may not signal counts as alive). */
export function isProcessGroupAlive(pgid: number): boolean {
  // kill(0 or -0) would address our own group, and negative ids mean something else: never alive.
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
  if (process.platform === 'linux') return hasLiveMemberInProc(pgid) ?? true;
  return true;
}

/** Sends `signal` to the group; false when no process of the group exists any more. */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e) {
    if (errnoCode(e) === 'ESRCH') return false;
    throw e;
  }
}

/** Resolves true when the group is gone within `ms`, false if it is still alive then. */
export async function waitForProcessGroupExit(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!isProcessGroupAlive(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
  }
}

/**
 * SIGTERM to the group, SIGKILL after `graceMs` if anything in it still runs; resolves once it is gone.
 * SIGCONT follows the SIGTERM: a group paused at a rung (SIGSTOP) would otherwise hold the SIGTERM
 * pending and die only by SIGKILL, without its handlers (no checkpoint, no clean exit).
 */
export async function killProcessGroup(pgid: number, graceMs: number): Promise<void> {
  if (!isProcessGroupAlive(pgid)) return;
  if (!signalProcessGroup(pgid, 'SIGTERM')) return;
  signalProcessGroup(pgid, 'SIGCONT');
  if (await waitForProcessGroupExit(pgid, graceMs)) return;
  signalProcessGroup(pgid, 'SIGKILL');
  // SIGKILL cannot be ignored; the wait only covers the kernel tearing the processes down.
  await waitForProcessGroupExit(pgid, 5_000);
}
