// Shapes of the study page's morning summary and timeline (methods `study.morning` and `study.timeline` of
// the API contract in ./api.ts). Types only: the renderer imports them without pulling in engine code.
import type { Objective, StudyCostJson, TrialState } from './types.js';

/** A figure summed over trials, with how many of them lacked it and how many were too short to measure well. */
export interface SpentFigure {
  /** Null when no trial in the window has the figure at all (never a made-up 0). */
  total: number | null;
  /** Trials of the window that have it. */
  measured: number;
  /** Of those, trials whose window was shorter than the meter's sampling (provenance flag short_window). */
  short_window: number;
}

export interface FailureGroup {
  /** The reason, with trial-specific numbers (trial ids, paths under studies/) left out so alike failures group. */
  reason: string;
  /** Trial numbers, ascending. */
  trials: number[];
  /** The longest start all the group's reasons share: the trials table's text filter that finds them. */
  match: string;
}

/** What to look at first, most important first. */
export interface Attention {
  kind: 'failures' | 'short_window' | 'no_baseline' | 'baseline_best' | 'running' | 'unmeasured' | 'best';
  message: string;
  /** Trials it is about (links), possibly empty. */
  trials: number[];
}

export interface MorningSummary {
  study: string;
  state: 'running' | 'idle' | 'finished';
  stop_reason: string | null;
  /** Start of the window: the last campaign run's start (`since: 'run'`), the study's creation, or the time asked for. */
  since: string;
  /** What `since` is: the start of the last run, of the study, or a time the user chose. */
  since_kind: 'run' | 'study' | 'time';
  /** The last trial end in the window (or now while trials run); null when nothing ran in it. */
  until: string | null;
  /** From the first trial start to `until` in the window, seconds; null when nothing ran. */
  wall_time_s: number | null;
  /** Trials that ended in the window, by state, plus those running and queued now. */
  counts: Record<TrialState, number>;
  /** Failed trials of the window grouped by reason, largest group first. */
  failures: FailureGroup[];
  /** Spent by the trials that ended in the window (a promoted trial counts only its own part). */
  energy_j: SpentFigure;
  co2_g: SpentFigure;
  cost: SpentFigure;
  /**
   * What the window's trial processes cost beside epochs: processes, process-seconds, the fixed cost before
   * first reports and its share of the energy, and (mode pause) the time frozen at rungs.
   */
  processes: StudyCostJson;
  /** Per objective: the best trial of the window against the study's baseline trial (when it has one). */
  best: BestAgainstBaseline[];
  attention: Attention[];
}

export interface BestAgainstBaseline {
  objective: Objective;
  /**
   * The best search trial in the window; once finalists ran, the validated winner, its value and energy the
   * means over its finalist runs (`runs` of them; null for a search value).
   */
  best: { number: number; value: number; energy_j: number | null; runs: number | null; below_resolution: boolean };
  /** `below_resolution` (here and in `best`): the value is an energy below the meter's resolution (src/shared/energy-resolution.ts). */
  baseline: { number: number; value: number; energy_j: number | null; below_resolution: boolean } | null;
  /** best − baseline in the objective's units; null without a baseline. Not a figure when either is below resolution. */
  change: number | null;
  /** Improvement in % of |baseline| (positive = better in the objective's direction); null without one or at 0. */
  improvement_pct: number | null;
  /** Energy of the best trial minus the baseline's: what the better model costs per run; null when either energy is below resolution. */
  extra_energy_j: number | null;
  /** Energy every trial of the study spent up to the best one's end: what finding it cost. */
  energy_to_best_j: number | null;
}

/**
 * Every started trial as a bar on a lane over wall-clock time. Columnar (one array per field, aligned), with
 * times relative to `start_ms` and states as small codes, so 10,000 bars are about half the JSON that epoch
 * times and state names made (bench/render: 478 KB). A running trial ends at `now_ms`.
 */
export interface StudyTimeline {
  study: string;
  now_ms: number;
  /** Epoch milliseconds of the first start and the last end; null before any trial started. */
  start_ms: number | null;
  end_ms: number | null;
  /**
   * GPU slots (`GPU 0`, `GPU 0 · 2` when a GPU holds several trials), Slurm nodes (`node7 GPU 1`) or parallel
   * lanes (`lane 1`...).
   */
  lanes: string[];
  /** What the codes of `bars.state` stand for. */
  states: TrialState[];
  bars: {
    number: number[];
    lane: number[];
    /** Milliseconds after `start_ms`. */
    start: number[];
    /** Milliseconds from start to end. */
    duration: number[];
    /** Index into `states`. */
    state: number[];
    /** The trial this one was promoted from (same configuration, larger budget), or -1. */
    parent: number[];
  };
  /** Batch job id by trial number, for trials run by the Slurm executor (their lanes are their nodes). */
  jobs: Record<number, string>;
  /** Stretches where a lane ran nothing between two trials, longer than `gap_min_ms`. */
  gaps: { lane: number; start_ms: number; end_ms: number }[];
  gap_min_ms: number;
  /** Share of lane time (first start to last end, over all lanes) with no trial running, 0–1. */
  idle_fraction: number | null;
}
