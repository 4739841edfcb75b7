// Reused trainer processes (trainer.reuse_process: on by default for the built-in trainer, opt-in for a
// command trainer whose script calls `nightshift.run`): a trial runs in an idle trainer process of the same
// study and environment when there is one, so it pays the trainer's start-up (Node and TF.js, or Python,
// PyTorch and CUDA, and whatever the script loads before its trials) once per process rather than once per
// trial (Ray Tune's `reuse_actors`). With stop-based ASHA most trials end after one epoch, and on small data
// that start-up cost more than the epoch. A process serves one trial at a time; the protocol is
// trainers/worker-protocol.ts.
//
// Each trial still looks like a process of its own to the campaign: its own logs in its own folder, its
// reports, its exit code, a stop (asked for, then SIGTERM/SIGKILL to the process after the grace period),
// a timeout, a pause (SIGSTOP). A process that crashed, was killed, or ended a trial in an unknown state is
// never given another one.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { killProcessGroup, signalProcessGroup } from '../runner/groups.js';
import { LineSplitter } from '../runner/lines.js';
import { BoundedLog } from '../runner/logs.js';
import { launchProblem, mergedEnv, STDERR_TAIL_CHARS, tailOf, type TrialExit } from '../runner/process.js';
import { MAX_REPORT_LINE_CHARS, parseReportLine } from '../runner/protocol.js';
import { TrialTimeout } from '../runner/trial-timeout.js';
import { parseFence, PER_TRIAL_ENV, WORKER_ENV, WORKER_FENCE, type WorkerCommand, type WorkerExit } from '../trainers/worker-protocol.js';
import type { TrialLaunch } from './types.js';

/** A process exits after this long without a trial (it holds 250-360 MB of RSS and, on a GPU, its context). */
const IDLE_MS = 15_000;
/** Retired after this many trials, so a slow leak in a backend cannot grow without bound. */
const MAX_TRIALS = 200;
/** Exit codes after which the process is known to be clean: done, a user error, stopped between batches. */
const CLEAN_EXITS = new Set([0, 2, 143]);

const perTrial = new Set<string>(PER_TRIAL_ENV);

/** Where a well-formed fence starts in a line (0: the line is one; -1: none), the last one if several. */
function fenceAt(line: string): number {
  const at = line.lastIndexOf(WORKER_FENCE);
  return at >= 0 && parseFence(line.slice(at)) !== null ? at : -1;
}

export interface WorkerEvent {
  type: 'started' | 'exited';
  pid: number;
  /** performance.now() of the engine. */
  at: number;
}

export interface WorkerHooks {
  /** A process was reaped (the meter reads its CPU tail then). */
  onReaped(pid: number): void;
  /** A process started or ended: for whoever counts process lives (a benchmark); must not throw. */
  onLife?(e: WorkerEvent): void;
}

export interface WorkerTrial {
  pid: number;
  reused: boolean;
  done: Promise<TrialExit>;
  stop(reason: string): Promise<TrialExit>;
  pause(): boolean;
  resume(): boolean;
  proceed(step: number): void;
}

class Job {
  readonly started = performance.now();
  readonly done: Promise<TrialExit>;
  stoppedBy: string | null = null;
  reportCount = 0;
  stderrText = '';
  stdoutFence: WorkerExit | null = null;
  stderrFenced = false;
  paused = false;
  /** Set by the process that runs it (a timeout stops the trial there). */
  timeout: TrialTimeout | null = null;
  killTimer: NodeJS.Timeout | null = null;
  readonly stdoutLog: BoundedLog;
  readonly stderrLog: BoundedLog;
  resolve!: (exit: TrialExit) => void;

  constructor(readonly launch: TrialLaunch) {
    this.done = new Promise((resolve) => (this.resolve = resolve));
    this.stdoutLog = new BoundedLog(path.join(launch.dir, 'stdout.log'), launch.maxLogBytes);
    this.stderrLog = new BoundedLog(path.join(launch.dir, 'stderr.log'), launch.maxLogBytes);
  }
}

class Worker {
  readonly pid: number;
  job: Job | null = null;
  trials = 0;
  alive = true;
  idleTimer: NodeJS.Timeout | null = null;
  private killing: Promise<void> | null = null;
  private readonly out: LineSplitter;
  private readonly err: LineSplitter;

