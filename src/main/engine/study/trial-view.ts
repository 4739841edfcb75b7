// What a sampler or a scheduler may know about one trial. It lives with the study, below both, because
// samplers and schedulers read the same trials and must not import each other.
import type { Params, TrialState } from '../../../shared/types.js';

/** What a sampler (or scheduler) may know about one trial. */
export interface TrialView {
  number: number;
  state: TrialState;
  params: Params;
  /** Objective values, present for complete trials (and pruned ones, from their last report). */
  values: Record<string, number> | null;
  /** Intermediate objective values by step (first objective), for schedulers and multi-fidelity samplers. */
  intermediate: ReadonlyMap<number, number>;
  /**
   * Every objective's intermediate values by step, with each report's place in the order the study received
   * them: stop-based successive halving judges a trial against those that reached a rung before it. Absent
   * when the engine built the view without them (then schedulers fall back on `intermediate`).
   */
  progress?: ReadonlyMap<number, StepReport>;
  /** The fidelity value (e.g. epochs) this trial was run with, when the study has a fidelity. */
  budget: number | null;
  /**
   * Final metrics of a finished trial beside its objectives: the campaign's views carry the measured
   * `energy_j` (for a promoted trial, cumulative along its chain), which cost-aware samplers read; other
   * measured metrics are left out of the views an engine holds all night. Absent while the trial runs or
   * when the engine built the view without them.
   */
  metrics?: Record<string, number>;
}

/** One intermediate report of a trial as stop-based schedulers read it. */
export interface StepReport {
  /** Its position among all reports of the study (the store's insertion order; only the order matters). */
  seq: number;
  /** The objectives' values it carried. */
  values: Readonly<Record<string, number>>;
}
