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
  /** The fidelity value (e.g. epochs) this trial was run with, when the study has a fidelity. */
  budget: number | null;
  /**
   * Every final metric of a finished trial, objectives included: reported ones and measured ones such as
   * `energy_j` (for a promoted trial, cumulative along its chain). Absent while the trial runs or when the
   * engine built the view without them.
   */
  metrics?: Record<string, number>;
}
