// Leases: a running trial records which engine owns it, so a restarted engine can tell trials orphaned by
// a dead engine (kill their processes, re-queue them) from trials another live engine is running.
import { randomBytes } from 'node:crypto';
import os from 'node:os';

export interface OwnerId {
  host: string;
  pid: number;
  token: string;
}

export function newOwner(): string {
  return `${os.hostname()}|${process.pid}|${randomBytes(4).toString('hex')}`;
}

export function parseOwner(owner: string): OwnerId | null {
  const [host, pid, token] = owner.split('|');
  const n = Number(pid);
  if (!host || !token || !Number.isInteger(n)) return null;
  return { host, pid: n, token };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `running` only while the engine that set it is alive: a killed engine cannot say it stopped. */
export function effectiveStudyState(
  s: { state: 'running' | 'idle' | 'finished'; owner: string | null; heartbeatAt: string | null },
  staleMs: number,
  now: number,
): 'running' | 'idle' | 'finished' {
  // No lease at all: a database from before leases, or an Optuna storage; there is nothing to check.
  if (s.owner === null && s.heartbeatAt === null) return s.state;
  return s.state === 'running' && ownerIsDead(s.owner, s.heartbeatAt, staleMs, now) ? 'idle' : s.state;
}

/**
 * An owner is dead when it ran on this host and its pid is gone, or when its heartbeat is older than
 * `staleMs` (another host, or a pid reused by an unrelated process that never heartbeats).
 */
export function ownerIsDead(owner: string | null, heartbeatAt: string | null, staleMs: number, now: number): boolean {
  if (!owner) return true;
  const id = parseOwner(owner);
  if (!id) return true;
  if (id.host === os.hostname() && !pidAlive(id.pid)) return true;
  const beat = heartbeatAt ? Date.parse(heartbeatAt) : NaN;
  return !Number.isFinite(beat) || now - beat > staleMs;
}
