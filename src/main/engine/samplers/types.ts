// The Sampler contract. A sampler proposes the next configuration; it never changes trial state.
// It sees every trial of the study, finished and pending, so it can avoid duplicating running work.
import type { Objective, Params } from '../../../shared/types.js';
import type { SearchSpace } from '../study/space.js';
import type { TrialView } from '../study/trial-view.js';

export type { StepReport, TrialView } from '../study/trial-view.js';

export interface SamplerContext {
  space: SearchSpace;
  objectives: readonly Objective[];
  /** All trials of the study so far, in number order, including queued and running ones. */
  trials: readonly TrialView[];
  /** The study seed; samplers derive their randomness from it (and the trial count) so a resumed study is reproducible. */
  seed: number;
  /**
   * Complete results at a lower budget than the finished ones in `trials`, given by a multi-fidelity
   * wrapper (multi-fidelity.ts `stack`) as evidence a model may take for its prior mean.
   */
  lowerFidelity?: readonly TrialView[];
  /**
   * Set by a multi-fidelity wrapper (multi-fidelity.ts `joint`) when `trials` hold results at several
   * budgets (each trial's `budget`): a model takes the budget as an input and suggests for `max`.
   */
  fidelity?: { min: number; max: number };
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
