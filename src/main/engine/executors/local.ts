// The local executor: today's runner. Each trial is a process group on this machine; nothing of a trial
// survives its engine (the group is killed on recovery), so there is never anything to reattach to.
import { reapedCpu } from '../metering/index.js';
import { killProcessGroup } from '../runner/groups.js';
import { launchTrial, type TrialExit } from '../runner/process.js';
import { TrainerWorkers, type WorkerEvent } from './trainer-workers.js';
import type { Executor, ExecutorExit, TrialHandle, TrialLaunch, TrialLease } from './types.js';

export class LocalExecutor implements Executor {
  readonly kind = 'local' as const;
  private readonly workers: TrainerWorkers;

  /** `onWorkerLife`: told when a reused trainer process starts and ends (benchmarks count their lives). */
  constructor(opts: { onWorkerLife?: (e: WorkerEvent) => void } = {}) {
    // The meter charges a trial what it used after its last read from the moment it was reaped.
    this.workers = new TrainerWorkers({ onReaped: (pid) => reapedCpu.atExit(pid), onLife: opts.onWorkerLife });
  }

  launch(t: TrialLaunch): TrialHandle {
    if (t.reuseProcess) return this.launchReused(t);
    const proc = launchTrial({
      argv: t.argv,
      cwd: t.cwd,
      env: t.env,
      logDir: t.dir,
      maxLogBytes: t.maxLogBytes,
      timeoutMs: t.timeoutMs,
      killGraceMs: t.killGraceMs,
      onReport: t.onReport,
      markers: t.markers ?? [],
      // The meter charges a trial what it used after its last read from the moment it was reaped.
      onReaped: (pid) => reapedCpu.atExit(pid),
    });
    if (proc.pid > 0) t.onStarted({ pgid: proc.pid, jobId: null });
    const local = (p: Promise<TrialExit>): Promise<ExecutorExit> =>
      p.then((exit) => ({ ...exit, lostReason: null, measurement: null }));
    const done = local(proc.done);
    return { pid: proc.pid, done, stop: (reason) => local(proc.stop(reason)), pause: () => proc.pause(), resume: () => proc.resume() };
  }

  private launchReused(t: TrialLaunch): TrialHandle {
    const w = this.workers.launch(t);
    if (w.pid > 0) t.onStarted({ pgid: w.pid, jobId: null, reused: w.reused });
    const local = (p: Promise<TrialExit>): Promise<ExecutorExit> => p.then((exit) => ({ ...exit, lostReason: null, measurement: null }));
    const done = local(w.done);
    return { pid: w.pid, done, stop: (reason) => local(w.stop(reason)), pause: () => w.pause(), resume: () => w.resume(), proceed: (step) => w.proceed(step) };
  }

  async locate(): Promise<TrialLease | null> {
    return null;
  }

  async reattach(): Promise<TrialHandle | null> {
    return null;
  }

  async killOrphans(leases: TrialLease[], graceMs: number): Promise<void> {
    const groups = new Set(leases.map((l) => l.pgid).filter((g): g is number => g !== null && g > 0));
    await Promise.all([...groups].map((g) => killProcessGroup(g, graceMs)));
  }

  close(): void {
    void this.workers.close();
  }
}
