// The normalized study specification: what the engine's `parseStudySpec` returns after validation, and what
// the API hands the dashboard. Durations are in seconds, energy in joules, so nothing re-parses units.
import type { Objective, ParamValue } from './types.js';

/** `when: {optimizer: sgd}` or `when: {optimizer: [sgd, rmsprop]}`: active only if every listed parent matches. */
export type Condition = Record<string, ParamValue[]>;

export interface FloatParam {
  type: 'float';
  low: number;
  high: number;
  log: boolean;
  step: number | null;
  when: Condition | null;
}
export interface IntParam {
  type: 'int';
  low: number;
  high: number;
  log: boolean;
  step: number;
  when: Condition | null;
}
export interface CategoricalParam {
  type: 'categorical';
  choices: ParamValue[];
  when: Condition | null;
}
export type ParamSpec = FloatParam | IntParam | CategoricalParam;

export interface CommandTrainer {
  kind: 'command';
  /** argv; `{name}` placeholders are filled per trial, never through a shell. */
  command: string[];
  /** Working directory for the trial, resolved against the study file's folder. */
  cwd: string;
  env: Record<string, string>;
  timeout_s: number | null;
  /**
   * Run trial after trial in one process (default false; absent means false): the script must hand its
   * training to the Python helper's `nightshift.run(train)`, which speaks the worker protocol.
   */
  reuse_process?: boolean;
}
export interface BuiltinTrainer {
  kind: 'builtin';
  builtin: Record<string, unknown>;
  timeout_s: number | null;
  /** Run trial after trial in one trainer process (default true; absent means true). */
  reuse_process?: boolean;
}
export type TrainerSpec = CommandTrainer | BuiltinTrainer;

export interface ConstraintSpec {
  metric: string;
  min: number | null;
  max: number | null;
}

export interface FidelitySpec {
  param: string;
  min: number;
  max: number;
  eta: number;
}

export interface SamplerSpec {
  type: string;
  options: Record<string, unknown>;
}
export interface SchedulerSpec {
  type: string;
  options: Record<string, unknown>;
}

/** The study file's `finalists` key: after the search, re-run the top configurations with several seeds (and folds). */
export interface FinalistsSpec {
  /** How many configurations to validate (by `objective`, or the Pareto set's knee points). */
  top: number;
  /** Runs per configuration and fold, each with its own seed (the same seeds for every configuration). */
  seeds: number;
  /** Values that replace the configuration's own (a search parameter, or the fidelity parameter). */
  overrides: Record<string, ParamValue>;
  /** Cross-validation folds (NIGHTSHIFT_FOLD 0..folds-1), or null for none. */
  folds: number | null;
  /** The objective that ranks configurations and names the winner; null: the first, or knee points. */
  objective: string | null;
}

export interface BudgetSpec {
  trials: number | null;
  wall_time_s: number | null;
  energy_j: number | null;
  /** "07:00" (next occurrence, local time) or an ISO date-time; kept as written, resolved at run start. */
  deadline: string | null;
}

export interface ResourcesSpec {
  parallel: number;
  gpus: 'all' | number[] | null;
  trials_per_gpu: number;
  /** Use GPUs that other (non-Nightshift) processes are computing on; by default they are skipped. */
  allow_busy_gpus: boolean;
  /** Below this many free bytes where trial folders live, no new trial starts (0: no guard). */
  min_free_disk_bytes: number;
  /**
   * How long a run waits for disk space (below min_free_disk, or the database's disk full) before it ends
   * as idle; 0: it ends at once. Optional so specs stored before it read as the default.
   */
  disk_full_wait_s?: number;
  /**
   * Prepare the sampler's next suggestion while every slot is busy, so a freed slot starts at once (it does
   * not see the result that freed the slot). auto: with 2+ slots, when asks take 5%+ of a slot's time per trial.
   * Optional so specs stored before it read as auto.
   */
  ask_ahead?: 'auto' | boolean;
}

export interface CheckpointsSpec {
  /** Checkpoints kept, per objective, for the best configurations once nothing can resume or promote them. */
  keep_best: number;
}

export interface SlurmExecutorSpec {
  type: 'slurm';
  /** null: the cluster's default partition. */
  partition: string | null;
  account: string | null;
  qos: string | null;
  /** Slurm's --time, as Slurm reads it (minutes, or its own D-HH:MM:SS text). */
  time: string | null;
  gres: string | null;
  cpus_per_task: number | null;
  mem: string | null;
  /** Further sbatch options, passed as given (each one argv element, never a shell string). */
  extra_args: string[];
  /** Jobs in flight at once, pending ones included; null: resources.parallel. */
  max_jobs: number | null;
  /** Node.js on the compute nodes; null: the engine's own (it must then be on the shared filesystem). */
  node: string | null;
}

/** Where trials run: processes on this machine, or one Slurm batch job each. */
export type ExecutorSpec = { type: 'local' } | SlurmExecutorSpec;

export interface StudySpec {
  name: string;
  trainer: TrainerSpec;
  search_space: Record<string, ParamSpec>;
  objectives: Objective[];
  constraints: ConstraintSpec[];
  fidelity: FidelitySpec | null;
  sampler: SamplerSpec;
  scheduler: SchedulerSpec;
  budget: BudgetSpec;
  resources: ResourcesSpec;
  baseline: Record<string, ParamValue> | null;
  /**
   * Start from an earlier study: its best `top` configurations that fit this space run first, and with the
   * GP sampler its finished trials are the model's prior (`prior`: true requires it, false turns it off,
   * null uses it when the two search spaces overlap). A replayed configuration is trained to its full budget
   * unless `early_stop` (absent: false) lets the scheduler stop it like any other.
   */
  warm_start: { study: string; db: string | null; top: number; prior?: boolean | null; early_stop?: boolean } | null;
  /** The finalists stage after the search; absent (older stored studies) or null when there is none. */
  finalists?: FinalistsSpec | null;
  seed: number;
  /** How often a trial left running by a dead engine is retried (default 1). */
  max_retries: number;
  /** Grace period between SIGTERM and SIGKILL when stopping a trial. */
  kill_grace_s: number;
  checkpoints: CheckpointsSpec;
  /** Where trials run; absent: locally (studies that never name an executor, and those stored before). */
  executor?: ExecutorSpec;
}
