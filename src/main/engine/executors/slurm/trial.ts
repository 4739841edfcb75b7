// One trial running as a Slurm job, seen from the engine: its reports from stdout.log, its placement from
// node.json, its end from exit.json, and from Slurm when the job ended without the wrapper saying so.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ACTIVE_STATES, describeJobEnd, showJob, slurmCommand, type QueueEntry } from './commands.js';
import { ReportFollower } from './follow.js';
import { jobFile, readJsonIfPresent, type JobPlacement, type JobResult } from './job-files.js';
import type { SlurmExecutor } from './executor.js';
import type { ExecutorExit, TrialHandle, TrialLaunch } from '../types.js';

/** After Slurm says the job is over, how long exit.json may take to become visible (NFS attribute caches). */
const END_GRACE_MS = 5000;
/** After the grace period, scancel's own SIGTERM-then-SIGKILL (KillWait) ends what is left. */
const HARD_CANCEL_MARGIN_MS = 3000;

export class SlurmTrial implements TrialHandle {
  readonly pid = 0;
  readonly done: Promise<ExecutorExit>;
  private resolveDone!: (exit: ExecutorExit) => void;
  private jobId: string | null = null;
  private stoppedBy: string | null = null;
  private state: string | null = null;
  private endedSince: number | null = null;
  private placed = false;
  private finished = false;
  private timer: NodeJS.Timeout | null = null;
  private hardCancel: NodeJS.Timeout | null = null;
  private readonly follower: ReportFollower;
  private readonly started = performance.now();

  constructor(
    private readonly executor: SlurmExecutor,
    private readonly t: TrialLaunch,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.follower = new ReportFollower(path.join(t.dir, 'stdout.log'), t.onReport);
  }

  /** The job exists (submitted now, or found again after a restart): follow it. */
  attach(jobId: string): void {
    this.jobId = jobId;
    this.executor.track(jobId, this);
    this.timer = setInterval(() => this.pollFiles(), this.executor.filePollMs);
    if (this.stoppedBy !== null) void this.signal();
    this.pollFiles();
  }

  failToStart(message: string): void {
    this.finish({ spawnError: `could not submit the Slurm job: ${message}`, lostReason: null, result: null });
  }

  stop(reason: string): Promise<ExecutorExit> {
    if (this.finished) return this.done;
    const first = this.stoppedBy === null;
    this.stoppedBy ??= reason;
    if (first && this.jobId !== null) void this.signal();
    return this.done;
  }

  /** The engine's stop: SIGTERM to the wrapper (which stops the trial with its grace), then scancel. */
  private async signal(): Promise<void> {
    const jobId = this.jobId!;
    if (this.state === 'PENDING' || this.state === null) {
      // Nothing runs yet (or we do not know): cancelling is the whole stop.
      await slurmCommand('scancel', [jobId]);
    } else {
      await slurmCommand('scancel', ['--batch', '--signal=TERM', jobId]);
    }
    this.hardCancel = setTimeout(() => void slurmCommand('scancel', [jobId]), this.t.killGraceMs + HARD_CANCEL_MARGIN_MS);
    this.hardCancel.unref();
  }

  /** Called by the executor's squeue poll; null when Slurm no longer lists the job. */
  onQueueState(entry: QueueEntry | null): void {
    this.state = entry?.state ?? null;
    const over = entry === null || !ACTIVE_STATES.has(entry.state);
    if (over && this.endedSince === null) this.endedSince = performance.now();
    if (!over) this.endedSince = null;
  }

  private pollFiles(): void {
    if (this.finished) return;
    // Placement first: the wrapper writes it before the trial starts, so it precedes every report.
    if (!this.placed) {
      const p = readJsonIfPresent<JobPlacement>(jobFile(this.t.dir, 'placement'));
      if (p) {
        this.placed = true;
        this.t.onPlaced?.({ node: p.node, gpus: p.gpus });
      }
    }
    this.follower.poll();
    const result = readJsonIfPresent<JobResult>(jobFile(this.t.dir, 'exit'));
    if (result) {
      void this.end(result);
      return;
    }
    if (this.endedSince !== null && performance.now() - this.endedSince > END_GRACE_MS) void this.end(null);
  }

  private ending = false;

  private async end(result: JobResult | null): Promise<void> {
    if (this.ending) return;
    this.ending = true;
    if (this.timer) clearInterval(this.timer);
    this.follower.end();
    let lostReason: string | null = null;
    // The wrapper was signalled or killed by Slurm itself (not by us): Slurm knows why.
    if (this.stoppedBy === null && (result === null || result.signalled !== null)) {
      lostReason = (await this.slurmReason()) ?? this.fallbackReason(result);
    }
    this.finish({ spawnError: null, lostReason, result });
  }

  private async slurmReason(): Promise<string | null> {
    const jobId = this.jobId!;
    // A job whose wrapper was just signalled still shows RUNNING or COMPLETING for a moment.
    for (let i = 0; i < 40; i++) {
      const job = await showJob(jobId);
      const state = (job?.JobState ?? '').split(/\s/)[0] ?? '';
      if (!job || !ACTIVE_STATES.has(state)) return describeJobEnd(jobId, job);
      await new Promise((r) => setTimeout(r, 250));
    }
    return null;
  }

  private fallbackReason(result: JobResult | null): string {
    if (result?.signalled) return `slurm job ${this.jobId} was sent ${result.signalled} by Slurm`;
    let tail = '';
    try {
      tail = readFileSync(jobFile(this.t.dir, 'slurmOutput'), 'utf8').trim().split('\n').pop() ?? '';
    } catch {
      // No output file: the job never started.
    }
    return `slurm job ${this.jobId} ended without a result${tail ? `: ${tail.slice(0, 300)}` : ' (it vanished from the queue)'}`;
  }

  private finish(o: { spawnError: string | null; lostReason: string | null; result: JobResult | null }): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearInterval(this.timer);
    if (this.hardCancel) clearTimeout(this.hardCancel);
    if (this.jobId !== null) this.executor.untrack(this.jobId);
    const e = o.result?.exit;
    this.resolveDone({
      code: e?.code ?? null,
      signal: e?.signal ?? null,
      stoppedBy: this.stoppedBy ?? (o.lostReason === null ? (e?.stoppedBy === 'timeout' ? 'timeout' : null) : null),
      spawnError: o.spawnError ?? e?.spawnError ?? null,
      stderrTail: e?.stderrTail ?? '',
      reportCount: this.follower.count,
      durationMs: e?.durationMs ?? performance.now() - this.started,
      lostReason: o.lostReason,
      measurement: o.result?.measurement ?? null,
    });
  }
}
