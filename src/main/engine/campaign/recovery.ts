// Crash safety: trials left `running` by an engine that died are found by their lease. A trial whose
// executor can still follow it (a Slurm job that runs on, or finished and left its result) is handed back
// to the campaign to follow: no kill, no duplicate. The others' processes are killed (by process group,
// and by the engine id in their environment; Slurm jobs by scancel), and they are marked stopped with a
// re-queued copy (up to the study's retry limit), unless their stored reports already cover their whole
// budget: those were evaluated, as when a live engine stops them (outcome.ts `stoppedOutcome`), and end
// complete with their last reported values. Finished trials are never touched.
import path from 'node:path';
import type { Executor, TrialLease } from '../executors/index.js';
import { trialDir } from '../paths.js';
import { killProcessGroup } from '../runner/groups.js';
import { stoppedOutcome } from '../runner/outcome.js';
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

/** An orphaned trial whose executor can follow it again. */
export interface FollowedOrphan {
  trial: TrialRecord;
  lease: TrialLease;
}

export async function recoverOrphans(o: {
  store: Store;
  study: StudyRecord;
  spec: StudySpec;
  emit: EventSink;
  now: number;
  executor: Executor;
  artifacts: string;
}): Promise<FollowedOrphan[]> {
  const { store, study, spec, executor } = o;
  const orphans: TrialRecord[] = [];
  const followed: FollowedOrphan[] = [];
  for (const t of store.runningTrials(study.id)) {
    if (!ownerIsDead(t.owner, t.heartbeatAt, STALE_LEASE_MS, o.now)) throw new EngineBusyError(study.name, t.owner);
    const dir = trialDir(o.artifacts, study.name, t.number);
    const lease = await executor.locate({ studyName: study.name, trialId: t.id, dir: path.resolve(dir) }, { pgid: t.pgid, jobId: t.jobId });
    if (lease) followed.push({ trial: t, lease });
    else orphans.push(t);
  }
  if (orphans.length === 0) return followed;
  const graceMs = Math.min(spec.kill_grace_s, 5) * 1000;
  // Slurm jobs run on other machines: Slurm ends them; the /proc scan is for trials of this machine.
  if (executor.kind === 'local') await killOrphanProcesses(orphans, graceMs);
  else await executor.killOrphans(orphans.map((t) => ({ pgid: t.pgid, jobId: t.jobId })), graceMs);
  for (const t of orphans) {
    const retry = t.retries < spec.max_retries;
    const last: Record<string, number> = {};
    let lastStep: number | null = null;
    // In step order (the store's query sorts them).
    for (const r of store.reports(t.id)) {
      Object.assign(last, r.metrics);
      lastStep = r.step;
    }
    const reason = 'interrupted: the engine running it stopped unexpectedly';
    const outcome = stoppedOutcome({ budget: t.budget, lastStep, objectives: study.objectives, last, reason, requeue: retry, metered: false });
    store.transaction(() => {
      if (outcome.state === 'complete') {
        const values: Record<string, number> = {};
        const metrics: Record<string, number> = {};
        const objectives = new Set(study.objectives.map((x) => x.metric));
        for (const [k, v] of Object.entries(last)) (objectives.has(k) ? values : metrics)[k] = v;
        store.finishTrial(t.id, { state: 'complete', values, metrics, reason: outcome.reason });
        return;
      }
      store.finishTrial(t.id, { state: 'stopped', values: {}, metrics: {}, reason });
      if (retry) store.enqueueTrial(study.id, { params: t.params, budget: t.budget, lineage: { kind: 'retry', parentNumber: t.number }, retries: t.retries + 1 });
      else store.addEvent(study.id, t.id, 'retry-limit', `not re-queued: already retried ${t.retries} time(s)`);
    });
    const fate = outcome.state === 'complete' ? `it had reported its whole budget (step ${lastStep}): recorded complete` : retry ? 're-queued' : 'retry limit reached, not re-queued';
    o.emit({ type: 'log', level: 'warn', message: `trial ${t.number} was left running by an engine that died; ${fate}` });
  }
  return followed;
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
