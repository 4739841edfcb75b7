// Value types shared by the engine, the CLI, the API contract and the renderer.
// These shapes are user-facing contracts (CLI --json output, exports): change them only with care.
import type { FinalistsJson } from './finalists.js';
import type { TrialProvenance } from './provenance.js';
import type { StudySpec } from './spec.js';

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

export const TRIAL_STATES = ['queued', 'running', 'complete', 'pruned', 'failed', 'stopped'] as const;
export type TrialState = (typeof TRIAL_STATES)[number];
export const FINISHED_STATES: readonly TrialState[] = ['complete', 'pruned', 'failed', 'stopped'];

export type Direction = 'minimize' | 'maximize';
export interface Objective {
  metric: string;
  direction: Direction;
}

export type StateCounts = Record<TrialState, number>;

/** One trial as the CLI prints it and exports write it. */
export interface TrialJson {
  number: number;
  state: TrialState;
  params: Params;
  /** Objective values (the last reported value of each objective metric). */
  values: Record<string, number>;
  /** Everything else: other reported metrics and what Nightshift measured. */
  metrics: Record<string, number>;
  started_at: string | null;
  ended_at: string | null;
  reason: string | null;
  /** How the measured metrics were obtained (source, interval, idle baseline, method, flags); null if unmeasured. */
  provenance: TrialProvenance | null;
}

export type StudyState = 'running' | 'idle' | 'finished';

/** `nightshift show NAME --json`, and the last object `run --json` prints. */
export interface StudyShowJson {
  name: string;
  state: StudyState;
  objectives: Objective[];
  counts: StateCounts;
  /** The best trial (one objective) or the Pareto set (several); once finalists are validated, the validated winner. */
  best: TrialJson[];
  /** Whether `best` is the finalists stage's validated winner (true) or the search's best (false). */
  best_validated?: boolean;
  /** Finalist runs, counted apart from the search's `counts`. */
  finalist_counts?: StateCounts;
  /** The finalists stage's results, once it has runs. */
  finalists?: FinalistsJson | null;
  /** Energy of the search's trials and of the finalist runs apart (each has its own budget); null where unmeasured. */
  energy?: { search_j: number | null; finalists_j: number | null };
  stop_reason: string | null;
  /** What the study's finished trials cost in processes and energy (see StudyCostJson). */
  cost: StudyCostJson;
  /** Where the GP's prior came from (warm_start with prior): the study and its trials; null without one. */
  transfer_prior?: string | null;
}

/** Totals over a study's finished trials; null where nothing was measured. */
export interface StudyCostJson {
  /** Trial processes that ran (each trial record is one process). */
  processes: number;
  /** Wall time × processes: the sum of the trial processes' wall times (their duration_s). */
  process_seconds: number;
  energy_j: number | null;
  /** The fixed cost: the sum over trials of the time, and energy, from launch to the first report. */
  startup_s: number | null;
  startup_energy_j: number | null;
  /** startup_energy_j / energy_j. */
  startup_energy_share: number | null;
  /** Of process_seconds, the time trials spent frozen at rungs (`scheduler.mode: pause`); null when none waited. */
  paused_s: number | null;
}

/** One entry of `nightshift ls --json`. */
export interface StudyListEntry {
  name: string;
  state: StudyState;
  created_at: string;
  counts: StateCounts;
}

/** `nightshift export NAME --format json`. */
export interface StudyExportJson {
  study: {
    name: string;
    state: StudyState;
    created_at: string;
    objectives: Objective[];
    /** The study file as validated; null for a study from another tool (an Optuna storage). */
    spec: StudySpec | null;
    stop_reason: string | null;
  };
  trials: TrialJson[];
}

export function emptyCounts(): StateCounts {
  return { queued: 0, running: 0, complete: 0, pruned: 0, failed: 0, stopped: 0 };
}
