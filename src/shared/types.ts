// Value types shared by the engine, the CLI, the API contract and the renderer.
// These shapes are user-facing contracts (CLI --json output, exports): change them only with care.
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
  /** The best trial (one objective) or the Pareto set (several). */
  best: TrialJson[];
  stop_reason: string | null;
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
