// The Sampler contract. A sampler proposes the next configuration; it never changes trial state.
// It sees every trial of the study, finished and pending, so it can avoid duplicating running work.
import type { Objective, Params, TrialState } from '../../../shared/types.js';
import type { SearchSpace } from '../study/space.js';

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

export interface SamplerContext {
  space: SearchSpace;
  objectives: readonly Objective[];
  /** All trials of the study so far, in number order, including queued and running ones. */
  trials: readonly TrialView[];
  /** The study seed; samplers derive their randomness from it (and the trial count) so a resumed study is reproducible. */
  seed: number;
}

/** A sampler returns `exhausted` when the search space cannot give any new configuration. */
export type Suggestion = { kind: 'params'; params: Params } | { kind: 'exhausted'; reason: string };

export interface Sampler<State = unknown> {
  readonly name: string;
  /**
   * The next configuration. A sampler whose thinking is heavy (the GP) answers with a Promise and does the
   * work off the caller's event loop; callers await the answer and ask again only after it came.
   */
  ask(ctx: SamplerContext): Suggestion | Promise<Suggestion>;
  /** Typed state the engine persists after each ask (in the same transaction as the new trial). */
  snapshot(): State | null;
  restore(state: State): void;
}

/** Errors a sampler throws on purpose (e.g. a failed model fit) so callers can fall back deliberately. */
export class SamplerError extends Error {
  constructor(
    message: string,
    readonly sampler: string,
  ) {
    super(message);
    this.name = 'SamplerError';
  }
}
