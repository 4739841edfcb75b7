// Where a trial process runs. The campaign talks only to this interface; `local` runs the trial in a process
// group on this machine (runner/process.ts), `slurm` submits it as one batch job and follows its files on the
// shared filesystem. Both pass test/engine/executors/contract.ts.
//
// Lifecycle of one trial, whichever executor runs it:
//   launch()   starts it; `onStarted` receives its lease (process group, or Slurm job id) as soon as it
//              exists, so the store holds it before anything else can happen to the trial.
//   reports    arrive through `onReport`, in order, each once per handle (a reattached handle reads the
//              trial's reports from its start again; the caller skips those it already stored).
//   stop()     SIGTERM to everything the trial runs, SIGKILL after the grace period; the first reason wins.
//   pause()    (local only) SIGSTOP to everything the trial runs; resume() sends SIGCONT.
//   done       resolves once nothing of the trial runs any more, with how it ended.
//   reattach() (after an engine restart) follows a trial that another engine launched, from its lease;
//              null when nothing of it can be followed (the caller kills what is left and re-queues it).
import type { TrialExit } from '../runner/process.js';
import type { TrialMeasurement } from '../metering/index.js';

export type ExecutorKind = 'local' | 'slurm';

export interface TrialLease {
  /** Process group on the engine's machine (local), else null. */
  pgid: number | null;
  /** Slurm job id, else null. */
  jobId: string | null;
  /** The process already ran earlier trials (a reused trainer process): what it used before is theirs. */
  reused?: boolean;
}

/** Where the trial ended up running, once the executor knows (Slurm: when the job starts on a node). */
export interface TrialPlacement {
  node: string;
  /** The GPUs the trial was given (Slurm's SLURM_JOB_GPUS / CUDA_VISIBLE_DEVICES), as written there. */
  gpus: string | null;
}

export interface TrialLaunch {
  trialId: number;
  trialNumber: number;
  studyName: string;
  /** The trial's folder: logs, params.json and (Slurm) the job's files live here. */
  dir: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number | null;
  killGraceMs: number;
  maxLogBytes: number;
  /**
   * `NAME=value` entries of `env` that mark this trial's processes (NIGHTSHIFT_TRIAL_TOKEN): when the trial
   * ends, processes still carrying one are killed too, wherever the trial ran (a daemonized child has left
   * the process group, not its environment).
   */
  markers?: readonly string[];
  /**
   * The trial may run in a process that runs trial after trial (local executor only; trainer.reuse_process),
   * so it does not pay the trainer's start-up again.
   */
  reuseProcess?: boolean;
  /**
   * Which trials may share a process (with the same cwd and shared environment); default: the same argv. A
   * command trainer's argv differs per trial, so its key is the command as written and each trial's argv
   * travels with its run command.
   */
  workerKey?: string;
  onReport: (step: number, metrics: Record<string, number>) => void;
  onStarted: (lease: TrialLease) => void;
  onPlaced?: (placement: TrialPlacement) => void;
}

export interface ExecutorExit extends TrialExit {
  /**
   * Set when the executor, not the trial, ended it (Slurm: time limit, node failure, preemption, a job
   * cancelled outside Nightshift, a job that vanished): the trial's reason as users read it.
   */
  lostReason: string | null;
  /** Energy and memory measured where the trial ran (Slurm's node-side wrapper); null: the engine meters it. */
  measurement: TrialMeasurement | null;
}

export interface TrialHandle {
  /** Process group id on this machine, 0 when the trial does not run here (or could not start). */
  readonly pid: number;
  readonly done: Promise<ExecutorExit>;
  stop(reason: string): Promise<ExecutorExit>;
  /**
   * Freezes the trial where it is (its memory kept, no CPU used, its timeout held) and lets it go on;
   * for `scheduler.mode: pause`. Absent where the executor cannot (Slurm: the study is refused at open).
   */
  pause?(): boolean;
  resume?(): boolean;
  /** A reused built-in trainer waiting at rung `step` for the verdict may train on (worker protocol `go`). */
  proceed?(step: number): void;
}

export interface Executor {
  readonly kind: ExecutorKind;
  launch(t: TrialLaunch): TrialHandle;
  /**
   * The lease to follow a trial by, for a trial whose engine died: its job still runs or already left its
   * result. null when nothing of it can be followed (always, locally: a trial dies with its engine).
   */
  locate(t: { studyName: string; trialId: number; dir: string }, lease: TrialLease): Promise<TrialLease | null>;
  /** Follows a trial launched by an engine that died (a lease from `locate`), or null when it cannot. */
  reattach(t: TrialLaunch, lease: TrialLease): Promise<TrialHandle | null>;
  /** Ends what is left of trials that cannot be followed (their leases), SIGKILL after `graceMs`. */
  killOrphans(leases: TrialLease[], graceMs: number): Promise<void>;
  /** Releases pollers and timers; running trials are not stopped. */
  close(): void;
}