  constructor(
    readonly key: string,
    private readonly child: ChildProcess,
    private readonly pool: TrainerWorkers,
    private readonly hooks: WorkerHooks,
  ) {
    this.pid = child.pid ?? 0;
    this.out = new LineSplitter(MAX_REPORT_LINE_CHARS, (line, overlong) => this.onStdout(line, overlong));
    this.err = new LineSplitter(MAX_REPORT_LINE_CHARS, (line) => this.onStderr(line));
    child.stdout?.on('data', (c: Buffer) => this.out.push(c));
    child.stderr?.on('data', (c: Buffer) => this.err.push(c));
    // A write to a process that just died: its exit event says what happened.
    child.stdin?.on('error', () => {});
    child.on('error', () => {});
    // Reaped at 'exit' (the meter reads its tail then); its last lines are read by 'close'.
    child.once('exit', () => {
      this.alive = false;
      if (this.pid > 0) this.hooks.onReaped(this.pid);
      this.hooks.onLife?.({ type: 'exited', pid: this.pid, at: performance.now() });
    });
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => this.onClose(code, signal));
    this.hooks.onLife?.({ type: 'started', pid: this.pid, at: performance.now() });
  }

  run(job: Job): void {
    this.job = job;
    this.trials += 1;
    const env = Object.fromEntries(Object.entries(job.launch.env).filter(([k]) => perTrial.has(k)));
    const command: WorkerCommand = { run: { env, argv: job.launch.argv } };
    this.child.stdin?.write(JSON.stringify(command) + '\n');
    job.timeout = new TrialTimeout(job.launch.timeoutMs, () => void this.stop(job, 'timeout'));
  }

  stop(job: Job, reason: string): Promise<TrialExit> {
    if (this.job !== job) return job.done;
    job.stoppedBy ??= reason;
    if (job.killTimer !== null) return job.done;
    if (job.paused) {
      job.paused = false;
      signalProcessGroup(this.pid, 'SIGCONT');
    }
    this.child.stdin?.write('{"stop": true}\n');
    // Asked first (the process survives for the next trial); killed if it does not answer in the grace period.
    job.killTimer = setTimeout(() => void this.kill(), job.launch.killGraceMs);
    return job.done;
  }

  /** The trial passed the rung at `step` and may train on (it waits there for this or a stop). */
  proceed(job: Job, step: number): void {
    if (this.job !== job || job.killTimer !== null || job.paused || !this.alive) return;
    this.child.stdin?.write(`{"go": ${step}}\n`);
  }

  pause(job: Job): boolean {
    if (this.job !== job || job.paused || job.killTimer !== null || !this.alive) return false;
    if (!signalProcessGroup(this.pid, 'SIGSTOP')) return false;
    job.paused = true;
    job.timeout?.hold();
    return true;
  }

  resume(job: Job): boolean {
    if (this.job !== job || !job.paused) return false;
    job.paused = false;
    signalProcessGroup(this.pid, 'SIGCONT');
    job.timeout?.run();
    return true;
  }

  get isKilled(): boolean {
    return this.killing !== null;
  }

  kill(): Promise<void> {
    this.child.stdin?.end();
    return (this.killing ??= killProcessGroup(this.pid, this.job?.launch.killGraceMs ?? 2000));
  }

  private onStdout(line: string, overlong: boolean): void {
    const job = this.job;
    if (job === null) return;
    // A trial whose last output had no newline puts the fence on the same line: its part comes first.
    const at = fenceAt(line);
    if (at > 0) {
      this.onStdout(line.slice(0, at), overlong);
      this.onStdout(line.slice(at), false);
      return;
    }
    const fence = parseFence(line);
    if (fence !== null) {
      job.stdoutFence = fence;
      this.maybeFinish();
      return;
    }
    job.stdoutLog.write(Buffer.from(line + '\n'));
    if (overlong) return;
    const parsed = parseReportLine(line);
    if (parsed.kind === 'malformed') job.stderrLog.note(`malformed report line: ${parsed.error}`);
    else if (parsed.kind === 'report') {
      job.reportCount += 1;
      try {
        job.launch.onReport(parsed.step, parsed.metrics);
      } catch (e) {
        job.stderrLog.note(`report handler failed: ${(e as Error).message}`);
      }
    }
  }

  private onStderr(line: string): void {
    const job = this.job;
    if (job === null) return;
    const at = fenceAt(line);
    if (at > 0) {
      this.onStderr(line.slice(0, at));
      this.onStderr(line.slice(at));
      return;
    }
    // Only a well-formed fence ends the trial's stderr: a log line that merely mentions the marker does not.
    if (parseFence(line) !== null) {
      job.stderrFenced = true;
      this.maybeFinish();
      return;
    }
    job.stderrLog.write(Buffer.from(line + '\n'));
    job.stderrText = (job.stderrText + line + '\n').slice(-2 * STDERR_TAIL_CHARS);
  }

  private maybeFinish(): void {
    const job = this.job;
    if (job === null || job.stdoutFence === null || !job.stderrFenced) return;
    const code = job.stdoutFence.exit;
    this.job = null;
    void this.settle(job, { code, signal: null });
    // Back to the pool only when nothing of the trial can linger in it.
    if (this.alive && this.killing === null && CLEAN_EXITS.has(code) && this.trials < MAX_TRIALS) this.pool.idle(this);
    else void this.kill();
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    this.alive = false;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.pool.forget(this);
    this.out.end();
    this.err.end();
    const job = this.job;
    this.job = null;
    if (job === null) return;
    // A script that ignores the worker protocol runs its one trial and exits: the trial stands, and the
    // next one starts a process of its own. Said once, in the trial's log, so a slow study can be explained.
    if (code === 0 && job.stdoutFence === null && this.trials === 1) {
      job.stderrLog.note('trainer.reuse_process: the trainer process exited after one trial without the worker protocol (a Python script hands its training to nightshift.run(train)); each trial starts a process of its own');
    }
    void this.settle(job, { code, signal });
  }

  private async settle(job: Job, how: { code: number | null; signal: NodeJS.Signals | null }): Promise<void> {
    job.timeout?.clear();
    if (job.killTimer !== null) clearTimeout(job.killTimer);
    await Promise.all([job.stdoutLog.close(), job.stderrLog.close()]);
    job.resolve({
      code: how.code,
      signal: how.signal,
      stoppedBy: job.stoppedBy,
      spawnError: null,
      stderrTail: tailOf(job.stderrText),
      reportCount: job.reportCount,
      durationMs: performance.now() - job.started,
    });
  }
}

