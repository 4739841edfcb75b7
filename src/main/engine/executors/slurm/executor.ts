// The Slurm executor: one batch job per trial. The engine writes the job's files into the trial folder
// (shared filesystem), submits with sbatch, follows stdout.log for reports, and learns the end from exit.json
// (written by the node-side wrapper) or, when the wrapper could not write it, from Slurm (squeue, then
// `scontrol show job`). One squeue call per poll covers every job of the campaign.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { killProcessGroup } from '../../runner/groups.js';
import { ACTIVE_STATES, queueStates, slurmCommand, SlurmCommandError, type QueueEntry } from './commands.js';
import { jobFile, jobScript, writeJsonAtomic, type JobRequest } from './job-files.js';
import { SlurmTrial } from './trial.js';
import type { Executor, TrialHandle, TrialLaunch, TrialLease } from '../types.js';
import type { SlurmExecutorSpec } from '../../study/types.js';

export interface SlurmExecutorOptions {
  spec: SlurmExecutorSpec;
  /** Node.js on the compute nodes (default: the engine's own, which must then be on the shared filesystem). */
  nodeBinary: string;
  /** out/executors/slurm-node.mjs of this package (on the shared filesystem). */
  wrapper: string;
  /** How often squeue is asked about the jobs in flight (default 2 s). */
  queuePollMs?: number;
  /** How often the trial files are read (default 250 ms). */
  filePollMs?: number;
}

/** Job names carry the trial id, so a job submitted just before the engine died is found without its id. */
export function jobName(studyName: string, trialId: number): string {
  return `nightshift-${trialId}-${studyName}`;
}

export class SlurmExecutor implements Executor {
  readonly kind = 'slurm' as const;
  private readonly trials = new Map<string, SlurmTrial>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  readonly filePollMs: number;

  constructor(private readonly opts: SlurmExecutorOptions) {
    this.filePollMs = opts.filePollMs ?? 250;
  }

  launch(t: TrialLaunch): TrialHandle {
    const trial = new SlurmTrial(this, t);
    void this.submit(t).then(
      (jobId) => {
        t.onStarted({ pgid: null, jobId });
        trial.attach(jobId);
      },
      (e: unknown) => trial.failToStart((e as Error).message),
    );
    return trial;
  }

  async locate(t: { studyName: string; trialId: number; dir: string }, lease: TrialLease): Promise<TrialLease | null> {
    let jobId = lease.jobId;
    if (jobId === null) {
      // The engine died between sbatch and recording the id: find the job by its name.
      const r = await slurmCommand('squeue', ['-h', '--states=all', '-n', jobName(t.studyName, t.trialId), '-o', '%i']);
      jobId = r.code === 0 ? (r.stdout.trim().split('\n')[0]?.trim() ?? '') || null : null;
      if (jobId === null) return null;
    }
    // Finished while no engine watched: its files hold everything, so the trial is not lost.
    if (existsSync(jobFile(t.dir, 'exit'))) return { pgid: null, jobId };
    const states = await queueStates([jobId]);
    const entry = states?.get(jobId);
    return entry && ACTIVE_STATES.has(entry.state) ? { pgid: null, jobId } : null;
  }

  async reattach(t: TrialLaunch, lease: TrialLease): Promise<TrialHandle | null> {
    if (lease.jobId === null) return null;
    const trial = new SlurmTrial(this, t);
    t.onStarted({ pgid: null, jobId: lease.jobId });
    trial.attach(lease.jobId);
    return trial;
  }

  async killOrphans(leases: TrialLease[], graceMs: number): Promise<void> {
    const ids = leases.map((l) => l.jobId).filter((j): j is string => j !== null);
    // Slurm's own KillWait (SIGTERM, then SIGKILL) applies; nothing of these jobs is followed any more.
    if (ids.length) await slurmCommand('scancel', ids);
    // Trials of a run that used the local executor before the study moved to Slurm.
    const groups = new Set(leases.map((l) => l.pgid).filter((g): g is number => g !== null && g > 0));
    await Promise.all([...groups].map((g) => killProcessGroup(g, graceMs)));
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Called by a trial once its job id is known; the first one starts the shared squeue poll. */
  track(jobId: string, trial: SlurmTrial): void {
    this.trials.set(jobId, trial);
    if (!this.timer) {
      this.timer = setInterval(() => void this.pollQueue(), this.opts.queuePollMs ?? 2000);
      this.timer.unref();
    }
  }

  untrack(jobId: string): void {
    this.trials.delete(jobId);
    if (this.trials.size === 0) this.close();
  }

  private async pollQueue(): Promise<void> {
    if (this.polling || this.trials.size === 0) return;
    this.polling = true;
    try {
      const states = await queueStates([...this.trials.keys()]);
      // squeue failing (slurmctld restarting) says nothing about the jobs: ask again next time.
      if (states === null) return;
      for (const [jobId, trial] of this.trials) trial.onQueueState(states.get(jobId) ?? null);
    } finally {
      this.polling = false;
    }
  }

  private async submit(t: TrialLaunch): Promise<string> {
    const request: JobRequest = {
      argv: t.argv,
      cwd: t.cwd,
      env: t.env,
      timeoutMs: t.timeoutMs,
      killGraceMs: t.killGraceMs,
      maxLogBytes: t.maxLogBytes,
      markers: [...(t.markers ?? [])],
      meter: true,
    };
    const requestFile = jobFile(t.dir, 'request');
    writeJsonAtomic(requestFile, request);
    const script = jobFile(t.dir, 'script');
    writeFileSync(script, jobScript(this.opts.nodeBinary, this.opts.wrapper, requestFile), { mode: 0o755 });
    const args = sbatchArgs(this.opts.spec, { name: jobName(t.studyName, t.trialId), dir: t.dir });
    const r = await slurmCommand('sbatch', [...args, script]);
    if (r.code !== 0) throw new SlurmCommandError('sbatch', args, r);
    // --parsable prints "id" or "id;cluster".
    const jobId = r.stdout.trim().split(';')[0] ?? '';
    if (!/^\d+(_\d+)?$/.test(jobId)) throw new Error(`sbatch printed no job id: ${JSON.stringify(r.stdout.trim())}`);
    return jobId;
  }
}

/** sbatch options from the study's executor section; `%` in paths is literal for Slurm's file patterns. */
export function sbatchArgs(spec: SlurmExecutorSpec, job: { name: string; dir: string }): string[] {
  const args = ['--parsable', `--job-name=${job.name}`, `--chdir=${job.dir}`, `--output=${path.join(job.dir, 'slurm.out').replace(/%/g, '%%')}`];
  if (spec.partition) args.push(`--partition=${spec.partition}`);
  if (spec.account) args.push(`--account=${spec.account}`);
  if (spec.qos) args.push(`--qos=${spec.qos}`);
  if (spec.time) args.push(`--time=${spec.time}`);
  if (spec.gres) args.push(`--gres=${spec.gres}`);
  if (spec.cpus_per_task !== null) args.push(`--cpus-per-task=${spec.cpus_per_task}`);
  if (spec.mem) args.push(`--mem=${spec.mem}`);
  // The job must not be requeued by Slurm behind the engine's back: a re-run is the engine's decision.
  args.push('--no-requeue');
  return [...args, ...spec.extra_args];
}

export type { QueueEntry };
