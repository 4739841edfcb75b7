// Crash safety: trials left `running` by an engine that died are found by their lease, their processes
// are killed (by process group, and by the engine id in their environment), and they are marked stopped
// with a re-queued copy (up to the study's retry limit). Finished trials are never touched.
import { killProcessGroup } from '../runner/groups.js';
import type { StudySpec } from '../study/types.js';
import type { Store, StudyRecord, TrialRecord } from '../storage/types.js';
import type { EventSink } from './events.js';
import { processesOfOwner } from './orphans.js';
import { ownerIsDead, parseOwner } from './owner.js';

/** A lease not renewed for this long belongs to a dead engine even if we cannot check its pid (other host). */
export const STALE_LEASE_MS = 30_000;

export class EngineBusyError extends Error {
  constructor(study: string, owner: string | null, since: string | null = null) {
    const id = owner ? parseOwner(owner) : null;
    const who = id ? `pid ${id.pid} on ${id.host}${since ? `, since ${since}` : ''}` : since ? `since ${since}` : '';
    super(`study "${study}" is being run by another nightshift engine${who ? ` (${who})` : ''}; stop that one first, or wait for it to finish`);
    this.name = 'EngineBusyError';
  }
}

export async function recoverOrphans(o: { store: Store; study: StudyRecord; spec: StudySpec; emit: EventSink; now: number }): Promise<void> {
  const { store, study, spec } = o;
  const orphans: TrialRecord[] = [];
  for (const t of store.runningTrials(study.id)) {
    if (!ownerIsDead(t.owner, t.heartbeatAt, STALE_LEASE_MS, o.now)) throw new EngineBusyError(study.name, t.owner);
    orphans.push(t);
  }
  if (orphans.length === 0) return;
  await killOrphanProcesses(orphans, Math.min(spec.kill_grace_s, 5) * 1000);
  for (const t of orphans) {
    const retry = t.retries < spec.max_retries;
    store.transaction(() => {
      store.finishTrial(t.id, { state: 'stopped', values: {}, metrics: {}, reason: 'interrupted: the engine running it stopped unexpectedly' });
      if (retry) store.enqueueTrial(study.id, { params: t.params, budget: t.budget, lineage: { kind: 'retry', parentNumber: t.number }, retries: t.retries + 1 });
      else store.addEvent(study.id, t.id, 'retry-limit', `not re-queued: already retried ${t.retries} time(s)`);
    });
    o.emit({
      type: 'log',
      level: 'warn',
      message: `trial ${t.number} was left running by an engine that died; ${retry ? 're-queued' : 'retry limit reached, not re-queued'}`,
    });
  }
}

async function killOrphanProcesses(orphans: TrialRecord[], graceMs: number): Promise<void> {
  const groups = new Set<number>();
  for (const t of orphans) if (t.pgid) groups.add(t.pgid);
  await Promise.all([...groups].map((g) => killProcessGroup(g, graceMs)));
  // Anything the engine started whose pgid never reached the database.
  for (const owner of new Set(orphans.map((t) => t.owner).filter((x): x is string => !!x))) {
    for (const pid of processesOfOwner(owner)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}