export class TrainerWorkers {
  private readonly idleByKey = new Map<string, Worker[]>();
  private readonly all = new Set<Worker>();

  constructor(private readonly hooks: WorkerHooks) {}

  launch(t: TrialLaunch): WorkerTrial {
    const started = performance.now();
    const failed = (spawnError: string): WorkerTrial => {
      const exit: TrialExit = { code: null, signal: null, stoppedBy: null, spawnError, stderrTail: '', reportCount: 0, durationMs: performance.now() - started };
      const done = Promise.resolve(exit);
      return { pid: 0, reused: false, done, stop: () => done, pause: () => false, resume: () => false, proceed: () => {} };
    };
    const unlaunchable = launchProblem(t.argv, t.dir, t.cwd);
    if (unlaunchable !== null) return failed(unlaunchable);
    const shared = Object.fromEntries(Object.entries(t.env).filter(([k]) => !perTrial.has(k)).sort(([a], [b]) => (a < b ? -1 : 1)));
    const key = JSON.stringify([t.workerKey ?? t.argv, t.cwd, shared]);
    let worker = this.takeIdle(key);
    const reused = worker !== null;
    if (worker === null) {
      const spawned = this.spawn(key, t);
      if (typeof spawned === 'string') return failed(spawned);
      worker = spawned;
    } else if (worker.idleTimer !== null) {
      clearTimeout(worker.idleTimer);
      worker.idleTimer = null;
    }
    const job = new Job(t);
    worker.run(job);
    const w = worker;
    return {
      pid: w.pid,
      reused,
      done: job.done,
      stop: (reason) => w.stop(job, reason),
      pause: () => w.pause(job),
      resume: () => w.resume(job),
      proceed: (step) => w.proceed(job, step),
    };
  }

  /** Ends every process of the pool (the campaign is over); a trial still running in one ends with it. */
  async close(): Promise<void> {
    await Promise.all([...this.all].map((w) => w.kill()));
  }

  idle(w: Worker): void {
    const list = this.idleByKey.get(w.key) ?? [];
    list.push(w);
    this.idleByKey.set(w.key, list);
    w.idleTimer = setTimeout(() => {
      this.unlist(w);
      void w.kill();
    }, IDLE_MS);
    w.idleTimer.unref();
  }

  forget(w: Worker): void {
    this.all.delete(w);
    this.unlist(w);
  }

  /** An idle process of this key that is still alive (one may have died since it went idle). */
  private takeIdle(key: string): Worker | null {
    for (let w = this.idleByKey.get(key)?.pop(); w !== undefined; w = this.idleByKey.get(key)?.pop()) {
      if (w.alive && !w.isKilled) return w;
    }
    return null;
  }

  private unlist(w: Worker): void {
    const list = this.idleByKey.get(w.key);
    if (!list) return;
    const rest = list.filter((x) => x !== w);
    if (rest.length) this.idleByKey.set(w.key, rest);
    else this.idleByKey.delete(w.key);
  }

  private spawn(key: string, t: TrialLaunch): Worker | string {
    const command = t.argv[0]!;
    let child: ChildProcess;
    try {
      // Started with the first trial's argv and environment, so a script that ignores the protocol still runs
      // that trial as a trial process would; every trial's own argv and variables come with its run command.
      child = spawn(command, t.argv.slice(1), {
        cwd: t.cwd,
        env: mergedEnv({ ...t.env, [WORKER_ENV]: '1' }),
        detached: true,
        shell: false,
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (e) {
      return `could not start ${command}: ${(e as Error).message}`;
    }
    if (child.pid === undefined) {
      child.on('error', () => {});
      return `could not start ${command}`;
    }
    const w = new Worker(key, child, this, this.hooks);
    this.all.add(w);
    return w;
  }
}
